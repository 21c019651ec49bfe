"""A client given to another manager takes its open complaints and return visits along."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from clients.models import OwnerChange

from .models import Complaint, ReturnVisit
from .selectors import OPEN_STATES


@receiver(post_save, sender=OwnerChange, dispatch_uid="complaints_follow_owner_change")
def move_complaints(sender, instance: OwnerChange, created: bool, **kwargs) -> None:
    if not created or instance.from_owner_id is None:
        return
    new_owner = instance.to_owner
    Complaint.objects.filter(client_id=instance.client_id, state__in=[*OPEN_STATES, Complaint.State.RESOLVED]).update(
        owner=new_owner, team_id=new_owner.team_id, updated_at=timezone.now()
    )
    ReturnVisit.objects.filter(complaint__client_id=instance.client_id, done_at__isnull=True).update(owner=new_owner)
