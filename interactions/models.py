"""Every contact with a client besides visits, the follow-ups promised in them, and
messages prepared for many clients at once (sent only after a supervisor approves)."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from accounts.decisions import Decided
from accounts.scoping import ScopedQuerySet, ScopePaths
from clients.models import Client, Contact
from crm.records import NeverDeleted, UpdatedOnEverySave


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone call")
    SMS = "sms", _("SMS")
    WECHAT = "wechat", _("WeChat")
    EMAIL = "email", _("Email")
    LETTER = "letter", _("Letter")
    OFFICE = "office", _("Visit to our office")
    VISIT = "visit", _("Taken on a visit")


# What a call log can say (a request taken on a visit comes from the visit log).
LOG_CHANNELS = [(c.value, c.label) for c in Channel if c != Channel.VISIT]
# What a message to many clients can go by (a phone call or an office visit cannot).
BULK_CHANNELS = [(c.value, c.label) for c in (Channel.EMAIL, Channel.SMS, Channel.WECHAT, Channel.LETTER)]


class InteractionQuerySet(ScopedQuerySet):
    # An interaction is seen with the team it was logged in.
    scope_paths = ScopePaths(owner="owner", team="team")


class Interaction(UpdatedOnEverySave, NeverDeleted, models.Model):
    """One call, message, letter, e-mail or office visit, on the client's timeline.

    A client *request* carries stored deadlines (a reply within 24 hours, a visit planned
    within 48 hours when one is needed) so "late" is an indexed query.
    """

    class Direction(models.TextChoices):
        INBOUND = "in", _("From the client")
        OUTBOUND = "out", _("To the client")

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="interactions")
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account manager"), on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices, default=Direction.INBOUND)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    summary = models.TextField(_("summary"))
    promise = models.CharField(_("promised follow-up"), max_length=300, blank=True)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    is_request = models.BooleanField(
        _("needs a reply"), default=False, help_text=_("A request from the client: answer within 24 hours.")
    )
    reply_due = models.DateTimeField(_("reply due"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    reply_note = models.CharField(_("reply"), max_length=300, blank=True)
    visit_needed = models.BooleanField(_("needs a visit"), default=False, help_text=_("Plan a visit within 48 hours."))
    visit_due = models.DateTimeField(_("visit to be planned by"), null=True, blank=True)
    visit_planned_at = models.DateTimeField(_("visit planned at"), null=True, blank=True)
    planned_visit = models.ForeignKey(
        "visits.PlannedVisit",
        verbose_name=_("planned visit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    bulk_message = models.ForeignKey(
        "BulkMessage",
        verbose_name=_("message to many clients"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interactions",
    )
    # The form's one-time token: a double tap or a retry saves one interaction, not two.
    submission = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("logged by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("logged at"), auto_now_add=True)
    # Any change moves it (also a partial save): the API's incremental sync reads it.
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = InteractionQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        indexes = [
            models.Index(fields=["client", "-occurred_at"], name="interaction_client"),
            models.Index(fields=["owner", "-occurred_at"], name="interaction_owner"),
            # The calls and messages from clients over a period, for every client at once: the
            # early warning's "falling activity" (issue #31).
            models.Index(
                fields=["occurred_at", "client"], condition=models.Q(direction="in"), name="interaction_inbound_time"
            ),
            models.Index(fields=["team", "is_request", "reply_due"], name="interaction_team_requests"),
            models.Index(fields=["owner", "is_request", "reply_due"], name="interaction_owner_requests"),
            # The requests received in a month, by their time: the visit board's requests by
            # manager (``selectors.requests_by_manager``) reads the month's 4,000 requests, not
            # every interaction of every manager (33–47 → 10 ms at 100,000 clients, issue #31).
            models.Index(fields=["occurred_at"], condition=models.Q(is_request=True), name="interaction_requests_time"),
            # Every request of the company by due time: the admin's request list (issue #31).
            models.Index(
                fields=["reply_due", "id"], condition=models.Q(is_request=True), name="interaction_requests_due"
            ),
            # … and the open ones (``services.open_requests``: a hundred among 50,000).
            models.Index(
                fields=["reply_due", "id"],
                condition=models.Q(is_request=True, replied_at__isnull=True)
                | models.Q(visit_needed=True, visit_planned_at__isnull=True),
                name="interaction_requests_open",
            ),
            # The late-request sweep (every 15 minutes) reads only the open ones.
            models.Index(
                fields=["reply_due"],
                condition=models.Q(is_request=True, replied_at__isnull=True),
                name="interaction_reply_open",
            ),
            models.Index(
                fields=["visit_due"],
                condition=models.Q(visit_needed=True, visit_planned_at__isnull=True),
                name="interaction_visit_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.client.name}"

    def save(self, *args, **kwargs):
        # A request always has its deadlines, however it was saved (the admin included);
        # they run from when the client asked.
        if self.visit_needed:
            self.is_request = True
            if self.visit_due is None:
                self.visit_due = self.occurred_at + timedelta(hours=settings.CRM_REQUEST_VISIT_HOURS)
        if self.is_request and self.reply_due is None:
            self.reply_due = self.occurred_at + timedelta(hours=settings.CRM_REQUEST_REPLY_HOURS)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("clients:detail", args=[self.client_id]) + f"#interaction-{self.pk}"

    def reply_late(self, now=None) -> bool:
        if not self.is_request or self.reply_due is None:
            return False
        return (self.replied_at or now or timezone.now()) > self.reply_due

    def visit_late(self, now=None) -> bool:
        if not self.visit_needed or self.visit_due is None:
            return False
        return (self.visit_planned_at or now or timezone.now()) > self.visit_due

    @property
    def is_open_request(self) -> bool:
        return (self.is_request and self.replied_at is None) or (self.visit_needed and self.visit_planned_at is None)


class FollowUpTaskQuerySet(ScopedQuerySet):
    # A promise is seen with its client's team; it is its manager's work.
    scope_paths = ScopePaths(owner="owner", team="client__team")


class FollowUpTask(models.Model):
    """A promise with a date: a task on the manager's home page and a reminder when due."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account manager"), on_delete=models.PROTECT, related_name="+"
    )
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="follow_up_tasks"
    )
    interaction = models.OneToOneField(
        Interaction,
        verbose_name=_("interaction"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follow_up_task",
    )
    description = models.CharField(_("what was promised"), max_length=300)
    due_on = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_note = models.CharField(_("what was done"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    objects = FollowUpTaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")
        indexes = [
            models.Index(fields=["owner", "done_at", "due_on"], name="followup_owner_open"),
            models.Index(fields=["due_on"], condition=models.Q(done_at__isnull=True), name="followup_due_open"),
            # The company's done tasks, latest first: the admin's "done" list (issue #31).
            models.Index(
                fields=["-done_at", "-id"], condition=models.Q(done_at__isnull=False), name="followup_done_latest"
            ),
        ]

    def __str__(self) -> str:
        return self.description

    def is_overdue(self, today=None) -> bool:
        return self.done_at is None and self.due_on < (today or timezone.localdate())


class BulkMessageQuerySet(ScopedQuerySet):
    # A message is seen with the team it was written in.
    scope_paths = ScopePaths(owner="author", team="team", mine=("author",))


class BulkMessage(Decided):
    """One message prepared for a selection of clients; it goes out only once a
    supervisor has approved it (SPEC: messages to many clients need approval)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", pgettext_lazy("message", "Approved")
        REJECTED = "rejected", pgettext_lazy("message", "Rejected")
        SENT = "sent", pgettext_lazy("message", "Sent")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("prepared by"), on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=BULK_CHANNELS, default=Channel.EMAIL)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    criteria = models.JSONField(_("selection"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    objects = BulkMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message to many clients")
        verbose_name_plural = _("messages to many clients")
        indexes = [
            models.Index(fields=["author", "-created_at"], name="bulk_author"),
            models.Index(fields=["team", "status"], name="bulk_team_status"),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("interactions:message", args=[self.pk])


class BulkRecipientQuerySet(ScopedQuerySet):
    # A recipient is seen with its client (a client handed to another team leaves the old one's view).
    scope_paths = ScopePaths(owner="client__owner", team="client__team", mine=("message__author",))


class BulkRecipient(models.Model):
    """One client (and the contact written to) of a message; ``sent_at`` makes sending
    idempotent: a retry or a second sweep skips whoever already has it."""

    message = models.ForeignKey(
        BulkMessage, verbose_name=_("message"), on_delete=models.CASCADE, related_name="recipients"
    )
    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)

    objects = BulkRecipientQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        constraints = [models.UniqueConstraint(fields=["message", "client"], name="bulk_recipient_once")]

    def __str__(self) -> str:
        return f"{self.message} → {self.client}"
