"""Complaint intake, workflow, escalation and return visits.

Every step is a ComplaintEvent (who, when, note) as well as a history record; an
illegal move raises ValidationError with a sentence the user can act on.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.scoping import management_users
from clients.models import Client, Contact
from clients.selectors import visible_clients
from notifications.services import Reminder, notify, notify_many
from rollups import services as rollups
from workdays.selectors import work_calendar

from . import sla
from .models import Complaint, ComplaintEvent, ComplaintNumberCounter, ReturnVisit, SlaPolicy
from .selectors import OPEN_STATES, RUNNING_STATES, breached_q

State = Complaint.State
Kind = ComplaintEvent.Kind

# The reason the escalation job gives, in the language of whoever reads it.
DEADLINE_MISSED = gettext_lazy("Deadline missed")

# Which step leads from which states, and where it goes ("resume": back to the state the
# complaint was paused in).
TRANSITIONS = {
    "acknowledge": ({State.NEW}, State.ACKNOWLEDGED, Kind.ACKNOWLEDGED),
    "start": ({State.ACKNOWLEDGED}, State.IN_PROGRESS, Kind.STARTED),
    "resolve": ({State.IN_PROGRESS}, State.RESOLVED, Kind.RESOLVED),
    "close": ({State.RESOLVED}, State.CLOSED, Kind.CLOSED),
    "reopen": ({State.RESOLVED, State.CLOSED}, State.IN_PROGRESS, Kind.REOPENED),
    "pause": ({State.NEW, State.ACKNOWLEDGED, State.IN_PROGRESS}, State.WAITING, Kind.PAUSED),
    "resume": ({State.WAITING}, None, Kind.RESUMED),
}


def business_calendar() -> sla.BusinessCalendar:
    """Business hours from the settings, on the working-day calendar's days (workdays)."""
    opens = time.fromisoformat(settings.CRM_BUSINESS_OPENS)
    closes = time.fromisoformat(settings.CRM_BUSINESS_CLOSES)
    days = work_calendar()
    return sla.BusinessCalendar(opens=opens, closes=closes, weekdays=days.weekdays, working_day=days.is_working_day)


def policy_counts_business_hours(severity: str) -> bool:
    policy = SlaPolicy.objects.filter(severity=severity).first()
    return bool(policy and policy.business_hours)


def compute_deadlines(
    client: Client, severity: str, received_at: datetime, contact: Contact | None = None
) -> tuple[datetime, datetime]:
    policy = SlaPolicy.objects.filter(severity=severity).first()
    tier = client.effective_tier
    first = sla.target_hours(policy.first_response_hours if policy else None, tier.first_response_hours)
    # A key person's VIP card promises its own response time, as a tier does: the stricter wins.
    card = contact.vip_card if contact is not None and contact.vip_card_id else None
    if card is not None and card.response_hours:
        first = min(first, card.response_hours)
    resolution = sla.target_hours(policy.resolution_hours if policy else None, tier.resolution_hours)
    business = bool(policy and policy.business_hours)
    local = timezone.localtime(received_at)
    calendar = business_calendar()
    return (
        sla.deadline(local, first, business_hours=business, calendar=calendar),
        sla.deadline(local, resolution, business_hours=business, calendar=calendar),
    )


def compute_on_site_deadline(severity: str, received_at: datetime) -> datetime:
    """Someone on site within the severity's policy hours (seed 001: 8), counted as its
    other deadlines are (business or clock hours)."""
    policy = SlaPolicy.objects.filter(severity=severity).first()
    hours = policy.on_site_hours if policy else SlaPolicy._meta.get_field("on_site_hours").default
    business = bool(policy and policy.business_hours)
    return sla.deadline(timezone.localtime(received_at), hours, business_hours=business, calendar=business_calendar())


def _next_number(year: int) -> str:
    """The year's next number, from its counter row locked until the registration commits
    (callers run inside a transaction). A year without a row yet starts after the highest
    number already given (numbers from before the counter existed)."""
    prefix = f"TS-{year}-"
    counter = ComplaintNumberCounter.objects.select_for_update().filter(year=year).first()
    if counter is None:
        last = Complaint.objects.filter(number__startswith=prefix).aggregate(m=Max("number"))["m"]
        start = int(last.rsplit("-", 1)[1]) if last else 0
        # Two first registrations of a year at once: the second waits on the first's
        # insert, then finds its row (get_or_create retries the read, locked).
        counter, _created = ComplaintNumberCounter.objects.select_for_update().get_or_create(
            year=year, defaults={"last": start}
        )
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}{counter.last:06d}"


def _event(complaint: Complaint, kind: str, by: User | None, note: str = "") -> ComplaintEvent:
    return ComplaintEvent.objects.create(complaint=complaint, kind=kind, by=by, note=note)


@transaction.atomic
def register(*, by: User, client: Client, attachments=(), **fields) -> Complaint:
    """Any staff member registers a complaint for a client in their scope; the client's
    account manager handles it."""
    if not visible_clients(by).filter(pk=client.pk).exists():
        raise PermissionDenied
    received_at = fields.pop("received_at", None) or timezone.now()
    if received_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"received_at": _("A complaint cannot be received in the future.")})
    if received_at < timezone.now() - timedelta(days=366):
        raise ValidationError({"received_at": _("A complaint older than a year cannot be registered.")})
    first_due, resolution_due = compute_deadlines(
        client, fields.get("severity", "normal"), received_at, contact=fields.get("contact")
    )
    if fields.get("needs_on_site"):
        category = fields.get("category")
        if category is None or not category.is_quality:
            raise ValidationError(
                {"needs_on_site": _("Only a product-quality complaint asks for someone on site; choose its category.")}
            )
        fields["on_site_due"] = compute_on_site_deadline(fields.get("severity", "normal"), received_at)
    complaint = Complaint(
        client=client,
        owner=client.owner,
        team_id=client.team_id,
        received_at=received_at,
        first_response_due=first_due,
        resolution_due=resolution_due,
        created_by=by,
        **fields,
    )
    complaint.full_clean(exclude=["number"])
    # Last, so that the year's counter stays locked only for the insert that follows.
    complaint.number = _next_number(timezone.localtime(received_at).year)
    complaint.save()
    for file in attachments:
        complaint.attachments.create(file=file)
    _event(complaint, Kind.REGISTERED, by, complaint.description[:500])
    if client.owner_id != by.pk:
        notify(
            [client.owner],
            kind="complaint.registered",
            key=str(complaint.pk),
            message=_("New complaint %(number)s for %(client)s") % {"number": complaint.number, "client": client.name},
            url=complaint.get_absolute_url(),
        )
    if complaint.is_major:
        report_major(complaint, by=by)
    return complaint


def report_major(complaint: Complaint, *, by: User) -> int:
    """A major complaint goes to the team's supervisor and to management the moment it is
    registered, not only when a deadline is missed (seed 001)."""
    recipients = {user.pk: user for user in escalation_recipients(complaint, Complaint.Level.SUPERVISOR)}
    recipients.update((user.pk, user) for user in management_users())
    recipients.pop(by.pk, None)  # who registered it knows already
    reminders = []
    for user in recipients.values():
        with translation.override(user.language):
            message = _("Major complaint %(number)s for %(client)s: %(description)s") % {
                "number": complaint.number,
                "client": complaint.client.name,
                "description": complaint.description[:200],
            }
        reminders.append(Reminder(user, "complaint.major", str(complaint.pk), message, complaint.get_absolute_url()))
    return notify_many(reminders)


@transaction.atomic(savepoint=False)  # part of the caller's write: no savepoint of its own
def record_on_site(*, client_id: int, at: datetime) -> int:
    """Someone of ours was at the client (a check-in, a visit log on site): each open
    complaint of that client waiting for someone on site, received before then, has its
    third deadline met. Called by visits.checkins.check_in and visits.services.log_visit."""
    complaints = list(
        Complaint.objects.select_for_update()
        .filter(
            client_id=client_id,
            state__in=OPEN_STATES,
            on_site_due__isnull=False,
            on_site_at__isnull=True,
            received_at__lte=at,
        )
        .order_by("pk")
    )
    for complaint in complaints:
        complaint.on_site_at = at
        complaint._change_reason = str(Kind.ON_SITE.label)
        complaint.save()
    note = _("At the client at %(time)s") % {"time": f"{timezone.localtime(at):%Y-%m-%d %H:%M}"}
    ComplaintEvent.objects.bulk_create(ComplaintEvent(complaint=c, kind=Kind.ON_SITE, note=note) for c in complaints)
    return len(complaints)


def add_note(complaint: Complaint, *, by: User, note: str) -> ComplaintEvent:
    if not can_handle(by, complaint):
        raise PermissionDenied
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Write the note first."))
    return _event(complaint, Kind.NOTE, by, note)


def can_handle(user: User, complaint: Complaint) -> bool:
    """The owner, whoever the complaint has been escalated to, and admins."""
    if user.is_crm_admin or complaint.owner_id == user.pk:
        return True
    supervisor_id = complaint.team.supervisor_id if complaint.team_id else None
    return complaint.level >= Complaint.Level.SUPERVISOR and supervisor_id == user.pk


def _lock(complaint: Complaint) -> None:
    """Hold the row until the transaction ends and work on its current state: a double
    submit or the job racing a click then sees the first change."""
    Complaint.objects.select_for_update().filter(pk=complaint.pk).first()
    complaint.refresh_from_db()


@transaction.atomic
def move(complaint: Complaint, step: str, *, by: User, note: str = "", **details) -> Complaint:
    """Take one workflow step; refuse anything the workflow does not allow."""
    if step not in TRANSITIONS:
        raise ValidationError(_("Unknown step."))
    _lock(complaint)
    if not can_handle(by, complaint):
        raise PermissionDenied(_("Only the person handling this complaint can do that."))
    sources, target, kind = TRANSITIONS[step]
    if complaint.state not in sources:
        raise ValidationError(
            _("A complaint that is %(state)s cannot be %(step)s.")
            % {"state": complaint.get_state_display().lower(), "step": str(Kind(kind).label).lower()}
        )
    note = (note or "").strip()
    now = timezone.now()
    if step == "acknowledge":
        if not note:
            raise ValidationError({"note": _("Say what the client was told: who handles it and by when.")})
        complaint.acknowledged_at = now
    elif step == "resolve":
        for name in ("root_cause", "action_taken"):
            if not (details.get(name) or "").strip():
                raise ValidationError({name: _("This is required to resolve the complaint.")})
        for name in ("root_cause", "action_taken", "compensation", "compensation_amount"):
            if name in details:
                setattr(complaint, name, details[name])
        complaint.resolved_at = now
    elif step == "close":
        complaint.closed_at = now
    elif step == "pause":
        if not note:
            raise ValidationError({"note": _("Say what you are waiting for from the client.")})
        complaint.paused_at, complaint.paused_from, complaint.pause_reason = now, complaint.state, note[:500]
    elif step == "resume":
        target = complaint.paused_from or State.IN_PROGRESS
        note = " ".join(filter(None, [note, _resume_deadlines(complaint, now)]))
    elif step == "reopen":
        if not note:
            raise ValidationError({"note": _("Say why the complaint is reopened.")})
        complaint.resolved_at = None
        complaint.closed_at = None
        complaint.return_visits.filter(done_at__isnull=True).delete()
        # A fresh resolution deadline from now: the old one has usually passed.
        complaint.resolution_due = compute_deadlines(complaint.client, complaint.severity, now, complaint.contact)[1]
    complaint.state = target
    complaint._change_reason = note or str(Kind(kind).label)
    complaint.save()
    _event(complaint, kind, by, note)
    if step == "resolve":
        _schedule_return_visit(complaint)
    return complaint


def _resume_deadlines(complaint: Complaint, now: datetime) -> str:
    """Move each deadline not met yet by the time the clock was stopped (business time if
    the severity's policy counts business hours, clock time otherwise); say by how much."""
    business = policy_counts_business_hours(complaint.severity)
    calendar = business_calendar()
    paused = sla.time_between(
        timezone.localtime(complaint.paused_at), timezone.localtime(now), business_hours=business, calendar=calendar
    )

    def postponed(due: datetime) -> datetime:
        return sla.postpone(timezone.localtime(due), paused, business_hours=business, calendar=calendar)

    if complaint.acknowledged_at is None:
        complaint.first_response_due = postponed(complaint.first_response_due)
    complaint.resolution_due = postponed(complaint.resolution_due)
    if complaint.on_site_due is not None and complaint.on_site_at is None:
        complaint.on_site_due = postponed(complaint.on_site_due)
    complaint.paused_at, complaint.paused_from, complaint.pause_reason = None, "", ""
    minutes = int(paused.total_seconds() // 60)
    template = (
        _("Clock stopped for %(hours)d h %(minutes)02d min of business time; deadlines moved.")
        if business
        else _("Clock stopped for %(hours)d h %(minutes)02d min; deadlines moved.")
    )
    return template % {"hours": minutes // 60, "minutes": minutes % 60}


def _schedule_return_visit(complaint: Complaint) -> ReturnVisit:
    due = timezone.localdate() + timedelta(days=settings.CRM_RETURN_VISIT_DAYS)
    return ReturnVisit.objects.create(complaint=complaint, owner=complaint.owner, due_date=due)


def escalation_recipients(complaint: Complaint, level: int, *, management: list[User] | None = None) -> list[User]:
    """Who a complaint escalated to ``level`` goes to (``management``: the admins, when the
    caller already has them)."""
    if level >= Complaint.Level.MANAGEMENT:
        return management_users() if management is None else management
    supervisor = complaint.team.supervisor if complaint.team_id else None
    return [supervisor] if supervisor and supervisor.is_active else []


def escalation_reminders(complaint: Complaint, recipients, reason) -> list[Reminder]:
    """The inbox message of an escalation, in each recipient's language (``reason`` may be a
    lazy translation)."""
    reminders = []
    for user in recipients:
        with translation.override(user.language):
            message = _("Complaint %(number)s escalated to you: %(reason)s") % {
                "number": complaint.number,
                "reason": str(reason),
            }
        key = f"{complaint.pk}:level{complaint.level}:{complaint.escalated_at:%Y%m%d%H%M%S}"
        reminders.append(Reminder(user, "complaint.escalated", key, message, complaint.get_absolute_url()))
    return reminders


@transaction.atomic
def escalate(complaint: Complaint, *, by: User | None, reason: str) -> Complaint:
    """One level up (owner → supervisor → management), notifying the new level."""
    if by is not None and not can_handle(by, complaint):
        raise PermissionDenied(_("Only the person handling this complaint can escalate it."))
    _lock(complaint)
    if not complaint.is_open:
        raise ValidationError(_("Only an open complaint can be escalated."))
    if not complaint.can_escalate:
        raise ValidationError(_("This complaint is already with management."))
    complaint.level += 1
    complaint.escalated_at = timezone.now()
    complaint._change_reason = reason
    complaint.save()
    _event(complaint, Kind.ESCALATED, by, reason)
    notify_many(escalation_reminders(complaint, escalation_recipients(complaint, complaint.level), reason))
    return complaint


def breached(now: datetime):
    """Open complaints past a deadline they have not met, below management and outside the
    cool-down of their last escalation (indexed on state + deadline)."""
    cooldown = now - timedelta(hours=settings.CRM_ESCALATION_COOLDOWN_HOURS)
    return Complaint.objects.filter(
        breached_q(now),  # a complaint waiting on the client is not: its clocks are stopped
        level__lt=Complaint.Level.MANAGEMENT,
    ).filter(Q(escalated_at__isnull=True) | Q(escalated_at__lt=cooldown))


def escalate_breached(now: datetime | None = None, *, batch_size: int | None = None) -> int:
    """Escalate each breached complaint by one level, in batches of a fixed number of
    queries whatever their size: lock a batch (skipping rows another run holds), raise the
    level with history, log an event each and notify the new level, all in bulk. A
    complaint escalated within the cool-down (by hand or by the job) waits, so that each
    level gets time to act."""
    from simple_history.utils import bulk_update_with_history

    now = now or timezone.now()
    batch_size = batch_size or settings.CRM_JOB_BATCH_SIZE
    admins = None
    escalated = last_pk = 0
    while True:
        with transaction.atomic():
            batch = list(
                breached(now)
                .filter(pk__gt=last_pk)  # each row at most once per sweep, whatever the clock says
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("team__supervisor")
                .order_by("pk")[:batch_size]
            )
            if not batch:
                return escalated
            stamp = timezone.now()
            last_pk = batch[-1].pk
            for complaint in batch:
                complaint.level += 1
                complaint.escalated_at = complaint.updated_at = stamp
            bulk_update_with_history(
                batch, Complaint, ["level", "escalated_at", "updated_at"], batch_size=batch_size,
                default_change_reason=str(DEADLINE_MISSED),
            )  # fmt: skip
            # A bulk update sends no signal: the rollups' "escalated" counts of their days.
            rollups.refresh_complaint_days((c.owner_id, c.received_at) for c in batch)
            ComplaintEvent.objects.bulk_create(
                ComplaintEvent(complaint=c, kind=Kind.ESCALATED, by=None, note=str(DEADLINE_MISSED)) for c in batch
            )
            if admins is None and any(c.level >= Complaint.Level.MANAGEMENT for c in batch):
                admins = management_users()
            reminders = []
            for complaint in batch:
                recipients = escalation_recipients(complaint, complaint.level, management=admins)
                reminders += escalation_reminders(complaint, recipients, DEADLINE_MISSED)
            notify_many(reminders)
            escalated += len(batch)


def deadlines_soon(now: datetime | None = None) -> int:
    """Warn the handler once per deadline that falls within the next few hours."""
    now = now or timezone.now()
    soon = now + timedelta(hours=settings.CRM_DEADLINE_SOON_HOURS)
    complaints = (
        Complaint.objects.filter(
            Q(state=State.NEW, first_response_due__gt=now, first_response_due__lte=soon)
            | Q(state__in=RUNNING_STATES, resolution_due__gt=now, resolution_due__lte=soon)
            | Q(state__in=RUNNING_STATES, on_site_at__isnull=True, on_site_due__gt=now, on_site_due__lte=soon)
        )
        .select_related("owner")
        .order_by("pk")[: settings.CRM_JOB_BATCH_SIZE * 4]
    )
    reminders = []
    for complaint in complaints:
        user = complaint.owner
        deadlines = []
        if complaint.state == State.NEW and now < complaint.first_response_due <= soon:
            deadlines.append(("first-response", complaint.first_response_due))
        if now < complaint.resolution_due <= soon:
            deadlines.append(("resolution", complaint.resolution_due))
        if complaint.on_site_due and complaint.on_site_at is None and now < complaint.on_site_due <= soon:
            deadlines.append(("on-site", complaint.on_site_due))
        for which, due in deadlines:
            with translation.override(user.language):
                label = {
                    "first-response": _("first response"),
                    "resolution": _("resolution"),
                    "on-site": _("someone on site"),
                }[which]
                message = _("Complaint %(number)s: %(deadline)s due at %(time)s") % {
                    "number": complaint.number,
                    "deadline": label,
                    "time": f"{timezone.localtime(due):%Y-%m-%d %H:%M}",
                }
            # The due time is in the key: a new deadline (after a reopen) warns again.
            key = f"{complaint.pk}:{which}:{due:%Y%m%d%H%M}"
            reminders.append(Reminder(user, "complaint.due_soon", key, message, complaint.get_absolute_url()))
    return notify_many(reminders)


def return_visits_due(today: date | None = None) -> int:
    """Return visits due today or late, once per visit and day."""
    today = today or timezone.localdate()
    visits = (
        ReturnVisit.objects.filter(done_at__isnull=True, due_date__lte=today)
        .select_related("owner", "complaint", "complaint__client")
        .order_by("due_date", "pk")[: settings.CRM_JOB_BATCH_SIZE * 4]
    )
    reminders = []
    for visit in visits:
        with translation.override(visit.owner.language):
            message = _("Return visit due %(date)s: %(client)s, complaint %(number)s") % {
                "date": f"{visit.due_date:%Y-%m-%d}",
                "client": visit.complaint.client.name,
                "number": visit.complaint.number,
            }
        reminders.append(
            Reminder(visit.owner, "complaint.return_visit_due", f"{visit.pk}:{today:%Y%m%d}", message,
                     reverse("complaints:return_visits"))
        )  # fmt: skip
    return notify_many(reminders)


@transaction.atomic
def record_return_visit(visit: ReturnVisit, *, by: User, satisfied: bool, note: str = "") -> ReturnVisit:
    """Satisfied: the client confirmed and the complaint closes. Not satisfied: it is
    reopened and escalated."""
    if visit.owner_id != by.pk and not by.is_crm_admin:
        raise PermissionDenied
    if visit.done_at is not None:
        raise ValidationError(_("This return visit is already recorded."))
    visit.done_at = timezone.now()
    visit.satisfied = satisfied
    visit.note = note
    visit.save()
    complaint = visit.complaint
    _event(
        complaint,
        Kind.RETURN_VISIT,
        by,
        (_("Client satisfied") if satisfied else _("Client not satisfied")) + (f": {note}" if note else ""),
    )
    if complaint.state in {State.RESOLVED, State.CLOSED}:
        if satisfied and complaint.state == State.CLOSED:
            pass  # closed already (e.g. no answer in time); the satisfied answer is on record
        elif satisfied:
            move(complaint, "close", by=by, note=_("Client confirmed at the return visit"))
        else:
            move(complaint, "reopen", by=by, note=note or _("Client not satisfied at the return visit"))
            if complaint.level < Complaint.Level.MANAGEMENT:
                escalate(complaint, by=by, reason=_("Client not satisfied at the return visit"))
    return visit


def close_unanswered(now: datetime | None = None) -> int:
    """Close resolutions the client did not answer within the configured days."""
    now = now or timezone.now()
    limit = now - timedelta(days=settings.CRM_COMPLAINT_AUTO_CLOSE_DAYS)
    closed = 0
    for complaint in Complaint.objects.filter(state=State.RESOLVED, resolved_at__lt=limit):
        complaint.state = State.CLOSED
        complaint.closed_at = now
        complaint._change_reason = _("No answer from the client")
        complaint.save()
        _event(complaint, Kind.CLOSED, None, _("No answer from the client"))
        closed += 1
    return closed


# --- a client handed to another manager ---------------------------------------------------


def hand_over_complaints(*, client: Client, to_owner: User) -> None:
    """A client given to another manager takes its open (and resolved, not yet closed)
    complaints into the new manager's team, and its return visits still to make. Part of
    ``clients.services.reassign_owner``."""
    moving = Complaint.objects.filter(client_id=client.pk, state__in=[*OPEN_STATES, Complaint.State.RESOLVED])
    with rollups.refreshing_complaints(moving):  # their rollup rows move to the new manager
        moving.update(owner=to_owner, team_id=to_owner.team_id, updated_at=timezone.now())
    ReturnVisit.objects.filter(complaint__client_id=client.pk, done_at__isnull=True).update(owner=to_owner)
