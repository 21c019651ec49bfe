"""One JSON error shape for the whole API, in the request's language:

    {"error": {"status": 400, "code": "invalid", "message": "…",
               "fields": {"summary": [{"code": "required", "message": "This field is required."}]}}}

Django's own ValidationError and PermissionDenied raised by the services become the
same; a page outside DRF (an unknown /api/ URL, a server error) answers in JSON too.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

log = logging.getLogger(__name__)


def _details(detail) -> tuple[str, str, dict]:
    """(message, code, fields) from DRF's error detail."""
    if isinstance(detail, dict):
        fields = {}
        message, code = "", "invalid"
        for name, errors in detail.items():
            items = errors if isinstance(errors, list) else [errors]
            flat = [{"code": getattr(e, "code", "invalid"), "message": str(e)} for e in _flatten(items)]
            if name in ("non_field_errors", "__all__"):
                message = message or (flat[0]["message"] if flat else "")
                fields["non_field_errors"] = flat
            else:
                fields[name] = flat
        return message or _("Some fields are not valid."), code, fields
    if isinstance(detail, list):
        flat = list(_flatten(detail))
        first = flat[0] if flat else _("Not valid.")
        return str(first), getattr(first, "code", "invalid"), {}
    return str(detail), getattr(detail, "code", "error"), {}


def _flatten(items):
    for item in items:
        if isinstance(item, list):
            yield from _flatten(item)
        elif isinstance(item, dict):
            for value in item.values():
                yield from _flatten(value if isinstance(value, list) else [value])
        else:
            yield item


def body(status_code: int, message: str, code: str, fields: dict | None = None) -> dict:
    return {"error": {"status": status_code, "code": code, "message": message, "fields": fields or {}}}


def handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and set(data) == {"detail"}:
        # Not about fields: 401, 403, 404, 405, 412, 428, 429…
        detail = data["detail"]
        message, code, fields = str(detail), getattr(detail, "code", None) or "error", {}
    else:
        message, code, fields = _details(data)
    if isinstance(exc, exceptions.APIException) and not isinstance(exc.detail, dict | list):
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else code
    response.data = body(response.status_code, message, code, fields)
    return response


class JsonErrorsMiddleware:
    """Under /api/, an error page is JSON whatever produced it (an unknown URL, a method
    Django refused, an exception outside DRF)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            code = {404: "not_found", 405: "method_not_allowed", 403: "permission_denied"}.get(
                response.status_code, "error"
            )
            message = {404: _("Not found."), 405: _("Method not allowed."), 403: _("You may not do this.")}.get(
                response.status_code, _("The request failed.")
            )
            return JsonResponse(body(response.status_code, str(message), code), status=response.status_code)
        return response

    def process_exception(self, request, exception):
        # A 404 or 403 raised outside DRF gets its JSON answer in __call__ above.
        if not request.path.startswith("/api/") or isinstance(exception, Http404 | DjangoPermissionDenied):
            return None
        log.exception("API error on %s", request.path)
        return JsonResponse(
            body(500, _("Something went wrong on our side; it has been logged."), "server_error"),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
