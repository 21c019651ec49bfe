"""The profile page's token buttons (HTML pages, outside /api/)."""

from django.urls import path

from . import pages

app_name = "api_tokens"

urlpatterns = [
    path("new/", pages.token_create, name="create"),
    path("<int:pk>/revoke/", pages.token_revoke, name="revoke"),
]
