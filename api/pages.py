"""Creating and revoking personal API tokens from the profile page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .forms import TokenForm
from .models import ApiToken

MAX_ACTIVE_TOKENS = 10


@never_cache
@login_required
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("accounts:profile")
    if ApiToken.objects.filter(user=request.user, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        messages.error(request, _("You have 10 active tokens: revoke one first."))
        return redirect("accounts:profile")
    token, raw = ApiToken.issue(request.user, form.cleaned_data["name"])
    # Shown on this page only: it is not stored and cannot be shown again.
    return render(request, "api/token_created.html", {"token": token, "raw": raw})


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token.revoke()
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("accounts:profile")
