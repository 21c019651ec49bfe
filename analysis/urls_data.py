"""Routes of the analysis app (see urls.py): the data that comes in (business figures)."""

from django.urls import path

from . import views_figures

urlpatterns: list = [
    path("figures/import/", views_figures.figure_import, name="figures_import"),
    path("figures/import/confirm/", views_figures.figure_import_confirm, name="figures_import_confirm"),
    path("figures/import/errors/<str:token>.csv", views_figures.figure_import_errors, name="figures_import_errors"),
    path("figures/import/template.csv", views_figures.figure_import_template, name="figures_import_template"),
]
