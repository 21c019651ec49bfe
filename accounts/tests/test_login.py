import pytest
from django.urls import reverse

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_renders_form(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b'autocomplete="current-password"' in response.content


def test_good_credentials_log_in_and_land_on_home(client, manager):
    response = client.post(reverse("accounts:login"), {"username": manager.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("home:start")
    assert int(client.session["_auth_user_id"]) == manager.pk


def test_wrong_password_shows_error_and_stays_logged_out(client, manager):
    response = client.post(reverse("accounts:login"), {"username": manager.username, "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].non_field_errors()


def test_inactive_user_cannot_log_in(client, manager):
    manager.is_active = False
    manager.save()
    client.post(reverse("accounts:login"), {"username": manager.username, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_anonymous_home_redirects_to_login(client):
    response = client.get(reverse("home:start"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_logout_needs_post_and_ends_session(client, manager):
    client.force_login(manager)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_logged_in_user_visiting_login_goes_home(client, manager):
    client.force_login(manager)
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 302
    assert response.url == reverse("home:start")
