"""GET /api/v1/analyses/: a manager's analyses with the steps done, the conclusions, the
indicators of the month analysed and the problem clients; scoped; a fixed number of queries."""

from datetime import UTC, date, datetime

import pytest
from rest_framework.test import APIClient

from analysis.models import IndicatorResult, MonthAnalysis, ProblemClient
from api.tests.factories import ApiTokenFactory
from clients.tests.factories import ClientFactory

from .factories import ProductFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/analyses/"
PLANNED, ANALYSED = date(2026, 12, 1), date(2026, 11, 1)


def api_for(user) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {ApiTokenFactory(user=user).raw}")
    return api


def analysis_of(manager, *, client_name: str) -> MonthAnalysis:
    product = ProductFactory()
    analysis = MonthAnalysis.objects.create(
        owner=manager, team=manager.team, month=PLANNED, brand_problems="Not stocked",
        brand_analysed_at=datetime(2026, 11, 28, 9, tzinfo=UTC),
    )  # fmt: skip
    result = IndicatorResult.objects.create(
        kind="brand", team=manager.team, owner=manager, month=ANALYSED, product=product, code="stocking_rate",
        target=80, actual=60, abnormal=True,
    )  # fmt: skip
    client = ClientFactory(owner=manager, name=client_name)
    ProblemClient.objects.create(
        client=client, month=PLANNED, source="brand:x", reason="Did not stock", indicator=result
    )
    return analysis


def test_a_manager_reads_their_analysis_with_indicators_and_problem_clients(manager, teammate):
    mine = analysis_of(manager, client_name="Mine")
    theirs = analysis_of(teammate, client_name="Theirs")
    body = api_for(manager).get(URL, {"month": "2026-12"}).json()
    assert [row["id"] for row in body["results"]] == [mine.pk]
    row = body["results"][0]
    assert row["month"] == "2026-12" and row["brand_problems"] == "Not stocked"
    assert row["brand_analysed_at"].startswith("2026-11-28")
    assert [(i["code"], i["month"], i["target"], i["actual"], i["abnormal"]) for i in row["indicators"]] == [
        ("stocking_rate", "2026-11", "80.00", "60.00", True)
    ]
    assert [(p["reason"], p["source"]) for p in row["problem_clients"]] == [("Did not stock", "brand:x")]
    assert api_for(manager).get(f"{URL}{theirs.pk}/").status_code == 404


def test_a_supervisor_reads_the_team_and_no_other(supervisor, manager, teammate, other_manager):
    ids = {analysis_of(m, client_name=f"C{m.pk}").pk for m in (manager, teammate)}
    other = analysis_of(other_manager, client_name="Other")
    api = api_for(supervisor)
    assert {row["id"] for row in api.get(URL).json()["results"]} == ids
    assert api.get(URL, {"owner": manager.pk}).json()["results"][0]["owner"] == manager.pk
    assert api.get(f"{URL}{other.pk}/").status_code == 404
    assert api.get(URL, {"owner": "x"}).status_code == 400
    assert api.get(URL, {"month": "2026-13"}).status_code == 400


def test_the_list_reads_a_fixed_number_of_queries(supervisor, manager, teammate, django_assert_max_num_queries):
    api = api_for(supervisor)
    analysis_of(manager, client_name="A")
    api.get(URL)  # warm up
    with django_assert_max_num_queries(8) as one:
        api.get(URL)
    analysis_of(teammate, client_name="B")
    for n in range(3):  # more indicators and problem clients for the same analyses
        analysis = MonthAnalysis.objects.get(owner=manager)
        ProblemClient.objects.create(client=ClientFactory(owner=manager), month=analysis.month, source=f"s{n}",
                                     reason="r")  # fmt: skip
    with django_assert_max_num_queries(len(one.captured_queries)):
        body = api.get(URL).json()
    assert len(body["results"]) == 2
    assert max(len(row["problem_clients"]) for row in body["results"]) == 4
