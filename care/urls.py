from django.urls import path

from . import views

app_name = "care"

urlpatterns = [
    path("", views.care_calendar, name="calendar"),
    path("gifts/", views.gifts, name="gifts"),
    path("gifts/<int:pk>/decide/", views.gift_decide, name="gift_decide"),
    path("gifts/declined/", views.declined_add, name="declined_add"),
    path("events/", views.events, name="events"),
    path("events/<int:pk>/", views.event_update, name="event_update"),
]
