from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import BulkMessage, BulkRecipient, FollowUpTask, Interaction


@admin.register(Interaction)
class InteractionAdmin(SimpleHistoryAdmin):
    list_display = ["occurred_at", "client", "channel", "direction", "owner", "is_request", "reply_due", "replied_at"]
    list_filter = ["channel", "direction", "is_request", "visit_needed"]
    search_fields = ["client__name", "client__code", "summary"]
    raw_id_fields = ["client", "contact", "owner", "team", "planned_visit", "bulk_message", "created_by"]
    date_hierarchy = "occurred_at"
    # Deadlines and answers come from the workflow, not from hand edits.
    readonly_fields = ["reply_due", "replied_at", "visit_due", "visit_planned_at", "planned_visit", "bulk_message"]

    def has_delete_permission(self, request, obj=None):
        return False  # kept for good, like visit logs and complaints


@admin.register(FollowUpTask)
class FollowUpTaskAdmin(SimpleHistoryAdmin):
    list_display = ["description", "client", "owner", "due_on", "done_at"]
    list_filter = ["done_at"]
    search_fields = ["description", "client__name"]
    raw_id_fields = ["client", "owner", "interaction"]


class RecipientInline(admin.TabularInline):
    model = BulkRecipient
    extra = 0
    fields = ["client", "contact", "address", "sent_at", "error"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(BulkMessage)
class BulkMessageAdmin(SimpleHistoryAdmin):
    list_display = ["subject", "author", "channel", "status", "created_at", "decided_by", "sent_at"]
    list_filter = ["status", "channel"]
    search_fields = ["subject", "body"]
    raw_id_fields = ["author", "team"]
    # Approval happens on the message page, by the author's supervisor: never here.
    readonly_fields = ["status", "decided_by", "decided_at", "decision_comment", "sent_at"]
    inlines = [RecipientInline]
