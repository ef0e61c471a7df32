"""The index's fast front-matter reader gives PyYAML's answers, or declines.

The property that matters: whenever :func:`fast_summary_fields` returns a mapping, PyYAML's
safe loader accepts the same document and agrees on every summary field; whenever PyYAML
refuses a document, the fast reader declines too.  Documents are generated from pieces
chosen to sit on the subset's edges: quoting, comments, odd indentation, YAML 1.1 booleans,
numbers, impossible dates, flow collections, anchors, tabs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.domain.frontmatter import FrontMatterError, load_yaml_mapping, split_front_matter
from reader.domain.parse import parse_summary
from reader.index.scan import (
    SUMMARY_FIELDS,
    _OutsideSubsetError,
    _parse_subset,
    fast_summary_fields,
    summarize_bytes,
)

# The seeds, derived here: tests/ is not a package, and another folder's conftest
# may be the one importable as `conftest` when the whole suite runs.
SEEDS = Path(__file__).resolve().parent.parent.parent / "seeds"
SEED_FULL = "000_64786d9bbd4dc9c0.txt"
SEED_BODY_ONLY = "002_ec8b9ffde03f3ad4.txt"


def yaml_answer(text: str) -> dict[str, Any] | None:
    """What the domain's full loader (PyYAML's safe loader) makes of it; None if refused."""
    try:
        return load_yaml_mapping(text)
    except FrontMatterError:
        return None


def assert_agrees(text: str) -> None:
    fast = fast_summary_fields(text)
    if fast is None:
        return
    expected = yaml_answer(text)
    assert expected is not None, f"accepted a document PyYAML refuses:\n{text}"
    wanted = {k: v for k, v in expected.items() if k in SUMMARY_FIELDS}
    assert fast == wanted, text


def seed_front_matter(name: str) -> str:
    split = split_front_matter((SEEDS / name).read_text(encoding="utf-8"))
    assert split.yaml_text is not None
    return split.yaml_text


def test_the_seed_is_read_by_the_fast_path_and_agrees() -> None:
    text = seed_front_matter(SEED_FULL)
    fast = fast_summary_fields(text)
    assert fast is not None, "seed 000 should be inside the subset"
    assert_agrees(text)
    assert fast["published"] is False
    assert fast["provider"] == {"name": "KRON4 News", "domain": "kron4.com"}
    assert fast["topics"] == ["Machine Learning", "AI"]


def test_the_whole_seed_parses_to_pyyaml_s_mapping() -> None:
    text = seed_front_matter(SEED_FULL)
    assert _parse_subset(text) == yaml_answer(text)


@pytest.mark.parametrize("name", [SEED_FULL, SEED_BODY_ONLY])
def test_summaries_equal_the_domain_s(name: str) -> None:
    data = (SEEDS / name).read_bytes()
    assert summarize_bytes(name, data) == parse_summary(name, data)


@pytest.mark.parametrize(
    "text",
    [
        "title: a\ntitle: b",  # last one wins
        "published: yes\nquality: 0x1F\nheat: 1_000",  # YAML 1.1 meanings
        "title: 'it''s'\nexcerpt: \"quoted: yes\"",
        "topics:\n- a\n- b\nquality: 3",  # a sequence at its key's indentation
        "provider:\n    name: X\n    domain: x.com",
        "title: x # a comment\n# a line comment\n\ncategory: news",
        "publishedDateTime: 2023-07-26 23:43:00 +02:00",
        "publishedDateTime: 2023-07-26",
        "heat: -1.5\nquality: .5",
        "published: ~",
        "title:\n",
    ],
)
def test_edge_documents_agree(text: str) -> None:
    assert_agrees(text)


@pytest.mark.parametrize(
    "text",
    [
        "title: a: b",  # PyYAML refuses
        "title: a:\n",  # a colon ending the line, before a newline
        "x.y: a:\ncategory: news",
        "title: [a, b",  # unterminated flow sequence
        "publishedDateTime: 2023-02-30T10:00:00Z",  # an impossible date
        "related:\n  - publishedDateTime: 2023-13-01T00:00:00Z",  # nested, still refused
        "title: x\n  continued: y",
        "title: &a x\nexcerpt: *a",
        "title: !!python/object x",
        "title: x\n\tindented: y",
        "provider:\n  name: a\n - b",
        "a:\n  - x\n  y: 1",
    ],
)
def test_documents_outside_the_subset_are_declined(text: str) -> None:
    assert fast_summary_fields(text) is None


def test_a_deeper_line_after_a_value_is_not_in_the_subset() -> None:
    with pytest.raises(_OutsideSubsetError):
        _parse_subset("a: 1\n  b: 2")


# -- generated documents -------------------------------------------------------------------

_KEYS = st.sampled_from(
    [
        *sorted(SUMMARY_FIELDS),
        *["images", "related", "url", "name", "x", "yes", "null", "a.b", "1", "k-2", "secured"],
    ]
)
_SCALARS = st.sampled_from(
    [
        "plain text", "'single'", "'it''s'", '"double"', '"with \\" escape"', '"a: b"',
        "https://example.com/a#frag", "a: b", "a:", "x # comment", "x #", "#", "~", "null",
        "true", "False", "yes", "off", "0", "-1", "007", "0x1F", "1_000", "1.5", ".5", "-.inf",
        ".nan", "1e5", "2023-07-26", "2023-07-26T23:43:00Z", "2023-07-26 23:43:00 +02:00",
        "2023-02-30T00:00:00Z", "2023-13-01", "0000-01-01", "12:30:00", "1:30", "- x", "-x",
        "[a, b]", "{a: 1}", "&anchor x", "*alias", "!tag x", "|", ">", "%x", "@x", "`x",
        "x\ty", "a ’curly’ quote", "\u00a0nbsp", "text with \u2028 separator", "<<", "=",
        "'unterminated", '"unterminated', "x  ", "  ", "",
    ]
)


@st.composite
def documents(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 12))):
        indent = " " * draw(st.sampled_from([0, 0, 0, 1, 2, 2, 4, 6]))
        kind = draw(st.sampled_from(["entry", "entry", "open", "item", "item-entry", "comment"]))
        key = draw(_KEYS)
        value = draw(_SCALARS)
        if kind == "entry":
            lines.append(f"{indent}{key}: {value}")
        elif kind == "open":
            lines.append(f"{indent}{key}:")
        elif kind == "item":
            lines.append(f"{indent}- {value}")
        elif kind == "item-entry":
            lines.append(f"{indent}- {key}: {value}")
        else:
            lines.append(f"{indent}# {value}")
    newline = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    return newline.join(lines) + draw(st.sampled_from(["", newline]))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_generated_documents_agree_with_pyyaml(text: str) -> None:
    assert_agrees(text)


@settings(max_examples=300, deadline=None)
@given(documents())
def test_the_structural_parser_agrees_with_pyyaml(text: str) -> None:
    text = text.replace("\r\n", "\n")  # its caller normalises line endings first
    try:
        mine = _parse_subset(text)
    except _OutsideSubsetError:
        return
    # _parse_subset trusts its caller to have vetted scalars; a refusal there is fine.
    expected = yaml_answer(text)
    if expected is not None:
        assert mine == expected, text


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 3000), st.sampled_from(["", "x", ":", "\n", " ", "- ", "#", "'", '"']))
def test_mutated_seeds_summarise_like_the_domain(position: int, insert: str) -> None:
    data = (SEEDS / SEED_FULL).read_bytes()
    text = data.decode("utf-8")
    mutated = (text[:position] + insert + text[position:]).encode("utf-8")
    assert summarize_bytes("m.txt", mutated) == parse_summary("m.txt", mutated)


def test_a_folder_of_generated_files_summarises_like_the_domain(tmp_path: Path) -> None:
    seed = (SEEDS / SEED_FULL).read_text(encoding="utf-8")
    variants = [
        seed,
        seed.replace("published: false", "published: yes"),
        seed.replace("quality: 47", "quality: 'high'"),
        seed.replace("publishedDateTime: 2023-07-26T23:43:00Z", "publishedDateTime: soon"),
        seed.replace("heat: -1", "heat: [1, 2]"),
        seed.replace("\n", "\r\n"),
        "\ufeff" + seed,
        seed.replace("  - Machine Learning", "  - 2023-07-26"),
    ]
    for index, text in enumerate(variants):
        data = text.encode("utf-8")
        assert summarize_bytes(f"{index}.txt", data) == parse_summary(f"{index}.txt", data)


def test_blank_lines_inside_a_summary_block_are_part_of_it() -> None:
    text = "provider:\n\n  name: KRON4 News\n\n  domain: kron4.com\n\ntopics:\n\n- AI\n\ntitle: x"
    assert_agrees(text)
    assert fast_summary_fields(text) == {
        "provider": {"name": "KRON4 News", "domain": "kron4.com"}, "topics": ["AI"], "title": "x"
    }
