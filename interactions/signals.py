"""A visit planned at a client answers its open requests for a visit (a cancelled one no
longer does); open work follows the client to a new account manager."""

from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver

from clients.models import OwnerChange
from visits.models import PlannedVisit

from . import services


@receiver(post_save, sender=PlannedVisit, dispatch_uid="interactions_visit_planned")
def visit_planned(sender, instance: PlannedVisit, created: bool, **kwargs) -> None:
    if created:
        services.link_planned_visit(instance)
    elif instance.status == PlannedVisit.Status.CANCELLED:
        services.unlink_cancelled_visit(instance)


@receiver(pre_delete, sender=PlannedVisit, dispatch_uid="interactions_visit_removed")
def visit_removed(sender, instance: PlannedVisit, **kwargs) -> None:
    services.unlink_cancelled_visit(instance)


@receiver(post_save, sender=OwnerChange, dispatch_uid="interactions_follow_owner_change")
def move_open_work(sender, instance: OwnerChange, created: bool, **kwargs) -> None:
    if created:
        services.move_open_work(instance.client, instance.to_owner)
