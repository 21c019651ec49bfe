"""The order of a day's stops that makes the trip short (SPEC "Field work", issue #30 item 6).

Rules, as a pure function (no database):

- The trip starts at the manager's start point (``User.route_start_*``, on the profile), or
  else at the first stop of the order given.
- Stops with an appointment time keep their time: they are visited in the order of their
  times (a 10:00 appointment never comes after a 14:00 one). The CRM knows no travel or
  visit durations, so it promises the order of the appointments, not the minute.
- Distances are great-circle distances (the haversine of ``visits/geo.py``): no road network.
- Nearest neighbour builds a route, then 2-opt (reverse a stretch) and or-opt (move one to
  three stops elsewhere) shorten it while a move helps. The same improvement runs on the
  order given, and the shorter of the two is kept: the result is never longer than the
  order given (once its appointments are put in time order).
- Clients without a location cannot be placed on a map: they keep their order, at the end.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import time

from .geo import haversine_m

# A bound on the improvement passes: each pass strictly shortens the route, so the loop ends
# anyway; the bound keeps the worst case (30 stops ordered at once) predictable.
MAX_PASSES = 50


@dataclass(frozen=True)
class Stop:
    key: Hashable
    latitude: float | None
    longitude: float | None
    appointment: time | None = None

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None


@dataclass
class Route:
    order: list = field(default_factory=list)  # keys: the located stops in route order, then the others
    unlocated: list = field(default_factory=list)  # keys of the stops without a location (at the end)
    metres: float = 0.0  # the trip through the located stops, from the start
    given_metres: float = 0.0  # the same trip in the order given (appointments in time order)
    moves: int = 0  # the moves examined: the work done, bounded for a test without a clock


def appointments_in_time_order(stops: Sequence[Stop]) -> list[Stop]:
    """The order given, with the stops that have an appointment swapped among their own
    places so that their times go up (the others do not move)."""
    timed = iter(sorted((s for s in stops if s.appointment is not None), key=lambda s: s.appointment))
    return [next(timed) if s.appointment is not None else s for s in stops]


def route_metres(points: Sequence[tuple[float, float]], start: tuple[float, float] | None = None) -> float:
    """The length of a trip through these (latitude, longitude) points, from ``start`` if given."""
    path = ([start] if start is not None else []) + list(points)
    return sum(haversine_m(*path[i], *path[i + 1]) for i in range(len(path) - 1))


def shortest_route(stops: Sequence[Stop], start: tuple[float, float] | None = None) -> Route:
    """The stops in the order that makes the day's trip short (the module's rules)."""
    unlocated = [s.key for s in stops if not s.located]
    given = appointments_in_time_order([s for s in stops if s.located])
    if not given:
        return Route(order=unlocated, unlocated=unlocated)
    # Node 0 is where the trip starts: the start point, or the first stop given (with an
    # appointment, the earliest one: appointments_in_time_order put it there).
    offset = 1 if start is not None else 0
    points = ([start] if start is not None else []) + [(float(s.latitude), float(s.longitude)) for s in given]
    n = len(points)
    dist = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            dist[i][j] = dist[j][i] = haversine_m(*points[i], *points[j])
    # rank[node]: the place of its appointment among the day's appointments, or -1.
    rank = [-1] * n
    for place, node in enumerate(node for node in range(offset, n) if given[node - offset].appointment is not None):
        rank[node] = place
    counter = [0]
    candidates = [
        _improve(_nearest_neighbour(dist, rank), dist, rank, counter),
        _improve(list(range(n)), dist, rank, counter),
    ]
    best = min(candidates, key=lambda route: _length(route, dist))
    given_metres = _length(list(range(n)), dist)
    metres = _length(best, dist)
    order = [given[node - offset].key for node in best if node >= offset]
    return Route(order + unlocated, unlocated, metres, given_metres, counter[0])


def _length(route: list[int], dist: list[list[float]]) -> float:
    return sum(dist[route[i]][route[i + 1]] for i in range(len(route) - 1))


def _nearest_neighbour(dist: list[list[float]], rank: list[int]) -> list[int]:
    """From node 0, always to the nearest stop allowed next: any stop without an appointment,
    or the next appointment in time."""
    n = len(dist)
    free = {node for node in range(1, n) if rank[node] < 0}
    timed = sorted((node for node in range(1, n) if rank[node] >= 0), key=rank.__getitem__)
    route, here, next_timed = [0], 0, 0
    while free or next_timed < len(timed):
        allowed = list(free)
        if next_timed < len(timed):
            allowed.append(timed[next_timed])
        here = min(allowed, key=lambda node: (dist[here][node], node))
        if rank[here] >= 0:
            next_timed += 1
        else:
            free.discard(here)
        route.append(here)
    return route


def _improve(route: list[int], dist: list[list[float]], rank: list[int], counter: list[int]) -> list[int]:
    """2-opt and or-opt on an open path whose first node stays first, while a move shortens it.
    A move may not change the order of two appointments: a reversed stretch holds at most one,
    a moved stretch none."""
    n = len(route)
    for _ in range(MAX_PASSES):
        improved = False
        # 2-opt: reverse route[i..j].
        for i in range(1, n - 1):
            timed_seen = 0
            for j in range(i, n):
                if rank[route[j]] >= 0:
                    timed_seen += 1
                if timed_seen > 1:
                    break
                if j == i:
                    continue
                counter[0] += 1
                a, b, c = route[i - 1], route[i], route[j]
                delta = dist[a][c] - dist[a][b]
                if j + 1 < n:
                    d = route[j + 1]
                    delta += dist[b][d] - dist[c][d]
                if delta < -1e-6:
                    route[i : j + 1] = route[i : j + 1][::-1]
                    improved = True
                    b = route[i]
        # or-opt: move route[i..i+k-1] (no appointment in it) between two other neighbours.
        for k in (1, 2, 3):
            i = 1
            while i + k <= n:
                segment = route[i : i + k]
                if any(rank[node] >= 0 for node in segment):
                    i += 1
                    continue
                prev, first, last = route[i - 1], segment[0], segment[-1]
                after = route[i + k] if i + k < n else None
                removed = dist[prev][first] + (dist[last][after] - dist[prev][after] if after is not None else 0)
                rest = route[:i] + route[i + k :]
                best_gain, best_at = 1e-6, None
                for at in range(1, len(rest) + 1):  # insert before rest[at] (or at the end)
                    counter[0] += 1
                    left = rest[at - 1]
                    right = rest[at] if at < len(rest) else None
                    added = dist[left][first] + (dist[last][right] - dist[left][right] if right is not None else 0)
                    if removed - added > best_gain:
                        best_gain, best_at = removed - added, at
                if best_at is not None:
                    route = rest[:best_at] + segment + rest[best_at:]
                    improved = True
                i += 1
        if not improved:
            break
    return route
