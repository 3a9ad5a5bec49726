"""The insights page's dates: a range of whole UTC days (parsed from the form, or a
preset), its day numbers, and the periods a chart shows (days, or weeks for long ranges).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

EPOCH = date(1970, 1, 1)
SECONDS_PER_DAY = 86_400
DEFAULT_DAYS = 30
MAX_DAYS = 366
FIRST_DATE, LAST_DATE = EPOCH, date(2100, 12, 31)  # day numbers stay >= 0
WEEKLY_AFTER_DAYS = 63  # longer ranges are charted per week
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def day_number(day: date) -> int:
    """UTC days since 1970-01-01 (the ``day`` column of `console_messages`)."""
    return (day - EPOCH).days


def from_day_number(number: int) -> date:
    return EPOCH + timedelta(days=number)


@dataclass(frozen=True)
class DateRange:
    """Whole UTC days, both ends included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def first(self) -> int:
        return day_number(self.start)

    @property
    def last(self) -> int:
        return day_number(self.end)

    def query(self, **extra: str) -> str:
        """``date_from=...&date_to=...`` (and ``extra``), for links."""
        return urlencode({**extra, "date_from": self.start.isoformat(), "date_to": self.end.isoformat()})

    def describe(self) -> str:
        return f"from {self.start.isoformat()} to {self.end.isoformat()}"


def default_range(today: date | None = None) -> DateRange:
    """The last 30 days, today included."""
    end = today or datetime.now(tz=UTC).date()
    return DateRange(end - timedelta(days=DEFAULT_DAYS - 1), end)


def _parse_date(raw: str, label: str, errors: list[str]) -> date | None:
    if not raw:
        return None
    try:
        if not _ISO_DATE.fullmatch(raw):
            raise ValueError
        day = date.fromisoformat(raw)
    except ValueError:
        errors.append(f"{label}: expected a date like 2026-11-03.")
        return None
    if not FIRST_DATE <= day <= LAST_DATE:
        errors.append(f"{label}: expected a date between {FIRST_DATE} and {LAST_DATE}.")
        return None
    return day


def parse_range(params: Mapping[str, str], today: date | None = None) -> tuple[DateRange, list[str]]:
    """The range asked for in ``date_from`` / ``date_to``, and what was wrong with it.

    One end alone is completed: From alone runs to today (or 30 days when that would be
    too long), To alone starts 29 days earlier. On any error the range is the default
    (the last 30 days, which the page says) and the errors say why.
    """
    errors: list[str] = []
    fallback = default_range(today)
    start = _parse_date(str(params.get("date_from", "") or "").strip()[:40], "From", errors)
    end = _parse_date(str(params.get("date_to", "") or "").strip()[:40], "To", errors)
    if errors:
        return fallback, errors
    if start is not None and end is None:
        end = max(start, fallback.end)
        if (end - start).days + 1 > MAX_DAYS:
            end = start + timedelta(days=DEFAULT_DAYS - 1)
    elif start is None and end is not None:
        start = max(FIRST_DATE, end - timedelta(days=DEFAULT_DAYS - 1))
    if start is None or end is None:
        return fallback, []
    if start > end:
        return fallback, ["From is after To."]
    if (end - start).days + 1 > MAX_DAYS:
        return fallback, [f"That range is {(end - start).days + 1} days; the longest is {MAX_DAYS} days."]
    return DateRange(start, end), []


def presets(today: date | None = None) -> list[tuple[str, DateRange]]:
    """Quick choices for the range form."""
    end = today or datetime.now(tz=UTC).date()
    return [(f"Last {n} days", DateRange(end - timedelta(days=n - 1), end)) for n in (7, 30, 90, 365)]


@dataclass(frozen=True)
class Period:
    """One point of a chart: a day, or (for long ranges) seven days."""

    start: date
    end: date

    @property
    def label(self) -> str:
        if self.start == self.end:
            return self.start.isoformat()
        return f"{self.start.isoformat()} to {self.end.isoformat()}"

    def short(self, with_year: bool) -> str:
        text = f"{self.start.day} {self.start:%b}"
        return f"{text} {self.start:%y}" if with_year else text


def periods(rng: DateRange) -> list[Period]:
    """Days, or weeks from the first day when the range is longer than nine weeks (the
    last week may be shorter)."""
    step = 7 if rng.days > WEEKLY_AFTER_DAYS else 1
    found = []
    start = rng.start
    while start <= rng.end:
        end = min(start + timedelta(days=step - 1), rng.end)
        found.append(Period(start, end))
        start = end + timedelta(days=1)
    return found


def period_word(rng: DateRange) -> str:
    return "week" if rng.days > WEEKLY_AFTER_DAYS else "day"


def per_period(rng: DateRange, by_day: Mapping[int, int]) -> list[int]:
    """Day counts summed into `periods` (zeros where nothing happened)."""
    step = 7 if rng.days > WEEKLY_AFTER_DAYS else 1
    totals = [0] * len(periods(rng))
    for day, count in by_day.items():
        if rng.first <= day <= rng.last:
            totals[(day - rng.first) // step] += int(count)
    return totals


def halves(rng: DateRange) -> tuple[DateRange, DateRange] | None:
    """The range's first and second half (the second has the extra day), or None for one day."""
    if rng.days < 2:
        return None
    middle = rng.start + timedelta(days=rng.days // 2)
    return DateRange(rng.start, middle - timedelta(days=1)), DateRange(middle, rng.end)
