from django.urls import path

from . import views

app_name = "home"

urlpatterns = [
    path("", views.start, name="start"),
    path("clients/<int:pk>/history/", views.client_history, name="client_history"),
]
