from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.scoping import scope_for
from clients.selectors import get_client
from crm.forms import add_service_errors
from crm.http import redirect_back
from visits.rules import next_month, previous_month
from visits.selectors import owner_in_scope, parse_month

from . import selectors, services
from .forms import FollowUpDoneForm, InvitationForm, SurveyForm
from .models import Invitation, Response

PAGE_SIZE = 25


# --- public: the contact answers without logging in -------------------------------------


def _public_language(request, invitation: Invitation | None) -> str:
    chosen = request.GET.get("lang") or request.POST.get("lang")
    if chosen in dict(Invitation.Language.choices):
        return chosen
    if invitation is not None:
        return invitation.language
    return translation.get_language_from_request(request)


@never_cache
def respond(request, token: str):
    invitation = services.find_invitation(token)
    language = _public_language(request, invitation)
    with translation.override(language):
        if invitation is None:
            return render(request, "surveys/public_message.html", {"kind": "invalid", "lang": language}, status=404)
        try:
            services.check_open(invitation)
        except ValidationError as error:
            return render(request, "surveys/public_message.html", {"kind": error.code, "lang": language}, status=410)
        questions = list(invitation.template.questions.all())
        form = SurveyForm(request.POST if request.method == "POST" else None, questions=questions, language=language)
        if request.method == "POST" and form.is_valid():
            try:
                services.submit(invitation, form.answers())
            except ValidationError as error:
                if getattr(error, "code", None) in {"answered", "expired"}:
                    return render(
                        request, "surveys/public_message.html", {"kind": error.code, "lang": language}, status=410
                    )
                add_service_errors(form, error)
            else:
                return render(request, "surveys/public_message.html", {"kind": "thanks", "lang": language})
        response = render(
            request,
            "surveys/respond.html",
            {
                "invitation": invitation,
                "form": form,
                "lang": language,
                "title": invitation.template.localized("name", language),
                "intro": invitation.template.localized("intro", language),
            },
            status=400 if form.is_bound else 200,
        )
        response["Content-Language"] = language
        return response


# --- staff ------------------------------------------------------------------------------


@login_required
def invitation_create(request, client_pk: int):
    client = get_client(request.user, client_pk)
    form = InvitationForm(request.POST if request.method == "POST" else None, client=client)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v}
        try:
            invitation = services.invite(client, by=request.user, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if invitation.contact and invitation.contact.email:
                messages.success(
                    request, _("The survey is being e-mailed to %(email)s.") % {"email": invitation.contact.email}
                )
            else:
                messages.success(request, _("Survey created: copy the link and send it to the client."))
            return redirect(invitation)
    return render(request, "surveys/invitation_form.html", {"form": form, "client": client})


@login_required
def invitation_detail(request, pk: int):
    invitation = selectors.get_invitation(request.user, pk)
    response = Response.objects.filter(invitation=invitation).select_related("entered_by", "follow_up").first()
    answers = list(response.answers.select_related("question")) if response else []
    return render(
        request,
        "surveys/invitation_detail.html",
        {
            "invitation": invitation,
            "client": invitation.client,
            "link": request.build_absolute_uri(services.public_path(invitation)) if invitation.is_open else "",
            "response": response,
            "answers": answers,
        },
    )


@login_required
@require_POST
def invitation_mark_sent(request, pk: int):
    invitation = selectors.get_invitation(request.user, pk)
    try:
        services.mark_sent(invitation, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Marked as sent."))
    return redirect(invitation)


@login_required
def invitation_phone(request, pk: int):
    """A manager keys in what the client said on the phone."""
    invitation = selectors.get_invitation(request.user, pk)
    try:
        services.check_open(invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(invitation)
    language = translation.get_language()
    form = SurveyForm(
        request.POST if request.method == "POST" else None,
        questions=invitation.template.questions.all(),
        language=language,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.submit(invitation, form.answers(), via=Response.Via.PHONE, entered_by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The answers were saved."))
            return redirect(invitation.client)
    return render(
        request, "surveys/phone_form.html", {"invitation": invitation, "client": invitation.client, "form": form}
    )


@login_required
def results(request):
    """Scores in the user's scope: the month by manager, team and tier, and the last six months."""
    month = parse_month(request.GET.get("month"), timezone.localdate())
    scope = scope_for(request.user)
    # ?owner= and ?team= narrow the page (dashboard figures link here); both stay in scope.
    responses = selectors.visible_responses(request.user)
    owner = owner_in_scope(request.user, request.GET["owner"]) if request.GET.get("owner") else None
    team = scope.team_from(request.GET.get("team"))
    if owner is not None:
        responses = responses.of_manager(owner)
    if team is not None:
        responses = responses.filter(client__team=team)
    nav = {key: obj.pk for key, obj in (("owner", owner), ("team", team)) if obj is not None}
    month_scores = selectors.month_scores(responses, month)
    names = {user.pk: str(user) for user in scope.users()}
    recent = Paginator(
        month_scores.in_month.select_related("client", "owner", "follow_up").order_by("-submitted_at", "-pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "surveys/results.html",
        {
            "month": month,
            "previous": previous_month(month),
            "next": next_month(month),
            "owner": request.user,
            "chosen_owner": owner,
            "team": team,
            "nav_query": urlencode(nav),
            "query": urlencode({"month": f"{month:%Y-%m}", **nav}),
            "total": month_scores.total,
            "by_owner": [(names.get(pk, _("Earlier account managers")), score) for pk, score in month_scores.by_owner],
            "by_team": month_scores.by_team,
            "by_tier": month_scores.by_tier,
            "trend": [(f"{m:%Y-%m}", score) for m, score in month_scores.by_month],
            "today": timezone.localdate(),
            "page": recent,
            "follow_ups": list(selectors.open_follow_ups(request.user).order_by("due_on", "pk")[:50]),
            "follow_up_form": FollowUpDoneForm(),
        },
    )


@login_required
@require_POST
def follow_up_done(request, pk: int):
    follow_up = selectors.get_follow_up(request.user, pk)
    form = FollowUpDoneForm(request.POST, instance=follow_up)
    if form.is_valid():
        try:
            services.complete_follow_up(follow_up, by=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Follow-up done."))
    else:
        messages.error(request, _("Say what was done for the client."))
    return redirect_back(request, request.POST.get("next", ""), "surveys:results")
