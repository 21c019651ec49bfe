"""Reads of surveys, always through the user's scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.models import User
from accounts.scoping import ScopePaths, get_scoped_object_or_404, scope_for
from clients.models import Client
from crm.i18n import localized
from visits.rules import month_bounds, month_start

from .models import FollowUp, Invitation, Response
from .scores import Score, summarise, summarise_by

# Open follow-ups are listed by whose work they are (the manager they are given to, with that
# manager's team), not by their client as the follow-up itself is seen (models.FollowUpQuerySet).
FOLLOW_UPS_BY_ASSIGNEE = ScopePaths(owner="owner")


def visible_invitations(user: User) -> QuerySet[Invitation]:
    return Invitation.objects.visible_to(user)


def get_invitation(user: User, pk: int) -> Invitation:
    queryset = Invitation.objects.select_related("client", "client__owner", "contact", "template", "created_by")
    return get_scoped_object_or_404(user, queryset, pk=pk)


def visible_responses(user: User) -> QuerySet[Response]:
    return Response.objects.visible_to(user)


def open_follow_ups(user: User) -> QuerySet[FollowUp]:
    return (
        scope_for(user)
        .filter(FollowUp.objects.filter(done_at__isnull=True), paths=FOLLOW_UPS_BY_ASSIGNEE)
        .select_related("client", "owner", "response")
    )


def get_follow_up(user: User, pk: int) -> FollowUp:
    return get_scoped_object_or_404(user, FollowUp.objects.select_related("client"), pk=pk)


@dataclass
class ClientSurveys:
    """The satisfaction panel of the client file (two queries)."""

    responses: list[Response] = field(default_factory=list)  # newest first
    invitations: list[Invitation] = field(default_factory=list)

    @property
    def latest(self) -> Response | None:
        return self.responses[0] if self.responses else None

    @property
    def trend(self) -> list[Response]:
        """Oldest to newest, for reading left to right."""
        return list(reversed(self.responses))


def recent_responses(client: Client, limit: int, *, before: datetime | None = None) -> list[Response]:
    """The client's latest survey answers (answered before ``before``, if given), newest
    first, with who entered them and their follow-up. The newest are kept on the client
    object: the client file's timeline and its satisfaction panel show the same answers, and
    ask the database once."""
    rows = Response.objects.filter(client=client).select_related("entered_by", "follow_up")
    if before is not None:  # a later page of the client's timeline
        return list(rows.filter(submitted_at__lt=before).order_by("-submitted_at", "-pk")[:limit])
    fetched = getattr(client, "_recent_responses", None)
    if fetched is None or fetched[0] < limit:
        fetched = (limit, list(rows.order_by("-submitted_at", "-pk")[:limit]))
        client._recent_responses = fetched
    return fetched[1][:limit]


def client_surveys(client: Client, *, limit: int = 6) -> ClientSurveys:
    return ClientSurveys(
        responses=recent_responses(client, limit),
        invitations=list(
            Invitation.objects.filter(client=client)
            .exclude(state=Invitation.State.ANSWERED)
            .select_related("contact")
            .order_by("-created_at", "-pk")[:limit]
        ),
    )


@dataclass
class MonthScores:
    """CSAT and NPS of the answers of a month, grouped as the pages show them."""

    in_month: QuerySet  # the month's answers, for further grouping or listing
    total: Score
    by_owner: list[tuple[int, Score]]  # the manager who held the client when it answered
    by_team: list[tuple[str, Score]]  # the client's team
    by_tier: list[tuple[str, Score]]  # the client's tier when it answered
    by_month: list[tuple[date, Score]]  # this month and the five before it


def month_scores(responses: QuerySet, month: date) -> MonthScores:
    """Six queries, whatever the number of answers."""
    start, end = month_bounds(month)
    in_month = responses.filter(submitted_at__gte=start, submitted_at__lt=end)
    six_months_ago, _end = month_bounds(month_start(month) - timedelta(days=150))
    by_month = summarise_by(
        responses.filter(submitted_at__gte=six_months_ago, submitted_at__lt=end).annotate(
            month=TruncMonth("submitted_at")
        ),
        "month",
    )
    # Team and tier names in the reader's language (crm/i18n.py).
    named = in_month.annotate(team_name=localized("client__team__name"), tier_name=localized("tier__name"))
    return MonthScores(
        in_month=in_month,
        total=summarise(in_month),
        by_owner=[(key[0], score) for key, score in summarise_by(in_month, "owner_id")],
        by_team=[(key[0] or "—", score) for key, score in summarise_by(named, "team_name")],
        by_tier=[(key[0], score) for key, score in summarise_by(named, "tier_name")],
        by_month=[(timezone.localtime(key[0]).date(), score) for key, score in by_month],
    )
