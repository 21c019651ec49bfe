from django.urls import path

from . import views

app_name = "interactions"

urlpatterns = [
    path("client/<int:client_pk>/log/", views.log, name="log"),
    path("requests/", views.requests, name="requests"),
    path("<int:pk>/reply/", views.reply, name="reply"),
    path("<int:pk>/plan-visit/", views.plan_visit, name="plan_visit"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("follow-ups/<int:pk>/done/", views.follow_up_done, name="follow_up_done"),
    path("messages/", views.message_list, name="messages"),
    path("messages/new/", views.message_new, name="message_new"),
    path("messages/<int:pk>/", views.message_detail, name="message"),
    path("messages/<int:pk>/decide/", views.message_decide, name="message_decide"),
    path("messages/<int:pk>/sent/", views.message_sent, name="message_sent"),
]
