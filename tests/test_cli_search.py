"""``reader list --search``: the search language on the command line, its errors (exit 2,
stderr, nothing on stdout), bodies matched without accents through the index, and dates
written without a time shown as days."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from reader.cli import main

sys.path.insert(0, str(Path(__file__).parent / "domain"))
from test_query import MALFORMED  # the domain tests' table of malformed queries


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "articles"
    root.mkdir()
    (root / "cafe.md").write_text(
        "---\ntitle: Morning\npublishedDateTime: 2023-07-26T23:43:00Z\npublished: true\n"
        "quality: 70\n---\nThe barista served a crème brûlée at the Café.\n",
        encoding="utf-8",
    )
    (root / "seed.txt").write_text(
        "date 2023-07-27 Getty\n\nWriters strike as the guild meets.\n", encoding="utf-8"
    )
    (root / "plain.md").write_text(
        "---\ntitle: Plain\npublished: false\nquality: 20\n---\nNothing here.\n",
        encoding="utf-8",
    )
    return root


def ids(out: str) -> list[str]:
    return sorted(json.loads(line)["id"] for line in out.splitlines())


@pytest.mark.parametrize(("query", "column", "expected"), MALFORMED)
def test_every_malformed_query_exits_2_with_the_column_on_stderr(
    capsys: pytest.CaptureFixture[str], folder: Path, query: str, column: int, expected: str
) -> None:
    code, out, err = run(capsys, "list", str(folder), "--json", "--search", query)
    assert (code, out) == (2, "")
    assert err == f"reader: --search {query!r}: column {column}: expected {expected}\n"


@pytest.mark.parametrize("warm", [False, True])
def test_body_words_match_without_accents_cold_and_warm(
    capsys: pytest.CaptureFixture[str], folder: Path, warm: bool
) -> None:
    if warm:
        run(capsys, "list", str(folder), "--json")
    for query, expected in (
        ("creme brulee", ["cafe.md"]),
        ("CAFE", ["cafe.md"]),
        ('body:"crème brûlée at"', ["cafe.md"]),
        ("guild -body:barista", ["seed.txt"]),
        ("-guild -barista", ["plain.md"]),
    ):
        code, out, err = run(capsys, "list", str(folder), "--json", "--search", query)
        assert (code, err) == (0, "")
        assert ids(out) == expected, query


def test_state_and_search_together(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    _, out, _ = run(
        capsys, "list", str(folder), "--json", "--state", "unpublished", "--search", "quality:<50"
    )
    assert ids(out) == ["plain.md"]
    _, out, _ = run(capsys, "list", str(folder), "--json", "--search", "is:published quality:>50")
    assert ids(out) == ["cafe.md"]


def test_an_empty_search_lists_everything(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    code, out, _ = run(capsys, "list", str(folder), "--json", "--search", "  ")
    assert code == 0 and ids(out) == ["cafe.md", "plain.md", "seed.txt"]


def test_a_date_without_a_time_is_shown_and_matched_as_a_day(
    capsys: pytest.CaptureFixture[str], folder: Path
) -> None:
    _, out, _ = run(capsys, "list", str(folder), "--search", "date:2023-07-27")
    rows = out.splitlines()
    assert len(rows) == 2 and "2023-07-27" in rows[1] and "seed.txt" in rows[1]
    _, out, _ = run(capsys, "show", str(folder), "seed.txt")
    assert "2023-07-27\n" in out and "00:00" not in out
