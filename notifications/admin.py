from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Heartbeat, JobRun, Notification


class DeliveryFilter(admin.SimpleListFilter):
    """Where each e-mail stands; "failed, not retried" is what needs a person."""

    title = _("e-mail delivery")
    parameter_name = "delivery"

    def lookups(self, request, model_admin):
        return [
            ("sent", _("e-mailed")),
            ("waiting", _("not e-mailed yet")),
            ("retrying", _("failed, will be retried")),
            ("failed", _("failed, not retried")),
        ]

    def queryset(self, request, queryset):
        unsent = queryset.filter(emailed_at__isnull=True)
        return {
            "sent": queryset.filter(emailed_at__isnull=False),
            "waiting": unsent.filter(email_error=""),
            "retrying": unsent.exclude(email_error="").filter(email_failed_at__isnull=True),
            "failed": unsent.filter(email_failed_at__isnull=False),
        }.get(self.value(), queryset)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Also the delivery log: when each reminder was e-mailed, or why it failed and
    whether anything will try again."""

    list_display = [
        "recipient", "kind", "message", "created_at", "read_at", "emailed_at", "email_error", "email_failed_at"
    ]  # fmt: skip
    list_filter = [DeliveryFilter, "kind"]
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
