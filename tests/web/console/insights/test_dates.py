"""The insights page's date range: parsing, its ends and defaults, days and weeks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.web.console.insights.support import D0, range_of
from web.console.insights import dates
from web.console.insights.dates import DateRange, parse_range

TODAY = date(2026, 11, 25)


def test_default_range_is_the_last_30_days_ending_today() -> None:
    rng, errors = parse_range({}, TODAY)
    assert (rng.start, rng.end, rng.days, errors) == (date(2026, 10, 27), TODAY, 30, [])


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "2026-13-01"}, "From: expected a date like 2026-11-03."),
        ({"date_to": "yesterday"}, "To: expected a date like 2026-11-03."),
        ({"date_from": "20261103"}, "From: expected a date like 2026-11-03."),
        ({"date_from": "2026-W45-1"}, "From: expected a date like 2026-11-03."),
        ({"date_from": "<script>alert(1)</script>"}, "From: expected a date like 2026-11-03."),
        ({"date_from": "1969-12-31"}, "From: expected a date between 1970-01-01 and 2100-12-31."),
        ({"date_to": "9999-12-31"}, "To: expected a date between 1970-01-01 and 2100-12-31."),
        ({"date_from": "2026-11-10", "date_to": "2026-11-01"}, "From is after To."),
        ({"date_from": "2020-01-01", "date_to": "2026-01-01"},
         "That range is 2193 days; the longest is 366 days."),
    ],
)  # fmt: skip
def test_bad_ranges_fall_back_to_the_default_with_a_clear_error(params: dict, message: str) -> None:
    rng, errors = parse_range(params, TODAY)
    assert errors == [message]
    assert rng == dates.default_range(TODAY)


def test_ranges_of_one_end_and_of_366_days() -> None:
    assert parse_range({"date_from": "2026-11-20"}, TODAY) == (DateRange(date(2026, 11, 20), TODAY), [])
    assert parse_range({"date_to": "2026-01-30"}, TODAY) == (
        DateRange(date(2026, 1, 1), date(2026, 1, 30)),
        [],
    )
    # From alone a long time ago: 30 days from there, not an error.
    assert parse_range({"date_from": "2020-01-01"}, TODAY)[0] == DateRange(
        date(2020, 1, 1), date(2020, 1, 30)
    )
    leap = {"date_from": "2024-01-01", "date_to": "2024-12-31"}
    assert parse_range(leap, TODAY) == (DateRange(date(2024, 1, 1), date(2024, 12, 31)), [])
    one = {"date_from": "2026-11-03", "date_to": "2026-11-03"}
    assert parse_range(one, TODAY)[0].days == 1


def test_long_ranges_are_counted_per_week() -> None:
    assert len(dates.periods(range_of(0, 62))) == 63  # nine weeks: still per day
    weeks = dates.periods(range_of(0, 89))  # 90 days: 13 weeks
    assert len(weeks) == 13
    assert weeks[0].label == "2026-11-02 to 2026-11-08"
    assert weeks[-1].start == D0 + timedelta(days=84) and weeks[-1].end == D0 + timedelta(days=89)
