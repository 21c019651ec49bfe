"""A long list is not counted to the end (issue #31): exact up to the cap, then "10,000+"."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clients.models import Client
from clients.tests.factories import ClientFactory
from crm.paginator import CappedPaginator


@pytest.mark.django_db
def test_counts_exactly_up_to_the_cap():
    ClientFactory.create_batch(5)
    paginator = CappedPaginator(Client.objects.order_by("pk"), 2, cap=5)
    assert paginator.count == 5
    assert not paginator.capped
    assert paginator.num_pages == 3


@pytest.mark.django_db
def test_stops_counting_past_the_cap_with_a_limited_count():
    ClientFactory.create_batch(7)
    paginator = CappedPaginator(Client.objects.order_by("pk"), 2, cap=5)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 5
    assert paginator.capped
    (count,) = queries.captured_queries
    assert "LIMIT 6" in count["sql"].upper()  # never COUNT(*) over the whole result
    assert paginator.num_pages == 3
    assert len(paginator.get_page(3).object_list) == 1  # the pages cover the first `cap` rows
    assert paginator.get_page(99).number == 3


def test_a_list_counts_by_its_length():
    paginator = CappedPaginator(list(range(12)), 5, cap=10)
    assert paginator.count == 10 and paginator.capped
