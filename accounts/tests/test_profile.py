import pytest
from django.urls import reverse

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_profile_shows_role_team_and_supervisor(client, manager, supervisor):
    client.force_login(manager)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 200
    content = response.content.decode()
    assert manager.get_role_display() in content
    assert str(manager.team) in content
    assert str(supervisor) in content


def test_profile_update_saves_and_is_audited(client, manager):
    client.force_login(manager)
    response = client.post(
        reverse("accounts:profile"),
        {
            "last_name": "王",
            "first_name": "芳",
            "email": "wf@example.com",
            "phone": "13800001111",
            "language": "zh-hans",
            "email_notifications": "digest",
        },
    )
    assert response.status_code == 302
    manager.refresh_from_db()
    assert (manager.phone, str(manager)) == ("13800001111", "王芳")
    latest = manager.history.first()
    assert latest.phone == "13800001111"
    assert latest.history_user == manager


def test_invalid_email_shows_error_next_to_field_and_changes_nothing(client, manager):
    client.force_login(manager)
    before = manager.email
    response = client.post(
        reverse("accounts:profile"),
        {"last_name": "X", "first_name": "Y", "email": "not-an-email", "phone": ""},
    )
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert b'id="error_1_id_email"' in response.content
    manager.refresh_from_db()
    assert manager.email == before and manager.last_name != "X"


def test_profile_cannot_change_role_or_team(client, manager, other_supervisor):
    client.force_login(manager)
    client.post(
        reverse("accounts:profile"),
        {
            "last_name": "A",
            "first_name": "B",
            "email": "",
            "phone": "",
            "role": "admin",
            "team": other_supervisor.team_id,
        },
    )
    manager.refresh_from_db()
    assert manager.role == "manager"
    assert manager.team != other_supervisor.team


def test_password_change_needs_old_password(client, manager):
    client.force_login(manager)
    url = reverse("accounts:password_change")
    bad = client.post(
        url, {"old_password": "wrong", "new_password1": "Brand-new-pass-42", "new_password2": "Brand-new-pass-42"}
    )
    assert bad.status_code == 200 and "old_password" in bad.context["form"].errors
    good = client.post(
        url, {"old_password": PASSWORD, "new_password1": "Brand-new-pass-42", "new_password2": "Brand-new-pass-42"}
    )
    assert good.status_code == 302
    manager.refresh_from_db()
    assert manager.check_password("Brand-new-pass-42")


def test_profile_requires_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302


def test_the_user_menu_is_labelled_by_a_fixed_name(client, manager):
    """Not by the person's name: "Gutierrez" would otherwise answer to a form's "Tier" (for
    screen readers and for the browser tests that find fields by their label)."""
    manager.last_name = "Gutierrez"
    manager.save(update_fields=["last_name"])
    client.force_login(manager)
    page = client.get(reverse("home:start")).content.decode()
    assert 'aria-label="User menu"' in page and 'aria-labelledby="user-menu"' not in page
