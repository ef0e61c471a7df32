"""Loading a folder: cached summaries are reused, only changed files are parsed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from reader.domain.article import ArticleSummary
from reader.domain.parse import load_summary
from reader.index import loader
from reader.index.cache import IndexCache, cache_path
from reader.index.loader import load_folder, parse_files
from reader.index.scan import UNREAD_STAMP, FileStamp, read_summary

# The seeds, derived here: tests/ is not a package, and another folder's conftest
# may be the one importable as `conftest` when the whole suite runs.
SEEDS = Path(__file__).resolve().parent.parent.parent / "seeds"
SEED_FULL = "000_64786d9bbd4dc9c0.txt"
SEED_BODY_ONLY = "002_ec8b9ffde03f3ad4.txt"

BROKEN = "---\ntitle: [unclosed\n---\nbody\n"


@pytest.fixture
def parse_counter(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every file the loader reads and parses in this process, in order."""
    parsed: list[str] = []

    def counting_read_summary(root: Path, article_id: str):  # type: ignore[no-untyped-def]
        parsed.append(article_id)
        return read_summary(root, article_id)

    monkeypatch.setattr(loader, "read_summary", counting_read_summary)
    return parsed


def make_folder(folder: Path, count: int) -> Path:
    """``count`` small articles in a few subfolders, every tenth one broken."""
    seed = (SEEDS / SEED_FULL).read_text(encoding="utf-8")
    for number in range(count):
        path = folder / f"week{number % 3}" / f"{number:05d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = BROKEN if number % 10 == 9 else seed.replace("Netflix invests", f"Story {number}:")
        path.write_text(text, encoding="utf-8")
    return folder


def test_a_second_load_parses_nothing(seeds_copy: Path, parse_counter: list[str]) -> None:
    first = load_folder(seeds_copy)
    assert (first.parsed, first.cached) == (2, 0)
    assert sorted(parse_counter) == [SEED_FULL, SEED_BODY_ONLY]

    parse_counter.clear()
    second = load_folder(seeds_copy)
    assert (second.parsed, second.cached) == (0, 2)
    assert parse_counter == []
    assert second.articles == first.articles


def test_only_the_changed_file_is_parsed_again(seeds_copy: Path, parse_counter: list[str]) -> None:
    load_folder(seeds_copy)
    parse_counter.clear()
    path = seeds_copy / SEED_FULL
    path.write_bytes(path.read_bytes().replace(b"published: false", b"published: true"))

    result = load_folder(seeds_copy)

    assert parse_counter == [SEED_FULL]
    assert (result.parsed, result.cached) == (1, 1)
    assert result.articles[SEED_FULL].published is True


def test_summaries_equal_the_domain_s(seeds_copy: Path) -> None:
    (seeds_copy / "broken.md").write_text(BROKEN, encoding="utf-8")
    cold = load_folder(seeds_copy)
    warm = load_folder(seeds_copy)
    for article_id in (SEED_FULL, SEED_BODY_ONLY, "broken.md"):
        expected, _body = load_summary(seeds_copy, article_id)
        assert cold.articles[article_id] == expected
        assert warm.articles[article_id] == expected
    assert cold.articles["broken.md"].is_error


def test_files_that_are_gone_are_pruned_from_the_cache(seeds_copy: Path) -> None:
    load_folder(seeds_copy)
    (seeds_copy / SEED_BODY_ONLY).unlink()

    result = load_folder(seeds_copy)

    assert set(result.articles) == {SEED_FULL}
    index = IndexCache.open(seeds_copy)
    assert index.ids() == {SEED_FULL}
    index.close()


def test_a_corrupt_cache_costs_only_a_reparse(seeds_copy: Path, parse_counter: list[str]) -> None:
    load_folder(seeds_copy)
    cache_path(seeds_copy).write_bytes(b"\x00garbage\xff" * 4096)
    parse_counter.clear()

    rebuilt = load_folder(seeds_copy)
    assert (rebuilt.parsed, rebuilt.cached) == (2, 0)

    again = load_folder(seeds_copy)
    assert (again.parsed, again.cached) == (0, 2)


def test_without_the_cache_nothing_is_written(seeds_copy: Path) -> None:
    result = load_folder(seeds_copy, use_cache=False)
    assert result.parsed == 2
    assert not cache_path(seeds_copy).exists()


def test_batches_bring_cached_rows_first_then_parsed_ones(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "articles", 25)
    load_folder(folder)
    for number in (3, 4):
        path = folder / f"week{number % 3}" / f"{number:05d}.txt"
        path.write_text(path.read_text() + "\nmore body\n")

    batches: list[list[ArticleSummary]] = []
    result = load_folder(folder, on_batch=batches.append, batch_size=10)

    delivered = [summary.id for batch in batches for summary in batch]
    assert sorted(delivered) == sorted(result.articles)
    assert len(delivered) == len(set(delivered)) == 25
    assert all(1 <= len(batch) <= 10 for batch in batches)
    assert set(delivered[-2:]) == {"week0/00003.txt", "week1/00004.txt"}


def test_an_early_load_shows_cached_rows_newest_first_then_corrects_them(
    tmp_path: Path,
) -> None:
    """A warm window's start: the cache's rows before the scan, then what the scan found."""
    folder = make_folder(tmp_path / "articles", 25)
    load_folder(folder)
    changed = folder / "week0" / "00003.txt"
    changed.write_text(changed.read_text().replace("Story 3:", "Story three:"))
    (folder / "week1" / "00004.txt").unlink()
    added = folder / "week2" / "new.txt"
    added.write_text((SEEDS / SEED_BODY_ONLY).read_text(encoding="utf-8"))
    events: list[tuple[str, list[str]]] = []

    result = load_folder(
        folder,
        on_batch=lambda batch: events.append(("batch", [summary.id for summary in batch])),
        on_removed=lambda gone: events.append(("removed", gone)),
        batch_size=10,
    )

    kinds = [kind for kind, _ids in events]
    assert kinds.index("removed") > kinds.index("batch")
    removed = [ids for kind, ids in events if kind == "removed"]
    assert removed == [["week1/00004.txt"]]
    handed_on = [article_id for kind, ids in events if kind == "batch" for article_id in ids]
    # All 25 cached rows first (the deleted one too: the scan has not run yet), then the
    # changed and the new file, parsed.
    assert len(handed_on[:25]) == len(set(handed_on[:25])) == 25
    assert sorted(handed_on[25:]) == ["week0/00003.txt", "week2/new.txt"]
    assert set(result.articles) == set(handed_on) - {"week1/00004.txt"}
    assert "Story three" in result.articles["week0/00003.txt"].title


def test_a_cold_early_load_hands_on_the_newest_files_before_walking_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_folder(tmp_path / "articles", 12)
    for number in range(5):
        path = folder / f"top{number}.txt"
        path.write_text((SEEDS / SEED_BODY_ONLY).read_text(encoding="utf-8"))
        os.utime(path, ns=(number * 10**9, number * 10**9))  # top4 newest, top0 oldest
    monkeypatch.setattr(loader, "COLD_HEAD", 3)
    monkeypatch.setattr(loader, "COLD_HEAD_SAMPLE", 5)  # a "big" top level: the 5 files
    walked: list[int] = []
    real_scan = loader.scan_folder_report

    def scan(root: Path):  # type: ignore[no-untyped-def]
        walked.append(len(handed_on))
        return real_scan(root)

    monkeypatch.setattr(loader, "scan_folder_report", scan)
    handed_on: list[str] = []

    result = load_folder(
        folder,
        on_batch=lambda batch: handed_on.extend(summary.id for summary in batch),
        on_removed=lambda gone: None,
        batch_size=10,
    )

    assert handed_on[:3] == ["top4.txt", "top3.txt", "top2.txt"]
    assert walked == [3]  # handed on before the walk began
    assert sorted(handed_on) == sorted(result.articles)  # and none parsed twice
    assert (result.parsed, result.cached) == (17, 0)
    again = load_folder(folder)
    assert (again.parsed, again.cached) == (0, 17)  # the first ones were stored too


def test_a_small_cold_folder_is_not_parsed_ahead_of_the_walk(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "articles", 12)
    (folder / "top.txt").write_text((SEEDS / SEED_BODY_ONLY).read_text(encoding="utf-8"))
    index = IndexCache.open(folder)

    assert loader._parse_head(folder, index, loader._Batcher(None, 10)) == {}
    index.close()


def test_should_stop_ends_the_load_early_and_keeps_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_folder(tmp_path / "articles", 30)
    monkeypatch.setattr(loader, "CHUNK_SIZE", 5)

    result = load_folder(folder, should_stop=lambda: True)

    assert not result.complete
    assert result.parsed == 5
    index = IndexCache.open(folder)
    assert len(index.ids()) == 5  # what was parsed is kept
    index.close()


def test_a_large_folder_is_parsed_by_worker_processes(
    tmp_path: Path, parse_counter: list[str]
) -> None:
    count = loader.IN_PROCESS_LIMIT + 60
    folder = make_folder(tmp_path / "articles", count)

    result = load_folder(folder, workers=2)

    assert result.parsed == count
    # Only the first few files are parsed here (quick first rows); the pool did the rest.
    assert len(parse_counter) == loader.HEAD_SIZE
    for article_id in ("week0/00000.txt", "week2/00008.txt", "week0/00009.txt"):
        assert result.articles[article_id] == load_summary(folder, article_id)[0]
    assert sum(summary.is_error for summary in result.articles.values()) == count // 10
    assert load_folder(folder).cached == count


def test_unreadable_subfolders_are_reported(
    seeds_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (seeds_copy / "locked").mkdir()
    real_scandir = os.scandir

    def refusing_scandir(path: str):  # type: ignore[no-untyped-def]
        if os.path.basename(path) == "locked":
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr("reader.index.scan.os.scandir", refusing_scandir)
    assert load_folder(seeds_copy).unreadable_dirs == ["locked"]


def test_a_missing_folder_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_folder(tmp_path / "nowhere")


def test_parse_files_yields_summaries_stamps_and_folded_bodies(seeds_copy: Path) -> None:
    batches = list(parse_files(seeds_copy, [SEED_BODY_ONLY, "vanished.txt"]))
    rows = {row[0].id: row for batch in batches for row in batch}

    summary, stamp, body = rows[SEED_BODY_ONLY]
    info = os.stat(seeds_copy / SEED_BODY_ONLY)
    assert stamp == FileStamp(info.st_size, info.st_mtime_ns, info.st_ino)
    assert "hollywood strike" in body
    assert body == body.casefold()
    assert summary == load_summary(seeds_copy, SEED_BODY_ONLY)[0]

    gone, gone_stamp, _ = rows["vanished.txt"]
    assert gone.is_error
    assert gone_stamp == UNREAD_STAMP


def test_a_copied_folder_has_its_own_cache(tmp_path: Path, seeds_copy: Path) -> None:
    load_folder(seeds_copy)
    other = tmp_path / "copy"
    shutil.copytree(seeds_copy, other)
    assert load_folder(other).parsed == 2


def test_a_threaded_caller_gets_forkserver_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With other threads alive (as in the window) the pool must not fork this process."""
    import multiprocessing
    import threading

    count = loader.IN_PROCESS_LIMIT + 10
    folder = make_folder(tmp_path / "articles", count)
    methods: list[str] = []
    real_context = loader._pool_context

    def recording_context() -> multiprocessing.context.BaseContext:
        context = real_context()
        methods.append(context.get_start_method())
        return context

    monkeypatch.setattr(loader, "_pool_context", recording_context)
    results: list[loader.LoadResult] = []
    worker = threading.Thread(target=lambda: results.append(load_folder(folder, workers=2)))
    worker.start()
    worker.join(timeout=120)

    assert methods == ["forkserver"]
    assert results[0].parsed == count


def test_check_files_reports_every_file_s_problems_from_the_pool(tmp_path: Path) -> None:
    from reader.domain.parse import load_detail
    from reader.index.loader import check_files

    count = loader.IN_PROCESS_LIMIT + 20
    folder = make_folder(tmp_path / "articles", count)
    ids = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.txt"))

    found = dict(pair for batch in check_files(folder, ids, workers=2) for pair in batch)

    assert set(found) == set(ids)
    assert sum(1 for problems in found.values() if problems) == count // 10
    for article_id in ("week0/00009.txt", "week0/00000.txt"):
        assert found[article_id] == load_detail(folder, article_id).summary.problems


def test_stories_cross_to_the_window_packed_and_come_back_whole(
    seeds_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    packed = loader.packed_live_folder_stories(str(seeds_copy))
    assert all(isinstance(chunk, str) for part in packed for chunk in part)
    stories = loader.unpack_stories(packed)
    assert stories == loader.live_folder_stories(str(seeds_copy))
    assert len(set(stories.values())) == 1  # the seeds are one story
    odd = {"line\nbreak.txt": "a.txt", "caf\udce9.txt": "caf\udce9.txt", "a.txt": "a.txt"}
    assert loader.unpack_stories(loader.pack_stories(odd)) == odd
    assert loader.unpack_stories(loader.pack_stories({})) == {}
    with pytest.raises(ValueError):
        loader.unpack_stories((("a\0b",), ("a",)))
    with pytest.raises(ValueError):
        loader.unpack_stories((("a", "b"), ("a",)))
    # In chunks (the receiving thread holds the interpreter lock one chunk at a time), a
    # story whose first article is in a later chunk still shares that article's string.
    monkeypatch.setattr(loader, "PACK_CHUNK", 2)
    many = {f"{n}.txt": "4.txt" if n < 5 else f"{n}.txt" for n in range(7)}
    packed = loader.pack_stories(many)
    assert len(packed[0]) == 4
    unpacked = loader.unpack_stories(packed)
    assert unpacked == many
    assert unpacked["0.txt"] is next(key for key in unpacked if key == "4.txt")
    shared = loader.unpack_stories(loader.pack_stories({"a.txt": "a.txt", "b.txt": "a.txt"}))
    first = next(iter(shared))
    assert shared["b.txt"] is first  # a story id is its article's own id string
