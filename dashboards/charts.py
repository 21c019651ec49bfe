"""What the dashboards' charts draw (the JSON read by static/js/dashboards.js)."""

from __future__ import annotations

# A line through one or two points is a nearly empty chart (issue #29): fewer points are bars.
MIN_LINE_POINTS = 3


def time_series(labels: list[str], datasets: list[dict]) -> dict | None:
    """A chart over time: a line from three points, bars below that, and no chart without a
    point (the table next to every chart then says there is nothing)."""
    if not labels:
        return None
    return {"type": "line" if len(labels) >= MIN_LINE_POINTS else "bar", "labels": labels, "datasets": datasets}
