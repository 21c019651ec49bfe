"""Client rules from the spec, as pure functions (no database)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Tier

# Most frequent first. The interval is the longest gap allowed between two visits.
FREQUENCY_ORDER = ("weekly", "twice_monthly", "monthly")
FREQUENCY_INTERVAL_DAYS = {"weekly": 7, "twice_monthly": 15, "monthly": 31}

# Tenure from the relationship's length: under a year new, under three regular, then loyal.
REGULAR_AFTER_YEARS = 1
LOYAL_AFTER_YEARS = 3


def better_tier(own: Tier, group: Tier | None) -> Tier:
    """A group's member gets at least its group's tier (rank 1 is the best)."""
    if group is None or own.rank <= group.rank:
        return own
    return group


def stricter_frequency(*frequencies: str | None) -> str:
    """The most frequent of the given visit frequencies (blank ones are ignored)."""
    known = [f for f in frequencies if f in FREQUENCY_ORDER]
    if not known:
        return ""
    return min(known, key=FREQUENCY_ORDER.index)


def next_visit_due(last_visited_on: date | None, frequency: str) -> date | None:
    """When the next visit is due; None if never visited or no frequency is known."""
    if last_visited_on is None or frequency not in FREQUENCY_INTERVAL_DAYS:
        return None
    return last_visited_on + timedelta(days=FREQUENCY_INTERVAL_DAYS[frequency])


def _years_between(start: date, today: date) -> int:
    years = today.year - start.year
    if (today.month, today.day) < (start.month, start.day):
        years -= 1
    return years


def tenure_for(start_date: date | None, today: date) -> str:
    """new / regular / loyal from the start of the relationship; '' when unknown."""
    if start_date is None:
        return ""
    years = _years_between(start_date, today)
    if years >= LOYAL_AFTER_YEARS:
        return "loyal"
    if years >= REGULAR_AFTER_YEARS:
        return "regular"
    return "new"


def better_card(*cards):
    """The highest of the given VIP cards (rank 1 is the best); None if there is none.

    SPEC: when a person's own standing earns a higher card than the group's rule gives,
    the higher one applies."""
    known = [card for card in cards if card is not None]
    return min(known, key=lambda card: card.rank) if known else None


def card_from_rules(group_class: str, key_person_type: str, card_rules: dict):
    """The card the rule table gives a key person of this type in a group of this class.

    ``card_rules`` maps (group class, key-person type) to a card; a pair that is not in
    the table (or a person outside any classed group, or not a key person) gets none."""
    if not group_class or not key_person_type:
        return None
    return card_rules.get((group_class, key_person_type))


def is_large_client(monthly_volume: int | None, threshold: int) -> bool:
    """SPEC: a client at or above the monthly-volume threshold is a large client."""
    return monthly_volume is not None and monthly_volume >= threshold


# SPEC "Grades change by proposal": a client's grade (its tier) and its category (type and
# size) change for an account manager only through a grade proposal (GradeProposal) that
# the team's supervisor or an admin decides on.
GRADE_FIELDS = ("tier", "client_type", "size")


def may_set_grade_directly(user) -> bool:
    """Whether ``user`` may change a client's ``GRADE_FIELDS`` without a proposal (with a
    reason): supervisors and admins, who are the ones deciding on proposals."""
    return bool(user.is_supervisor or user.is_crm_admin)


# A phone is the same whatever its spacing, dashes or country code (+86 / 0086, China).
COUNTRY_PREFIXES = ("0086", "86")
MIN_PHONE_DIGITS = 7


def phone_digits(phone: str | None) -> str:
    """A phone number reduced to its digits, without the country code: ``+86 138-0013-8000``
    and ``13800138000`` are one number. Fewer than seven digits is no phone number (empty)."""
    digits = "".join(ch for ch in (phone or "") if ch.isascii() and ch.isdigit())
    for prefix in COUNTRY_PREFIXES:
        if digits.startswith(prefix) and len(digits) - len(prefix) >= 11:
            digits = digits[len(prefix) :]
            break
    return digits if len(digits) >= MIN_PHONE_DIGITS else ""


def looks_like_phone(text: str) -> bool:
    """Search text that is a phone number as people type one: digits, spaces, dashes, +, ()."""
    return bool(phone_digits(text)) and all(ch.isdigit() or ch in " -+()" for ch in text)
