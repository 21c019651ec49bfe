from django.urls import path

from . import views

app_name = "performance"

urlpatterns = [
    path("at-risk/", views.at_risk, name="at_risk"),
    path("scorecard/", views.scorecard, name="scorecard"),
    path("scorecard/<int:manager_id>/<slug:figure>/", views.scorecard_records, name="scorecard_records"),
    path("clients/<int:client_pk>/mark/", views.mark, name="mark"),
]
