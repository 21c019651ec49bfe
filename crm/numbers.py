"""Plain arithmetic the apps' figures share (dashboards, scorecards, the bench): no models,
no queries, so that any app may use it without importing another app."""

from __future__ import annotations


def share(part: int, whole: int) -> float | None:
    """A percentage with one decimal, or None when there is nothing to divide by."""
    return round(100 * part / whole, 1) if whole else None


def percentile(values: list[float], fraction: float) -> float | None:
    """Linear interpolation between closest ranks (like PostgreSQL's percentile_cont)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
