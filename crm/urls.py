from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import pwa, views

admin.site.site_header = _("CRM administration")
admin.site.site_title = _("CRM administration")
admin.site.index_title = _("Tiers, policies, users and teams")

urlpatterns = [
    path("", include("home.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    # The installable web app: its worker is served from the root so that it may control
    # every page (static/ would limit it to /static/).
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("accounts/", include("accounts.urls")),
    path("clients/", include("clients.urls")),
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
    path("analysis/", include("analysis.urls")),
    path("inspections/", include("inspections.urls")),
    path("market/", include("market.urls")),
    path("documents/", include("documents.urls")),
    # The public survey page: no login, the token is the key.
    path("s/", include("surveys.public_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
# Uploads are never served as plain files, not even in development: evidence and photos are
# served by views that check the viewer's scope (e.g. complaints:attachment).
