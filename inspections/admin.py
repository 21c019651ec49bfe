from django.contrib import admin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from crm.admin import LabelledListEditable
from crm.forms import NamedInSomeLanguage

from .models import InspectionItem, SpotCheck, SpotCheckItem, VisitLogReview


@admin.register(InspectionItem)
class InspectionItemAdmin(LabelledListEditable, TranslationAdmin, SimpleHistoryAdmin):
    form = NamedInSomeLanguage
    list_display = ["name", "guidance", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name_en", "name_zh_hans", "guidance_en", "guidance_zh_hans"]

    # Sheets already signed refer to their items: retire an item instead.
    def has_delete_permission(self, request, obj=None):
        return False


class SpotCheckItemInline(admin.TabularInline):
    model = SpotCheckItem
    extra = 0
    readonly_fields = ["item", "passed", "note"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SpotCheck)
class SpotCheckAdmin(SimpleHistoryAdmin):
    list_display = ["date", "kind", "client", "manager", "checked_by", "score", "acknowledged_at"]
    list_filter = ["kind"]
    search_fields = ["client__name", "client__code", "manager__username", "checked_by__username"]
    raw_id_fields = ["client", "manager", "team", "checked_by", "acknowledged_by"]
    # The signature is the manager's own: never set by hand.
    readonly_fields = ["acknowledged_by", "acknowledged_at", "acknowledgement_comment"]
    date_hierarchy = "date"
    inlines = [SpotCheckItemInline]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(VisitLogReview)
class VisitLogReviewAdmin(SimpleHistoryAdmin):
    list_display = ["month", "manager", "reviewed_by", "reviewed_at", "logs_reviewed"]
    search_fields = ["manager__username", "comment"]
    raw_id_fields = ["manager", "team", "reviewed_by"]
    date_hierarchy = "month"
