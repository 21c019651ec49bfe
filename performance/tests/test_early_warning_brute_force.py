"""The rules' set-based queries (one grouping over both periods for falling activity, each
client's latest two surveys by a window for low satisfaction, no join with the clients
when all of them are asked about) against a plain count in Python on random data, for all
the clients and for a few of them."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from clients.models import Client
from clients.tests.factories import ClientFactory
from performance import warnings
from performance.defaults import ensure_warning_rules
from performance.models import WarningRule
from visits.rules import day_start

from .factories import interaction, response, visit_log

pytestmark = pytest.mark.django_db


def _rule(code: str) -> WarningRule:
    ensure_warning_rules()
    return WarningRule.objects.get(code=code)


def _falling(clients, rule, now, visits, contacts) -> dict:
    """``visits``: (client, day); ``contacts``: (client, time, direction)."""
    today = timezone.localdate(now)
    recent_start = today - timedelta(days=rule.window_days - 1)
    earlier_start = recent_start - timedelta(days=rule.window_days)
    found = {}
    for client in clients:
        if client.status == Client.Status.LOST:
            continue
        days = [day for who, day in visits if who == client.pk]
        times = [when for who, when, direction in contacts if who == client.pk and direction == "in"]
        recent = sum(recent_start <= day <= today for day in days) + sum(
            day_start(recent_start) <= when <= now for when in times
        )
        earlier = sum(earlier_start <= day < recent_start for day in days) + sum(
            day_start(earlier_start) <= when < day_start(recent_start) for when in times
        )
        if earlier < warnings.FALLING_ACTIVITY_MIN_EARLIER:
            continue
        drop = round(100 * (earlier - recent) / earlier, 1)
        if drop >= rule.threshold:
            found[client.pk] = {"recent": recent, "earlier": earlier, "drop": drop, "window": rule.window_days}
    return found


def _low(clients, rule, now, surveys) -> dict:
    """``surveys``: (client, time, satisfied, ratings, pk)."""
    found = {}
    for client in clients:
        mine = sorted(
            (s for s in surveys if s[0] == client.pk and s[3] > 0 and s[1] <= now),
            key=lambda s: (s[1], s[4]),
            reverse=True,
        )
        if not mine or mine[0][1] < now - timedelta(days=rule.window_days):
            continue
        csat = round(100 * mine[0][2] / mine[0][3], 1)
        figures = {"date": f"{timezone.localtime(mine[0][1]):%Y-%m-%d}", "csat": csat}
        previous = round(100 * mine[1][2] / mine[1][3], 1) if len(mine) > 1 else None
        if csat < rule.threshold:
            found[client.pk] = {**figures, "threshold": rule.threshold}
        elif previous is not None and previous - csat >= warnings.SATISFACTION_FALL_POINTS:
            found[client.pk] = {**figures, "previous": previous, "fall": round(previous - csat, 1)}
    return found


def test_rules_match_a_plain_count_on_random_data(manager):
    rng = random.Random(31)  # noqa: S311 (test data)
    now = timezone.now()
    today = timezone.localdate(now)
    statuses = [Client.Status.ACTIVE, Client.Status.ACTIVE, Client.Status.DORMANT, Client.Status.LOST]
    clients = [ClientFactory(owner=manager, status=rng.choice(statuses)) for _ in range(24)]
    visits, contacts, surveys = [], [], []
    for client in clients:
        for _ in range(rng.randint(0, 7)):
            day = today - timedelta(days=rng.randint(-2, 200))  # a few in the future, some too old
            visit_log(client, day)
            visits.append((client.pk, day))
        for _ in range(rng.randint(0, 5)):
            when = now - timedelta(days=rng.randint(-2, 200), hours=rng.randint(0, 23))
            direction = rng.choice(["in", "in", "out"])
            interaction(client, when, direction=direction)
            contacts.append((client.pk, when, direction))
        for _ in range(rng.randint(0, 3)):
            when = now - timedelta(days=rng.choice([-3, 1, 5, 40, 200, 400]), hours=rng.randint(0, 23))
            ratings = rng.choice([0, 3, 5, 10])
            satisfied = rng.randint(0, ratings)
            made = response(client, when, satisfied=satisfied, ratings=ratings)
            surveys.append((client.pk, when, satisfied, ratings, made.pk))
    for client in clients:
        client.refresh_from_db()
    falling, low = _rule("falling_activity"), _rule("low_satisfaction")
    some = clients[::3]
    expected_falling = _falling(clients, falling, now, visits, contacts)
    expected_low = _low(clients, low, now, surveys)
    assert expected_falling and expected_low  # the data exercises both rules
    assert warnings.falling_activity(Client.objects.all(), falling, now) == expected_falling
    assert warnings.low_satisfaction(Client.objects.all(), low, now) == expected_low
    subset = Client.objects.filter(pk__in=[c.pk for c in some])
    assert warnings.falling_activity(subset, falling, now) == _falling(some, falling, now, visits, contacts)
    assert warnings.low_satisfaction(subset, low, now) == _low(some, low, now, surveys)
