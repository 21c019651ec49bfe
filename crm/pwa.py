"""The installable web app: its manifest (names in the page's language) and its service
worker (templates/pwa/sw.js, our own small worker; see README, "Field work offline")."""

import functools
import hashlib
import shutil
import subprocess

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

ICON_SIZES = (192, 512)


@functools.cache
def app_version() -> str:
    """CRM_APP_VERSION, else the git commit, else "dev"; with a digest of the worker's own
    text, so that a changed worker is a new version even without a commit."""
    version = settings.CRM_APP_VERSION
    git = shutil.which("git")
    if not version and git:
        try:
            version = subprocess.run(  # noqa: S603 (a fixed command, no input)
                [git, "rev-parse", "--short", "HEAD"], cwd=settings.BASE_DIR, capture_output=True, text=True,
                timeout=2, check=True,
            ).stdout.strip()  # fmt: skip
        except (OSError, subprocess.SubprocessError):
            version = ""
    source = (settings.BASE_DIR / "templates" / "pwa" / "sw.js").read_bytes()
    return f"{version or 'dev'}-{hashlib.sha256(source).hexdigest()[:8]}"


@require_GET
def service_worker(request):
    body = render_to_string(
        "pwa/sw.js",
        {
            "version": app_version(),
            "keep_days": settings.CRM_OFFLINE_KEEP_DAYS,
            "static_url": settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL,
        },
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache, no-store, must-revalidate"
    return response


def icon(path: str, size: int, purpose: str) -> dict:
    return {"src": static(path), "sizes": f"{size}x{size}", "type": "image/png", "purpose": purpose}


@require_GET
def manifest(request):
    """The names in the language asked for (?lang=, the page's), else the active one."""
    language = request.GET.get("lang", "")
    if language not in dict(settings.LANGUAGES):
        language = translation.get_language()
    with translation.override(language):
        data = {
            "name": _("Account manager CRM"),
            "short_name": _("CRM"),
            "description": _("Today's visits, client files and logs, also without a signal."),
            "lang": language,
            "start_url": reverse("visits:sheet"),
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#0d6efd",
            "icons": [icon(f"icons/icon-{size}.png", size, "any") for size in ICON_SIZES]
            + [icon("icons/icon-maskable-512.png", 512, "maskable")],
        }
    response = JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-cache"
    return response
