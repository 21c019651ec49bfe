from collections import Counter
from datetime import date

import pytest

from visits import rules
from visits.rules import MONTHLY, TWICE_MONTHLY, WEEKLY, Candidate
from workdays.rules import WorkCalendar


def candidates(count: int, *, key: int = 0, tier_min: str = MONTHLY) -> list[Candidate]:
    return [
        Candidate(
            client_id=i,
            code=f"C{i:05d}",
            is_key=i < key,
            open_strategies=count - i,  # client 0 has the most open strategies
            tier_rank=4,
            tier_min_frequency=tier_min,
        )
        for i in range(count)
    ]


@pytest.mark.parametrize(("count", "sizes"), [(10, (2, 5, 3)), (1000, (200, 500, 300)), (1, (0, 1, 0)), (0, (0, 0, 0))])
def test_band_sizes(count, sizes):
    assert rules.band_sizes(count) == sizes


@pytest.mark.parametrize("count", [10, 1000])
def test_20_50_30_by_open_strategies(count):
    proposed = rules.propose_frequencies(candidates(count))
    tally = Counter(proposed.values())
    assert (tally[WEEKLY], tally[TWICE_MONTHLY], tally[MONTHLY]) == rules.band_sizes(count)
    top = count // 5
    # The clients with most open strategies are the weekly ones, the fewest monthly.
    assert all(proposed[i] == WEEKLY for i in range(top))
    assert all(proposed[i] == MONTHLY for i in range(count - count * 3 // 10, count))


def test_key_clients_weekly_and_out_of_the_ranking():
    proposed = rules.propose_frequencies(candidates(12, key=2))
    assert proposed[0] == proposed[1] == WEEKLY
    # The 10 others are ranked among themselves: 2 / 5 / 3.
    tally = Counter(proposed[i] for i in range(2, 12))
    assert (tally[WEEKLY], tally[TWICE_MONTHLY], tally[MONTHLY]) == (2, 5, 3)


def test_tier_minimum_is_never_undercut():
    proposed = rules.propose_frequencies(candidates(10, tier_min=TWICE_MONTHLY))
    assert MONTHLY not in proposed.values()
    assert Counter(proposed.values())[WEEKLY] == 2


def test_ties_break_by_tier_then_overdue_then_code():
    tied = [
        Candidate(1, "B", False, 3, tier_rank=4, tier_min_frequency=MONTHLY),
        Candidate(2, "A", False, 3, tier_rank=4, tier_min_frequency=MONTHLY),
        Candidate(3, "Z", False, 3, tier_rank=1, tier_min_frequency=MONTHLY),
        Candidate(4, "C", False, 3, tier_rank=4, tier_min_frequency=MONTHLY, overdue_days=20),
        *[Candidate(10 + i, f"X{i}", False, 0, 4, MONTHLY) for i in range(6)],
    ]
    proposed = rules.propose_frequencies(tied)
    # 10 clients: 2 weekly. Best tier first, then the longest overdue.
    assert [cid for cid, f in proposed.items() if f == WEEKLY] == [3, 4]
    # Deterministic: same input, same answer, whatever the order.
    assert rules.propose_frequencies(reversed(tied)) == proposed


def test_working_days_and_windows():
    days = WorkCalendar().working_days(date(2026, 12, 1), date(2026, 12, 31))
    assert len(days) == 23 and all(d.weekday() < 5 for d in days)
    assert len(rules.windows(WEEKLY, days)) == 5  # five ISO weeks touch December 2026
    assert [len(w) for w in rules.windows(TWICE_MONTHLY, days)] == [11, 12]
    assert rules.visits_in_range(MONTHLY, days) == 1


def test_spread_visits_is_even_and_idempotent():
    days = WorkCalendar().working_days(date(2026, 12, 1), date(2026, 12, 31))
    wanted = [(i, MONTHLY) for i in range(46)] + [(100 + i, WEEKLY) for i in range(4)]
    existing, load = {}, Counter()
    placed = rules.spread_visits(wanted, days, existing, load)
    assert len(placed) == 46 + 4 * 5
    per_day = Counter(day for _, day in placed)
    assert max(per_day.values()) - min(per_day[d] for d in days) <= 1  # evenly spread
    assert rules.spread_visits(wanted, days, existing, load) == []  # nothing twice


def test_manual_entries_are_respected():
    days = WorkCalendar().working_days(date(2026, 12, 1), date(2026, 12, 31))
    existing = {7: {date(2026, 12, 9)}}
    placed = rules.spread_visits([(7, TWICE_MONTHLY)], days, existing, Counter())
    assert len(placed) == 1 and placed[0][1] >= date(2026, 12, 16)  # only the second half needs one
