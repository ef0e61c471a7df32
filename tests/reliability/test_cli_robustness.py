"""The command line under hostile names, arguments and terminals: one clear line, never a traceback.

File names come from other people's tools, so they may hold newlines, terminal escapes,
bidi overrides, leading dashes, bytes that are not UTF-8 or nothing but spaces.  Every one
must be listed, checked, shown and published by ``reader``, and printed so it cannot forge
an output line or reprogram the terminal.  Arguments are fuzzed too: whatever the user
types, ``main`` returns an exit code (2 for a mistake) with at most a line or two on stderr.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from seed_files import SEED_FULL, SEEDS

pytest.importorskip("reader.cli")
from reader.cli import main

PROJECT = Path(__file__).resolve().parents[2]
LONG = os.environ.get("READER_LONG_TESTS") == "1"
ARGV_FUZZ = settings(
    max_examples=3000 if LONG else 200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

ODD_NAMES = [
    "line\nbreak.txt",
    "carriage\rreturn.txt",
    "tab\tin name.md",
    "-leading-dash.txt",
    "--looks-like-an-option.txt",
    "  spaces around  .txt",
    "ünïcödé – 日本語 😀.md",
    "\u202eevil\u202c.txt",  # right-to-left override
    "\x1b[31mred\x1b[0m.txt",  # a terminal escape sequence
    'quote\'s "and" back\\slash.txt',
    "$(rm -rf ~).txt",
    "sub dir/nested -name.markdown",
]
NON_UTF8_NAME = b"latin1-caf\xe9.txt"


def run(argv: list[str]) -> tuple[int, str, str]:
    """``reader`` in-process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def odd_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    seed = (SEEDS / SEED_FULL).read_bytes()
    for number, name in enumerate(ODD_NAMES):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(seed.replace(b"title: ", f"title: Odd name {number} ".encode(), 1))
    os.close(os.open(os.fsencode(folder) + b"/" + NON_UTF8_NAME, os.O_CREAT | os.O_WRONLY))
    return folder


def non_utf8_id() -> str:
    return os.fsdecode(NON_UTF8_NAME)


def test_list_json_lists_every_odd_name_exactly(odd_folder: Path) -> None:
    code, out, err = run(["list", str(odd_folder), "--json"])
    assert (code, err) == (0, "")
    ids = [json.loads(line)["id"] for line in out.splitlines()]
    assert sorted(ids) == sorted([*ODD_NAMES, non_utf8_id()])


def test_list_table_keeps_one_line_per_article_and_no_raw_control_characters(
    odd_folder: Path,
) -> None:
    code, out, err = run(["list", str(odd_folder)])
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert len(lines) == 1 + len(ODD_NAMES) + 1  # header, each name, the non-UTF-8 one
    assert not any(ch in out for ch in "\r\x1b\u202e\u202c")
    assert "line\\nbreak.txt" in out
    assert "\\x1b[31mred" in out


def test_check_names_every_odd_file_on_its_own_line(odd_folder: Path) -> None:
    (odd_folder / "-broken\n.txt").write_bytes(b"---\ntitle: [unclosed\n---\n")
    code, out, err = run(["check", str(odd_folder)])
    assert code == 1
    assert "Traceback" not in out + err
    (line,) = [line for line in out.splitlines() if "unclosed" in line or "not valid" in line]
    assert line.startswith("-broken\\n.txt:")
    assert "1 errors" in err or "1 error" in err


@pytest.mark.parametrize("name", [*ODD_NAMES, "non-utf8"])
def test_show_finds_each_odd_name_after_double_dash(odd_folder: Path, name: str) -> None:
    article_id = non_utf8_id() if name == "non-utf8" else name
    code, out, err = run(["show", str(odd_folder), "--json", "--", article_id])
    assert (code, err) == (0, "")
    assert json.loads(out)["id"] == article_id


def test_show_with_a_leading_dash_id_and_no_double_dash_is_a_usage_error(
    odd_folder: Path,
) -> None:
    code, out, err = run(["show", str(odd_folder), "-leading-dash.txt"])
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("reader: ")


def test_publish_and_unpublish_odd_names_round_trip_byte_for_byte(odd_folder: Path) -> None:
    before = {name: (odd_folder / name).read_bytes() for name in ODD_NAMES}
    code, out, err = run(["publish", str(odd_folder), "--", *ODD_NAMES])
    assert (code, err) == (0, ""), err
    assert all(b"published: true" in (odd_folder / n).read_bytes() for n in ODD_NAMES)
    assert len(out.splitlines()) == len(ODD_NAMES)  # one line each, newline names escaped
    code, _out, err = run(["unpublish", str(odd_folder), "--", *ODD_NAMES])
    assert (code, err) == (0, "")
    assert {name: (odd_folder / name).read_bytes() for name in ODD_NAMES} == before


def test_odd_names_through_a_real_process_with_an_ascii_terminal(odd_folder: Path) -> None:
    """A terminal whose encoding lacks the characters must not kill the listing."""
    for argv in (["list", str(odd_folder)], ["check", str(odd_folder)]):
        completed = subprocess.run(
            [sys.executable, "-m", "reader", *argv],
            capture_output=True,
            cwd=PROJECT,
            env={**os.environ, "PYTHONPATH": str(PROJECT), "PYTHONIOENCODING": "ascii"},
            timeout=60,
        )
        assert b"Traceback" not in completed.stdout + completed.stderr, completed.stderr
        assert completed.returncode == 0
        if argv[0] == "list":
            assert completed.stdout.count(b"\n") == 1 + len(ODD_NAMES) + 1
        completed.stdout.decode("ascii")  # escaped, not mangled into invalid bytes


def test_show_of_a_non_utf8_name_through_a_real_process(odd_folder: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "reader", "show", os.fsencode(odd_folder), "--", NON_UTF8_NAME],
        capture_output=True,
        cwd=PROJECT,
        env={**os.environ, "PYTHONPATH": str(PROJECT)},
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    assert b"Traceback" not in completed.stderr


# -- arguments ---------------------------------------------------------------------------

_TOKENS = st.one_of(
    st.sampled_from(
        [
            "list",
            "show",
            "check",
            "publish",
            "unpublish",
            "--json",
            "--state",
            "--sort",
            "--search",
            "--verbose",
            "-v",
            "--help",
            "--version",
            "--",
            "-",
            "all",
            "error",
            "published",
            "title",
            "date",
            "heat",
            "FOLDER",
            "MISSING",
            "FILE",
            SEED_FULL,
            "-leading-dash.txt",
            "../../etc/passwd",
            "/",
            "",
            " ",
            "\x00",
            "\n",
            "ü",
            "-x",
            "--state=bogus",
            "--sort=",
            "--json=yes",
            "--searc",
            "--no-such-option",
        ]
    ),
    st.text(max_size=12),
)


@ARGV_FUZZ
@given(argv=st.lists(_TOKENS, max_size=7))
def test_any_arguments_give_an_exit_code_and_at_most_a_short_message(
    tmp_path_factory: pytest.TempPathFactory, argv: list[str]
) -> None:
    folder = tmp_path_factory.getbasetemp() / "argv-fuzz-folder"
    if not folder.exists():
        shutil.copytree(SEEDS, folder)
        (folder / "-leading-dash.txt").write_bytes((SEEDS / SEED_FULL).read_bytes())
    replacements = {
        "FOLDER": str(folder),
        "MISSING": str(folder / "missing"),
        "FILE": str(folder / SEED_FULL),
    }
    argv = [replacements.get(token, token) for token in argv]
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    with pytest.MonkeyPatch.context() as patch:
        # No command means "open the window": record that instead of starting Qt.
        patch.setattr("reader.cli._open_window", lambda folder: 0)
        # Never write for real: the same folder is reused across examples.
        patch.setattr("reader.cli.publish_command", lambda folder, ids, value: 0)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    assert isinstance(code, int) and code in (0, 1, 2)
    assert "Traceback" not in out.getvalue() + err.getvalue()
    if code == 2 and "--help" not in argv:
        # --verbose adds log records to stderr; the user's message is the rest.
        message = [line for line in err.getvalue().splitlines() if " DEBUG " not in line]
        assert len(message) == 1 and message[0].startswith("reader: "), err.getvalue()
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before


@pytest.mark.parametrize("hostile", ["\x1b[2J\x1b[31mgotcha", "a\rreader: all good", "x\ny"])
def test_an_argument_echoed_in_a_usage_error_is_escaped(tmp_path: Path, hostile: str) -> None:
    """argparse repeats a bad argument in its message: it must not clear the screen or
    forge a second line on the editor's terminal."""
    code, out, err = run(["list", str(tmp_path), hostile])
    assert code == 2 and out == ""
    assert err.startswith("reader: ") and err.endswith("\n")
    assert not any(ch in err[:-1] for ch in "\x1b\r\n"), repr(err)


def test_a_folder_under_an_unknown_users_home_is_a_usage_error() -> None:
    """``~nobody-here/x`` cannot be expanded; pathlib raises RuntimeError for it."""
    code, out, err = run(["list", "~no-such-user-reader-test/articles"])
    assert code == 2 and out == ""
    assert err.startswith("reader: ") and err.count("\n") == 1


WEIRD_VALUES = """---
title: Weird values
blob: !!binary aGVsbG8gd29ybGQ=
aset: !!set {a, b}
omap: !!omap [x: 1, y: 2]
pairs: !!pairs [a: 1, a: 2]
when: 2023-07-26
stamp: 2023-07-26T10:00:00+05:30
nan: .nan
inf: -.inf
big: 0xffffffffffffffffffffffffffffffffffffffffffffffff
nested: {1: one, null: nothing, 2.5: x, 2023-01-01: d, [1, 2]: list key}
tricky: "\\u202eevil\\x1b[31m"
empty:
---
body
"""


def test_show_prints_every_kind_of_yaml_value_safely(tmp_path: Path) -> None:
    """Values JSON has no type for (bytes, sets, dates, NaN, non-text keys) and terminal
    escapes in values: ``show`` prints them all, as valid JSON and as escaped text."""
    (tmp_path / "w.md").write_text(WEIRD_VALUES.replace("[1, 2]: list key", "k: v"))
    code, out, err = run(["show", str(tmp_path), "w.md", "--json"])
    assert (code, err) == (0, "")
    record = json.loads(out)
    assert record["other_fields"]["nan"] is None and "Infinity" not in out
    assert sorted(record["other_fields"]["aset"]) == ["a", "b"]
    code, out, err = run(["show", str(tmp_path), "w.md"])
    assert (code, err) == (0, "")
    assert "\x1b" not in out and "\u202e" not in out
    code, out, err = run(["check", str(tmp_path)])
    assert code == 0 and "Traceback" not in out + err
