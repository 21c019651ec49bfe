import pytest

from crm.numbers import percentile, share
from crm.templatetags.crm_numbers import percent


def test_percent_drops_a_zero_decimal_and_shows_a_dash_for_nothing():
    assert percent(75.0) == "75%"
    assert percent(12.5) == "12.5%"
    assert percent(0) == "0%"
    assert percent(None) == "—"


def test_percent_is_written_in_the_readers_language(settings):
    """Each value is formatted once per language and kept: a language whose decimal separator
    is a comma gets its own."""
    from django.utils import translation

    settings.LANGUAGES = [*settings.LANGUAGES, ("de", "German")]
    with translation.override("en"):
        assert percent(12.5) == "12.5%"
    with translation.override("de"):
        assert percent(12.5) == "12,5%"
    with translation.override("en"):
        assert percent(12.5) == "12.5%"


def test_percentile_matches_percentile_cont():
    assert percentile([1, 2, 3, 4], 0.5) == 2.5
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) == pytest.approx(9.1)
    assert percentile([], 0.5) is None


def test_share_is_a_percentage_with_one_decimal_or_none_of_nothing():
    assert share(1, 3) == 33.3
    assert share(0, 0) is None
