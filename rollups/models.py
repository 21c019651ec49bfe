"""Rollups: the facts the company-wide boards count, kept pre-added per manager and day.

A row is the work of one manager (``owner``) on one day at the clients of one current owner
and team (``client_owner``, ``client_team``; both empty for a temporary task without a
client). Keeping the client's current owner and team on the row lets a board apply the
viewer's scope exactly as it does to the raw rows (``dashboards.selectors.seen_with_client``:
a visit is seen with its client), and keeping the day lets it apply the month's cut-off
(``visits.selectors.visit_counts``: a visit of today counts as planned only once done).
Usually one row per manager and working day: thousands of rows a month, not the millions
of visits, tasks and logs behind them.

What the visit board reads from them (``dashboards.figures.visit_dashboard``, company-wide
at 100,000 clients):

- ``VisitDay``: planned, done, missed, temporary tasks, visits logged (and without a plan),
  and since 0007 ``first_visits`` (active clients whose first log of the month this is: the
  distinct active clients visited so far, for "not visited") and ``checklist_missed`` (the
  logs' checklist items not done);
- ``PlanCoverage``: the approved plans' lines per frequency, and when each line reached its
  n-th visit of the month (coverage against frequency at any cut-off).

Still raw, against "now" or too small to matter (measured on the 100,000-client dataset,
docs/operations.md): overdue clients (``next_visit_due`` < today; index-only on
``client_due_owner``, ~5–10 ms), active clients per manager (index-only on the partial
``client_active_owner``, ~25 ms), and the month's service strategies (a few rows a month).

The business board's figures (``FigureMonth``) are kept per month and the clients' current
owner and team: the market sums of ``analysis.selectors.MARKET_SUMS``, about 200 rows a month
at 100,000 clients (5.4 million figure rows), which the board, the weekly summary's pace
and their scope read in milliseconds instead of summing a month of figures on Refresh
(1.9 s p95 company-wide before; see docs/operations.md "Dashboard rollups").

Written only by ``rollups.services`` (see there for where they are refreshed).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.scoping import ScopedQuerySet, ScopePaths


def client_owner_field(*, null: bool = False) -> models.ForeignKey:
    """A row's clients' account manager now: with ``client_team_field``, what the scoping
    module filters a rollup by (``ScopePaths(owner="client_owner", team="client_team")``)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("client's account manager"),
        on_delete=models.CASCADE,
        null=null,
        blank=null,
        related_name="+",
    )


def client_team_field() -> models.ForeignKey:
    """A row's clients' team now (none for clients outside any team)."""
    return models.ForeignKey(
        "accounts.Team", verbose_name=_("client's team"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="+",
    )  # fmt: skip


class VisitDayQuerySet(ScopedQuerySet):
    # Seen with the client, like the visits it counts (the client's owner and team now).
    scope_paths = ScopePaths(owner="client_owner", team="client_team", mine=("owner",))


class VisitDay(models.Model):
    """One manager's visits of one day at the clients of one owner and team, counted."""

    day = models.DateField(_("day"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account manager"), on_delete=models.CASCADE, related_name="+"
    )
    client_owner = client_owner_field(null=True)
    client_team = client_team_field()
    planned_open = models.PositiveIntegerField(_("planned, not yet done"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    missed = models.PositiveIntegerField(_("missed"), default=0)
    tasks = models.PositiveIntegerField(_("temporary tasks recorded"), default=0)
    unplanned = models.PositiveIntegerField(_("visits logged without a plan"), default=0)
    logged = models.PositiveIntegerField(_("visits logged"), default=0)
    # Active clients whose first visit log of the month is this one (the earliest day; on a
    # day with several managers' logs, the lowest manager id's): added up to a day, the
    # distinct active clients visited in the month so far ("not visited" is the rest).
    first_visits = models.PositiveIntegerField(_("active clients first visited this month"), default=0)
    checklist_missed = models.PositiveIntegerField(_("checklist items not done"), default=0)

    objects = VisitDayQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit rollup")
        verbose_name_plural = _("visit rollups")
        indexes = [
            # The boards read a month by date (company-wide) or by manager; a refresh by both.
            models.Index(fields=["day", "owner"], name="rollup_visit_day_owner"),
            models.Index(fields=["owner", "day"], name="rollup_visit_owner_day"),
        ]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.day:%Y-%m-%d}"

    def key(self) -> tuple:
        return (self.owner_id, self.day, self.client_owner_id, self.client_team_id)

    def counts(self) -> tuple[int, ...]:
        return tuple(getattr(self, name) for name in COUNTS)


COUNTS = ("planned_open", "done", "missed", "tasks", "unplanned", "logged", "first_visits", "checklist_missed")


class SurveyMonthQuerySet(ScopedQuerySet):
    # Seen with the client, like the answers (``surveys.models.ResponseQuerySet``); the work
    # of the manager who held the client when it answered.
    scope_paths = ScopePaths(owner="client_owner", team="client_team", mine=("owner",))


class SurveyMonth(models.Model):
    """One month's survey answers earned by one manager (``owner``: who held the client when
    it answered) at one tier, about the clients of one owner and team now: the sums every
    score is computed from (``surveys.scores``: CSAT = satisfied ÷ ratings, NPS from
    promoters and detractors among the NPS answers)."""

    month = models.DateField(_("month"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account manager"), on_delete=models.CASCADE, related_name="+"
    )
    tier = models.ForeignKey("clients.Tier", verbose_name=_("tier"), on_delete=models.CASCADE, related_name="+")
    client_owner = client_owner_field()
    client_team = client_team_field()
    responses = models.PositiveIntegerField(_("answers"), default=0)
    ratings = models.PositiveIntegerField(_("ratings"), default=0)
    satisfied = models.PositiveIntegerField(_("ratings of 4–5"), default=0)
    nps_answers = models.PositiveIntegerField(_("NPS answers"), default=0)
    promoters = models.PositiveIntegerField(_("promoters"), default=0)
    detractors = models.PositiveIntegerField(_("detractors"), default=0)

    objects = SurveyMonthQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey rollup")
        verbose_name_plural = _("survey rollups")
        indexes = [
            models.Index(fields=["month", "owner"], name="rollup_survey_month_owner"),
            models.Index(fields=["owner", "month"], name="rollup_survey_owner_month"),
        ]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.month:%Y-%m}"

    def key(self) -> tuple:
        return (self.owner_id, self.month, self.tier_id, self.client_owner_id, self.client_team_id)

    def counts(self) -> tuple[int, ...]:
        return tuple(getattr(self, name) for name in SCORE_SUMS)


SCORE_SUMS = ("responses", "ratings", "satisfied", "nps_answers", "promoters", "detractors")


class ComplaintDayQuerySet(ScopedQuerySet):
    # Seen as the complaints it counts are (``complaints.models.ComplaintQuerySet``): by
    # the manager handling them and the team they were registered in.
    scope_paths = ScopePaths(owner="owner", team="team")


class ComplaintDay(models.Model):
    """The complaints received on one day (local date of ``received_at``) handled by one
    manager (``owner``) in one team, of one category and severity, at clients of one tier
    now: the counts the complaint board adds up that do not depend on "now".

    A deadline met (answered, resolved, someone on site) has an outcome that never changes:
    met on time or late, kept here. A deadline not met yet is judged against the moment the
    board is read (late once past due, unless the clock stopped while waiting on the
    client): those complaints, a small set that is mostly the open ones, are counted from
    the raw rows by the board (``rollups.selectors.complaint_figures``), as are the open
    complaints by state and deadline now, the escalated list and the percentiles of hours.
    """

    day = models.DateField(_("day received"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("handled by"), on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    category = models.ForeignKey(
        "complaints.Category", verbose_name=_("category"), on_delete=models.CASCADE, related_name="+"
    )
    severity = models.CharField(_("severity"), max_length=10)
    tier = models.ForeignKey(
        "clients.Tier", verbose_name=_("client's tier"), on_delete=models.CASCADE, related_name="+"
    )
    received = models.PositiveIntegerField(_("received"), default=0)
    first_responses = models.PositiveIntegerField(_("first responses given"), default=0)
    first_responses_late = models.PositiveIntegerField(_("first responses given late"), default=0)
    resolved = models.PositiveIntegerField(_("resolved"), default=0)
    resolved_late = models.PositiveIntegerField(_("resolved late"), default=0)
    on_site = models.PositiveIntegerField(_("someone on site"), default=0)
    on_site_late = models.PositiveIntegerField(_("someone on site late"), default=0)
    closed = models.PositiveIntegerField(_("closed"), default=0)
    escalated = models.PositiveIntegerField(_("escalated"), default=0)
    paused = models.PositiveIntegerField(_("waiting on the client"), default=0)

    objects = ComplaintDayQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint rollup")
        verbose_name_plural = _("complaint rollups")
        indexes = [
            models.Index(fields=["day", "owner"], name="rollup_complaint_day_owner"),
            models.Index(fields=["owner", "day"], name="rollup_complaint_owner_day"),
            models.Index(fields=["team", "day"], name="rollup_complaint_team_day"),
        ]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.day:%Y-%m-%d}"

    def key(self) -> tuple:
        return (self.owner_id, self.day, self.team_id, self.category_id, self.severity, self.tier_id)

    def counts(self) -> tuple[int, ...]:
        return tuple(getattr(self, name) for name in COMPLAINT_COUNTS)


COMPLAINT_COUNTS = (
    "received",
    "first_responses",
    "first_responses_late",
    "resolved",
    "resolved_late",
    "on_site",
    "on_site_late",
    "closed",
    "escalated",
    "paused",
)


class PlanCoverageQuerySet(ScopedQuerySet):
    # Seen with the client, like the plan lines and visit logs it counts (the visit board's
    # ``coverage``: both narrowed by the client's owner and team now).
    scope_paths = ScopePaths(owner="client_owner", team="client_team", mine=("owner",))


class PlanCoverage(models.Model):
    """A month's approved plan of one manager (``owner``), at the clients of one owner and
    team now, of one visit frequency: ``reached`` 0 counts its lines (clients in the plan,
    ``day`` the month's first); ``reached`` n ≥ 1 counts the lines whose n-th visit log by
    that manager this month was on ``day``. A line is covered up to a day when it reached
    the visits its frequency asks so far (``visits.selectors.coverage``) by that day: the
    board adds the rows of ``reached`` = the visits due and ``day`` ≤ its cut-off, whatever
    the cut-off (the visits due are counted at read time, from the working-day calendar)."""

    month = models.DateField(_("month"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account manager"), on_delete=models.CASCADE, related_name="+"
    )
    client_owner = client_owner_field()
    client_team = client_team_field()
    frequency = models.CharField(_("visit frequency"), max_length=20)
    reached = models.PositiveSmallIntegerField(_("visits reached"))
    day = models.DateField(_("day"))
    lines = models.PositiveIntegerField(_("plan lines"), default=0)

    objects = PlanCoverageQuerySet.as_manager()

    class Meta:
        verbose_name = _("coverage rollup")
        verbose_name_plural = _("coverage rollups")
        indexes = [
            models.Index(fields=["month", "owner"], name="rollup_coverage_month_owner"),
            models.Index(fields=["owner", "month"], name="rollup_coverage_owner_month"),
        ]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.month:%Y-%m}"

    def key(self) -> tuple:
        return (self.owner_id, self.month, self.client_owner_id, self.client_team_id, self.frequency, self.reached,
                self.day)  # fmt: skip

    def counts(self) -> tuple[int, ...]:
        return (self.lines,)


class FigureMonthQuerySet(ScopedQuerySet):
    # Seen with the client, like the business figures it sums (``analysis.models.SeenWithClient``):
    # by the client's owner and team now; the work of the client's owner.
    scope_paths = ScopePaths(owner="client_owner", team="client_team", mine=("client_owner",))


class FigureMonth(models.Model):
    """One month's business figures of the clients of one owner and team now, summed: the
    market sums (``analysis.selectors.MARKET_SUMS``) the business board, the weekly summary
    and the market analysis read per manager (``analysis.selectors_summary.figures_by_owner``).

    A client has one owner and team, so each row's active clients are distinct from every
    other row's and add up. About one row per manager and month (a few where a manager's
    clients sit in several teams): 200 rows a month at 100,000 clients instead of the
    hundreds of thousands of figure rows behind them. The key-brand quantity follows the
    products' key-brand flags as they are now (a flag changed refreshes the product's months).
    """

    month = models.DateField(_("month"))
    client_owner = client_owner_field()
    client_team = client_team_field()
    quantity = models.DecimalField(_("quantity"), max_digits=22, decimal_places=2, default=0)
    amount = models.DecimalField(_("amount"), max_digits=24, decimal_places=2, default=0)
    orders = models.PositiveBigIntegerField(_("orders"), default=0)
    key_brand_quantity = models.DecimalField(_("key-brand quantity"), max_digits=22, decimal_places=2, default=0)
    active_clients = models.PositiveIntegerField(_("clients with an order"), default=0)

    objects = FigureMonthQuerySet.as_manager()

    class Meta:
        verbose_name = _("business figure rollup")
        verbose_name_plural = _("business figure rollups")
        indexes = [
            models.Index(fields=["month", "client_owner"], name="rollup_figure_month_owner"),
            models.Index(fields=["client_owner", "month"], name="rollup_figure_owner_month"),
        ]

    def __str__(self) -> str:
        return f"{self.client_owner_id} {self.month:%Y-%m}"

    def key(self) -> tuple:
        return (self.client_owner_id, self.month, self.client_team_id)

    def counts(self) -> tuple:
        return tuple(getattr(self, name) for name in FIGURE_SUMS)


# The rollup's columns and the ``analysis.selectors.MARKET_SUMS`` each holds.
FIGURE_SUMS = {
    "quantity": "sum_quantity",
    "amount": "sum_amount",
    "orders": "sum_orders",
    "key_brand_quantity": "sum_key_brand_quantity",
    "active_clients": "sum_active_clients",
}
