"""FolderWatcher: notifications become few, timely rescan requests; watched paths follow."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader.library.watcher import WATCH_CHUNK, FolderWatcher


@pytest.fixture
def watcher(qtbot):
    folder_watcher = FolderWatcher(reconcile_ms=60_000)
    yield folder_watcher
    folder_watcher.stop()


def test_a_burst_of_changes_is_one_rescan_request(qtbot, watcher, tmp_path: Path):
    watcher.start(tmp_path)
    requests: list[int] = []
    watcher.rescanNeeded.connect(lambda: requests.append(1))

    for index in range(200):
        (tmp_path / f"{index}.md").write_text("x")

    qtbot.waitUntil(lambda: bool(requests), timeout=2000)
    qtbot.wait(250)  # longer than the settle time: a second request would have come by now
    assert len(requests) == 1


def test_a_continuous_stream_still_gets_rescans(qtbot, watcher, tmp_path: Path):
    watcher.start(tmp_path)
    requests: list[int] = []
    watcher.rescanNeeded.connect(lambda: requests.append(1))
    written = iter(range(10_000))

    def write_one() -> None:
        (tmp_path / f"{next(written)}.md").write_text("x")

    from PySide6.QtCore import QTimer

    writer = QTimer()
    writer.timeout.connect(write_one)
    writer.start(20)  # a change every 20 ms never leaves the 120 ms settle time quiet
    try:
        qtbot.waitUntil(lambda: len(requests) >= 2, timeout=3000)
    finally:
        writer.stop()


def test_sync_watches_new_subfolders_and_files_and_drops_removed_ones(
    qtbot, watcher, tmp_path: Path
):
    watcher.start(tmp_path)
    sub = tmp_path / "sub"
    sub.mkdir()
    files = [str(sub / f"{index}.md") for index in range(WATCH_CHUNK * 2 + 5)]
    for path in files:
        Path(path).write_text("x")

    watcher.sync([str(sub)], files)
    qtbot.waitUntil(watcher.is_settled, timeout=5000)
    directories, watched = watcher.watched_paths()
    assert set(directories) == {str(tmp_path), str(sub), str(tmp_path.parent)}
    assert set(watched) == set(files)

    watcher.sync([], files[:3])
    qtbot.waitUntil(watcher.is_settled, timeout=5000)
    directories, watched = watcher.watched_paths()
    assert set(directories) == {str(tmp_path), str(tmp_path.parent)}
    assert set(watched) == set(files[:3])


def test_an_edit_to_a_watched_file_requests_a_rescan(qtbot, watcher, tmp_path: Path):
    article = tmp_path / "a.md"
    article.write_text("one")
    watcher.start(tmp_path)
    watcher.sync([], [str(article)])
    qtbot.waitUntil(watcher.is_settled, timeout=2000)

    with qtbot.waitSignal(watcher.rescanNeeded, timeout=2000), open(article, "a") as handle:
        handle.write(" two")


def test_a_refused_watch_switches_to_periodic_rescans(qtbot, tmp_path: Path, monkeypatch):
    def refuse(self, paths):
        return list(paths)

    monkeypatch.setattr(FolderWatcher, "_add_paths", refuse)
    watcher = FolderWatcher(reconcile_ms=60_000, limited_reconcile_ms=100)
    try:
        with qtbot.waitSignal(watcher.watchLimitReached, timeout=1000):
            watcher.start(tmp_path)
        assert watcher.limited
        with qtbot.waitSignal(watcher.rescanNeeded, timeout=1000):
            pass  # no notification ever comes; the periodic rescan does
    finally:
        watcher.stop()


def test_a_path_that_vanished_is_not_mistaken_for_the_limit(qtbot, watcher, tmp_path: Path):
    watcher.start(tmp_path)
    gone = tmp_path / "gone.md"
    limit: list[int] = []
    watcher.watchLimitReached.connect(lambda: limit.append(1))

    watcher.sync([], [str(gone)])
    qtbot.waitUntil(watcher.is_settled, timeout=2000)

    assert not watcher.limited
    assert limit == []


def test_renaming_the_folder_itself_requests_a_rescan(qtbot, watcher, tmp_path: Path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (tmp_path / "sibling").mkdir()
    watcher.start(folder)
    requests: list[int] = []
    watcher.rescanNeeded.connect(lambda: requests.append(1))

    (tmp_path / "sibling" / "noise.md").write_text("x")
    (tmp_path / "other.md").write_text("x")  # the parent changes, the folder does not
    qtbot.wait(250)
    assert requests == []

    with qtbot.waitSignal(watcher.rescanNeeded, timeout=2000):
        os.rename(folder, tmp_path / "renamed")


def test_stop_silences_the_watcher(qtbot, watcher, tmp_path: Path):
    watcher.start(tmp_path)
    watcher.stop()
    requests: list[int] = []
    watcher.rescanNeeded.connect(lambda: requests.append(1))

    os.mkdir(tmp_path / "new")
    qtbot.wait(200)
    assert requests == []
    assert watcher.watched_paths() == ([], [])
