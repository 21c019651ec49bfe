"""Import and export of clients: supervisors and admins only (SPEC: no bulk
export for people who should not have it)."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.scoping import role_required
from crm import spreadsheets
from crm.replica import reading_replica

from . import imports, selectors
from .filters import ClientFilter
from .models import Client, Tier
from .resources import COLUMNS, REQUIRED_COLUMNS, ClientResource

IMPORT_ROLES = (User.Role.SUPERVISOR, User.Role.ADMIN)
SHOWN_ERRORS = 200


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("CSV (UTF-8 or GB18030) or Excel .xlsx, at most 5 MB and 5,000 rows."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


def _column_help() -> list[tuple[str, bool, str]]:
    """(column, required, what it takes) for the import page."""
    rows = []
    for column in COLUMNS:
        model_field = Client._meta.get_field(column)
        if column == "tier":
            takes = ", ".join(Tier.objects.values_list("code", flat=True))
        elif column == "group":
            takes = _("group client code")
        elif column == "owner":
            takes = _("username of the account manager")
        elif column == "start_date":
            takes = "YYYY-MM-DD"
        elif column == "monthly_volume":
            takes = _("a whole number, e.g. cartons a month")
        elif model_field.choices:
            takes = ", ".join(f"{value} ({label})" for value, label in model_field.choices)
        else:
            takes = ""
        rows.append((column, column in REQUIRED_COLUMNS, model_field.verbose_name, takes))
    return rows


@role_required(*IMPORT_ROLES)
def client_import(request):
    form = ImportForm(
        request.POST if request.method == "POST" else None, request.FILES if request.method == "POST" else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            upload = imports.load_upload(form.cleaned_data["file"])
        except imports.ImportFileError as error:
            form.add_error("file", str(error))
        else:
            report = imports.check_upload(upload, request.user)
            context = {"report": report, "errors": report.errors[:SHOWN_ERRORS], "upload": upload}
            if report.ok:
                context["token"] = imports.keep(request.user, "pending", imports.upload_payload(upload))
            else:
                context["errors_token"] = imports.keep(request.user, "errors", report.errors)
            return render(request, "clients/import_preview.html", context)
    return render(request, "clients/import.html", {"form": form, "columns": _column_help()})


@role_required(*IMPORT_ROLES)
@require_POST
def client_import_confirm(request):
    token = request.POST.get("token", "")
    payload = imports.recall(request.user, "pending", token)
    if payload is None:
        messages.error(request, _("That checked file has expired; upload it again."))
        return redirect("clients:import")
    report = imports.run_import(imports.upload_from_payload(payload), request.user)
    imports.forget(request.user, "pending", token)
    if not report.ok:
        # The data changed between the check and the import; nothing was saved.
        context = {"report": report, "errors": report.errors[:SHOWN_ERRORS]}
        context["errors_token"] = imports.keep(request.user, "errors", report.errors)
        return render(request, "clients/import_preview.html", context)
    messages.success(
        request,
        _("Import finished: %(new)s new, %(updated)s updated, %(unchanged)s unchanged.")
        % {"new": report.new, "updated": report.updated, "unchanged": report.unchanged},
    )
    return redirect("clients:list")


def _download(content, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@role_required(*IMPORT_ROLES)
def client_import_errors(request, token: str):
    errors = imports.recall(request.user, "errors", token)
    if errors is None:
        raise Http404(_("That error report has expired."))
    return _download(imports.error_report_csv(errors), "client-import-errors.csv", spreadsheets.CSV_CONTENT_TYPE)


@role_required(*IMPORT_ROLES)
def client_import_template(request):
    return _download(imports.template_csv(), "clients-template.csv", spreadsheets.CSV_CONTENT_TYPE)


@role_required(*IMPORT_ROLES)
@reading_replica()
def client_export(request):
    """The rows the list shows for the same filters, in the import's columns."""
    export_format = request.GET.get("format", "csv")
    if export_format not in {"csv", "xlsx"}:
        raise Http404
    client_filter = ClientFilter(request.GET or None, queryset=selectors.client_list(request.user), user=request.user)
    dataset = ClientResource(request.user).export(queryset=client_filter.qs)
    stamp = timezone.localdate().strftime("%Y%m%d")
    rows = spreadsheets.dataset_rows(dataset)
    if export_format == "xlsx":
        return _download(spreadsheets.xlsx_bytes(rows), f"clients-{stamp}.xlsx", spreadsheets.XLSX_CONTENT_TYPE)
    return _download(spreadsheets.csv_text(rows), f"clients-{stamp}.csv", spreadsheets.CSV_CONTENT_TYPE)
