"""Each role's start page: its own template and sections, in the user's scope, in a bounded
number of queries."""

import pytest
from django.urls import reverse

from accounts.tests.factories import ManagerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("fixture", "template", "marker"),
    [
        ("manager", "home/manager.html", b'data-testid="my-team-card"'),
        ("supervisor", "home/supervisor.html", b'data-testid="team-members"'),
        ("admin_user", "home/admin.html", b"active users"),
    ],
)
def test_each_role_gets_its_own_home(client, request, fixture, template, marker):
    user = request.getfixturevalue(fixture)
    client.force_login(user)
    response = client.get(reverse("home:start"))
    assert response.status_code == 200
    assert template in [t.name for t in response.templates]
    assert marker in response.content


def test_supervisor_home_lists_only_own_team(client, supervisor, manager, other_manager):
    client.force_login(supervisor)
    response = client.get(reverse("home:start"))
    members = list(response.context["members"])
    assert manager in members
    assert other_manager not in members


def test_supervisor_home_uses_constant_queries(client, supervisor, team, django_assert_max_num_queries):
    ManagerFactory.create_batch(3, team=team)
    client.force_login(supervisor)
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("home:start"))
    ManagerFactory.create_batch(20, team=team)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("home:start"))
    assert len(response.context["members"]) == 23
