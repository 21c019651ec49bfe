"""Each early warning rule on a known dataset: who matches, with which figures and reason,
and a similar client that does not match."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from clients.models import Client
from clients.tests.factories import ClientFactory
from performance import warnings
from performance.defaults import ensure_warning_rules
from performance.models import ClientWarning, RuleCode, WarningRule
from performance.reasons import reason_text

from .factories import complaint, interaction, response, visit_log

pytestmark = pytest.mark.django_db


def rule(code: str) -> WarningRule:
    ensure_warning_rules()
    return WarningRule.objects.get(code=code)


def reason(code: str, figures: dict) -> str:
    with translation.override("en"):
        return reason_text(code, figures)


def test_default_rules_exist_with_the_spec_numbers():
    ensure_warning_rules()
    ensure_warning_rules()  # idempotent
    rules = {r.code: (r.threshold, r.window_days, r.enabled) for r in WarningRule.objects.all()}
    assert rules == {
        "overdue_visit": (100, 30, True),
        "falling_activity": (50, 90, True),
        "repeated_complaints": (2, 90, True),
        "low_satisfaction": (60, 365, True),
        "status_change": (0, 30, True),
    }


def test_overdue_visit_by_more_than_a_whole_interval(manager):
    now = timezone.now()
    today = timezone.localdate(now)
    # Monthly (31 days, the standard tier): due 31 days after the last visit. Flagged once
    # overdue by more than another 31 days.
    late = ClientFactory(owner=manager, visit_frequency="monthly", last_visited_on=today - timedelta(days=63))
    just_due = ClientFactory(owner=manager, visit_frequency="monthly", last_visited_on=today - timedelta(days=62))
    lost = ClientFactory(
        owner=manager, visit_frequency="monthly", last_visited_on=today - timedelta(days=90), status=Client.Status.LOST
    )
    found = warnings.overdue_visit(Client.objects.all(), rule("overdue_visit"), now)
    assert set(found) == {late.pk}
    assert just_due.pk not in found and lost.pk not in found
    figures = found[late.pk]
    assert figures["days_overdue"] == 32
    assert reason("overdue_visit", figures) == (
        f"No visit since {today - timedelta(days=63):%Y-%m-%d}: the visit was due "
        f"{today - timedelta(days=32):%Y-%m-%d}, 32 days ago"
    )


def test_weekly_client_is_flagged_after_two_weeks(manager):
    now = timezone.now()
    today = timezone.localdate(now)
    weekly = ClientFactory(owner=manager, visit_frequency="weekly", last_visited_on=today - timedelta(days=15))
    found = warnings.overdue_visit(Client.objects.all(), rule("overdue_visit"), now)
    assert found[weekly.pk]["days_overdue"] == 8


def test_falling_activity_counts_visits_and_inbound_contacts(manager):
    now = timezone.now()
    today = timezone.localdate(now)
    falling = ClientFactory(owner=manager)
    steady = ClientFactory(owner=manager)
    too_little = ClientFactory(owner=manager)
    # Earlier 90 days: 3 visits + 1 call from the client = 4; last 90 days: 1 visit + 1 call = 2: -50%.
    for days in (100, 120, 150):
        visit_log(falling, today - timedelta(days=days))
    interaction(falling, now - timedelta(days=110))
    visit_log(falling, today - timedelta(days=10))
    interaction(falling, now - timedelta(days=5))
    interaction(falling, now - timedelta(days=6), direction="out")  # our own call does not count
    # Steady: 2 before, 2 now.
    for days in (100, 130, 10, 20):
        visit_log(steady, today - timedelta(days=days))
    # One contact before is too little to call a fall.
    visit_log(too_little, today - timedelta(days=100))
    found = warnings.falling_activity(Client.objects.all(), rule("falling_activity"), now)
    assert set(found) == {falling.pk}
    assert found[falling.pk] == {"recent": 2, "earlier": 4, "drop": 50.0, "window": 90}
    assert reason("falling_activity", found[falling.pk]) == (
        "Activity fell by 50.0%: 2 visits and contacts in the last 90 days, 4 in the 90 days before"
    )


def test_repeated_complaints_within_the_window(manager):
    now = timezone.now()
    repeated = ClientFactory(owner=manager)
    once = ClientFactory(owner=manager)
    old = ClientFactory(owner=manager)
    complaint(repeated, now - timedelta(days=3))
    complaint(repeated, now - timedelta(days=80))
    complaint(once, now - timedelta(days=3))
    complaint(old, now - timedelta(days=3))
    complaint(old, now - timedelta(days=91))
    found = warnings.repeated_complaints(Client.objects.all(), rule("repeated_complaints"), now)
    assert found == {repeated.pk: {"count": 2, "window": 90}}
    assert reason("repeated_complaints", found[repeated.pk]) == "2 complaints in the last 90 days"


def test_low_satisfaction_below_threshold_or_falling(manager):
    now = timezone.now()
    low = ClientFactory(owner=manager)
    fell = ClientFactory(owner=manager)
    fine = ClientFactory(owner=manager)
    stale = ClientFactory(owner=manager)
    recovered = ClientFactory(owner=manager)
    response(low, now - timedelta(days=10), satisfied=5, ratings=10)  # 50% < 60%
    response(fell, now - timedelta(days=200), satisfied=10, ratings=10)  # 100%
    response(fell, now - timedelta(days=10), satisfied=7, ratings=10)  # 70%: 30 points down
    response(fine, now - timedelta(days=200), satisfied=9, ratings=10)
    response(fine, now - timedelta(days=10), satisfied=8, ratings=10)  # 80%, 10 points down
    response(stale, now - timedelta(days=400), satisfied=1, ratings=10)  # older than a year
    response(recovered, now - timedelta(days=100), satisfied=2, ratings=10)
    response(recovered, now - timedelta(days=10), satisfied=9, ratings=10)  # the latest one counts
    found = warnings.low_satisfaction(Client.objects.all(), rule("low_satisfaction"), now)
    assert set(found) == {low.pk, fell.pk}
    day = f"{timezone.localdate(now - timedelta(days=10)):%Y-%m-%d}"
    assert reason("low_satisfaction", found[low.pk]) == f"Latest survey ({day}): 50.0% satisfied, below 60%"
    assert reason("low_satisfaction", found[fell.pk]) == (
        f"Latest survey ({day}): 70.0% satisfied, down 30.0 points from 100.0%"
    )


def test_status_change_to_dormant_or_lost_within_the_window(manager):
    now_client = ClientFactory(owner=manager, status=Client.Status.ACTIVE)
    now_client.status = Client.Status.DORMANT
    now_client.save()
    still_active = ClientFactory(owner=manager, status=Client.Status.ACTIVE)
    still_active.notes = "edited"
    still_active.save()
    always_dormant = ClientFactory(owner=manager, status=Client.Status.DORMANT)
    long_ago = ClientFactory(owner=manager, status=Client.Status.PROSPECT)
    long_ago.status = Client.Status.LOST
    long_ago.save()
    long_ago.history.filter(status=Client.Status.LOST).update(history_date=timezone.now() - timedelta(days=40))
    found = warnings.status_change(Client.objects.all(), rule("status_change"), timezone.now())
    assert set(found) == {now_client.pk}
    assert found[now_client.pk]["status"] == "dormant" and found[now_client.pk]["was"] == "active"
    assert always_dormant.pk not in found and still_active.pk not in found
    assert reason("status_change", found[now_client.pk]) == (
        f"Became Dormant on {timezone.localdate():%Y-%m-%d} (was Active)"
    )


def test_reason_follows_the_readers_language(manager):
    warning = ClientWarning(client=ClientFactory(owner=manager), rule=RuleCode.REPEATED_COMPLAINTS,
                            params={"count": 3, "window": 90})  # fmt: skip
    with translation.override("en"):
        assert warning.reason == "3 complaints in the last 90 days"
    # Unknown figures (an older version of a rule) fall back to the rule's name.
    warning.params = {}
    with translation.override("en"):
        assert warning.reason == "Repeated complaints"


def test_each_rule_runs_in_a_fixed_number_of_queries(manager, django_assert_max_num_queries):
    now = timezone.now()
    today = timezone.localdate(now)
    for i in range(6):
        client = ClientFactory(owner=manager, last_visited_on=today - timedelta(days=100 + i))
        complaint(client, now - timedelta(days=1))
        complaint(client, now - timedelta(days=2))
        response(client, now - timedelta(days=3), satisfied=1, ratings=10)
        visit_log(client, today - timedelta(days=120))
        visit_log(client, today - timedelta(days=130))
    ensure_warning_rules()
    with django_assert_max_num_queries(8):  # rules + 1 + 2 + 1 + 1 + 1
        found = warnings.matches(now)
    assert len({client_id for client_id, _rule in found}) == 6
