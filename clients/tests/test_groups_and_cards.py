"""Group classes, key-person types and limits, VIP cards, the group page and large clients."""

import pytest
from django.forms import inlineformset_factory
from django.test import override_settings
from django.urls import reverse

from clients.admin import ContactLimitsFormSet
from clients.defaults import ensure_default_cards
from clients.forms import ContactForm
from clients.models import CardRule, Client, ClientGroup, Contact, KeyPersonType, VipCard
from clients.tests.factories import ClientFactory, ClientGroupFactory, ContactFactory
from visits.tests.factories import PlannedVisitFactory

TOP, DESIGNATED, IT, COMMS, INFLUENCER = (
    "top_decision_maker", "designated_contact", "it_contact", "comms_it_manager", "influencer",
)  # fmt: skip

# SPEC: diamond = top leaders of A; gold = top leaders of B, division-level cadres (the
# communications/IT middle managers of A) and the contacts of A; silver = top leaders of C
# and the contacts of B, C and D. Everything else: no card from the table.
EXPECTED = {
    ("A", TOP): "diamond", ("A", DESIGNATED): "gold", ("A", IT): "gold", ("A", COMMS): "gold", ("A", INFLUENCER): None,
    ("B", TOP): "gold", ("B", DESIGNATED): "silver", ("B", IT): "silver", ("B", COMMS): None, ("B", INFLUENCER): None,
    ("C", TOP): "silver", ("C", DESIGNATED): "silver", ("C", IT): "silver", ("C", COMMS): None,
    ("C", INFLUENCER): None,
    ("D", TOP): None, ("D", DESIGNATED): "silver", ("D", IT): "silver", ("D", COMMS): None, ("D", INFLUENCER): None,
}  # fmt: skip


@pytest.fixture(autouse=True)
def cards(db):
    ensure_default_cards()
    return {card.code: card for card in VipCard.objects.all()}


def login(client, user):
    client.force_login(user)
    return client


def contact_data(**overrides):
    data = {"name": "Zhang Wei", "title": "Director", "mobile": "13900000001"}
    data.update(overrides)
    return data


# --- the card table ------------------------------------------------------------------


@pytest.mark.parametrize(("group_class", "kind"), list(EXPECTED))
def test_card_for_each_class_and_type(group_class, kind, manager):
    group = ClientGroupFactory(lead_manager=manager, group_class=group_class)
    person = ContactFactory(client=ClientFactory(owner=manager, group=group), key_person_type=kind)
    person.refresh_from_db()
    assert (person.vip_card.code if person.vip_card else None) == EXPECTED[(group_class, kind)]
    assert person.is_key_person


def test_default_table_has_exactly_the_spec_rows():
    table = {(r.group_class, r.key_person_type): r.card.code for r in CardRule.objects.select_related("card")}
    assert table == {pair: card for pair, card in EXPECTED.items() if card}


def test_no_group_or_no_type_gives_no_card(manager):
    assert ContactFactory(client=ClientFactory(owner=manager), key_person_type=TOP).vip_card is None
    group = ClientGroupFactory(lead_manager=manager, group_class="A")
    assert ContactFactory(client=ClientFactory(owner=manager, group=group)).vip_card is None


@pytest.mark.parametrize(
    ("group_class", "kind", "personal", "expected"),
    [
        ("C", TOP, "gold", "gold"),  # the personal card is higher: it wins
        ("A", TOP, "silver", "diamond"),  # the group's card is higher: it stays
        ("D", COMMS, "silver", "silver"),  # nothing from the table: the personal card
        ("B", DESIGNATED, "diamond", "diamond"),
    ],
)
def test_higher_personal_card_wins(group_class, kind, personal, expected, manager, cards):
    group = ClientGroupFactory(lead_manager=manager, group_class=group_class)
    person = ContactFactory(
        client=ClientFactory(owner=manager, group=group), key_person_type=kind, personal_card=cards[personal]
    )
    assert person.vip_card.code == expected


def test_admin_changing_a_rule_recomputes_cards(manager, cards):
    group = ClientGroupFactory(lead_manager=manager, group_class="B")
    person = ContactFactory(client=ClientFactory(owner=manager, group=group), key_person_type=DESIGNATED)
    assert person.vip_card.code == "silver"
    rule = CardRule.objects.get(group_class="B", key_person_type=DESIGNATED)
    rule.card = cards["gold"]
    rule.save()
    person.refresh_from_db()
    assert person.vip_card.code == "gold"
    assert person.history.first().history_change_reason == "Card table changed"


def test_admin_card_rule_changelist_edit_recomputes(client, admin_user, manager, cards):
    admin_user.is_staff = True
    admin_user.save()
    group = ClientGroupFactory(lead_manager=manager, group_class="D")
    person = ContactFactory(client=ClientFactory(owner=manager, group=group), key_person_type=IT)
    rule = CardRule.objects.get(group_class="D", key_person_type=IT)
    response = login(client, admin_user).post(
        reverse("admin:clients_cardrule_change", args=[rule.pk]),
        {"group_class": "D", "key_person_type": IT, "card": cards["gold"].pk},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.vip_card.code == "gold"


# --- group class changes -------------------------------------------------------------


def test_group_class_change_recomputes_cards_with_reason(manager):
    group = ClientGroupFactory(lead_manager=manager, group_class="B")
    member = ClientFactory(owner=manager, group=group)
    top = ContactFactory(client=member, key_person_type=TOP)
    contact = ContactFactory(client=member, key_person_type=DESIGNATED)
    ordinary = ContactFactory(client=member)
    outsider = ContactFactory(client=ClientFactory(owner=manager), key_person_type=INFLUENCER, influences_group=group)
    assert (top.vip_card.code, contact.vip_card.code) == ("gold", "silver")

    group = ClientGroup.objects.get(pk=group.pk)
    group.group_class = "A"
    group.save()

    top.refresh_from_db()
    contact.refresh_from_db()
    assert (top.vip_card.code, contact.vip_card.code) == ("diamond", "gold")
    assert top.history.first().history_change_reason == "Group class changed from B to A"
    assert contact.history.first().history_change_reason == "Group class changed from B to A"
    assert ordinary.history.count() == 1  # unchanged people get no history noise
    assert outsider.history.count() == 1


def test_client_moving_group_recomputes(manager):
    a_group = ClientGroupFactory(lead_manager=manager, group_class="A")
    member = ClientFactory(owner=manager)
    top = ContactFactory(client=member, key_person_type=TOP)
    assert top.vip_card is None
    member = Client.objects.get(pk=member.pk)
    member.group = a_group
    member.save()
    top.refresh_from_db()
    assert top.vip_card.code == "diamond"


def test_influencer_of_another_group_takes_its_class(manager):
    group = ClientGroupFactory(lead_manager=manager, group_class="A")
    CardRule.objects.create(group_class="A", key_person_type=INFLUENCER, card=VipCard.objects.get(code="silver"))
    person = ContactFactory(client=ClientFactory(owner=manager), key_person_type=INFLUENCER, influences_group=group)
    assert person.vip_card.code == "silver"


# --- limits in the contact form ------------------------------------------------------


def _form(client_obj, user, **data):
    return ContactForm(contact_data(**data), instance=Contact(client=client_obj), user=user)


def test_third_designated_contact_of_a_group_is_refused(manager, teammate):
    group = ClientGroupFactory(lead_manager=manager, group_class="B")
    mine, theirs = ClientFactory(owner=manager, group=group), ClientFactory(owner=teammate, group=group)
    ContactFactory(client=mine, key_person_type=DESIGNATED)
    second = _form(mine, manager, key_person_type=DESIGNATED)
    assert second.is_valid(), second.errors
    second.save()
    third = _form(theirs, teammate, key_person_type=DESIGNATED)  # counted across member clients
    assert not third.is_valid()
    assert third.errors["key_person_type"] == [
        "This group already has two designated contacts, the most allowed. Change one of them first."
    ]


def test_designated_limit_per_client_without_group(manager):
    alone = ClientFactory(owner=manager)
    ContactFactory.create_batch(2, client=alone, key_person_type=DESIGNATED)
    form = _form(alone, manager, key_person_type=DESIGNATED)
    assert not form.is_valid()
    assert "two designated contacts" in form.errors["key_person_type"][0]


def test_editing_an_existing_designated_contact_is_not_counted_twice(manager):
    alone = ClientFactory(owner=manager)
    first, _second = ContactFactory.create_batch(2, client=alone, key_person_type=DESIGNATED)
    form = ContactForm(contact_data(key_person_type=DESIGNATED, name="Renamed"), instance=first, user=manager)
    assert form.is_valid(), form.errors


def test_second_it_contact_is_refused_in_the_view(client, manager):
    group = ClientGroupFactory(lead_manager=manager, group_class="C")
    member = ClientFactory(owner=manager, group=group)
    ContactFactory(client=ClientFactory(owner=manager, group=group), key_person_type=IT)
    response = login(client, manager).post(
        reverse("clients:contact_create", args=[member.pk]), contact_data(key_person_type=IT)
    )
    assert response.status_code == 200
    assert "This group already has an IT contact; it may have only one." in response.content.decode()
    assert not member.contacts.exists()


def test_only_an_influencer_is_recorded_for_another_group(manager):
    group = ClientGroupFactory(lead_manager=manager)
    form = _form(ClientFactory(owner=manager), manager, key_person_type=TOP, influences_group=group.pk)
    assert not form.is_valid()
    assert "influences_group" in form.errors


def test_influences_group_choices_are_scoped(manager, other_manager):
    hidden = ClientGroupFactory(lead_manager=other_manager)
    ClientFactory(owner=other_manager, group=hidden)
    form = _form(ClientFactory(owner=manager), manager, key_person_type=INFLUENCER, influences_group=hidden.pk)
    assert not form.is_valid()
    assert "influences_group" in form.errors


# --- the group page ------------------------------------------------------------------


@pytest.fixture
def world(manager, teammate, cards):
    group = ClientGroupFactory(lead_manager=teammate, group_class="A", name="Jade Group")
    mine = ClientFactory(owner=manager, group=group, name="Jade Tea")
    theirs = ClientFactory(owner=teammate, group=group, name="Jade Hidden")
    ContactFactory(client=mine, key_person_type=TOP, name="Chairman Li")
    ContactFactory(client=mine, personal_card=cards["silver"], name="Vip Wang")
    ContactFactory(client=mine, name="Ordinary Zhao")
    ContactFactory(client=theirs, key_person_type=DESIGNATED, name="Hidden Contact")
    ContactFactory(client=ClientFactory(owner=manager), key_person_type=INFLUENCER, influences_group=group,
                   name="Outside Influencer")  # fmt: skip
    return group


def test_group_page_shows_three_kinds_with_counts_and_cards(client, manager, world):
    response = login(client, manager).get(reverse("clients:group", args=[world.pk]))
    assert response.status_code == 200
    ctx = response.context
    assert sorted(c.name for c in ctx["key_persons"]) == ["Chairman Li", "Outside Influencer"]
    assert [c.name for c in ctx["vip_members"]] == ["Vip Wang"]
    assert [c.name for c in ctx["ordinary_members"]] == ["Ordinary Zhao"]
    assert [m.name for m in ctx["members"]] == ["Jade Tea"]
    assert ctx["hidden_members"] == 1
    html = response.content.decode()
    assert "Jade Hidden" not in html and "Hidden Contact" not in html
    assert 'data-testid="vip-card"' in html and "Diamond" in html


def test_group_page_scoping(client, manager, teammate, supervisor, other_supervisor, other_manager, admin_user, world):
    url = reverse("clients:group", args=[world.pk])
    for user, status in [(manager, 200), (teammate, 200), (supervisor, 200), (admin_user, 200),
                         (other_supervisor, 404), (other_manager, 404)]:  # fmt: skip
        client.force_login(user)
        assert client.get(url).status_code == status, user


def test_lead_manager_sees_group_without_member_clients(client, other_manager):
    group = ClientGroupFactory(lead_manager=other_manager)
    assert login(client, other_manager).get(reverse("clients:group", args=[group.pk])).status_code == 200


def test_client_page_links_to_group_and_shows_cards(client, manager, world):
    member = Client.objects.get(name="Jade Tea")
    html = login(client, manager).get(reverse("clients:detail", args=[member.pk])).content.decode()
    assert reverse("clients:group", args=[world.pk]) in html
    assert "Diamond" in html and "Top decision maker" in html


@pytest.mark.parametrize("people", [2, 30])
def test_group_page_queries_do_not_grow(client, manager, people, django_assert_max_num_queries):
    group = ClientGroupFactory(lead_manager=manager, group_class="B")
    for index in range(people):
        member = ClientFactory(owner=manager, group=group)
        ContactFactory(client=member, key_person_type=TOP if index % 3 == 0 else "")
    login(client, manager)
    # session, user, group, members, member count, people, unread notifications
    with django_assert_max_num_queries(8):
        response = client.get(reverse("clients:group", args=[group.pk]))
    assert response.status_code == 200


# --- large clients -------------------------------------------------------------------


@override_settings(CRM_LARGE_CLIENT_VOLUME=1000)
def test_large_client_flag_and_filter(client, manager):
    big = ClientFactory(owner=manager, name="Big Tobacco", monthly_volume=1000)
    ClientFactory(owner=manager, name="Small Shop", monthly_volume=999)
    ClientFactory(owner=manager, name="Unknown Volume")
    assert big.is_large and not Client.objects.get(name="Small Shop").is_large
    login(client, manager)
    response = client.get(reverse("clients:list"), {"large": "true"})
    assert [c.name for c in response.context["page"].object_list] == ["Big Tobacco"]
    assert 'data-testid="large-client"' in response.content.decode()
    response = client.get(reverse("clients:list"), {"large": "false"})
    assert [c.name for c in response.context["page"].object_list] == ["Small Shop", "Unknown Volume"]


@override_settings(CRM_LARGE_CLIENT_VOLUME=50)
def test_large_threshold_is_configurable(manager):
    assert ClientFactory(owner=manager, monthly_volume=50).is_large


def test_monthly_volume_is_edited_in_the_client_form(client, manager):
    acme = ClientFactory(owner=manager)
    data = {
        "code": acme.code, "name": acme.name, "client_type": acme.client_type, "industry": acme.industry,
        "size": acme.size, "status": acme.status, "tier": acme.tier_id, "visit_method": acme.visit_method,
        "phone": acme.phone, "monthly_volume": "1500",
    }  # fmt: skip
    response = login(client, manager).post(reverse("clients:edit", args=[acme.pk]), data)
    assert response.status_code == 302
    acme.refresh_from_db()
    assert acme.monthly_volume == 1500 and acme.is_large


def test_key_person_type_values():
    assert set(KeyPersonType.values) == {TOP, DESIGNATED, IT, COMMS, INFLUENCER}


def test_monthly_volume_is_imported_and_exported(client, supervisor, manager):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(supervisor)
    text = 'code,name,tier,owner,月销量\nV-1,Volume Co,standard,mgr_a1,"1,200"\nV-2,Tiny Co,standard,mgr_a1,-5\n'
    response = client.post(reverse("clients:import"), {"file": SimpleUploadedFile("v.csv", text.encode())})
    errors = response.context["report"].errors
    assert [(e.column, e.message) for e in errors] == [("monthly_volume", "Enter a whole number of 0 or more.")]
    text = 'code,name,tier,owner,月销量\nV-1,Volume Co,standard,mgr_a1,"1,200"\n'
    response = client.post(reverse("clients:import"), {"file": SimpleUploadedFile("v.csv", text.encode())})
    assert response.context["report"].ok, response.context["report"].errors
    client.post(reverse("clients:import_confirm"), {"token": response.context["token"]})
    assert Client.objects.get(code="V-1").monthly_volume == 1200
    exported = client.get(reverse("clients:export"), {"format": "csv"}).content.decode("utf-8-sig")
    header, row = exported.splitlines()[:2]
    assert "monthly_volume" in header.split(",") and "1200" in row.split(",")


def test_the_card_shows_next_to_the_person_on_the_visit_sheet_and_the_complaint(client, manager):
    from django.urls import reverse
    from django.utils import timezone

    from complaints import services as complaint_services
    from complaints.defaults import ensure_complaint_defaults
    from complaints.models import Category
    from visits.selectors import day_sheet

    ensure_default_cards()
    ensure_complaint_defaults()
    group = ClientGroupFactory(lead_manager=manager, group_class="A")
    acme = ClientFactory(owner=manager, group=group)
    chairman = ContactFactory(
        client=acme, name="Chairman Zhao", is_key_person=True, key_person_type="top_decision_maker"
    )
    PlannedVisitFactory(owner=manager, client=acme, date=timezone.localdate(), method="on_site")
    [visit] = day_sheet(manager, timezone.localdate())
    assert [p.vip_card.code for p in visit.client.key_persons] == ["diamond"]
    complaint = complaint_services.register(
        by=manager, client=acme, contact=chairman, category=Category.objects.filter(parent__isnull=False).first(),
        channel="phone", description="late",
    )  # fmt: skip
    client.force_login(manager)
    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert 'data-testid="vip-card"' in page and "Diamond" in page


def test_a_key_persons_card_sets_a_stricter_complaint_response_time(manager):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from complaints import services as complaint_services
    from complaints.defaults import ensure_complaint_defaults
    from complaints.models import SlaPolicy

    ensure_default_cards()
    ensure_complaint_defaults()
    SlaPolicy.objects.update(business_hours=False, first_response_hours=24)
    diamond = VipCard.objects.get(code="diamond")
    diamond.response_hours = 2
    diamond.save()
    group = ClientGroupFactory(lead_manager=manager, group_class="A")
    acme = ClientFactory(owner=manager, group=group)
    chairman = ContactFactory(client=acme, name="Chairman", is_key_person=True, key_person_type="top_decision_maker")
    clerk = ContactFactory(client=acme, name="Clerk")
    received = datetime(2026, 11, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with_card = complaint_services.compute_deadlines(acme, "normal", received, contact=chairman)[0]
    without = complaint_services.compute_deadlines(acme, "normal", received, contact=clerk)[0]
    assert with_card == received + timedelta(hours=2)
    assert without > with_card


def test_the_admin_keeps_the_limit_too(client, admin_user):
    """The limit is the model's: the admin's contact page refuses a third designated contact."""
    alone = ClientFactory()
    ContactFactory.create_batch(2, client=alone, key_person_type=DESIGNATED)
    extra = ContactFactory(client=alone)
    client.force_login(admin_user)
    url = reverse("admin:clients_contact_change", args=[extra.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and not isinstance(value, list)}
    data.update(client=alone.pk, key_person_type=DESIGNATED, is_key_person="on", decision_role="decision_maker")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "This client already has two designated contacts" in response.content.decode()
    extra.refresh_from_db()
    assert extra.key_person_type == ""


def test_the_admin_inline_counts_its_rows_together(manager):
    """Three new designated contacts in one save of the client's admin page: each row alone
    passes (nothing stored yet), together they are refused."""
    alone = ClientFactory(owner=manager)
    formset_class = inlineformset_factory(
        Client, Contact, formset=ContactLimitsFormSet, fields=["name", "key_person_type"], extra=3
    )
    data = {"contacts-TOTAL_FORMS": "3", "contacts-INITIAL_FORMS": "0"}
    for row, kind in enumerate([DESIGNATED, DESIGNATED, DESIGNATED]):
        data.update({f"contacts-{row}-name": f"Person {row}", f"contacts-{row}-key_person_type": kind})
    formset = formset_class(data, instance=alone, prefix="contacts")
    assert not formset.is_valid()
    assert "This client already has two designated contacts" in formset.non_form_errors()[0]
    data["contacts-2-key_person_type"] = ""
    assert formset_class(data, instance=alone, prefix="contacts").is_valid()
