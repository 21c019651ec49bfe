from django.urls import reverse
from django.utils import timezone

from clients.tests.factories import ClientFactory
from visits import month_review, rules, services

MODELS = [
    "monthlyplan", "servicestrategy", "plannedvisit", "calendarfeed", "visitlog", "temporarytask",
    "monthresult", "weeklyarrangement", "weeklysummary",
]  # fmt: skip


def test_visits_admin_pages_load(client, admin_user, manager):
    ClientFactory.create_batch(2, owner=manager)
    plan = services.start_plan(owner=manager, month=rules.month_start(timezone.localdate()), by=manager)
    month_review.result_for(manager, plan.month)
    client.force_login(admin_user)
    for model in MODELS:
        assert client.get(reverse(f"admin:visits_{model}_changelist")).status_code == 200, model
    assert client.get(reverse("admin:visits_monthlyplan_change", args=[plan.pk])).status_code == 200
