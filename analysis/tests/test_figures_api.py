"""The figures API: the ordering system's push (permission, all or nothing, idempotent) and
the scoped read endpoints for products and figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from accounts.tests.factories import ManagerFactory
from analysis.models import BusinessFigure, FigureImport
from api.models import ApiToken
from clients.tests.factories import ClientFactory

from .factories import BusinessFigureFactory, ProductFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/figures/"


def api_for(user) -> APIClient:
    _token, raw = ApiToken.issue(user, "ordering system")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return api


@pytest.fixture
def ordering_system(db):
    """The technical user the ordering system's token belongs to."""
    user = ManagerFactory(username="ordering-system", team=None)
    user.user_permissions.add(Permission.objects.get(codename="push_figures", content_type__app_label="analysis"))
    return user


@pytest.fixture
def book(manager, other_manager):
    return (
        ClientFactory(owner=manager, code="C1"),
        ClientFactory(owner=other_manager, code="C2"),
        ProductFactory(code="P1"),
    )


ROWS = [
    {"client_code": "C1", "product_code": "P1", "month": "2026-11", "quantity": "12", "amount": "3000.50", "orders": 2},
    {"client_code": "C2", "product_code": "P1", "month": "2026-11", "quantity": 4, "amount": 1000, "orders": 1},
]


def test_the_ordering_system_pushes_figures(book, ordering_system):
    response = api_for(ordering_system).post(URL, ROWS, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["rows"], body["clients"], body["months"], body["replaced"]) == (2, 2, ["2026-11"], 0)
    batch = FigureImport.objects.get()
    assert (batch.pk, batch.source, batch.by) == (body["id"], "api", ordering_system)
    assert BusinessFigure.objects.get(client__code="C1").amount == Decimal("3000.50")


def test_the_push_is_idempotent(book, ordering_system):
    api = api_for(ordering_system)
    first = api.post(URL, ROWS, format="json", HTTP_IDEMPOTENCY_KEY="nov-2026-run-1")
    again = api.post(URL, ROWS, format="json", HTTP_IDEMPOTENCY_KEY="nov-2026-run-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert FigureImport.objects.count() == 1 and BusinessFigure.objects.count() == 2
    other = api.post(URL, ROWS[:1], format="json", HTTP_IDEMPOTENCY_KEY="nov-2026-run-1")
    assert other.status_code == 422 and other.json()["error"]["code"] == "idempotency_key_reused"
    assert FigureImport.objects.count() == 1


def test_a_push_with_a_bad_row_imports_nothing_and_names_the_row_and_column(book, ordering_system):
    rows = [*ROWS, {**ROWS[0], "product_code": "P404", "month": "2026-11"}, {**ROWS[1], "month": "11.2026"}]
    response = api_for(ordering_system).post(URL, rows, format="json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"3.product_code", "4.month"}
    assert not BusinessFigure.objects.exists() and not FigureImport.objects.exists()


def test_a_second_push_replaces_the_clients_month(book, ordering_system):
    c1, _c2, p1 = book
    p2 = ProductFactory(code="P2")
    api = api_for(ordering_system)
    api.post(URL, ROWS, format="json")
    response = api.post(URL, [{**ROWS[0], "product_code": "P2", "quantity": 1}], format="json")
    assert response.json()["replaced"] == 1
    assert list(BusinessFigure.objects.filter(client=c1).values_list("product", flat=True)) == [p2.pk]
    assert BusinessFigure.objects.filter(client__code="C2", product=p1).exists()


@pytest.mark.parametrize(
    "body",
    [{}, [], "rows", [1, 2], [{"client_code": "C1"}], [{**ROWS[0], "client_code": "C\x001"}],
     [{**ROWS[0], "quantity": True}], [{**ROWS[0], "amount": "NaN"}], [{**ROWS[0], "orders": -1}]],
)  # fmt: skip
def test_malformed_pushes_are_refused(book, admin_user, body):
    response = api_for(admin_user).post(URL, body, format="json")
    assert response.status_code == 400
    assert not FigureImport.objects.exists()


def test_managers_and_supervisors_may_not_push(book, manager, supervisor):
    for user in (manager, supervisor):
        response = api_for(user).post(URL, ROWS, format="json", HTTP_IDEMPOTENCY_KEY=f"k-{user.pk}")
        assert response.status_code == 403
    assert not BusinessFigure.objects.exists()


def test_an_admin_may_push(book, admin_user):
    assert api_for(admin_user).post(URL, ROWS, format="json").status_code == 201


def test_the_figures_list_is_scoped(book, manager, other_manager, supervisor, django_assert_max_num_queries):
    c1, c2, p1 = book
    mine = BusinessFigureFactory(client=c1, product=p1, month=date(2026, 11, 1))
    BusinessFigureFactory(client=c1, product=p1, month=date(2026, 10, 1))
    BusinessFigureFactory(client=c2, product=p1, month=date(2026, 11, 1))  # another team's client
    api = api_for(manager)
    with django_assert_max_num_queries(6):
        listed = api.get(URL, {"month": "2026-11"}).json()["results"]
    assert [(row["id"], row["client_code"], row["product_code"], row["month"]) for row in listed] == [
        (mine.pk, "C1", "P1", "2026-11")
    ]
    assert {row["client"] for row in api.get(URL).json()["results"]} == {c1.pk}
    assert api.get(URL, {"client": c2.pk}).json()["results"] == []
    assert {row["client"] for row in api_for(supervisor).get(URL).json()["results"]} == {c1.pk}
    assert {row["client"] for row in api_for(other_manager).get(URL).json()["results"]} == {c2.pk}
    assert api.get(URL, {"month": "November"}).status_code == 400


def test_the_products_list(manager, django_assert_max_num_queries):
    ProductFactory(code="P1", brand="Zhonghua", is_key_brand=True, attributes={"tar_mg": 8})
    ProductFactory(code="P2", brand="Other")
    api = api_for(manager)
    with django_assert_max_num_queries(6):
        everything = api.get("/api/v1/products/").json()["results"]
    assert [row["code"] for row in everything] == ["P1", "P2"]
    assert everything[0]["attributes"] == {"tar_mg": 8} and everything[0]["is_key_brand"] is True
    assert [row["code"] for row in api.get("/api/v1/products/", {"key_brand": "true"}).json()["results"]] == ["P1"]
    assert [row["code"] for row in api.get("/api/v1/products/", {"brand": "Other"}).json()["results"]] == ["P2"]
    assert api.get("/api/v1/products/", {"key_brand": "maybe"}).status_code == 400


def test_the_schema_documents_the_push(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    push = schema["paths"]["/api/v1/figures/"]["post"]
    assert "Idempotency-Key" in {p["name"] for p in push["parameters"]}
    assert push["requestBody"]["content"]["application/json"]["schema"]["type"] == "array"
    assert "/api/v1/products/" in schema["paths"]
