"""Property-based tests of the publish edit over generated, mutated and random files.

Whatever the bytes, :func:`edit_published` either refuses with a :class:`PublishError` or
returns a file that reads exactly like the old one apart from ``published``, with every
byte outside the edit unchanged; and what it accepts, it can take back:

* a file whose ``published`` is written in a spelling reader writes itself (true/false,
  True/False, yes/no, on/off in any of their casings, plain or quoted, with or without
  spaces inside the quotes) gets its exact bytes back from publish followed by
  unpublish, and from unpublish followed by publish;
* any other accepted file (no key yet, no front matter, an odd spelling such as
  ``FaLsE`` or ``"maybe"``) is normalised by the first write, after which publish and
  unpublish undo each other byte for byte.

``READER_LONG_TESTS=1`` raises each property from 200 examples to 5,000.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.domain.frontmatter import FrontMatterError, load_yaml_mapping, split_front_matter
from reader.domain.parse import parse_detail
from reader.domain.publish import PublishError, edit_published

# Derived here, not imported: with several conftest.py files, "from seed_files import"
# gets whichever one pytest imported first.
SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SEED_FULL = "000_64786d9bbd4dc9c0.txt"
SEED_BODY_ONLY = "002_ec8b9ffde03f3ad4.txt"

LONG = os.environ.get("READER_LONG_TESTS") == "1"
FUZZ = settings(
    max_examples=5000 if LONG else 200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

CANONICAL_TOKENS = [
    word
    for pair in (("true", "false"), ("yes", "no"), ("on", "off"))
    for true_word, false_word in [pair]
    for word in (
        true_word,
        false_word,
        true_word.capitalize(),
        false_word.capitalize(),
        true_word.upper(),
        false_word.upper(),
    )
] + [
    f"{quote}{word}{quote}"
    for quote in ("'", '"')
    for word in ("true", "false", "True", "False", "TRUE", "FALSE")
]
PADDED_TOKENS = ['"False "', "'  true'", '" FALSE "']
"""Quoted words with spaces inside the quotes: reader keeps the spaces, so these round-trip."""
ODD_TOKENS = ["FaLsE", '" NO "', "'maybe'", "maybe", "1", "0", "~", "null", "", '"yes"', "n"]

KEYS = st.sampled_from(
    [
        "title",
        "category",
        "heat",
        "quality",
        "type",
        "excerpt",
        "webUrl",
        "Published",
        "published_at",
        "publishedDateTime",
        "x-custom",
        "'published '",
    ]
)
SAFE_TEXT = st.text(alphabet="abcdefghij XYZ0123456789.,", max_size=16)
ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=16)
VALUES = st.one_of(
    SAFE_TEXT.map(str.strip),
    ANY_TEXT.map(lambda text: json.dumps(text, ensure_ascii=False)),
    ANY_TEXT.filter(lambda text: "\n" not in text and "\r" not in text),
    st.integers(-1000, 1000).map(str),
    st.sampled_from(["true", "no", "~", "2023-07-26T23:43:00Z", ".nan", "[a, b]", "{a: 1}"]),
)
COMMENTS = st.sampled_from(["", " # set by the pipeline", "  # published: true", " #"])


@st.composite
def other_entry(draw: st.DrawFn) -> list[str]:
    """Lines of one front matter entry that is not the top-level ``published``."""
    key = draw(KEYS)
    kind = draw(st.sampled_from(["field", "comment", "blank", "block", "nested", "flow", "quoted"]))
    if kind == "field":
        return [f"{key}: {draw(VALUES)}{draw(COMMENTS)}"]
    if kind == "comment":
        return [f"# {draw(st.sampled_from(['published: true', 'note', 'published: false']))}"]
    if kind == "blank":
        return [""]
    if kind == "block":
        style = draw(st.sampled_from(["|", ">", "|-", "|+", ">-"]))
        return [f"{key}: {style}", "  published: false", f"  {draw(SAFE_TEXT)}"]
    if kind == "nested":
        return [
            f"{key}:",
            "  - title: x",
            f"    published: {draw(st.sampled_from(CANONICAL_TOKENS))}",
        ]
    if kind == "flow":
        return [f"{key}: {{published: true, a: [1, 2]}}"]
    return [f'{key}: "first line', "published: false", '  end"']


@st.composite
def article_files(draw: st.DrawFn) -> tuple[bytes, str | None]:
    """A generated article and the ``published`` token it holds (None when it has none)."""
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    bom = "\ufeff" if draw(st.booleans()) else ""
    body = draw(
        st.sampled_from(["", "Body text.", "\nBody after a blank line.", "--- not a fence"])
    )
    final_newline = draw(st.booleans())
    if draw(st.integers(0, 9)) == 0:
        text = bom + body.replace("\n", eol) + (eol if final_newline else "")
        return text.encode("utf-8"), None
    entries = draw(st.lists(other_entry(), max_size=6))
    token = draw(
        st.one_of(st.none(), st.sampled_from(CANONICAL_TOKENS + PADDED_TOKENS + ODD_TOKENS))
    )
    if token is not None:
        spacing = draw(st.sampled_from([" ", "   ", "\t"]))
        line = f"published:{spacing}{token}{draw(COMMENTS)}" if token else "published:"
        entries.insert(draw(st.integers(0, len(entries))), [line])
    lines = [line for entry in entries for line in entry]
    closing = draw(st.sampled_from(["---", "..."]))
    text = bom + eol.join(["---", *lines, closing])
    if body or final_newline:
        text += eol + body.replace("\n", eol)
    if final_newline and body:
        text += eol
    return text.encode("utf-8"), token


MUTATION_PIECES = [bytes([byte]) for byte in b"\n\r\t :-#'\"|>{}[]&*!?,%@`~.\\aZ9\xff\x00"] + [
    b"published: ",
    b"published",
    b"true",
    b"False",
    b"no",
    b"\xef\xbb\xbf",
    b"---\n",
    b"...",
    b"\xc3\xa9",
    b"\xe2\x80\xa8",
    b"  ",
    b"&a ",
    b"*a",
    b"!!str ",
    b"|\n",
    b"<<: ",
]


@st.composite
def mutated_files(draw: st.DrawFn) -> bytes:
    """A real or generated article with a few bytes inserted, deleted or replaced."""
    base = draw(
        st.one_of(
            st.sampled_from(
                [
                    (SEEDS / SEED_FULL).read_bytes()[:1200],
                    (SEEDS / SEED_FULL).read_bytes().replace(b"\n", b"\r\n")[:1200],
                    (SEEDS / SEED_BODY_ONLY).read_bytes()[:300],
                ]
            ),
            article_files().map(lambda pair: pair[0]),
        )
    )
    data = bytearray(base)
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(data)))
        operation = draw(st.sampled_from(["insert", "delete", "replace"]))
        chunk = b"".join(draw(st.lists(st.sampled_from(MUTATION_PIECES), min_size=1, max_size=3)))
        if operation == "insert":
            data[position:position] = chunk
        elif operation == "delete":
            del data[position : position + len(chunk)]
        else:
            data[position : position + len(chunk)] = chunk
    return bytes(data)


RANDOM_FILES = st.one_of(
    st.binary(max_size=200),
    st.binary(max_size=200).map(lambda tail: b"---\n" + tail),
    st.binary(max_size=200).map(lambda middle: b"---\npublished: false\n" + middle + b"\n---\n"),
)


def reads_as(data: bytes) -> tuple[dict, str] | None:
    """The front matter and body as reader reads them, or None when it cannot."""
    try:
        split = split_front_matter(data.decode("utf-8"))
        front = load_yaml_mapping(split.yaml_text) if split.yaml_text is not None else {}
    except (UnicodeDecodeError, FrontMatterError):
        return None
    return front, split.body


def differing_middles(old: bytes, new: bytes) -> tuple[bytes, bytes]:
    """The parts of ``old`` and ``new`` left after their common prefix and suffix."""
    prefix = 0
    limit = min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    return old[prefix : len(old) - suffix], new[prefix : len(new) - suffix]


def try_edit(data: bytes, value: bool) -> bytes | None:
    """The edited bytes, or None for a refusal; any other exception fails the test."""
    try:
        return edit_published(data, value)
    except PublishError as exc:
        assert exc.message.endswith(".") and "\n" not in exc.message.strip()
        assert "Traceback" not in exc.message and "Errno" not in exc.message
        return None


def check_edit(data: bytes, value: bool) -> bytes | None:
    """Edit ``data``; when accepted, check it changed nothing but ``published``."""
    new = try_edit(data, value)
    if new is None or new == data:
        if new == data:
            assert parse_detail("a.txt", data).summary.published is value
        return new
    old_read, new_read = reads_as(data), reads_as(new)
    assert old_read is not None and new_read is not None
    (old_front, old_body), (new_front, new_body) = old_read, new_read
    assert new_body == old_body
    assert repr({k: v for k, v in new_front.items() if k != "published"}) == repr(
        {k: v for k, v in old_front.items() if k != "published"}
    )
    summary = parse_detail("a.txt", new).summary
    assert summary.published is value
    assert not [p for p in summary.problems if p.message.startswith("published should")]
    old_middle, _new_middle = differing_middles(data, new)
    assert b"\n" not in old_middle, "a publish touched more than one line"
    return new


def check_round_trips(data: bytes, token: str | None = None) -> None:
    """Both directions: accepted edits can be undone (exactly, once normalised)."""
    for value in (True, False):
        first = check_edit(data, value)
        if first is None or first == data:
            continue
        back = check_edit(first, not value)
        assert back is not None, "reader refused to undo its own edit"
        assert check_edit(back, value) == first
        if token in CANONICAL_TOKENS or token in PADDED_TOKENS:
            assert back == data


@FUZZ
@given(article_files())
def test_generated_articles_round_trip(article: tuple[bytes, str | None]) -> None:
    data, token = article
    check_round_trips(data, token)


@FUZZ
@given(mutated_files())
def test_mutated_articles_never_break_the_edit(data: bytes) -> None:
    check_round_trips(data)


@FUZZ
@given(RANDOM_FILES)
def test_random_bytes_never_break_the_edit(data: bytes) -> None:
    check_round_trips(data)


def test_canonical_tokens_round_trip_exactly_in_the_seed() -> None:
    seed = (SEEDS / SEED_FULL).read_bytes()
    for token in CANONICAL_TOKENS:
        check_round_trips(seed.replace(b"published: false", f"published: {token}".encode()), token)
