"""A client's documents (upload, a new version, removal, expiry), their scoped download,
and the renewals due."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scoping import get_scoped_object_or_404, scope_for
from clients.selectors import get_client
from crm.forms import add_service_errors, error_text
from crm.paginator import CappedPaginator
from crm.uploads import download as download_file

from . import selectors, services
from .forms import DocumentForm, ExpiryForm
from .models import ClientDocument

PAGE_SIZE = 50


def _document(request, pk: int) -> ClientDocument:
    """A document of a client the user may see: 404 otherwise."""
    return get_scoped_object_or_404(request.user, ClientDocument.objects.select_related("client"), pk=pk)


@login_required
def client_documents(request, client_pk: int):
    """The client's documents with their history, and the upload form (also the page an
    upload from the client file returns to when a field is wrong)."""
    client = get_client(request.user, client_pk)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.upload_document(
                client=client, by=request.user, kind=data["kind"], title=data["title"], file=data["file"],
                expires_on=data["expires_on"],
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The document was added to the client file."))
            return redirect(client)
    return render(
        request,
        "documents/client_documents.html",
        {
            "client": client,
            "form": form,
            "documents": selectors.client_documents(client),
            "today": timezone.localdate(),
        },
    )


@login_required
def replace(request, pk: int):
    """A new version of a document: the old one stays in the history as replaced."""
    document = _document(request, pk)
    client = get_client(request.user, document.client_id)
    initial = {"kind": document.kind, "title": document.title, "expires_on": document.expires_on}
    form = DocumentForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.upload_document(
                client=client, by=request.user, kind=data["kind"], title=data["title"], file=data["file"],
                expires_on=data["expires_on"], replaces=document,
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The new version was saved; the old one stays in the history."))
            return redirect(client)
    return render(request, "documents/replace.html", {"client": client, "document": document, "form": form})


@login_required
@require_POST
def remove(request, pk: int):
    document = _document(request, pk)
    services.remove_document(document, by=request.user)
    messages.success(request, _("The document was removed; it stays in the client's history."))
    return redirect(document.client)


@login_required
@require_POST
def expiry(request, pk: int):
    document = _document(request, pk)
    form = ExpiryForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    else:
        try:
            services.change_expiry(document, by=request.user, expires_on=form.cleaned_data["expires_on"])
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("The expiry date was changed."))
    return redirect(document.client)


@login_required
def download(request, pk: int):
    """Client documents are confidential: served through the client's scope, never as
    public media (the same rule as complaint evidence)."""
    document = _document(request, pk)
    return download_file(document.file, filename=document.filename)


@login_required
def renewals(request):
    """Documents expiring within ``?days=`` (30 by default) of the clients the user may see,
    per manager; ``?owner=`` one manager, ``?team=`` one team."""
    scope = scope_for(request.user)
    days = selectors.renewal_days_from(request.GET.get("days", ""), services.renewal_days())
    params = {"days": days}
    team = scope.team_from(request.GET.get("team", "")[:20])
    if team:
        params["team"] = team.pk
    owner = scope.user_from(request.GET.get("owner", "")[:20])
    if owner:
        params["owner"] = owner.pk
    rows = selectors.renewals_due(
        scope, today=timezone.localdate(), days=days, owner_id=owner.pk if owner else None,
        team_id=team.pk if team else None,
    )  # fmt: skip
    page = CappedPaginator(selectors.renewal_rows(rows), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "documents/renewals.html",
        {
            "page": page,
            "days": days,
            "params": params,
            "query": urlencode(params),
            "per_manager": selectors.renewals_per_manager(rows) if not request.user.is_manager else [],
            "teams": list(scope.teams()) if not request.user.is_manager else [],
            "managers": list(scope.users().filter(role="manager")) if not request.user.is_manager else [],
            "today": timezone.localdate(),
        },
    )
