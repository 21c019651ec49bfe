from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients.selectors import get_client
from crm.filters import filters_active
from crm.forms import add_service_errors
from crm.paginator import CappedPaginator
from crm.uploads import download

from . import selectors, services
from .filters import ComplaintFilter
from .forms import ComplaintForm, ResolveForm, ReturnVisitForm, StepForm
from .models import Attachment, ReturnVisit

PAGE_SIZE = 25


def _messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
def complaint_list(request):
    complaint_filter = ComplaintFilter(
        request.GET or None, queryset=selectors.complaint_list(request.user), user=request.user
    )
    if complaint_filter.out_of_scope:
        messages.warning(request, complaint_filter.out_of_scope_message)
    complaints = complaint_filter.qs.order_by("-received_at", "-pk")
    page = CappedPaginator(complaints, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for complaint in page.object_list:
        complaint.deadline_status = selectors.deadline_status(complaint, now)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "complaints/list.html",
        {
            "filter": complaint_filter,
            "page": page,
            "query": query.urlencode(),
            "filters_active": filters_active(request.GET),
        },
    )


@login_required
def complaint_create(request):
    client_id = request.GET.get("client", "")
    if not client_id.isdecimal():
        raise Http404
    client = get_client(request.user, int(client_id))
    form = ComplaintForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        client=client,
        initial={"received_at": timezone.localtime()},
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "attachments"}
        try:
            complaint = services.register(
                by=request.user, client=client, attachments=form.cleaned_data["attachments"], **data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Complaint %(number)s was registered.") % {"number": complaint.number})
            return redirect(complaint)
    return render(request, "complaints/form.html", {"form": form, "client": client})


@login_required
def complaint_detail(request, pk: int):
    complaint = selectors.get_complaint(request.user, pk)
    can_handle = services.can_handle(request.user, complaint)
    return render(
        request,
        "complaints/detail.html",
        {
            "complaint": complaint,
            "events": complaint.events.select_related("by"),
            "attachments": complaint.attachments.all(),
            "return_visits": complaint.return_visits.select_related("owner"),
            "deadline_status": selectors.deadline_status(complaint),
            "can_handle": can_handle,
            "steps": [step for step, (sources, _t, _k) in services.TRANSITIONS.items() if complaint.state in sources]
            if can_handle
            else [],
            "step_form": StepForm(),
            "resolve_form": ResolveForm(),
        },
    )


@login_required
@require_POST
def complaint_step(request, pk: int):
    complaint = selectors.get_complaint(request.user, pk)
    step = request.POST.get("step", "")
    checked = StepForm(request.POST)
    if not checked.is_valid():
        messages.error(
            request, _messages_of(ValidationError([e for errors in checked.errors.values() for e in errors]))
        )
        return redirect(complaint)
    note = checked.cleaned_data["note"]
    try:
        if step == "escalate":
            services.escalate(complaint, by=request.user, reason=note.strip() or _("Escalated by hand"))
            messages.success(request, _("The complaint was escalated."))
        elif step == "note":
            services.add_note(complaint, by=request.user, note=note)
        elif step == "resolve":
            form = ResolveForm(request.POST)
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            data = form.cleaned_data
            services.move(complaint, "resolve", by=request.user, note=data.pop("note"), **data)
            if complaint.owner_id == request.user.pk:
                messages.success(request, _("Resolved; a return visit is on your task list."))
            else:  # a supervisor after an escalation, or an admin: the visit is the manager's
                messages.success(
                    request,
                    _("Resolved; a return visit is on the task list of %(owner)s.") % {"owner": complaint.owner},
                )
        else:
            services.move(complaint, step, by=request.user, note=note)
            messages.success(
                request, _("Done: the complaint is now %(state)s.") % {"state": complaint.get_state_display()}
            )
    except ValidationError as error:
        messages.error(request, _messages_of(error))
    return redirect(complaint)


@login_required
def attachment_download(request, pk: int):
    """Evidence is confidential: served through the complaint's scope, never as public media."""
    attachment = get_object_or_404(Attachment, pk=pk)
    selectors.get_complaint(request.user, attachment.complaint_id)  # 404 out of scope
    return download(attachment.file)


@login_required
def return_visits(request):
    return render(
        request,
        "complaints/return_visits.html",
        {
            "visits": selectors.return_visits_for(request.user)[:200],
            "form": ReturnVisitForm(),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def return_visit_record(request, pk: int):
    visits = ReturnVisit.objects.select_related("complaint")
    if not request.user.is_crm_admin:
        visits = visits.of_manager(request.user)
    visit = get_object_or_404(visits, pk=pk)
    form = ReturnVisitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether the client is satisfied."))
        return redirect("complaints:return_visits")
    try:
        services.record_return_visit(
            visit, by=request.user, satisfied=form.cleaned_data["satisfied"], note=form.cleaned_data["note"]
        )
    except ValidationError as error:
        messages.error(request, _messages_of(error))
    else:
        messages.success(request, _("The return visit was recorded."))
    return redirect("complaints:return_visits")
