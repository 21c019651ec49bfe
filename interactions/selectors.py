"""What the home pages show of interactions: follow-ups due, requests waiting or late,
messages waiting for approval; a fixed number of queries each."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.scoping import scope_for
from crm.queries import person, person_columns

from . import services
from .models import BulkMessage, FollowUpTask, Interaction

HOME_FOLLOW_UPS = 8
FOLLOW_UP_HORIZON_DAYS = 7


def home_follow_ups(user: User) -> list[FollowUpTask]:
    """The manager's open follow-ups due within a week, overdue first."""
    horizon = timezone.localdate() + timedelta(days=FOLLOW_UP_HORIZON_DAYS)
    return list(
        FollowUpTask.objects.of_manager(user)
        .filter(done_at__isnull=True, due_on__lte=horizon)
        .select_related("client")
        .order_by("due_on", "pk")[:HOME_FOLLOW_UPS]
    )


def request_querysets(user: User, *, scope=None) -> dict[str, QuerySet[Interaction]]:
    """Requests in the user's scope still waiting (``waiting``), and those of them past a
    deadline (``late``): count them with ``crm.queries.count_each``."""
    now = timezone.now()
    scope = scope or scope_for(user)
    waiting = services.open_requests(Interaction.objects.visible_to(scope))
    late = Q(is_request=True, replied_at__isnull=True, reply_due__lt=now) | Q(
        visit_needed=True, visit_planned_at__isnull=True, visit_due__lt=now
    )
    return {"waiting": waiting, "late": waiting.filter(late)}


def messages_to_decide(user: User) -> QuerySet[BulkMessage]:
    """Bulk messages waiting for this user's approval (never their own)."""
    if user.is_crm_admin:
        return BulkMessage.objects.filter(status=BulkMessage.Status.PENDING).exclude(author=user)
    if not user.is_supervisor:
        return BulkMessage.objects.none()
    return BulkMessage.objects.filter(status=BulkMessage.Status.PENDING, team__supervisor=user).exclude(author=user)


class RequestRow:
    """One manager's client requests received in a month."""

    def __init__(self, owner: User, received=0, due=0, replied_on_time=0, reply_late=0, visit_late=0, waiting=0):
        self.owner, self.received, self.due, self.replied_on_time = owner, received, due, replied_on_time
        self.reply_late, self.visit_late, self.waiting = reply_late, visit_late, waiting

    @property
    def on_time_rate(self) -> float | None:
        """Of the requests answered or past their deadline, the share answered in time (a
        visit it needed planned in time too): the scorecard's definition."""
        return round(100 * self.replied_on_time / self.due, 1) if self.due else None


def requests_by_manager(interactions, start, end, now=None) -> list[RequestRow]:
    """Requests received in [start, end) by account manager, one grouped query (with the
    managers' names): answered in time, answered late or still unanswered past the
    deadline, visits planned late or not yet past theirs, and how many still wait."""
    now = now or timezone.now()
    from django.db.models import F

    owner = person_columns("owner", "owner")
    rows = (
        interactions.filter(is_request=True, occurred_at__gte=start, occurred_at__lt=end)
        .values(**owner)
        .annotate(
            received=Count("pk"),
            due=Count("pk", filter=Q(replied_at__isnull=False) | Q(reply_due__lte=now)),
            replied_on_time=Count("pk", filter=services.ANSWERED_IN_TIME),
            reply_late=Count(
                "pk",
                filter=Q(replied_at__gt=F("reply_due")) | Q(replied_at__isnull=True, reply_due__lt=now),
            ),
            visit_late=Count(
                "pk",
                filter=Q(visit_needed=True)
                & (Q(visit_planned_at__gt=F("visit_due")) | Q(visit_planned_at__isnull=True, visit_due__lt=now)),
            ),
            waiting=Count(
                "pk",
                filter=Q(replied_at__isnull=True) | Q(visit_needed=True, visit_planned_at__isnull=True),
            ),
        )
        .order_by()
    )
    result = [
        RequestRow(person(row, "owner"), **{name: value for name, value in row.items() if name not in owner})
        for row in rows
    ]
    return sorted(result, key=lambda r: (-r.reply_late - r.visit_late, str(r.owner)))


def open_requests_by_manager(interactions) -> list[dict]:
    """Open requests per account manager (one grouped query): all, and those taken on a
    visit, which stay with the visitor until the client is told the result."""
    rows = list(
        services.open_requests(interactions)
        .values("owner_id")
        .annotate(open=Count("pk"), on_visits=Count("pk", filter=Q(channel="visit")))
        .order_by()
    )
    owners = User.objects.in_bulk([row["owner_id"] for row in rows])
    return sorted(
        ({"owner": owners[row["owner_id"]], "open": row["open"], "on_visits": row["on_visits"]} for row in rows),
        key=lambda row: (-row["open"], str(row["owner"])),
    )
