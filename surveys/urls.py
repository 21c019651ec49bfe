from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("", views.results, name="results"),
    path("clients/<int:client_pk>/invite/", views.invitation_create, name="invite"),
    path("invitations/<int:pk>/", views.invitation_detail, name="invitation"),
    path("invitations/<int:pk>/sent/", views.invitation_mark_sent, name="mark_sent"),
    path("invitations/<int:pk>/phone/", views.invitation_phone, name="phone"),
    path("follow-ups/<int:pk>/done/", views.follow_up_done, name="follow_up_done"),
]
