"""A live folder under a library: files created and rewritten at once, the oldest file of a
big folder, a folder of 100,000 articles.  Each edit must reach the library through the
folder's native watch, not a periodic rescan: the reconcile is set far beyond the tests'
timeouts, so only a watch can make them pass.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from library_helpers import Recorder, open_and_settle

from reader.domain.article import ArticleSummary
from reader.index.cache import IndexCache
from reader.index.scan import scan_folder
from reader.library import Library
from reader.library import library as library_module

QUIET_RECONCILE_MS = 600_000
"""The periodic rescan, pushed out of every test's reach."""


def article(title: str) -> str:
    return f'---\ntitle: "{title}"\npublished: false\n---\nBody.\n'


@pytest.fixture
def watched_library(qtbot, monkeypatch: pytest.MonkeyPatch):
    # The interval the library sets after each full rescan, and the watcher's first one.
    monkeypatch.setattr(library_module, "RECONCILE_MS", QUIET_RECONCILE_MS)
    service = Library()
    assert service._watcher is not None
    service._watcher.set_reconcile_interval(QUIET_RECONCILE_MS)
    yield service
    service.close()


def title_of(library: Library, article_id: str) -> str | None:
    summary = library.article(article_id)
    return None if summary is None else summary.title


def test_a_file_created_and_rewritten_a_moment_later_shows_its_second_version(
    qtbot, watched_library: Library, tmp_path: Path
):
    folder = tmp_path / "live"
    folder.mkdir()
    (folder / "old.md").write_text(article("Old"))
    recorder = Recorder()
    recorder.connect(watched_library)
    open_and_settle(qtbot, watched_library, recorder, folder)

    for attempt in range(5):
        name = f"new{attempt}.md"
        (folder / name).write_text(article(f"First {attempt}"))
        qtbot.wait(150)  # within the time a pipeline takes to write, then fix, a file
        with open(folder / name, "w", encoding="utf-8") as handle:  # in place
            handle.write(article(f"Second {attempt}"))
        qtbot.waitUntil(
            lambda name=name, attempt=attempt: title_of(watched_library, name)
            == f"Second {attempt}",
            timeout=3000,
        )
    assert recorder.shown["new4.md"].title == "Second 4"


def test_an_in_place_edit_of_the_oldest_file_of_a_large_folder_is_seen(
    qtbot, watched_library: Library, tmp_path: Path
):
    folder = tmp_path / "archive"
    folder.mkdir()
    count = 3000
    for number in range(count):
        (folder / f"{number:05d}.md").write_text(article(f"Story {number}"))
    oldest = folder / "00000.md"
    os.utime(oldest, (1_000_000_000, 1_000_000_000))  # 2001: older than every other file
    recorder = Recorder()
    recorder.connect(watched_library)
    open_and_settle(qtbot, watched_library, recorder, folder)
    assert len(recorder.shown) == count

    with open(oldest, "r+", encoding="utf-8") as handle:
        handle.write(article("Oldest, corrected"))

    qtbot.waitUntil(
        lambda: title_of(watched_library, "00000.md") == "Oldest, corrected", timeout=3000
    )
    assert [summary.id for summary in recorder.changed] == ["00000.md"]


@pytest.mark.slow
def test_a_folder_of_100000_sees_an_in_place_edit(
    qtbot, watched_library: Library, tmp_path: Path
):
    """Warm, like an editor's every morning: the cache holds every article already (stored
    here directly, since parsing 100,000 files would take the test's whole minute)."""
    folder = tmp_path / "big"
    count = 100_000
    for shard in range(10):
        (folder / f"{shard}").mkdir(parents=True)
    payload = article("Stored")
    for number in range(count):
        with open(folder / f"{number % 10}" / f"{number:06d}.md", "w", encoding="utf-8") as f:
            f.write(payload)
    stamps = scan_folder(folder)
    cache = IndexCache.open(folder)
    cache.store(
        (ArticleSummary(id=article_id, title="Stored"), stamp, "")
        for article_id, stamp in stamps.items()
    )
    cache.close()
    recorder = Recorder()
    recorder.connect(watched_library)
    started = time.monotonic()
    open_and_settle(qtbot, watched_library, recorder, folder)
    print(f"\nwarm open of {count:,}: {time.monotonic() - started:.1f} s")
    assert len(recorder.shown) == count

    target = folder / "3" / "054323.md"
    started = time.monotonic()
    with open(target, "r+", encoding="utf-8") as handle:
        handle.write(article("Edited in place"))
    qtbot.waitUntil(
        lambda: title_of(watched_library, "3/054323.md") == "Edited in place", timeout=5000
    )
    print(f"edit -> library: {(time.monotonic() - started) * 1000:.0f} ms")
    assert [summary.id for summary in recorder.changed] == ["3/054323.md"]
