"""Records that are kept for good: complaints and visit logs are archived (closed,
cancelled), never deleted, so the audit trail always has what it refers to."""

from django.core.exceptions import PermissionDenied


class NeverDeleted:
    """Mixin for a model whose rows must never be deleted (the admin hides deletion too,
    and foreign keys to them protect them from cascades)."""

    def delete(self, *args, **kwargs):
        raise PermissionDenied(f"{self._meta.verbose_name} records are never deleted; close or archive them instead.")
