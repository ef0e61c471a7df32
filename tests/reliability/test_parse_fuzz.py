"""Fuzzing the parser: damaged, mutated and random files never escape as exceptions.

The folder is written by a pipeline and by other people's tools, so reader must turn any
bytes at all into an article (readable, or in an error state with a message), never into a
traceback.  The properties here run the seeds through byte flips, truncations, inserted
YAML syntax (tags, anchors, aliases, flow brackets, block scalars), random unicode and
re-indentation, plus front matter generated from random YAML values, and check that:

* ``parse_summary`` / ``parse_detail`` (and the index's fast path) always return an article
  with the id they were given, with any error placed inside the file;
* every file of a folder of fuzzed files is listed by ``load_folder``;
* ``reader check`` and ``reader list`` never print a traceback.

CI runs a few hundred cases per property; ``READER_LONG_TESTS=1`` runs twenty times more.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from seed_files import SEED_BODY_ONLY, SEED_FULL, SEEDS

from reader.domain.article import ArticleDetail, ArticleSummary, Problem, Severity
from reader.domain.parse import parse_detail, parse_summary

LONG = os.environ.get("READER_LONG_TESTS") == "1"

settings.register_profile(
    "reader-fuzz-ci",
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile(
    "reader-fuzz-long", settings.get_profile("reader-fuzz-ci"), max_examples=5000
)
# Applied per test rather than with load_profile, so other modules keep their own settings.
FUZZ = settings.get_profile("reader-fuzz-long" if LONG else "reader-fuzz-ci")
FOLDER_FUZZ = settings(FUZZ, max_examples=400 if LONG else 25)

PROJECT = Path(__file__).resolve().parents[2]

# -- seeds and mutations -----------------------------------------------------------------

_SEED_FULL_BYTES = (SEEDS / SEED_FULL).read_bytes()
_SEED_BODY_BYTES = (SEEDS / SEED_BODY_ONLY).read_bytes()[:4000]
SEED_TEXTS: tuple[bytes, ...] = (
    _SEED_FULL_BYTES,
    _SEED_BODY_BYTES,
    _SEED_FULL_BYTES.replace(b"\n", b"\r\n"),
    b"\xef\xbb\xbf" + _SEED_FULL_BYTES,
    b"---\ntitle: Short one\npublished: yes\ntopics: [a, b]\n---\nBody text.\n",
    b"---\n---\n",
    b"",
)

# Fragments of YAML that change how everything after them is read.
YAML_SYNTAX: tuple[str, ...] = (
    "&a ",
    "*a",
    "&anchor [1, 2]",
    "<<: *a\n",
    "? ",
    ": ",
    "- ",
    "-",
    "[",
    "]",
    "{",
    "}",
    "{a: [",
    "|\n",
    ">-\n",
    "|+2\n",
    "'",
    '"',
    '"\\x',
    '"\\u12',
    "#",
    "@",
    "`",
    "%",
    "!",
    "!!python/object:os.system ",
    "!!python/object/apply:os.system [echo hi]",
    "!!python/name:os.system ",
    "!!binary ",
    "!!binary aGVsbG8=",
    "!!set ",
    "!!omap ",
    "!!timestamp ",
    "!!int ",
    "!!float ",
    "!!str ",
    "!!null ",
    "!local ",
    "!<tag:x> ",
    "%YAML 1.1\n",
    "%TAG ! tag:x:\n",
    "---\n",
    "...\n",
    "--- ",
    "\t",
    "\r",
    "\r\n",
    "\x00",
    "\x85",
    "\u2028",
    "\ufeff",
    "\x1b[31m",
    "2023-02-30",
    "2023-13-45T25:61:00Z",
    "0x" + "f" * 4000,
    "1" + "0" * 4400,
    ".nan",
    ".inf",
    "-.inf",
    "~",
    "null",
    "yes",
    "1e400",
    "0o17",
    "1_000",
    "12:30:45",
    "published: ",
    "title: ",
    "related:\n  - ",
    "images:\n  - url: ",
    "\n  ",
    "\n    ",
    "\n\t",
    "  " * 40,
)


@dataclass(frozen=True)
class Mutation:
    """One change to a file's bytes; ``where`` is a fraction of the length, so it always fits."""

    kind: str
    where: float
    payload: bytes = b""
    amount: int = 1


def apply_mutation(data: bytes, mutation: Mutation) -> bytes:
    at = min(len(data), int(mutation.where * (len(data) + 1)))
    kind = mutation.kind
    if kind == "flip":
        if not data:
            return mutation.payload[:1]
        at = min(at, len(data) - 1)
        return data[:at] + bytes([data[at] ^ (mutation.amount & 0xFF or 1)]) + data[at + 1 :]
    if kind == "truncate":
        return data[:at]
    if kind == "insert":
        return data[:at] + mutation.payload + data[at:]
    if kind == "delete":
        return data[:at] + data[at + mutation.amount :]
    lines = data.split(b"\n")
    line = min(len(lines) - 1, int(mutation.where * len(lines)))
    if kind == "line-start":
        lines[line] = mutation.payload + lines[line]
    elif kind == "indent":
        lines[line] = b" " * mutation.amount + lines[line].lstrip(b" ")
    elif kind == "dedent":
        lines[line] = lines[line][mutation.amount :]
    elif kind == "duplicate-line":
        lines.insert(line, lines[line])
    elif kind == "drop-line":
        del lines[line]
    elif kind == "swap-lines":
        other = (line + mutation.amount) % len(lines)
        lines[line], lines[other] = lines[other], lines[line]
    return b"\n".join(lines)


_SYNTAX_BYTES = st.sampled_from([s.encode() for s in YAML_SYNTAX])
_UNICODE_BYTES = st.text(min_size=1, max_size=30).map(lambda t: t.encode("utf-8", "surrogatepass"))

mutations = st.one_of(
    st.builds(Mutation, st.just("flip"), st.floats(0, 1), st.just(b"\x00"), st.integers(1, 255)),
    st.builds(Mutation, st.just("truncate"), st.floats(0, 1)),
    st.builds(
        Mutation,
        st.sampled_from(["insert", "line-start"]),
        st.floats(0, 1),
        st.one_of(_SYNTAX_BYTES, _UNICODE_BYTES, st.binary(min_size=1, max_size=8)),
    ),
    st.builds(Mutation, st.just("delete"), st.floats(0, 1), st.just(b""), st.integers(1, 40)),
    st.builds(
        Mutation,
        st.sampled_from(["indent", "dedent", "duplicate-line", "drop-line", "swap-lines"]),
        st.floats(0, 1),
        st.just(b""),
        st.integers(1, 9),
    ),
)


@st.composite
def mutated_seeds(draw: st.DrawFn) -> bytes:
    data = draw(st.sampled_from(SEED_TEXTS))
    for mutation in draw(st.lists(mutations, min_size=1, max_size=6)):
        data = apply_mutation(data, mutation)
    return data


# -- random front matter from random YAML values -----------------------------------------

_KEYS = st.one_of(
    st.sampled_from(
        [
            "title",
            "excerpt",
            "publishedDateTime",
            "originalUrl",
            "webUrl",
            "quality",
            "heat",
            "published",
            "provider",
            "topics",
            "images",
            "related",
            "secured",
            "category",
            "type",
            "url",
            "width",
            "height",
            "isCached",
            "name",
            "domain",
        ]
    ),
    st.text(min_size=1, max_size=12),
)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=60),
    st.dates(min_value=date(1, 1, 1)),
    st.datetimes(timezones=st.sampled_from([None, UTC])),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(_KEYS, inner, max_size=5)),
    max_leaves=30,
)


@st.composite
def random_front_matter(draw: st.DrawFn) -> bytes:
    mapping = draw(st.dictionaries(_KEYS, _VALUES, max_size=12))
    text = yaml.safe_dump(
        mapping,
        default_flow_style=draw(st.sampled_from([False, True, None])),
        allow_unicode=draw(st.booleans()),
        width=draw(st.sampled_from([20, 80, 10_000])),
        indent=draw(st.integers(2, 9)),
        sort_keys=draw(st.booleans()),
    )
    body = draw(st.text(max_size=200))
    data = f"---\n{text}---\n{body}".encode("utf-8", "surrogatepass")
    for mutation in draw(st.lists(mutations, max_size=3)):
        data = apply_mutation(data, mutation)
    return data


@st.composite
def raw_front_matter(draw: st.DrawFn) -> bytes:
    """Arbitrary text between the fences: exercises the YAML scanner itself."""
    inner = draw(st.text(st.characters(codec="utf-8"), max_size=300))
    closing = draw(st.sampled_from(["---", "...", "--- ", "", "---\r"]))
    return f"---\n{inner}\n{closing}\nbody".encode("utf-8", "surrogatepass")


any_file = st.one_of(
    mutated_seeds(), random_front_matter(), raw_front_matter(), st.binary(max_size=400)
)
article_ids = st.sampled_from(["a.txt", "sub/dir/b.md", "-dash.markdown", "ünï code.txt", "x"])


# -- what every parse result must look like ----------------------------------------------


def assert_well_formed(summary: ArticleSummary, article_id: str, data: bytes) -> None:
    assert summary.id == article_id
    assert isinstance(summary.title, str) and summary.title
    assert isinstance(summary.published, bool)
    # YAML also breaks lines at a lone CR, NEL, LS and PS; splitlines() knows them all.
    last_line = len(data.decode("utf-8", "replace").splitlines()) + 1
    for problem in summary.problems:
        assert isinstance(problem, Problem)
        assert problem.message and "Traceback" not in problem.message
        assert "\n" not in problem.message
        if problem.line is not None:
            assert 1 <= problem.line <= last_line, (problem, last_line)
    assert sum(p.severity is Severity.ERROR for p in summary.problems) <= 1
    # Every field a list row or the JSON output renders must be plain and printable.
    for number in (summary.quality, summary.heat):
        assert number is None or number == number  # never NaN
    json.dumps([summary.title, summary.excerpt, summary.url, list(summary.topics)])


@FUZZ
@given(data=any_file, article_id=article_ids)
def test_parse_summary_never_raises_and_keeps_the_id(data: bytes, article_id: str) -> None:
    summary, body = parse_summary(article_id, data)
    assert_well_formed(summary, article_id, data)
    assert isinstance(body, str)
    if summary.is_error:
        assert body == ""


@FUZZ
@given(data=any_file, article_id=article_ids)
def test_parse_detail_never_raises_and_agrees_with_the_summary(
    data: bytes, article_id: str
) -> None:
    detail = parse_detail(article_id, data)
    assert isinstance(detail, ArticleDetail)
    assert_well_formed(detail.summary, article_id, data)
    summary, body = parse_summary(article_id, data)
    assert detail.body == body
    # The list reads only its own fields, so a broken value elsewhere (say in related)
    # may first show in the detail; the reverse would hide a listed error on opening.
    if summary.is_error:
        assert detail.summary.error == summary.error
        assert detail.body == ""
    elif not detail.summary.is_error:
        # The detail may add warnings about images/related, never drop the summary's...
        assert set(summary.problems) <= set(detail.summary.problems)
        # ...and the list (read through the fast front-matter reader) shows what the
        # detail (read through PyYAML) shows.
        assert detail.summary._replace(problems=summary.problems) == summary
    for image in detail.images:
        assert isinstance(image.url, str)
        assert image.width is None or 0 < image.width <= 100_000


@FUZZ
@given(data=any_file, article_id=article_ids)
def test_the_fast_front_matter_reader_changes_no_summary(data: bytes, article_id: str) -> None:
    """parse_summary reads most front matter through a YAML subset; with every file read
    through PyYAML instead, each summary and body must come out the same."""
    fast, fast_body = parse_summary(article_id, data)
    with mock.patch("reader.domain.frontmatter.summary_fields", return_value=None):
        slow, slow_body = parse_summary(article_id, data)
    assert_well_formed(fast, article_id, data)
    assert (fast, fast_body) == (slow, slow_body)


@pytest.mark.parametrize(
    ("text", "where", "in_list_fields"),
    [
        ("---\npublishedDateTime: 2023-02-30\n---\n", (2, 20), True),
        ("---\nquality: !!int lots\n---\n", (2, 10), True),
        ("---\nheat: !!float warm\n---\n", (2, 7), True),
        ("---\ntitle: x\nrelated:\n  - publishedDateTime: 2023-13-01\n---\n", (4, 24), False),
        ("---\nx: 1" + "0" * 4400 + "\n---\n", (2, 4), False),
        ("---\nd: 2020-01-01T00:00:00+99:00\n---\n", (2, 4), False),
        ("---\nd: !!timestamp 2000-01-01 00:00:00/01\n---\n", (2, 4), False),
    ],
)
def test_a_value_yaml_cannot_build_is_an_error_at_that_value(
    text: str, where: tuple[int, int], in_list_fields: bool
) -> None:
    """Found by fuzzing: these raised ValueError/AttributeError out of the safe loader."""
    data = text.encode()
    summaries = [parse_detail("f.txt", data).summary]
    if in_list_fields:
        summaries.append(parse_summary("f.txt", data)[0])
    else:  # the list does not read that field; it must still not raise
        parse_summary("f.txt", data)
    for summary in summaries:
        error = summary.error
        assert error is not None
        assert "is not a valid" in error.message
        assert (error.line, error.column) == where


@pytest.mark.parametrize(
    "text",
    [
        "---\nquality: 0x" + "f" * 5000 + "\n---\n",
        "---\ntopics: !!set {0b" + "1" * 20000 + "}\n---\n",
    ],
)
def test_a_number_too_long_to_print_is_refused(text: str) -> None:
    """Found by fuzzing: hex/binary literals load, then str() of them raised ValueError."""
    summary = parse_detail("f.txt", text.encode()).summary
    assert summary.error is not None and "digits long" in summary.error.message
    parse_summary("f.txt", text.encode())


def test_infinite_and_undefined_numbers_are_warnings_not_values() -> None:
    """Found by fuzzing: an image width of .inf raised OverflowError in parse_detail."""
    text = (
        b"---\nquality: .nan\nheat: -.inf\nimages:\n  - {url: x, width: .inf, height: .nan}\n---\n"
    )
    detail = parse_detail("f.txt", text)
    assert detail.summary.quality is None and detail.summary.heat is None
    assert len(detail.summary.warnings) == 2
    assert (detail.images[0].width, detail.images[0].height) == (None, None)


# -- dates and URLs: the free-form parsers -----------------------------------------------

_DATE_PIECES = st.one_of(
    st.sampled_from(
        [
            "2023",
            "-",
            "07",
            "26",
            "T",
            ":",
            "Z",
            "+",
            "99",
            "PDT",
            "July",
            " ",
            ",",
            "AM",
            "PM",
            "0",
            "9999999999",
            ".",
            "/",
            "of",
            "EST",
            "UTC+5",
            "24:00",
            "60",
            "1e10",
            "Feb 30",
            "BST",
            "noon",
            "XYZ",
            "\x00",
            "+05:30",
            "Wed",
            "2023-07-26",
        ]
    ),
    st.text(max_size=5),
)


@FUZZ
@given(parts=st.lists(_DATE_PIECES, max_size=12))
def test_free_form_dates_never_raise_warn_or_depend_on_today(parts: list[str]) -> None:
    """dateutil warns on unknown zone names (an error under this suite's filterwarnings)
    and fills missing parts from today; neither may reach a file's date."""
    from reader.domain.dates import leading_date, parse_date_value

    text = "".join(parts)
    for value in (parse_date_value(text), leading_date(f"date {text}\nmore text")):
        assert value is None or value.tzinfo is not None
    parsed = parse_date_value(text)
    if parsed is not None:  # a whole date: the same whatever the default day
        assert parsed.year in range(1, 10_000)


@pytest.mark.parametrize("text", ["7 AM", "07 AM.T", "July 2023", "2023", "10:45 PDT", "26 July"])
def test_a_partial_date_is_not_completed_from_today(text: str) -> None:
    """Found by fuzzing: these became today's date, so the sort order changed daily."""
    from reader.domain.dates import parse_date_value

    assert parse_date_value(text) is None
    summary, _ = parse_summary("d.txt", f"---\npublishedDateTime: '{text}'\n---\n".encode())
    assert summary.published_at is None and summary.published_at_text == text
    assert "not a date reader understands" in summary.warnings[0].message


def test_an_unknown_zone_name_is_utc_without_a_warning() -> None:
    from reader.domain.dates import parse_date_value

    parsed = parse_date_value("2023-07-26 12:00 XYZ")
    assert parsed == datetime(2023, 7, 26, 12, tzinfo=UTC)


@FUZZ
@given(
    parts=st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "http",
                    "://",
                    "[",
                    "]",
                    "::1",
                    ":",
                    "@",
                    "/",
                    "%",
                    "host",
                    "\\",
                    "#",
                    "?",
                    "ſ",
                    "\u0130",
                    "xn--",
                    "..",
                    "\uff0e",
                    "javascript:",
                    " ",
                ]
            ),
            st.text(max_size=4),
        ),
        max_size=10,
    )
)
def test_url_helpers_never_raise(parts: list[str]) -> None:
    from reader.domain.urls import refusal_message, safe_url, url_host

    url = "".join(parts)
    safe_url(url)
    assert isinstance(url_host(url), str)
    assert "\n" not in refusal_message(url)


# -- a folder of fuzzed files ------------------------------------------------------------


def _write_folder(root: Path, files: list[bytes]) -> list[str]:
    ids = []
    for index, data in enumerate(files):
        article_id = f"{index:03d}.txt" if index % 3 else f"sub{index % 2}/{index:03d}.md"
        path = root / article_id
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        ids.append(article_id)
    return ids


@FOLDER_FUZZ
@given(files=st.lists(any_file, min_size=1, max_size=12))
def test_every_fuzzed_file_is_listed_by_load_folder(
    tmp_path_factory: pytest.TempPathFactory, files: list[bytes]
) -> None:
    loader = pytest.importorskip("reader.index.loader")
    root = tmp_path_factory.mktemp("fuzzed")
    ids = _write_folder(root, files)
    for use_cache in (True, True, False):  # cold, warm from the cache, no cache
        result = loader.load_folder(root, use_cache=use_cache, workers=1)
        assert set(result.articles) == set(ids)
        for summary in result.articles.values():
            data = (root / summary.id).read_bytes()
            assert_well_formed(summary, summary.id, data)


def json_lines(text: str) -> list[dict]:
    """JSON Lines split on newlines only: U+2028, NEL and friends may sit raw in strings."""
    return [json.loads(line) for line in text.split("\n") if line]


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    """``reader`` in-process; returns (exit code, stdout, stderr)."""
    from reader.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exit_:  # argparse exits; that is allowed, a traceback is not
            code = exit_.code if isinstance(exit_.code, int) else 2
    return code, out.getvalue(), err.getvalue()


@FOLDER_FUZZ
@given(files=st.lists(any_file, min_size=1, max_size=12))
def test_reader_check_list_and_show_never_print_a_traceback(
    tmp_path_factory: pytest.TempPathFactory, files: list[bytes]
) -> None:
    pytest.importorskip("reader.cli")
    root = tmp_path_factory.mktemp("fuzzed-cli")
    ids = _write_folder(root, files)
    code, out, err = run_cli(["check", str(root)])
    assert code in (0, 1), err
    assert "Traceback" not in out + err
    code, out, err = run_cli(["list", str(root)])
    assert code == 0, err
    assert "Traceback" not in out + err
    code, out, err = run_cli(["list", str(root), "--json"])
    assert code == 0, err
    rows = json_lines(out)
    assert sorted(row["id"] for row in rows) == sorted(ids)
    for row in rows:
        assert row["error"] is None or isinstance(row["error"], str)
    for article_id in ids:  # the full article: every value of the front matter as JSON
        code, out, err = run_cli(["show", str(root), "--json", "--", article_id])
        assert code == 0, err
        assert json.loads(out)["id"] == article_id
        code, out, err = run_cli(["show", str(root), "--", article_id])
        assert code == 0 and "Traceback" not in out + err


# -- a real process over a fixed corpus --------------------------------------------------


def fixed_corpus(count: int, seed: int) -> list[bytes]:
    """Mutated seeds from a plain ``random.Random``, for the subprocess runs."""
    rng = random.Random(seed)
    kinds = [
        "flip",
        "truncate",
        "insert",
        "line-start",
        "delete",
        "indent",
        "dedent",
        "duplicate-line",
        "drop-line",
        "swap-lines",
    ]
    corpus = []
    for _ in range(count):
        data = rng.choice(SEED_TEXTS)
        for _ in range(rng.randint(1, 5)):
            payload = rng.choice(YAML_SYNTAX).encode()
            mutation = Mutation(rng.choice(kinds), rng.random(), payload, rng.randint(1, 40))
            data = apply_mutation(data, mutation)
        corpus.append(data)
    return corpus


@pytest.mark.parametrize("command", [["check"], ["list"], ["list", "--json"]])
def test_reader_subprocess_over_a_fuzzed_folder_prints_no_traceback(
    tmp_path: Path, command: list[str]
) -> None:
    pytest.importorskip("reader.cli")
    ids = _write_folder(tmp_path, fixed_corpus(400, seed=6))  # enough for the process pool
    folder_args = [str(tmp_path)] if command[0] != "list" else [str(tmp_path), *command[1:]]
    completed = subprocess.run(
        [sys.executable, "-m", "reader", command[0], *folder_args],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(PROJECT)},
    )
    assert "Traceback" not in completed.stdout + completed.stderr, completed.stderr[-2000:]
    assert completed.returncode in ((0, 1) if command[0] == "check" else (0,)), completed.stderr
    if command == ["list", "--json"]:
        rows = json_lines(completed.stdout)
        assert sorted(row["id"] for row in rows) == sorted(ids)


def test_the_mutations_really_damage_files() -> None:
    """Guard against a fuzzer that silently stops fuzzing: most mutants must differ."""
    corpus = fixed_corpus(200, seed=1)
    changed = sum(data not in SEED_TEXTS for data in corpus)
    errors = sum(parse_summary("x.txt", data)[0].is_error for data in corpus)
    assert changed > 180
    assert errors > 20  # many mutants break the YAML...
    assert errors < 190  # ...and many still read


def test_a_refusal_never_names_a_scheme_with_a_line_break() -> None:
    """Found by fuzzing: '0\\n://' made the refusal message span two lines."""
    from reader.domain.urls import refusal_message

    message = refusal_message("0\n://evil")
    assert "\n" not in message and "not a complete http or https address" in message


def test_the_window_lists_and_shows_every_fuzzed_file(qtbot, tmp_path: Path) -> None:
    """Each mutant is listed and opened in the detail pane; pytest-qt fails the test on
    any exception raised inside a Qt slot or virtual method along the way."""
    app = pytest.importorskip("reader.app")
    from PySide6.QtCore import Qt

    ids = _write_folder(tmp_path, fixed_corpus(40, seed=7))
    window = app.MainWindow(tmp_path, watch=False)
    qtbot.addWidget(window)
    window.show()
    model = window.article_view().model()
    qtbot.waitUntil(lambda: model.rowCount() == len(ids))
    listed = {model.index(row, 0).data(Qt.ItemDataRole.UserRole) for row in range(len(ids))}
    assert listed == set(ids)
    pane = window.detail_pane()
    for article_id in ids:
        with qtbot.waitSignal(
            window.library().detailReady,
            check_params_cb=lambda detail, article_id=article_id: detail.id == article_id,
        ):
            assert window.select_article(article_id)
        qtbot.waitUntil(lambda article_id=article_id: pane.current_id() == article_id)


@pytest.mark.parametrize(
    "text",
    [
        "---\nA: \n---",
        "---\ntitle: ok\nexcerpt: \ntopics: [a, b]\n---\nbody\n",
        "---\ntitle:  \t\n---\n",
    ],
)
def test_a_key_followed_only_by_spaces_reads_as_empty(text: str) -> None:
    """Found by fuzzing: 'key: ' then nothing made the fast reader raise IndexError, and
    the loader listed such a file as unreadable."""
    summary, _body = parse_summary("a.txt", text.encode())
    assert not summary.is_error
    assert summary == parse_detail("a.txt", text.encode()).summary
