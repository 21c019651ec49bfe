from django.urls import reverse

from notifications import services
from notifications.models import Notification


def test_the_same_notification_is_delivered_once(manager, teammate):
    assert services.notify([manager, teammate], kind="test.kind", key="7", message="Hello", url="/clients/") == 2
    assert services.notify([manager, teammate], kind="test.kind", key="7", message="Hello again") == 0
    assert services.notify([manager], kind="test.kind", key="8", message="Another") == 1
    assert Notification.objects.filter(recipient=manager).count() == 2


def test_unread_count_in_navigation_and_cached(client, manager, django_assert_max_num_queries):
    services.notify([manager], kind="test.kind", key="1", message="Complaint TS-1 escalated", url="/complaints/")
    client.force_login(manager)
    response = client.get(reverse("home:start"))
    assert b'data-testid="unread-count"' in response.content
    assert services.unread_count(manager) == 1
    with django_assert_max_num_queries(0):
        assert services.unread_count(manager) == 1  # from the cache
    services.notify([manager], kind="test.kind", key="2", message="Second")
    assert services.unread_count(manager) == 2  # delivering refreshes it


def test_open_marks_read_and_follows_only_local_links(client, manager):
    services.notify([manager], kind="test.kind", key="1", message="Local", url="/complaints/")
    services.notify([manager], kind="test.kind", key="2", message="Evil", url="https://evil.example/")
    local, evil = Notification.objects.order_by("key")
    client.force_login(manager)
    assert client.post(reverse("notifications:open", args=[local.pk])).url == "/complaints/"
    assert client.post(reverse("notifications:open", args=[evil.pk])).url == reverse("notifications:inbox")
    assert services.unread_count(manager) == 0


def test_inbox_is_private_and_mark_all_read(client, manager, teammate):
    services.notify([manager], kind="test.kind", key="1", message="Mine")
    note = Notification.objects.get()
    client.force_login(teammate)
    assert client.post(reverse("notifications:open", args=[note.pk])).status_code == 404
    assert b"Mine" not in client.get(reverse("notifications:inbox")).content
    client.force_login(manager)
    response = client.get(reverse("notifications:inbox"), {"show": "unread"})
    assert b"Mine" in response.content
    client.post(reverse("notifications:read_all"))
    note.refresh_from_db()
    assert note.read_at is not None
    assert list(client.get(reverse("notifications:inbox"), {"show": "unread"}).context["page"].object_list) == []
