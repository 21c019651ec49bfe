"""A client's documents: the same upload rules as complaint evidence (refused next to the
field), downloads only within the client's scope, removal and new versions kept in the
history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from clients.tests.factories import ClientFactory
from crm import uploads
from documents.models import ClientDocument
from documents.tests.factories import ClientDocumentFactory, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(client, user, acme, **fields):
    client.force_login(user)
    data = {"kind": "contract", "title": "Supply contract", "expires_on": "", **fields}
    return client.post(reverse("documents:client", args=[acme.pk]), data)


def test_a_document_is_uploaded_from_the_client_file_and_listed_there(client, manager):
    acme = ClientFactory(owner=manager)
    client.force_login(manager)
    detail = client.get(reverse("clients:detail", args=[acme.pk])).content.decode()
    assert reverse("documents:client", args=[acme.pk]) in detail  # the upload form is on the file
    expires = timezone.localdate() + timedelta(days=90)
    response = upload(client, manager, acme, file=pdf(), expires_on=f"{expires:%Y-%m-%d}")
    assert response.status_code == 302
    document = ClientDocument.objects.get()
    assert (document.client, document.uploaded_by, document.expires_on, document.kind) == (
        acme,
        manager,
        expires,
        "contract",
    )
    assert document.history.get().history_user == manager
    detail = client.get(reverse("clients:detail", args=[acme.pk])).content.decode()
    assert "Supply contract" in detail and f"{expires:%Y-%m-%d}" in detail


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (SimpleUploadedFile("macro.exe", b"MZ", "application/octet-stream"), "attach PDF, images"),
        (SimpleUploadedFile("page.html", b"<script>", "text/html"), "attach PDF, images"),
        (None, "This field is required"),
    ],
)
def test_a_file_of_the_wrong_kind_is_refused_next_to_the_field(client, manager, file, message):
    acme = ClientFactory(owner=manager)
    response = upload(client, manager, acme, **({"file": file} if file else {}), title="Keep this title")
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors["file"])
    assert "Keep this title" in response.content.decode()  # nothing typed is lost
    assert not ClientDocument.objects.exists()


def test_a_file_too_large_is_refused_by_the_same_limit_as_evidence(client, manager, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_ATTACHMENT_BYTES", 1_000)
    monkeypatch.setattr(uploads.AttachmentField, "max_bytes", 1_000)
    acme = ClientFactory(owner=manager)
    response = upload(client, manager, acme, file=pdf(size=2_000))
    assert "larger than 10 MB" in response.context["form"].errors["file"][0]
    assert not ClientDocument.objects.exists()


def test_the_evidence_and_the_documents_share_one_rule():
    from complaints import forms as complaint_forms

    assert complaint_forms.AttachmentsField is uploads.AttachmentsField
    assert uploads.AttachmentField.max_bytes == uploads.AttachmentsField.max_bytes == uploads.MAX_ATTACHMENT_BYTES


@pytest.mark.parametrize("expires_on", ["1900-01-01", "3000-01-01", "not-a-date", "2026-02-30"])
def test_a_bad_expiry_date_is_refused_next_to_the_field(client, manager, expires_on):
    acme = ClientFactory(owner=manager)
    response = upload(client, manager, acme, file=pdf(), expires_on=expires_on)
    assert response.status_code == 200 and "expires_on" in response.context["form"].errors
    assert not ClientDocument.objects.exists()


def test_downloads_stay_within_the_clients_scope(client, manager, teammate, supervisor, other_manager,
                                                 other_supervisor, admin_user):  # fmt: skip
    document = ClientDocumentFactory(client=ClientFactory(owner=manager), file=pdf("deal.pdf"))
    url = reverse("documents:download", args=[document.pk])
    for user, status in ((manager, 200), (supervisor, 200), (admin_user, 200), (teammate, 404),
                         (other_manager, 404), (other_supervisor, 404)):  # fmt: skip
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status, user
        if status == 200:
            assert b"".join(response.streaming_content).startswith(b"%PDF")
            assert 'filename="deal.pdf"' in response["Content-Disposition"]
    client.force_login(manager)
    assert client.get(reverse("documents:download", args=[99999999])).status_code == 404


def test_other_people_cannot_remove_replace_or_redate(client, manager, other_manager):
    document = ClientDocumentFactory(client=ClientFactory(owner=manager))
    client.force_login(other_manager)
    assert client.post(reverse("documents:remove", args=[document.pk])).status_code == 404
    assert client.post(reverse("documents:expiry", args=[document.pk]), {"expires_on": ""}).status_code == 404
    assert client.post(reverse("documents:replace", args=[document.pk]), {"file": pdf()}).status_code == 404
    assert client.post(reverse("documents:client", args=[document.client_id]), {"file": pdf()}).status_code == 404
    document.refresh_from_db()
    assert document.removed_at is None and ClientDocument.objects.count() == 1


def test_remove_and_replace_keep_the_history(client, manager):
    acme = ClientFactory(owner=manager)
    first = ClientDocumentFactory(client=acme, title="Contract v1")
    client.force_login(manager)
    version = {"kind": "contract", "title": "Contract v2", "file": pdf("v2.pdf"), "expires_on": ""}
    response = client.post(reverse("documents:replace", args=[first.pk]), version)
    assert response.status_code == 302
    second = ClientDocument.objects.get(title="Contract v2")
    assert second.replaces == first
    # Replacing an old version again is refused: only the current one has a next version.
    again = client.post(reverse("documents:replace", args=[first.pk]),
                        {"kind": "contract", "title": "v3", "file": pdf(), "expires_on": ""})  # fmt: skip
    assert again.status_code == 200 and ClientDocument.objects.count() == 2
    client.post(reverse("documents:remove", args=[second.pk]))
    second.refresh_from_db()
    assert second.removed_by == manager and second.removed_at is not None
    assert [h.history_type for h in second.history.order_by("history_id")] == ["+", "~"]
    page = client.get(reverse("documents:client", args=[acme.pk]))
    assert page.context["documents"].current == []
    assert {d.title for d in page.context["documents"].earlier} == {"Contract v1", "Contract v2"}
    # A removed document can still be downloaded by those in scope (it is the history).
    assert client.get(reverse("documents:download", args=[first.pk])).status_code == 200


def test_the_client_file_reads_documents_in_a_fixed_number_of_queries(client, manager, django_assert_max_num_queries):
    acme = ClientFactory(owner=manager)
    ClientDocumentFactory(client=acme)
    client.force_login(manager)
    url = reverse("documents:client", args=[acme.pk])
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for _ in range(10):
        ClientDocumentFactory(client=acme)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
