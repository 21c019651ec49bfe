"""Logging interactions, answering requests, follow-up tasks and messages to many clients."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from simple_history.utils import bulk_create_with_history

from accounts import decisions
from accounts.models import User
from clients.models import Client, Contact
from notifications import mail
from notifications.services import Reminder, notify_many

from .models import BulkMessage, BulkRecipient, Channel, FollowUpTask, Interaction

log = logging.getLogger(__name__)


def reply_hours() -> int:
    return settings.CRM_REQUEST_REPLY_HOURS


def visit_hours() -> int:
    return settings.CRM_REQUEST_VISIT_HOURS


# --- interactions -----------------------------------------------------------------------


@transaction.atomic
def log_interaction(
    *,
    client: Client,
    by: User,
    channel: str,
    summary: str,
    direction: str = Interaction.Direction.INBOUND,
    contact: Contact | None = None,
    occurred_at: datetime | None = None,
    promise: str = "",
    follow_up_on: date | None = None,
    is_request: bool = False,
    visit_needed: bool = False,
    submission: str | None = None,
    owner: User | None = None,
    observations: list[dict] | tuple = (),
) -> tuple[Interaction, bool]:
    """Record one interaction; returns (interaction, created). The same form submitted
    twice returns the first one. A request gets its reply (and visit) deadline; a promise
    with a date becomes a follow-up task for the client's manager. ``observations``:
    competitor and market information heard on the call, kept with it
    (``market.services.record_observations``)."""
    if submission:
        existing = Interaction.objects.filter(submission=submission).first()
        if existing is not None:
            if existing.created_by_id != by.pk:
                raise PermissionDenied
            return existing, False
    if contact is not None and contact.client_id != client.pk:
        raise ValidationError({"contact": _("This contact belongs to another client.")})
    now = timezone.now()
    occurred_at = occurred_at or now
    if occurred_at > now + timedelta(minutes=5):
        raise ValidationError({"occurred_at": _("An interaction cannot be logged for a time that has not come yet.")})
    if follow_up_on and not promise:
        raise ValidationError({"promise": _("Say what was promised for the follow-up date.")})
    if follow_up_on and follow_up_on < timezone.localdate(occurred_at):
        raise ValidationError({"follow_up_on": _("The follow-up date is before the interaction.")})
    # Deadlines run from when the client asked, whenever it is logged.
    interaction = Interaction(
        client=client,
        contact=contact,
        owner_id=owner.pk if owner else client.owner_id,
        team_id=owner.team_id if owner else client.team_id,
        channel=channel,
        direction=direction,
        occurred_at=occurred_at,
        summary=summary,
        promise=promise,
        follow_up_on=follow_up_on,
        is_request=is_request or visit_needed,
        reply_due=occurred_at + timedelta(hours=reply_hours()) if (is_request or visit_needed) else None,
        visit_needed=visit_needed,
        visit_due=occurred_at + timedelta(hours=visit_hours()) if visit_needed else None,
        submission=submission or None,
        created_by=by,
    )
    try:
        with transaction.atomic():
            interaction.save()
    except IntegrityError:
        raced = Interaction.objects.filter(submission=submission, created_by=by).first()
        if raced is None:
            raise
        return raced, False
    if follow_up_on:
        FollowUpTask.objects.create(
            owner_id=client.owner_id,
            client=client,
            interaction=interaction,
            description=promise,
            due_on=follow_up_on,
        )
    if observations:
        from market.services import record_observations

        record_observations(
            client=client,
            by=by,
            day=timezone.localdate(occurred_at),
            observations=observations,
            interaction=interaction,
        )
    return interaction, True


# Answered within 24 hours and, when it needed a visit, the visit planned within 48.
ANSWERED_IN_TIME = Q(replied_at__isnull=False, replied_at__lte=F("reply_due")) & (
    Q(visit_needed=False) | Q(visit_planned_at__isnull=False, visit_planned_at__lte=F("visit_due"))
)


def open_requests(queryset: QuerySet[Interaction]) -> QuerySet[Interaction]:
    """Requests still waiting for a reply or for their visit to be planned."""
    return queryset.filter(
        Q(is_request=True, replied_at__isnull=True) | Q(visit_needed=True, visit_planned_at__isnull=True)
    )


def late_requests(queryset: QuerySet[Interaction], now: datetime | None = None) -> QuerySet[Interaction]:
    """Requests past a deadline: not answered (or not visited) in time, whether still
    open or done late."""
    now = now or timezone.now()
    return queryset.filter(
        Q(is_request=True, replied_at__isnull=True, reply_due__lt=now)
        | Q(is_request=True, replied_at__gt=F("reply_due"))
        | Q(visit_needed=True, visit_planned_at__isnull=True, visit_due__lt=now)
        | Q(visit_needed=True, visit_planned_at__gt=F("visit_due"))
    )


@transaction.atomic
def record_reply(interaction: Interaction, *, by: User, note: str = "", at: datetime | None = None) -> Interaction:
    if not interaction.is_request:
        raise ValidationError(_("This interaction is not a request."))
    if interaction.replied_at is not None:
        raise ValidationError(_("This request was already answered."))
    interaction.replied_at = at or timezone.now()
    interaction.reply_note = note
    interaction._change_reason = _("Request answered")
    interaction.save(update_fields=["replied_at", "reply_note"])
    return interaction


def link_planned_visit(visit) -> int:
    """A visit planned at a client, by whatever page, answers its open visit requests
    (saved one by one: few per client, and each change is in the history)."""
    from visits.models import PlannedVisit

    if visit.status == PlannedVisit.Status.CANCELLED:
        return 0
    waiting = Interaction.objects.filter(
        client_id=visit.client_id, visit_needed=True, visit_planned_at__isnull=True, occurred_at__lte=visit.created_at
    )
    for interaction in waiting:
        interaction.planned_visit, interaction.visit_planned_at = visit, visit.created_at
        interaction._change_reason = _("Visit planned for %(date)s") % {"date": f"{visit.date:%Y-%m-%d}"}
        interaction.save(update_fields=["planned_visit", "visit_planned_at"])
    return len(waiting)


def unlink_cancelled_visit(visit) -> int:
    """A cancelled visit no longer answers a request: it waits for a visit again (its
    deadline unchanged, so it may now be late)."""
    linked = Interaction.objects.filter(planned_visit=visit)
    for interaction in linked:
        interaction.planned_visit, interaction.visit_planned_at = None, None
        interaction._change_reason = _("The planned visit was cancelled")
        interaction.save(update_fields=["planned_visit", "visit_planned_at"])
    return len(linked)


def hand_over_open_work(*, client: Client, to_owner: User) -> None:
    """A client handed to another manager takes its open requests and follow-ups along,
    into the new manager's team (so the new supervisor sees them, the old one no more). A
    request taken on a visit stays with whoever visited until the client is told the
    result (SPEC: who visits, follows up). Part of ``clients.services.reassign_owner``."""
    moving = open_requests(Interaction.objects.filter(client_id=client.pk)).exclude(channel=Channel.VISIT)
    for interaction in moving:
        interaction.owner_id, interaction.team_id = to_owner.pk, to_owner.team_id
        interaction._change_reason = _("Client handed to %(name)s") % {"name": to_owner}
        interaction.save(update_fields=["owner", "team"])
    for task in FollowUpTask.objects.filter(client_id=client.pk, done_at__isnull=True):
        task.owner_id = to_owner.pk
        task._change_reason = _("Client handed to %(name)s") % {"name": to_owner}
        task.save(update_fields=["owner"])


# --- follow-up tasks ----------------------------------------------------------------------


@transaction.atomic
def complete_task(task: FollowUpTask, *, by: User, note: str = "") -> FollowUpTask:
    if task.done_at is not None:
        raise ValidationError(_("This follow-up is already done."))
    task.done_at = timezone.now()
    task.done_note = note
    task._change_reason = _("Follow-up done")
    task.save(update_fields=["done_at", "done_note"])
    return task


# --- messages to many clients ------------------------------------------------------------


def address_of(channel: str, client: Client, contact: Contact | None) -> str:
    """Where the message goes: the contact's address for the channel, else the client's."""
    if channel == Channel.EMAIL:
        return (contact.email if contact else "") or client.email
    if channel == Channel.LETTER:
        return client.address
    return (contact.mobile if contact else "") or client.phone


def select_recipients(clients: QuerySet[Client], channel: str) -> list[tuple[Client, Contact | None, str]]:
    """Each client with its key person (or first contact) and the address for the channel,
    in two queries."""
    from django.db.models import Prefetch

    rows = clients.order_by("name", "pk").prefetch_related(
        Prefetch("contacts", queryset=Contact.objects.order_by("-is_key_person", "name", "pk"))
    )
    result = []
    for client in rows:
        contacts = list(client.contacts.all())
        wanted = [c for c in contacts if address_of(channel, client, c) and (c.email if channel == "email" else True)]
        contact = wanted[0] if wanted else (contacts[0] if contacts else None)
        result.append((client, contact, address_of(channel, client, contact)))
    return result


def _tell(users, *, kind: str, key: str, text: str, values: dict, url: str) -> int:
    """One notification per user, written in that user's language."""
    reminders = []
    for user in users:
        with translation.override(user.language):
            reminders.append(Reminder(user, kind, key, _(text) % values, url))
    return notify_many(reminders)


MESSAGE_WAITING = gettext_noop("%(author)s asks to send “%(subject)s” to %(count)s clients.")


@transaction.atomic
def prepare_message(*, by: User, clients: QuerySet[Client], channel: str, subject: str, body: str, criteria: dict):
    """A message for the selected clients, waiting for the supervisor's approval."""
    recipients = select_recipients(clients, channel)
    if not recipients:
        raise ValidationError(_("No client matches this selection."))
    if len(recipients) > settings.CRM_BULK_MESSAGE_MAX:
        raise ValidationError(
            _("A message can go to at most %(max)s clients; narrow the selection.")
            % {"max": settings.CRM_BULK_MESSAGE_MAX}
        )
    message = BulkMessage.objects.create(
        author=by, team=by.team, channel=channel, subject=subject, body=body, criteria=criteria
    )
    BulkRecipient.objects.bulk_create(
        BulkRecipient(message=message, client=client, contact=contact, address=address)
        for client, contact, address in recipients
    )
    from accounts.scoping import deciders, management_users

    supervisor_id = by.team.supervisor_id if by.team_id else None
    decider_ids = deciders(by.pk, supervisor_id, management_users() if not supervisor_id else [])
    _tell(
        User.objects.filter(pk__in=decider_ids, is_active=True),
        kind="interactions.message_waiting",
        key=str(message.pk),
        text=MESSAGE_WAITING,
        values={"author": by, "subject": subject[:60], "count": len(recipients)},
        url=message.get_absolute_url(),
    )
    return message


MESSAGE_DECISION = decisions.Flow(
    kind="interactions.message_decided",
    requester="author",
    team="team",
    pending=BulkMessage.Status.PENDING,
    approved=BulkMessage.Status.APPROVED,
    rejected=BulkMessage.Status.REJECTED,
    describe=lambda message: _("message “%(subject)s”") % {"subject": message.subject[:60]},
    not_pending=gettext_lazy("This message was already decided."),
    comment_needed=gettext_lazy("Say why the message is rejected."),
    denied=gettext_lazy("Only the author's supervisor or an administrator decides on this message."),
)


def can_decide(user: User, message: BulkMessage) -> bool:
    return decisions.may_decide(message, user, MESSAGE_DECISION)


@transaction.atomic
def decide_message(message: BulkMessage, *, by: User, approve: bool, comment: str = "") -> BulkMessage:
    message = decisions.decide(message, flow=MESSAGE_DECISION, by=by, approve=approve, comment=comment)
    if approve and message.channel == Channel.EMAIL:
        from .tasks import send_bulk_message

        def enqueue():
            try:
                send_bulk_message.delay(message.pk)
            except Exception:  # the sweep sends it later
                log.warning("could not queue bulk message %s; the sweep will send it", message.pk, exc_info=True)

        transaction.on_commit(enqueue)
    return message


def _record_sent(message: BulkMessage, recipient: BulkRecipient, now: datetime) -> Interaction:
    return Interaction(
        client_id=recipient.client_id,
        contact_id=recipient.contact_id,
        owner_id=recipient.client.owner_id,
        team_id=recipient.client.team_id,
        channel=message.channel,
        direction=Interaction.Direction.OUTBOUND,
        occurred_at=now,
        summary=f"{message.subject}\n\n{message.body}",
        bulk_message=message,
        created_by_id=message.author_id,
    )


def _sendable(message: BulkMessage) -> QuerySet[BulkRecipient]:
    """Recipients still to send: with an address, and still the author's clients (a client
    handed to someone else since is left out: it is no longer the author's to write to)."""
    return message.recipients.filter(sent_at__isnull=True, client__owner_id=message.author_id).exclude(address="")


def send_message(message_id: int) -> dict:
    """Send an approved e-mail message to every recipient not sent yet, each recorded on
    its client. Each recipient is claimed, sent and marked in its own transaction, so a
    worker that dies midway (the task is redelivered) or a second sweep sends nobody twice."""
    counts = {"sent": 0, "failed": 0}
    message = BulkMessage.objects.filter(pk=message_id).first()
    if message is None or message.status != BulkMessage.Status.APPROVED or message.channel != Channel.EMAIL:
        return counts
    for recipient_id in list(_sendable(message).values_list("pk", flat=True)):
        with transaction.atomic():
            recipient = (
                _sendable(message)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("client")
                .filter(pk=recipient_id)
                .first()
            )
            if recipient is None:  # sent by a concurrent run meanwhile
                continue
            try:
                mail.send(subject=message.subject, body=message.body, to=recipient.address)
            except Exception as error:  # noqa: BLE001 (kept on the row and retried; the rest still go)
                recipient.error = f"{error.__class__.__name__}: {error}"[:300]
                recipient.save(update_fields=["error"])
                counts["failed"] += 1
                continue
            now = timezone.now()
            recipient.sent_at, recipient.error = now, ""
            recipient.save(update_fields=["sent_at", "error"])
            bulk_create_with_history([_record_sent(message, recipient, now)], Interaction)
            counts["sent"] += 1
    with transaction.atomic():
        message = BulkMessage.objects.select_for_update().get(pk=message.pk)
        if message.status == BulkMessage.Status.APPROVED and not _sendable(message).exists():
            message.status, message.sent_at = BulkMessage.Status.SENT, timezone.now()
            message.save(update_fields=["status", "sent_at"])
    return counts


@transaction.atomic
def mark_sent_by_hand(message: BulkMessage, *, by: User) -> int:
    """SMS, WeChat and letters go out by hand from the copyable list; the author then
    records them as sent, once, on the clients that were on the list."""
    message = BulkMessage.objects.select_for_update().get(pk=message.pk)
    if message.author_id != by.pk:
        raise PermissionDenied
    if message.status != BulkMessage.Status.APPROVED or message.channel == Channel.EMAIL:
        raise ValidationError(_("Only an approved message sent by hand can be marked sent."))
    now = timezone.now()
    pending = list(_sendable(message).select_related("client"))
    for recipient in pending:
        recipient.sent_at = now
    BulkRecipient.objects.bulk_update(pending, ["sent_at"])
    bulk_create_with_history([_record_sent(message, r, now) for r in pending], Interaction)
    message.status, message.sent_at = BulkMessage.Status.SENT, now
    message.save(update_fields=["status", "sent_at"])
    return len(pending)


def copy_list(message: BulkMessage) -> str:
    """The numbers or addresses to send by hand (the author's clients with an address)."""
    return "\n".join(_sendable(message).order_by("pk").values_list("address", flat=True))


@transaction.atomic
def take_request_on_visit(log, *, by: User, text: str) -> Interaction:
    """A request the client made during a visit: the visiting manager owns it until the
    client has been told the result (the reply)."""
    interaction, _created = log_interaction(
        client=log.client,
        by=by,
        owner=by,
        channel=Channel.VISIT,
        direction=Interaction.Direction.INBOUND,
        occurred_at=log.checked_in_at or timezone.now(),
        summary=text,
        is_request=True,
        submission=f"visit-request:{log.pk}",
    )
    return interaction


def requests_url(show: str = "open") -> str:
    from django.urls import reverse

    return reverse("interactions:requests") + f"?show={show}"
