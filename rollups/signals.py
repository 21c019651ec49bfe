"""Every planned visit, visit log, temporary task, survey answer, complaint and business
figure saved (or deleted: see below for figures) one at a time refreshes its manager's day
(or month) in the rollups, in the same transaction (``services.refresh_days`` and its kin).
The day and manager it had when loaded are remembered, so moving a visit to another day or
manager refreshes both. Bulk writes send no signal: they call the services themselves."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_init, post_save, pre_delete

from analysis.models import BusinessFigure, Product
from clients.models import Client
from complaints.models import Complaint
from surveys.models import Response
from visits.models import PlannedVisit, TemporaryTask, VisitLog

from . import services

SENDERS = (PlannedVisit, TemporaryTask, VisitLog)


def _where(instance) -> tuple:
    # From the instance's own fields only: reading a deferred field here would query.
    fields = instance.__dict__
    return (fields.get("owner_id"), fields.get("date"))


def remember(sender, instance, **kwargs) -> None:
    instance._rollup_was = _where(instance)


def refresh(sender, instance, raw: bool = False, **kwargs) -> None:
    if raw:  # loading fixtures
        return
    now = _where(instance)
    was = getattr(instance, "_rollup_was", now)
    services.refresh_days({now, was})
    instance._rollup_was = now


for _sender in SENDERS:
    post_init.connect(remember, sender=_sender, dispatch_uid=f"rollups_remember_{_sender.__name__}")
    post_save.connect(refresh, sender=_sender, dispatch_uid=f"rollups_saved_{_sender.__name__}")
    post_delete.connect(refresh, sender=_sender, dispatch_uid=f"rollups_deleted_{_sender.__name__}")


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
    return fields.get("tier_id"), fields.get("owner_id"), fields.get("team_id")


def refresh_tier(sender, instance, raw: bool = False, created: bool = False, **kwargs) -> None:
    """A client's tier, owner or team changed, by any path that saves it (its form, the
    admin, an import): the rollups that carry them are recomputed. The complaint rollups
    keep the client's tier; the visit, answer and figure rollups its owner and team."""
    now = _client_key(instance)
    was = getattr(instance, "_rollup_client_was", now)
    instance._rollup_client_was = now
    if raw or created:
        return
    (tier, owner, team), (tier_was, owner_was, team_was) = now, was
    if tier_was is not None and tier != tier_was:
        services.refresh_client_complaints(instance)
    if (owner_was, team_was) != (None, None) and (owner, team) != (owner_was, team_was):
        services.refresh_client(instance)
        services.refresh_client_answers(instance)
        services.refresh_client_figures(instance, owners=[owner_was])


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


def refresh_client_deleted(sender, instance, **kwargs) -> None:
    months = getattr(instance, "_rollup_figure_months", None)
    if months:
        services.refresh_client_figures(instance, months=months)


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
