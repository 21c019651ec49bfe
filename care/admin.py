from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import DeclinedGift, EventInvitation, Gift


@admin.register(Gift)
class GiftAdmin(SimpleHistoryAdmin):
    list_display = ["given_on", "client", "contact", "occasion", "item", "value", "status", "given_by", "decided_by"]
    list_filter = ["status", "occasion"]
    search_fields = ["item", "client__name", "client__code", "contact__name"]
    raw_id_fields = ["client", "contact", "given_by", "decided_by"]
    date_hierarchy = "given_on"


@admin.register(DeclinedGift)
class DeclinedGiftAdmin(admin.ModelAdmin):
    list_display = ["offered_on", "client", "description", "recorded_by"]
    search_fields = ["description", "client__name", "client__code"]
    raw_id_fields = ["client", "recorded_by"]


@admin.register(EventInvitation)
class EventInvitationAdmin(SimpleHistoryAdmin):
    list_display = ["event_date", "event_name", "client", "contact", "sent_on", "rsvp", "attended", "owner"]
    list_filter = ["rsvp", "attended"]
    search_fields = ["event_name", "client__name", "client__code", "contact__name"]
    raw_id_fields = ["client", "contact", "owner"]
    date_hierarchy = "event_date"
