from django.urls import path

from . import views, views_daily

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
    path("week/", views_daily.week, name="week"),
    path("today/", views_daily.sheet, name="sheet"),
    path("today/task/", views_daily.task_add, name="task_add"),
    path("route/shortest/", views_daily.route_shortest, name="route_shortest"),
    path("planned/<int:pk>/mark/", views_daily.visit_mark, name="visit_mark"),
    path("planned/<int:pk>/check/", views_daily.visit_check, name="visit_check"),
    path("planned/<int:pk>/type/", views_daily.visit_type, name="visit_type"),
    path("log/", views_daily.log_visit, name="log"),
    path("outbox/", views_daily.outbox, name="outbox"),
    path("results/", views_daily.results, name="results"),
    path("results/start/", views_daily.result_start, name="result_start"),
    path("results/<int:pk>/", views_daily.result_detail, name="result"),
    path("results/<int:pk>/review/", views_daily.result_review, name="result_review"),
    path("summary/week/", views_daily.weekly_summary, name="weekly_summary"),
]
