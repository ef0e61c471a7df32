"""The fast front-matter reader must agree with PyYAML wherever it answers at all."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from seed_files import SEED_FULL, SEEDS

from reader.domain.fastyaml import load_simple_mapping, summary_fields
from reader.domain.frontmatter import split_front_matter
from reader.domain.parse import SUMMARY_FIELDS


def strictly_equal(a, b) -> bool:
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


def pyyaml(text: str):
    try:
        return yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return "<error>"


def assert_agrees(text: str) -> bool:
    fast = load_simple_mapping(text)
    if fast is None:
        return False
    expected = pyyaml(text)
    assert expected != "<error>", f"fast reader accepted invalid YAML:\n{text}"
    assert strictly_equal(fast, expected), f"{fast!r}\n!=\n{expected!r}\nfor:\n{text}"
    return True


def assert_fields_agree(text: str) -> bool:
    """summary_fields either declines or gives exactly PyYAML's values for the wanted keys."""
    fast = summary_fields(text, SUMMARY_FIELDS)
    if fast is None:
        return False
    expected = pyyaml(text)
    if expected is None:  # an empty document: reader reads it as no fields
        expected = {}
    assert isinstance(expected, dict), f"fast path accepted a non-mapping or bad YAML:\n{text}"
    wanted = {k: v for k, v in expected.items() if k in SUMMARY_FIELDS}
    assert strictly_equal(fast, wanted), f"{fast!r}\n!=\n{wanted!r}\nfor:\n{text}"
    return True


SEED_YAML = split_front_matter((SEEDS / SEED_FULL).read_text(encoding="utf-8")).yaml_text


def test_seed_front_matter_takes_the_fast_path_and_agrees():
    assert assert_agrees(SEED_YAML)
    assert assert_fields_agree(SEED_YAML)


@pytest.mark.parametrize(
    ("text", "fast"),
    [
        ("title: Hello\n  world\n", False),              # multi-line plain scalar
        ('title: "Hello\n  world"\n', False),             # multi-line quoted scalar
        ('notes: "a\ntitle: fake"\ntitle: real\n', False),  # a key inside a string
        ("notes: |\n  title: fake\ntitle: real\n", False),  # a key inside a block scalar
        ("base: &b x\ntitle: *b\n", False),               # alias
        ("title: !!str 5\n", False),                       # tag
        ("title: [a]\n", False),
        ("title: a\ntitle: b\n", True),                   # last one wins, as in PyYAML
        ("provider:\n  name: A\nprovider:\n  name: B\n", True),
        ("topics:\n- a\n- b\nquality: 3\n", True),
        ("related:\n  - title: x\n    published: true\npublished: false\n", True),
        ("provider:\n  name: [x]\n", False),
        ("related:\n  - bad: [\n", False),               # invalid YAML anywhere: PyYAML reports it
    ],
)
def test_summary_fields_declines_what_could_mislead_it(text, fast):
    assert assert_fields_agree(text) is fast


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb: -1\nc: 1.5\nd: 0x1F\ne: 1_000\nf: 017\ng: .inf\nh: ~\ni: null\n",
        "yes_: yes\nno_: No\non_: ON\noff_: off\nt: true\nf: False\n",
        "d: 2023-07-26\nt: 2023-07-26T23:43:00Z\nu: 2023-07-26 16:43:00 -07:00\n",
        'q: "a \\"quoted\\" \\u00e9 \\n line"\ns: \'it\'\'s\'\nempty: ""\n',
        "title: plain text, with commas # and a comment\nx: a#b\n",
        "list:\n- a\n- b\nafter: 1\n",
        "list:\n  - a\n  - b\nmap:\n  k: v\n  k2:\n    deep: 1\n",
        "items:\n  - url: x\n    width: 1\n  - url: y\n    images:\n      - url: z\n",
        "a: 1\r\nb: two\r\n",
        "# comment\na: 1\n\n   # indented comment\nb:\n",
        "dup: 1\ndup: 2\n",
        "key-with-dash: v\n",
    ],
)
def test_simple_documents_agree_with_pyyaml(text):
    assert assert_agrees(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: [1, 2]\n",              # flow sequence
        "a: {b: 1}\n",              # flow mapping
        "a: &x 1\nb: *x\n",         # anchors and aliases
        "a: !!str 1\n",             # tags
        "a: |\n  text\n",           # block scalar
        "a: plain\n  continued\n",  # multi-line plain scalar
        "a: 'multi\n  line'\n",     # multi-line quoted
        "a: \"\\x41\"\n",           # YAML-only escape
        "yes: 1\n",                 # a key that is a boolean to YAML
        "a: 1\n b: 2\n",            # bad indentation
        "a:\n  - x\n  y: 1\n",      # sequence then mapping at one level
        "- a\n- b\n",               # not a mapping
        "a: b: c\n",                # mapping value where a scalar is
        "a:\tb\n",                  # tab separator
        "a: 1\rb: 2\n",             # old Mac line break
        "a: x\x85y\n",              # NEL line break
        '"quoted key": 1\n',
        "? complex\n: key\n",
        "a: `cmd`\n",
        "a: @x\n",
        "a: -\n",
        "a:\n  -\n    - nested\n",
    ],
)
def test_anything_outside_the_subset_is_left_to_pyyaml(text):
    assert load_simple_mapping(text) is None


_LINE_PIECES = st.sampled_from(
    [
        "title: T", "title: \"q\"", "title: 'q'", "n: 1", "n: -2.5", "b: yes", "d: 2023-07-26",
        "  name: x", "  - a", "- a", "  - url: u", "    width: 3", "list:", "map:", "# c",
        "", "   ", "x: a # c", "x: a#b", "k: ~", "k: 0o17", "k: 0b101", "k: 1e3", "k: 1.0e+3",
        "  k: \"\\u00e9\"", "    - deep", "      - deeper: 1", "k:", "- k: v", "   k: v",
        "k: 'it''s'", "k: \"tab\\tin\"", "k: :x", "k: -x", "k: --", "k: ''", "k: \"\"",
    ]
)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(_LINE_PIECES, min_size=1, max_size=12), st.sampled_from(["\n", "\r\n"]))
def test_random_documents_never_disagree(lines, newline):
    assert_agrees(newline.join(lines) + newline)
    assert_fields_agree(newline.join(lines) + newline)


MUTATIONS = [
    " ", "  ", "\n", "-", ":", "#", "'", '"', "\t", "x", "!", "&a", "*a", "[", "{", "|", "\\",
]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.data())
def test_mutated_seed_never_disagrees(data):
    text = SEED_YAML
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(text)))
        action = data.draw(st.sampled_from(["insert", "delete", "replace"]))
        snippet = data.draw(st.sampled_from(MUTATIONS))
        if action == "insert":
            text = text[:position] + snippet + text[position:]
        elif action == "delete":
            text = text[:position] + text[position + len(snippet):]
        else:
            text = text[:position] + snippet + text[position + 1:]
    assert_agrees(text)
    assert_fields_agree(text)
