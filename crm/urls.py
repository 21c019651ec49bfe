from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from surveys import views as survey_views

from . import views

admin.site.site_header = _("CRM administration")
admin.site.site_title = _("CRM administration")
admin.site.index_title = _("Tiers, policies, users and teams")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("accounts/", include("accounts.urls")),
    path("clients/", include("clients.urls")),
    path("clients/<int:pk>/history/", views.client_audit, name="client_history"),
    path("visits/", include("visits.urls")),
    path("complaints/", include("complaints.urls")),
    path("inbox/", include("notifications.urls")),
    path("surveys/", include("surveys.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("interactions/", include("interactions.urls")),
    path("performance/", include("performance.urls")),
    path("api/", include("api.urls")),
    path("accounts/api-tokens/", include("api.token_urls")),
    path("care/", include("care.urls")),
    # The public survey page: no login, the token is the key.
    path("s/<str:token>/", survey_views.respond, name="survey_respond"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
# Uploads are never served as plain files, not even in development: evidence and photos are
# served by views that check the viewer's scope (e.g. complaints:attachment).
