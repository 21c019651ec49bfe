"""One visit-log service, two entry points: the same case logged through the web form and
through the API (the offline phone's way in) is logged or refused alike, and leaves the
same rows behind (``visits.services.log_visit`` decides for both)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from api.models import ApiToken
from clients.models import Client
from clients.tests.factories import ClientFactory
from interactions.models import Interaction
from performance.models import ClientWarning
from visits import rules, services
from visits.models import PlannedVisit, VisitLog
from visits.tests.factories import PlannedVisitFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=SHANGHAI)  # a Wednesday
TODAY = NOW.date()
MONTH = rules.month_start(TODAY)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@dataclass
class Attempt:
    """What the manager sends: for a planned ``visit`` or, without one, for ``client``."""

    client: Client
    visit: PlannedVisit | None = None
    day: date = TODAY
    fields: dict = field(default_factory=dict)
    times: int = 1  # 2: the same submission sent twice (a double tap, a retry)


@dataclass
class Case:
    name: str
    build: Callable[..., Attempt]
    outcome: list[str]  # per submission: "logged" or "refused"


def approve_month(manager, supervisor) -> None:
    plan = services.start_plan(owner=manager, month=MONTH, by=manager)
    services.submit_plan(plan, by=manager)
    services.approve_plan(plan, by=supervisor)


def acme(manager) -> Client:
    return ClientFactory(owner=manager, name="Acme Tea", visit_method="on_site")


def plain(manager, teammate, supervisor) -> Attempt:
    client = acme(manager)
    approve_month(manager, supervisor)
    visit = PlannedVisitFactory(owner=manager, client=client, date=TODAY, method="on_site")
    return Attempt(client, visit)


def unplanned(manager, teammate, supervisor) -> Attempt:
    client = acme(manager)
    approve_month(manager, supervisor)
    return Attempt(client)


def cancelled(manager, teammate, supervisor) -> Attempt:
    attempt = plain(manager, teammate, supervisor)
    attempt.visit.status = PlannedVisit.Status.CANCELLED
    attempt.visit.save()
    return attempt


def already_logged(manager, teammate, supervisor) -> Attempt:
    attempt = plain(manager, teammate, supervisor)
    services.log_visit(owner=manager, client=attempt.client, submission="first", day=TODAY, method="phone",
                       work_done="First", planned_visit=attempt.visit)  # fmt: skip
    return attempt


def another_managers_visit(manager, teammate, supervisor) -> Attempt:
    acme(manager)
    approve_month(manager, supervisor)
    theirs = ClientFactory(owner=teammate, name="Their Shop", visit_method="on_site")
    visit = PlannedVisitFactory(owner=teammate, client=theirs, date=TODAY, method="on_site")
    return Attempt(theirs, visit)


def handed_over(manager, teammate, supervisor) -> Attempt:
    """The manager's planned visit at a client since given to a colleague: no longer theirs."""
    attempt = plain(manager, teammate, supervisor)
    attempt.client.owner = teammate
    attempt.client.save()
    return attempt


def future_day(manager, teammate, supervisor) -> Attempt:
    client = acme(manager)
    approve_month(manager, supervisor)
    tomorrow = TODAY + timedelta(days=1)
    visit = PlannedVisitFactory(owner=manager, client=client, date=tomorrow, method="on_site")
    return Attempt(client, visit, day=tomorrow)


def no_approved_plan(manager, teammate, supervisor) -> Attempt:
    client = acme(manager)
    services.submit_plan(services.start_plan(owner=manager, month=MONTH, by=manager), by=manager)  # not approved
    visit = PlannedVisitFactory(owner=manager, client=client, date=TODAY, method="on_site")
    return Attempt(client, visit)


def double_submission(manager, teammate, supervisor) -> Attempt:
    attempt = plain(manager, teammate, supervisor)
    attempt.times = 2
    return attempt


RETENTION = {"retention_offer": "A year's fee waived", "retention_outcome": "kept"}


def retention_client(manager, teammate, supervisor) -> Attempt:
    attempt = plain(manager, teammate, supervisor)
    ClientWarning.objects.create(client=attempt.client, rule="repeated_complaints", first_flagged_at=NOW,
                                 last_seen_at=NOW)  # fmt: skip
    attempt.fields = dict(RETENTION)
    return attempt


def retention_fields_for_a_client_not_at_risk(manager, teammate, supervisor) -> Attempt:
    attempt = plain(manager, teammate, supervisor)
    attempt.fields = dict(RETENTION)  # the web has no such fields here; the service drops them
    return attempt


def request_taken_on_the_visit(manager, teammate, supervisor) -> Attempt:
    attempt = plain(manager, teammate, supervisor)
    attempt.fields = {"request": "Wants a second delivery on Fridays"}
    return attempt


def follow_up_before_the_visit(manager, teammate, supervisor) -> Attempt:
    attempt = plain(manager, teammate, supervisor)
    attempt.fields = {"next_follow_up": f"{TODAY - timedelta(days=1):%Y-%m-%d}"}
    return attempt


CASES = [
    Case("plain success", plain, ["logged"]),
    Case("unplanned visit (temporary task)", unplanned, ["logged"]),
    Case("cancelled visit", cancelled, ["refused"]),
    Case("visit already logged", already_logged, ["refused"]),
    Case("another manager's visit", another_managers_visit, ["refused"]),
    Case("visit at a client handed over", handed_over, ["refused"]),
    Case("future day", future_day, ["refused"]),
    Case("no approved plan", no_approved_plan, ["refused"]),
    Case("double submission", double_submission, ["logged", "logged"]),
    Case("retention client", retention_client, ["logged"]),
    Case("retention fields, client not at risk", retention_fields_for_a_client_not_at_risk, ["logged"]),
    Case("request taken on the visit", request_taken_on_the_visit, ["logged"]),
    Case("follow-up before the visit", follow_up_before_the_visit, ["refused"]),
]


# --- the two entry points ---------------------------------------------------------------------------


def through_web(django_client, manager, attempt: Attempt) -> list[str]:
    django_client.force_login(manager)
    query = f"visit={attempt.visit.pk}" if attempt.visit else f"client={attempt.client.pk}"
    url = f"{reverse('visits:log')}?{query}"
    page = django_client.get(url)
    if page.status_code != 200:  # not found, not theirs, or already logged: no form offered
        return ["refused"] * attempt.times
    data = {"submission": "web-1", "date": f"{attempt.day:%Y-%m-%d}", "method": "phone", "work_done": "Visited",
            **attempt.fields}  # fmt: skip
    outcome = []
    for _ in range(attempt.times):
        response = django_client.post(url, data)
        # Saved (or saved before): back to the sheet; refused: the form again, with errors.
        outcome.append("logged" if response.status_code == 302 else "refused")
    return outcome


def through_api(manager, attempt: Attempt) -> list[str]:
    _token, raw = ApiToken.issue(manager, "phone")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    body = {"client": attempt.client.pk, "date": f"{attempt.day:%Y-%m-%d}", "method": "phone",
            "work_done": "Visited", **attempt.fields}  # fmt: skip
    if attempt.visit:
        body["planned_visit"] = attempt.visit.pk
    outcome = []
    for _ in range(attempt.times):
        response = api.post("/api/v1/visit-logs/", body, format="json", HTTP_IDEMPOTENCY_KEY="api-1")
        outcome.append("logged" if response.status_code in (200, 201) else "refused")
        assert response.status_code in (200, 201, 400, 403, 404), response.content
    return outcome


def stored() -> dict:
    """What the attempt left in the database, without ids (each entry point runs on its own
    copy of the world)."""
    logs = VisitLog.objects.values_list(
        "client__name", "owner__username", "date", "planned_visit__date", "is_temporary", "work_done",
        "retention_offer", "retention_outcome", "next_follow_up",
    )  # fmt: skip
    return {
        "logs": sorted(tuple(map(str, row)) for row in logs),
        "visits": sorted(
            (v.client.name, v.owner.username, str(v.date), v.status)
            for v in PlannedVisit.objects.select_related("client", "owner")
        ),
        "last_visits": sorted((name, str(day)) for name, day in Client.objects.values_list("name", "last_visited_on")),
        "requests": sorted(Interaction.objects.filter(is_request=True).values_list("summary", "owner__username")),
    }


def on_a_copy(run: Callable[[], list[str]]) -> tuple[list[str], dict]:
    """Run on a savepoint that is rolled back, so that the next run starts from the same world."""
    with transaction.atomic():
        outcome = run()
        state = stored()
        transaction.set_rollback(True)
    return outcome, state


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_web_and_the_api_log_or_refuse_alike(case, client, manager, teammate, supervisor):
    def web():
        return through_web(client, manager, case.build(manager, teammate, supervisor))

    def api():
        return through_api(manager, case.build(manager, teammate, supervisor))

    web_outcome, web_state = on_a_copy(web)
    api_outcome, api_state = on_a_copy(api)
    assert web_outcome == api_outcome == case.outcome
    assert web_state == api_state
    logged = case.outcome[0] == "logged"
    assert len(web_state["logs"]) == (1 if logged or case.build is already_logged else 0)


def test_what_the_logged_cases_store(client, manager, teammate, supervisor):
    """A spot check that the table's states are the right ones, not only equal."""
    attempt = retention_client(manager, teammate, supervisor)
    assert through_api(manager, attempt) == ["logged"]
    log = VisitLog.objects.get()
    assert (log.retention_offer, log.retention_outcome) == (RETENTION["retention_offer"], "kept")
    attempt.visit.refresh_from_db()
    assert attempt.visit.status == PlannedVisit.Status.DONE and log.planned_visit == attempt.visit
