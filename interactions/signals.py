"""A visit planned at a client answers its open requests for a visit (a cancelled one no
longer does). (Open work follows the client to a new account manager through
``clients.services.reassign_owner``, which calls ``services.hand_over_open_work``.)"""

from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver

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
