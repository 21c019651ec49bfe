from django.urls import path

from . import views

app_name = "home"

urlpatterns = [
    path("", views.start, name="start"),
    path("search/", views.site_search, name="search"),
    path("search/suggest/", views.search_suggest, name="search_suggest"),
    path("clients/<int:pk>/history/", views.client_history, name="client_history"),
]
