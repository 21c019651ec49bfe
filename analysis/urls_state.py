"""Routes of steps 1–2 of the analysis (direct demand, business state); see urls.py."""

from django.urls import path

from . import views_state

urlpatterns: list = [
    path("demand/", views_state.demand, name="demand"),
    path("demand/confirm/", views_state.demand_confirm, name="demand_confirm"),
    path("effect/", views_state.effect, name="effect"),
    path("effect/compute/", views_state.effect_compute, name="effect_compute"),
    path("scores/", views_state.scores, name="scores"),
    path("scores/<int:client_pk>/", views_state.score, name="score"),
    path("strategies/generate/", views_state.generate, name="generate"),
    path("area/", views_state.area, name="area"),
]
