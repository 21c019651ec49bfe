import pytest
from django.urls import reverse

from accounts.models import User

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
