"""The escalation sweep over 10,000 open complaints: a bounded number of queries, in
batches, whatever the number of rows (the time is printed with -s and in the note)."""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from clients.tests.factories import ClientFactory
from complaints import services
from complaints.models import Category, Complaint, ComplaintEvent
from notifications.models import Notification

OPEN = 10_000
BREACHED = 1_200


@pytest.fixture
def complaints(manager, supervisor):
    category = Category.objects.filter(parent__isnull=False).first()
    client = ClientFactory(owner=manager)
    now = timezone.now()
    rows = []
    for index in range(OPEN):
        late = index < BREACHED
        rows.append(
            Complaint(
                number=f"TS-2026-{index:06d}",
                client=client,
                channel="phone",
                category=category,
                severity="normal",
                description="Load test",
                owner=manager,
                created_by=manager,
                team=manager.team,
                state="acknowledged",
                first_response_due=now - timedelta(hours=30),
                resolution_due=now - timedelta(hours=1) if late else now + timedelta(days=2),
            )
        )
    Complaint.objects.bulk_create(rows, batch_size=2000)
    return now


def test_sweep_over_10000_open_complaints_is_bounded(settings, complaints, supervisor, django_assert_max_num_queries):
    settings.CRM_JOB_BATCH_SIZE = 500
    started = time.perf_counter()
    # Per batch of 500: lock + read (1), bulk update (1), history (1), events (1), notification
    # lookup and insert (2), savepoints (2), the complaint rollups' refresh (3, 4 on PostgreSQL:
    # rollups.services.refresh_complaint_days); three batches and the empty one. SQLite's limit of
    # 999 variables per statement splits the wide history insert into ~15 per batch.
    limit = 40 if connection.vendor == "postgresql" else 120
    with django_assert_max_num_queries(limit):
        escalated = services.escalate_breached()
    elapsed = time.perf_counter() - started
    print(f"\nescalate_breached: {OPEN} open, {escalated} escalated in {elapsed:.2f} s")
    assert escalated == BREACHED
    assert Complaint.objects.filter(level=1).count() == BREACHED
    assert ComplaintEvent.objects.filter(kind="escalated").count() == BREACHED
    assert Notification.objects.filter(recipient=supervisor, kind="complaint.escalated").count() == BREACHED
    assert Complaint.history.filter(level=1).count() == BREACHED
    # Within the cool-down a second sweep does nothing, in a constant number of queries.
    with django_assert_max_num_queries(3):
        assert services.escalate_breached() == 0
