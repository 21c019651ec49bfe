"""The load test's users arrive signed in: bench/loadtest.py stores their sessions directly
(no password check in the measured window), and the cookies it hands out open the pages."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import ManagerFactory
from bench.loadtest import signed_in_cookies

pytestmark = pytest.mark.django_db


def browser_with(cookies: dict[str, str]) -> Client:
    browser = Client(enforce_csrf_checks=True)
    for name, value in cookies.items():
        browser.cookies[name] = value
    return browser


def test_a_stored_session_opens_the_pages_as_its_user():
    manager = ManagerFactory()
    browser = browser_with(signed_in_cookies(manager))

    response = browser.get(reverse("clients:list"))

    assert response.status_code == 200
    assert response.wsgi_request.user == manager


def test_its_csrf_cookie_lets_the_user_post_a_form():
    manager = ManagerFactory()
    cookies = signed_in_cookies(manager)
    browser = browser_with(cookies)

    response = browser.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": cookies[settings.CSRF_COOKIE_NAME]})

    assert response.status_code == 302  # not 403: the token matched the cookie
    assert not browser.get(reverse("clients:list")).wsgi_request.user.is_authenticated


def test_a_session_from_before_a_password_change_no_longer_signs_in():
    manager = ManagerFactory()
    browser = browser_with(signed_in_cookies(manager))
    manager.set_password("another-pass-2026")
    manager.save()

    assert not browser.get(reverse("clients:list")).wsgi_request.user.is_authenticated
