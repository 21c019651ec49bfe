"""docs/development.md ("Security"): passwords are "not like the user's name". A password that repeats or contains
the username or the person's name is refused, as reported for manager2 / manager2manager2."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.tests.factories import ManagerFactory
from conftest import PASSWORD


@pytest.fixture
def manager2(db):
    return ManagerFactory(username="manager2", first_name="Mingyu", last_name="Zhang-Wei")


def test_the_reported_password_is_refused_on_the_password_change_form(client, manager2):
    client.force_login(manager2)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "manager2manager2", "new_password2": "manager2manager2"},
    )
    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors
    manager2.refresh_from_db()
    assert manager2.check_password(PASSWORD)


@pytest.mark.parametrize(
    "password",
    ["manager2manager2", "Manager2Manager2Manager2", "my manager2 password", "mingyu-tea-garden", "ZHANGwei-2026-lake"],
)
def test_passwords_containing_the_username_or_a_name_are_refused(manager2, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=manager2)


def test_an_unrelated_password_is_accepted(manager2):
    validate_password("tea-garden-visit-2026", user=manager2)
