"""Reads of spot checks and visit-log reviews, always through the viewer's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from accounts.models import Team, User
from accounts.scoping import Scope
from clients.models import Client
from crm.http import search_text
from crm.i18n import localized
from visits import rules as visit_rules
from visits.models import VisitLog

from .models import SpotCheck, VisitLogReview

PENDING, ACKNOWLEDGED = "pending", "acknowledged"
STATUSES = (PENDING, ACKNOWLEDGED)


def spot_checks(scope: Scope, *, status: str = "", team: Team | None = None) -> QuerySet[SpotCheck]:
    """The spot checks the viewer may see, newest first, with what a list row shows."""
    checks = SpotCheck.objects.visible_to(scope).select_related("client", "manager", "checked_by")
    if status == PENDING:
        checks = checks.filter(acknowledged_at__isnull=True)
    elif status == ACKNOWLEDGED:
        checks = checks.filter(acknowledged_at__isnull=False)
    if team is not None:
        checks = checks.filter(team=team)
    return checks.order_by("-date", "-pk")


def status_counts(scope: Scope, *, team: Team | None = None) -> dict[str, int]:
    """Pending and acknowledged checks in scope: one query."""
    checks = SpotCheck.objects.visible_to(scope)
    if team is not None:
        checks = checks.filter(team=team)
    return checks.aggregate(
        pending=Count("pk", filter=Q(acknowledged_at__isnull=True)),
        acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
    )


def spot_check(scope: Scope, pk: int) -> SpotCheck:
    """One spot check in scope with its sheet (404 otherwise)."""
    try:
        return (
            SpotCheck.objects.visible_to(scope)
            .select_related("client", "manager", "checked_by", "acknowledged_by", "team")
            .prefetch_related("items__item")
            .get(pk=pk)
        )
    except SpotCheck.DoesNotExist as exc:
        raise Http404 from exc


def checkable_clients(scope: Scope, user: User, query: str, limit: int = 20) -> list[Client]:
    """Clients the viewer may record a spot check at, matching a name or code: in scope,
    with a manager who is not the viewer. A short list, not the whole book."""
    query = search_text(query)
    if not query:
        return []
    clients = (
        Client.objects.visible_to(scope)
        .filter(owner__isnull=False)
        .exclude(owner=user)
        .filter(Q(name__icontains=query) | Q(code__icontains=query))
        .select_related("owner")
        .order_by("name", "pk")
    )
    return list(clients[:limit])


@dataclass
class MonthRow:
    """One manager's month on the supervisor's review list."""

    manager: User
    logs: int
    review: VisitLogReview | None

    @property
    def new_since_review(self) -> int:
        return max(0, self.logs - self.review.logs_reviewed) if self.review else 0


def reviewable_managers(scope: Scope, *, team: Team | None = None) -> QuerySet[User]:
    """The managers whose visit logs the viewer sees, by team and name."""
    managers = scope.users().filter(role=User.Role.MANAGER)
    if team is not None:
        managers = managers.filter(team=team)
    return managers.order_by(localized("team__name"), "last_name", "first_name", "username")


def month_rows(managers: list[User], month: date) -> list[MonthRow]:
    """For a page of managers: their visit logs of the month and the month's review. Two
    queries whatever the number of managers."""
    ids = [user.pk for user in managers]
    month = visit_rules.month_start(month)
    counts = dict(
        VisitLog.objects.filter(owner_id__in=ids, date__range=(month, visit_rules.month_end(month)))
        .order_by()
        .values_list("owner_id")
        .annotate(n=Count("pk"))
    )
    reviews = {
        review.manager_id: review
        for review in VisitLogReview.objects.filter(manager_id__in=ids, month=month).select_related("reviewed_by")
    }
    return [MonthRow(user, counts.get(user.pk, 0), reviews.get(user.pk)) for user in managers]


def reviews_of(manager: User) -> QuerySet[VisitLogReview]:
    """A manager's own reviewed months, newest first."""
    return VisitLogReview.objects.filter(manager=manager).select_related("reviewed_by").order_by("-month")


def review_of(manager_id: int, month: date) -> VisitLogReview | None:
    return (
        VisitLogReview.objects.filter(manager_id=manager_id, month=visit_rules.month_start(month))
        .select_related("reviewed_by")
        .first()
    )


def month_logs(manager_id: int, month: date) -> QuerySet[VisitLog]:
    """The logs a review covers, oldest first, with their client."""
    from .services import logs_of_month

    return logs_of_month(manager_id, month).select_related("client").order_by("date", "created_at", "pk")


def spot_checks_of(manager_ids, month: date, until: date) -> QuerySet[SpotCheck]:
    """The spot checks a manager's month counts: those of them dated from the month's first
    day up to ``until`` (unscoped: a scorecard narrows the rows it lists)."""
    return SpotCheck.objects.filter(manager_id__in=manager_ids, date__range=(visit_rules.month_start(month), until))


def spot_check_scores(manager_ids, month: date, until: date) -> dict[int, tuple[int, int]]:
    """{manager id: (sum of scores, number of checks)} for the scorecard: one query."""
    rows = (
        spot_checks_of(manager_ids, month, until)
        .order_by()
        .values("manager_id")
        .annotate(total=Sum("score"), n=Count("pk"))
    )
    return {row["manager_id"]: (row["total"] or 0, row["n"]) for row in rows}
