"""The API against its own OpenAPI schema (schemathesis): for every operation, generated
requests (valid and invalid, a fixed seed, a bounded number of examples) as a signed-in
account manager with clients, contacts, visits, interactions, complaints and reminders.
No answer may be a server error, use a status code or content type the schema does not
list, or have a body that does not match the schema.

``CRM_CONTRACT_EXAMPLES`` (default 20) sets the examples per operation.
"""

from __future__ import annotations

import base64
import json
import os
import uuid
from urllib.parse import urlencode

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.models import ApiToken
from clients.tests.factories import ClientFactory, ContactFactory
from complaints import services as complaint_services
from complaints.defaults import ensure_complaint_defaults
from complaints.models import Category
from crm.wsgi import application
from interactions import services as interaction_services
from notifications.tests.factories import NotificationFactory
from visits.tests.factories import PlannedVisitFactory

EXAMPLES = int(os.environ.get("CRM_CONTRACT_EXAMPLES", "20"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _spec() -> dict:
    """The schema the API serves, generated in process (no request, no database)."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


schema = schemathesis.openapi.from_dict(_spec())
schema.app = application


@pytest.fixture
def bearer(manager, teammate, settings):
    """A manager's token, and a small world in which generated ids often hit real rows."""
    # The per-user throttle starts from zero: a cache namespace of this test's own (clearing
    # the cache would empty a Redis shared with the broker and other test workers).
    default = settings.CACHES["default"]
    settings.CACHES = {**settings.CACHES, "default": {**default, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}
    ensure_complaint_defaults()
    category = Category.objects.filter(parent__isnull=False).first()
    for n in range(3):
        acme = ClientFactory(owner=manager, email=f"c{n}@example.com")
        ContactFactory(client=acme, is_key_person=n == 0)
        PlannedVisitFactory(owner=manager, client=acme, date=timezone.localdate(), method="on_site")
        interaction_services.log_interaction(client=acme, by=manager, channel="phone", summary="asked", is_request=True)
        complaint_services.register(by=manager, client=acme, category=category, channel="phone", description="late")
        NotificationFactory(recipient=manager, kind="test", key=str(n), message="Call back")
    ClientFactory(owner=teammate)  # somebody else's: 404 when asked for
    _token, raw = ApiToken.issue(manager, "contract test")
    # Requests go straight to the WSGI handler, which would close the test's database
    # connection after each one (Django's test client switches this off the same way).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield {"Authorization": f"Bearer {raw}"}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    derandomize=True,  # the same examples on every run
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_contract(case, bearer):
    case.call_and_validate(headers=bearer, checks=CHECKS)


# --- Cursors (issue #28, item 5) -------------------------------------------------------------
# A cursor is ours to make, but a client can send anything: whatever it is, a list answers
# 200 or 400 in the one error shape, never a server error.

LIST_PATHS = sorted(
    path
    for path, operations in _spec()["paths"].items()
    if any(parameter["name"] == "cursor" for parameter in operations.get("get", {}).get("parameters", []))
)


def cursor_of(**tokens) -> str:
    return base64.b64encode(urlencode(tokens).encode()).decode()


@pytest.fixture
def token(manager):
    ClientFactory(owner=manager)
    _token, raw = ApiToken.issue(manager, "cursor test")
    return f"Bearer {raw}"


def assert_refused_or_served(response, cursor):
    assert response.status_code in (200, 400), (cursor, response.status_code, response.content[:300])
    if response.status_code == 400:
        error = response.json()["error"]
        assert error["status"] == 400 and error["fields"]["cursor"], error


@pytest.mark.django_db
@pytest.mark.parametrize("path", LIST_PATHS)
def test_a_crafted_cursor_is_a_400_on_every_list(client, token, path):
    assert len(LIST_PATHS) >= 7
    for cursor in ("cD1hYmM=", cursor_of(p="1e5"), cursor_of(p="9" * 30), cursor_of(o="x"), "/w==", "cD0"):
        response = client.get(path, {"cursor": cursor}, HTTP_AUTHORIZATION=token)
        assert response.status_code == 400, (cursor, response.content[:300])
        error = response.json()["error"]
        assert error["status"] == 400 and error["code"] == "invalid" and error["fields"]["cursor"]
    # A cursor the API made still works.
    assert client.get(path, {"cursor": cursor_of(p="1")}, HTTP_AUTHORIZATION=token).status_code == 200


@pytest.mark.django_db
@given(
    path=st.sampled_from(LIST_PATHS),
    tokens=st.dictionaries(st.sampled_from(["p", "o", "r", "x"]), st.text(max_size=25), max_size=3),
)
@hypothesis_settings(
    max_examples=EXAMPLES * 5, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)
def test_fuzzed_cursors_never_fail_on_our_side(client, token, path, tokens):
    cursor = cursor_of(**tokens)
    assert_refused_or_served(client.get(path, {"cursor": cursor}, HTTP_AUTHORIZATION=token), cursor)
