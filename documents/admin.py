from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ClientDocument


@admin.register(ClientDocument)
class ClientDocumentAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "client", "expires_on", "uploaded_by", "uploaded_at", "removed_at"]
    list_filter = ["kind", "expires_on"]
    search_fields = ["title", "client__name", "client__code"]
    raw_id_fields = ["client", "uploaded_by", "removed_by", "replaces"]
    readonly_fields = ["reminded_for"]

    def has_delete_permission(self, request, obj=None):
        return False  # removed through the client file, kept for the history
