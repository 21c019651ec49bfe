from datetime import timedelta
import pytest
from django.urls import reverse
from django.utils import timezone
from accounts.tests.factories import ManagerFactory
from clients.tests.factories import ClientFactory
from performance.models import ClientWarning
from visits.rules import previous_month
from .factories import at, response, planned_visit

pytestmark = pytest.mark.django_db

def test_measure(client, supervisor, manager, admin_user, django_assert_max_num_queries, capsys):
    now = timezone.now()
    month = previous_month(timezone.localdate())
    for i in range(60):
        m = ManagerFactory(team=supervisor.team) if i % 10 == 0 else manager
        c = ClientFactory(owner=m)
        ClientWarning.objects.create(client=c, rule="repeated_complaints", params={"count": 2, "window": 90}, first_flagged_at=now, last_seen_at=now)
        response(c, at(month + timedelta(days=3)), satisfied=4, ratings=5)
        planned_visit(c, month + timedelta(days=4), status="done")
    out = {}
    for user in (manager, supervisor, admin_user):
        client.force_login(user)
        for name, url in (("at_risk", reverse("performance:at_risk")), ("scorecard", reverse("performance:scorecard") + f"?month={month:%Y-%m}"),
                          ("records", reverse("performance:scorecard_records", args=[manager.pk, "satisfaction"]) + f"?month={month:%Y-%m}")):
            client.get(url)
            with django_assert_max_num_queries(100) as q:
                client.get(url)
            out[(user.username, name)] = len(q.captured_queries)
    with capsys.disabled():
        print("\nQUERIES", out)
