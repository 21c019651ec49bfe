"""Every planned visit, visit log, temporary task, survey answer, complaint and business
figure saved (or deleted: see below for figures) one at a time refreshes its manager's day
(or month) in the rollups, in the same transaction (``services.refresh_days`` and its kin).
The day and manager it had when loaded are remembered, so moving a visit to another day or
manager refreshes both. Bulk writes send no signal: they call the services themselves.
Inside ``services.batched`` (``visits.services.log_visit``) the refreshes asked for here are
collected and run once, when the write ends."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_init, post_save, pre_delete

from analysis.models import BusinessFigure, Product
from clients.models import Client
from complaints.models import Complaint
from surveys.models import Response
from visits.models import ChecklistAnswer, MonthlyPlan, PlanLine, PlannedVisit, TemporaryTask, VisitLog

from . import services

SENDERS = (PlannedVisit, TemporaryTask, VisitLog)


def _where(instance) -> tuple:
    # From the instance's own fields only: reading a deferred field here would query.
    fields = instance.__dict__
    return (fields.get("owner_id"), fields.get("date"))


def remember(sender, instance, **kwargs) -> None:
    instance._rollup_was = _where(instance)
    instance._rollup_client_was = instance.__dict__.get("client_id")


def refresh(sender, instance, raw: bool = False, **kwargs) -> None:
    if raw:  # loading fixtures
        return
    now = _where(instance)
    was = getattr(instance, "_rollup_was", now)
    if sender is VisitLog:
        # Which log is its client's first of the month may have changed (its client's now
        # and, for a log moved to another client in the admin, before); and the coverage
        # of its manager's plan.
        client_now = instance.__dict__.get("client_id")
        services.refresh_visit_logs({now, was}, {client_now, getattr(instance, "_rollup_client_was", client_now)})
        instance._rollup_client_was = client_now
    else:
        services.refresh_days({now, was})
    instance._rollup_was = now


for _sender in SENDERS:
    post_init.connect(remember, sender=_sender, dispatch_uid=f"rollups_remember_{_sender.__name__}")
    post_save.connect(refresh, sender=_sender, dispatch_uid=f"rollups_saved_{_sender.__name__}")
    post_delete.connect(refresh, sender=_sender, dispatch_uid=f"rollups_deleted_{_sender.__name__}")


# A checklist answer saved or deleted one by one (the admin's inline; a visit log's answers
# are bulk-created by ``visits.services.log_visit``, which refreshes itself): its log's day.


def refresh_checklist(sender, instance, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    services.refresh_days(VisitLog.objects.filter(pk=instance.log_id).values_list("owner_id", "date"))


post_save.connect(refresh_checklist, sender=ChecklistAnswer, dispatch_uid="rollups_saved_ChecklistAnswer")
post_delete.connect(refresh_checklist, sender=ChecklistAnswer, dispatch_uid="rollups_deleted_ChecklistAnswer")


# A monthly plan approved or no longer approved (``decisions``, the admin…), or a line saved
# one by one into an approved plan (the admin's inline, fixtures): the plan's coverage rows.
# Lines are bulk-written only while the plan is drafted (``visits.services.refresh_plan``: no
# coverage is kept for a plan not approved). A line deleted from an approved plan in the
# admin is refreshed by its plan page (``visits.admin.MonthlyPlanAdmin.save_related``): no
# delete signal on the lines, so that a draft's bulk delete stays one query.


def remember_plan(sender, instance, **kwargs) -> None:
    fields = instance.__dict__
    instance._rollup_was = (fields.get("owner_id"), fields.get("month"), fields.get("status"))


def refresh_plan(sender, instance, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    fields = instance.__dict__
    now = (fields.get("owner_id"), fields.get("month"), fields.get("status"))
    was = getattr(instance, "_rollup_was", now)
    instance._rollup_was = now
    if services.APPROVED_PLAN in (now[2], was[2]):
        services.refresh_coverage({now[:2], was[:2]})


def refresh_plan_line(sender, instance, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    if PlanLine.plan.is_cached(instance):  # as a form or a factory saves it: no query
        plan = instance.plan
        if plan.status == services.APPROVED_PLAN:
            services.refresh_coverage({(plan.owner_id, plan.month)})
        return
    services.refresh_coverage(
        MonthlyPlan.objects.filter(pk=instance.plan_id, status=services.APPROVED_PLAN).values_list("owner_id", "month")
    )


post_save.connect(refresh_plan_line, sender=PlanLine, dispatch_uid="rollups_saved_PlanLine")
post_init.connect(remember_plan, sender=MonthlyPlan, dispatch_uid="rollups_remember_MonthlyPlan")
post_save.connect(refresh_plan, sender=MonthlyPlan, dispatch_uid="rollups_saved_MonthlyPlan")
post_delete.connect(refresh_plan, sender=MonthlyPlan, dispatch_uid="rollups_deleted_MonthlyPlan")


# A survey answer: its manager's month (of the moment it was answered).


def remember_answer(sender, instance, **kwargs) -> None:
    fields = instance.__dict__
    instance._rollup_was = (fields.get("owner_id"), fields.get("submitted_at"))


def refresh_answer(sender, instance, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    now = (instance.__dict__.get("owner_id"), instance.__dict__.get("submitted_at"))
    services.refresh_survey_months({now, getattr(instance, "_rollup_was", now)})
    instance._rollup_was = now


post_init.connect(remember_answer, sender=Response, dispatch_uid="rollups_remember_Response")
post_save.connect(refresh_answer, sender=Response, dispatch_uid="rollups_saved_Response")
post_delete.connect(refresh_answer, sender=Response, dispatch_uid="rollups_deleted_Response")


# A complaint: its manager's day of receipt. A client whose tier changes: its complaints'
# days (their rows carry the client's tier). Complaints are never deleted (NeverDeleted).


def _complaint_key(instance) -> tuple:
    fields = instance.__dict__
    return (fields.get("owner_id"), fields.get("received_at"))


def remember_complaint(sender, instance, **kwargs) -> None:
    instance._rollup_was = _complaint_key(instance)


def refresh_complaint(sender, instance, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    now = _complaint_key(instance)
    if None in now:  # saved from a partial load: read what was written
        now = tuple(Complaint.objects.filter(pk=instance.pk).values_list("owner_id", "received_at").first() or now)
    services.refresh_complaint_days({now, getattr(instance, "_rollup_was", now)})
    instance._rollup_was = now


def remember_tier(sender, instance, **kwargs) -> None:
    instance._rollup_client_was = _client_key(instance)


def _client_key(client) -> tuple:
    fields = client.__dict__
    return fields.get("tier_id"), fields.get("owner_id"), fields.get("team_id"), fields.get("status")


def refresh_tier(sender, instance, raw: bool = False, created: bool = False, **kwargs) -> None:
    """A client's tier, owner, team or status changed, by any path that saves it (its form,
    the admin, an import): the rollups that carry them are recomputed. The complaint rollups
    keep the client's tier; the visit, answer and figure rollups its owner and team; the visit
    rollups count first visits of active clients only."""
    now = _client_key(instance)
    was = getattr(instance, "_rollup_client_was", now)
    instance._rollup_client_was = now
    if raw or created:
        return
    (tier, owner, team, status), (tier_was, owner_was, team_was, status_was) = now, was
    if tier_was is not None and tier != tier_was:
        services.refresh_client_complaints(instance)
    if (owner_was, team_was) != (None, None) and (owner, team) != (owner_was, team_was):
        services.refresh_client(instance)
        services.refresh_client_answers(instance)
        services.refresh_client_figures(instance, owners=[owner_was])
    elif status_was is not None and status != status_was:
        services.refresh_client(instance)


post_init.connect(remember_complaint, sender=Complaint, dispatch_uid="rollups_remember_Complaint")
post_save.connect(refresh_complaint, sender=Complaint, dispatch_uid="rollups_saved_Complaint")
post_init.connect(remember_tier, sender=Client, dispatch_uid="rollups_remember_client_tier")
post_save.connect(refresh_tier, sender=Client, dispatch_uid="rollups_client_tier")


# A business figure saved one by one (a test's factory, a fix in the shell): its client's
# owner's month, before and after. The import, the demo data and the generator write in
# bulk and call the services themselves. No delete signal: one would stop the import's
# set-based DELETE (Django fetches every row to send it); a figure deleted by hand is put
# right by the nightly rebuild. A client deleted takes its figures along (CASCADE): its
# owner's months are recomputed after. A product's key-brand flag changed: its months.


def _figure_key(instance) -> tuple:
    fields = instance.__dict__
    return (fields.get("client_id"), fields.get("month"))


def remember_figure(sender, instance, **kwargs) -> None:
    instance._rollup_was = _figure_key(instance)


def refresh_figure(sender, instance, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    now = _figure_key(instance)
    services.refresh_figures_of({now, getattr(instance, "_rollup_was", now)})
    instance._rollup_was = now


def remember_client_figures(sender, instance, **kwargs) -> None:
    instance._rollup_figure_months = services.figure_months_of_client(instance)
    # Its plan lines go with it (CASCADE, no signal of their own): the plans' coverage.
    instance._rollup_plan_months = services.plan_months_of_client(instance.pk)


def refresh_client_deleted(sender, instance, **kwargs) -> None:
    months = getattr(instance, "_rollup_figure_months", None)
    if months:
        services.refresh_client_figures(instance, months=months)
    if plan_months := getattr(instance, "_rollup_plan_months", None):
        services.refresh_coverage(plan_months)


def remember_key_brand(sender, instance, **kwargs) -> None:
    instance._rollup_key_brand_was = instance.__dict__.get("is_key_brand")


def refresh_key_brand(sender, instance, raw: bool = False, created: bool = False, **kwargs) -> None:
    now = instance.__dict__.get("is_key_brand")
    was = getattr(instance, "_rollup_key_brand_was", now)
    instance._rollup_key_brand_was = now
    if raw or created or was is None or now == was:
        return
    services.refresh_product_figures(instance)


post_init.connect(remember_figure, sender=BusinessFigure, dispatch_uid="rollups_remember_BusinessFigure")
post_save.connect(refresh_figure, sender=BusinessFigure, dispatch_uid="rollups_saved_BusinessFigure")
pre_delete.connect(remember_client_figures, sender=Client, dispatch_uid="rollups_remember_client_figures")
post_delete.connect(refresh_client_deleted, sender=Client, dispatch_uid="rollups_client_deleted")
post_init.connect(remember_key_brand, sender=Product, dispatch_uid="rollups_remember_key_brand")
post_save.connect(refresh_key_brand, sender=Product, dispatch_uid="rollups_key_brand")
