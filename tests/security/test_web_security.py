"""Web security settings at work: CSRF on every form, security headers and cookies, the
password policy, session expiry, and upload limits with clear messages."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from complaints.forms import AttachmentsField
from complaints.models import Category
from tests.security import world as w
from tests.security.test_permission_matrix import MATRIX, ROLES

pytestmark = pytest.mark.django_db


def test_every_post_needs_the_csrf_token(manager, teammate, supervisor, other_manager, admin_user, settings, tmp_path):
    """A POST without the token is refused on every URL of the project, whatever the view
    does with it (forms, actions, public pages)."""
    settings.MEDIA_ROOT = tmp_path
    world = w.build(manager, teammate, other_manager)
    arguments = w.url_arguments(world)
    users = {"manager": manager, "supervisor": supervisor, "admin": admin_user}
    checked = 0
    for name, row in MATRIX.items():
        _method, *codes = row.split()
        # Someone the URL accepts (an API action that refuses an empty body with 400 included):
        # the session is there, only the CSRF token is missing.
        allowed = [role for role, code in zip(ROLES, codes, strict=True) if code in {"200", "302", "400"}]
        browser = Client(enforce_csrf_checks=True)
        role = next((r for r in allowed if r in users), None)
        if role:
            browser.force_login(users[role])
        kwargs, query = arguments.get(name, ({}, ""))
        response = browser.post(reverse(name, kwargs=kwargs) + query, {"username": "x", "password": "y"})
        assert response.status_code == 403, (name, role, response.status_code)
        checked += 1
    assert checked == len(MATRIX)


def test_security_headers_and_cookies(client, manager):
    manager.set_password("tea-garden-visit-2026")
    manager.save()
    login = client.post(reverse("accounts:login"), {"username": manager.username, "password": "tea-garden-visit-2026"})
    assert login.status_code == 302
    session = login.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"
    assert not session["max-age"] and not session["expires"]  # ends with the browser
    response = client.get(reverse("home:start"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_session_expiry_and_password_policy(settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE and settings.SESSION_COOKIE_AGE <= 10 * 3600
    for weak in ("short1", "password123", "1234567890123"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("tea-garden-visit-2026")


def test_attachment_limits_are_explained_next_to_the_field(client, manager, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from clients.tests.factories import ClientFactory

    acme = ClientFactory(owner=manager)
    category = Category.objects.filter(parent__isnull=False).first()
    monkeypatch.setattr(AttachmentsField, "max_bytes", 1_000)
    client.force_login(manager)
    url = f"{reverse('complaints:create')}?client={acme.pk}"
    data = {"channel": "phone", "category": category.pk, "severity": "low", "description": "x",
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}  # fmt: skip
    big = SimpleUploadedFile("scan.pdf", b"%PDF" + b"0" * 2_000, "application/pdf")
    response = client.post(url, {**data, "attachments": big})
    assert response.status_code == 200 and "attachments" in response.context["form"].errors
    many = [SimpleUploadedFile(f"n{i}.txt", b"note", "text/plain") for i in range(11)]
    response = client.post(url, {**data, "attachments": many})
    assert response.status_code == 200 and "attachments" in response.context["form"].errors
    assert "invalid-feedback" in response.content.decode()
    assert not acme.complaints.exists()  # nothing half-saved
