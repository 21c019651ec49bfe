from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from crm.admin import LabelledListEditable

from .models import ClientWarning, ScorecardWeights, WarningRule


@admin.register(WarningRule)
class WarningRuleAdmin(LabelledListEditable, SimpleHistoryAdmin):
    list_display = ["code", "enabled", "threshold", "window_days"]
    list_editable = ["enabled", "threshold", "window_days"]
    readonly_fields = ["code"]

    # The rules are the ones the code knows: an admin tunes or disables them.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ClientWarning)
class ClientWarningAdmin(admin.ModelAdmin):
    list_display = ["client", "rule", "reason", "active", "first_flagged_at", "last_seen_at", "cleared_at"]
    list_filter = ["rule", "active"]
    search_fields = ["client__name", "client__code"]
    list_select_related = ["client"]
    readonly_fields = ["client", "rule", "params", "active", "first_flagged_at", "last_seen_at", "cleared_at"]

    # Warnings are the job's to set and clear.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ScorecardWeights)
class ScorecardWeightsAdmin(SimpleHistoryAdmin):
    list_display = [
        "__str__",
        "plan_completion",
        "coverage",
        "new_clients",
        "requests_on_time",
        "complaints_on_time",
        "punctuality",
        "return_visits",
        "satisfaction",
        "spot_checks",
        "new_clients_target",
    ]
    fieldsets = [
        (_("Visit targets"), {"fields": ["plan_completion", "coverage"]}),
        (_("Development"), {"fields": ["new_clients", "new_clients_target"]}),
        (_("Daily work"), {"fields": ["requests_on_time", "complaints_on_time"]}),
        (_("Attendance, teamwork and client care"), {"fields": ["punctuality", "return_visits"]}),
        (_("Satisfaction"), {"fields": ["satisfaction"]}),
        (_("Supervisor spot checks"), {"fields": ["spot_checks"]}),
    ]

    def has_add_permission(self, request):
        return not ScorecardWeights.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
