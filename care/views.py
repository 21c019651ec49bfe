"""Client care pages: the care calendar, the gift register and event invitations. Thin
views over the selectors and services, everything narrowed to the viewer's scope."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scoping import get_scoped_object_or_404, is_approver
from clients.models import Client, Contact
from crm.forms import error_text
from crm.paginator import CappedPaginator

from . import selectors, services
from .forms import DeclinedGiftForm, EventInvitationForm, GiftDecisionForm, GiftForm, InvitationUpdateForm
from .models import EventInvitation, Gift

PAGE_SIZE = 25
CALENDAR_DAYS = 14


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _not_someone_elses(request, form) -> None:
    """Another person's client or contact answers 404, as everywhere else, not a form error."""
    for name in ("client", "contact"):
        value = request.POST.get(name, "")
        if name in form.fields and value.isdecimal() and not form.fields[name].queryset.filter(pk=value).exists():
            model = Client if name == "client" else Contact
            if model.objects.filter(pk=value).exists():
                raise Http404


@login_required
def care_calendar(request):
    occasions = selectors.upcoming_occasions(request.user, days=CALENDAR_DAYS)
    page = Paginator(occasions, PAGE_SIZE).get_page(request.GET.get("page"))  # a list, read whole
    return render(request, "care/calendar.html", {"page": page, "days": CALENDAR_DAYS})


@login_required
def gifts(request):
    threshold = settings.CRM_GIFT_APPROVAL_ABOVE
    form = GiftForm(request.POST or None, user=request.user, threshold=threshold)
    if request.method == "POST":
        _not_someone_elses(request, form)
        if form.is_valid():
            data = form.cleaned_data
            try:
                gift = services.record_gift(
                    client=data["client"],
                    contact=data["contact"],
                    by=request.user,
                    occasion=data["occasion"],
                    item=data["item"],
                    value=data["value"],
                    given_on=data["given_on"],
                )
            except ValidationError as error:
                messages.error(request, error_text(error))
            else:
                if gift.status == Gift.Status.PENDING:
                    messages.warning(
                        request,
                        _("The gift is worth more than %(amount)s yuan: it waits for the supervisor's approval.")
                        % {"amount": threshold},
                    )
                else:
                    messages.success(request, _("The gift was recorded."))
                return redirect("care:gifts")
    status = request.GET.get("status", "")
    if status not in Gift.Status.values:
        status = ""
    page = CappedPaginator(selectors.gifts(request.user, status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    for gift in page.object_list:
        gift.can_decide = services.may_decide(gift, request.user)
    declined = CappedPaginator(selectors.declined_gifts(request.user), PAGE_SIZE)
    declined = declined.get_page(request.GET.get("declined_page"))
    return render(
        request,
        "care/gifts.html",
        {
            "form": form,
            "declined_form": DeclinedGiftForm(user=request.user),
            "page": page,
            "declined": declined,
            "status": status,
            "statuses": Gift.Status.choices,
            "threshold": threshold,
            "query": f"status={status}" if status else "",
        },
    )


@login_required
@require_POST
def gift_decide(request, pk: int):
    gift = get_scoped_object_or_404(request.user, Gift.objects.select_related("client__team"), pk=pk)
    if not is_approver(request.user, owner_id=gift.given_by_id, team=gift.client.team):
        raise PermissionDenied
    form = GiftDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decide_gift(
                gift,
                by=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("The decision was recorded."))
    else:
        messages.error(request, _form_errors(form))
    return redirect(f"{reverse('care:gifts')}?status=pending")


@login_required
@require_POST
def declined_add(request):
    form = DeclinedGiftForm(request.POST, user=request.user)
    _not_someone_elses(request, form)
    if form.is_valid():
        services.record_declined_gift(
            client=form.cleaned_data["client"],
            by=request.user,
            offered_on=form.cleaned_data["offered_on"],
            description=form.cleaned_data["description"],
        )
        messages.success(request, _("The declined gift was recorded."))
    else:
        messages.error(request, _form_errors(form))
    return redirect("care:gifts")


@login_required
def events(request):
    form = EventInvitationForm(request.POST or None, user=request.user)
    if request.method == "POST":
        _not_someone_elses(request, form)
        if form.is_valid():
            data = form.cleaned_data
            try:
                invitation = services.invite_to_event(
                    client=data["client"],
                    contact=data["contact"],
                    by=request.user,
                    event_name=data["event_name"],
                    event_date=data["event_date"],
                    sent_on=data["sent_on"],
                )
            except ValidationError as error:
                messages.error(request, error_text(error))
            else:
                if invitation.is_late:
                    messages.warning(
                        request,
                        _("Sent less than 7 days before the event: invitations go out 1–2 weeks ahead."),
                    )
                else:
                    messages.success(request, _("The invitation was recorded."))
                return redirect("care:events")
    page = CappedPaginator(selectors.invitations(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for invitation in page.object_list:
        invitation.can_update = services.may_update_invitation(invitation, request.user)
        invitation.needs_attendance = invitation.event_date <= today and invitation.attended is None
    return render(
        request, "care/events.html", {"form": form, "page": page, "today": today, "rsvps": EventInvitation.Rsvp.choices}
    )


@login_required
@require_POST
def event_update(request, pk: int):
    invitation = get_scoped_object_or_404(request.user, EventInvitation.objects.select_related("client"), pk=pk)
    if not services.may_update_invitation(invitation, request.user):
        raise PermissionDenied
    form = InvitationUpdateForm(request.POST)
    if form.is_valid():
        try:
            services.update_invitation(
                invitation, by=request.user, rsvp=form.cleaned_data["rsvp"], attended=form.cleaned_data["attended"]
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("The invitation was updated."))
    else:
        messages.error(request, _form_errors(form))
    page = request.POST.get("page", "")
    return redirect(f"{reverse('care:events')}?page={page}" if page.isdecimal() else reverse("care:events"))
