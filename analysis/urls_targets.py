"""Routes of steps 3–6 and the analysis overview (see urls.py)."""

from django.urls import path

from . import views_targets as views

urlpatterns: list = [
    path("", views.overview, name="overview"),
    path("team/", views.team, name="team"),
    path("focus/", views.focus, name="focus"),
    path("brand-targets/", views.brand_targets, name="brand_targets"),
    path("target-clients/", views.target_clients, name="target_clients"),
    path("brand/", views.brand_analysis, name="brand"),
    path("market/", views.market_analysis, name="market"),
]
