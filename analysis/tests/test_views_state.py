"""The pages of steps 1–2: who may do what, errors next to the field, bounded queries."""

from decimal import Decimal

import pytest
from django.urls import reverse

from analysis import demand as demand_services
from analysis.effect import analysed_month, compute_business_effect, generate_potential_strategies
from analysis.models import AbilityDimension, AbilityScore, BusinessFigure, Demand, Product
from clients.tests.factories import ClientFactory
from tests import clock
from visits import rules

NEXT = rules.next_month(clock.TODAY)
Q = f"?month={NEXT:%Y-%m}"


@pytest.fixture
def leaf(db):
    return Product.objects.create(code="P1", name="Golden Leaf", brand="Leaf", unit="cartons", is_key_brand=True)


def demands(owner, product, count):
    rows = []
    for _ in range(count):
        client = ClientFactory(owner=owner)
        rows.append(
            demand_services.save_demand(by=owner, client=client, product=product, month=NEXT, quantity=Decimal(5))
        )
    return rows


def test_manager_keys_in_demand_and_errors_show_next_to_the_field(client, manager, leaf):
    acme = ClientFactory(owner=manager, name="Acme")
    client.force_login(manager)
    url = reverse("analysis:demand") + Q
    response = client.post(url, {"client": acme.pk, "product": leaf.pk, "quantity": "0"})
    assert response.status_code == 200 and "invalid-feedback" in response.content.decode()
    assert not Demand.objects.exists()
    response = client.post(url, {"client": acme.pk, "product": leaf.pk, "quantity": "20"})
    assert response.status_code == 302
    assert Demand.objects.get().quantity == Decimal("20")


def test_manager_cannot_key_in_for_someone_elses_client(client, manager, teammate, leaf):
    theirs = ClientFactory(owner=teammate)
    client.force_login(manager)
    response = client.post(reverse("analysis:demand") + Q, {"client": theirs.pk, "product": leaf.pk, "quantity": "1"})
    assert response.status_code == 200 and "invalid-feedback" in response.content.decode()
    assert not Demand.objects.exists()


def test_confirm_selected_one_and_all(client, manager, teammate, leaf):
    mine = demands(manager, leaf, 4)
    theirs = demands(teammate, leaf, 1)[0]
    client.force_login(manager)
    url = reverse("analysis:demand_confirm")
    client.post(url, {"month": f"{NEXT:%Y-%m}", "ids": [mine[0].pk, mine[1].pk, theirs.pk]})
    assert Demand.objects.filter(confirmed_at__isnull=False).count() == 2
    client.post(url, {"month": f"{NEXT:%Y-%m}", "one": mine[2].pk})
    assert Demand.objects.filter(confirmed_at__isnull=False).count() == 3
    client.post(url, {"month": f"{NEXT:%Y-%m}", "all": "1"})
    assert set(Demand.objects.filter(confirmed_at__isnull=False).values_list("pk", flat=True)) == {d.pk for d in mine}
    theirs.refresh_from_db()
    assert theirs.confirmed_at is None


def test_supervisor_reads_the_teams_demand_but_changes_nothing(client, manager, supervisor, leaf):
    row = demands(manager, leaf, 1)[0]
    client.force_login(supervisor)
    page = client.get(reverse("analysis:demand") + Q)
    assert page.status_code == 200 and row.client.name in page.content.decode()
    assert 'name="ids"' not in page.content.decode()
    assert client.post(reverse("analysis:demand_confirm"), {"month": f"{NEXT:%Y-%m}", "all": "1"}).status_code == 403
    assert client.post(reverse("analysis:demand") + Q, {"client": row.client_id, "product": leaf.pk,
                                                        "quantity": "9"}).status_code == 403  # fmt: skip
    assert client.post(reverse("analysis:effect_compute"), {"month": f"{NEXT:%Y-%m}"}).status_code == 403
    assert client.post(reverse("analysis:generate"), {"month": f"{NEXT:%Y-%m}"}).status_code == 403
    row.refresh_from_db()
    assert row.confirmed_at is None and row.quantity == 5
    # One manager's book, by ?owner=
    assert client.get(reverse("analysis:effect") + Q + f"&owner={manager.pk}").status_code == 200


def test_another_manager_gets_404(client, manager, other_manager, teammate, leaf):
    acme = ClientFactory(owner=manager)
    client.force_login(other_manager)
    for name in ("analysis:demand", "analysis:effect", "analysis:scores", "analysis:area"):
        assert client.get(reverse(name) + Q + f"&owner={manager.pk}").status_code == 404
    assert client.get(reverse("analysis:score", args=[acme.pk])).status_code == 404
    client.force_login(teammate)
    assert client.get(reverse("analysis:score", args=[acme.pk])).status_code == 404


def test_scores_0_and_6_are_refused_next_to_the_field(client, manager):
    acme = ClientFactory(owner=manager)
    dimension = AbilityDimension.objects.filter(is_active=True).first()
    client.force_login(manager)
    url = reverse("analysis:score", args=[acme.pk]) + Q
    for wrong in ("0", "6"):
        response = client.post(url, {f"dimension_{dimension.pk}": wrong})
        assert response.status_code == 200 and "invalid-feedback" in response.content.decode()
    assert not AbilityScore.objects.exists()
    assert client.post(url, {f"dimension_{dimension.pk}": "3"}).status_code == 302
    assert AbilityScore.objects.get().score == 3


def test_supervisor_sees_scores_read_only(client, manager, supervisor):
    acme = ClientFactory(owner=manager)
    dimension = AbilityDimension.objects.filter(is_active=True).first()
    client.force_login(supervisor)
    url = reverse("analysis:score", args=[acme.pk]) + Q
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="score-form"' not in page.content.decode()
    assert client.post(url, {f"dimension_{dimension.pk}": "3"}).status_code == 403


def test_compute_effect_sort_by_growth_generate_then_area(client, manager, leaf):
    month = analysed_month(NEXT)
    names = {"fall": (100, 50), "rise": (10, 30), "flat": (20, 20)}
    for name, (before, now) in names.items():
        acme = ClientFactory(owner=manager, name=name)
        BusinessFigure.objects.create(client=acme, product=leaf, month=rules.previous_month(month), quantity=before)
        BusinessFigure.objects.create(client=acme, product=leaf, month=month, quantity=now, amount=now * 10)
    client.force_login(manager)
    area = client.get(reverse("analysis:area") + Q).content.decode()
    assert 'data-testid="area-waiting"' in area and 'data-testid="area"' not in area
    assert client.post(reverse("analysis:effect_compute"), {"month": f"{NEXT:%Y-%m}"}).status_code == 302
    body = client.get(reverse("analysis:effect") + Q + "&sort=growth").content.decode()
    assert body.index("fall") < body.index("flat") < body.index("rise")
    body = client.get(reverse("analysis:effect") + Q + "&sort=-growth").content.decode()
    assert body.index("rise") < body.index("flat") < body.index("fall")
    assert client.post(reverse("analysis:generate"), {"month": f"{NEXT:%Y-%m}"}).status_code == 302
    area = client.get(reverse("analysis:area") + Q).content.decode()
    assert 'data-testid="area"' in area and "100" in area  # quantity 50 + 30 + 20


@pytest.mark.parametrize("count", [3, 30])
def test_pages_take_a_bounded_number_of_queries(
    client, manager, teammate, supervisor, leaf, count, django_assert_max_num_queries
):
    demands(manager, leaf, count)
    demands(teammate, leaf, count)
    compute_business_effect(owner=manager, month=NEXT)
    compute_business_effect(owner=teammate, month=NEXT)
    generate_potential_strategies(owner=manager, month=NEXT)
    for user in (manager, supervisor):
        client.force_login(user)
        for name in ("analysis:demand", "analysis:effect", "analysis:scores", "analysis:area"):
            with django_assert_max_num_queries(16):
                assert client.get(reverse(name) + Q).status_code == 200


def test_the_demand_form_picks_a_client_by_search_not_from_the_whole_book(client, manager, leaf):
    book = [ClientFactory(owner=manager, name=f"Book client {n:02}") for n in range(30)]
    client.force_login(manager)
    url = reverse("analysis:demand") + Q
    page = client.get(url).content.decode()
    assert "Book client 07" not in page  # no drop-down of the book: a search box
    assert reverse("clients:pick") in page
    # Typed without choosing (no JavaScript): the name is resolved on the server.
    response = client.post(url, {"client_text": "Book client 07", "product": leaf.pk, "quantity": "3"})
    assert response.status_code == 302
    assert Demand.objects.get().client == book[7]
    response = client.post(url, {"client_text": "Book client", "product": leaf.pk, "quantity": "3"})
    assert response.status_code == 200 and "Several of your clients match" in response.content.decode()
