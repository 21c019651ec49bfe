"""Stored input comes back escaped: HTML/JS saved in every free-text field a manager
fills (client, contact, visit log, complaint, strategy) never appears raw on the pages
that show it, for the manager, the supervisor or an admin."""

import uuid

import pytest
from django.utils import timezone

from clients.tests.factories import ClientFactory, ContactFactory
from complaints import services as complaint_services
from complaints.models import Category
from visits.rules import month_start
from visits.tests.factories import MonthlyPlanFactory, ServiceStrategyFactory, VisitLogFactory

pytestmark = pytest.mark.django_db

PAYLOAD = "<script>alert('stored')</script><img src=x onerror=alert(2)>"


def test_saved_html_is_escaped_everywhere_it_is_shown(client, manager, supervisor, admin_user):
    today = timezone.localdate()
    acme = ClientFactory(owner=manager, name=f"Acme {PAYLOAD}", address=PAYLOAD, notes=PAYLOAD)
    ContactFactory(client=acme, name=f"Li {PAYLOAD}", title=PAYLOAD)
    MonthlyPlanFactory(owner=manager, team=manager.team, month=month_start(today), status="approved",
                               focus=PAYLOAD)  # fmt: skip
    ServiceStrategyFactory(client=acme, month=month_start(today), text=PAYLOAD)
    VisitLogFactory(owner=manager, client=acme, date=today, method="phone", work_done=PAYLOAD,
                            opinions=PAYLOAD, submission=uuid.uuid4().hex)  # fmt: skip
    category = Category.objects.filter(parent__isnull=False).first()
    complaint = complaint_services.register(
        by=manager, client=acme, category=category, channel="phone", description=PAYLOAD
    )
    pages = ["/", "/clients/", "/clients/?q=Acme", acme.get_absolute_url(), f"/clients/{acme.pk}/edit/",
             "/visits/today/", "/visits/week/", "/visits/calendar/", f"/visits/strategies/{acme.pk}/",
             "/complaints/", complaint.get_absolute_url(), "/dashboards/visits/", "/dashboards/complaints/",
             "/dashboards/satisfaction/", "/inbox/", "/visits/plans/"]  # fmt: skip
    shown = 0
    for user in (manager, supervisor, admin_user):
        client.force_login(user)
        for path in pages + ([f"/clients/{acme.pk}/history/"] if user != manager else []):
            response = client.get(path)
            assert response.status_code == 200, (user, path)
            body = response.content.decode()
            assert "<script>alert('stored')" not in body and "<img src=x" not in body, (user, path)
            shown += "&lt;script&gt;alert(" in body
    assert shown >= 10  # the payload is really on those pages, escaped
