from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("visits/", views.visits, name="visits"),
    path("complaints/", views.complaints, name="complaints"),
    path("satisfaction/", views.satisfaction, name="satisfaction"),
    path("business/", views.business, name="business"),
    path("quarterly/", views.quarterly, name="quarterly"),
]
