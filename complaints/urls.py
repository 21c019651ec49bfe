from django.urls import path

from . import views

app_name = "complaints"

urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("new/", views.complaint_create, name="create"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/step/", views.complaint_step, name="step"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("return-visits/", views.return_visits, name="return_visits"),
    path("return-visits/<int:pk>/", views.return_visit_record, name="return_visit_record"),
]
