"""Dates a body-only file starts with: one parse gives what two dateutil calls gave."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.domain import dates
from reader.domain.dates import is_calendar_day, leading_date, to_iso

MONTHS = ["Jan", "January", "Feb", "Sept", "September", "Dec", "dec.", "Mar"]


def two_call_answer(text: str) -> str | None:
    """The answer before the single-parse path: dateutil with two defaults."""
    match = dates._LEADING_DATE_HINT.search(text[:200])
    return None if match is None else to_iso(dates._complete_date(match.group(1), fuzzy=True))


@pytest.mark.parametrize(
    ("first_line", "expected"),
    [
        (" date 2023-07-26 Getty / Netflix", "2023-07-26"),
        ("2023-7-6 AP", "2023-07-06"),
        ("date 2023-02-30 nobody", None),  # no such day
        ("Posted 07/26/2023 by Reuters", "2023-07-26"),
        ("Posted 26/07/2023 by Reuters", "2023-07-26"),  # day first when it must be
        ("July 26, 2023 - Hollywood", "2023-07-26"),
        ("26 Sept. 2023 AFP", "2023-09-26"),
        ("The strike goes on", None),
    ],
)
def test_a_leading_date_is_a_calendar_day(first_line: str, expected: str | None) -> None:
    found = leading_date(first_line + "\n\nbody\n")
    assert to_iso(found) == expected
    assert found is None or is_calendar_day(found)
    assert to_iso(found) == two_call_answer(first_line)


@settings(max_examples=300, deadline=None)
@given(
    year=st.integers(1000, 9999), month=st.integers(0, 13), day=st.integers(0, 32),
    form=st.sampled_from(["iso", "us", "name-first", "day-first"]),
    month_name=st.sampled_from(MONTHS), prefix=st.sampled_from(["", "date ", "Updated: "]),
)
def test_one_parse_agrees_with_the_two_call_answer(
    year: int, month: int, day: int, form: str, month_name: str, prefix: str
) -> None:
    text = {
        "iso": f"{year}-{month}-{day}",
        "us": f"{month}/{day}/{year}",
        "name-first": f"{month_name} {day}, {year}",
        "day-first": f"{day} {month_name} {year}",
    }[form]
    line = f"{prefix}{text} Source"
    assert to_iso(leading_date(line)) == two_call_answer(line)
