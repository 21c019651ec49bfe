"""A filter on somebody outside the viewer's scope (?owner=, ?team=) never answers with a
different set than the one asked for (issue #28, item 9): the web shows an empty list and
says why, the API answers 404."""

import pytest
from django.urls import reverse

from clients.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def books(manager, other_manager):
    ClientFactory(owner=manager, name="Mine")
    ClientFactory(owner=other_manager, name="Theirs")


@pytest.mark.parametrize("who", ["manager", "supervisor"])
@pytest.mark.parametrize("url", ["clients:list", "complaints:list"])
def test_the_web_lists_show_nothing_and_say_why(client, request, books, other_manager, who, url):
    client.force_login(request.getfixturevalue(who))
    for params in ({"owner": other_manager.pk}, {"team": other_manager.team_id}):
        response = client.get(reverse(url), params)
        assert response.status_code == 200
        assert len(response.context["page"].object_list) == 0, params
        assert "not in your scope" in response.content.decode()


def test_the_own_owner_filter_still_works(client, manager, books):
    client.force_login(manager)
    response = client.get(reverse("clients:list"), {"owner": manager.pk})
    assert [c.name for c in response.context["page"].object_list] == ["Mine"]


@pytest.mark.parametrize("who", ["manager", "supervisor"])
@pytest.mark.parametrize("path", ["/api/v1/clients/", "/api/v1/analyses/"])
def test_the_api_answers_404(client, request, books, other_manager, who, path):
    client.force_login(request.getfixturevalue(who))
    response = client.get(path, {"owner": other_manager.pk})
    assert response.status_code == 404, response.content[:300]
    assert response.json()["error"]["status"] == 404
