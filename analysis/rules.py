"""The analysis rules of the 135 method (SPEC "Analysis"), as pure functions on plain numbers.

Rates are percentages (0–100) with two decimals; ``None`` means "nothing to divide by"
(no target clients, nobody ordered last month, no demand), which is neither good nor
abnormal: the page says there is no figure.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

# SPEC: an indicator 5 % or more below its target is abnormal, relative to the target.
ABNORMAL_GAP = Decimal("0.05")
HUNDRED = Decimal(100)
CENTS = Decimal("0.01")


def cents(value) -> Decimal:
    """A sum of money or quantities to two decimals on every database (SQLite's sums of
    decimals lose them); ``None`` (a sum of nothing) is zero."""
    return Decimal(value or 0).quantize(CENTS)


def _decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def percent(part, whole) -> Decimal | None:
    """``part`` as a percentage of ``whole``, two decimals; None when ``whole`` is zero."""
    whole = _decimal(whole)
    if not whole:
        return None
    return (HUNDRED * _decimal(part) / whole).quantize(CENTS, rounding=ROUND_HALF_UP)


def is_abnormal(target, actual) -> bool:
    """(target − actual) ÷ target ≥ 0.05: abnormal, exactly 5 % below included.

    A missing target or actual, or a target of zero (nothing asked for), is never abnormal.
    Exact decimal arithmetic, so that 5.00 % below is abnormal and 4.99 % below is not.
    """
    if target is None or actual is None:
        return False
    target, actual = _decimal(target), _decimal(actual)
    if target <= 0:
        return False
    return (target - actual) / target >= ABNORMAL_GAP


# --- the four rates (四率) of one product in one month -----------------------------------------


def stocking_rate(target_clients: set[int], ordered_this_month: set[int]) -> Decimal | None:
    """上柜率: target clients that ordered the product in the month ÷ target clients."""
    return percent(len(target_clients & ordered_this_month), len(target_clients))


def active_rate(ordered_last_month: set[int], ordered_this_month: set[int]) -> Decimal | None:
    """动销率: clients that ordered it this month and last ÷ clients that ordered it last month."""
    return percent(len(ordered_last_month & ordered_this_month), len(ordered_last_month))


def repurchase_rate(orders_by_client: dict[int, int]) -> Decimal | None:
    """重购率: clients with two or more orders of it in the month ÷ clients that ordered it."""
    ordered = [orders for orders in orders_by_client.values() if orders > 0]
    return percent(sum(1 for orders in ordered if orders >= 2), len(ordered))


def fulfilment_rate(supplied, demanded) -> Decimal | None:
    """满足率: supplied ÷ demanded quantity."""
    return percent(supplied, demanded)


# --- market figures (市场分析) -----------------------------------------------------------------


def average_price(amount, quantity) -> Decimal | None:
    """单条值: amount ÷ quantity, two decimals."""
    quantity = _decimal(quantity)
    if not quantity:
        return None
    return (_decimal(amount) / quantity).quantize(CENTS, rounding=ROUND_HALF_UP)


def growth(current, previous) -> Decimal | None:
    """Growth against an earlier figure, in percent: (current − previous) ÷ previous."""
    previous = _decimal(previous)
    if not previous:
        return None
    return percent(_decimal(current) - previous, previous)
