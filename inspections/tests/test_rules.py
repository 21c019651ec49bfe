"""The spot-check rules, with numbers worked by hand."""

import pytest

from inspections.rules import checklist_score, spot_check_rate_of


@pytest.mark.parametrize(
    ("passed", "total", "score"),
    [(10, 10, 100), (0, 10, 0), (7, 9, 78), (1, 3, 33), (2, 3, 67), (1, 2, 50), (12, 10, 100), (-1, 10, 0)],
)
def test_the_sheet_scores_the_share_of_items_met_rounded_half_up(passed, total, score):
    assert checklist_score(passed, total) == score


def test_a_sheet_without_items_has_no_score():
    assert checklist_score(0, 0) is None


def test_the_scorecard_rate_is_the_average_score():
    # 80 and 90: 170 of 200 points, 85%.
    assert spot_check_rate_of(170, 2) == 0.85
    assert spot_check_rate_of(0, 0) is None
