"""Invitations to events go out 1–2 weeks ahead; attendance is confirmed afterwards (seed 000)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from care import rules, services
from care.models import EventInvitation
from care.tests.factories import EventInvitationFactory
from clients.tests.factories import ClientFactory, ContactFactory

EVENT = date(2026, 1, 8)


def test_six_days_ahead_is_late_seven_is_not():
    assert rules.invitation_is_late(EVENT - timedelta(days=6), EVENT)
    assert not rules.invitation_is_late(EVENT - timedelta(days=7), EVENT)
    assert not rules.invitation_is_late(EVENT - timedelta(days=14), EVENT)
    assert rules.invitation_is_late(EVENT, EVENT)


def test_the_page_warns_and_flags_a_late_invitation(client, manager):
    acme = ClientFactory(owner=manager)
    contact = ContactFactory(client=acme)
    client.force_login(manager)
    data = {"event_name": "New year forum", "event_date": EVENT, "client": acme.pk, "contact": contact.pk}
    response = client.post(reverse("care:events"), {**data, "sent_on": EVENT - timedelta(days=7)}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    response = client.post(reverse("care:events"), {**data, "sent_on": EVENT - timedelta(days=6)}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["warning"]
    assert response.content.decode().count('data-testid="late"') == 1
    assert [i.is_late for i in EventInvitation.objects.order_by("pk")] == [False, True]


def test_sent_after_the_event_is_refused(client, manager):
    acme = ClientFactory(owner=manager)
    with pytest.raises(ValidationError):
        services.invite_to_event(
            client=acme, by=manager, event_name="X", event_date=EVENT, sent_on=EVENT + timedelta(1)
        )
    client.force_login(manager)
    data = {"event_name": "X", "event_date": EVENT, "client": acme.pk, "sent_on": EVENT + timedelta(days=1)}
    assert client.post(reverse("care:events"), data).status_code == 200
    assert not EventInvitation.objects.exists()


def test_attendance_is_confirmed_after_the_event(manager):
    invitation = EventInvitationFactory(client=ClientFactory(owner=manager), event_date=EVENT)
    with pytest.raises(ValidationError):
        services.update_invitation(invitation, by=manager, rsvp="yes", attended=True, today=EVENT - timedelta(1))
    services.update_invitation(invitation, by=manager, rsvp="yes", attended=None, today=EVENT - timedelta(1))
    services.update_invitation(invitation, by=manager, rsvp="yes", attended=True, today=EVENT + timedelta(1))
    invitation.refresh_from_db()
    assert (invitation.rsvp, invitation.attended) == ("yes", True)
    assert invitation.history.count() == 3


def test_confirming_through_the_page(client, manager, supervisor):
    invitation = EventInvitationFactory(
        client=ClientFactory(owner=manager), event_date=timezone.localdate() - timedelta(2)
    )
    client.force_login(supervisor)
    url = reverse("care:event_update", args=[invitation.pk])
    assert client.post(url, {"rsvp": "yes", "attended": "true"}).status_code == 403
    client.force_login(manager)
    assert client.post(url, {"rsvp": "yes", "attended": "false"}).status_code == 302
    invitation.refresh_from_db()
    assert (invitation.rsvp, invitation.attended) == ("yes", False)
