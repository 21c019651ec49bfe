from django.contrib import admin

from .models import JobRun, Notification


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
