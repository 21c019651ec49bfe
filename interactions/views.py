"""Logging calls and messages, the request list, follow-up tasks and messages to many clients."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.scoping import get_scoped_object_or_404, role_required
from clients.selectors import get_client, visible_clients
from crm.forms import add_service_errors, error_text
from crm.http import redirect_back
from crm.paginator import CappedPaginator
from market.forms import observation_formset
from visits import services as visit_services

from . import selectors, services
from .forms import InteractionForm, MessageDecisionForm, MessageForm, PlanVisitForm, ReplyForm, TaskDoneForm
from .models import BulkMessage, Channel, FollowUpTask, Interaction

PAGE_SIZE = 25


@login_required
def log(request, client_pk: int):
    """Log a call, message, letter, e-mail or office visit in a few taps (?contact= preselects)."""
    client = get_client(request.user, client_pk)
    contact_id = request.GET.get("contact", "")[:12]
    initial = {
        "submission": uuid.uuid4().hex,
        "channel": Channel.PHONE,
        "direction": Interaction.Direction.INBOUND,
        "occurred_at": timezone.localtime().replace(second=0, microsecond=0),
        "contact": int(contact_id) if contact_id.isdecimal() else None,
    }
    form = InteractionForm(request.POST if request.method == "POST" else None, client=client, initial=initial)
    observations = observation_formset(request.POST if request.method == "POST" else None)
    if request.method == "POST" and all([form.is_valid(), observations.is_valid()]):
        data = form.cleaned_data
        try:
            interaction, created = services.log_interaction(
                client=client,
                by=request.user,
                channel=data["channel"],
                direction=data["direction"],
                contact=data["contact"],
                occurred_at=data["occurred_at"],
                summary=data["summary"],
                promise=data["promise"],
                follow_up_on=data["follow_up_on"],
                is_request=data["is_request"],
                visit_needed=data["visit_needed"],
                submission=data["submission"],
                observations=observations.observations(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if not created:
                messages.info(request, _("This interaction was already saved."))
            elif interaction.follow_up_on:
                messages.success(
                    request,
                    _("Saved. A follow-up is on your list for %(date)s.")
                    % {"date": f"{interaction.follow_up_on:%Y-%m-%d}"},
                )
            else:
                messages.success(request, _("Saved on the client file."))
            return redirect(client)
    return render(request, "interactions/log_form.html", {"form": form, "observations": observations, "client": client})


# --- requests -------------------------------------------------------------------------------


def _visible(user: User):
    return Interaction.objects.visible_to(user)


@login_required
def requests(request):
    """Client requests waiting for a reply or a visit, late ones first; ``?show=late`` or ``all``."""
    show = request.GET.get("show", "open")
    queryset = _visible(request.user).filter(is_request=True)
    if show == "late":
        queryset = services.late_requests(queryset)
    elif show != "all":
        show = "open"
        queryset = services.open_requests(queryset)
    taken_on_visits = request.GET.get("taken") == "visit"
    if taken_on_visits:
        queryset = queryset.filter(channel=Channel.VISIT)
    by_manager = []
    if not request.user.is_manager:
        # Who follows up what: open requests per manager, those taken on visits apart.
        by_manager = selectors.open_requests_by_manager(_visible(request.user))
    queryset = queryset.select_related("client", "contact", "owner").order_by("reply_due", "pk")
    page = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "interactions/requests.html",
        {
            "page": page,
            "show": show,
            "taken_on_visits": taken_on_visits,
            "by_manager": by_manager,
            "query": f"show={show}" + ("&taken=visit" if taken_on_visits else ""),
            "now": timezone.now(),
            "reply_form": ReplyForm(),
            "visit_form": PlanVisitForm(initial={"date": timezone.localdate() + timezone.timedelta(days=1)}),
        },
    )


def _request(user: User, pk: int) -> Interaction:
    return get_scoped_object_or_404(user, Interaction.objects.select_related("client__owner"), pk=pk, is_request=True)


@login_required
@require_POST
def reply(request, pk: int):
    interaction = _request(request.user, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.record_reply(interaction, by=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("The reply to %(client)s was recorded.") % {"client": interaction.client.name})
    else:
        messages.error(request, _("The reply is too long."))
    return redirect_back(request, request.POST.get("next", ""), "interactions:requests")


@login_required
@require_POST
def plan_visit(request, pk: int):
    interaction = _request(request.user, pk)
    form = PlanVisitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date of the visit."))
    else:
        try:
            visit_services.plan_visit_for_request(interaction, by=request.user, day=form.cleaned_data["date"])
        except ValidationError as error:
            messages.error(request, error_text(error))
        except PermissionDenied:
            messages.error(request, _("Only the client's account manager's schedule can take this visit."))
        else:
            messages.success(
                request,
                _("A visit to %(client)s is planned on %(date)s.")
                % {"client": interaction.client.name, "date": f"{form.cleaned_data['date']:%Y-%m-%d}"},
            )
    return redirect_back(request, request.POST.get("next", ""), "interactions:requests")


# --- follow-up tasks ----------------------------------------------------------------------


@login_required
def follow_ups(request):
    show = request.GET.get("show", "open")
    queryset = FollowUpTask.objects.visible_to(request.user).select_related("client", "owner", "interaction")
    if show == "done":
        queryset = queryset.filter(done_at__isnull=False).order_by("-done_at", "-pk")
    else:
        show = "open"
        queryset = queryset.filter(done_at__isnull=True).order_by("due_on", "pk")
    page = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "interactions/follow_ups.html",
        {"page": page, "show": show, "today": timezone.localdate(), "form": TaskDoneForm()},
    )


@login_required
@require_POST
def follow_up_done(request, pk: int):
    task = get_scoped_object_or_404(request.user, FollowUpTask.objects.select_related("client"), pk=pk)
    if task.owner_id != request.user.pk:
        raise PermissionDenied
    form = TaskDoneForm(request.POST)
    if form.is_valid():
        try:
            services.complete_task(task, by=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Follow-up done: %(what)s") % {"what": task.description})
    else:
        messages.error(request, _("The note is too long."))
    return redirect_back(request, request.POST.get("next", ""), "interactions:follow_ups")


# --- messages to many clients ----------------------------------------------------------------


def _visible_messages(user: User):
    return BulkMessage.objects.visible_to(user)


@login_required
def message_list(request):
    queryset = _visible_messages(request.user).select_related("author", "decided_by").order_by("-created_at", "-pk")
    status = request.GET.get("status", "")
    if status in BulkMessage.Status.values:
        queryset = queryset.filter(status=status)
    page = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "interactions/messages.html",
        {"page": page, "status": status, "statuses": BulkMessage.Status.choices},
    )


@role_required(User.Role.MANAGER, User.Role.SUPERVISOR)
def message_new(request):
    """Choose the clients (by tier, group, status, industry, size), write once, preview the
    count, submit for approval."""
    clients = visible_clients(request.user).of_manager(request.user)
    form = MessageForm(request.POST or None, clients=clients)
    count = None
    if request.method == "POST" and form.is_valid():
        selected = form.selected()
        if "preview" in request.POST:
            count = selected.count()
        else:
            try:
                message = services.prepare_message(
                    by=request.user,
                    clients=selected,
                    channel=form.cleaned_data["channel"],
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    criteria=form.criteria(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The message waits for your supervisor's approval."))
                return redirect(message)
    return render(request, "interactions/message_form.html", {"form": form, "count": count})


def _message(user: User, pk: int) -> BulkMessage:
    return get_scoped_object_or_404(user, BulkMessage.objects.select_related("author", "team", "decided_by"), pk=pk)


@login_required
def message_detail(request, pk: int):
    message = _message(request.user, pk)
    # The viewer sees the recipients among the clients they may see (a client handed to
    # another team since is no longer shown to the old one).
    recipients = message.recipients.visible_to(request.user).select_related("client", "contact").order_by("pk")
    page = Paginator(recipients, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "interactions/message_detail.html",
        {
            "message": message,
            "page": page,
            "can_decide": services.can_decide(request.user, message),
            "decision_form": MessageDecisionForm(),
            "by_hand": message.channel != Channel.EMAIL,
            "copy_list": services.copy_list(message)
            if message.status == BulkMessage.Status.APPROVED and message.channel != Channel.EMAIL
            else "",
        },
    )


@login_required
@require_POST
def message_decide(request, pk: int):
    message = _message(request.user, pk)
    form = MessageDecisionForm(request.POST)
    approve = request.POST.get("decision") == "approve"
    if form.is_valid():
        try:
            services.decide_message(message, by=request.user, approve=approve, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            messages.error(request, error_text(error))
        except PermissionDenied:
            messages.error(request, _("Only the author's supervisor or an administrator decides on this message."))
        else:
            messages.success(request, _("Approved: it is being sent.") if approve else _("Rejected."))
    else:
        messages.error(request, _("The comment is too long."))
    return redirect(message)


@login_required
@require_POST
def message_sent(request, pk: int):
    message = _message(request.user, pk)
    try:
        count = services.mark_sent_by_hand(message, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    except PermissionDenied:
        messages.error(request, _("Only the author records the message as sent."))
    else:
        messages.success(request, _("Recorded as sent to %(count)s clients.") % {"count": count})
    return redirect(message)
