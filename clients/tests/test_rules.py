from datetime import date

import pytest

from clients import rules
from clients.models import Client, Tier
from clients.tests.factories import ClientFactory, ClientGroupFactory, default_tier


@pytest.mark.parametrize(
    ("last", "frequency", "due"),
    [
        (date(2026, 11, 2), "weekly", date(2026, 11, 9)),
        (date(2026, 11, 2), "twice_monthly", date(2026, 11, 17)),
        (date(2026, 11, 2), "monthly", date(2026, 12, 3)),
        (None, "weekly", None),
        (date(2026, 11, 2), "", None),
    ],
)
def test_next_visit_due(last, frequency, due):
    assert rules.next_visit_due(last, frequency) == due


@pytest.mark.parametrize(
    ("start", "tenure"),
    [
        (None, ""),
        (date(2026, 1, 1), "new"),
        (date(2025, 11, 24), "new"),  # one day short of a year
        (date(2025, 11, 23), "regular"),
        (date(2023, 11, 24), "regular"),
        (date(2023, 11, 23), "loyal"),
    ],
)
def test_tenure_from_start_date(start, tenure):
    assert rules.tenure_for(start, date(2026, 11, 23)) == tenure


def test_stricter_frequency_ignores_blanks():
    assert rules.stricter_frequency("monthly", "weekly") == "weekly"
    assert rules.stricter_frequency("", "twice_monthly") == "twice_monthly"
    assert rules.stricter_frequency("", None) == ""


@pytest.mark.django_db
def test_default_tiers_come_from_the_migration():
    tiers = list(Tier.objects.values_list("code", "is_vip", "min_visit_frequency"))
    assert [t[0] for t in tiers] == ["vip-diamond", "vip-gold", "vip-silver", "standard", "basic"]
    assert tiers[0][1] is True and tiers[0][2] == "weekly"
    assert tiers[-1][1] is False and tiers[-1][2] == "monthly"
    diamond, basic = Tier.objects.get(code="vip-diamond"), Tier.objects.get(code="basic")
    assert diamond.first_response_hours <= basic.first_response_hours
    assert diamond.resolution_hours <= basic.resolution_hours
    assert all(t.survey_cadence_months <= 12 for t in Tier.objects.all())  # once a year at least


@pytest.mark.django_db
def test_group_member_gets_at_least_the_group_tier():
    group = ClientGroupFactory(tier=default_tier("vip-gold"))
    member = ClientFactory(tier=default_tier("basic"), group=group, visit_frequency="monthly")
    assert member.effective_tier.code == "vip-gold"
    assert member.effective_visit_frequency == default_tier("vip-gold").min_visit_frequency
    better = ClientFactory(tier=default_tier("vip-diamond"), group=group)
    assert better.effective_tier.code == "vip-diamond"


@pytest.mark.django_db
def test_next_visit_due_is_stored_from_last_visit_and_effective_frequency():
    client = ClientFactory(tier=default_tier("basic"), visit_frequency="weekly", last_visited_on=date(2026, 11, 2))
    assert client.next_visit_due == date(2026, 11, 9)
    assert client.is_overdue(date(2026, 11, 10)) and not client.is_overdue(date(2026, 11, 9))


@pytest.mark.django_db
def test_effective_tenure_prefers_start_date():
    client = ClientFactory(start_date=None, tenure=Client.Tenure.LOYAL)
    assert client.effective_tenure == "loyal"
    client.start_date = date.today()
    assert client.effective_tenure == "new"
