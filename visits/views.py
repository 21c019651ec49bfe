from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients.selectors import get_client
from crm.forms import error_text

from . import calendars, rules, selectors, services
from .forms import DecisionForm, GenerateForm, PlanForm, StrategyForm, VisitForm
from .models import CalendarFeed, MonthlyPlan, PlannedVisit, ServiceStrategy

# --- monthly plans ----------------------------------------------------------------------


@login_required
def plan_list(request):
    today = timezone.localdate()
    this_month = rules.month_start(today)
    plans = list(selectors.visible_plans(request.user).order_by("-month", "owner__username")[:60])
    own = {plan.month: plan for plan in plans if plan.owner_id == request.user.pk}
    return render(
        request,
        "visits/plan_list.html",
        {
            "plans": plans,
            "queue": list(selectors.approval_queue(request.user)[:100]),
            "startable": [m for m in (this_month, rules.next_month(this_month)) if m not in own],
        },
    )


@login_required
@require_POST
def plan_start(request):
    month = selectors.parse_month(request.POST.get("month"), timezone.localdate())
    return redirect(services.start_plan(owner=request.user, month=month, by=request.user))


@login_required
def plan_detail(request, pk: int):
    plan = selectors.get_plan(request.user, pk)
    can_edit = plan.is_editable and plan.owner_id == request.user.pk
    form = PlanForm(request.POST if request.method == "POST" else None, instance=plan) if can_edit else None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            key_ids = {int(v) for v in request.POST.getlist("key") if v.isdecimal()}
            try:
                services.update_plan(plan, by=request.user, key_client_ids=key_ids, **form.cleaned_data)
                if "submit" in request.POST:
                    services.submit_plan(plan, by=request.user)
                    messages.success(request, _("The plan was submitted to your supervisor."))
                else:
                    messages.success(request, _("The plan was saved."))
            except ValidationError as error:
                messages.error(request, error_text(error))
            return redirect(plan)
    lines = list(plan.lines.select_related("client", "client__tier").order_by("-is_key", "client__name"))
    return render(
        request,
        "visits/plan_detail.html",
        {
            "plan": plan,
            "form": form,
            "can_edit": can_edit,
            "can_decide": plan.status == MonthlyPlan.Status.SUBMITTED and services.can_decide(request.user, plan),
            "decision_form": DecisionForm(),
            "lines": lines,
            "key_count": sum(1 for line in lines if line.is_key),
            "frequency_counts": {
                value: sum(1 for line in lines if line.frequency == value)
                for value in ("weekly", "twice_monthly", "monthly")
            },
            "transitions": plan.transitions.select_related("by"),
        },
    )


@login_required
@require_POST
def plan_decide(request, pk: int):
    plan = selectors.get_plan(request.user, pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    approve = request.POST.get("decision") == "approve"
    if not approve and not comment.strip():
        # Like the other decision forms: a return without a comment is sent back before
        # anyone is asked whether they may decide.
        messages.error(request, services.PLAN_DECISION.comment_needed)
        return redirect(plan)
    try:
        if approve:
            changed = services.approve_plan(plan, by=request.user, comment=comment)
            messages.success(
                request,
                _("The plan was approved; %(count)s clients got a new visit frequency.") % {"count": changed},
            )
        else:
            services.return_plan(plan, by=request.user, comment=comment)
            messages.success(request, _("The plan was returned to %(owner)s.") % {"owner": plan.owner})
    except ValidationError as error:
        messages.error(request, error_text(error))
    return redirect(plan)


# --- service strategies -------------------------------------------------------------------


@login_required
def client_strategies(request, client_pk: int):
    client = get_client(request.user, client_pk)
    month = selectors.parse_month(request.GET.get("month") or request.POST.get("month"), timezone.localdate())
    plan = MonthlyPlan.objects.of_manager(client.owner_id).filter(month=month).first()
    # Items are part of the plan: once it is submitted they can only be ticked off.
    locked = plan is not None and not plan.is_editable
    form = StrategyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        action = request.POST.get("action", "add")
        back = redirect(f"{request.path}?month={month:%Y-%m}")
        if locked and action in {"add", "delete"}:
            messages.error(request, _("The plan for this month is submitted; items can only be marked done."))
            return back
        if action == "add":
            if form.is_valid():
                ServiceStrategy.objects.create(client=client, month=month, text=form.cleaned_data["text"])
                messages.success(request, _("The item was added."))
                return back
        else:
            strategy_id = request.POST.get("strategy", "")
            if not strategy_id.isdecimal():
                raise Http404
            strategy = get_object_or_404(ServiceStrategy, pk=strategy_id, client=client)
            if action == "delete":
                services.remove_strategy(strategy)
            else:
                services.set_strategy_state(strategy, done=action == "done", by=request.user)
            return back
    strategies = (
        client.service_strategies.filter(month=month)
        .exclude(state=ServiceStrategy.State.DISMISSED)
        .select_related("done_by")
    )
    return render(
        request,
        "visits/strategies.html",
        {
            "client": client,
            "month": month,
            "previous": rules.previous_month(month),
            "next": rules.next_month(month),
            "strategies": strategies,
            "form": form,
            "locked": locked,
            "plan": plan,
        },
    )


# --- visit plans ----------------------------------------------------------------------------


@login_required
def schedule(request):
    month = selectors.parse_month(request.GET.get("month"), timezone.localdate())
    return _schedule(request, month, selectors.owner_in_scope(request.user, request.GET.get("owner")))


def _schedule(request, month, owner, *, visit_form: VisitForm | None = None, generate_form: GenerateForm | None = None):
    """The month's schedule; a form sent with errors is shown again next to its fields with
    what was typed."""
    end = rules.month_end(month)
    plan = services.approved_plan(owner, month)
    if plan is None:  # no approved plan: the forms are not on the page, their errors are said here
        for form in (visit_form, generate_form):
            if form is not None:
                messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    visit_form = visit_form or VisitForm(owner=owner, initial={"date": max(month, timezone.localdate())})
    generate_form = generate_form or GenerateForm(initial={"start": max(month, timezone.localdate()), "end": end})
    visits = list(selectors.visits_between(request.user, owner, month, end))
    return render(
        request,
        "visits/schedule.html",
        {
            "month": month,
            "owner": owner,
            "is_own": owner.pk == request.user.pk,
            "plan": plan,
            "month_plan": MonthlyPlan.objects.of_manager(owner).filter(month=month).first(),
            "visits": visits,
            "visit_form": visit_form,
            "generate_form": generate_form,
            "previous": rules.previous_month(month),
            "next": rules.next_month(month),
        },
    )


@login_required
@require_POST
def schedule_generate(request):
    form = GenerateForm(request.POST)
    if not form.is_valid():  # errors next to the fields, nothing lost: the month it starts in
        month = selectors.parse_month(request.POST.get("start", "")[:7], timezone.localdate())
        return _schedule(request, month, request.user, generate_form=form)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    try:
        created = services.generate_visits(owner=request.user, start=start, end=end, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("%(count)s visits were planned.") % {"count": created})
    return redirect(f"{reverse('visits:schedule')}?month={start:%Y-%m}")


@login_required
@require_POST
def schedule_add(request):
    form = VisitForm(request.POST, owner=request.user)
    month = timezone.localdate()
    if form.is_valid():
        month = form.cleaned_data["date"]
        try:
            visit = services.add_visit(
                owner=request.user,
                client=form.cleaned_data["client"],
                day=form.cleaned_data["date"],
                by=request.user,
                purpose=form.cleaned_data["purpose"],
                appointment_time=form.cleaned_data["appointment_time"],
                visit_type=form.cleaned_data.get("visit_type"),
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("The visit was planned."))
            for other in services.overlapping_visits(visit.client, visit.date, exclude_owner=request.user):
                colleague = other.owner.get_full_name() or other.owner.get_username()
                messages.warning(
                    request,
                    _("%(colleague)s already has a visit planned at %(client)s on %(date)s this week.")
                    % {"colleague": colleague, "client": visit.client.name, "date": f"{other.date:%Y-%m-%d}"},
                )
    else:  # errors next to the fields, nothing lost: the month of the day it was for
        month = selectors.parse_month(request.POST.get("date", "")[:7], timezone.localdate())
        return _schedule(request, month, request.user, visit_form=form)
    return redirect(f"{reverse('visits:schedule')}?month={month:%Y-%m}")


@login_required
@require_POST
def visit_cancel(request, pk: int):
    visit = get_object_or_404(PlannedVisit.objects.of_manager(request.user), pk=pk, status=PlannedVisit.Status.PLANNED)
    visit.delete()
    messages.success(request, _("The planned visit was removed."))
    return redirect(f"{reverse('visits:schedule')}?month={visit.date:%Y-%m}")


# --- calendar -----------------------------------------------------------------------------------


@login_required
def calendar_month(request):
    month = selectors.parse_month(request.GET.get("month"), timezone.localdate())
    owner = selectors.owner_in_scope(request.user, request.GET.get("owner"))
    weeks = calendars.month_grid(month)
    visits = selectors.visits_between(request.user, owner, weeks[0][0], weeks[-1][-1])
    by_day = calendars.group_by_day(visits)
    today = timezone.localdate()
    days_with_visits = [(day, by_day[day]) for day in sorted(by_day) if day.month == month.month]
    return render(
        request,
        "visits/calendar_month.html",
        {
            "month": month,
            "owner": owner,
            "weeks": [[(day, by_day.get(day, [])) for day in week] for week in weeks],
            "days_with_visits": days_with_visits,
            # On a phone the month is a list of days: it opens at today, or the next day with visits.
            "opening_day": next((day for day, _visits in days_with_visits if day >= today), None),
            "previous": rules.previous_month(month),
            "next": rules.next_month(month),
            "today": today,
            "feed": CalendarFeed.objects.of_manager(request.user).first() if owner == request.user else None,
        },
    )


@login_required
def calendar_week(request):
    day = selectors.parse_day(request.GET.get("day"), timezone.localdate())
    owner = selectors.owner_in_scope(request.user, request.GET.get("owner"))
    monday = day - timedelta(days=day.weekday())
    days = [monday + timedelta(days=i) for i in range(7)]
    by_day = calendars.group_by_day(selectors.visits_between(request.user, owner, days[0], days[-1]))
    return render(
        request,
        "visits/calendar_week.html",
        {
            "owner": owner,
            "days": [(d, by_day.get(d, [])) for d in days],
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def feed_reset(request):
    """Create the calendar address, or replace it (the old one stops working)."""
    CalendarFeed.objects.update_or_create(owner=request.user, defaults={"token": calendars.new_token()})
    messages.success(request, _("Your calendar address is ready; any older address no longer works."))
    return redirect("visits:calendar")


def feed(request, token: str):
    """The iCalendar feed: no login (phone calendars cannot log in), a secret token instead."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("owner"), token=token, owner__is_active=True)
    response = HttpResponse(calendars.ics_for(feed.owner), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="visits.ics"'
    return response
