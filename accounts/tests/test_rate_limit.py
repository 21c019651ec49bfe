import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _fail(client, username, times):
    for _ in range(times):
        client.post(reverse("accounts:login"), {"username": username, "password": "wrong-password"})


def test_lockout_after_failure_limit_even_with_right_password(client, manager):
    _fail(client, manager.username, settings.AXES_FAILURE_LIMIT)
    response = client.post(reverse("accounts:login"), {"username": manager.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert b"Too many failed logins" in response.content


def test_failures_below_limit_do_not_lock(client, manager):
    _fail(client, manager.username, settings.AXES_FAILURE_LIMIT - 1)
    response = client.post(reverse("accounts:login"), {"username": manager.username, "password": PASSWORD})
    assert response.status_code == 302
    # A successful login resets the counter.
    assert not AccessAttempt.objects.filter(username=manager.username).exists()


def test_lockout_is_per_username_so_colleagues_can_still_log_in(client, manager, teammate):
    _fail(client, manager.username, settings.AXES_FAILURE_LIMIT)
    response = client.post(reverse("accounts:login"), {"username": teammate.username, "password": PASSWORD})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == teammate.pk
