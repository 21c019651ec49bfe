"""The rules of spot checks, as pure functions (unit-tested on their own)."""

from __future__ import annotations

MAX_SCORE = 100


def checklist_score(passed: int, total: int) -> int | None:
    """The score a sheet earns when the supervisor gives none: the share of items that
    meet the standard, 0–100, rounded half up (7 of 9 → 78). ``None`` without items."""
    if total <= 0:
        return None
    passed = max(0, min(passed, total))
    return (200 * passed + total) // (2 * total)


def spot_check_rate_of(total: int, count: int) -> float | None:
    """What a month's spot checks bring to the scorecard: the average score as a share
    (0–1), from the sum of the scores and their number; ``None`` without a check that month
    (then the figure neither helps nor hurts the score)."""
    if count <= 0:
        return None
    return total / (MAX_SCORE * count)
