"""Keep planned visits with the client's account manager."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from clients.models import OwnerChange

from .models import PlannedVisit


@receiver(post_save, sender=OwnerChange, dispatch_uid="visits_follow_owner_change")
def move_planned_visits(sender, instance: OwnerChange, created: bool, **kwargs) -> None:
    """A client given to another manager takes its upcoming visits along; past ones
    stay with whoever made them."""
    if not created or instance.from_owner_id is None:
        return
    PlannedVisit.objects.filter(
        client_id=instance.client_id, status=PlannedVisit.Status.PLANNED, date__gte=timezone.localdate()
    ).update(owner_id=instance.to_owner_id, updated_at=timezone.now())
