"""The public survey page: no login, the token is the key. Outside the ``surveys``
namespace, at ``/s/<token>/``, so that the link sent to a client stays short."""

from django.urls import path

from . import views

urlpatterns = [
    path("<str:token>/", views.respond, name="survey_respond"),
]
