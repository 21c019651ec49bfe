"""The shortest route of a day (visits/routes.py): the issue's numbers on 200 generated days,
appointments kept in time order, the start point, stops without a location at the end."""

import random
from datetime import time

import pytest

from visits.routes import MAX_PASSES, Stop, appointments_in_time_order, route_metres, shortest_route

# Around Hangzhou: a day's clients within about 20 km of each other.
CENTRE = (30.25, 120.16)


def seeded(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 (reproducible generated days, not security)


def generated_day(rng: random.Random, size: int, appointments: int = 0) -> list[Stop]:
    """Stops in the order of their client codes (C001, C002, ...): the order a plan lists them."""
    stops = [
        Stop(f"C{n:03}", CENTRE[0] + rng.uniform(-0.1, 0.1), CENTRE[1] + rng.uniform(-0.1, 0.1))
        for n in range(1, size + 1)
    ]
    for n, place in enumerate(sorted(rng.sample(range(size), appointments))):
        stop = stops[place]
        at = rng.choice([time(9 + n * 2), time(10 + n * 2, 30)])
        stops[place] = Stop(stop.key, stop.latitude, stop.longitude, at)
    return stops


def points(stops, order):
    by_key = {s.key: s for s in stops}
    return [(by_key[k].latitude, by_key[k].longitude) for k in order if by_key[k].located]


def test_200_days_are_on_average_a_fifth_shorter_and_never_longer():
    rng = seeded(30)
    ratios = []
    for _day in range(200):
        size = rng.randint(8, 25)
        stops = generated_day(rng, size, appointments=rng.choice([0, 0, 1, 2, 3]))
        route = shortest_route(stops)
        code_order = appointments_in_time_order(stops)
        by_codes = route_metres([(s.latitude, s.longitude) for s in code_order])
        assert route.metres == pytest.approx(route_metres(points(stops, route.order)))
        assert route.metres <= by_codes + 1e-6
        assert sorted(route.order) == sorted(s.key for s in stops)
        ratios.append(route.metres / by_codes)
    assert sum(ratios) / len(ratios) <= 0.8


def test_appointments_keep_the_order_of_their_times():
    rng = seeded(7)
    for _day in range(100):
        stops = generated_day(rng, rng.randint(8, 25), appointments=3)
        route = shortest_route(stops, start=CENTRE)
        times = {s.key: s.appointment for s in stops if s.appointment}
        seen = [times[k] for k in route.order if k in times]
        assert seen == sorted(seen) and len(seen) == 3


def test_without_a_start_point_the_first_stop_stays_first():
    stops = generated_day(seeded(3), 12)
    assert shortest_route(stops).order[0] == "C001"


def test_the_start_point_is_where_the_trip_begins():
    # Three stops on a line going east; starting at the east end, the east stop comes first.
    stops = [Stop("west", 30.25, 120.10), Stop("middle", 30.25, 120.15), Stop("east", 30.25, 120.20)]
    route = shortest_route(stops, start=(30.25, 120.21))
    assert route.order == ["east", "middle", "west"]


def test_clients_without_a_location_keep_their_order_at_the_end():
    stops = [Stop("nowhere-1", None, None), *generated_day(seeded(5), 8), Stop("nowhere-2", None, 120.1)]
    route = shortest_route(stops)
    assert route.order[-2:] == ["nowhere-1", "nowhere-2"]
    assert route.unlocated == ["nowhere-1", "nowhere-2"]


def test_a_day_of_only_unlocated_or_one_stop():
    assert shortest_route([Stop("a", None, None)]).order == ["a"]
    assert shortest_route([Stop("a", 30.0, 120.0)]).order == ["a"]
    assert shortest_route([]).order == []


def test_thirty_stops_take_a_bounded_amount_of_work():
    """The time is measured by bench/run.py ("route order 30 stops", target 50 ms); here the
    work: moves examined stay within a small multiple of n² per pass, far under the cap."""
    stops = generated_day(seeded(11), 30, appointments=2)
    route = shortest_route(stops, start=CENTRE)
    per_pass = 30 * 30 + 3 * 30 * 31  # 2-opt pairs + or-opt insertions of 1-3 stops
    assert route.moves < 2 * 10 * per_pass  # two candidates, typically well under ten passes each
    assert route.moves < 2 * MAX_PASSES * per_pass
