"""Supervisor spot checks and the monthly review of visit logs.

Seed 001 ends its service standard with an inspection sheet: the shop, the date, the
inspector's signature and the staff member's signature. Here a supervisor records an
accompanied visit or a spot check of a manager's client against a fixed list of
inspection items (admins edit the list), with a score and remarks, and the manager signs
it by acknowledging it with their login. Seed 004 has the visit diary (客户走访日志)
handed in at month end for the person in charge to check and comment on: a
``VisitLogReview`` per manager and month.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Team
from accounts.scoping import ScopedQuerySet, ScopePaths
from clients.models import Client

from . import rules


class InspectionItem(models.Model):
    """One line of the inspection sheet (seed 001's service standard: greeting, courtesy,
    appearance, tidiness…); admins edit, reorder and retire them."""

    name = models.CharField(_("name"), max_length=150)
    guidance = models.CharField(_("what to look at"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Only active items are on new sheets."))
    # history: registered in translation.py, after the names per language

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("inspection item")
        verbose_name_plural = _("inspection items")

    def __str__(self) -> str:
        return self.name


class SpotCheckQuerySet(ScopedQuerySet):
    # A spot check is a record of the manager's work: seen by that manager, by the
    # supervisor of the team it was made in, and by admins, wherever the client went since.
    scope_paths = ScopePaths(owner="manager", team="team", mine=("manager",))


class SpotCheck(models.Model):
    """A supervisor's accompanied visit or spot check of one manager at one client."""

    class Kind(models.TextChoices):
        ACCOMPANIED = "accompanied", _("Accompanied visit")
        SPOT_CHECK = "spot_check", _("Spot check")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SPOT_CHECK)
    date = models.DateField(_("date"))
    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="spot_checks")
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager checked"),
        on_delete=models.PROTECT,
        related_name="spot_checks",
    )
    # The manager's team when the check was made: its supervisor keeps seeing it.
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("checked by"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("score"), validators=[MaxValueValidator(rules.MAX_SCORE)])
    remarks = models.TextField(_("remarks"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    # The manager's signature: their own login, when, and what they said.
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledgement_comment = models.TextField(_("manager's comment"), blank=True)
    history = HistoricalRecords()

    objects = SpotCheckQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")
        constraints = [
            models.CheckConstraint(condition=models.Q(score__lte=rules.MAX_SCORE), name="spot_check_score_at_most_100")
        ]
        indexes = [
            # The scorecard's month per manager, and a manager's own list.
            models.Index(fields=["manager", "date"], name="spot_check_manager_date"),
            # A supervisor's list of the team's checks.
            models.Index(fields=["team", "date"], name="spot_check_team_date"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%Y-%m-%d} · {self.manager}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:detail", args=[self.pk])

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None


class SpotCheckItem(models.Model):
    """One line of a spot check's sheet: the item, whether it met the standard, a note."""

    spot_check = models.ForeignKey(SpotCheck, verbose_name=_("spot check"), on_delete=models.CASCADE,
                                   related_name="items")  # fmt: skip
    item = models.ForeignKey(InspectionItem, verbose_name=_("inspection item"), on_delete=models.PROTECT,
                             related_name="+")  # fmt: skip
    passed = models.BooleanField(_("meets the standard"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["item__position", "item_id"]
        verbose_name = _("inspection result")
        verbose_name_plural = _("inspection results")
        constraints = [models.UniqueConstraint(fields=["spot_check", "item"], name="spot_check_item_once")]

    def __str__(self) -> str:
        return f"{self.item} · {'✓' if self.passed else '✗'}"


class VisitLogReviewQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(owner="manager", team="team", mine=("manager",))


class VisitLogReview(models.Model):
    """The supervisor's monthly check of a manager's visit logs, with a comment (seed 004:
    the visit diary is handed in at month end; the person in charge checks it and writes an
    opinion). One per manager and month; a later review replaces the comment, and the
    history keeps the earlier ones."""

    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account manager"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"))
    comment = models.TextField(_("comment"))
    # How many of the month's logs the reviewer had before them: logs added later are new.
    logs_reviewed = models.PositiveIntegerField(_("visit logs reviewed"), default=0)
    history = HistoricalRecords()

    objects = VisitLogReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "manager_id"]
        verbose_name = _("visit log review")
        verbose_name_plural = _("visit log reviews")
        constraints = [models.UniqueConstraint(fields=["manager", "month"], name="visit_log_review_once_a_month")]
        indexes = [models.Index(fields=["team", "month"], name="visit_log_review_team_month")]

    def __str__(self) -> str:
        return f"{self.manager} {self.month:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:review", args=[self.manager_id, f"{self.month:%Y-%m}"])
