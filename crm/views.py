"""Liveness and readiness answers for supervisors, load balancers and monitors."""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import run_checks


@never_cache
@require_GET
def healthz(request):
    """Liveness: the process answers (no database, no login). For restarts by a supervisor."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    """Readiness for load balancers and monitors (no login, no secrets): database,
    migrations, cache, broker, and a worker and the beat seen recently; 503 otherwise."""
    ready, results = run_checks()
    return JsonResponse({"status": "ok" if ready else "error", "checks": results}, status=200 if ready else 503)
