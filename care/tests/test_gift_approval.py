"""Gifts to clients are recorded (occasion, item, value, recipient, approved by); above
CRM_GIFT_APPROVAL_ABOVE the team's supervisor or an admin approves, never the giver."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from care import rules, services
from care.models import Gift
from clients.tests.factories import ClientFactory, ContactFactory

DAY = date(2026, 5, 20)


@pytest.fixture(autouse=True)
def _threshold(settings):
    settings.CRM_GIFT_APPROVAL_ABOVE = 200


def give(client, value, contact=None):
    return services.record_gift(
        client=client, by=client.owner, occasion="birthday", item="Tea", value=Decimal(value), given_on=DAY,
        contact=contact,
    )  # fmt: skip


def test_the_rule_at_and_above_the_threshold():
    assert not rules.gift_needs_approval(Decimal("200"), 200)
    assert rules.gift_needs_approval(Decimal("200.01"), 200)
    assert not rules.gift_needs_approval(Decimal("0"), 200)


def test_at_the_threshold_the_gift_is_approved_at_once_above_it_waits(manager):
    acme = ClientFactory(owner=manager)
    at = give(acme, "200.00", contact=ContactFactory(client=acme))
    assert at.status == Gift.Status.APPROVED and at.decided_by is None and at.decided_at
    above = give(acme, "200.01")
    assert above.status == Gift.Status.PENDING and above.decided_at is None


def test_the_threshold_is_a_setting(settings, manager):
    settings.CRM_GIFT_APPROVAL_ABOVE = 50
    assert give(ClientFactory(owner=manager), "80").status == Gift.Status.PENDING


def test_only_the_clients_manager_records_a_gift_for_its_own_people(manager, teammate):
    acme = ClientFactory(owner=manager)
    with pytest.raises(PermissionDenied):
        services.record_gift(client=acme, by=teammate, occasion="other", item="Pen", value=Decimal(1), given_on=DAY)
    with pytest.raises(ValidationError):
        give(acme, "10", contact=ContactFactory())


def test_who_approves(manager, teammate, supervisor, other_supervisor, admin_user):
    gift = give(ClientFactory(owner=manager), "500")
    assert not services.may_decide(gift, manager)  # never the giver
    assert not services.may_decide(gift, teammate)
    assert not services.may_decide(gift, other_supervisor)
    assert services.may_decide(gift, supervisor)
    assert services.may_decide(gift, admin_user)
    for user in (manager, teammate, other_supervisor):
        with pytest.raises(PermissionDenied):
            services.decide_gift(gift, by=user, approve=True)
    decided = services.decide_gift(gift, by=supervisor, approve=True, comment="Fine")
    assert (decided.status, decided.decided_by, decided.decision_comment) == (Gift.Status.APPROVED, supervisor, "Fine")
    with pytest.raises(ValidationError):
        services.decide_gift(gift, by=admin_user, approve=False, comment="Too late")


def test_a_supervisors_own_gift_goes_to_an_admin(supervisor, admin_user):
    gift = give(ClientFactory(owner=supervisor), "500")
    assert not services.may_decide(gift, supervisor)
    assert services.may_decide(gift, admin_user)


def test_rejecting_needs_a_comment_and_changes_nothing_without_one(manager, supervisor):
    gift = give(ClientFactory(owner=manager), "500")
    with pytest.raises(ValidationError):
        services.decide_gift(gift, by=supervisor, approve=False, comment=" ")
    gift.refresh_from_db()
    assert gift.status == Gift.Status.PENDING
    services.decide_gift(gift, by=supervisor, approve=False, comment="Too dear")
    gift.refresh_from_db()
    assert gift.status == Gift.Status.REJECTED
    assert [h.status for h in gift.history.order_by("history_date")] == ["pending", "rejected"]


def test_recording_through_the_page(client, manager):
    acme = ClientFactory(owner=manager)
    contact = ContactFactory(client=acme)
    client.force_login(manager)
    data = {"client": acme.pk, "contact": contact.pk, "occasion": "birthday", "item": "Flowers", "given_on": DAY}
    response = client.post(reverse("care:gifts"), {**data, "value": "200"}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    response = client.post(reverse("care:gifts"), {**data, "value": "201"}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["warning"]
    assert list(Gift.objects.order_by("pk").values_list("status", flat=True)) == ["approved", "pending"]


def test_invalid_input_shows_errors_and_records_nothing(client, manager):
    acme = ClientFactory(owner=manager)
    client.force_login(manager)
    response = client.post(reverse("care:gifts"), {"client": acme.pk, "occasion": "birthday", "value": "-5"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Gift.objects.exists()


def test_deciding_through_the_page(client, manager, supervisor):
    gift = give(ClientFactory(owner=manager), "500")
    client.force_login(manager)
    assert client.post(reverse("care:gift_decide", args=[gift.pk]), {"decision": "approve"}).status_code == 403
    client.force_login(supervisor)
    page = client.get(reverse("care:gifts"), {"status": "pending"}).content.decode()
    assert reverse("care:gift_decide", args=[gift.pk]) in page
    response = client.post(reverse("care:gift_decide", args=[gift.pk]), {"decision": "reject"}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    client.post(reverse("care:gift_decide", args=[gift.pk]), {"decision": "reject", "comment": "No"})
    gift.refresh_from_db()
    assert (gift.status, gift.decided_by) == (Gift.Status.REJECTED, supervisor)
