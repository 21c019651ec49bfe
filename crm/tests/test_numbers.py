from crm.templatetags.crm_numbers import percent


def test_percent_drops_a_zero_decimal_and_shows_a_dash_for_nothing():
    assert percent(75.0) == "75%"
    assert percent(12.5) == "12.5%"
    assert percent(0) == "0%"
    assert percent(None) == "—"
