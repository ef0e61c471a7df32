"""The SQLite index cache: where it lives, what it trusts, and how it survives damage."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from reader.domain.article import ArticleSummary, Problem, Severity
from reader.domain.parse import parse_summary
from reader.index import cache as cache_module
from reader.index.cache import (
    IndexCache,
    cache_path,
    summaries_from_json,
    summary_from_json,
    summary_to_json,
)
from reader.index.scan import UNREAD_STAMP, FileStamp

# The seeds, derived here: tests/ is not a package, and another folder's conftest
# may be the one importable as `conftest` when the whole suite runs.
SEEDS = Path(__file__).resolve().parent.parent.parent / "seeds"
SEED_FULL = "000_64786d9bbd4dc9c0.txt"
SEED_BODY_ONLY = "002_ec8b9ffde03f3ad4.txt"

STAMP = FileStamp(size=10, mtime_ns=1_700_000_000_000_000_000, inode=42)


def seed_summary(name: str) -> ArticleSummary:
    summary, _body = parse_summary(name, (SEEDS / name).read_bytes())
    return summary


def summary(article_id: str, **fields: object) -> ArticleSummary:
    return ArticleSummary(id=article_id, title=fields.pop("title", article_id), **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "original",
    [
        seed_summary(SEED_FULL),
        seed_summary(SEED_BODY_ONLY),
        summary(
            "odd/ünï\udcff.txt",
            title="Title with \udcff from a file name",
            published_at=datetime(2023, 7, 26, 16, 43, tzinfo=timezone(timedelta(hours=-7))),
            published_at_text=None,
            quality=47.5,
            heat=-1,
            published=True,
            topics=("AI", "漢字"),
            problems=(
                Problem("published should be true or false", Severity.WARNING),
                Problem("bad YAML", Severity.ERROR, line=3, column=7),
            ),
        ),
        summary("undated.txt", published_at_text="soon", quality=None, heat=None),
    ],
)
def test_summaries_survive_the_json_round_trip(original: ArticleSummary) -> None:
    text = summary_to_json(original)
    assert text.isascii()
    assert summary_from_json(original.id, text) == original


def test_the_cache_file_is_named_by_the_resolved_folder(tmp_path: Path, isolated_xdg: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    digest = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:24]
    expected = isolated_xdg / "xdg_cache_home" / "reader" / "index" / f"{digest}.sqlite3"
    assert cache_path(folder) == expected
    assert cache_path(tmp_path / "articles" / ".." / "articles") == expected

    index = IndexCache.open(folder)
    index.close()
    assert expected.is_file()


@pytest.mark.parametrize("few_ids", [0, 100_000], ids=["whole-table", "by-id"])
def test_lookup_hands_on_valid_summaries_slice_by_slice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, few_ids: int
) -> None:
    """A warm window shows its first rows while the rest of the cache is still decoded;
    asking by id (a few files) and reading every row give the same."""
    monkeypatch.setattr(cache_module, "_FEW_IDS", few_ids)
    index = IndexCache.open(tmp_path)
    count = cache_module._DECODE_SLICE * 2 + 7
    summaries = [summary(f"{number:05d}.txt") for number in range(count)]
    index.store([(item, STAMP, "") for item in summaries])
    stamps = {item.id: STAMP for item in summaries}
    stale = FileStamp(STAMP.size + 1, STAMP.mtime_ns, STAMP.inode)
    stamps["00003.txt"] = stale  # changed on disk: never handed on
    slices: list[dict[str, ArticleSummary]] = []

    found, missing = index.lookup(stamps, slices.append)

    assert len(slices) == 3
    assert all(len(part) <= cache_module._DECODE_SLICE for part in slices)
    handed_on = {key: value for part in slices for key, value in part.items()}
    assert handed_on == found
    assert "00003.txt" not in found
    assert missing == ["00003.txt"]
    index.close()


def test_newest_first_hands_on_every_row_by_publication_instant(tmp_path: Path) -> None:
    """The warm start's order: newest first across time zones, undated rows last."""
    index = IndexCache.open(tmp_path)
    utc, minus_seven = UTC, timezone(timedelta(hours=-7))
    rows = [
        summary("a.txt", published_at=datetime(2024, 12, 28, 23, 56, tzinfo=utc)),
        # Earlier on the calendar but later in time: 23:46-07:00 is 06:46 the next day.
        summary("b.txt", published_at=datetime(2024, 12, 28, 23, 46, tzinfo=minus_seven)),
        summary("c.txt"),
        summary("d.txt", published_at=datetime(2023, 1, 1, tzinfo=utc)),
    ]
    count = cache_module._FIRST_SLICE + 5
    rows += [
        summary(f"old/{n:04d}.txt", published_at=datetime(2020, 1, 1, tzinfo=utc) - timedelta(n))
        for n in range(count)
    ]
    index.store([(item, STAMP, "") for item in rows])
    slices: list[dict[str, ArticleSummary]] = []

    cached = index.newest_first(slices.append)

    order = [article_id for part in slices for article_id in part]
    assert order[:3] == ["b.txt", "a.txt", "d.txt"]
    assert order[-1] == "c.txt"
    assert len(slices[0]) == cache_module._FIRST_SLICE
    assert set(cached) == set(order) and len(order) == len(rows)
    assert cached["a.txt"] == (STAMP, rows[0])
    # Read through the index, not sorted first: the first rows must not wait for a sort.
    plan = index._connection.execute("EXPLAIN QUERY PLAN " + cache_module._NEWEST_FIRST)
    assert any("USING INDEX articles_newest" in row[-1] for row in plan.fetchall())
    index.close()


def test_rows_are_trusted_only_while_the_stamp_matches(tmp_path: Path) -> None:
    index = IndexCache.open(tmp_path)
    first, second = summary("a.txt"), summary("b.txt")
    index.store([(first, STAMP, "body a"), (second, STAMP, "body b")])

    found, missing = index.lookup({"a.txt": STAMP, "b.txt": STAMP, "new.txt": STAMP})
    assert found == {"a.txt": first, "b.txt": second}
    assert missing == ["new.txt"]

    touched = FileStamp(STAMP.size, STAMP.mtime_ns + 1, STAMP.inode)
    replaced = FileStamp(STAMP.size, STAMP.mtime_ns, STAMP.inode + 1)
    grown = FileStamp(STAMP.size + 1, STAMP.mtime_ns, STAMP.inode)
    for stamp in (touched, replaced, grown):
        found, missing = index.lookup({"a.txt": stamp})
        assert found == {}
        assert missing == ["a.txt"]
    index.close()


def test_rows_persist_between_opens(tmp_path: Path) -> None:
    index = IndexCache.open(tmp_path)
    index.store([(summary("a.txt"), STAMP, "")])
    index.close()

    reopened = IndexCache.open(tmp_path)
    found, _missing = reopened.lookup({"a.txt": STAMP})
    reopened.close()
    assert set(found) == {"a.txt"}


def test_unread_files_and_unstorable_ids_are_never_cached(tmp_path: Path) -> None:
    index = IndexCache.open(tmp_path)
    index.store(
        [
            (summary("unreadable.txt"), UNREAD_STAMP, ""),
            (summary("bad-\udcff.txt"), STAMP, ""),
            (summary("fine.txt"), STAMP, ""),
        ]
    )
    assert index.ids() == {"fine.txt"}
    index.close()


def test_a_corrupt_cache_file_is_rebuilt(tmp_path: Path) -> None:
    path = cache_path(tmp_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"this is not a database, it is garbage" * 1000)

    index = IndexCache.open(tmp_path)
    assert index.path == path
    assert index.lookup({"a.txt": STAMP}) == ({}, ["a.txt"])
    index.store([(summary("a.txt"), STAMP, "")])
    index.close()

    with sqlite3.connect(path) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert check.execute("SELECT id FROM articles").fetchall() == [("a.txt",)]


def test_a_cache_of_another_schema_version_is_emptied(tmp_path: Path) -> None:
    index = IndexCache.open(tmp_path)
    index.store([(summary("a.txt"), STAMP, "")])
    index.close()
    with sqlite3.connect(cache_path(tmp_path)) as connection:
        connection.execute(f"PRAGMA user_version = {cache_module.SCHEMA_VERSION + 1}")

    reopened = IndexCache.open(tmp_path)
    assert reopened.ids() == set()
    reopened.close()


def test_garbled_rows_are_parsed_again(tmp_path: Path) -> None:
    index = IndexCache.open(tmp_path)
    index.store([(summary("a.txt"), STAMP, ""), (summary("b.txt"), STAMP, "")])
    index.close()
    with sqlite3.connect(cache_path(tmp_path)) as connection:
        connection.execute("UPDATE articles SET summary = '[1, 2' WHERE id = 'a.txt'")

    reopened = IndexCache.open(tmp_path)
    found, missing = reopened.lookup({"a.txt": STAMP, "b.txt": STAMP})
    reopened.close()
    assert set(found) == {"b.txt"}
    assert missing == ["a.txt"]


def test_an_unwritable_cache_folder_falls_back_to_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))

    index = IndexCache.open(tmp_path)
    assert index.path is None
    index.store([(summary("a.txt"), STAMP, "some body")])
    assert index.lookup({"a.txt": STAMP})[0].keys() == {"a.txt"}
    assert index.search_bodies("BODY") == {"a.txt"}
    index.close()


class _MalformedDatabase:
    """A connection whose file was damaged under it: every statement fails."""

    def execute(self, *_args: object) -> None:
        raise sqlite3.DatabaseError("database disk image is malformed")

    def close(self) -> None:
        pass


def test_a_cache_that_breaks_mid_run_is_started_afresh(tmp_path: Path) -> None:
    index = IndexCache.open(tmp_path)
    index.store([(summary("a.txt"), STAMP, "")])
    path = index.path
    index._connection.close()
    index._connection = _MalformedDatabase()  # type: ignore[assignment]

    assert index.lookup({"a.txt": STAMP}) == ({}, ["a.txt"])
    assert index.path == path
    index.store([(summary("b.txt"), STAMP, "")])
    assert index.ids() == {"b.txt"}
    index.close()


def test_forget_and_prune_drop_rows_of_files_that_are_gone(tmp_path: Path) -> None:
    index = IndexCache.open(tmp_path)
    index.store([(summary(name), STAMP, name) for name in ("a.txt", "b.txt", "c.txt", "d.txt")])

    index.forget(["a.txt"])
    assert index.ids() == {"b.txt", "c.txt", "d.txt"}
    index.prune({"b.txt", "c.txt", "new.txt"})
    assert index.ids() == {"b.txt", "c.txt"}
    assert index.search_bodies("d.txt") == set()
    index.close()


def test_body_search_ignores_case_the_unicode_way(tmp_path: Path) -> None:
    index = IndexCache.open(tmp_path)
    index.store(
        [
            (summary("de.txt"), STAMP, "Die Straße war leer."),
            (summary("en.txt"), STAMP, "The WRITERS Guild of America"),
            (summary("none.txt"), STAMP, ""),
        ]
    )
    assert index.search_bodies("STRASSE") == {"de.txt"}
    assert index.search_bodies("writers guild") == {"en.txt"}
    assert index.search_bodies("the") == {"en.txt"}
    assert index.search_bodies("guild", ids=["de.txt"]) == set()
    assert index.search_bodies("nowhere") == set()
    index.close()


def test_body_search_works_from_another_thread(tmp_path: Path) -> None:
    index = IndexCache.open(tmp_path)
    index.store([(summary("a.txt"), STAMP, "needle in a haystack")])
    results: list[set[str]] = []
    worker = threading.Thread(target=lambda: results.append(index.search_bodies("NEEDLE")))
    worker.start()
    worker.join()
    index.close()
    assert results == [{"a.txt"}]


def test_list_lines_are_used_only_while_their_row_is_vouched_for(tmp_path: Path) -> None:
    index = IndexCache.open(tmp_path)
    index.store([(summary("a.txt"), STAMP, ""), (summary("b.txt"), STAMP, "")])
    stamps = {"a.txt": STAMP, "b.txt": STAMP}
    assert index.listed_lines(stamps, 1) == ([], ["a.txt", "b.txt"], False)  # no lines yet

    touched = FileStamp(STAMP.size, STAMP.mtime_ns + 1, STAMP.inode)

    def encoded(article_id: str, stamp: FileStamp) -> tuple[str, int, int, int, str, str]:
        text = summary_to_json(summary(article_id))
        return (article_id, stamp.size, stamp.mtime_ns, stamp.inode, text, "")

    index.store_encoded_listed(
        [
            (encoded("a.txt", STAMP), ("line a\n", "error", None)),
            (encoded("b.txt", touched), ("line b\n", "published", 1.5)),  # read after a change
        ],
        1,
    )
    line_a = ("a.txt", "line a\n", "error", None)
    line_b = ("b.txt", "line b\n", "published", 1.5)
    assert index.listed_lines(stamps, 1) == ([line_a], ["b.txt"], False)
    index.store_encoded_listed([(encoded("b.txt", STAMP), ("line b\n", "published", 1.5))], 1)
    listed, stale, gone = index.listed_lines(stamps, 1) or ([], [], True)
    assert (sorted(listed), stale, gone) == ([line_a, line_b], [], False)
    assert index.listed_lines(stamps, 2) == ([], ["a.txt", "b.txt"], False)  # other format
    assert index.listed_lines({"a.txt": STAMP}, 1) == ([line_a], [], True)  # b.txt is gone
    listed, stale, gone = index.listed_lines({**stamps, "c.txt": STAMP}, 1) or ([], [], True)
    assert (sorted(listed), stale, gone) == ([line_a, line_b], ["c.txt"], False)  # a new file
    listed, stale, _gone = index.listed_lines({**stamps, "a.txt": touched}, 1) or ([], [], 0)
    assert (listed, stale) == ([line_b], ["a.txt"])  # a file changed

    index.store([(summary("a.txt"), STAMP, "")])  # a re-parsed row drops its line
    listed, stale, _gone = index.listed_lines(stamps, 1) or ([], [], 0)
    assert (listed, stale) == ([line_b], ["a.txt"])
    index.close()


def test_decoding_pauses_the_garbage_collector_and_leaves_it_as_it_was(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The cyclic collector is off while a slice is decoded (it walked the whole heap
    again and again, 0.93 s of 0.21 s at 100,000 rows) and back on after, also when a
    row is garbled; a caller that had it off finds it off."""
    import gc

    summaries = [ArticleSummary(f"{i}.md", f"Title {i}", topics=("AI",)) for i in range(5)]
    rows = [(s.id, summary_to_json(s)) for s in summaries] + [("bad.md", "[1, 2")]
    seen = []
    real = cache_module._summary_from_fields

    def spy(article_id, fields):
        seen.append(gc.isenabled())
        return real(article_id, fields)

    monkeypatch.setattr(cache_module, "_summary_from_fields", spy)
    assert gc.isenabled()
    decoded = summaries_from_json(rows)
    assert gc.isenabled()
    gc.disable()
    try:
        summaries_from_json(rows[:5])
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert list(decoded.values()) == summaries
    assert seen and not any(seen)
