from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import MarketObservation


@admin.register(MarketObservation)
class MarketObservationAdmin(SimpleHistoryAdmin):
    list_display = ["observed_on", "client", "owner", "brand", "product", "price", "shelf_share"]
    list_filter = ["observed_on", "team", "shelf_position"]
    search_fields = ["brand", "product", "client__name", "client__code"]
    raw_id_fields = ["client", "owner", "visit_log", "interaction"]
    date_hierarchy = "observed_on"
