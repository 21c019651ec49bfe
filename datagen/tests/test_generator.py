import statistics
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F

from accounts.models import User
from analysis.models import BusinessFigure
from clients import rules as client_rules
from clients.models import Client, Contact
from complaints.models import Complaint
from datagen.generator import SCALES, allocate
from surveys.models import Invitation, Response
from visits.models import MonthlyPlan, PlannedVisit, VisitLog

pytestmark = pytest.mark.django_db


def test_allocate_is_exact_and_proportional():
    import random

    counts = allocate(1000, [1, 1, 8], random.Random(1))
    assert sum(counts) == 1000
    assert counts[2] > 6 * counts[0]


def test_small_dataset_has_the_scale_s_rows_consistent_and_skewed():
    scale = SCALES["small"]
    call_command("generate_data", "--scale", "small", "--force", stdout=None)
    managers = User.objects.filter(username__startswith="gen_mgr")
    assert managers.count() == scale.managers
    assert User.objects.filter(username__startswith="gen_sup", role=User.Role.SUPERVISOR).count() == scale.teams
    assert Client.objects.count() == scale.clients
    assert Contact.objects.count() == scale.contacts
    assert VisitLog.objects.count() == scale.visit_logs
    assert Complaint.objects.count() == scale.complaints
    assert Response.objects.count() == Invitation.objects.count() == scale.responses
    assert BusinessFigure.objects.count() == scale.figures
    assert not BusinessFigure.objects.exclude(client__status__in=["active", "dormant", "lost"]).exists()
    # Owners, teams and logs agree with each other.
    assert not Client.objects.exclude(team=F("owner__team")).exists()
    assert not VisitLog.objects.exclude(owner=F("client__owner")).exists()
    assert not Complaint.objects.exclude(team=F("client__team")).exists()
    assert MonthlyPlan.objects.filter(status=MonthlyPlan.Status.APPROVED).count() == 2 * scale.managers
    # The last visit and the next one due follow the rules.
    for client in Client.objects.exclude(last_visited_on=None).select_related("tier")[:50]:
        last = client.visit_logs.order_by("-date").values_list("date", flat=True).first()
        assert client.last_visited_on == last
        assert client.next_visit_due == client_rules.next_visit_due(last, client.visit_frequency)
    # Skew: the busiest manager holds far more clients than the median one, and the
    # busiest client far more visits than the median client.
    books = sorted(managers.annotate(n=Count("clients")).values_list("n", flat=True))
    assert books[-1] > 2 * statistics.median(books)
    assert User.objects.get(username="gen_mgr001").clients.count() == books[-1]
    visits = Counter(VisitLog.objects.values_list("client_id", flat=True))
    assert max(visits.values()) > 5 * statistics.median(visits.values())
    # Nobody is planned more than ten visits on a day.
    per_day = PlannedVisit.objects.values("owner_id", "date").annotate(n=Count("pk")).order_by("-n").first()
    assert per_day["n"] <= 10
    # Sequences continue after the generated ids: the application can add rows.
    client = Client.objects.create(
        code="NEW-1",
        name="新客户",
        tier=Client.objects.first().tier,
        owner=managers.first(),
        team=managers.first().team,
    )
    assert client.pk > max(Client.objects.exclude(pk=client.pk).values_list("pk", flat=True))


def test_a_second_run_is_refused_and_changes_nothing():
    call_command("generate_data", "--scale", "small", "--force", stdout=None)
    with pytest.raises(CommandError, match="already"):
        call_command("generate_data", "--scale", "small", "--force", stdout=None)
    assert Client.objects.count() == SCALES["small"].clients


def test_same_seed_same_data():
    from django.db import transaction

    from datagen.generator import generate

    def snapshot():
        return list(Client.objects.order_by("pk").values_list("name", "owner__username", "next_visit_due")[:200])

    with transaction.atomic():
        generate("small", seed=7, log=lambda line: None)
        first = snapshot()
        transaction.set_rollback(True)
    generate("small", seed=7, log=lambda line: None)
    assert len(first) == 200
    assert snapshot() == first
