"""Turning the many ways a pipeline writes a date into one timezone-aware instant.

Dates without a zone are taken as UTC: the pipeline writes UTC, and a guess that depends on
the editor's machine would make the same file sort differently on two desks.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from dateutil import parser as dateutil_parser
from dateutil import tz

# dateutil ignores zone abbreviations it does not know (and warns); these are the ones news
# sites actually print.  Fixed offsets on purpose: "PDT" means UTC-7 whatever the date.
_ZONE_ABBREVIATIONS: dict[str, int] = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "BST": 3600, "IST": 19800, "CET": 3600,
    "CEST": 7200, "EET": 7200, "EEST": 10800, "MSK": 10800, "JST": 32400, "KST": 32400,
    "AEST": 36000, "AEDT": 39600, "EST": -18000, "EDT": -14400, "CST": -21600,
    "CDT": -18000, "MST": -25200, "MDT": -21600, "PST": -28800, "PDT": -25200,
    "AKST": -32400, "AKDT": -28800, "HST": -36000,
}
_TZINFOS = {name: tz.tzoffset(name, offset) for name, offset in _ZONE_ABBREVIATIONS.items()}

_MONTH_NAMES = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
)
# A leading date in a body-only file: an ISO-ish date or a month name next to a year.
_LEADING_DATE_HINT = re.compile(
    rf"\b(\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}/\d{{1,2}}/\d{{4}}|(?:{_MONTH_NAMES})[a-z]*\.?\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+(?:{_MONTH_NAMES})[a-z]*\.?\s+\d{{4}})",
    re.IGNORECASE,
)


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
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    text = str(value).strip()
    if not text or len(text) > 200:
        return None
    try:
        parsed = dateutil_parser.parse(text, tzinfos=_TZINFOS)
    except (ValueError, OverflowError, TypeError):
        return None
    return as_aware(parsed)


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
        try:
            parsed = dateutil_parser.parse(match.group(1), fuzzy=True, tzinfos=_TZINFOS)
        except (ValueError, OverflowError, TypeError):
            return None
        return as_aware(parsed)
    return None


def to_iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def from_iso(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)
