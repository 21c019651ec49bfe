"""Early warning (预警客户) and the monthly scorecard of account managers.

Warning rules and scorecard weights are admin settings (their changes are kept); a
client's warning stores the rule and the numbers behind it, never a sentence, so the
reason reads in whatever language the reader uses.
"""

import json
from collections.abc import Iterable

from django.db import connections, models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scoping import ScopedQuerySet, ScopePaths
from clients.models import Client


class RuleCode(models.TextChoices):
    OVERDUE_VISIT = "overdue_visit", _("Long without a visit")
    FALLING_ACTIVITY = "falling_activity", _("Falling activity")
    REPEATED_COMPLAINTS = "repeated_complaints", _("Repeated complaints")
    LOW_SATISFACTION = "low_satisfaction", _("Low satisfaction")
    STATUS_CHANGE = "status_change", _("Became dormant or lost")


class WarningRule(models.Model):
    """One sign of a client about to leave (SPEC "Clients", early warning), with its
    threshold and the period it looks at."""

    Code = RuleCode

    code = models.CharField(_("rule"), max_length=30, choices=RuleCode.choices, unique=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    threshold = models.PositiveIntegerField(
        _("threshold"),
        help_text=_(
            "Long without a visit: how far past the due date, in % of the visit interval. "
            "Falling activity: the drop in %. Repeated complaints: the number of complaints. "
            "Low satisfaction: the lowest acceptable share of satisfied ratings (%). "
            "Became dormant or lost: not used."
        ),
    )
    window_days = models.PositiveIntegerField(
        _("period (days)"),
        help_text=_(
            "The days looked at: falling activity compares this period with the one before; "
            "not used for long without a visit."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("early warning rule")
        verbose_name_plural = _("early warning rules")

    def __str__(self) -> str:
        return str(self.get_code_display())


# A client a manager marked as tending to leave (离网倾向) by hand: no rule clears it.
MANUAL = "manual"


def refresh_flagged_at(client_ids: Iterable[int], *, using: str = "default") -> int:
    """Set these clients' ``Client.latest_flagged_at`` and ``Client.earliest_flagged_at`` to
    their latest and first active warnings (none: NULL), rewriting only the clients whose
    values change. One statement however many clients (their ids passed as one array);
    returns the clients changed.

    The one home of those columns: every write of warnings ends here (the morning run, a
    mark by hand, and any save, update or delete of warnings through the ORM)."""
    ids = sorted({int(pk) for pk in client_ids})
    if not ids:
        return 0
    conn = connections[using]
    quote = conn.ops.quote_name
    clients, warnings = quote(Client._meta.db_table), quote(ClientWarning._meta.db_table)
    flag = f"SELECT {{}}(w.first_flagged_at) FROM {warnings} w WHERE w.client_id = {{}} AND w.active"  # noqa: S608
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {clients} SET latest_flagged_at = m.latest, earliest_flagged_at = m.earliest "  # noqa: S608 (our SQL; values are parameters)
                f"FROM (SELECT ids.id, ({flag.format('MAX', 'ids.id')}) AS latest, "
                f"({flag.format('MIN', 'ids.id')}) AS earliest FROM unnest(%s::bigint[]) AS ids(id)) m "
                f"WHERE {clients}.id = m.id AND ({clients}.latest_flagged_at IS DISTINCT FROM m.latest "
                f"OR {clients}.earliest_flagged_at IS DISTINCT FROM m.earliest)",
                [ids],
            )
        else:
            latest, earliest = flag.format("MAX", f"{clients}.id"), flag.format("MIN", f"{clients}.id")
            cursor.execute(
                f"UPDATE {clients} SET latest_flagged_at = ({latest}), earliest_flagged_at = ({earliest}) "  # noqa: S608 (our SQL; values are parameters)
                "WHERE id IN (SELECT value FROM json_each(%s)) "
                f"AND (latest_flagged_at IS NOT ({latest}) OR earliest_flagged_at IS NOT ({earliest}))",
                [json.dumps(ids)],
            )
        return cursor.rowcount


class ClientWarningQuerySet(ScopedQuerySet):
    # A warning is seen, and acted on, with its client.
    scope_paths = ScopePaths(owner="client__owner", team="client__team", mine=("client__owner",))

    # Writes through the ORM keep the clients' latest and first flags (refresh_flagged_at);
    # the morning run writes in SQL and refreshes them itself.
    def _clients(self) -> list[int]:
        return list(self.order_by().values_list("client_id", flat=True).distinct())

    def update(self, **kwargs) -> int:
        clients = self._clients()
        changed = super().update(**kwargs)
        refresh_flagged_at(clients, using=self.db)
        return changed

    update.alters_data = True

    def delete(self):
        clients = self._clients()
        deleted = super().delete()
        refresh_flagged_at(clients, using=self.db)
        return deleted

    delete.alters_data = True
    delete.queryset_only = True

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        refresh_flagged_at((w.client_id for w in created), using=self.db)
        return created


class ClientWarning(models.Model):
    """A client flagged by one rule: active while the rule still matches, then cleared
    (kept, so that a client flagged again is announced again)."""

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="warnings")
    rule = models.CharField(_("rule"), max_length=30, choices=[*RuleCode.choices, (MANUAL, _("Marked by hand"))])
    params = models.JSONField(_("figures"), default=dict, blank=True)
    active = models.BooleanField(_("active"), default=True)
    first_flagged_at = models.DateTimeField(_("flagged at"))
    last_seen_at = models.DateTimeField(_("last confirmed at"))
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)

    objects = ClientWarningQuerySet.as_manager()

    class Meta:
        ordering = ["-first_flagged_at", "pk"]
        verbose_name = _("client warning")
        verbose_name_plural = _("client warnings")
        constraints = [models.UniqueConstraint(fields=["client", "rule"], name="client_warning_one_per_rule")]
        indexes = [
            # Only the active ones, with the day each was flagged: a manager's flagged clients,
            # their count and the retention visits due read this index alone.
            models.Index(
                fields=["client", "first_flagged_at"], condition=models.Q(active=True), name="client_warning_active"
            )
        ]

    def __str__(self) -> str:
        return f"{self.client_id} · {self.rule}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        refresh_flagged_at([self.client_id], using=self._state.db or "default")

    def delete(self, *args, **kwargs):
        client_id, using = self.client_id, self._state.db or "default"
        deleted = super().delete(*args, **kwargs)
        refresh_flagged_at([client_id], using=using)
        return deleted

    @property
    def reason(self) -> str:
        from .reasons import reason_text

        return reason_text(self.rule, self.params)


class ScorecardWeights(models.Model):
    """The scorecard's weights (one row). The seed's monthly scorecard weighs visit targets
    30%, development 30%, daily work 10%, attendance, teamwork and client care 15%; the
    remaining 15% go to satisfaction."""

    plan_completion = models.PositiveSmallIntegerField(
        _("visit plan completion"), default=15, help_text=_("Visit targets (the seed weighs it 30%), with coverage.")
    )
    coverage = models.PositiveSmallIntegerField(
        _("coverage"), default=15, help_text=_("Visit targets (the seed weighs it 30%), with plan completion.")
    )
    new_clients = models.PositiveSmallIntegerField(
        _("new clients"), default=30, help_text=_("Development (the seed weighs it 30%).")
    )
    requests_on_time = models.PositiveSmallIntegerField(
        _("requests answered on time"),
        default=5,
        help_text=_("Daily work (the seed weighs it 10%), with complaints resolved on time."),
    )
    complaints_on_time = models.PositiveSmallIntegerField(
        _("complaints resolved on time"),
        default=5,
        help_text=_("Daily work (the seed weighs it 10%), with requests answered on time."),
    )
    punctuality = models.PositiveSmallIntegerField(
        _("punctuality"),
        default=5,
        help_text=_("Attendance, teamwork and client care (the seed weighs it 15%), with return visits."),
    )
    return_visits = models.PositiveSmallIntegerField(
        _("return visits done"),
        default=10,
        help_text=_("Attendance, teamwork and client care (the seed weighs it 15%), with punctuality."),
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"), default=15, help_text=_("The remaining 15%: share of satisfied ratings.")
    )
    spot_checks = models.PositiveSmallIntegerField(
        _("supervisor spot checks"),
        default=0,
        help_text=_(
            "The average score of the month's spot checks and accompanied visits (seed 001's inspection "
            "sheet). 0: spot checks are not counted and the scorecard does not show them."
        ),
    )
    new_clients_target = models.PositiveSmallIntegerField(
        _("new clients expected per month"),
        default=2,
        help_text=_("Reaching it scores the development figure in full."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scorecard weights")
        verbose_name_plural = _("scorecard weights")

    def __str__(self) -> str:
        return str(_("Scorecard weights"))

    def save(self, *args, **kwargs):
        self.pk = 1  # one row
        super().save(*args, **kwargs)

    @classmethod
    def get(cls) -> "ScorecardWeights":
        weights, _created = cls.objects.get_or_create(pk=1)
        return weights
