from django.contrib import admin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from crm.admin import LabelledListEditable
from crm.forms import NamedInSomeLanguage

from .models import Attachment, Category, Complaint, ComplaintEvent, ReturnVisit, SlaPolicy


@admin.register(Category)
class CategoryAdmin(TranslationAdmin, SimpleHistoryAdmin):
    form = NamedInSomeLanguage
    list_display = ["__str__", "parent", "is_active", "quality"]
    list_filter = ["is_active", "quality", "parent"]
    search_fields = ["name_en", "name_zh_hans"]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(LabelledListEditable, SimpleHistoryAdmin):
    list_display = ["severity", "first_response_hours", "resolution_hours", "on_site_hours", "business_hours"]
    list_editable = ["first_response_hours", "resolution_hours", "on_site_hours", "business_hours"]


class EventInline(admin.TabularInline):
    model = ComplaintEvent
    extra = 0
    fields = ["at", "kind", "by", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0


@admin.register(Complaint)
class ComplaintAdmin(SimpleHistoryAdmin):
    list_display = ["number", "client", "severity", "state", "level", "owner", "received_at", "resolution_due"]
    list_filter = ["state", "severity", "level", "channel", "category"]
    search_fields = ["number", "client__name", "client__code", "description"]
    autocomplete_fields = ["client", "owner", "contact"]
    list_select_related = ["client", "owner"]
    readonly_fields = ["number", "first_response_due", "resolution_due", "created_by", "state", "level"]
    date_hierarchy = "received_at"
    inlines = [EventInline, AttachmentInline]

    def has_delete_permission(self, request, obj=None):
        return False  # complaint records are never deleted


@admin.register(ReturnVisit)
class ReturnVisitAdmin(SimpleHistoryAdmin):
    list_display = ["complaint", "owner", "due_date", "done_at", "satisfied"]
    list_filter = ["satisfied"]
    list_select_related = ["complaint", "owner"]
    search_fields = ["complaint__number"]
