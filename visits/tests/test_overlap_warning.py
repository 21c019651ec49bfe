"""Two colleagues visiting the same client without knowing it (SPEC "Who visits, follows
up"): planning a visit where someone else already has one planned that week warns, naming
the colleague, but does not block."""

from datetime import date, timedelta

from django.urls import reverse

from clients.tests.factories import ClientFactory
from visits import rules, services
from visits.models import PlannedVisit
from visits.tests.factories import PlannedVisitFactory
from visits.tests.test_appointment_time import approved_month
from workdays.selectors import working_days


def plan(owner, client, day, status=PlannedVisit.Status.PLANNED):
    return PlannedVisitFactory(owner=owner, client=client, date=day, method="on_site", status=status)


def test_overlapping_visits_are_a_colleagues_planned_visits_in_the_same_iso_week(manager, teammate):
    acme = ClientFactory(owner=manager)
    wednesday = date(2026, 3, 4)
    monday, sunday = wednesday - timedelta(days=2), wednesday + timedelta(days=4)
    same_week = [plan(teammate, acme, monday), plan(teammate, acme, sunday)]
    plan(teammate, acme, monday - timedelta(days=1))  # the Sunday before: another week
    next_monday = plan(teammate, acme, sunday + timedelta(days=1))  # the Monday after
    plan(teammate, acme, wednesday + timedelta(days=1), status=PlannedVisit.Status.CANCELLED)
    plan(manager, acme, wednesday + timedelta(days=2))  # one's own visit is no surprise
    plan(teammate, ClientFactory(owner=manager), wednesday)  # another client

    assert services.overlapping_visits(acme, wednesday, exclude_owner=manager) == same_week
    assert services.overlapping_visits(acme, wednesday + timedelta(days=7), exclude_owner=manager) == [next_monday]


def test_planning_warns_naming_the_colleague_and_the_date_but_plans_the_visit(client, manager, teammate, supervisor):
    teammate.first_name, teammate.last_name = "Wang", "Fang"
    teammate.save()
    acme = ClientFactory(owner=manager, name="Acme")
    month = approved_month(manager, supervisor)
    days = working_days(month, rules.month_end(month))
    day = next(d for d in days if d.weekday() == 2) if any(d.weekday() == 2 for d in days) else days[0]
    colleague_day = day - timedelta(days=day.weekday())  # that week's Monday
    if colleague_day == day:
        colleague_day += timedelta(days=1)
    plan(teammate, acme, colleague_day)
    client.force_login(manager)

    response = client.post(reverse("visits:schedule_add"), {"client": acme.pk, "date": day}, follow=True)

    assert PlannedVisit.objects.filter(client=acme, date=day, owner=manager).exists()
    text = " ".join(str(m) for m in response.context["messages"] if m.level_tag == "warning")
    assert teammate.get_full_name() in text
    assert f"{colleague_day:%Y-%m-%d}" in text


def test_no_warning_without_a_colleagues_visit(client, manager, supervisor):
    acme = ClientFactory(owner=manager)
    month = approved_month(manager, supervisor)
    day = working_days(month, rules.month_end(month))[0]
    client.force_login(manager)
    response = client.post(reverse("visits:schedule_add"), {"client": acme.pk, "date": day}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
