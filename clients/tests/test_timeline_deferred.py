"""The client file's timeline writes only the entries it shows (issue #31): providers may
return ``DeferredEntry`` rows, sorted by time with the others and written once, if kept."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from clients import timeline
from clients.tests.factories import ClientFactory, ContactFactory
from clients.timeline import DeferredEntry, TimelineEntry, client_timeline, url_maker
from interactions.models import Interaction
from performance.tests.factories import response


def interaction(client, when, summary):
    return Interaction.objects.create(
        client=client, owner=client.owner, team=client.team, channel="phone", direction="in",
        occurred_at=when, summary=summary, created_by=client.owner,
    )  # fmt: skip


def entry(when, title):
    return TimelineEntry(when=when, kind="test", title=title)


def test_only_the_entries_kept_are_written(monkeypatch):
    now = timezone.now()
    written = []

    def write(n):
        written.append(n)
        return entry(now - timedelta(minutes=n), f"deferred {n}")

    def deferred(client, limit, before):
        return [DeferredEntry(now - timedelta(minutes=n), "test", lambda n=n: write(n)) for n in range(0, 20, 2)]

    def plain(client, limit, before):
        return [entry(now - timedelta(minutes=n), f"plain {n}") for n in range(1, 20, 2)]

    monkeypatch.setattr(timeline, "_PROVIDERS", [deferred, plain])
    shown = client_timeline(None, limit=5)
    assert [e.title for e in shown] == ["deferred 0", "plain 1", "deferred 2", "plain 3", "deferred 4"]
    assert all(isinstance(e, TimelineEntry) for e in shown)
    assert sorted(written) == [0, 2, 4]  # the seven older deferred rows were never written


def test_a_deferred_entry_answers_like_the_entry_it_writes_once():
    calls = []
    now = timezone.now()

    def write():
        calls.append(1)
        return TimelineEntry(when=now, kind="test", title="Hello", detail="there", url="/x")

    deferred = DeferredEntry(now, "test", write)
    assert calls == []
    assert (deferred.title, deferred.detail, deferred.url) == ("Hello", "there", "/x")
    assert calls == [1]


@pytest.mark.django_db
def test_url_maker_builds_the_same_links_as_reverse():
    link = url_maker("complaints:detail")
    assert [link(pk) for pk in (1, 42, 987654320)] == [
        reverse("complaints:detail", args=[pk]) for pk in (1, 42, 987654320)
    ]


@pytest.mark.django_db
def test_the_newest_entries_of_all_sources_are_shown_in_order_and_written(manager):
    acme = ClientFactory(owner=manager)
    ContactFactory(client=acme, name="Ms Wang")
    now = timezone.now()
    # 60 calls an hour apart and 5 survey answers among them: the page shows the newest 50.
    for hours in range(60):
        interaction(acme, now - timedelta(hours=hours, minutes=30), f"call {hours}")
    for days in range(5):
        response(acme, now - timedelta(days=days, hours=1), satisfied=4, ratings=4)
    shown = client_timeline(acme)
    # What an eager merge of every row gives: all 65, newest first, cut at 50.
    every = [(now - timedelta(hours=h, minutes=30), "interaction", f"call {h}") for h in range(60)]
    every += [(r.submitted_at, "survey", "") for r in acme.responses.all()]
    every.sort(key=lambda row: row[0], reverse=True)
    history = [e.kind for e in shown if e.kind not in ("interaction", "survey")]
    assert sorted(history) == ["change", "contact"]  # the client and its contact, created just now
    rest = [e for e in shown if e.kind in ("interaction", "survey")]
    assert [(e.when, e.kind) for e in rest] == [(when, kind) for when, kind, _ in every[:48]]
    assert [e.detail for e in rest if e.kind == "interaction"] == [d for _, k, d in every[:48] if k == "interaction"]
    assert sum(e.kind == "survey" for e in shown) == 2  # the answer of 49 hours ago is the 51st
    call = next(e for e in shown if e.kind == "interaction")
    assert call.title == "Phone call · From the client" and call.url.startswith("#interaction-")
    survey = next(e for e in shown if e.kind == "survey")
    assert survey.title.startswith("Survey answered (")
    assert survey.url == reverse("surveys:invitation", args=[acme.responses.order_by("-submitted_at")[0].invitation_id])


@pytest.mark.django_db
def test_labels_follow_the_language_of_the_request(manager):
    acme = ClientFactory(owner=manager)
    interaction(acme, timezone.now(), "hello")
    with translation.override("en"):
        english = client_timeline(acme)[0].title
    with translation.override("zh-hans"):
        chinese = client_timeline(acme)[0].title
    assert english.startswith("Phone call")
    assert english != chinese
    assert Interaction.objects.count() == 1
