"""A client given to another manager takes its open follow-ups along."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from clients.models import OwnerChange

from .models import FollowUp


@receiver(post_save, sender=OwnerChange, dispatch_uid="surveys_follow_owner_change")
def move_follow_ups(sender, instance: OwnerChange, created: bool, **kwargs) -> None:
    if created and instance.from_owner_id is not None:
        FollowUp.objects.filter(client_id=instance.client_id, done_at__isnull=True).update(owner=instance.to_owner)
