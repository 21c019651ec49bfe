"""Dashboard figures kept for a few minutes, per viewer (supervisors and admins).

A company-wide board reads a month of visits, complaints and surveys (hundreds of
thousands of rows at 100,000 clients): computed once, it is served from the cache for
``CRM_DASHBOARD_CACHE_SECONDS`` (5 minutes by default; 0 turns it off). The page says how
old its figures are and offers "Refresh", which computes them again (figures less than
``CRM_DASHBOARD_REFRESH_SECONDS`` old are served as they are).

It is safe because the key is the viewer (their account: id and when it was made, so a
reused id never meets an old entry) and their scope's fingerprint (accounts/scoping.py:
role, admin rights, the teams they supervise; any change is a new key), with the board, its
filters, the day and the language. Nobody is served figures computed for another scope.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from accounts.scoping import Scope

T = TypeVar("T")


def viewer_key(request, scope: Scope, board: str, *filters) -> str:
    user = request.user
    parts = [
        "dashboard",
        board,
        str(user.pk),
        f"{user.date_joined.timestamp():.6f}",
        scope.fingerprint,
        f"{timezone.localdate():%Y%m%d}",
        get_language() or "",
        *(str(part) for part in filters),
    ]
    return ":".join(parts)


def remembered(request, scope: Scope, board: str, filters: tuple, compute: Callable[[], T]) -> tuple[T, datetime]:
    """``(figures, computed_at)``: from the cache when fresh enough, otherwise ``compute()``
    (then kept). Exports are always computed; the viewer's "Refresh" (``?refresh=1``) is,
    unless the kept figures are younger than ``CRM_DASHBOARD_REFRESH_SECONDS`` (a minute):
    clicking it again and again does not recompute a company-wide month each time."""
    # A manager's board covers their own work only: cheap, and they expect to see the visit
    # they just logged. Supervisors and admins look across teams.
    seconds = 0 if request.user.is_manager else settings.CRM_DASHBOARD_CACHE_SECONDS
    served_until = seconds  # the age up to which kept figures are served
    if request.GET.get("refresh") == "1":
        served_until = min(seconds, settings.CRM_DASHBOARD_REFRESH_SECONDS)
    key = viewer_key(request, scope, board, *filters)
    if served_until > 0 and "export" not in request.GET:
        hit = cache.get(key)
        # The age is checked here too: the cache's own expiry is the backend's business.
        if hit is not None and timezone.now() - hit[1] < timedelta(seconds=served_until):
            return hit
    result = (compute(), timezone.now())
    if seconds > 0:
        cache.set(key, result, seconds)
    return result
