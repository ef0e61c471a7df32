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


DEEP_DOCUMENTS = {
    # name: (front matter text, the file line reader must name; the YAML starts on line 2)
    "flow brackets, 10,000 deep": ("title: deep\nx: " + "[" * 10_000 + "]" * 10_000 + "\n", 3),
    "flow brackets, 100 deep": ("title: deep\nx: " + "[" * 100 + "]" * 100 + "\n", 3),
    "unclosed brackets": ("title: deep\nx: " + "[" * 10_000 + "\n", 3),
    "block dashes, 10,000 deep": ("title: deep\nx:\n" + "- " * 10_000 + "leaf\n", 4),
    "block dashes, 100 deep": ("title: deep\nx:\n" + "- " * 100 + "leaf\n", 4),
}


@pytest.mark.parametrize("loader", ["libyaml", "pure Python"])
@pytest.mark.parametrize("name", sorted(DEEP_DOCUMENTS))
def test_deep_nesting_is_reported_in_readers_words_whichever_layer_stops_it(
    name: str, loader: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """libyaml (PyYAML 6.0.4 stops at 1,000 levels with its own sentence), Python's recursion
    limit in the pure loader, and reader's own count all end in the same message and line."""
    import yaml

    from reader.domain import frontmatter

    if loader == "pure Python":
        monkeypatch.setattr(frontmatter, "_SafeLoader", yaml.SafeLoader)
    text, line = DEEP_DOCUMENTS[name]
    with pytest.raises(FrontMatterError) as caught:
        frontmatter.load_yaml_mapping(text, first_line=2)
    assert caught.value.message == "front matter is nested more than 64 levels deep"
    assert caught.value.line == line


def test_nesting_at_the_limit_still_loads() -> None:
    from reader.domain.frontmatter import MAX_YAML_DEPTH, load_yaml_mapping

    depth = MAX_YAML_DEPTH - 2  # the top-level mapping and "x" are levels too
    loaded = load_yaml_mapping("x: " + "[" * depth + "1" + "]" * depth + "\n")
    value = loaded["x"]
    for _ in range(depth - 1):
        value = value[0]
    assert value == [1]
