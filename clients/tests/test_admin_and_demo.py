from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from clients.models import Client, Contact, OwnerChange
from clients.tests.factories import ClientFactory, ContactFactory
from visits import rules
from visits.models import MonthlyPlan, PlannedVisit, VisitLog
from workdays.selectors import working_days


def test_admin_pages_with_search_and_filters(client, admin_user, manager):
    acme = ClientFactory(owner=manager, name="Acme Tea")
    ContactFactory(client=acme, name="Wang Fang")
    client.force_login(admin_user)
    for url in [
        reverse("admin:clients_client_changelist") + "?q=Wang+Fang",
        reverse("admin:clients_client_changelist") + "?status__exact=active",
        reverse("admin:clients_client_change", args=[acme.pk]),
        reverse("admin:clients_tier_changelist"),
        reverse("admin:clients_clientgroup_changelist"),
        reverse("admin:clients_contact_changelist") + "?q=acme",
        reverse("admin:clients_ownerchange_changelist"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    response = client.get(reverse("admin:clients_client_changelist") + "?q=Wang+Fang")
    assert list(response.context["cl"].result_list) == [acme]
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "clients", "model_name": "contact", "field_name": "client", "term": "Acme"},
    )
    assert response.json()["results"][0]["id"] == str(acme.pk)


def test_admin_bulk_reassign_with_reason(client, admin_user, manager, teammate):
    clients = ClientFactory.create_batch(3, owner=manager)
    client.force_login(admin_user)
    url = reverse("admin:clients_client_changelist")
    selected = [c.pk for c in clients]
    # Step 1 shows the form; a missing reason moves nothing.
    response = client.post(url, {"action": "reassign_owner", ACTION_CHECKBOX_NAME: selected})
    assert response.status_code == 200 and "form" in response.context
    client.post(
        url, {"action": "reassign_owner", ACTION_CHECKBOX_NAME: selected, "apply": "1", "new_owner": teammate.pk}
    )
    assert Client.objects.filter(owner=manager).count() == 3
    client.post(
        url,
        {
            "action": "reassign_owner",
            ACTION_CHECKBOX_NAME: selected,
            "apply": "1",
            "new_owner": teammate.pk,
            "reason": "Leave",
        },
    )
    assert Client.objects.filter(owner=teammate, team=teammate.team).count() == 3
    assert OwnerChange.objects.filter(reason="Leave", changed_by=admin_user, from_owner=manager).count() == 3


def test_owner_change_is_read_only_in_admin(client, admin_user, manager):
    ClientFactory(owner=manager)
    client.force_login(admin_user)
    change = OwnerChange.objects.create(client=Client.objects.get(), to_owner=manager, reason="x")
    response = client.post(reverse("admin:clients_ownerchange_change", args=[change.pk]), {"reason": "edited"})
    change.refresh_from_db()
    assert change.reason == "x"
    assert response.status_code in {200, 403}


@pytest.mark.django_db
def test_demo_seed_builds_a_realistic_portfolio(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    count = Client.objects.count()
    assert count >= 300
    assert Client.objects.values("tier").distinct().count() == 5
    assert Client.objects.filter(group__isnull=False).count() >= 20
    assert Contact.objects.filter(is_key_person=True).exclude(decision_role="").count() >= 100
    assert Contact.objects.filter(birthday__isnull=False).count() >= 100
    assert not Client.objects.filter(team__isnull=True).exists()
    visits = PlannedVisit.objects.count()
    assert visits > count  # this month's approved plans have their visits
    assert MonthlyPlan.objects.filter(status="approved").count() == 6
    assert MonthlyPlan.objects.filter(status="submitted").count() == 5  # waiting for the supervisors
    logs = VisitLog.objects.count()
    assert PlannedVisit.objects.filter(status="done").count() == logs
    today = timezone.localdate()
    if working_days(rules.month_start(today), today - timedelta(days=1)):
        assert logs > 0  # past visits of the month are logged (none on the month's first working day)
    call_command("seed_demo")
    assert Client.objects.count() == count
    assert PlannedVisit.objects.count() == visits
    assert VisitLog.objects.count() == logs
