"""Client care rules from the spec, as pure functions (SPEC "Care", seeds 000 and 001)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal

# Invitations to events go out 1–2 weeks ahead (seed 000): fewer days than this is late.
INVITATION_MIN_DAYS_AHEAD = 7


def gift_needs_approval(value: Decimal, threshold: int | Decimal) -> bool:
    """A gift worth more than the threshold waits for approval; at the threshold it does not."""
    return Decimal(value) > Decimal(threshold)


def invitation_is_late(sent_on: date, event_date: date) -> bool:
    return (event_date - sent_on).days < INVITATION_MIN_DAYS_AHEAD


def window(today: date, days: int) -> list[date]:
    """Today and the next ``days`` days."""
    return [today + timedelta(days=offset) for offset in range(days + 1)]


def month_days(days: list[date]) -> dict[tuple[int, int], date]:
    """Which (month, day) of a birth or start date falls on which day of the window.

    29 February is celebrated on 28 February in years without one.
    """
    wanted = {(day.month, day.day): day for day in days}
    for day in days:
        if (day.month, day.day) == (2, 28) and not calendar.isleap(day.year):
            wanted[(2, 29)] = day
    return wanted
