from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline
from simple_history.admin import SimpleHistoryAdmin

from crm.forms import NamedInSomeLanguage
from rollups import services as rollups

from .models import (
    CalendarFeed,
    ChecklistAnswer,
    ChecklistItem,
    MonthlyPlan,
    MonthResult,
    PlanLine,
    PlannedVisit,
    PlanTransition,
    PreparationItem,
    ServiceStrategy,
    TemporaryTask,
    VisitLog,
    VisitPhoto,
    VisitType,
    WeeklyArrangement,
    WeeklySummary,
)
from .services import advance_last_visit


class PlanLineInline(admin.TabularInline):
    model = PlanLine
    extra = 0
    fields = ["client", "is_key", "key_reasons", "open_strategies", "frequency"]
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


class PlanTransitionInline(admin.TabularInline):
    model = PlanTransition
    extra = 0
    fields = ["at", "by", "from_status", "to_status", "comment"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(MonthlyPlan)
class MonthlyPlanAdmin(SimpleHistoryAdmin):
    list_display = ["owner", "month", "status", "team", "submitted_at", "decided_by"]
    list_filter = ["status", "team", "month"]
    search_fields = ["owner__username", "owner__first_name", "owner__last_name"]
    autocomplete_fields = ["owner", "team"]
    list_select_related = ["owner", "team", "decided_by"]
    readonly_fields = ["status", "submitted_at", "decided_by", "decided_at", "decision_comment"]
    inlines = [PlanTransitionInline, PlanLineInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        plan = form.instance
        if plan.status == MonthlyPlan.Status.APPROVED:  # its lines, just saved: the board's coverage
            rollups.refresh_coverage({(plan.owner_id, plan.month)})


@admin.register(ServiceStrategy)
class ServiceStrategyAdmin(SimpleHistoryAdmin):
    list_display = ["text", "client", "month", "state", "done_by", "done_at"]
    list_filter = ["state", "month"]
    search_fields = ["text", "client__name", "client__code"]
    autocomplete_fields = ["client"]
    list_select_related = ["client", "done_by"]


@admin.register(PlannedVisit)
class PlannedVisitAdmin(SimpleHistoryAdmin):
    list_display = ["date", "appointment_time", "client", "owner", "method", "visit_type", "source", "status"]
    list_filter = ["status", "source", "method", "visit_type"]
    search_fields = ["client__name", "client__code", "owner__username"]
    autocomplete_fields = ["client", "owner"]
    list_select_related = ["client", "owner"]
    date_hierarchy = "date"


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["owner", "created_at"]
    search_fields = ["owner__username"]
    exclude = ["token"]


class VisitPhotoInline(admin.TabularInline):
    model = VisitPhoto
    extra = 0


class ChecklistAnswerInline(admin.TabularInline):
    model = ChecklistAnswer
    extra = 0
    fields = ["text", "required", "done", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(VisitLog)
class VisitLogAdmin(SimpleHistoryAdmin):
    list_display = ["date", "client", "owner", "method", "is_temporary", "next_follow_up"]
    list_filter = ["method", "is_temporary"]
    search_fields = ["client__name", "client__code", "owner__username", "work_done"]
    autocomplete_fields = ["client", "owner"]
    list_select_related = ["client", "owner"]
    readonly_fields = ["submission", "planned_visit", "checked_in_at", "latitude", "longitude", "created_at"]
    filter_horizontal = ["completed_strategies"]
    date_hierarchy = "date"
    inlines = [VisitPhotoInline, ChecklistAnswerInline]

    def has_delete_permission(self, request, obj=None):
        return False  # visit records are never deleted

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A visit added or redated here counts like one logged by the manager.
        advance_last_visit(obj.client, obj.date)


@admin.register(TemporaryTask)
class TemporaryTaskAdmin(SimpleHistoryAdmin):
    list_display = ["date", "owner", "description", "client"]
    search_fields = ["description", "owner__username", "client__name"]
    autocomplete_fields = ["client", "owner"]
    list_select_related = ["client", "owner"]
    date_hierarchy = "date"


@admin.register(MonthResult)
class MonthResultAdmin(SimpleHistoryAdmin):
    list_display = ["owner", "month", "status", "team", "decided_by"]
    list_filter = ["status", "team", "month"]
    search_fields = ["owner__username"]
    list_select_related = ["owner", "team", "decided_by"]
    readonly_fields = ["status", "submitted_at", "decided_by", "decided_at", "decision_comment"]


@admin.register(WeeklyArrangement)
class WeeklyArrangementAdmin(SimpleHistoryAdmin):
    list_display = ["owner", "week_start"]
    search_fields = ["owner__username"]
    list_select_related = ["owner"]


@admin.register(WeeklySummary)
class WeeklySummaryAdmin(SimpleHistoryAdmin):
    list_display = ["owner", "week_start", "assessment"]
    list_filter = ["assessment"]
    search_fields = ["owner__username"]
    list_select_related = ["owner"]


# --- visit types: what a visit must include -------------------------------------------------


class ChecklistItemInline(TranslationTabularInline):
    model = ChecklistItem
    form = NamedInSomeLanguage
    extra = 1
    fields = ["position", "text", "required", "is_active"]


class PreparationItemInline(TranslationTabularInline):
    model = PreparationItem
    form = NamedInSomeLanguage
    extra = 1
    fields = ["position", "text"]


@admin.register(VisitType)
class VisitTypeAdmin(TranslationAdmin, SimpleHistoryAdmin):
    """Admins define what each kind of visit must include; deactivate a type rather than
    delete it (past visits keep theirs)."""

    form = NamedInSomeLanguage
    list_display = ["name", "code", "requires_photo", "requires_survey", "is_active", "position"]
    list_filter = ["is_active", "requires_photo", "requires_survey"]
    search_fields = ["name_en", "name_zh_hans", "code"]
    inlines = [ChecklistItemInline, PreparationItemInline]


@admin.register(ChecklistItem)
class ChecklistItemAdmin(TranslationAdmin, SimpleHistoryAdmin):
    """Each item's own history (an inline's edits are recorded on the item)."""

    form = NamedInSomeLanguage
    list_display = ["text", "visit_type", "required", "is_active", "position"]
    list_filter = ["visit_type", "required", "is_active"]
    list_select_related = ["visit_type"]


@admin.register(PreparationItem)
class PreparationItemAdmin(TranslationAdmin, SimpleHistoryAdmin):
    form = NamedInSomeLanguage
    list_display = ["text", "visit_type", "position"]
    list_filter = ["visit_type"]
    list_select_related = ["visit_type"]
