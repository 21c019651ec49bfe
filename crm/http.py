"""Redirects to a URL that came from a request or a stored row."""

from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def search_text(text: str | None, max_length: int = 100) -> str:
    """Text typed into a search or filter box as searched: NUL characters (which PostgreSQL
    refuses) removed, spaces trimmed, at most ``max_length`` characters."""
    return (text or "").replace("\x00", "").strip()[:max_length].strip()


def redirect_back(request, url: str, fallback: str, *args):
    """Go to ``url`` if it is a path on this site ("/..."), otherwise to the ``fallback``
    view: never to another site, and never treat the text as a view name."""
    if url and url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(url)
    return redirect(fallback, *args)
