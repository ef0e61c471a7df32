"""Cutting a file into front matter and body."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.domain.frontmatter import FrontMatterError, split_front_matter

_OPENING = re.compile(r"---[ \t]*\r?(?:\n|$)")
_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)


def reference_split(text: str) -> tuple[str, str] | None:
    """The split as the rule reads: after an opening ``---`` line, up to the first line
    that is only ``---`` or ``...`` (trailing blanks allowed); None when there is no
    front matter; :class:`LookupError` when it is never closed."""
    text = text.removeprefix("\ufeff")
    opening = _OPENING.match(text)
    if opening is None:
        return None
    closing = _CLOSING.search(text, opening.end())
    if closing is None:
        raise LookupError
    body_start = closing.end()
    for newline in ("\r\n", "\n"):
        if text.startswith(newline, body_start):
            body_start += len(newline)
            break
    return text[opening.end() : closing.start()], text[body_start:]


_SPLIT_PIECES = st.sampled_from(
    ["---", "...", "--- ", "---\t", "----", "... x", "a: 1", "", " ", "\ufeff", "-- -", "#",
     "x---", "a\n---"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_SPLIT_PIECES, max_size=8), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_split_cuts_where_the_rule_says(
    pieces: list[str], newline: str, final_newline: bool
) -> None:
    text = newline.join(pieces) + (newline if final_newline else "")
    try:
        expected = reference_split(text)
    except LookupError:
        with pytest.raises(FrontMatterError, match="never closed"):
            split_front_matter(text)
        return
    split = split_front_matter(text)
    if expected is None:
        assert split.yaml_text is None
        assert split.body == text.removeprefix("\ufeff")
    else:
        assert (split.yaml_text, split.body) == expected
