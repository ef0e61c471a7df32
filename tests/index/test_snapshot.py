"""The window's rows snapshot: read back exactly, never trusted past damage, and never
the only source - a stale snapshot is corrected from the files and the index."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from reader.domain.article import ArticleSummary, Problem, Severity
from reader.index import loader, snapshot
from reader.index.cache import (
    SCHEMA_VERSION,
    IndexCache,
    _summary_from_fields,
    cache_path,
    summary_fields,
)
from reader.index.loader import LoadResult, _trusted_rows, load_folder
from reader.index.scan import UNREAD_STAMP, FileStamp

SEEDS = Path(__file__).resolve().parent.parent.parent / "seeds"
SEED_FULL = "000_64786d9bbd4dc9c0.txt"


def summaries(count: int) -> list[tuple[FileStamp, ArticleSummary]]:
    start = datetime(2025, 3, 1, 12, 0, tzinfo=timezone(timedelta(hours=-7)))
    rows = []
    for number in range(count):
        summary = ArticleSummary(
            id=f"sub/{number:04d}.txt",
            title=f"Story {number} \udcff caf\u00e9",  # a lone surrogate, as undecodable names give
            excerpt="An excerpt",
            published_at=None if number % 7 == 3 else start - timedelta(minutes=number),
            source="NHK World",
            url=f"https://example.com/{number}",
            quality=0.5 if number % 2 else None,
            heat=-1.0,
            published=number % 3 == 0,
            topics=("AI", "Cloud"),
            has_front_matter=True,
            problems=(Problem("odd date", Severity.WARNING, 3, 7),) if number % 5 == 0 else (),
            has_body=bool(number % 2),
        )
        rows.append((FileStamp(100 + number, 1_700_000_000_000_000_000 + number, number), summary))
    return rows


def write(path: Path, rows: list[tuple[FileStamp, ArticleSummary]]) -> None:
    assert snapshot.write(path, rows, schema=SCHEMA_VERSION, encode=summary_fields)


def read(path: Path, slices: list[list[str]] | None = None):  # type: ignore[no-untyped-def]
    def on_slice(decoded: dict[str, ArticleSummary]) -> None:
        if slices is not None:
            slices.append(list(decoded))

    return snapshot.read(
        path, schema=SCHEMA_VERSION, decode=_summary_from_fields, on_slice=on_slice
    )


def test_rows_come_back_exactly_in_slices_in_the_order_written(tmp_path: Path) -> None:
    rows = summaries(2500)
    path = tmp_path / "index.rows"
    write(path, rows)
    slices: list[list[str]] = []

    back = read(path, slices)

    assert back == {summary.id: (stamp, summary) for stamp, summary in rows}
    assert [len(ids) for ids in slices] == [snapshot.FIRST_CHUNK_ROWS, 2000, 200]
    assert [i for ids in slices for i in ids] == [summary.id for _stamp, summary in rows]
    assert os.stat(path).st_mode & 0o777 == 0o600


def test_a_damaged_chunk_ends_the_read_and_the_rows_before_it_stand(tmp_path: Path) -> None:
    rows = summaries(2500)
    path = tmp_path / "index.rows"
    write(path, rows)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # inside the second chunk
    path.write_bytes(bytes(data))

    back = read(path)

    assert back is not None
    assert list(back) == [summary.id for _stamp, summary in rows[: snapshot.FIRST_CHUNK_ROWS]]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-3],  # cut short
        lambda data: data.replace(b"reader-rows", b"reader-cols", 1),  # a foreign header
        lambda data: data[: data.index(b"\n") + 1] + b"\xff" * 40,  # garbage after it
    ],
)
def test_a_snapshot_that_makes_no_sense_from_the_start_is_not_read(
    tmp_path: Path, damage
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "index.rows"
    write(path, summaries(100))
    path.write_bytes(damage(path.read_bytes()))

    assert read(path) is None


def test_a_snapshot_of_another_schema_or_writable_by_others_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "index.rows"
    snapshot.write(path, summaries(10), schema=SCHEMA_VERSION + 1, encode=summary_fields)
    assert read(path) is None
    write(path, summaries(10))
    os.chmod(path, 0o666)
    assert read(path) is None
    assert read(tmp_path / "absent.rows") is None


def test_rows_are_written_newest_first_with_the_undated_last(tmp_path: Path) -> None:
    rows = summaries(40)
    cache = IndexCache.open(tmp_path / "folder")
    try:
        cache.write_snapshot(list(reversed(rows)))
        back = cache.snapshot_rows()
    finally:
        cache.close()
    assert back is not None
    times = [summary.published_at for _stamp, summary in back.values()]
    dated = [when for when in times if when is not None]
    assert dated == sorted(dated, reverse=True)
    assert times[len(dated) :] == [None] * (len(times) - len(dated))


def test_a_file_parsed_from_other_content_than_the_scan_saw_is_left_out() -> None:
    rows = summaries(3)
    stamps = {summary.id: stamp for stamp, summary in rows}
    result = LoadResult(articles={s.id: s for _stamp, s in rows}, stamps=stamps)
    first, second, third = (summary.id for _stamp, summary in rows)
    result.read_stamps = {second: UNREAD_STAMP, third: FileStamp(1, 2, 3)}

    assert [summary.id for _stamp, summary in _trusted_rows(result)] == [first]


def make_folder(folder: Path, count: int) -> Path:
    seed = (SEEDS / SEED_FULL).read_text(encoding="utf-8")
    for number in range(count):
        path = folder / f"{number:05d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(seed.replace("Netflix invests", f"Story {number}:"), encoding="utf-8")
    return folder


def snapshot_of(folder: Path):  # type: ignore[no-untyped-def]
    """The folder's snapshot rows as the next window start would read them."""
    cache = IndexCache.open(folder)
    try:
        return cache.snapshot_rows()
    finally:
        cache.close()


def window_load(folder: Path) -> tuple[LoadResult, list[str]]:
    """A load as the window makes it (cached rows before the scan); the ids handed on."""
    handed_on: list[str] = []
    result = load_folder(
        folder,
        on_batch=lambda batch: handed_on.extend(summary.id for summary in batch),
        on_removed=lambda gone: None,
    )
    return result, handed_on


def test_a_window_load_writes_the_snapshot_the_next_one_starts_from(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "articles", 30)
    path = snapshot.snapshot_path(cache_path(folder))
    load_folder(folder)  # the command line: no snapshot
    assert not path.exists()

    first, _ = window_load(folder)
    assert path.exists()
    written = path.stat().st_mtime_ns

    second, handed_on = window_load(folder)
    assert (second.parsed, second.cached) == (0, 30)
    assert second.articles == first.articles
    assert sorted(handed_on) == sorted(first.articles)
    assert path.stat().st_mtime_ns == written  # nothing changed: not written again


@pytest.mark.parametrize("rewrite", [True, False], ids=["rewritten", "a-few-rows-behind"])
def test_a_stale_snapshot_is_corrected_from_the_index_and_the_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rewrite: bool
) -> None:
    if rewrite:  # else 4 rows of 30 are few enough to leave the snapshot as it is
        monkeypatch.setattr(loader, "SNAPSHOT_STALE_ROWS", 0)
        monkeypatch.setattr(loader, "SNAPSHOT_STALE_SHARE", 0.0)
    folder = make_folder(tmp_path / "articles", 30)
    window_load(folder)
    # Changed behind the snapshot's back: one file read since by the command line (so the
    # index has it), one changed unseen, one gone, one new.
    seen = folder / "00003.txt"
    seen.write_text(seen.read_text().replace("Story 3:", "Story three:"))
    load_folder(folder)
    unseen = folder / "00004.txt"
    unseen.write_text(unseen.read_text().replace("Story 4:", "Story four:"))
    (folder / "00005.txt").unlink()
    (folder / "new.txt").write_text((folder / "00006.txt").read_text())

    result, _handed_on = window_load(folder)

    assert result.parsed == 2  # the unseen change and the new file; the rest is cached
    assert "Story three" in result.articles["00003.txt"].title
    assert "Story four" in result.articles["00004.txt"].title
    assert "00005.txt" not in result.articles and "new.txt" in result.articles
    # The corrected rows are what the next start begins from, or the old ones still.
    rows = snapshot_of(folder)
    assert rows is not None
    in_snapshot = {article_id: summary for article_id, (_stamp, summary) in rows.items()}
    assert (in_snapshot == result.articles) is rewrite
    again, _ = window_load(folder)
    assert again.parsed == 0 and again.articles == result.articles


def test_rebuilding_the_index_forgets_the_snapshot(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "articles", 5)
    window_load(folder)
    path = snapshot.snapshot_path(cache_path(folder))
    assert path.exists()
    cache_path(folder).write_bytes(b"not a database")

    IndexCache.open(folder).close()

    assert not path.exists()


def dated_folder(folder: Path, count: int) -> Path:
    """``make_folder`` with each file published at another time (one undated), so that
    the snapshot's order means something."""
    make_folder(folder, count)
    for number in range(count):
        path = folder / f"{number:05d}.txt"
        text = path.read_text(encoding="utf-8")
        day = (number * 7) % 28 + 1
        stamp = f"2025-02-{day:02d}T{number % 24:02d}:{number:02d}:00Z" if number != 4 else "soon"
        path.write_text(
            text.replace("publishedDateTime: ", f"publishedDateTime: {stamp!r}\nx_was: ", 1),
            encoding="utf-8",
        )
    return folder


def test_a_cold_list_leaves_the_snapshot_a_window_load_would_have(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from reader.cli import main

    folder = dated_folder(tmp_path / "articles", 30)
    path = snapshot.snapshot_path(cache_path(folder))

    assert main(["list", str(folder), "--json"]) == 0
    capsys.readouterr()
    listed = snapshot_of(folder)
    assert listed is not None
    written = path.stat().st_mtime_ns
    path.unlink()
    window_load(folder)  # writes the window's own snapshot from the index
    own = snapshot_of(folder)

    assert own is not None
    assert listed == own and len(listed) == 30
    assert list(listed) == list(own)  # newest first, the undated last, alike
    assert [row[1].id for row in sorted(listed.values(), key=snapshot.newest_first_key)] == [
        *listed
    ]
    assert listed["00004.txt"][1].published_at is None
    assert os.stat(path).st_mode & 0o777 == 0o600
    # A warm list parses a few files at most and leaves the snapshot to the window.
    (folder / "00003.txt").write_text((folder / "00002.txt").read_text(encoding="utf-8"))
    path.unlink()
    assert main(["list", str(folder), "--json"]) == 0
    assert not path.exists()
    assert written  # (the first list's snapshot was a real file)


def test_a_listed_row_parsed_from_other_content_than_the_scan_saw_is_left_out() -> None:
    from reader.cli import _kept_for_snapshot

    stamps = {"a.txt": FileStamp(10, 20, 30), "b.txt": FileStamp(11, 21, 31)}
    batch = [
        (("a.txt", 10, 20, 30, "[]", ""), ("line a\n", "unpublished", 5.0, ["a"]), "[]"),
        (("b.txt", *UNREAD_STAMP, "[]", ""), ("line b\n", "error", None, ["b"]), "[]"),
        (("c.txt", 12, 22, 32, "[]", ""), ("line c\n", "unpublished", 1.0, ["c"]), "[]"),
    ]
    kept: list[tuple[float | None, snapshot.StoredRow]] = []

    rows = _kept_for_snapshot(batch, stamps, kept)  # type: ignore[arg-type]

    assert kept == [(5.0, ("a.txt", 10, 20, 30, ["a"]))]
    assert [listed for _encoded, listed, _features in rows] == [
        ("line a\n", "unpublished", 5.0), ("line b\n", "error", None),
        ("line c\n", "unpublished", 1.0),
    ]
