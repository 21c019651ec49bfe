"""Records that are kept for good: complaints and visit logs are archived (closed,
cancelled), never deleted, so the audit trail always has what it refers to."""

from django.core.exceptions import PermissionDenied
from django.db.models.signals import pre_delete


def _refuse(sender, instance, **kwargs):
    raise PermissionDenied(f"{sender._meta.verbose_name} records are never deleted; close or archive them instead.")


class NeverDeleted:
    """Mixin for a model whose rows must never be deleted: ``delete()`` refuses, and so
    does a bulk ``queryset.delete()`` (through pre_delete, which Django sends for every
    row it deletes). The admin hides deletion too, and foreign keys to these models
    protect them from cascades."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        pre_delete.connect(
            _refuse, sender=cls, weak=False, dispatch_uid=f"never-deleted:{cls.__module__}.{cls.__name__}"
        )

    def delete(self, *args, **kwargs):
        _refuse(type(self), self)


class UpdatedOnEverySave:
    """Mixin for a model with ``updated_at`` (``auto_now``): Django moves it on a plain
    ``save()`` only, so a ``save(update_fields=[…])`` would change the row and leave the
    time behind. Here every save writes it, and the API's ``updated_since`` sync sees
    every change."""

    def save(self, *args, **kwargs):
        if kwargs.get("update_fields"):  # an empty list saves nothing, as Django has it
            kwargs["update_fields"] = {*kwargs["update_fields"], "updated_at"}
        super().save(*args, **kwargs)
