from django.urls import path

from . import views

app_name = "visits"

urlpatterns = [
    path("plans/", views.plan_list, name="plans"),
    path("plans/start/", views.plan_start, name="plan_start"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/decide/", views.plan_decide, name="plan_decide"),
    path("strategies/<int:client_pk>/", views.client_strategies, name="strategies"),
    path("schedule/", views.schedule, name="schedule"),
    path("schedule/generate/", views.schedule_generate, name="schedule_generate"),
    path("schedule/add/", views.schedule_add, name="schedule_add"),
    path("schedule/<int:pk>/remove/", views.visit_cancel, name="visit_remove"),
    path("calendar/", views.calendar_month, name="calendar"),
    path("calendar/week/", views.calendar_week, name="calendar_week"),
    path("calendar/address/", views.feed_reset, name="feed_reset"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
]
