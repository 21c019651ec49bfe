"""The business-figure upload: check every row, show the report, confirm (the same steps as
the client import). Admins and supervisors (for their teams' clients) only."""

from __future__ import annotations

import zlib

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.scoping import role_required
from clients import imports
from clients.imports import ImportFileError, error_report_csv

from . import figures
from .models import FigureImport

IMPORT_ROLES = (User.Role.SUPERVISOR, User.Role.ADMIN)
MAX_UPLOAD_BYTES = 40 * 1024 * 1024  # about a million rows of CSV; bigger months: the API or the file drop
MAX_UPLOAD_ROWS = 1_000_000
SHOWN_ERRORS = 200


class FigureFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("CSV (UTF-8 or GB18030) or Excel .xlsx, at most 40 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 40 MB; split it by client or send it by the API."))
        return upload


# A checked file waits in the cache until it is confirmed (clients.imports.keep), in a
# namespace of its own.
NAMESPACE = "analysis:figures"


def _keep(user: User, kind: str, payload) -> str:
    return imports.keep(user, kind, payload, namespace=NAMESPACE)


def _recall(user: User, kind: str, token: str):
    return imports.recall(user, kind, token, namespace=NAMESPACE)


def _columns() -> list[tuple[str, str, str]]:
    meanings = {
        "client_code": (_("Client code"), _("the client's code in the CRM")),
        "product_code": (_("Product code"), _("the product's code in the CRM")),
        "month": (_("Month"), "YYYY-MM"),
        "quantity": (_("Quantity"), _("a number of 0 or more, at most two decimal places")),
        "amount": (_("Amount"), _("a number of 0 or more, at most two decimal places")),
        "orders": (_("Orders"), _("a whole number of 0 or more")),
    }
    return [(column, figures.CHINESE_HEADERS[column], *meanings[column]) for column in figures.COLUMNS]


def _check(request, name: str, content: bytes):
    """Run the import as a dry run and show its report."""
    figure_file = figures.read_file(name, content, max_rows=MAX_UPLOAD_ROWS)
    report = figures.import_figures(
        rows=figure_file.rows, by=request.user, source=FigureImport.Source.UPLOAD, file_name=name, dry_run=True
    )
    context = {"report": report, "errors": report.errors[:SHOWN_ERRORS], "ignored": figure_file.ignored_columns}
    if report.ok:
        context["token"] = _keep(request.user, "pending", {"name": name, "content": zlib.compress(content, 1)})
    else:
        context["errors_token"] = _keep(request.user, "errors", report.errors)
    return render(request, "analysis/figure_import_preview.html", context)


@role_required(*IMPORT_ROLES)
def figure_import(request):
    posted = request.method == "POST"
    form = FigureFileForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            return _check(request, upload.name, upload.read())
        except ImportFileError as error:
            form.add_error("file", str(error))
    recent = FigureImport.objects.filter(by=request.user).order_by("-created_at", "-pk")[:10]
    return render(request, "analysis/figure_import.html", {"form": form, "columns": _columns(), "recent": recent})


@role_required(*IMPORT_ROLES)
@require_POST
def figure_import_confirm(request):
    token = request.POST.get("token", "")
    pending = _recall(request.user, "pending", token)
    if pending is None:
        messages.error(request, _("That checked file has expired; upload it again."))
        return redirect("analysis:figures_import")
    imports.forget(request.user, "pending", token, namespace=NAMESPACE)
    name = pending["name"]
    report = figures.import_figures(
        rows=figures.read_file(name, zlib.decompress(pending["content"]), max_rows=MAX_UPLOAD_ROWS).rows,
        by=request.user,
        source=FigureImport.Source.UPLOAD,
        file_name=name,
    )
    if not report.ok:
        # The clients or products changed between the check and the import; nothing was saved.
        context = {"report": report, "errors": report.errors[:SHOWN_ERRORS]}
        context["errors_token"] = _keep(request.user, "errors", report.errors)
        return render(request, "analysis/figure_import_preview.html", context)
    messages.success(
        request,
        _("Import finished: %(rows)s rows for %(clients)s clients (%(months)s); %(replaced)s earlier rows replaced.")
        % {"rows": report.total, "clients": report.clients, "months": ", ".join(report.months),
           "replaced": report.replaced},
    )  # fmt: skip
    return redirect("analysis:figures_import")


def _download(content: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@role_required(*IMPORT_ROLES)
def figure_import_errors(request, token: str):
    errors = _recall(request.user, "errors", token)
    if errors is None:
        raise Http404(_("That error report has expired."))
    return _download(error_report_csv(errors), "figure-import-errors.csv")


@role_required(*IMPORT_ROLES)
def figure_import_template(request):
    return _download(figures.template_csv(), "figures-template.csv")
