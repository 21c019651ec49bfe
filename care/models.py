"""Client care: gifts given (and declined), invitations to events (SPEC "Care")."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.decisions import Decided
from accounts.scoping import ScopedQuerySet, ScopePaths
from clients.models import Client, Contact

from . import rules


class GiftQuerySet(ScopedQuerySet):
    # A gift is seen with its client; it is the work of who gave it.
    scope_paths = ScopePaths(owner="client__owner", team="client__team", mine=("given_by",))


class Gift(Decided):
    """A small gift given to a client's person (occasion, item, value, recipient, approved by)."""

    class Occasion(models.TextChoices):
        BIRTHDAY = "birthday", _("Birthday")
        ANNIVERSARY = "anniversary", _("Anniversary of the relationship")
        HOLIDAY = "holiday", _("Holiday")
        EVENT = "event", _("Event")
        OTHER = "other", _("Other occasion")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="gifts")
    contact = models.ForeignKey(
        Contact, verbose_name=_("recipient"), on_delete=models.SET_NULL, null=True, blank=True, related_name="gifts"
    )
    occasion = models.CharField(_("occasion"), max_length=20, choices=Occasion.choices)
    item = models.CharField(_("item"), max_length=200)
    value = models.DecimalField(_("value (yuan)"), max_digits=10, decimal_places=2)
    given_on = models.DateField(_("given on"))
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("given by"), on_delete=models.PROTECT, related_name="gifts_given"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    # decided_by/decided_at/decision_comment (Decided): an approved gift without a decider
    # was below the approval threshold.
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords()

    objects = GiftQuerySet.as_manager()

    class Meta:
        ordering = ["-given_on", "-pk"]
        verbose_name = _("gift")
        verbose_name_plural = _("gifts")
        indexes = [models.Index(fields=["status", "given_on"], name="gift_status_given_on")]

    def __str__(self) -> str:
        return f"{self.item} → {self.client.name}"

    def get_absolute_url(self) -> str:
        return reverse("care:gifts")


class DeclinedGiftQuerySet(ScopedQuerySet):
    # A declined gift is seen with its client.
    scope_paths = ScopePaths(owner="client__owner", team="client__team", mine=("recorded_by",))


class DeclinedGift(models.Model):
    """Staff never accept gifts from clients in any form (seed 001): a record that one was declined."""

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="declined_gifts"
    )
    offered_on = models.DateField(_("offered on"))
    description = models.CharField(_("what was offered"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = DeclinedGiftQuerySet.as_manager()

    class Meta:
        ordering = ["-offered_on", "-pk"]
        verbose_name = _("declined gift")
        verbose_name_plural = _("declined gifts")

    def __str__(self) -> str:
        return f"{self.description} ({self.client.name})"


class EventInvitationQuerySet(ScopedQuerySet):
    # An invitation is seen with its client; it is the work of the manager who sent it.
    scope_paths = ScopePaths(owner="client__owner", team="client__team")


class EventInvitation(models.Model):
    """An invitation of a client's person to an event; attendance is confirmed afterwards (seed 000)."""

    class Rsvp(models.TextChoices):
        PENDING = "pending", _("No answer yet")
        YES = "yes", _("Coming")
        NO = "no", _("Not coming")

    event_name = models.CharField(_("event"), max_length=200)
    event_date = models.DateField(_("event date"))
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="event_invitations"
    )
    contact = models.ForeignKey(
        Contact, verbose_name=_("invitee"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_on = models.DateField(_("sent on"))
    rsvp = models.CharField(_("answer"), max_length=10, choices=Rsvp.choices, default=Rsvp.PENDING)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        on_delete=models.PROTECT,
        related_name="event_invitations",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords()

    objects = EventInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-event_date", "-pk"]
        verbose_name = _("event invitation")
        verbose_name_plural = _("event invitations")
        indexes = [models.Index(fields=["event_date"], name="event_invitation_date")]

    def __str__(self) -> str:
        return f"{self.event_name} · {self.client.name}"

    @property
    def is_late(self) -> bool:
        return rules.invitation_is_late(self.sent_on, self.event_date)

    def is_past(self, today=None) -> bool:
        return self.event_date < (today or timezone.localdate())
