"""Every active client gets at least one survey a year (SPEC "Care", seed 001), more often
where the tier says so, even when an admin sets a tier's cadence above 12 months."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from clients.models import Client
from clients.tests.factories import ClientFactory, TierFactory
from surveys import services
from surveys.defaults import ensure_default_survey
from surveys.models import Invitation

TODAY = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _survey(db):
    ensure_default_survey()


def invited_days_ago(client, days, reason=Invitation.Reason.MANUAL):
    invitation = services.build_invitation(client, reason=reason)
    invitation.save()
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.make_aware(datetime.combine(TODAY - timedelta(days=days), time(9)))
    )


def test_the_invite_job_selects_exactly_those_that_would_go_a_year_without_a_survey(manager):
    biennial = TierFactory(code="biennial", survey_cadence_months=24)
    yearly = TierFactory(code="yearly", survey_cadence_months=12)
    half_yearly = TierFactory(code="half-yearly", survey_cadence_months=6)
    clients = {
        # a 24-month tier: the cadence alone would wait, the yearly guarantee does not
        "24m, 200 days ago": ClientFactory(owner=manager, tier=biennial),
        "24m, 400 days ago": ClientFactory(owner=manager, tier=biennial),
        "24m, never": ClientFactory(owner=manager, tier=biennial),
        "24m, lost, 400 days ago": ClientFactory(owner=manager, tier=biennial, status=Client.Status.LOST),
        "24m, lost, never": ClientFactory(owner=manager, tier=biennial, status=Client.Status.LOST),
        "24m, dormant, never": ClientFactory(owner=manager, tier=biennial, status=Client.Status.DORMANT),
        "12m, 200 days ago": ClientFactory(owner=manager, tier=yearly),
        "12m, 400 days ago": ClientFactory(owner=manager, tier=yearly),
        "12m, never": ClientFactory(owner=manager, tier=yearly),
        "6m, 200 days ago": ClientFactory(owner=manager, tier=half_yearly),
        "6m, 100 days ago": ClientFactory(owner=manager, tier=half_yearly),
    }
    for name, client in clients.items():
        if "200 days" in name:
            invited_days_ago(client, 200)
        elif "400 days" in name:
            invited_days_ago(client, 400, reason=Invitation.Reason.COMPLAINT)  # any reason counts
        elif "100 days" in name:
            invited_days_ago(client, 100)
    before = set(Invitation.objects.values_list("pk", flat=True))

    assert services.invite_by_cadence(TODAY) == 5

    invited = set(Invitation.objects.exclude(pk__in=before).values_list("client_id", flat=True))
    assert {name for name, client in clients.items() if client.pk in invited} == {
        "24m, 400 days ago",
        "24m, never",
        "12m, 400 days ago",
        "12m, never",
        "6m, 200 days ago",
    }
    assert services.invite_by_cadence(TODAY) == 0  # a second run adds nothing


def test_an_invitation_within_the_last_365_days_is_enough(manager):
    biennial = TierFactory(code="biennial", survey_cadence_months=24)
    just_inside, just_outside = ClientFactory(owner=manager, tier=biennial), ClientFactory(owner=manager, tier=biennial)
    invited_days_ago(just_inside, 364)
    invited_days_ago(just_outside, 366)
    services.invite_by_cadence(TODAY)
    assert Invitation.objects.filter(client=just_inside).count() == 1
    assert Invitation.objects.filter(client=just_outside).count() == 2
