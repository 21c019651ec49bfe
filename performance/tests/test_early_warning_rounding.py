"""The database hands the rules their likely matches only; the test on the rounded
figures (one decimal, as stored and shown) decides, so edge cases match as before."""

from datetime import timedelta

import pytest
from django.utils import timezone

from clients.models import Client
from clients.tests.factories import ClientFactory
from performance import warnings
from performance.defaults import ensure_warning_rules
from performance.models import WarningRule

from .factories import response

pytestmark = pytest.mark.django_db


def test_low_satisfaction_decides_on_the_rounded_figures(manager):
    ensure_warning_rules()
    rule = WarningRule.objects.get(code="low_satisfaction")
    now = timezone.now()
    rounds_up = ClientFactory(owner=manager)  # 59.96% shows as 60.0%: not below 60%
    response(rounds_up, now - timedelta(days=5), satisfied=1499, ratings=2500)
    just_below = ClientFactory(owner=manager)  # 59.92% shows as 59.9%
    response(just_below, now - timedelta(days=5), satisfied=1498, ratings=2500)
    fell = ClientFactory(owner=manager)  # 100% then 80.04%, shown as 80.0%: a fall of 20.0 points
    response(fell, now - timedelta(days=50), satisfied=10, ratings=10)
    response(fell, now - timedelta(days=5), satisfied=2001, ratings=2500)
    found = warnings.low_satisfaction(Client.objects.all(), rule, now)
    assert set(found) == {just_below.pk, fell.pk}
    assert found[just_below.pk]["csat"] == 59.9
    assert (found[fell.pk]["previous"], found[fell.pk]["csat"], found[fell.pk]["fall"]) == (100.0, 80.0, 20.0)
