"""A visit planned at a client answers its open requests for a visit; open work follows
the client to a new account manager."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from clients.models import OwnerChange
from visits.models import PlannedVisit

from . import services
from .models import FollowUpTask, Interaction


@receiver(post_save, sender=PlannedVisit, dispatch_uid="interactions_visit_planned")
def visit_planned(sender, instance: PlannedVisit, created: bool, **kwargs) -> None:
    if created:
        services.link_planned_visit(instance)


@receiver(post_save, sender=OwnerChange, dispatch_uid="interactions_follow_owner_change")
def move_open_work(sender, instance: OwnerChange, created: bool, **kwargs) -> None:
    """A client given to another manager takes its open requests and follow-ups along."""
    if not created:
        return
    client = instance.client
    services.open_requests(Interaction.objects.filter(client_id=client.pk)).update(
        owner_id=instance.to_owner_id, team_id=client.team_id
    )
    FollowUpTask.objects.filter(client_id=client.pk, done_at__isnull=True).update(owner_id=instance.to_owner_id)
