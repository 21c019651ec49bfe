from django.urls import path

from . import views, views_io

app_name = "clients"

urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.client_create, name="create"),
    path("pick/", views.client_pick, name="pick"),
    path("<int:pk>/", views.client_detail, name="detail"),
    path("<int:pk>/timeline/", views.client_timeline, name="timeline"),
    path("<int:pk>/edit/", views.client_edit, name="edit"),
    path("<int:client_pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/delete/", views.contact_delete, name="contact_delete"),
    path("<int:pk>/propose-grade/", views.propose_grade, name="propose_grade"),
    path("groups/<int:pk>/", views.group_detail, name="group"),
    path("proposals/", views.proposal_list, name="proposals"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/decide/", views.proposal_decide, name="proposal_decide"),
    path("import/", views_io.client_import, name="import"),
    path("import/confirm/", views_io.client_import_confirm, name="import_confirm"),
    path("import/errors/<str:token>.csv", views_io.client_import_errors, name="import_errors"),
    path("import/template.csv", views_io.client_import_template, name="import_template"),
    path("export/", views_io.client_export, name="export"),
]
