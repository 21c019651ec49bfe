"""Every change to the calendar starts a new cache generation, now and again once the
transaction commits (a request that read the old rows meanwhile cannot keep them)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import CalendarDay
from .selectors import forget_cached_years


@receiver(post_save, sender=CalendarDay, dispatch_uid="workdays-saved")
@receiver(post_delete, sender=CalendarDay, dispatch_uid="workdays-deleted")
def calendar_changed(sender, **kwargs):
    forget_cached_years()
    transaction.on_commit(forget_cached_years)
