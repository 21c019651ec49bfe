"""Liveness and readiness answers for supervisors, load balancers and monitors."""

import ipaddress

from axes.helpers import get_client_ip_address
from django.conf import settings
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
    """Readiness for load balancers and monitors (no login): database, migrations, cache,
    broker, and a worker and the beat seen recently; 503 otherwise. Whether each check
    passed is public; what the services are and how they failed (engine, host names,
    error texts) only staff and the addresses in CRM_READYZ_DETAIL_IPS see."""
    ready, results = run_checks()
    if not may_see_readiness_details(request):
        results = {name: {"ok": result["ok"]} for name, result in results.items()}
    return JsonResponse({"status": "ok" if ready else "error", "checks": results}, status=200 if ready else 503)


def may_see_readiness_details(request) -> bool:
    if getattr(request, "user", None) is not None and request.user.is_staff:
        return True
    allowed = settings.CRM_READYZ_DETAIL_IPS
    if not allowed:
        return False
    try:
        # The client's address as the login lockout sees it (AXES_PROXY_COUNT proxies).
        address = ipaddress.ip_address(get_client_ip_address(request) or "")
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(network, strict=False) for network in allowed)
