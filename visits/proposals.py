"""What the system proposes for a month: service strategies per client, and which
clients are problem (key) clients.

Each source of knowledge registers a function working on a whole list of clients in
a fixed number of queries. Clients, visits and (later) complaints and surveys each
add theirs, so the monthly plan never learns about them one by one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client, Contact

from .rules import month_end


@dataclass(frozen=True)
class Proposal:
    client_id: int
    source: str  # stable key: proposing twice for the same reason adds nothing
    text: str


StrategyProposer = Callable[[Sequence[Client], date], list[Proposal]]
ProblemFinder = Callable[[Sequence[Client], date], dict[int, list[str]]]
_PROPOSERS: list[StrategyProposer] = []
_PROBLEM_FINDERS: list[ProblemFinder] = []


def strategy_proposer(function: StrategyProposer) -> StrategyProposer:
    if function not in _PROPOSERS:
        _PROPOSERS.append(function)
    return function


def problem_finder(function: ProblemFinder) -> ProblemFinder:
    if function not in _PROBLEM_FINDERS:
        _PROBLEM_FINDERS.append(function)
    return function


def propose_strategies(clients: Sequence[Client], month: date) -> list[Proposal]:
    return [proposal for proposer in _PROPOSERS for proposal in proposer(clients, month)]


def find_problems(clients: Sequence[Client], month: date) -> dict[int, list[str]]:
    problems: dict[int, list[str]] = defaultdict(list)
    for finder in _PROBLEM_FINDERS:
        for client_id, reasons in finder(clients, month).items():
            problems[client_id].extend(reasons)
    return dict(problems)


def overdue_as_of(month: date) -> date:
    """Overdue at the start of a coming month, or today for the month under way."""
    return max(month, timezone.localdate())


# --- what the client file knows -------------------------------------------------------


@strategy_proposer
def from_client_state(clients: Sequence[Client], month: date) -> list[Proposal]:
    proposals = []
    as_of = overdue_as_of(month)
    for client in clients:
        if client.next_visit_due and client.next_visit_due < as_of:
            proposals.append(
                Proposal(
                    client.pk,
                    "overdue-visit",
                    _("Catch up the overdue visit (due %(date)s) and agree the next one")
                    % {"date": f"{client.next_visit_due:%Y-%m-%d}"},
                )
            )
        if client.status == Client.Status.PROSPECT:
            proposals.append(Proposal(client.pk, "prospect", _("Present our offer and learn what the prospect needs")))
        elif client.status == Client.Status.DORMANT:
            proposals.append(
                Proposal(client.pk, "dormant", _("Find out why business has fallen off and agree a step to revive it"))
            )
        if not client.visit_method:
            proposals.append(Proposal(client.pk, "visit-method", _("Agree with the client how to visit them")))
    return proposals


@strategy_proposer
def from_key_person_birthdays(clients: Sequence[Client], month: date) -> list[Proposal]:
    """Birthdays are occasions to care for (SPEC): greet key persons born this month."""
    contacts = Contact.objects.filter(
        client__in=[c.pk for c in clients], is_key_person=True, birthday__month=month.month
    ).only("pk", "client_id", "name", "birthday")
    return [
        Proposal(
            contact.client_id,
            f"birthday-{contact.pk}",
            _("Greet %(name)s for their birthday on %(date)s")
            % {"name": contact.name, "date": f"{month.month:02d}-{contact.birthday.day:02d}"},
        )
        for contact in contacts
        if contact.birthday.day <= month_end(month).day
    ]


@problem_finder
def behind_visit_frequency(clients: Sequence[Client], month: date) -> dict[int, list[str]]:
    as_of = overdue_as_of(month)
    return {
        client.pk: [_("visit overdue since %(date)s") % {"date": f"{client.next_visit_due:%Y-%m-%d}"}]
        for client in clients
        if client.next_visit_due and client.next_visit_due < as_of
    }
