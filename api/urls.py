from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

# The documentation pages' scripts (Swagger UI, Redoc; local files) style the page from
# JavaScript and Redoc searches in a worker: only these two pages allow that.
DOCS_CSP = csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"], "img-src": ["data:"]})


class Router(SimpleRouter):
    # Ids are numbers that fit a database column: anything else is a 404 before any query.
    def get_lookup_regex(self, viewset, lookup_prefix=""):
        return rf"(?P<{lookup_prefix}pk>[0-9]{{1,18}})"


router = Router(trailing_slash=True)
router.register("clients", views.ClientViewSet, basename="client")
router.register("contacts", views.ContactViewSet, basename="contact")
router.register("visits", views.PlannedVisitViewSet, basename="visit")
router.register("visit-logs", views.VisitLogViewSet, basename="visit-log")
router.register("interactions", views.InteractionViewSet, basename="interaction")
router.register("complaints", views.ComplaintViewSet, basename="complaint")
router.register("notifications", views.NotificationViewSet, basename="notification")
router.register("products", views.ProductViewSet, basename="product")
router.register("figures", views.FigureViewSet, basename="figure")
router.register("analyses", views.MonthAnalysisViewSet, basename="analysis")

urlpatterns = [
    path("v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("v1/docs/", DOCS_CSP(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"),
    path("v1/redoc/", DOCS_CSP(SpectacularRedocView.as_view(url_name="api:schema")), name="redoc"),
    path("v1/changes/", views.ChangesView.as_view(), name="changes"),
    path("v1/", include(router.urls)),
]
