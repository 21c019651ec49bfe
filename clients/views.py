from datetime import UTC, datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.scoping import is_approver, scope_for
from crm.filters import filters_active
from crm.forms import add_service_errors
from crm.http import search_text
from crm.paginator import CappedPaginator
from crm.widgets import SearchPicker
from documents.forms import new_document_form_html
from documents.selectors import client_documents
from surveys.selectors import client_surveys

from . import selectors, services
from .filters import ClientFilter
from .forms import ClientForm, ContactForm, GradeProposalForm, ProposalDecisionForm
from .models import Contact
from .timeline import FILE_ENTRIES, PAGE_ENTRIES, timeline_page, url_maker

PAGE_SIZE = 25
# No record is older than this (the timeline's earliest ``?before=``).
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


@login_required
def client_list(request):
    client_filter = ClientFilter(request.GET or None, queryset=selectors.client_list(request.user), user=request.user)
    if client_filter.out_of_scope:
        messages.warning(request, client_filter.out_of_scope_message)
    page = CappedPaginator(client_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "clients/list.html",
        {
            "filter": client_filter,
            "page": page,
            "query": query.urlencode(),
            "can_import_export": not request.user.is_manager,
            "today": timezone.localdate(),
            "filters_active": filters_active(request.GET),
        },
    )


@never_cache  # names of a book: never kept by a shared cache or the browser's
@login_required
def client_pick(request):
    """A client picker's suggestions as one types (``crm.widgets.SearchPicker``, js/search.js):
    up to ``selectors.PICK_LIMIT`` clients the user may see (``accounts.scoping``), not lost,
    of one manager's book with ``?owner=`` (someone the user may see: 404 otherwise), that
    ``?q=`` matches by the client search's rule (``selectors.clients_matching``). The same
    few queries whatever the size of the book."""
    scope = scope_for(request.user)
    owner = scope.user_from(request.GET.get("owner"))
    text = search_text(request.GET.get("q"), SearchPicker.max_length)
    clients, more = selectors.pick_clients(selectors.pickable_clients(scope, owner=owner), text)
    return JsonResponse(
        {
            "query": text,
            "results": [{"id": client.pk, "label": client.name, "detail": client.code} for client in clients],
            "more": more,
        }
    )


@login_required
def client_detail(request, pk: int):
    client = selectors.get_client(request.user, pk, for_detail=True)
    contacts = list(client.contacts.all())
    edit_url = url_maker("clients:contact_edit")
    for contact in contacts:
        contact.edit_url = edit_url(contact.pk)
    timeline = timeline_page(client, limit=FILE_ENTRIES)  # the newest; the rest on the timeline page
    return render(
        request,
        "clients/detail.html",
        {
            "client": client,
            "key_persons": [c for c in contacts if c.is_key_person],
            "other_contacts": [c for c in contacts if not c.is_key_person],
            "timeline": timeline.entries,
            "timeline_earlier": timeline.earlier,
            "surveys": client_surveys(client),
            # The client's documents (issue #32; competitor information is on the timeline).
            "documents": client_documents(client, earlier=False),
            "document_form": new_document_form_html(),
            "today": timezone.localdate(),
            # Early-warning flags (the performance app's): why the client may be leaving.
            "warnings": list(client.warnings.filter(active=True).order_by("first_flagged_at", "pk")),
        },
    )


@login_required
def client_timeline(request, pk: int):
    """The client's whole timeline, ``PAGE_ENTRIES`` at a time, newest first; ``?before=``
    (where the page before ended) pages back. The same scope as the client file."""
    client = selectors.get_client(request.user, pk)
    before = None
    if request.GET.get("before"):
        try:
            before = parse_datetime(request.GET["before"])
        except ValueError:
            before = None
        # A moment with its offset, between the first year a record can hold and tomorrow
        # (beyond, the local time of a crafted year 9999 would not fit in a date).
        if (
            before is None
            or timezone.is_naive(before)
            or not (EARLIEST <= before <= timezone.now() + timedelta(days=1))
        ):
            before = None
            messages.warning(request, _("That link to an earlier page is not valid: the newest entries are shown."))
    page = timeline_page(client, limit=PAGE_ENTRIES, before=before)
    return render(
        request,
        "clients/timeline.html",
        {"client": client, "timeline": page.entries, "timeline_earlier": page.earlier, "before": before},
    )


@login_required
def client_create(request):
    form = ClientForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = {name: value for name, value in form.cleaned_data.items() if name in ClientForm.Meta.fields}
        try:
            client = services.create_client(
                by=request.user,
                owner=form.new_owner,
                duplicates_confirmed=form.cleaned_data.get("confirm_duplicates", False),
                **fields,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error("owner", str(error))
        else:
            messages.success(request, _("Client %(client)s was created.") % {"client": client})
            return redirect(client)
    return render(request, "clients/form.html", {"form": form, "title": _("New client")})


@login_required
def client_edit(request, pk: int):
    client = selectors.get_client(request.user, pk)
    form = ClientForm(request.POST if request.method == "POST" else None, instance=client, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_client(
                client=form.instance,
                by=request.user,
                changed=form.changed_data,
                new_owner=form.new_owner,
                owner_change_reason=form.cleaned_data.get("owner_change_reason", ""),
                grade_change_reason=form.cleaned_data.get("grade_change_reason", ""),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error("owner", str(error))
        else:
            messages.success(request, _("Client %(client)s was saved.") % {"client": client})
            return redirect(client)
    return render(
        request,
        "clients/form.html",
        {"form": form, "client": client, "title": _("Edit %(client)s") % {"client": client}},
    )


@login_required
def contact_create(request, client_pk: int):
    client = selectors.get_client(request.user, client_pk)
    form = ContactForm(
        request.POST if request.method == "POST" else None, instance=Contact(client=client), user=request.user
    )
    if request.method == "POST" and form.is_valid():
        contact = form.save()
        messages.success(request, _("Contact %(name)s was added.") % {"name": contact})
        return redirect(client)
    return render(request, "clients/contact_form.html", {"form": form, "client": client, "title": _("New contact")})


@login_required
def contact_edit(request, pk: int):
    contact = selectors.get_contact(request.user, pk)
    form = ContactForm(request.POST if request.method == "POST" else None, instance=contact, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Contact %(name)s was saved.") % {"name": contact})
        return redirect(contact.client)
    return render(
        request,
        "clients/contact_form.html",
        {"form": form, "client": contact.client, "contact": contact, "title": _("Edit %(name)s") % {"name": contact}},
    )


@login_required
@require_POST
def contact_delete(request, pk: int):
    contact = selectors.get_contact(request.user, pk)
    client = contact.client
    contact.delete()
    messages.success(request, _("Contact %(name)s was removed.") % {"name": contact})
    return redirect(client)


# --- group clients -----------------------------------------------------------------------


@login_required
def group_detail(request, pk: int):
    group = selectors.get_group(request.user, pk)
    return render(request, "clients/group.html", {"group": group, **selectors.group_page(request.user, group)})


# --- grade change proposals --------------------------------------------------------------


@login_required
def propose_grade(request, pk: int):
    client = selectors.get_client(request.user, pk)
    pending = selectors.pending_proposal_for(client)
    form = GradeProposalForm(request.POST if request.method == "POST" else None, client=client)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.propose_grade(
                client=client,
                by=request.user,
                reason=form.cleaned_data["reason"],
                proposed_tier=form.cleaned_data.get("proposed_tier"),
                proposed_client_type=form.cleaned_data.get("proposed_client_type", ""),
                proposed_size=form.cleaned_data.get("proposed_size", ""),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your proposal was sent for approval."))
            return redirect(proposal)
    return render(request, "clients/propose_grade.html", {"form": form, "client": client, "pending": pending})


@login_required
def proposal_list(request):
    page = Paginator(selectors.pending_proposals(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "clients/proposals.html", {"page": page, "query": ""})


@login_required
def proposal_detail(request, pk: int):
    proposal = selectors.get_proposal(request.user, pk)
    return render(
        request,
        "clients/proposal.html",
        {
            "proposal": proposal,
            "can_decide": services.can_decide(request.user, proposal),
            "form": ProposalDecisionForm(),
        },
    )


@login_required
@require_POST
def proposal_decide(request, pk: int):
    proposal = selectors.get_proposal(request.user, pk)
    if not is_approver(request.user, owner_id=proposal.proposed_by_id, team=proposal.team):
        raise PermissionDenied  # the proposer, or anyone but the team's supervisor and admins
    form = ProposalDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return redirect(proposal)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.decide_proposal(proposal, by=request.user, approve=approve, comment=form.cleaned_data["comment"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied:
        messages.error(request, _("Only the team's supervisor or an administrator decides, never the proposer."))
    else:
        messages.success(request, _("The proposal was approved.") if approve else _("The proposal was rejected."))
    return redirect(proposal)
