"""Care pages: scoped to the viewer, forms offer only one's own clients, lists paginate
with a bounded number of queries."""

from datetime import date, timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from care.models import DeclinedGift, EventInvitation, Gift
from care.tests.factories import EventInvitationFactory, GiftFactory
from care.timeline import care_register
from clients.tests.factories import ClientFactory, ContactFactory
from clients.timeline import client_timeline
from tests.security import world as w
from tests.security.test_permission_matrix import MATRIX, ROLES


def test_lists_show_only_what_the_viewer_may_see(client, manager, teammate, supervisor, other_manager, admin_user):
    GiftFactory(client=ClientFactory(owner=manager), item="Mine gift")
    GiftFactory(client=ClientFactory(owner=other_manager), item="Bravo gift")
    EventInvitationFactory(client=ClientFactory(owner=manager), event_name="Mine event")
    EventInvitationFactory(client=ClientFactory(owner=other_manager), event_name="Bravo event")
    for user, sees, hidden in [
        (manager, "Mine", "Bravo"),
        (supervisor, "Mine", "Bravo"),
        (other_manager, "Bravo", "Mine"),
        (teammate, None, "Mine"),
    ]:
        client.force_login(user)
        page = client.get(reverse("care:gifts")).content.decode() + client.get(reverse("care:events")).content.decode()
        assert hidden not in page
        if sees:
            assert f"{sees} gift" in page and f"{sees} event" in page
    client.force_login(admin_user)
    page = client.get(reverse("care:gifts")).content.decode()
    assert "Mine gift" in page and "Bravo gift" in page


def test_another_teams_gift_and_invitation_answer_404(client, manager, other_manager, other_supervisor):
    gift = GiftFactory(client=ClientFactory(owner=manager), value=500, status=Gift.Status.PENDING)
    invitation = EventInvitationFactory(client=ClientFactory(owner=manager))
    for user in (other_manager, other_supervisor):
        client.force_login(user)
        assert client.post(reverse("care:gift_decide", args=[gift.pk]), {"decision": "approve"}).status_code == 404
        assert client.post(reverse("care:event_update", args=[invitation.pk]), {"rsvp": "yes"}).status_code == 404
    gift.refresh_from_db()
    assert gift.status == Gift.Status.PENDING


def test_forms_offer_only_ones_own_clients_and_others_ids_answer_404(client, manager, teammate):
    mine, theirs = ClientFactory(owner=manager, name="Mine Co"), ClientFactory(owner=teammate, name="Their Co")
    their_contact = ContactFactory(client=theirs, name="Their person")
    client.force_login(manager)
    page = client.get(reverse("care:gifts")).content.decode()
    assert "Mine Co" in page and "Their Co" not in page and "Their person" not in page
    day = date(2026, 5, 1)
    posts = [
        ("care:gifts", {"client": theirs.pk, "occasion": "other", "item": "Pen", "value": 1, "given_on": day}),
        ("care:gifts", {"client": mine.pk, "contact": their_contact.pk, "occasion": "other", "item": "Pen",
                        "value": 1, "given_on": day}),
        ("care:declined_add", {"client": theirs.pk, "offered_on": day, "description": "Wine"}),
        ("care:events", {"client": theirs.pk, "event_name": "Forum", "event_date": day, "sent_on": day}),
    ]  # fmt: skip
    for name, data in posts:
        assert client.post(reverse(name), data).status_code == 404, name
    assert not Gift.objects.exists() and not DeclinedGift.objects.exists() and not EventInvitation.objects.exists()


def test_a_declined_gift_is_recorded_and_shown_on_the_client_file(client, manager):
    acme = ClientFactory(owner=manager)
    client.force_login(manager)
    response = client.post(
        reverse("care:declined_add"), {"client": acme.pk, "offered_on": "2026-05-01", "description": "Red envelope"}
    )
    assert response.status_code == 302
    assert DeclinedGift.objects.get().recorded_by == manager
    assert "Red envelope" in client.get(reverse("care:gifts")).content.decode()
    assert client.post(reverse("care:declined_add"), {"client": acme.pk}).status_code == 302
    assert DeclinedGift.objects.count() == 1


def test_the_client_timeline_shows_gifts_declined_gifts_and_invitations(
    manager, supervisor, django_assert_max_num_queries
):
    acme = ClientFactory(owner=manager)
    wang = ContactFactory(client=acme, name="Wang Li")
    GiftFactory(client=acme, item="Tea set", contact=wang, value=880, decided_by=supervisor)
    DeclinedGift.objects.create(client=acme, offered_on=date(2026, 5, 1), description="Wine", recorded_by=manager)
    EventInvitationFactory(
        client=acme, event_name="Spring forum", event_date=date(2026, 4, 2), rsvp="yes", attended=False
    )
    with translation.override("en"):
        with django_assert_max_num_queries(1):  # the three registers in one query
            entries = {entry.title: entry for entry in care_register(acme, 50, None)}
        assert entries["Gift: Tea set"].detail == f"Wang Li · Birthday · 880.00 · Approved · decided by {supervisor}"
        assert entries["Gift: Tea set"].user == manager
        assert entries["Gift from the client declined"].detail == "2026-05-01 · Wine"
        assert entries["Invited to Spring forum"].detail == "2026-04-02 · Coming · did not attend"
        titles = " ".join(entry.title + " " + entry.detail for entry in client_timeline(acme))
    assert "Tea set" in titles and "Wine" in titles and "Spring forum" in titles


@pytest.mark.parametrize("count", [3, 40])
def test_lists_have_a_bounded_number_of_queries(client, manager, supervisor, count, django_assert_max_num_queries):
    for _ in range(count):
        acme = ClientFactory(owner=manager)
        contact = ContactFactory(client=acme)
        GiftFactory(client=acme, contact=contact, value=500, status=Gift.Status.PENDING)
        DeclinedGift.objects.create(client=acme, offered_on=date(2026, 5, 1), description="Wine", recorded_by=manager)
        EventInvitationFactory(client=acme, contact=contact, event_date=timezone.localdate() - timedelta(days=1))
    for user in (manager, supervisor):
        client.force_login(user)
        with django_assert_max_num_queries(11):
            assert client.get(reverse("care:gifts")).status_code == 200
        with django_assert_max_num_queries(8):
            assert client.get(reverse("care:events")).status_code == 200
        with django_assert_max_num_queries(6):
            assert client.get(reverse("care:calendar")).status_code == 200


@pytest.mark.django_db
def test_care_urls_answer_each_role_as_the_permission_matrix_says(
    client, manager, teammate, supervisor, other_supervisor, other_manager, admin_user
):
    """The care rows of the project's matrix, checked on their own (fast, and independent of
    other apps' unfinished rows)."""
    world = w.build(manager, teammate, other_manager)
    arguments = w.url_arguments(world)
    users = {"manager": manager, "teammate": teammate, "supervisor": supervisor, "other_supervisor": other_supervisor,
             "other_manager": other_manager, "admin": admin_user}  # fmt: skip
    mismatches = []
    for name, row in MATRIX.items():
        if not name.startswith("care:"):
            continue
        kwargs, query = arguments.get(name, ({}, ""))
        url = reverse(name, kwargs=kwargs) + query
        method, *codes = row.split()
        for role, expected in zip(ROLES, map(int, codes), strict=True):
            client.logout()
            if role != "anon":
                client.force_login(users[role])
            with transaction.atomic():
                response = client.get(url) if method == "GET" else client.post(url, {})
                transaction.set_rollback(True)
            if response.status_code != expected:
                mismatches.append((name, role, response.status_code, expected))
    assert not mismatches
