"""The week, the day and the month's end: routes, the daily sheet, visit logs from a
phone, task marking, results and summaries."""

import uuid
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from analysis import selectors_summary as business
from clients.selectors import get_client
from crm.forms import add_service_errors
from market.forms import observation_formset

from . import checkins, maps, month_review, rules, selectors, services
from .forms import (
    ArrangementForm,
    CheckForm,
    DecisionForm,
    ResultForm,
    TemporaryTaskForm,
    VisitLogForm,
    VisitTypeChoiceForm,
    WeeklySummaryForm,
)
from .forms_checklist import ChecklistForm
from .models import MonthResult, PlannedVisit, VisitType, WeeklyArrangement, WeeklySummary


def _day(request):
    return selectors.parse_day(request.GET.get("day") or request.POST.get("day"), timezone.localdate())


@login_required
def week(request):
    monday = selectors.monday_of(_day(request))
    owner = selectors.owner_in_scope(request.user, request.GET.get("owner"))
    is_own = owner.pk == request.user.pk
    arrangement = selectors.week_arrangement(owner, monday)
    if is_own and arrangement is None:
        arrangement = WeeklyArrangement(owner=owner, week_start=monday)  # saved on POST only
    form = ArrangementForm(request.POST if request.method == "POST" else None, instance=arrangement) if is_own else None
    if request.method == "POST":
        if not is_own:
            raise PermissionDenied
        if form.is_valid():
            form.save()
            orders: dict = {}
            for key, value in request.POST.items():
                if key.startswith("order-") and key[6:].isdecimal() and value.strip().isdecimal():
                    orders[int(key[6:])] = int(value)
            visits = PlannedVisit.objects.of_manager(owner).filter(pk__in=orders).values_list("pk", "date")
            by_day: dict = {}
            for pk, day in visits:
                by_day.setdefault(day, []).append(pk)
            for day, pks in by_day.items():
                services.save_route(owner, day, sorted(pks, key=lambda pk: (orders[pk], pk)))
            messages.success(request, _("The week's arrangement was saved."))
            return redirect(f"{reverse('visits:week')}?day={monday:%Y-%m-%d}")
    return render(
        request,
        "visits/week.html",
        {
            "monday": monday,
            "owner": owner,
            "is_own": is_own,
            "form": form,
            "arrangement": arrangement,
            "days": selectors.week_routes(owner, monday),
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7),
            "today": timezone.localdate(),
        },
    )


@login_required
def sheet(request):
    return _sheet(request, _day(request), selectors.owner_in_scope(request.user, request.GET.get("owner")))


def _sheet(request, day, owner, *, task_form: TemporaryTaskForm | None = None):
    """The day sheet; ``task_form`` is a temporary task sent with errors, shown again next to
    its fields with what was typed."""
    is_own = owner.pk == request.user.pk
    visits = selectors.day_sheet(owner, day)
    response = render(
        request,
        "visits/sheet.html",
        {
            "day": day,
            "owner": owner,
            "is_own": is_own,
            "visits": visits,
            "tasks": selectors.temporary_tasks(owner, day),
            "unplanned_logs": selectors.unplanned_logs(owner, day),
            "task_form": (task_form or TemporaryTaskForm(owner=owner)) if is_own else None,
            # The types a stop not yet done may change to (the manager's choice, seed 000).
            "visit_types": list(selectors.active_visit_types().values()) if is_own else [],
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
            "can_log": is_own and day <= timezone.localdate(),
            # A check-in succeeds only on the visit's day, at a visit not yet done (checkins.py).
            "today": timezone.localdate(),
            "map": maps.map_settings(),
            "unlocated": sum(1 for v in visits if v.client.latitude is None or v.client.longitude is None),
            # Today's own sheet, opened online, tells the phone what to keep for offline use.
            "offline_pages": selectors.offline_pages(owner, day) if is_own and day == timezone.localdate() else [],
        },
    )
    return maps.allow_map_tiles(response)


@login_required
@require_POST
def route_shortest(request):
    """ "Shortest route": the user's own visits of the day put in the order of
    ``routes.shortest_route``; back to the page it was asked from (sheet or week)."""
    day = _day(request)
    route = services.apply_shortest_route(request.user, day)
    if route.order:
        messages.success(
            request,
            _("The route of %(day)s is ordered: %(km)s km as the crow flies (%(before)s km before).")
            % {
                "day": f"{day:%Y-%m-%d}",
                "km": f"{route.metres / 1000:.1f}",
                "before": f"{route.given_metres / 1000:.1f}",
            },
        )
    if route.unlocated:
        messages.warning(
            request,
            ngettext(
                "%(count)s client has no location: it stays at the end of the route.",
                "%(count)s clients have no location: they stay at the end of the route.",
                len(route.unlocated),
            )
            % {"count": len(route.unlocated)},
        )
    page = "visits:week" if request.POST.get("back") == "week" else "visits:sheet"
    return redirect(f"{reverse(page)}?day={day:%Y-%m-%d}")


@login_required
def outbox(request):
    """What this phone keeps to send (IndexedDB, static/js/outbox.js draws the list)."""
    return render(request, "visits/outbox.html")


@login_required
@require_POST
def visit_mark(request, pk: int):
    visit = get_object_or_404(
        PlannedVisit.objects.of_manager(request.user),
        pk=pk,
        status__in=[PlannedVisit.Status.PLANNED, PlannedVisit.Status.MISSED],
    )
    # A visit is done (★) by its log; here it is only marked "not done", or back to planned.
    try:
        services.mark_visit(visit, by=request.user, done=False if request.POST.get("mark") == "missed" else None)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(f"{reverse('visits:sheet')}?day={visit.date:%Y-%m-%d}")


@login_required
@require_POST
def visit_type(request, pk: int):
    """The manager gives a planned visit of theirs another type (``services.change_visit_type``)."""
    visit = get_object_or_404(PlannedVisit.objects.of_manager(request.user), pk=pk)
    form = VisitTypeChoiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    else:
        try:
            services.change_visit_type(visit, by=request.user, visit_type=form.cleaned_data["visit_type"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The visit to %(client)s is now a “%(type)s” visit.")
                % {"client": visit.client.name, "type": visit.visit_type.name},
            )
    return redirect(f"{reverse('visits:sheet')}?day={visit.date:%Y-%m-%d}#stop-{visit.pk}")


@login_required
@require_POST
def visit_check(request, pk: int):
    """Check in or out (``action``), with the browser's location when it gave one."""
    visit = get_object_or_404(PlannedVisit.objects.of_manager(request.user), pk=pk)
    form = CheckForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    else:
        data = form.cleaned_data
        step = checkins.check_in if data["action"] == "in" else checkins.check_out
        try:
            visit = step(
                visit,
                by=request.user,
                latitude=data["latitude"],
                longitude=data["longitude"],
                accuracy=data["accuracy"],
                position_at=data["position_at"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if data["action"] == "out":
                messages.success(request, _("Checked out of %(client)s.") % {"client": visit.client.name})
            elif visit.far_from_client:
                messages.warning(
                    request,
                    _("Checked in, %(metres)s m from %(client)s's address: the visit is flagged.")
                    % {"metres": visit.check_in_distance, "client": visit.client.name},
                )
            elif visit.check_in_inaccurate or visit.check_in_position_stale:
                messages.warning(
                    request,
                    _("Checked in at %(client)s; the phone's position was vague or old: the visit is flagged.")
                    % {"client": visit.client.name},
                )
            else:
                messages.success(request, _("Checked in at %(client)s.") % {"client": visit.client.name})
    return redirect(f"{reverse('visits:sheet')}?day={visit.date:%Y-%m-%d}")


@login_required
@require_POST
def task_add(request):
    day = _day(request)
    form = TemporaryTaskForm(request.POST, owner=request.user)
    if form.is_valid():
        services.add_temporary_task(
            owner=request.user,
            day=day,
            description=form.cleaned_data["description"],
            client=form.cleaned_data["client"],
        )
        messages.success(request, _("The temporary task was recorded."))
        return redirect(f"{reverse('visits:sheet')}?day={day:%Y-%m-%d}")
    return _sheet(request, day, request.user, task_form=form)  # errors next to the fields, nothing lost


@login_required
def log_visit(request):
    """One screen to log a visit, planned (?visit=) or not (?client=); ``services.log_visit``
    decides everything else."""
    visit, client = _visit_and_client(request)
    if visit is not None and hasattr(visit, "log"):
        messages.info(request, _("This visit is already logged."))
        return redirect(f"{reverse('visits:sheet')}?day={visit.date:%Y-%m-%d}")
    if request.method == "POST":
        # A repeated submission (double tap, retry) returns to the sheet before the form is
        # checked again: its ticked strategies are closed by now and would not validate.
        saved = selectors.visit_log_of_submission(owner=request.user, submission=request.POST.get("submission", ""))
        if saved is not None:
            messages.info(request, _("This visit was already saved."))
            return redirect(f"{reverse('visits:sheet')}?day={saved.date:%Y-%m-%d}")
    day = visit.date if visit else timezone.localdate()
    form = VisitLogForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        strategies=selectors.strategies_to_tick(client, day),
        retention=selectors.needs_retention_visit(client),
        initial={
            "submission": uuid.uuid4().hex,
            "date": day,
            "method": (visit.method if visit else client.visit_method) or "on_site",
        },
    )
    chosen = _log_visit_type(request, visit, client, day)
    checklist = ChecklistForm(
        request.POST if request.method == "POST" else None,
        visit_type=chosen,
        items=chosen.checklist_items.filter(is_active=True) if chosen else (),
    )
    observations = observation_formset(request.POST if request.method == "POST" else None)
    if request.method == "POST" and all([form.is_valid(), checklist.is_valid(), observations.is_valid()]):
        data = form.cleaned_data
        try:
            log, created = services.log_visit(
                owner=request.user,
                client=client,
                submission=data["submission"],
                day=data["date"],
                method=data["method"],
                work_done=data["work_done"],
                planned_visit=visit,
                strategy_ids=[int(pk) for pk in data.get("strategies", [])],
                photos=data["photos"],
                checked_in_at=data["checked_in_at"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                market_anomalies=data["market_anomalies"],
                opinions=data["opinions"],
                effect=data["effect"],
                next_follow_up=data["next_follow_up"],
                retention_offer=data.get("retention_offer", ""),
                retention_outcome=data.get("retention_outcome", ""),
                request_text=data.get("request", ""),
                observations=observations.observations(),
                visit_type=checklist.cleaned_data["visit_type"] or chosen,
                checklist=checklist.answers(),
            )
        except ValidationError as error:
            _add_log_errors(form, checklist, error)
        else:
            if created:
                messages.success(request, _("The visit to %(client)s was logged.") % {"client": client.name})
                if data.get("request"):
                    messages.info(request, _("The client's request is on your list until they are told the result."))
            else:
                messages.info(request, _("This visit was already saved."))
            return redirect(f"{reverse('visits:sheet')}?day={log.date:%Y-%m-%d}")
    return render(
        request,
        "visits/log_form.html",
        {
            "form": form,
            "client": client,
            "visit": visit,
            "checklist": checklist,
            "observations": observations,
            "visit_type": chosen,
            "visit_types": list(selectors.active_visit_types().values()),
        },
    )


def _log_visit_type(request, visit, client, day) -> VisitType | None:
    """The type a visit is logged as: the one the form carries (POST) or asks for (?type=),
    when it is a type in use; else the planned visit's; else the type of its reason."""
    wanted = request.POST.get("visit_type", "") if request.method == "POST" else request.GET.get("type", "")
    if wanted.isdecimal() and len(wanted) <= 18:
        found = VisitType.objects.filter(pk=int(wanted), is_active=True).first()
        if found is not None:
            return found
    if visit is not None and visit.visit_type_id:
        return visit.visit_type
    return services.default_visit_type(client, day)


def _add_log_errors(form, checklist, error: ValidationError) -> None:
    """A service's refusal next to the field it names: a checklist item in the checklist
    section, anything else as on every form (``crm.forms.add_service_errors``)."""
    rest = error
    if hasattr(error, "error_dict"):
        rest = {}
        for field, errors in error.error_dict.items():
            if field in checklist.fields or field == "checklist":
                checklist.add_error(field if field in checklist.fields else None, errors)
            else:
                rest[field] = errors
        if not rest:
            return
        rest = ValidationError(rest)
    add_service_errors(form, rest)


def _visit_and_client(request):
    """The planned visit (?visit=, still the user's, not cancelled) or the client (?client=,
    the user's own) a visit is logged for: 404 out of scope, 403 for a client seen but not
    owned (a supervisor's team)."""
    visit_id, client_id = request.GET.get("visit", ""), request.GET.get("client", "")
    if visit_id:
        if not visit_id.isdecimal():
            raise Http404
        visit = get_object_or_404(
            PlannedVisit.objects.of_manager(request.user)
            .select_related("client")
            .exclude(status=PlannedVisit.Status.CANCELLED),
            pk=visit_id,
        )
        return visit, visit.client
    if client_id.isdecimal():
        client = get_client(request.user, int(client_id))
        if client.owner_id != request.user.pk:
            raise PermissionDenied
        return None, client
    raise Http404


# --- month-end results and summaries ------------------------------------------------------


@login_required
def results(request):
    previous = rules.previous_month(timezone.localdate())
    own = month_review.results_of(request.user)[:24]
    queue = selectors.awaiting_decision(request.user, MonthResult.objects.all())
    return render(
        request,
        "visits/results.html",
        {
            "own": own,
            "queue": queue[:100],
            "default_month": previous,
            "this_month": rules.month_start(timezone.localdate()),
        },
    )


@login_required
@require_POST
def result_start(request):
    month = selectors.parse_month(request.POST.get("month"), rules.previous_month(timezone.localdate()))
    return redirect(month_review.result_for(request.user, month))


@login_required
def result_detail(request, pk: int):
    result = month_review.get_result(request.user, pk)
    can_edit = result.owner_id == request.user.pk and result.is_editable
    form = ResultForm(request.POST if request.method == "POST" else None, instance=result) if can_edit else None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                if "submit" in request.POST:
                    month_review.submit_result(form.instance, by=request.user)
                    messages.success(request, _("The month's results were submitted to your supervisor."))
                else:
                    month_review.save_result(form.instance, by=request.user)
                    messages.success(request, _("Saved."))
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            return redirect(result)
    return render(
        request,
        "visits/result_detail.html",
        {
            "result": result,
            "form": form,
            "progress": selectors.month_progress(result.owner, result.month, rules.month_end(result.month)),
            # Step 14: the month's market and brand analysis beside plan completion.
            "business": business.month_pace(
                [result.owner_id], result.month, rules.month_end(result.month), viewer=request.user
            ),
            "indicators": business.month_indicators(result.owner_id, result.month),
            "can_review": result.status == "submitted" and month_review.can_review(request.user, result),
            "decision_form": DecisionForm(),
            "history": result.history.select_related("history_user").order_by("history_date")[:50],
        },
    )


@login_required
@require_POST
def result_review(request, pk: int):
    result = month_review.get_result(request.user, pk)
    try:
        month_review.review_result(
            result,
            by=request.user,
            approve=request.POST.get("decision") == "approve",
            comment=request.POST.get("comment", ""),
        )
        messages.success(request, _("The review was recorded."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(result)


@login_required
def weekly_summary(request):
    day = _day(request)
    monday = selectors.monday_of(day)
    owner = selectors.owner_in_scope(request.user, request.GET.get("owner"))
    is_own = owner.pk == request.user.pk
    sunday = monday + timedelta(days=6)
    summary = selectors.week_summary(owner, monday)
    form = None
    if is_own:
        form = WeeklySummaryForm(
            request.POST if request.method == "POST" else None,
            instance=summary or WeeklySummary(owner=owner, week_start=monday),
        )
        if request.method == "POST" and form.is_valid():
            form.save()
            messages.success(request, _("The weekly summary was saved."))
            return redirect(f"{reverse('visits:weekly_summary')}?day={monday:%Y-%m-%d}")
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "visits/weekly_summary.html",
        {
            "monday": monday,
            "sunday": sunday,
            "owner": owner,
            "summary": summary,
            "form": form,
            # The month of the day asked for (a week may straddle two months), up to the week's end.
            "progress": selectors.month_progress(owner, day, sunday),
            # Step 13: quantity, average price and key-brand growth against the month's targets;
            # the figures are imported during the month, so the pace runs to today at most.
            "business": business.month_pace(
                [owner.pk], rules.month_start(day), min(sunday, timezone.localdate()), viewer=request.user
            ),
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7),
        },
    )
