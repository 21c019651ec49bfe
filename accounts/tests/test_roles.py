import pytest
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import ManagerFactory

pytestmark = pytest.mark.django_db


def test_role_flags(manager, supervisor, admin_user):
    assert manager.is_manager and not manager.is_supervisor and not manager.is_crm_admin
    assert supervisor.is_supervisor and not supervisor.is_crm_admin
    assert admin_user.is_crm_admin


def test_admin_role_gets_full_django_admin_rights(admin_user, client):
    assert admin_user.is_staff and admin_user.is_superuser
    client.force_login(admin_user)
    assert client.get(reverse("admin:accounts_team_changelist")).status_code == 200


def test_manager_cannot_open_django_admin(client, manager):
    client.force_login(manager)
    response = client.get(reverse("admin:accounts_team_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_chinese_names_are_family_name_first():
    user = User(first_name="芳", last_name="王", username="wf")
    assert str(user) == "王芳"
    assert str(User(first_name="Ann", last_name="Lee", username="al")) == "Ann Lee"
    assert str(User(username="nobody")) == "nobody"


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
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert template in [t.name for t in response.templates]
    assert marker in response.content


def test_supervisor_home_lists_only_own_team(client, supervisor, manager, other_manager):
    client.force_login(supervisor)
    response = client.get(reverse("home"))
    members = list(response.context["members"])
    assert manager in members
    assert other_manager not in members


def test_supervisor_home_uses_constant_queries(client, supervisor, team, django_assert_max_num_queries):
    ManagerFactory.create_batch(3, team=team)
    client.force_login(supervisor)
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("home"))
    ManagerFactory.create_batch(20, team=team)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("home"))
    assert len(response.context["members"]) == 23
