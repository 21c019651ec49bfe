"""Lists that can span the whole company count no further than a cap (issue #31): past it they
say "N+" and page through the first N rows; below it the count is exact. The count reads the
rows' primary keys only, never a computed column nor the list's order."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from care.tests.factories import GiftFactory
from clients.tests.factories import ClientFactory
from complaints.tests.factories import ComplaintFactory
from interactions.models import FollowUpTask
from interactions.tests.factories import InteractionFactory
from performance.models import ClientWarning

CAP = 3


@pytest.fixture
def capped(monkeypatch):
    monkeypatch.setattr("crm.paginator.COUNT_CAP", CAP)


def _counts(queries, table: str) -> list[str]:
    """The list's count (not the menu's counters)."""
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(*) FROM (SELECT")
            and f'FROM "{table}"' in q["sql"]]  # fmt: skip


def test_complaint_list_says_n_plus_past_the_cap(client, admin_user, manager, capped):
    for _ in range(CAP + 2):
        ComplaintFactory(client=ClientFactory(owner=manager))
    client.force_login(admin_user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("complaints:list"))
    assert response.status_code == 200
    assert response.context["page"].paginator.capped
    assert f"{CAP}+ complaints" in response.content.decode()
    (count,) = _counts(queries, "complaints_complaint")
    assert f"LIMIT {CAP + 1}" in count and "ORDER BY" not in count


def test_complaint_list_counts_exactly_below_the_cap(client, admin_user, manager, capped):
    ComplaintFactory(client=ClientFactory(owner=manager))
    client.force_login(admin_user)
    response = client.get(reverse("complaints:list"))
    assert not response.context["page"].paginator.capped
    assert "1 complaint" in response.content.decode()


def _flag(client_, days_ago: int = 0):
    now = timezone.now()
    return ClientWarning.objects.create(
        client=client_,
        rule="repeated_complaints",
        params={"count": 3, "window": 90},
        first_flagged_at=now - timedelta(days=days_ago),
        last_seen_at=now,
    )


def test_at_risk_list_says_n_plus_and_counts_clients_without_sorting(client, admin_user, manager, capped):
    for index in range(CAP + 2):
        _flag(ClientFactory(owner=manager, name=f"Client {index}"), days_ago=index)
    client.force_login(admin_user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("performance:at_risk"))
    page = response.context["page"]
    assert page.paginator.capped and f"{CAP}+ clients" in response.content.decode()
    # The cap's first rows, latest flag first, each a whole client with its warnings.
    assert [c.name for c in page] == ["Client 0", "Client 1", "Client 2"][: len(page.object_list)]
    assert all(c.active_warnings and c.owner == manager for c in page)
    (count,) = _counts(queries, "clients_client")
    assert "ORDER BY" not in count


def test_at_risk_list_pages_follow_the_order(client, admin_user, manager, monkeypatch):
    monkeypatch.setattr("performance.views.PAGE_SIZE", 2)
    for index in range(5):
        _flag(ClientFactory(owner=manager, name=f"Client {index}"), days_ago=index)
    client.force_login(admin_user)
    second = client.get(reverse("performance:at_risk"), {"page": 2}).context["page"]
    assert [c.name for c in second] == ["Client 2", "Client 3"]
    assert second.paginator.count == 5 and not second.paginator.capped


def test_request_and_follow_up_lists_are_capped(client, admin_user, manager, capped):
    for _ in range(CAP + 2):
        InteractionFactory(
            client=ClientFactory(owner=manager), is_request=True, promise="Call back", follow_up_on=timezone.localdate()
        )
    assert FollowUpTask.objects.count() == CAP + 2  # each promise is a task
    FollowUpTask.objects.update(done_at=timezone.now())
    client.force_login(admin_user)
    requests = client.get(reverse("interactions:requests"), {"show": "all"})
    assert requests.status_code == 200 and requests.context["page"].paginator.capped
    done = client.get(reverse("interactions:follow_ups"), {"show": "done"})
    assert done.status_code == 200
    assert done.context["page"].paginator.capped


def test_gift_list_says_n_plus(client, admin_user, manager, capped):
    for _ in range(CAP + 1):
        GiftFactory(client=ClientFactory(owner=manager))
    client.force_login(admin_user)
    response = client.get(reverse("care:gifts"))
    assert response.status_code == 200
    assert f"{CAP}+ gifts" in response.content.decode()


@pytest.mark.parametrize("flagged", [3, 30])
def test_at_risk_list_queries_do_not_grow(client, admin_user, manager, flagged, django_assert_max_num_queries):
    for index in range(flagged):
        _flag(ClientFactory(owner=manager, name=f"Client {index}"))
    client.force_login(admin_user)
    client.get(reverse("performance:at_risk"))  # the session and caches
    # count, page ids, the page's clients, their warnings, the teams, the session's user
    with django_assert_max_num_queries(8):
        response = client.get(reverse("performance:at_risk"))
    assert len(response.context["page"].object_list) == min(flagged, 25)
