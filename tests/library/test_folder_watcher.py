"""FolderWatcher: native events become few change sets naming articles; rescans as a net."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from reader.library.watcher import ChangeSet, FolderWatcher


@pytest.fixture
def watcher(qtbot):
    folder_watcher = FolderWatcher(reconcile_ms=60_000)
    yield folder_watcher
    folder_watcher.stop()


def start_watching(
    qtbot, watcher: FolderWatcher, folder: Path, directories: tuple[str, ...] = ()
) -> list[ChangeSet]:
    """Start watching; return the change sets that follow the first one.

    The first asks for a rescan once the watch stands (what changed between the caller's
    scan and the watch is only found that way).
    """
    changes: list[ChangeSet] = []
    watcher.changed.connect(changes.append)
    watcher.start(folder, directories)
    qtbot.waitUntil(lambda: bool(changes), timeout=5000)
    assert changes == [ChangeSet(frozenset(), rescan=True)]
    assert watcher.is_watching()
    changes.clear()
    return changes


def named(changes: list[ChangeSet]) -> set[str]:
    return {article_id for change in changes for article_id in change.ids}


def test_a_burst_of_writes_arrives_as_few_change_sets_naming_every_file(
    qtbot, watcher, tmp_path: Path
):
    changes = start_watching(qtbot, watcher, tmp_path)

    expected = {f"{index}.md" for index in range(200)}
    for name in sorted(expected):
        (tmp_path / name).write_text("x")

    qtbot.waitUntil(lambda: named(changes) >= expected, timeout=5000)
    # Batched on the watch thread: far fewer hand-overs to the GUI thread than files.
    assert len(changes) < 20
    assert not any(change.rescan for change in changes)


def test_an_in_place_edit_of_any_file_is_named(qtbot, watcher, tmp_path: Path):
    for index in range(50):
        (tmp_path / f"{index:02}.md").write_text("x")
    changes = start_watching(qtbot, watcher, tmp_path)

    with open(tmp_path / "00.md", "a") as handle:  # the oldest: no watch of its own needed
        handle.write(" more")

    qtbot.waitUntil(lambda: "00.md" in named(changes), timeout=5000)


def test_a_rename_over_save_names_the_target_and_hides_the_temp_file(
    qtbot, watcher, tmp_path: Path
):
    (tmp_path / "story.md").write_text("one")
    changes = start_watching(qtbot, watcher, tmp_path)

    temp = tmp_path / ".story.md.swp"
    temp.write_text("two")
    os.replace(temp, tmp_path / "story.md")

    qtbot.waitUntil(lambda: "story.md" in named(changes), timeout=5000)
    assert named(changes) == {"story.md"}


def test_a_file_created_then_rewritten_at_once_is_named_after_the_rewrite(
    qtbot, watcher, tmp_path: Path
):
    changes = start_watching(qtbot, watcher, tmp_path)
    (tmp_path / "new.md").write_text("first")
    qtbot.waitUntil(lambda: "new.md" in named(changes), timeout=5000)
    changes.clear()

    (tmp_path / "new.md").write_text("second")

    qtbot.waitUntil(lambda: "new.md" in named(changes), timeout=5000)


def test_a_new_subfolder_asks_for_a_rescan_then_is_watched_once_listed(
    qtbot, watcher, tmp_path: Path
):
    changes = start_watching(qtbot, watcher, tmp_path)

    (tmp_path / "2024").mkdir()
    qtbot.waitUntil(lambda: any(change.rescan for change in changes), timeout=5000)
    changes.clear()
    watcher.watch_directories(["2024"])  # what the library does after that rescan
    # Once the new watch is in place it asks for one more rescan: files written into the
    # folder before its watch existed are found by it.
    qtbot.waitUntil(lambda: any(change.rescan for change in changes), timeout=5000)
    (tmp_path / "2024" / "one.md").write_text("x")

    qtbot.waitUntil(lambda: "2024/one.md" in named(changes), timeout=5000)


def test_files_in_listed_subfolders_are_named_with_their_path(qtbot, watcher, tmp_path: Path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    changes = start_watching(qtbot, watcher, tmp_path, ("a", "a/b"))

    (tmp_path / "a" / "b" / "deep.md").write_text("x")
    with open(tmp_path / "a" / "b" / "deep.md", "a") as handle:
        handle.write("more")

    qtbot.waitUntil(lambda: "a/b/deep.md" in named(changes), timeout=5000)


def test_a_removed_subfolder_asks_for_a_rescan(qtbot, watcher, tmp_path: Path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "a.md").write_text("x")
    changes = start_watching(qtbot, watcher, tmp_path, ("old",))

    shutil.rmtree(tmp_path / "old")

    qtbot.waitUntil(lambda: any(change.rescan for change in changes), timeout=5000)


def test_other_files_are_ignored(qtbot, watcher, tmp_path: Path):
    changes = start_watching(qtbot, watcher, tmp_path)

    (tmp_path / "cover.jpg").write_text("x")
    (tmp_path / "story.md~").write_text("x")
    (tmp_path / ".hidden.md").write_text("x")
    (tmp_path / "real.md").write_text("x")

    qtbot.waitUntil(lambda: "real.md" in named(changes), timeout=5000)
    qtbot.wait(150)
    assert named(changes) == {"real.md"}
    assert not any(change.rescan for change in changes)


def test_renaming_the_folder_itself_asks_for_a_rescan(qtbot, watcher, tmp_path: Path):
    folder = tmp_path / "articles"
    folder.mkdir()
    changes = start_watching(qtbot, watcher, folder)

    os.rename(folder, tmp_path / "renamed")

    qtbot.waitUntil(lambda: any(change.rescan for change in changes), timeout=5000)


def test_the_periodic_reconcile_asks_for_rescans(qtbot, tmp_path: Path):
    watcher = FolderWatcher(reconcile_ms=100)
    try:
        watcher.start(tmp_path)
        with qtbot.waitSignal(watcher.rescanNeeded, timeout=2000):
            pass
    finally:
        watcher.stop()


def test_a_refused_watch_switches_to_periodic_rescans(qtbot, tmp_path: Path, monkeypatch):
    def refuse(self, paths, stop_event):
        raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr(FolderWatcher, "_open_watch", refuse)
    watcher = FolderWatcher(reconcile_ms=60_000, limited_reconcile_ms=100)
    try:
        with qtbot.waitSignal(watcher.watchLimitReached, timeout=2000):
            watcher.start(tmp_path)
        assert watcher.limited
        with qtbot.waitSignal(watcher.rescanNeeded, timeout=2000):
            pass  # no event ever comes; the periodic rescan does
    finally:
        watcher.stop()


def test_stop_silences_the_watcher(qtbot, watcher, tmp_path: Path):
    changes = start_watching(qtbot, watcher, tmp_path)
    watcher.stop()
    requests: list[int] = []
    watcher.rescanNeeded.connect(lambda: requests.append(1))

    os.mkdir(tmp_path / "new")
    (tmp_path / "new.md").write_text("x")
    qtbot.wait(400)
    assert requests == []
    assert changes == []
    assert not watcher.is_watching()
