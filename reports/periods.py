"""A report's period: a Vietnam day, an ISO week (Monday first), a calendar month, a
quarter, or custom dates (at most MAX_DAYS), as epoch-ms bounds [start, end), and
the period before it for comparison."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from i18n import TZ

PERIODS = ("day", "week", "month", "quarter", "custom")
MAX_DAYS = 92  # a quarter: the longest a report covers


class PeriodError(ValueError):
    """A period that cannot be made; ``key`` is a translation key."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class Period:
    kind: str
    first: date  # the first day covered
    last: date  # the last day covered (inclusive)

    @property
    def start_ms(self) -> int:
        return _ms(self.first)

    @property
    def end_ms(self) -> int:
        return _ms(self.last + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> Period:
        """The period before: the month before a month, the quarter before a
        quarter; as many days before for the others."""
        if self.kind == "month":
            return make("month", _add_months(self.first, -1))
        if self.kind == "quarter":
            return make("quarter", _add_months(self.first, -3))
        span = timedelta(days=self.days)
        return Period(self.kind, self.first - span, self.last - span)


def _ms(d: date) -> int:
    return int(datetime(d.year, d.month, d.day, tzinfo=TZ).timestamp() * 1000)


def _add_months(d: date, n: int) -> date:
    m = d.year * 12 + d.month - 1 + n
    return date(m // 12, m % 12 + 1, 1)


def today(at_ms: int) -> date:
    return datetime.fromtimestamp(at_ms / 1000, TZ).date()


def make(kind: str, first: date, last: date | None = None) -> Period:
    """The period of ``kind`` holding ``first`` (custom: ``first`` to ``last``)."""
    if kind == "day":
        return Period(kind, first, first)
    if kind == "week":
        monday = first - timedelta(days=first.weekday())
        return Period(kind, monday, monday + timedelta(days=6))
    if kind == "month":
        start = first.replace(day=1)
        return Period(kind, start, _add_months(start, 1) - timedelta(days=1))
    if kind == "quarter":
        start = date(first.year, (first.month - 1) // 3 * 3 + 1, 1)
        return Period(kind, start, _add_months(start, 3) - timedelta(days=1))
    if kind == "custom":
        if last is None:
            raise PeriodError("reports.err.custom_needs_end")
        if last < first:
            raise PeriodError("reports.err.end_before_start")
        if (last - first).days + 1 > MAX_DAYS:
            raise PeriodError("reports.err.too_long")
        return Period(kind, first, last)
    raise PeriodError("reports.err.period")


def parse_date(value: str | None) -> date | None:
    """'2026-11-25' -> date; None or '' -> None; anything else a PeriodError."""
    if value in (None, ""):
        return None
    if len(value) > 10:
        raise PeriodError("reports.err.date")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise PeriodError("reports.err.date") from exc
