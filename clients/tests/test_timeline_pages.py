"""The client file shows the newest timeline entries; the client's timeline page pages back
through the rest (issue #31: the file showed 50 and spent half its time on them)."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.tests.factories import ClientFactory, ContactFactory
from clients.timeline import FILE_ENTRIES, PAGE_ENTRIES, client_timeline, timeline_page
from interactions.models import Interaction
from performance.tests.factories import response

pytestmark = pytest.mark.django_db

EARLIER = re.compile(r'href="([^"]+)" data-testid="timeline-earlier"')


def call(client, when, summary):
    return Interaction.objects.create(
        client=client, owner=client.owner, team=client.team, channel="phone", direction="in",
        occurred_at=when, summary=summary, created_by=client.owner,
    )  # fmt: skip


def busy_client(manager, calls=130):
    acme = ClientFactory(owner=manager)
    ContactFactory(client=acme, name="Ms Wang")
    now = timezone.now()
    for minutes in range(calls):
        call(acme, now - timedelta(hours=1, minutes=minutes), f"call {minutes}")
    for days in range(4):
        response(acme, now - timedelta(days=days, hours=3), satisfied=4, ratings=4)
    return acme


def shown(page) -> list[tuple]:
    return [(entry.when, entry.kind, entry.title, entry.detail) for entry in page.context["timeline"]]


def test_the_client_file_shows_the_newest_entries_and_links_to_earlier_ones(client, manager):
    acme = busy_client(manager)
    client.force_login(manager)
    page = client.get(reverse("clients:detail", args=[acme.pk]))
    everything = [(e.when, e.kind, e.title, e.detail) for e in client_timeline(acme, limit=1000)]
    assert shown(page) == everything[:FILE_ENTRIES]
    [link] = EARLIER.findall(page.content.decode())
    assert unescape(link).startswith(reverse("clients:timeline", args=[acme.pk]) + "?before=")


def test_paging_back_through_the_timeline_shows_every_entry_once_in_order(client, manager):
    acme = busy_client(manager)
    everything = [(e.when, e.kind, e.title, e.detail) for e in client_timeline(acme, limit=1000)]
    assert len(everything) > 2 * PAGE_ENTRIES  # 130 calls, 4 answers, the client and its contact
    client.force_login(manager)
    seen, url, pages = [], reverse("clients:timeline", args=[acme.pk]), 0
    while url:
        page = client.get(url)
        assert page.status_code == 200
        seen += shown(page)
        pages += 1
        links = EARLIER.findall(page.content.decode())
        url = unescape(links[0]) if links else None
    assert seen == everything
    assert pages == -(-len(everything) // PAGE_ENTRIES)


def test_no_earlier_link_when_everything_is_shown(client, manager):
    acme = busy_client(manager, calls=3)
    client.force_login(manager)
    page = client.get(reverse("clients:detail", args=[acme.pk]))
    assert len(page.context["timeline"]) == 3 + 4 + 2
    assert not EARLIER.findall(page.content.decode())


@pytest.mark.parametrize(
    "before",
    [
        "yesterday",
        "2026-13-45T10:00:00+08:00",
        "2026-11-01T10:00:00",
        "x" * 5000,
        "9999-12-31T23:00:00+00:00",
        "9999-12-31T23:00:00-08:00",
        "0001-01-01T00:00:00+08:00",
        "1999-12-31T23:59:59+00:00",
    ],
)
def test_a_bad_link_shows_the_newest_entries_with_a_message(client, manager, before):
    acme = busy_client(manager, calls=3)
    client.force_login(manager)
    page = client.get(reverse("clients:timeline", args=[acme.pk]), {"before": before})
    assert page.status_code == 200
    assert len(page.context["timeline"]) == 9
    assert "not valid" in page.content.decode()


def test_a_page_before_the_first_entry_says_nothing_was_recorded(client, manager):
    acme = busy_client(manager, calls=3)
    client.force_login(manager)
    page = client.get(reverse("clients:timeline", args=[acme.pk]), {"before": "2000-01-02T00:00:00+00:00"})
    assert page.context["timeline"] == []
    assert "Nothing recorded yet." in page.content.decode()


def test_the_timeline_is_as_private_as_the_client_file(client, manager, other_manager, other_supervisor, supervisor):
    acme = busy_client(manager, calls=3)
    url = reverse("clients:timeline", args=[acme.pk])
    assert client.get(url).status_code == 302  # to the sign-in page
    for outsider in (other_manager, other_supervisor):
        client.force_login(outsider)
        page = client.get(url)
        assert page.status_code == 404
        assert "call 0" not in page.content.decode()
    client.force_login(supervisor)
    assert "call 0" in client.get(url).content.decode()


@pytest.mark.parametrize("calls", [3, 120])
def test_the_timeline_page_queries_do_not_grow_with_the_history(client, manager, calls, django_assert_max_num_queries):
    acme = busy_client(manager, calls=calls)
    client.force_login(manager)
    client.get(reverse("home:start"))
    before = (timezone.now() - timedelta(minutes=30)).isoformat()
    # user, client, then one query per timeline provider (12), as on the client file
    with django_assert_max_num_queries(14):
        client.get(reverse("clients:timeline", args=[acme.pk]), {"before": before})


def test_a_page_never_ends_inside_a_moment(manager):
    """Calls typed to the minute share their moment: the entries of the moment that would
    straddle a page's end go to the next page together, none skipped."""
    acme = ClientFactory(owner=manager)
    first, second = timezone.now() - timedelta(hours=1), timezone.now() - timedelta(hours=2)
    for n in range(3):
        call(acme, first, f"first {n}")
    for n in range(4):
        call(acme, second, f"second {n}")
    page = timeline_page(acme, limit=5)  # the client's creation and the three calls at `first`
    calls = [e for e in page.entries if e.kind == "interaction"]
    assert len(calls) == 3 and {e.when for e in calls} == {first}
    rest = timeline_page(acme, limit=5, before=page.earlier)
    assert sorted(e.detail for e in rest.entries) == [f"second {n}" for n in range(4)]
    assert rest.earlier is None
