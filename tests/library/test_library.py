"""The Library follows the folder: loads, live changes, own writes, a vanished folder.

Every test works on real files in a temp folder and waits on conditions, never on time.
Latencies (file change to signal) are printed, not asserted: speed belongs to the benchmark.
"""

from __future__ import annotations

import os
import shutil
import statistics
import threading
import time
from pathlib import Path

import pytest
from library_helpers import Recorder, open_and_settle, settle
from PySide6.QtCore import QElapsedTimer, QTimer

from reader.domain import publish
from reader.domain.article import ArticleDetail, ArticleSummary
from reader.library import Library

SEED_FULL = "000_64786d9bbd4dc9c0.txt"
SEED_BODY_ONLY = "002_ec8b9ffde03f3ad4.txt"
SEED_URL = (
    "https://www.kron4.com/news/netflix-invests-more-than-half-a-million-dollars-in-"
    "machine-learning-role-amid-sag-wga-strikes/"
)

LATENCIES: list[float] = []


def article_text(title: str, *, published: bool = False, body: str = "Body text.") -> str:
    flag = "true" if published else "false"
    return f'---\ntitle: "{title}"\npublished: {flag}\n---\n{body}\n'


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def wait_visible(qtbot, recorder: Recorder, condition, started: float) -> float:
    """Wait for ``condition`` and return the seconds it took from ``started``."""
    qtbot.waitUntil(condition, timeout=5000)
    latency = time.monotonic() - started
    LATENCIES.append(latency)
    return latency


@pytest.fixture
def folder(seeds_copy: Path) -> Path:
    return seeds_copy


# -- loading ---------------------------------------------------------------------------------


def test_opening_the_seeds_lists_both_articles(qtbot, library, recorder, folder):
    with qtbot.waitSignal(library.loadFinished, timeout=10_000):
        library.open_folder(folder)

    assert recorder.opened == [folder]
    assert set(recorder.shown) == {SEED_FULL, SEED_BODY_ONLY}
    assert library.folder() == folder
    assert set(library.articles()) == {SEED_FULL, SEED_BODY_ONLY}
    assert library.article(SEED_FULL).title.startswith("Netflix invests")
    assert library.path_of(SEED_BODY_ONLY) == folder / SEED_BODY_ONLY
    assert recorder.progress[-1][0] == 2


def test_opening_another_folder_drops_the_first_ones_late_results(
    qtbot, library, recorder, folder, tmp_path
):
    for index in range(600):  # enough for the loader's process pool: a load worth stopping
        write(folder / "many" / f"{index:03}.md", article_text(f"First {index}"))
    other = tmp_path / "other"
    for index in range(50):
        write(other / f"{index:03}.md", article_text(f"Other {index}"))

    library.open_folder(folder)
    qtbot.waitUntil(lambda: len(recorder.shown) > 0, timeout=10_000)
    library.open_folder(other)
    qtbot.waitUntil(lambda: recorder.finished >= 1 and library.is_settled(), timeout=10_000)

    assert recorder.opened == [folder, other]
    assert set(recorder.shown) == {f"{index:03}.md" for index in range(50)}
    assert set(library.articles()) == set(recorder.shown)


def test_a_second_open_uses_the_cache_and_lists_the_same(qtbot, library, recorder, folder):
    open_and_settle(qtbot, library, recorder, folder)
    first = dict(recorder.shown)

    with qtbot.waitSignal(library.loadFinished, timeout=10_000):
        library.open_folder(folder)

    assert recorder.shown == first


def test_a_warm_open_shows_the_cached_rows_then_what_changed_while_closed(
    qtbot, library, recorder, folder
):
    write(folder / "kept.md", article_text("Kept"))
    write(folder / "edited.md", article_text("Before"))
    write(folder / "deleted.md", article_text("Deleted"))
    open_and_settle(qtbot, library, recorder, folder)
    library.open_folder(folder.parent)  # away, so the next open is a fresh warm start
    qtbot.waitUntil(lambda: recorder.finished >= 2 and library.is_settled(), timeout=10_000)
    write(folder / "edited.md", article_text("After, a longer title"))
    (folder / "deleted.md").unlink()
    write(folder / "new.md", article_text("New"))
    recorder.added.clear()
    recorder.changed.clear()
    recorder.removed.clear()

    open_and_settle(qtbot, library, recorder, folder)

    # Every cached row came first, as the cache knew it; the scan then corrected them.
    assert {"kept.md", "edited.md", "deleted.md"} <= set(recorder.added)
    assert recorder.removed == ["deleted.md"]
    assert [summary.id for summary in recorder.changed] == ["edited.md"]
    assert recorder.shown["edited.md"].title == "After, a longer title"
    assert set(recorder.shown) == {SEED_FULL, SEED_BODY_ONLY, "kept.md", "edited.md", "new.md"}
    assert set(library.articles()) == set(recorder.shown)


def test_stray_temp_files_of_a_killed_write_are_removed_on_open(
    qtbot, library, recorder, folder
):
    stray = folder / f".{SEED_FULL}.999999999.reader-tmp-0123abcd"
    stray.write_bytes(b"half a write")
    os.utime(stray, (0, 0))  # old enough that its pid cannot still be writing

    open_and_settle(qtbot, library, recorder, folder)

    assert not stray.exists()
    assert set(recorder.shown) == {SEED_FULL, SEED_BODY_ONLY}


def test_reload_without_a_watcher_picks_up_changes(qtbot, folder):
    library = Library(watch=False)
    recorder = Recorder()
    recorder.connect(library)
    try:
        open_and_settle(qtbot, library, recorder, folder)
        write(folder / "new.md", article_text("Reloaded"))
        (folder / SEED_BODY_ONLY).unlink()

        with qtbot.waitSignal(library.loadFinished, timeout=5000):
            library.reload()

        assert set(recorder.shown) == {SEED_FULL, "new.md"}
        assert recorder.opened == [folder]
    finally:
        library.close()


# -- following the folder --------------------------------------------------------------------


def test_a_new_file_shows_up(qtbot, library, recorder, folder):
    open_and_settle(qtbot, library, recorder, folder)

    started = time.monotonic()
    write(folder / "fresh.md", article_text("Fresh news"))
    latency = wait_visible(qtbot, recorder, lambda: "fresh.md" in recorder.shown, started)

    assert recorder.shown["fresh.md"].title == "Fresh news"
    print(f"\ncreate -> visible: {latency * 1000:.0f} ms")


def test_an_in_place_edit_changes_the_article(qtbot, library, recorder, folder):
    write(folder / "story.md", article_text("Before"))
    open_and_settle(qtbot, library, recorder, folder)

    started = time.monotonic()
    with open(folder / "story.md", "r+", encoding="utf-8") as handle:
        handle.write(article_text("After!"))
    latency = wait_visible(
        qtbot, recorder, lambda: recorder.shown["story.md"].title == "After!", started
    )

    assert [s.id for s in recorder.changed] == ["story.md"]
    print(f"\nedit in place -> visible: {latency * 1000:.0f} ms")


def test_a_rename_over_save_is_seen_and_the_file_stays_watched(
    qtbot, library, recorder, folder
):
    target = folder / "story.md"
    write(target, article_text("Version 1"))
    open_and_settle(qtbot, library, recorder, folder)

    for version in (2, 3, 4):
        temp = folder / ".story.md.swp"
        write(temp, article_text(f"Version {version}"))
        started = time.monotonic()
        os.replace(temp, target)
        wait_visible(
            qtbot,
            recorder,
            lambda v=version: recorder.shown["story.md"].title == f"Version {v}",
            started,
        )
        settle(qtbot, library)

    # After the rename-overs, an in-place edit is still noticed: the folder's watch covers
    # the replaced file as it covered the original.
    started = time.monotonic()
    with open(target, "r+", encoding="utf-8") as handle:
        handle.write(article_text("Version 5"))
    wait_visible(qtbot, recorder, lambda: recorder.shown["story.md"].title == "Version 5", started)
    assert recorder.added.count("story.md") == 1
    assert "story.md" not in recorder.removed


def test_a_body_only_edit_is_announced_for_the_detail_pane(qtbot, library, recorder, folder):
    write(folder / "story.md", article_text("Same title", body="First body."))
    open_and_settle(qtbot, library, recorder, folder)

    with open(folder / "story.md", "r+", encoding="utf-8") as handle:
        handle.write(article_text("Same title", body="Second body"))
    qtbot.waitUntil(lambda: len(recorder.changed) == 1, timeout=5000)

    assert recorder.changed[0].title == "Same title"
    with qtbot.waitSignal(library.detailReady, timeout=5000) as ready:
        library.request_detail("story.md")
    assert ready.args[0].body.strip() == "Second body"


def test_a_deleted_file_is_removed(qtbot, library, recorder, folder):
    open_and_settle(qtbot, library, recorder, folder)

    started = time.monotonic()
    (folder / SEED_BODY_ONLY).unlink()
    wait_visible(qtbot, recorder, lambda: SEED_BODY_ONLY not in recorder.shown, started)

    assert recorder.removed == [SEED_BODY_ONLY]
    assert library.article(SEED_BODY_ONLY) is None


def test_a_move_between_subfolders_is_a_remove_and_an_add(qtbot, library, recorder, folder):
    write(folder / "inbox" / "story.md", article_text("Moving"))
    (folder / "done").mkdir()
    open_and_settle(qtbot, library, recorder, folder)
    assert "inbox/story.md" in recorder.shown

    started = time.monotonic()
    os.rename(folder / "inbox" / "story.md", folder / "done" / "story.md")
    wait_visible(
        qtbot,
        recorder,
        lambda: "done/story.md" in recorder.shown and "inbox/story.md" not in recorder.shown,
        started,
    )
    assert recorder.shown["done/story.md"].title == "Moving"


def test_a_new_subfolder_is_watched_with_its_files(qtbot, library, recorder, folder):
    open_and_settle(qtbot, library, recorder, folder)

    started = time.monotonic()
    write(folder / "2024" / "05" / "one.md", article_text("One"))
    write(folder / "2024" / "05" / "two.md", article_text("Two"))
    wait_visible(
        qtbot,
        recorder,
        lambda: {"2024/05/one.md", "2024/05/two.md"} <= set(recorder.shown),
        started,
    )
    settle(qtbot, library)

    # Files created inside the new folder later, and edits to them, are seen as well.
    started = time.monotonic()
    write(folder / "2024" / "05" / "three.md", article_text("Three"))
    with open(folder / "2024" / "05" / "one.md", "r+", encoding="utf-8") as handle:
        handle.write(article_text("One, edited"))
    wait_visible(
        qtbot,
        recorder,
        lambda: "2024/05/three.md" in recorder.shown
        and recorder.shown["2024/05/one.md"].title == "One, edited",
        started,
    )


def test_a_renamed_subfolder_moves_its_articles_and_stays_watched(
    qtbot, library, recorder, folder
):
    write(folder / "inbox" / "a.md", article_text("A"))
    write(folder / "inbox" / "b.md", article_text("B"))
    open_and_settle(qtbot, library, recorder, folder)

    os.rename(folder / "inbox", folder / "archive")
    qtbot.waitUntil(
        lambda: {"archive/a.md", "archive/b.md"} <= set(recorder.shown)
        and "inbox/a.md" not in recorder.shown,
        timeout=5000,
    )
    settle(qtbot, library)

    write(folder / "archive" / "a.md", article_text("A, edited"))
    qtbot.waitUntil(lambda: recorder.shown["archive/a.md"].title == "A, edited", timeout=5000)


def test_a_removed_subfolder_removes_its_articles(qtbot, library, recorder, folder):
    write(folder / "old" / "a.md", article_text("A"))
    write(folder / "old" / "b.md", article_text("B"))
    open_and_settle(qtbot, library, recorder, folder)

    shutil.rmtree(folder / "old")
    qtbot.waitUntil(lambda: set(recorder.shown) == {SEED_FULL, SEED_BODY_ONLY}, timeout=5000)
    settle(qtbot, library)
    assert set(library.articles()) == {SEED_FULL, SEED_BODY_ONLY}


def test_a_half_written_file_is_not_reported_broken(qtbot, library, recorder, folder):
    open_and_settle(qtbot, library, recorder, folder)
    target = folder / "slow.md"

    with open(target, "w", encoding="utf-8") as handle:
        handle.write('---\ntitle: "Slow writer"\ntopics: [unfinished\n')
        handle.flush()
        # The first piece is seen (and fails to parse) before the second one lands.
        qtbot.waitUntil(lambda: recorder.rescans >= 3, timeout=5000)
        handle.write("]\npublished: false\n---\nBody.\n")

    qtbot.waitUntil(lambda: "slow.md" in recorder.shown, timeout=5000)
    assert recorder.shown["slow.md"].title == "Slow writer"
    assert "slow.md" not in recorder.ever_broken


def test_a_file_that_stays_broken_is_reported(qtbot, library, recorder, folder):
    open_and_settle(qtbot, library, recorder, folder)

    write(folder / "broken.md", "---\ntitle: [never closed\n---\nBody\n")

    qtbot.waitUntil(lambda: "broken.md" in recorder.shown, timeout=5000)
    assert recorder.shown["broken.md"].is_error


def test_a_burst_of_2000_files_arrives_in_batches_without_stalling(
    qtbot, library, recorder, folder
):
    open_and_settle(qtbot, library, recorder, folder)
    names = [f"burst/{index:04}.md" for index in range(2000)]
    (folder / "burst").mkdir()
    settle(qtbot, library)

    worst_gap = 0.0
    clock = QElapsedTimer()
    probe = QTimer()
    probe.setInterval(5)

    def on_probe() -> None:
        nonlocal worst_gap
        worst_gap = max(worst_gap, clock.restart() / 1000)

    probe.timeout.connect(on_probe)

    def create_files() -> None:
        for name in names:
            with open(folder / name, "w", encoding="utf-8") as handle:
                handle.write(article_text(name, body="A burst article. " * 40))

    writer = threading.Thread(target=create_files)
    finished_before = recorder.finished
    started = time.monotonic()
    clock.start()
    probe.start()
    writer.start()
    try:
        qtbot.waitUntil(lambda: set(names) <= set(recorder.shown), timeout=30_000)
        elapsed = time.monotonic() - started
        settle(qtbot, library)
    finally:
        probe.stop()
        writer.join()

    burst_batches = [total for _done, total in recorder.progress if total > 100]
    assert burst_batches, "a burst reports its progress"
    assert recorder.finished > finished_before, "and ends it, so a progress bar goes away"
    assert not recorder.ever_broken
    print(
        f"\n2,000-file burst: all visible after {elapsed:.2f} s, "
        f"worst event-loop gap {worst_gap * 1000:.0f} ms, "
        f"{len(recorder.progress)} progress updates"
    )


# -- own writes ------------------------------------------------------------------------------


def test_own_publish_write_causes_no_reload(qtbot, library, recorder, folder):
    open_and_settle(qtbot, library, recorder, folder)
    original = (folder / SEED_FULL).read_bytes()

    with qtbot.waitSignal(library.publishSucceeded, timeout=5000) as succeeded:
        library.set_published([SEED_FULL], True)
        # Optimistic: the list shows the new state before the write.
        assert recorder.shown[SEED_FULL].published is True
    assert succeeded.args == [SEED_FULL, True]

    # Let the watcher react to the write, then force a full rescan too.
    rescans = recorder.rescans
    qtbot.waitUntil(lambda: recorder.rescans > rescans and library.is_settled(), timeout=5000)
    with qtbot.waitSignal(library.loadFinished, timeout=5000):
        library.reload()

    assert len(recorder.changed) == 1
    assert recorder.removed == []
    assert recorder.added.count(SEED_FULL) == 1
    assert (folder / SEED_FULL).read_bytes() == original.replace(
        b"published: false", b"published: true"
    )
    assert library.article(SEED_FULL).published is True

    with qtbot.waitSignal(library.publishSucceeded, timeout=5000):
        library.set_published([SEED_FULL], False)
    qtbot.waitUntil(library.is_settled, timeout=5000)
    with qtbot.waitSignal(library.loadFinished, timeout=5000):
        library.reload()
    assert (folder / SEED_FULL).read_bytes() == original
    assert len(recorder.changed) == 2


def test_own_writes_to_many_articles_cause_no_reload(qtbot, library, recorder, folder):
    for index in range(30):
        write(folder / f"{index:02}.md", article_text(f"Story {index}"))
    open_and_settle(qtbot, library, recorder, folder)
    ids = [f"{index:02}.md" for index in range(30)]

    library.set_published(ids, True)
    qtbot.waitUntil(lambda: len(recorder.succeeded) == 30, timeout=10_000)
    settle(qtbot, library)
    with qtbot.waitSignal(library.loadFinished, timeout=5000):
        library.reload()

    assert len(recorder.changed) == 30  # one optimistic change each, nothing after
    assert all(library.article(i).published for i in ids)
    assert all(b"published: true" in (folder / i).read_bytes() for i in ids)


def test_a_failed_publish_reverts_and_says_why(qtbot, library, recorder, folder, monkeypatch):
    open_and_settle(qtbot, library, recorder, folder)
    original = (folder / SEED_FULL).read_bytes()

    def refuse(path, value, *, display_name=None):
        raise publish.PublishError(f"Could not publish {display_name}: the disk is full.")

    monkeypatch.setattr(publish, "set_published", refuse)
    with qtbot.waitSignal(library.publishFailed, timeout=5000) as failed:
        library.set_published([SEED_FULL], True)

    assert failed.args == [SEED_FULL, f"Could not publish {SEED_FULL}: the disk is full."]
    assert [s.published for s in recorder.changed] == [True, False]
    assert recorder.shown[SEED_FULL].published is False
    assert library.article(SEED_FULL).published is False
    assert (folder / SEED_FULL).read_bytes() == original


def test_publishing_a_file_removed_just_before_reverts_then_removes_it(
    qtbot, library, recorder, folder
):
    open_and_settle(qtbot, library, recorder, folder)

    (folder / SEED_FULL).unlink()
    with qtbot.waitSignal(library.publishFailed, timeout=5000) as failed:
        library.set_published([SEED_FULL], True)

    assert failed.args[0] == SEED_FULL
    assert SEED_FULL in failed.args[1]
    qtbot.waitUntil(lambda: SEED_FULL not in recorder.shown, timeout=5000)
    assert not any(s.published for s in recorder.changed[1:])


# -- the folder itself -----------------------------------------------------------------------


def test_a_removed_folder_empties_the_list_and_comes_back(qtbot, library, recorder, folder):
    open_and_settle(qtbot, library, recorder, folder)
    parked = folder.with_name("parked")

    with qtbot.waitSignal(library.folderMissing, timeout=5000) as went:
        os.rename(folder, parked)
    assert went.args == [True]
    assert recorder.shown == {}
    assert "missing" in recorder.status[-1]

    finished = recorder.finished
    with qtbot.waitSignal(library.folderMissing, timeout=5000) as back:
        os.rename(parked, folder)
    assert back.args == [False]
    qtbot.waitUntil(lambda: recorder.finished > finished, timeout=5000)
    assert set(recorder.shown) == {SEED_FULL, SEED_BODY_ONLY}
    assert recorder.status[-1] == ""

    # Watching resumed: a new file appears again.
    settle(qtbot, library)
    write(folder / "after.md", article_text("After the return"))
    qtbot.waitUntil(lambda: "after.md" in recorder.shown, timeout=5000)


def test_a_deleted_folder_recreated_with_other_files(qtbot, library, recorder, folder):
    open_and_settle(qtbot, library, recorder, folder)

    shutil.rmtree(folder)
    qtbot.waitUntil(lambda: recorder.missing == [True], timeout=5000)
    write(folder / "replacement.md", article_text("Replacement"))
    qtbot.waitUntil(lambda: set(recorder.shown) == {"replacement.md"}, timeout=5000)
    assert recorder.missing == [True, False]


def test_opening_a_folder_that_does_not_exist_waits_for_it(qtbot, library, recorder, tmp_path):
    absent = tmp_path / "not-yet"
    with qtbot.waitSignal(library.folderMissing, timeout=5000):
        library.open_folder(absent)
    write(absent / "first.md", article_text("First"))
    qtbot.waitUntil(lambda: "first.md" in recorder.shown, timeout=5000)


def test_watch_limit_falls_back_to_rescans_and_says_so(
    qtbot, library, recorder, folder, monkeypatch
):
    from reader.library import watcher

    def refuse(self, paths, stop_event):
        raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr(watcher.FolderWatcher, "_open_watch", refuse)
    open_and_settle(qtbot, library, recorder, folder)

    assert any("system limit" in text for text in recorder.status)
    assert library._watcher.limited
    # An in-place edit: with the watch refused, only a rescan can see it.
    write(folder / SEED_BODY_ONLY, article_text("Rewritten in place"))
    qtbot.waitUntil(
        lambda: recorder.shown[SEED_BODY_ONLY].title == "Rewritten in place", timeout=5000
    )


# -- detail, search, urls --------------------------------------------------------------------


def test_request_detail_reads_the_whole_article(qtbot, library, recorder, folder):
    open_and_settle(qtbot, library, recorder, folder)

    with qtbot.waitSignal(library.detailReady, timeout=5000) as ready:
        library.request_detail(SEED_FULL)
    detail = ready.args[0]
    assert isinstance(detail, ArticleDetail)
    assert detail.id == SEED_FULL
    assert len(detail.related) >= 2
    assert detail.images


def test_only_the_newest_detail_request_is_answered(qtbot, library, recorder, folder):
    open_and_settle(qtbot, library, recorder, folder)
    answers: list[str] = []
    library.detailReady.connect(lambda detail: answers.append(detail.id))

    library.request_detail(SEED_FULL)
    library.request_detail(SEED_BODY_ONLY)
    qtbot.waitUntil(lambda: SEED_BODY_ONLY in answers, timeout=5000)
    qtbot.wait(50)
    assert answers == [SEED_BODY_ONLY]


def test_body_search_finds_words_only_in_a_body(qtbot, library, recorder, folder):
    open_and_settle(qtbot, library, recorder, folder)

    with qtbot.waitSignal(library.bodySearchFinished, timeout=5000) as found:
        library.search_bodies("WRITERS GUILD")
    assert found.args == ["WRITERS GUILD", {SEED_BODY_ONLY}]


def test_body_search_sees_files_added_while_open(qtbot, library, recorder, folder):
    open_and_settle(qtbot, library, recorder, folder)
    write(folder / "late.md", article_text("Late", body="An aardvark wandered in."))
    qtbot.waitUntil(lambda: "late.md" in recorder.shown, timeout=5000)
    settle(qtbot, library)

    with qtbot.waitSignal(library.bodySearchFinished, timeout=5000) as found:
        library.search_bodies("aardvark")
    assert found.args[1] == {"late.md"}


def test_article_for_url_ignores_scheme_and_trailing_slash(qtbot, library, recorder, folder):
    open_and_settle(qtbot, library, recorder, folder)

    assert library.article_for_url(SEED_URL) == SEED_FULL
    assert library.article_for_url(SEED_URL.rstrip("/").replace("https", "http")) == SEED_FULL
    assert library.article_for_url(SEED_URL + "amp/") == SEED_FULL
    assert library.article_for_url("https://example.com/elsewhere") is None


def test_urls_of_equal_hash_miss_a_jump_and_never_make_a_wrong_one(monkeypatch):
    from reader.library import library as library_module

    monkeypatch.setattr(library_module, "_url_hash", lambda key: 7)  # every key collides
    index = library_module._UrlIndex()
    first = ArticleSummary("a.md", "A", url="https://one.example/a", has_front_matter=True)
    second = ArticleSummary("b.md", "B", url="https://two.example/b", has_front_matter=True)
    articles = {"a.md": first, "b.md": second}
    index.add(first)
    index.add(second)

    assert index.find("http://one.example/a/", articles) == "a.md"
    assert index.find("https://two.example/b", articles) is None  # its hash is a.md's
    index.remove(first)
    assert index.find("https://one.example/a", articles) is None


def test_urls_follow_a_warm_open_an_edit_and_a_removal(qtbot, library, recorder, folder):
    open_and_settle(qtbot, library, recorder, folder)
    library.open_folder(folder.parent)
    qtbot.waitUntil(lambda: recorder.finished >= 2 and library.is_settled(), timeout=10_000)
    open_and_settle(qtbot, library, recorder, folder)  # warm: keys made after the rows
    assert library.article_for_url(SEED_URL) == SEED_FULL

    text = (folder / SEED_FULL).read_text(encoding="utf-8")
    (folder / SEED_FULL).write_text(text.replace(SEED_URL, "https://moved.example/story"))
    qtbot.waitUntil(lambda: library.article_for_url(SEED_URL) is None, timeout=5000)
    assert library.article_for_url("https://moved.example/story") == SEED_FULL

    (folder / SEED_FULL).unlink()
    qtbot.waitUntil(
        lambda: library.article_for_url("https://moved.example/story") is None, timeout=5000
    )


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://WWW.Example.com/News/Story/", "www.example.com/News/Story"),
        ("http://www.example.com/News/Story", "www.example.com/News/Story"),
        ("www.example.com/a/#comments", "www.example.com/a"),
        ("https://example.com/a/?page=2", "example.com/a?page=2"),
        ("https://example.com/", "example.com"),
        ("  https://example.com/a  ", "example.com/a"),
        ("https://", ""),
        ("", ""),
    ],
)
def test_normalise_url(url, key):
    from reader.library.library import normalise_url

    assert normalise_url(url) == key


def test_close_is_safe_twice_and_silences_the_library(qtbot, folder):
    library = Library()
    recorder = Recorder()
    recorder.connect(library)
    library.open_folder(folder)
    library.close()
    library.close()
    qtbot.wait(50)
    assert recorder.finished == 0
    library.open_folder(folder)  # ignored once closed
    assert recorder.opened == [folder]
    assert not [t for t in threading.enumerate() if t.name.startswith("reader-")]


def test_a_library_deleted_without_close_still_stops_its_threads_and_closes_its_cache(
    qtbot, folder
):
    """A window dropped without being closed must not leave the index cache for the garbage
    collector to close later from another thread (its file descriptors would close whatever
    had been given their numbers since)."""
    import shiboken6
    from PySide6.QtCore import QObject

    owner = QObject()
    library = Library(owner)
    recorder = Recorder()
    recorder.connect(library)
    open_and_settle(qtbot, library, recorder, folder)
    index = library._index
    assert index.cache_of(folder) is not None

    shiboken6.delete(owner)  # what dropping the last reference to a window does

    assert index.cache_of(folder) is None  # closed, on the index worker's own thread
    assert not [t for t in threading.enumerate() if t.name.startswith("reader-")]


def test_zz_latency_summary():
    """Print the change-to-visible latencies the tests above measured."""
    if LATENCIES:
        print(
            f"\nchange -> visible over {len(LATENCIES)} changes: "
            f"median {statistics.median(LATENCIES) * 1000:.0f} ms, "
            f"worst {max(LATENCIES) * 1000:.0f} ms"
        )
