"""The client file's upload form is rendered once per language (issue #31) and carries no
CSRF token of its own: the page's form has the visitor's."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from clients.tests.factories import ClientFactory
from documents.forms import new_document_form_html


@pytest.mark.django_db
def test_the_client_file_shows_the_upload_form_with_one_csrf_token(client, manager):
    acme = ClientFactory(owner=manager)
    client.force_login(manager)
    body = client.get(reverse("clients:detail", args=[acme.pk])).content.decode()
    action = reverse("documents:client", args=[acme.pk])
    upload = re.search(rf'<form[^>]*action="{action}".*?</form>', body, re.S)
    assert upload
    form = upload.group(0)
    for name in ("kind", "title", "file", "expires_on"):
        assert f'name="{name}"' in form
    assert form.count("csrfmiddlewaretoken") == 1


def test_the_form_is_kept_per_language():
    with translation.override("en"):
        english = new_document_form_html()
        assert new_document_form_html() is english
    with translation.override("zh-hans"):
        chinese = new_document_form_html()
    assert "csrfmiddlewaretoken" not in english
    assert english != chinese
    assert "Expires or renews on" in english or "expires" in english.lower()
