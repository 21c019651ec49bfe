from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("client/<int:client_pk>/", views.client_documents, name="client"),
    path("<int:pk>/download/", views.download, name="download"),
    path("<int:pk>/replace/", views.replace, name="replace"),
    path("<int:pk>/remove/", views.remove, name="remove"),
    path("<int:pk>/expiry/", views.expiry, name="expiry"),
    path("renewals/", views.renewals, name="renewals"),
]
