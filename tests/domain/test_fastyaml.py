"""The fast front-matter reader gives PyYAML's answers, or declines.

The property that matters: whenever :func:`summary_fields` returns a mapping, PyYAML's safe
loader accepts the same document and agrees, value for value and type for type, on every
wanted field; whenever PyYAML refuses a document, the fast reader declines too.  Documents
are generated from pieces chosen to sit on the subset's edges: quoting, comments, odd
indentation, YAML 1.1 booleans, numbers, impossible dates, flow collections, anchors, tabs.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from seed_files import SEED_BODY_ONLY, SEED_FULL, SEEDS

from reader.domain.article import ArticleSummary
from reader.domain.fastyaml import (
    _BAD,
    _NOT_FLAT,
    _TOP_LEVEL_START,
    _entry_is_valid,
    _flat_block_value,
    _OutsideSubsetError,
    _parse_subset,
    _shape_is_valid,
    summary_fields,
)
from reader.domain.frontmatter import split_front_matter
from reader.domain.parse import SUMMARY_FIELDS, parse_summary


class EveryKey:
    """A ``wanted`` that wants every top-level key, so whole documents can be compared."""

    def __contains__(self, key: object) -> bool:
        return True


def strictly_equal(a: Any, b: Any) -> bool:
    """Equality that also tells 1 from True from 1.0, and date from datetime."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(strictly_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(strictly_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and a != a:  # NaN
        return b != b
    if isinstance(a, (datetime, date)):
        return a == b and repr(a) == repr(b)
    return a == b


def pyyaml(text: str) -> Any:
    """The judge: what ``yaml.CSafeLoader`` makes of ``text`` ("<error>" if it refuses)."""
    try:
        loaded = yaml.load(text, Loader=yaml.CSafeLoader)
    except (yaml.YAMLError, ValueError, OverflowError, AttributeError, TypeError):
        return "<error>"
    return {} if loaded is None else loaded  # an empty document: reader reads no fields


def assert_agrees(text: str) -> bool:
    """The fast reader declines ``text`` or agrees with PyYAML; True if it answered.

    Checked for the summary's fields (what the list asks for) and for every key (which
    also compares the nested blocks the summary never asks for).
    """
    fast_summary = summary_fields(text, SUMMARY_FIELDS)
    fast_whole = summary_fields(text, EveryKey())
    assert (fast_summary is None) == (fast_whole is None), text
    if fast_whole is None:
        return False
    expected = pyyaml(text)
    assert isinstance(expected, dict), f"fast reader accepted a non-mapping or bad YAML:\n{text}"
    wanted = {k: v for k, v in expected.items() if k in SUMMARY_FIELDS}
    assert strictly_equal(fast_summary, wanted), f"{fast_summary!r}\n!=\n{wanted!r}\nfor:\n{text}"
    assert strictly_equal(fast_whole, expected), f"{fast_whole!r}\n!=\n{expected!r}\nfor:\n{text}"
    return True


def summary_without_fast_reader(article_id: str, data: bytes) -> tuple[ArticleSummary, str]:
    """``parse_summary`` as it would be if every front matter went through PyYAML."""
    with mock.patch("reader.domain.frontmatter.summary_fields", return_value=None):
        return parse_summary(article_id, data)


SEED_YAML = split_front_matter((SEEDS / SEED_FULL).read_text(encoding="utf-8")).yaml_text
assert SEED_YAML is not None


def test_the_seed_is_read_by_the_fast_path_and_agrees() -> None:
    assert assert_agrees(SEED_YAML)
    fast = summary_fields(SEED_YAML, SUMMARY_FIELDS)
    assert fast is not None
    assert fast["published"] is False
    assert fast["provider"] == {"name": "KRON4 News", "domain": "kron4.com"}
    assert fast["topics"] == ["Machine Learning", "AI"]


def test_the_whole_seed_parses_to_pyyaml_s_mapping() -> None:
    assert strictly_equal(_parse_subset(SEED_YAML), pyyaml(SEED_YAML))


def test_only_wanted_keys_are_returned() -> None:
    assert summary_fields("title: T\nimages:\n  - url: u\nsecret: s\n", {"title"}) == {
        "title": "T"
    }


@pytest.mark.parametrize(
    "text",
    [
        "yes_: yes\nno_: No\non_: ON\noff_: off\nt: true\nf: False\n",
        "d: 2023-07-26\nt: 2023-07-26T23:43:00Z\nu: 2023-07-26 16:43:00 -07:00\n",
        "publishedDateTime: 2023-07-26 23:43:00 +02:00",
        "title: plain text, with commas # and a comment\nx: a#b\n",
        "title: 'it''s'\nexcerpt: \"quoted: yes\"",
        "title: a\ntitle: b\n",  # last one wins, as in PyYAML
        "provider:\n  name: A\nprovider:\n  name: B\n",
        "topics:\n- a\n- b\nquality: 3\n",  # a sequence at its key's indentation
        "related:\n  - title: x\n    published: true\npublished: false\n",
        "list:\n  - a\n  - b\nmap:\n  k: v\n  k2:\n    deep: 1\n",
        "items:\n  - url: x\n    width: 1\n  - url: y\n    images:\n      - url: z\n",
        "provider:\n    name: X\n    domain: x.com",
        "a: 1\r\nb: two\r\n",
        "# comment\na: 1\n\n   # indented comment\nb:\n",
        "key-with-dash: v\n",
        "published: ~",
        "title:\n",
        "title:  \nexcerpt: x\n",  # "key:" and only spaces: null, as PyYAML reads it
        "topics:  \n- a\n",
        "a:\n  -\n    - nested\n",
        "",
    ],
)
def test_plain_documents_take_the_fast_path_and_agree(text: str) -> None:
    assert assert_agrees(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb: -1\nc: 1.5\nd: 0x1F\ne: 1_000\nf: 017\ng: .inf\nh: ~\ni: null\n",
        "published: yes\nquality: 0x1F\nheat: 1_000",  # YAML 1.1 meanings
        'q: "a \\"quoted\\" \\u00e9 \\n line"\ns: \'it\'\'s\'\nempty: ""\n',
        "heat: -1.5\nquality: .5",
    ],
)
def test_edge_documents_agree_when_answered(text: str) -> None:
    assert_agrees(text)


@pytest.mark.parametrize(
    "text",
    [
        "title: Hello\n  world\n",  # multi-line plain scalar
        "title: x\n  continued: y",
        'title: "Hello\n  world"\n',  # multi-line quoted scalars
        "a: 'multi\n  line'\n",
        'notes: "a\ntitle: fake"\ntitle: real\n',  # a key inside a string
        "notes: |\n  title: fake\ntitle: real\n",  # a key inside a block scalar
        "a: >\n  text\n",
        "base: &b x\ntitle: *b\n",  # anchors and aliases
        "title: !!str 5\n",  # tags
        "title: !!python/object x",
        "title: [a]\n",  # flow collections
        "a: {b: 1}\n",
        "title: [a, b",
        "provider:\n  name: [x]\n",
        "related:\n  - bad: [\n",  # invalid YAML anywhere: PyYAML reports it
        "title: a: b",  # PyYAML refuses
        "title: a:\n",  # a colon ending the line, before a newline
        "x.y: a:\ncategory: news",
        "publishedDateTime: 2023-02-30T10:00:00Z",  # an impossible date
        "related:\n  - publishedDateTime: 2023-13-01T00:00:00Z",  # nested, still refused
        'a: "\\x41"\n',  # a YAML-only escape
        "yes: 1\n",  # a key that is a boolean to YAML
        "a: 1\n b: 2\n",  # bad indentation
        "provider:\n  name: a\n - b",
        "a:\n  - x\n  y: 1\n",  # sequence then mapping at one level
        "- a\n- b\n",  # not a mapping
        "a: b: c\n",  # mapping value where a scalar is
        "a:\tb\n",  # tab separator
        "title: x\n\tindented: y",
        "title: x\rexcerpt: y\n",  # old Mac line break
        "a: x\x85y\n",  # NEL line break
        "a: x\u2028y\n",  # line separator
        "title: x\x07\n",  # a control character
        '"quoted key": 1\n',
        "? complex\n: key\n",
        "a: `cmd`\n",
        "a: @x\n",
        "a: -\n",
        "a:\n  - - x\n",  # nested sequences on one line
        "%YAML 1.1\n---\na: 1\n",  # a directive
    ],
)
def test_documents_outside_the_subset_are_declined(text: str) -> None:
    assert summary_fields(text, SUMMARY_FIELDS) is None
    assert summary_fields(text, EveryKey()) is None


def test_a_deeper_line_after_a_value_is_not_in_the_subset() -> None:
    with pytest.raises(_OutsideSubsetError):
        _parse_subset("a: 1\n  b: 2")


def test_blank_lines_inside_a_summary_block_are_part_of_it() -> None:
    text = "provider:\n\n  name: KRON4 News\n\n  domain: kron4.com\n\ntopics:\n\n- AI\n\ntitle: x"
    assert assert_agrees(text)
    assert summary_fields(text, SUMMARY_FIELDS) == {
        "provider": {"name": "KRON4 News", "domain": "kron4.com"}, "topics": ["AI"], "title": "x"
    }


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
        '"\\u00e9"', '"tab\\tin"', "https://example.com/a#frag", "a: b", "a:", "x # comment",
        "x #", "a#b", "#", "~", "null", "true", "False", "yes", "off", "0", "-1", "-2.5",
        "007", "0x1F", "0o17", "0b101", "1_000", "1.5", ".5", "1e3", "1.0e+3", "-.inf",
        ".nan", "1e5", "2023-07-26", "2023-07-26T23:43:00Z", "2023-07-26 23:43:00 +02:00",
        "2023-02-30T00:00:00Z", "2023-13-01", "0000-01-01", "12:30:00", "1:30", "- x", "-x",
        "--", ":x", "''", '""', "[a, b]", "{a: 1}", "&anchor x", "*alias", "!tag x", "|",
        ">", "%x", "@x", "`x", "x\ty", "a ’curly’ quote", "\u00a0nbsp",
        "text with \u2028 separator", "<<", "=", "'unterminated", '"unterminated', "x  ",
        "  ", "",
    ]
)


@st.composite
def documents(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 12))):
        indent = " " * draw(st.sampled_from([0, 0, 0, 1, 2, 2, 3, 4, 6]))
        kind = draw(
            st.sampled_from(["entry", "entry", "open", "item", "item-entry", "comment", "blank"])
        )
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
        elif kind == "comment":
            lines.append(f"{indent}# {value}")
        else:
            lines.append(indent)
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
    if re.search(f"[{_BAD}]", text.replace("\n", "")):
        return  # ...and refuses tabs, control characters and other line breaks
    try:
        mine = _parse_subset(text)
    except _OutsideSubsetError:
        return
    # _parse_subset trusts its caller to have vetted scalar forms; a refusal there is fine.
    expected = pyyaml(text)
    if expected != "<error>":
        assert strictly_equal(mine, expected), text


@pytest.mark.parametrize(
    "text",
    [
        'title: "Netflix says \\"no\\" to AI"\n',
        'title: "a\\\\b"\nexcerpt: "x \\\\\\" y"  # note \\\n',
        'topics:\n  - "AI \\"2\\""\n  - plain\nprovider:\n  name: "K\\\\N"\n',
        'related:\n  - title: "q\\"q"\n    webUrl: "u"\ntitle: T\n',
    ],
)
def test_escaped_quotes_and_backslashes_take_the_fast_path_and_agree(text: str) -> None:
    """Titles quoted by a JSON-minded writer (``\\"``) are common; PyYAML read every such
    file whole (~0.7 ms for a seed-sized one)."""
    assert assert_agrees(text)


@pytest.mark.parametrize(
    "text",
    ['t: "tab\\there"\n', 't: "\\u00e9"\n', 't: "a\\/b"\n', 't: "end\\\n  more"\n'],
)
def test_other_escapes_are_left_to_pyyaml(text: str) -> None:
    assert summary_fields(text, EveryKey()) is None


def _structure_or_error(text: str) -> Any:
    try:
        return _parse_subset(text)
    except _OutsideSubsetError:
        return "<outside>"


@settings(max_examples=400, deadline=None)
@given(documents())
def test_a_shape_is_valid_exactly_when_each_top_level_entry_is(text: str) -> None:
    """summary_fields checks a new shape entry by entry (entries repeat far more than whole
    shapes do); that must be the whole shape's verdict."""
    text = text.replace("\r\n", "\n")
    by_entry = all(_entry_is_valid(entry) for entry in _TOP_LEVEL_START.split(text))
    assert by_entry == _shape_is_valid(text), text


@st.composite
def blocks(draw: st.DrawFn) -> str:
    """A top-level key and the lines under it, mostly flat lists and mappings."""
    lines = [draw(st.sampled_from(["topics:", "provider:", "topics:  # note"]))]
    indent = draw(st.sampled_from([0, 2, 2, 4]))
    for _ in range(draw(st.integers(1, 5))):
        width = indent if draw(st.integers(0, 6)) else draw(st.sampled_from([0, 1, 3, 6]))
        kind = draw(st.sampled_from(["item", "item", "entry", "entry", "blank", "comment",
                                     "open", "item-entry", "nested"]))
        value = draw(_SCALARS)
        key = draw(_KEYS)
        lines.append(" " * width + {
            "item": f"- {value}", "entry": f"{key}: {value}", "blank": "",
            "comment": f"# {value}", "open": f"{key}:", "item-entry": f"- {key}: {value}",
            "nested": f"- - {value}",
        }[kind])
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n\n"]))


@settings(max_examples=600, deadline=None)
@given(blocks())
def test_a_flat_block_reads_as_the_parser_reads_it(block: str) -> None:
    if re.search(f"[{_BAD}]", block.replace("\n", "")):
        return  # the document pattern has refused these already
    key = block.split(":", 1)[0]
    try:
        flat = _flat_block_value(block)
    except _OutsideSubsetError:
        return  # a scalar the subset leaves to PyYAML: summary_fields declines, safely
    if flat is _NOT_FLAT:
        return
    parsed = _structure_or_error(block)
    assert parsed != "<outside>", block
    assert strictly_equal(flat, parsed[key]), block


def test_flat_blocks_are_the_seed_s_topics_and_provider() -> None:
    assert _flat_block_value("topics:\n  - Machine Learning\n  - AI\n") == [
        "Machine Learning",
        "AI",
    ]
    assert _flat_block_value("provider:\n  name: KRON4 News\n  domain: kron4.com") == {
        "name": "KRON4 News",
        "domain": "kron4.com",
    }
    assert _flat_block_value("images:\n  - url: u\n    width: 1") is _NOT_FLAT


_MUTATIONS = st.sampled_from(
    ["", " ", "  ", "\n", "-", "- ", ":", "#", "'", '"', "\t", "x", "!", "&a", "*a", "[",
     "{", "|", "\\", "\r", "\x85"]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_seed_front_matter_agrees_with_pyyaml(data: st.DataObject) -> None:
    text = SEED_YAML
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(text)))
        action = data.draw(st.sampled_from(["insert", "delete", "replace"]))
        snippet = data.draw(_MUTATIONS)
        if action == "insert":
            text = text[:position] + snippet + text[position:]
        elif action == "delete":
            text = text[:position] + text[position + max(1, len(snippet)):]
        else:
            text = text[:position] + snippet + text[position + 1:]
    assert_agrees(text)


# -- whole files: parse_summary with and without the fast reader -----------------------------


def _seed_variants() -> list[tuple[str, bytes]]:
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
        seed.replace("title:", "title: &t"),
    ]
    named = [(f"variant-{index}.txt", text.encode("utf-8")) for index, text in enumerate(variants)]
    return [(SEED_BODY_ONLY, (SEEDS / SEED_BODY_ONLY).read_bytes()), *named]


@pytest.mark.parametrize(("name", "data"), _seed_variants())
def test_summaries_equal_those_read_through_pyyaml(name: str, data: bytes) -> None:
    assert parse_summary(name, data) == summary_without_fast_reader(name, data)


def test_the_seed_s_summary_is_read_by_the_fast_reader() -> None:
    data = (SEEDS / SEED_FULL).read_bytes()
    with mock.patch("reader.domain.frontmatter.load_yaml_mapping") as full_loader:
        summary, _body = parse_summary(SEED_FULL, data)
    full_loader.assert_not_called()
    assert summary.source == "KRON4 News"
    assert not summary.problems
