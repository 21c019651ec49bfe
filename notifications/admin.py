from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Heartbeat, JobRun, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Also the delivery log: when each reminder was e-mailed, or why it failed."""

    list_display = ["recipient", "kind", "message", "created_at", "read_at", "emailed_at", "email_error"]
    list_filter = ["kind", ("emailed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["recipient"]
    search_fields = ["recipient__username", "message", "key"]
    date_hierarchy = "created_at"


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    """What the scheduled jobs did: last runs, counts and errors."""

    list_display = ["name", "started_at", "duration", "ok", "counts", "trigger"]
    list_filter = ["name", "ok", "trigger"]
    date_hierarchy = "started_at"
    readonly_fields = ["name", "started_at", "finished_at", "ok", "counts", "errors", "trigger"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    """Which Celery workers and beat are alive (a worker that stopped cleanly is removed;
    one that crashed stays here, no longer alive)."""

    list_display = ["name", "kind", "alive", "seen_at", "started_at", "detail"]
    list_filter = ["kind"]
    readonly_fields = ["name", "kind", "started_at", "seen_at", "detail"]

    @admin.display(boolean=True, description=_("alive"))
    def alive(self, obj):
        return obj.is_alive()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
