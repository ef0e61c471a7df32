"""Counted nouns for messages: "1 error", "2 errors", "1 story".

Every count a person reads goes through :func:`counted` (or :func:`plural` where the
number is formatted elsewhere), so no message says "1 errors" again.
"""

from __future__ import annotations


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """``noun`` as it goes after ``count``: ``plural_form`` (default ``noun + "s"``) unless 1."""
    if count == 1:
        return noun
    return plural_form if plural_form is not None else noun + "s"


def counted(count: int, noun: str, plural_form: str | None = None) -> str:
    """``"1 error"``, ``"2 errors"``, ``"1,024 files"``: the number with its noun."""
    return f"{count:,} {plural(count, noun, plural_form)}"
