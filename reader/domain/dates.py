"""Turning the many ways a pipeline writes a date into one timezone-aware instant.

Dates without a zone are taken as UTC: the pipeline writes UTC, and a guess that depends on
the editor's machine would make the same file sort differently on two desks.

A date written without a time ("date 2023-07-26") is a calendar day, not UTC midnight: it
is kept as midnight UTC (so it sorts and compares like any instant) in the
:data:`CALENDAR_DAY` zone, which tells every reader of it to show and match the day
itself, never the instant converted to the local zone (``local_day``, ``format_date``).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import cache

# dateutil ignores zone abbreviations it does not know (and warns); these are the ones news
# sites actually print.  Fixed offsets on purpose: "PDT" means UTC-7 whatever the date.
_ZONE_ABBREVIATIONS: dict[str, int] = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "BST": 3600, "IST": 19800, "CET": 3600,
    "CEST": 7200, "EET": 7200, "EEST": 10800, "MSK": 10800, "JST": 32400, "KST": 32400,
    "AEST": 36000, "AEDT": 39600, "EST": -18000, "EDT": -14400, "CST": -21600,
    "CDT": -18000, "MST": -25200, "MDT": -21600, "PST": -28800, "PDT": -25200,
    "AKST": -32400, "AKDT": -28800, "HST": -36000,
}


def _dateutil_parse(text: str, default: datetime, *, fuzzy: bool) -> datetime:
    """dateutil's parser, imported on first use: most dates are ISO and never need it, and
    importing it is a third of the command line's start (~26 ms)."""
    from dateutil import parser

    return parser.parse(text, default=default, fuzzy=fuzzy, tzinfos=_zone)


@cache
def _known_zones() -> dict[str, tzinfo]:
    from dateutil import tz

    return {name: tz.tzoffset(name, offset) for name, offset in _ZONE_ABBREVIATIONS.items()}


def _zone(name: str | None, offset: int | None) -> tzinfo | None:
    """The zone dateutil found: a known abbreviation, a numeric offset, or none (UTC later).

    A callable rather than a dict, so an unknown name ("T", "XYZ") means "no zone" quietly:
    given a dict, dateutil warns (a line on a CLI user's terminal, an error under pytest)
    and says that a future version will raise instead.
    """
    zones = _known_zones()
    if name is not None and name in zones:
        return zones[name]
    if offset is not None:
        from dateutil import tz

        return tz.tzoffset(name, offset)
    return None


_MONTH_NAMES = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
)
# A leading date in a body-only file: an ISO-ish date or a month name next to a year.
_LEADING_DATE_HINT = re.compile(
    rf"\b(\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}/\d{{1,2}}/\d{{4}}|(?:{_MONTH_NAMES})[a-z]*\.?\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+(?:{_MONTH_NAMES})[a-z]*\.?\s+\d{{4}})",
    re.IGNORECASE,
)


class _CalendarDayZone(tzinfo):
    """UTC for arithmetic and comparison; a mark that no time of day was written."""

    def utcoffset(self, dt: datetime | None) -> timedelta:
        return timedelta(0)

    def dst(self, dt: datetime | None) -> timedelta:
        return timedelta(0)

    def tzname(self, dt: datetime | None) -> str:
        return "UTC"

    def __reduce__(self) -> str:
        return "CALENDAR_DAY"  # pickles as the module attribute: one instance everywhere

    def __repr__(self) -> str:
        return "CALENDAR_DAY"


CALENDAR_DAY = _CalendarDayZone()


def calendar_day(value: date) -> datetime:
    """``value`` as a calendar day: midnight UTC, marked as having no time."""
    return datetime(value.year, value.month, value.day, tzinfo=CALENDAR_DAY)


def is_calendar_day(value: datetime) -> bool:
    return value.tzinfo is CALENDAR_DAY


def local_day(value: datetime) -> date:
    """The day ``value`` falls on for the editor: a calendar day is that day in every zone."""
    if value.tzinfo is CALENDAR_DAY:
        return value.date()
    return value.astimezone().date()


def format_date(value: datetime) -> str:
    """``26 Jul 2023`` in the local zone (a calendar day as written)."""
    day = local_day(value)
    return f"{day.day} {day:%b %Y}"


def format_datetime(value: datetime) -> str:
    """``26 Jul 2023, 16:43`` in the local zone; a calendar day without a time."""
    if value.tzinfo is CALENDAR_DAY:
        return format_date(value)
    local = value.astimezone()
    return f"{local.day} {local:%b %Y, %H:%M}"


def as_aware(value: datetime) -> datetime:
    """Attach UTC to a naive datetime; leave an aware one alone."""
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        return value.replace(tzinfo=UTC)
    return value


def parse_date_value(value: object) -> datetime | None:
    """A front-matter date (YAML timestamp, date or free text) as an aware datetime.

    Returns None when the value is empty or cannot be understood; the caller decides
    whether that deserves a warning.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return as_aware(value)
    if isinstance(value, date):
        return calendar_day(value)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    text = str(value).strip()
    if not text or len(text) > 200:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        pass  # not ISO 8601: a free form for dateutil
    else:
        return calendar_day(parsed) if _ISO_DAY.fullmatch(text) else as_aware(parsed)
    return _complete_date(text, fuzzy=False)


def leading_date(text: str) -> datetime | None:
    """The date a body-only file starts with, if its first lines carry one.

    Only the first non-empty line is looked at, and only when it visibly contains a date:
    fuzzy parsing alone would find a "date" in almost any sentence.
    """
    for line in text.splitlines()[:3]:
        line = line.strip()
        if not line:
            continue
        match = _LEADING_DATE_HINT.search(line[:200])
        if match is None:
            return None
        return _hinted_day(match.group(1))
    return None


_NUMERIC_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def _hinted_day(text: str) -> datetime | None:
    """The calendar day a :data:`_LEADING_DATE_HINT` match names.

    Every form the hint accepts has a year, a month and a day and no time of day, so one
    parse answers what :func:`_complete_date`'s two would: the pipeline's own
    ``2023-07-26`` needs no dateutil at all (a body-only file's date was about a tenth
    of its parse), the other forms one call instead of two.
    """
    numeric = _NUMERIC_DAY.fullmatch(text)
    try:
        if numeric is not None:
            return calendar_day(date(*map(int, numeric.groups())))
        parsed = _dateutil_parse(text, _DEFAULTS[0], fuzzy=True)
    except (ValueError, OverflowError, TypeError):
        return None
    return calendar_day(parsed.date())


# Two different days: whatever part of a date the text leaves out, dateutil takes from
# its default, so a part that differs between the two parses was never written (an hour
# that differs: no time of day, a calendar day).
_DEFAULTS = (datetime(2000, 1, 1), datetime(2001, 2, 2, 1))
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}|\d{8}")


def _complete_date(text: str, *, fuzzy: bool) -> datetime | None:
    """``text`` as a date if it names a year, a month and a day; else None.

    dateutil fills what is missing from today ("7 AM" becomes this morning, "July 2023"
    today's day of July), which would make a file's date depend on when it is read.
    """
    try:
        first, second = (
            _dateutil_parse(text, default, fuzzy=fuzzy)
            for default in _DEFAULTS
        )
    except (ValueError, OverflowError, TypeError):
        return None
    if first.date() != second.date():
        return None
    if first.hour != second.hour:
        return calendar_day(first.date())
    return as_aware(first)


def to_iso(value: datetime | None) -> str | None:
    """ISO 8601 text; a calendar day as the bare day (``2023-07-26``), so it stays one."""
    if value is None:
        return None
    if value.tzinfo is CALENDAR_DAY:
        return value.date().isoformat()
    return value.isoformat()


def from_iso(text: str | None) -> datetime | None:
    """The inverse of :func:`to_iso`."""
    if text is None:
        return None
    if len(text) == 10:
        return calendar_day(date.fromisoformat(text))
    return datetime.fromisoformat(text)
