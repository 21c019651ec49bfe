"""Why a client is flagged, in the reader's language, from the numbers stored with the
warning (translated when shown, never stored as a sentence)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client

from .models import RuleCode


def _status(value: str) -> str:
    try:
        return str(Client.Status(value).label)
    except ValueError:
        return value


def _days_since(day: str) -> int:
    # The stored warning keeps the due date, not the delay that grows every day.
    return (timezone.localdate() - date.fromisoformat(day)).days


def reason_text(rule: str, params: dict) -> str:
    p = params or {}
    try:
        if rule == "manual":
            return _("Marked by hand by %(by)s: %(reason)s") % {"by": p["by"], "reason": p["reason"]}
        if rule == RuleCode.OVERDUE_VISIT:
            return _("No visit since %(last)s: the visit was due %(due)s, %(days)s days ago") % {
                "last": p["last"],
                "due": p["due"],
                "days": p["days_overdue"] if "days_overdue" in p else _days_since(p["due"]),
            }
        if rule == RuleCode.FALLING_ACTIVITY:
            return _(
                "Activity fell by %(drop)s%%: %(recent)s visits and contacts in the last %(window)s days, "
                "%(earlier)s in the %(window)s days before"
            ) % {"drop": p["drop"], "recent": p["recent"], "earlier": p["earlier"], "window": p["window"]}
        if rule == RuleCode.REPEATED_COMPLAINTS:
            return _("%(count)s complaints in the last %(window)s days") % {"count": p["count"], "window": p["window"]}
        if rule == RuleCode.LOW_SATISFACTION:
            if p.get("previous") is not None and p.get("fall") is not None:
                return _("Latest survey (%(date)s): %(csat)s%% satisfied, down %(fall)s points from %(previous)s%%") % {
                    "date": p["date"],
                    "csat": p["csat"],
                    "fall": p["fall"],
                    "previous": p["previous"],
                }
            return _("Latest survey (%(date)s): %(csat)s%% satisfied, below %(threshold)s%%") % {
                "date": p["date"],
                "csat": p["csat"],
                "threshold": p["threshold"],
            }
        if rule == RuleCode.STATUS_CHANGE:
            return _("Became %(status)s on %(date)s (was %(was)s)") % {
                "status": _status(p["status"]),
                "date": p["date"],
                "was": _status(p["was"]),
            }
    except (KeyError, TypeError, ValueError):
        pass
    # Figures from an older version of a rule: the rule's name still says what is wrong.
    try:
        return str(RuleCode(rule).label)
    except ValueError:
        return rule
