"""Every dashboard figure on a small known dataset, compared with values computed by hand;
scoping; a constant number of queries whatever the data size; CSV export."""

import re
import uuid
from datetime import date, datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from clients.tests.factories import ClientFactory
from complaints.models import Category, Complaint
from dashboards import figures
from surveys import services as survey_services
from surveys.defaults import ensure_default_survey
from visits.models import MonthlyPlan
from visits.tests.factories import (
    MonthlyPlanFactory,
    PlanLineFactory,
    PlannedVisitFactory,
    ServiceStrategyFactory,
    TemporaryTaskFactory,
    VisitLogFactory,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Friday 2026-11-20: working days of November so far are 2–6, 9–13, 16–20 (15 days).
TODAY = datetime(2026, 11, 20, 12, 0, tzinfo=SHANGHAI)
MONTH = date(2026, 11, 1)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def log(owner, client, day, temporary=False):
    return VisitLogFactory(
        owner=owner,
        client=client,
        date=day,
        method="on_site",
        work_done="Visited",
        submission=uuid.uuid4().hex,
        is_temporary=temporary,
    )


def visits_data(manager):
    """4 planned so far (3 done, 1 missed) + 1 later this month; 1 temporary task and 1
    unplanned log; 2 of 3 strategies done; plan of two monthly clients, one visited."""
    a, b, c = (ClientFactory(owner=manager, name=name) for name in ("A", "B", "C"))
    type(c).objects.filter(pk=c.pk).update(next_visit_due=date(2026, 11, 1))  # overdue
    for day, status, client in [
        (date(2026, 11, 3), "done", a),
        (date(2026, 11, 5), "done", b),
        (date(2026, 11, 10), "done", a),
        (date(2026, 11, 12), "missed", b),
        (date(2026, 11, 26), "planned", a),
    ]:
        PlannedVisitFactory(owner=manager, client=client, date=day, method="on_site", status=status)
    log(manager, a, date(2026, 11, 3))
    log(manager, c, date(2026, 11, 4), temporary=True)
    TemporaryTaskFactory(owner=manager, date=date(2026, 11, 6), description="Helped at the branch")
    for state in ("done", "done", "open"):
        ServiceStrategyFactory(client=a, month=MONTH, text="x", state=state)
    plan, _created = MonthlyPlan.objects.get_or_create(
        owner=manager, month=MONTH, defaults={"team": manager.team, "status": "approved"}
    )
    PlanLineFactory(plan=plan, client=a, frequency="monthly")
    PlanLineFactory(plan=plan, client=b, frequency="monthly")
    return a, b, c


def test_visit_figures_by_hand(manager, teammate):
    visits_data(manager)
    board = figures.visit_dashboard(type(manager).objects.filter(pk__in=[manager.pk, teammate.pk]), MONTH)
    row = next(r for r in board.rows if r.owner_id == manager.pk)
    assert (row.planned, row.done) == (4, 3)  # the visit on the 26th is not due yet
    assert row.completion == 75.0
    assert (row.clients_covered, row.clients_in_plan, row.coverage) == (1, 2, 50.0)  # A logged, B not
    assert row.temporary == 2  # one temporary task + one unplanned log
    assert row.overdue_clients == 1
    assert row.not_visited == 1  # B (A and C have logs this month)
    assert (row.strategies_done, row.strategies_total) == (2, 3)
    assert board.per_day == [(date(2026, 11, 3), 1), (date(2026, 11, 4), 1)]
    other = next(r for r in board.rows if r.owner_id == teammate.pk)
    assert other.planned == 0 and other.completion is None


def test_company_wide_visit_figures_match_the_listed_managers(manager, teammate):
    """The company-wide board reads by date alone and joins differently: same figures."""
    visits_data(manager)
    listed = figures.visit_dashboard(type(manager).objects.filter(pk__in=[manager.pk, teammate.pk]), MONTH)
    everyone = figures.visit_dashboard(
        type(manager).objects.filter(pk__in=[manager.pk, teammate.pk]), MONTH, company_wide=True
    )
    assert [vars(row) for row in everyone.rows] == [vars(row) for row in listed.rows]
    assert everyone.per_day == listed.per_day
    row = next(r for r in everyone.rows if r.owner_id == manager.pk)
    assert (row.clients_covered, row.clients_in_plan, row.temporary, row.not_visited) == (1, 2, 2, 1)


def complaint(manager, category, number, *, received, first_due, resolution_due, acknowledged=None, resolved=None):
    state = "resolved" if resolved else ("acknowledged" if acknowledged else "new")
    return Complaint.objects.create(
        number=f"TS-2026-{number:06d}", client=ClientFactory(owner=manager), channel="phone", category=category,
        severity="normal", description="x", owner=manager, team=manager.team, created_by=manager, state=state,
        received_at=received, first_response_due=first_due, resolution_due=resolution_due,
        acknowledged_at=acknowledged, resolved_at=resolved,
    )  # fmt: skip


def test_complaint_figures_by_hand(manager):
    category = Category.objects.filter(parent__isnull=False).first()
    now = timezone.now()
    h = timedelta(hours=1)
    # 1: answered after 2 h (on time), resolved after 10 h (on time)
    complaint(manager, category, 1, received=now - 48 * h, first_due=now - 40 * h, resolution_due=now - 30 * h,
              acknowledged=now - 46 * h, resolved=now - 38 * h)  # fmt: skip
    # 2: answered after 12 h (late: due after 8 h), resolution still open and past due
    complaint(manager, category, 2, received=now - 30 * h, first_due=now - 22 * h, resolution_due=now - 1 * h,
              acknowledged=now - 18 * h)  # fmt: skip
    # 3: not answered, first response past due; resolution not due yet
    complaint(manager, category, 3, received=now - 10 * h, first_due=now - 2 * h, resolution_due=now + 60 * h)
    # 4: new, nothing due yet
    complaint(manager, category, 4, received=now - 1 * h, first_due=now + 7 * h, resolution_due=now + 70 * h)
    start = timezone.make_aware(datetime(2026, 11, 1))
    board = figures.complaint_dashboard(Complaint.objects.all(), start, start + timedelta(days=30), now)
    assert board.received == 4
    assert (board.first_response_breached, board.first_response_total) == (2, 3)  # #2 late, #3 unanswered
    assert board.first_response_breach_rate == 66.7
    assert (board.resolution_breached, board.resolution_total) == (1, 2)  # #2 past due; #1 on time
    # percentile_cont on PostgreSQL, the same interpolation in Python on SQLite
    assert board.first_response_times == {"median": 7.0, "p90": 11.0}  # 2 h and 12 h
    assert board.resolution_times == {"median": 10.0, "p90": 10.0}
    assert board.by_state == {"acknowledged": 1, "new": 2}
    assert board.by_deadline == {"on_time": 1, "due_soon": 0, "breached": 2, "paused": 0}
    [by_manager] = board.by_owner
    assert (by_manager.total, by_manager.due, by_manager.breached, by_manager.breach_rate) == (4, 2, 1, 50.0)


def test_satisfaction_figures_by_hand(manager, teammate):
    ensure_default_survey()
    MonthlyPlanFactory(owner=manager, team=manager.team, month=MONTH, status="approved", satisfaction_target=90)
    answers = [(manager, 5, 10), (manager, 3, 6), (teammate, 4, 8)]
    for owner, rating, nps in answers:
        invitation = survey_services.invite(ClientFactory(owner=owner), by=owner)
        values = {}
        for question in invitation.template.questions.all():
            if question.kind == "rating":
                values[question.pk] = rating
            elif question.kind == "nps":
                values[question.pk] = nps
        survey_services.submit(invitation, values)
    users = type(manager).objects.filter(pk__in=[manager.pk, teammate.pk])
    from surveys.models import Response

    board = figures.satisfaction_dashboard(Response.objects.all(), users, MONTH)
    # 15 ratings: 5×5 and 5×4 satisfied, 5×3 not → 10/15; NPS: 1 promoter, 1 detractor of 3 → 0
    assert board.total.responses == 3 and board.total.csat == 66.7 and board.total.nps == 0.0
    mine = next(row for row in board.by_owner if row[0] == manager.pk)
    assert mine[2].csat == 50.0 and mine[2].nps == 0.0 and mine[3] == 90
    assert board.lowest[0][1].csat == 0.0  # the client who rated 3 comes first
    assert [score.responses for _m, score in board.by_month] == [3]


@pytest.mark.parametrize("url", ["dashboards:visits", "dashboards:complaints", "dashboards:satisfaction"])
def test_scope_and_constant_queries(client, url, supervisor, manager, other_manager, django_assert_max_num_queries):
    mine = visits_data(manager)
    theirs = ClientFactory(owner=other_manager, name="Secret Other Co")
    log(other_manager, theirs, date(2026, 11, 3))
    client.force_login(supervisor)
    # session, user, teams, the figures (9–11 aggregate queries), the inbox count
    with django_assert_max_num_queries(17):
        small = client.get(reverse(url))
    for _ in range(20):  # more rows of every kind: the page makes no more queries
        visits_data(manager)
    with django_assert_max_num_queries(17):
        large = client.get(reverse(url))
    assert small.status_code == large.status_code == 200
    assert "Secret Other Co" not in large.content.decode()
    assert str(other_manager) not in large.content.decode()
    assert mine


def test_team_filter_outside_scope_is_404_and_manager_sees_only_self(client, manager, teammate, other_supervisor):
    visits_data(manager)
    client.force_login(manager)
    page = client.get(reverse("dashboards:visits"))
    assert [row.owner_id for row in page.context["board"].rows] == [manager.pk]
    assert client.get(reverse("dashboards:visits"), {"team": other_supervisor.team.pk}).status_code == 404
    assert client.get(reverse("dashboards:visits"), {"team": "x"}).status_code == 404


def test_csv_export_of_each_table(client, supervisor, manager):
    visits_data(manager)
    client.force_login(supervisor)
    response = client.get(reverse("dashboards:visits"), {"month": "2026-11", "export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[1].startswith(f"{manager},4,3,75.0,50.0,1,1,2,2,3")
    for table in ("category", "severity", "tier", "manager", "states", "weeks"):
        assert client.get(reverse("dashboards:complaints"), {"export": "csv", "table": table}).status_code == 200
    assert client.get(reverse("dashboards:complaints"), {"export": "csv", "table": "nope"}).status_code == 404
    for table in ("managers", "teams", "tiers", "months", "lowest"):
        assert client.get(reverse("dashboards:satisfaction"), {"export": "csv", "table": table}).status_code == 200
    per_day = client.get(reverse("dashboards:visits"), {"month": "2026-11", "export": "csv", "table": "per_day"})
    assert per_day.content.decode("utf-8-sig").splitlines()[1:] == ["2026-11-03,1", "2026-11-04,1"]


def test_clients_of_another_team_never_count_after_a_manager_moves(client, manager, supervisor, other_supervisor):
    """A manager moved to another team keeps clients of the old team: they count for the
    old team's supervisor, not the new one's."""
    visits_data(manager)
    manager.team = other_supervisor.team
    manager.save()
    client.force_login(other_supervisor)
    row = next(r for r in client.get(reverse("dashboards:visits")).context["board"].rows if r.owner_id == manager.pk)
    assert (row.planned, row.done, row.overdue_clients, row.clients_in_plan) == (0, 0, 0, 0)
    assert row.temporary == 1  # the temporary task without a client is the manager's own
    client.force_login(supervisor)
    board = client.get(reverse("dashboards:visits")).context["board"]
    assert board.total.overdue_clients == 1 and board.total.done == 3


def test_breakdown_breach_rate_uses_the_due_complaints(manager):
    category = Category.objects.filter(parent__isnull=False).first()
    now = timezone.now()
    h = timedelta(hours=1)
    complaint(manager, category, 1, received=now - 30 * h, first_due=now - 22 * h, resolution_due=now - 1 * h)
    complaint(manager, category, 2, received=now - 2 * h, first_due=now + 6 * h, resolution_due=now + 70 * h)
    start = timezone.make_aware(datetime(2026, 11, 1))
    board = figures.complaint_dashboard(Complaint.objects.all(), start, start + timedelta(days=30), now)
    [row] = board.by_owner
    assert (row.total, row.due, row.breached, row.breach_rate) == (2, 1, 1, 100.0)
    assert row.breach_rate == board.resolution_breach_rate


def numbered_links(html: str, prefix: str) -> list[tuple[str, int]]:
    """The links to ``prefix`` whose text is a number: (url, number)."""
    pattern = rf'<a [^>]*href="({re.escape(prefix)}\?[^"]*)"[^>]*>(\d+)</a>'
    return [(unescape(url), int(n)) for url, n in re.findall(pattern, html)]


def test_every_complaint_figure_opens_a_list_with_that_many_rows(client, admin_user, manager, other_manager):
    """An admin looks at one team for November: each number links to the complaint list
    narrowed to the same team (and, for the month's figures, the same month)."""
    category = Category.objects.filter(parent__isnull=False).first()
    now = timezone.now()
    h = timedelta(hours=1)
    complaint(manager, category, 1, received=now - 48 * h, first_due=now - 40 * h, resolution_due=now - 30 * h,
              acknowledged=now - 36 * h, resolved=now - 20 * h)  # fmt: skip  # both late
    complaint(manager, category, 2, received=now - 30 * h, first_due=now - 22 * h, resolution_due=now - 1 * h)
    complaint(manager, category, 3, received=now - 2 * h, first_due=now + 6 * h, resolution_due=now + 70 * h)
    october = now - timedelta(days=40)  # still open and late: counts as open, not as received in November
    complaint(manager, category, 4, received=october, first_due=october + 8 * h, resolution_due=october + 72 * h)
    complaint(other_manager, category, 5, received=now - 30 * h, first_due=now - 22 * h, resolution_due=now - h)
    client.force_login(admin_user)
    page = client.get(reverse("dashboards:complaints"), {"month": "2026-11", "team": manager.team.pk})
    links = numbered_links(page.content.decode(), reverse("complaints:list"))
    assert len(links) >= 8  # open by deadline, received, late counts, states, breakdowns
    for url, shown in links:
        listed = client.get(url)
        assert listed.status_code == 200
        assert listed.context["page"].paginator.count == shown, url
    assert (f"{reverse('complaints:list')}?received=2026-11&team={manager.team.pk}", 3) in links
    assert (f"{reverse('complaints:list')}?team={manager.team.pk}&deadline=breached", 2) in links  # #2 and #4


def test_visit_figures_open_the_client_list_they_count(client, supervisor, manager, teammate):
    visits_data(manager)
    ClientFactory(owner=teammate, name="Never visited")
    client.force_login(supervisor)
    page = client.get(reverse("dashboards:visits"), {"month": "2026-11", "team": manager.team.pk})
    links = numbered_links(page.content.decode(), reverse("clients:list"))
    assert len(links) == 5  # overdue in total, overdue and not visited per manager
    for url, shown in links:
        assert client.get(url).context["page"].paginator.count == shown, url
    assert sorted(shown for url, shown in links if "not_visited" in url) == [1, 1]  # B; the teammate's client


def test_satisfaction_figures_open_the_answers_behind_them(client, supervisor, manager, teammate, other_supervisor):
    ensure_default_survey()
    for owner, rating in [(manager, 5), (manager, 2), (teammate, 4)]:
        invitation = survey_services.invite(ClientFactory(owner=owner), by=owner)
        questions = invitation.template.questions.filter(kind__in=["rating", "nps"])
        survey_services.submit(invitation, {q.pk: rating if q.kind == "rating" else 9 for q in questions})
    client.force_login(supervisor)
    page = client.get(reverse("dashboards:satisfaction"), {"month": "2026-11", "team": manager.team.pk})
    html = page.content.decode()
    [(url, shown)] = numbered_links(html, reverse("surveys:results"))
    assert shown == 3 and client.get(url).context["total"].responses == 3
    owner_url = unescape(re.search(rf'href="([^"]*owner={manager.pk}[^"]*)"', html).group(1))
    narrowed = client.get(owner_url)
    assert narrowed.context["total"].responses == 2 and narrowed.context["chosen_owner"] == manager
    assert client.get(reverse("surveys:results"), {"team": other_supervisor.team.pk}).status_code == 404
    assert client.get(reverse("surveys:results"), {"owner": other_supervisor.pk}).status_code == 404
