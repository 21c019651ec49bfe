"""Checking in and out of a planned visit on site, for the web and the API alike.

Rules: only the visit's manager, on the visit's day, with the month's approved plan, at
a visit not yet done (★: it is logged, and the log holds its time); one visit in progress
at a time; a check-in further than ``CRM_CHECK_IN_MAX_METRES`` from the client's location
is flagged (not refused: a client may have moved); so is a position less accurate than
``CRM_CHECK_IN_MAX_ACCURACY_METRES`` or older than ``CRM_CHECK_IN_MAX_POSITION_AGE_MINUTES``
at the check-in; a visit lasts at least ``CRM_VISIT_MIN_MINUTES`` before the check-out, and
a too-early check-out says from when.

A phone without a signal sends a step later, with the time it happened (``at``): that time
is taken within bounds (at most ``FUTURE_SLACK`` ahead of the server's clock, not before the
visit's day), and a step that arrives more than ``SENT_LATE_AFTER`` after it happened is
recorded as sent later (``check_in_sent_at``/``check_out_sent_at``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from complaints.services import record_on_site

from .geo import haversine_m
from .models import PlannedVisit
from .services import require_loggable

# A phone's clock may run a little ahead of the server's: more than this is refused.
FUTURE_SLACK = timedelta(minutes=5)
# A step that reaches the server later than this after it happened was kept on the phone.
SENT_LATE_AFTER = timedelta(minutes=2)


def distance_m(lat1, lon1, lat2, lon2) -> int:
    """Great-circle distance in whole metres (the haversine of ``visits/geo.py``)."""
    return round(haversine_m(lat1, lon1, lat2, lon2))


def in_progress(owner: User) -> PlannedVisit | None:
    return (
        PlannedVisit.objects.filter(owner=owner, checked_in_at__isnull=False, checked_out_at__isnull=True)
        .select_related("client")
        .first()
    )


def _check_owner_and_day(visit: PlannedVisit, by: User, at: datetime, now: datetime) -> None:
    if visit.owner_id != by.pk or visit.client.owner_id != by.pk:
        raise PermissionDenied(_("Only the visit's account manager checks in and out."))
    if visit.status == PlannedVisit.Status.CANCELLED:
        raise ValidationError(_("This visit was cancelled."))
    if timezone.localdate(at) != visit.date:
        message = _("Check in on the day of the visit (%(date)s).") % {"date": f"{visit.date:%Y-%m-%d}"}
        raise ValidationError({"at": message})
    _check_step_time(at, now=now, day=visit.date)
    require_loggable(by, visit.date)


def _check_step_time(at: datetime, *, now: datetime, day) -> None:
    """The time a step happened, as the phone says: not in the future (a little slack for
    the phone's clock), not before the visit's day."""
    if at > now + FUTURE_SLACK:
        raise ValidationError({"at": _("This time is in the future: check the phone's clock.")})
    if timezone.localdate(at) < day:
        raise ValidationError(
            {"at": _("This time is before the visit's day (%(date)s).") % {"date": f"{day:%Y-%m-%d}"}}
        )


def sent_later(at: datetime, now: datetime) -> datetime | None:
    """When a step reached the server, if it was kept on the phone a while (else None)."""
    return now if now - at > SENT_LATE_AFTER else None


def location_flags(*, accuracy: int | None, position_at: datetime | None, at: datetime) -> tuple[bool, bool]:
    """(inaccurate, stale): a position vaguer than CRM_CHECK_IN_MAX_ACCURACY_METRES, or taken
    longer than CRM_CHECK_IN_MAX_POSITION_AGE_MINUTES before the check-in. Flags, not refusals:
    the manager may well be on site (SPEC "Check-in with location")."""
    inaccurate = accuracy is not None and accuracy > settings.CRM_CHECK_IN_MAX_ACCURACY_METRES
    stale = position_at is not None and at - position_at > timedelta(
        minutes=settings.CRM_CHECK_IN_MAX_POSITION_AGE_MINUTES
    )
    return inaccurate, stale


def _position_quality(accuracy, position_at: datetime | None, at: datetime) -> tuple[int | None, datetime | None]:
    if accuracy is not None:
        accuracy = float(accuracy)
        if not (0 <= accuracy <= 1_000_000):
            raise ValidationError({"accuracy": _("Give the accuracy in metres, from 0 to 1,000,000.")})
        accuracy = round(accuracy)
    if position_at is not None and position_at > at + FUTURE_SLACK:
        raise ValidationError({"position_at": _("The position cannot be taken after the check-in.")})
    return accuracy, position_at


def _location(latitude, longitude) -> tuple[Decimal | None, Decimal | None]:
    if (latitude is None) != (longitude is None):
        raise ValidationError(_("Give both latitude and longitude, or neither."))
    if latitude is None:
        return None, None
    latitude, longitude = Decimal(str(latitude)), Decimal(str(longitude))
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValidationError(_("This location is not on Earth."))
    return latitude.quantize(Decimal("0.000001")), longitude.quantize(Decimal("0.000001"))


@transaction.atomic
def check_in(
    visit: PlannedVisit,
    *,
    by: User,
    latitude=None,
    longitude=None,
    accuracy=None,
    position_at: datetime | None = None,
    at: datetime | None = None,
) -> PlannedVisit:
    """``at``: when it happened on the phone (default now); ``accuracy`` (metres) and
    ``position_at`` (the fix's time): as the browser gave them."""
    now = timezone.now()
    at = at or now
    visit = PlannedVisit.objects.select_for_update().select_related("client").get(pk=visit.pk)
    _check_owner_and_day(visit, by, at, now)
    if visit.checked_in_at is not None:
        raise ValidationError(_("You already checked in at this visit."))
    if visit.status == PlannedVisit.Status.DONE:
        raise ValidationError(_("This visit is already done (★): there is nothing to check in to."))
    # One visit in progress: the manager's row is locked, so two check-ins at once queue.
    User.objects.select_for_update().filter(pk=by.pk).first()
    current = in_progress(by)
    if current is not None:
        raise ValidationError(
            _("You are still checked in at %(client)s: check out there first.") % {"client": current.client.name}
        )
    latitude, longitude = _location(latitude, longitude)
    accuracy, position_at = _position_quality(accuracy, position_at, at)
    visit.checked_in_at, visit.check_in_latitude, visit.check_in_longitude = at, latitude, longitude
    visit.check_in_accuracy, visit.check_in_position_at = accuracy, position_at
    visit.check_in_inaccurate, visit.check_in_position_stale = location_flags(
        accuracy=accuracy, position_at=position_at, at=at
    )
    visit.check_in_sent_at = sent_later(at, now)
    visit.check_in_distance, visit.far_from_client = None, False
    client = visit.client
    if latitude is not None and client.latitude is not None and client.longitude is not None:
        visit.check_in_distance = distance_m(latitude, longitude, client.latitude, client.longitude)
        visit.far_from_client = visit.check_in_distance > settings.CRM_CHECK_IN_MAX_METRES
    visit._change_reason = _("Checked in")
    located = ["checked_in_at", "check_in_latitude", "check_in_longitude", "check_in_distance", "far_from_client",
               "check_in_accuracy", "check_in_position_at", "check_in_inaccurate", "check_in_position_stale",
               "check_in_sent_at"]  # fmt: skip
    visit.save(update_fields=located)
    record_on_site(client_id=client.pk, at=at)  # someone on site, as a complaint may be waiting for
    return visit


def earliest_check_out(checked_in_at: datetime) -> datetime:
    """The time a refused check-out names: when the visit has lasted ``CRM_VISIT_MIN_MINUTES``,
    rounded up to a whole minute (shown as HH:MM, a check-out then is never refused)."""
    earliest = checked_in_at + timedelta(minutes=settings.CRM_VISIT_MIN_MINUTES)
    if earliest.second or earliest.microsecond:
        earliest = earliest.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return earliest


@transaction.atomic
def check_out(
    visit: PlannedVisit,
    *,
    by: User,
    latitude=None,
    longitude=None,
    accuracy=None,
    position_at: datetime | None = None,
    at: datetime | None = None,
) -> PlannedVisit:
    """As ``check_in``; the position's quality is judged at the check-in only."""
    now = timezone.now()
    at = at or now
    visit = PlannedVisit.objects.select_for_update().select_related("client").get(pk=visit.pk)
    if visit.owner_id != by.pk:
        raise PermissionDenied(_("Only the visit's account manager checks in and out."))
    _check_step_time(at, now=now, day=visit.date)
    if visit.checked_in_at is None:
        raise ValidationError(_("Check in before checking out."))
    if visit.checked_out_at is not None:
        raise ValidationError(_("You already checked out of this visit."))
    if at - visit.checked_in_at < timedelta(minutes=settings.CRM_VISIT_MIN_MINUTES):
        earliest = earliest_check_out(visit.checked_in_at)
        raise ValidationError(
            _("Check out from %(earliest)s: a visit lasts at least %(minutes)s minutes and you checked in at %(time)s.")
            % {
                "minutes": settings.CRM_VISIT_MIN_MINUTES,
                "time": f"{timezone.localtime(visit.checked_in_at):%H:%M}",
                "earliest": f"{timezone.localtime(earliest):%H:%M}",
            }
        )
    latitude, longitude = _location(latitude, longitude)
    visit.checked_out_at, visit.check_out_latitude, visit.check_out_longitude = at, latitude, longitude
    visit.check_out_sent_at = sent_later(at, now)
    visit._change_reason = _("Checked out")
    visit.save(update_fields=["checked_out_at", "check_out_latitude", "check_out_longitude", "check_out_sent_at"])
    return visit
