"""Complaint numbers (TS-<year>-<sequence>) come from a locked per-year counter, so that
registrations at the same moment never collide (issue #28, item 4: 8 threads × 16 POSTs
gave duplicate-number 400s and lost complaints)."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from api.models import ApiToken
from clients.tests.factories import ClientFactory
from complaints.models import Complaint, ComplaintNumberCounter
from complaints.tests.factories import ComplaintFactory, leaf_category

THREADS = 8
POSTS_PER_THREAD = 16


@pytest.mark.django_db
def test_the_number_comes_from_the_years_counter(manager):
    year = timezone.localtime().year
    ComplaintNumberCounter.objects.create(year=year, last=41)
    complaint = ComplaintFactory(client=ClientFactory(owner=manager))
    assert complaint.number == f"TS-{year}-000042"
    assert ComplaintNumberCounter.objects.get(year=year).last == 42


@pytest.mark.django_db
def test_a_new_year_counter_starts_after_the_numbers_already_given(manager):
    acme = ClientFactory(owner=manager)
    first = ComplaintFactory(client=acme)
    year = timezone.localtime(first.received_at).year
    ComplaintNumberCounter.objects.all().delete()  # e.g. numbers given before the counter existed
    second = ComplaintFactory(client=acme)
    assert (first.number, second.number) == (f"TS-{year}-000001", f"TS-{year}-000002")


@pytest.mark.real_clock
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; run by .ci/run on PostgreSQL")
def test_concurrent_api_registrations_all_succeed_with_distinct_numbers(manager):
    acme = ClientFactory(owner=manager)
    category = leaf_category()
    _token, raw = ApiToken.issue(manager, "phone")
    statuses: list[int] = []
    start = threading.Barrier(THREADS)

    def register_many(thread: int) -> None:
        from rest_framework.test import APIClient

        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        try:
            start.wait()
            for n in range(POSTS_PER_THREAD):
                body = {"client": acme.pk, "channel": "phone", "category": category.pk, "description": f"{thread}/{n}"}
                response = api.post("/api/v1/complaints/", body, format="json", HTTP_IDEMPOTENCY_KEY=f"k-{thread}-{n}")
                statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=register_many, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(statuses) == THREADS * POSTS_PER_THREAD and set(statuses) == {201}, sorted(statuses)
    numbers = list(Complaint.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == THREADS * POSTS_PER_THREAD
    year = timezone.localtime().year
    assert sorted(numbers) == [f"TS-{year}-{n:06d}" for n in range(1, THREADS * POSTS_PER_THREAD + 1)]
