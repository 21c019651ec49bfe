from django.urls import path

from . import views

app_name = "market"

urlpatterns = [
    path("", views.market_list, name="list"),
    path("export.csv", views.market_export, name="export"),
]
