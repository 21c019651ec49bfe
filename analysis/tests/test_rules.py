"""The analysis rules with numbers worked out by hand (SPEC "Analysis")."""

from decimal import Decimal

import pytest

from analysis import rules


@pytest.mark.parametrize(
    ("target", "actual", "abnormal"),
    [
        ("80", "76", True),  # (80 − 76) ÷ 80 = 0.05 exactly: abnormal
        ("80", "76.01", False),  # 0.049875
        ("100", "95.01", False),  # 4.99 % below: normal
        ("100", "95", True),  # 5.00 % below
        ("100", "120", False),  # above target
        ("0", "0", False),  # a zero target asks for nothing
        ("0", "-3", False),
        (None, "10", False),  # no target
        ("50", None, False),  # no figure (no target clients)
    ],
)
def test_an_indicator_is_abnormal_from_five_percent_below_its_target(target, actual, abnormal):
    assert rules.is_abnormal(target and Decimal(target), actual and Decimal(actual)) is abnormal


def test_the_four_rates_from_a_small_table():
    # Five target clients; three of them (1, 2, 3) and one other (9) ordered this month.
    assert rules.stocking_rate({1, 2, 3, 4, 5}, {1, 2, 3, 9}) == Decimal("60.00")
    # Four ordered last month (1, 2, 6, 7); two of them again this month.
    assert rules.active_rate({1, 2, 6, 7}, {1, 2, 3, 9}) == Decimal("50.00")
    # Of the four that ordered this month, clients 1 and 9 ordered twice or more.
    assert rules.repurchase_rate({1: 2, 2: 1, 3: 1, 9: 5, 4: 0}) == Decimal("50.00")
    # 45 cartons supplied of 60 asked for.
    assert rules.fulfilment_rate(Decimal(45), Decimal(60)) == Decimal("75.00")


def test_a_rate_with_nothing_to_divide_by_has_no_figure():
    assert rules.stocking_rate(set(), {1, 2}) is None  # a product with no target clients
    assert rules.active_rate(set(), {1}) is None
    assert rules.repurchase_rate({}) is None
    assert rules.fulfilment_rate(10, 0) is None


def test_market_figures():
    assert rules.average_price(Decimal("12345.00"), Decimal("100")) == Decimal("123.45")
    assert rules.average_price(10, 0) is None
    assert rules.growth(Decimal(110), Decimal(100)) == Decimal("10.00")
    assert rules.growth(Decimal(90), Decimal(120)) == Decimal("-25.00")
    assert rules.growth(5, 0) is None
