"""A visit planned by hand may carry the time agreed with the client (the scorecard's
punctuality is measured against it); it stays optional."""

from datetime import time

from django.urls import reverse
from django.utils import timezone

from clients.tests.factories import ClientFactory
from visits import rules, services
from visits.models import PlannedVisit
from workdays.selectors import working_days


def approved_month(manager, supervisor):
    month = rules.month_start(timezone.localdate())
    plan = services.start_plan(owner=manager, month=month, by=manager)
    services.submit_plan(plan, by=manager)
    services.approve_plan(plan, by=supervisor)
    return month


def test_add_visit_with_and_without_an_appointment_time(client, manager, supervisor):
    acme, beta = ClientFactory(owner=manager, name="Acme"), ClientFactory(owner=manager)
    month = approved_month(manager, supervisor)
    day = working_days(month, rules.month_end(month))[-1]
    client.force_login(manager)
    client.post(reverse("visits:schedule_add"), {"client": acme.pk, "date": day, "appointment_time": "09:30"})
    client.post(reverse("visits:schedule_add"), {"client": beta.pk, "date": day})
    assert PlannedVisit.objects.get(client=acme, date=day).appointment_time == time(9, 30)
    assert PlannedVisit.objects.get(client=beta, date=day).appointment_time is None
    page = client.get(reverse("visits:calendar"), {"month": f"{month:%Y-%m}"}).content.decode()
    assert "09:30 Acme" in page


def test_an_invalid_time_plans_nothing(client, manager, supervisor):
    acme = ClientFactory(owner=manager)
    month = approved_month(manager, supervisor)
    client.force_login(manager)
    client.post(reverse("visits:schedule_add"), {"client": acme.pk, "date": month, "appointment_time": "25:99"})
    assert not PlannedVisit.objects.filter(client=acme).exists()


def test_service_takes_the_time(manager, supervisor):
    acme = ClientFactory(owner=manager)
    month = approved_month(manager, supervisor)
    visit = services.add_visit(owner=manager, client=acme, day=month, by=manager, appointment_time=time(15, 0))
    assert visit.appointment_time == time(15, 0)


def test_a_visit_sent_with_errors_is_shown_again_next_to_its_fields(client, manager, supervisor):
    acme = ClientFactory(owner=manager, name="Acme Trading")
    month = approved_month(manager, supervisor)
    client.force_login(manager)
    response = client.post(
        reverse("visits:schedule_add"),
        {"client": acme.pk, "client_text": "Acme Trading", "date": f"{month:%Y-%m-%d}", "appointment_time": "25:99",
         "purpose": "Bring the new price list"},
    )  # fmt: skip
    assert response.status_code == 200  # the plan again, not a redirect that drops what was typed
    page = response.content.decode()
    assert "invalid-feedback" in page and "Bring the new price list" in page
    assert response.context["month"] == month
    assert not PlannedVisit.objects.exists()


def test_a_generation_sent_with_errors_keeps_its_dates(client, manager, supervisor):
    ClientFactory(owner=manager)
    month = approved_month(manager, supervisor)
    client.force_login(manager)
    start = f"{month:%Y-%m}-20"
    response = client.post(reverse("visits:schedule_generate"), {"start": start, "end": f"{month:%Y-%m}-02"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "The end date is before the start date." in page and "invalid-feedback" in page and start in page
    assert not PlannedVisit.objects.exists()
