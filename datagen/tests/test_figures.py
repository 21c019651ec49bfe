"""The generated business figures at a tiny scale: the scale's rows, twelve months up to
last month, every row consistent, and the targets the analysis needs."""

import pytest
from django.db.models import Count, F, Max, Min
from django.utils import timezone

from analysis.models import BrandTarget, BusinessFigure, FocusProduct, MarketTarget, Product, TargetClient
from datagen.generator import FIGURE_MONTHS, Generator, Scale
from visits.rules import previous_month

pytestmark = pytest.mark.django_db

TINY = Scale(teams=2, managers=4, clients=60, contacts=60, visit_logs=200, complaints=10, responses=10,
             interactions=20, figures=3_600)  # fmt: skip


def test_tiny_scale_figures():
    counts = Generator(TINY, seed=5, log=lambda line: None).run()
    figures = BusinessFigure.objects.all()
    # Rows are allocated per client-month; a prospect buys nothing, so the whole count is met.
    assert counts["analysis.BusinessFigure"] == figures.count() == TINY.figures
    span = figures.aggregate(first=Min("month"), last=Max("month"))
    assert span["last"] == previous_month(timezone.localdate())
    assert figures.values("month").distinct().count() == FIGURE_MONTHS
    assert not figures.filter(quantity__lte=0).exists() and not figures.filter(orders__lt=1).exists()
    assert not figures.exclude(amount__gt=0).exists()
    # Four to five products a client a month on average; the key brands sell more.
    per_client_month = figures.values("client_id", "month").annotate(n=Count("pk"))
    assert 3 <= sum(r["n"] for r in per_client_month) / len(per_client_month) <= 8
    assert Product.objects.filter(code__startswith="GEN-P").count() == 30
    assert FocusProduct.objects.values("team_id").distinct().count() == TINY.teams
    assert BrandTarget.objects.values("owner_id").distinct().count() == TINY.managers
    assert MarketTarget.objects.filter(owner__isnull=False).values("owner_id").distinct().count() == TINY.managers
    assert TargetClient.objects.exists()
    # Target clients are the manager's own.
    assert not TargetClient.objects.exclude(client__owner=F("owner")).exists()
