"""Writing surveys: invitations, sending, answering once, and the follow-up of low scores."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from clients.models import Client, Contact
from notifications import mail
from notifications.services import notify
from rollups import services as rollups
from visits.models import ServiceStrategy
from visits.rules import next_month

from . import scores
from .models import Answer, FollowUp, Invitation, Question, Response, SurveyTemplate

log = logging.getLogger(__name__)


# --- tokens -----------------------------------------------------------------------------


def token_for(invitation: Invitation) -> str:
    """The secret in the link: derived from the row's nonce and the secret key."""
    return salted_hmac("surveys.invitation", invitation.nonce, algorithm="sha256").hexdigest()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_nonce(invitation: Invitation) -> None:
    invitation.nonce = secrets.token_urlsafe(32)
    invitation.token_hash = hash_token(token_for(invitation))


def find_invitation(token: str) -> Invitation | None:
    """The invitation of a link, or None for an unknown or tampered token."""
    if not token or len(token) > 128:
        return None
    return (
        Invitation.objects.select_related("client", "template", "contact").filter(token_hash=hash_token(token)).first()
    )


def public_path(invitation: Invitation) -> str:
    return reverse("survey_respond", args=[token_for(invitation)])


def public_link(invitation: Invitation) -> str:
    """The absolute link for e-mails and to copy (``CRM_BASE_URL`` + path)."""
    return settings.CRM_BASE_URL.rstrip("/") + public_path(invitation)


# --- invitations ------------------------------------------------------------------------


def default_template() -> SurveyTemplate:
    template = SurveyTemplate.objects.filter(is_default=True, is_active=True).first()
    if template is None:
        template = SurveyTemplate.objects.filter(is_active=True).first()
    if template is None:
        raise ValidationError(_("There is no active survey template; an administrator must add one."))
    return template


def language_for(contact: Contact | None) -> str:
    """Chinese unless the contact's name is plain Latin text (a foreign contact)."""
    if contact is not None and contact.name.isascii():
        return Invitation.Language.ENGLISH
    return Invitation.Language.CHINESE


def build_invitation(
    client: Client,
    *,
    contact: Contact | None = None,
    template: SurveyTemplate | None = None,
    reason: str = Invitation.Reason.MANUAL,
    complaint=None,
    language: str | None = None,
    by: User | None = None,
    send_after: datetime | None = None,
) -> Invitation:
    """An unsaved invitation with its token (for bulk creation by the jobs)."""
    if contact is not None and contact.client_id != client.pk:
        raise ValidationError({"contact": _("This contact belongs to another client.")})
    now = timezone.now()
    send_after = send_after or now
    invitation = Invitation(
        client=client,
        contact=contact,
        template=template or default_template(),
        reason=reason,
        complaint=complaint,
        language=language or language_for(contact),
        created_by=by,
        created_at=now,
        send_after=send_after,
        expires_at=send_after + timedelta(days=settings.CRM_SURVEY_EXPIRY_DAYS),
    )
    _new_nonce(invitation)
    return invitation


def invite(client: Client, *, by: User | None = None, **options) -> Invitation:
    """Create one invitation; one with an e-mail address is sent once the transaction commits."""
    invitation = build_invitation(client, by=by, **options)
    invitation.save()
    if invitation.contact and invitation.contact.email and invitation.send_after <= timezone.now():
        enqueue_send(invitation.pk)
    return invitation


def enqueue_send(invitation_id: int) -> None:
    """Queue the e-mail after commit; if the broker is down the sweep sends it later."""
    from .tasks import send_invitation

    def _enqueue():
        try:
            send_invitation.delay(invitation_id)
        except Exception:  # the broker is down: nothing is lost, the invitation stays pending
            log.warning("could not queue survey invitation %s; the sweep will send it", invitation_id, exc_info=True)

    transaction.on_commit(_enqueue)


def _mail_once(invitation_id: int, template_name: str, subject, *, update: dict, **still) -> bool:
    """E-mail an open invitation that still matches ``still`` (its state before this mail),
    then ``update`` it, with the row locked: a second call, a retry or a redelivered task
    finds it changed and sends nothing. ``subject`` is a lazy translation."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("client", "contact", "template")
            .filter(pk=invitation_id, expires_at__gt=timezone.now(), **still)
            .first()
        )
        if invitation is None or not invitation.contact or not invitation.contact.email:
            return False
        with translation.override(invitation.language):
            context = {"invitation": invitation, "link": public_link(invitation), "client": invitation.client}
            mail.send(subject=subject, body=render_to_string(template_name, context), to=invitation.contact.email)
        for name, value in update.items():
            setattr(invitation, name, value)
        invitation.save(update_fields=list(update))
    return True


def send(invitation_id: int) -> bool:
    """E-mail a pending invitation once."""
    return _mail_once(
        invitation_id,
        "surveys/email/invitation.txt",
        gettext_lazy("How satisfied are you with our service?"),
        update={"state": Invitation.State.SENT, "sent_at": timezone.now()},
        state=Invitation.State.PENDING,
    )


def remind(invitation_id: int) -> bool:
    """One reminder per sent, unanswered invitation."""
    return _mail_once(
        invitation_id,
        "surveys/email/reminder.txt",
        gettext_lazy("Reminder: a two-minute survey about our service"),
        update={"reminded_at": timezone.now()},
        state=Invitation.State.SENT,
        reminded_at__isnull=True,
    )


def mark_sent(invitation: Invitation, *, by: User) -> Invitation:
    """The manager sent the copied link by SMS or WeChat."""
    if invitation.state != Invitation.State.PENDING:
        raise ValidationError(_("Only a pending invitation can be marked as sent."))
    invitation.state = Invitation.State.SENT
    invitation.sent_at = timezone.now()
    invitation._change_reason = _("Link sent by hand by %(user)s") % {"user": by}
    invitation.save()
    return invitation


def expire_due(now: datetime | None = None) -> int:
    """Invitations past their expiry become expired (one UPDATE)."""
    now = now or timezone.now()
    return Invitation.objects.filter(
        state__in=[Invitation.State.PENDING, Invitation.State.SENT], expires_at__lte=now
    ).update(state=Invitation.State.EXPIRED)


# --- answering --------------------------------------------------------------------------


def check_open(invitation: Invitation) -> None:
    if invitation.state == Invitation.State.ANSWERED:
        raise ValidationError(_("This survey has already been answered. Thank you!"), code="answered")
    if invitation.state == Invitation.State.EXPIRED or invitation.expires_at <= timezone.now():
        raise ValidationError(_("This survey link has expired."), code="expired")


def submit(
    invitation: Invitation,
    answers: dict[int, object],
    *,
    via: str = Response.Via.ONLINE,
    entered_by: User | None = None,
) -> Response:
    """Store the answers once: a second submission, an expired link or answers that do not
    fit the questions store nothing. ``answers`` maps question ids to the cleaned values of
    :class:`surveys.forms.SurveyForm`."""
    questions = list(invitation.template.questions.all())
    with transaction.atomic():
        locked = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("client", "client__team")
            .get(pk=invitation.pk)
        )
        check_open(locked)
        ratings, nps_score, rows = [], None, []
        for question in questions:
            value = answers.get(question.pk)
            answer = _answer_for(question, value)
            if answer is None:
                continue
            if question.kind == Question.Kind.RATING:
                ratings.append(answer.number)
            elif question.kind == Question.Kind.NPS:
                nps_score = answer.number
            rows.append(answer)
        if not rows:
            raise ValidationError(_("Please answer at least one question."), code="empty")
        client = locked.client
        response = Response.objects.create(
            invitation=locked,
            client=client,
            owner_id=client.owner_id,
            tier_id=client.tier_id,
            via=via,
            entered_by=entered_by,
            ratings=len(ratings),
            satisfied_ratings=sum(1 for r in ratings if r >= scores.SATISFIED_MIN),
            nps_score=nps_score,
            is_low=scores.is_low(ratings, nps_score),
        )
        for answer in rows:
            answer.response = response
        Answer.objects.bulk_create(rows)
        locked.state = Invitation.State.ANSWERED
        locked.answered_at = response.submitted_at
        locked.save(update_fields=["state", "answered_at"])
        invitation.state, invitation.answered_at = locked.state, locked.answered_at
        if response.is_low:
            _follow_up(response, ratings, nps_score)
    return response


def _answer_for(question: Question, value) -> Answer | None:
    """An unsaved answer, or None when the question was skipped; bad values raise."""
    empty = value in (None, "", [], ())
    if empty:
        if question.required:
            raise ValidationError({f"q{question.pk}": _("This question needs an answer.")}, code="required")
        return None
    if question.kind in Question.SCALES:
        low, high = Question.SCALES[question.kind]
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = None
        if number is None or not low <= number <= high:
            raise ValidationError(
                {f"q{question.pk}": _("Choose a score from %(low)s to %(high)s.") % {"low": low, "high": high}}
            )
        return Answer(question=question, number=number)
    if question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        chosen = [value] if isinstance(value, str) else list(value)
        allowed = set(question.choice_list())
        if not chosen or any(choice not in allowed for choice in chosen):
            raise ValidationError({f"q{question.pk}": _("Choose one of the options given.")})
        if question.kind == Question.Kind.SINGLE and len(chosen) != 1:
            raise ValidationError({f"q{question.pk}": _("Choose one option only.")})
        return Answer(question=question, choices=chosen)
    return Answer(question=question, text=str(value)[:2000])


def _follow_up(response: Response, ratings: list[int], nps_score: int | None) -> FollowUp:
    """A low score: a follow-up for the owner, a strategy for next month, an inbox message."""
    client = response.client
    with translation.override(client.owner.language):
        reason = _("Low satisfaction score: lowest rating %(rating)s, would recommend %(nps)s") % {
            "rating": min(ratings) if ratings else "—",
            "nps": "—" if nps_score is None else nps_score,
        }
        follow_up = FollowUp.objects.create(
            response=response,
            client=client,
            owner_id=client.owner_id,
            reason=reason[:300],
            due_on=timezone.localdate() + timedelta(days=settings.CRM_SURVEY_FOLLOW_UP_DAYS),
        )
        ServiceStrategy.objects.get_or_create(
            client=client,
            month=next_month(timezone.localdate()),
            source=f"survey-{response.pk}",
            defaults={
                "text": _("Act on the low satisfaction score of %(date)s")
                % {"date": f"{response.submitted_at:%Y-%m-%d}"}
            },
        )
        notify(
            [client.owner],
            kind="survey.low_score",
            key=str(response.pk),
            message=_("%(client)s gave a low satisfaction score: follow up by %(date)s")
            % {"client": client.name, "date": f"{follow_up.due_on:%Y-%m-%d}"},
            url=reverse("clients:detail", args=[client.pk]),
        )
    return follow_up


def complete_follow_up(follow_up: FollowUp, *, by: User, note: str) -> FollowUp:
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what was done for the client.")})
    if follow_up.done_at:
        raise ValidationError(_("This follow-up is already done."))
    follow_up.done_at = timezone.now()
    follow_up.note = note
    follow_up._change_reason = _("Done by %(user)s") % {"user": by}
    follow_up.save()
    return follow_up


# --- what the jobs create in bulk -------------------------------------------------------


def _save_new(invitations: list[Invitation]) -> int:
    """Bulk insert; a row that another run created meanwhile is skipped, not doubled."""
    if not invitations:
        return 0
    try:
        with transaction.atomic():
            Invitation.objects.bulk_create(invitations)
        return len(invitations)
    except IntegrityError:
        created = 0
        for invitation in invitations:
            try:
                with transaction.atomic():
                    invitation.save(force_insert=True)
                created += 1
            except IntegrityError:
                continue
        return created


def invite_after_complaints(now: datetime | None = None) -> int:
    """Closed complaints get a survey some hours after closing (not in the same minute),
    once each. A fixed number of queries whatever the number of complaints."""
    from complaints.models import Complaint

    now = now or timezone.now()
    delay = timedelta(hours=settings.CRM_SURVEY_AFTER_COMPLAINT_HOURS)
    complaints = list(
        Complaint.objects.filter(
            state=Complaint.State.CLOSED,
            closed_at__lte=now - delay,
            closed_at__gte=now - timedelta(days=settings.CRM_SURVEY_EXPIRY_DAYS),
        )
        .exclude(survey_invitations__reason=Invitation.Reason.COMPLAINT)
        .select_related("client", "contact")[: settings.CRM_JOB_BATCH_SIZE]
    )
    if not complaints:
        return 0
    template = default_template()

    def own_contact(complaint):
        # The complaint's contact, unless it has moved to another client since.
        return complaint.contact if complaint.contact and complaint.contact.client_id == complaint.client_id else None

    key_persons = _first_contacts([c.client_id for c in complaints if own_contact(c) is None])
    invitations = [
        build_invitation(
            complaint.client,
            contact=own_contact(complaint) or key_persons.get(complaint.client_id),
            template=template,
            reason=Invitation.Reason.COMPLAINT,
            complaint=complaint,
            send_after=now,
        )
        for complaint in complaints
    ]
    return _save_new(invitations)


def invite_by_cadence(today: date | None = None) -> int:
    """Clients not surveyed within their tier's cadence get an invitation (a batch per run,
    so the first run after go-live does not flood anyone).

    Every active client is surveyed at least once a year (SPEC "Care", seed 001), more
    often where the tier says so: a client with no invitation of any kind in the last
    365 days is invited even when an admin set its tier's cadence above 12 months.
    """
    from clients.models import Tier

    today = today or timezone.localdate()
    now = timezone.now()
    template = default_template()
    yearly = today - timedelta(days=365)
    clients = []
    for tier in Tier.objects.all():
        months = max(tier.survey_cadence_months, 1)
        since = max(today - relativedelta(months=months), yearly)
        batch = (
            Client.objects.filter(tier=tier, status=Client.Status.ACTIVE)
            .annotate(last_invited=Max("invitations__created_at"))
            .filter(Q(last_invited__isnull=True) | Q(last_invited__date__lt=since))
            .order_by("pk")[: settings.CRM_JOB_BATCH_SIZE - len(clients)]
        )
        clients.extend(batch)
        if len(clients) >= settings.CRM_JOB_BATCH_SIZE:
            break
    contacts = _first_contacts([c.pk for c in clients])
    invitations = [
        build_invitation(
            client, contact=contacts.get(client.pk), template=template, reason=Invitation.Reason.CADENCE, send_after=now
        )
        for client in clients
    ]
    return _save_new(invitations)


def _first_contacts(client_ids: list[int]) -> dict[int, Contact]:
    """The contact to survey per client: a key person with an e-mail first (one query)."""
    chosen: dict[int, Contact] = {}
    if not client_ids:
        return chosen

    def rank(contact: Contact) -> tuple[bool, bool]:
        return bool(contact.email), contact.is_key_person

    for contact in Contact.objects.filter(client_id__in=client_ids).order_by("client_id", "-is_key_person", "name"):
        current = chosen.get(contact.client_id)
        if current is None or rank(contact) > rank(current):
            chosen[contact.client_id] = contact
    return chosen


# --- a client handed to another manager ---------------------------------------------------


def hand_over_follow_ups(*, client: Client, to_owner: User) -> None:
    """A client given to another manager takes its open survey follow-ups along. Part of
    ``clients.services.reassign_owner``."""
    FollowUp.objects.filter(client_id=client.pk, done_at__isnull=True).update(owner=to_owner)
    rollups.refresh_client_answers(client)  # its answers' rollups now carry the new owner and team
