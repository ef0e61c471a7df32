"""The in-window measurements, run by the benchmark as a subprocess of its own.

``python -m reader.bench.window_probe FOLDER --expected N --edit-id ID --publish-id ID``
opens ``reader.app.MainWindow(FOLDER)`` (offscreen under the benchmark), measures what an
editor would feel, and prints one JSON object on the last line of stdout.  A fresh process
per run means every run starts cold: no warm Qt caches, no model left over, its own RSS.

What is measured, all with the event loop running (waits are nested ``QEventLoop``s woken by a
``QTimer`` poll, never busy loops that would steal the CPU from reader's own workers):

* ``shown_s``: process launch (as the parent stamped it) to ``show()`` returning;
* ``first_rows_s`` / ``all_rows_s``: ``show()`` to the first row, and to every expected row, in
  the list's source model (model signals record the moment; a poll backs them up);
* ``thread_cpu_loading_s``: CPU seconds each thread used between those two moments (the GUI
  thread as ``gui``): on a warm start they share one interpreter lock;
* ``gap_loading_s`` / ``gap_after_s``: the longest interval between ticks of a 5 ms timer while
  loading (from ``show()`` until all rows plus a short settle) and during the interactions
  after it: the longest the window could not have reacted to input (``gap_loading_began_s``
  says when, after ``show()``, the worst one began; ``gap_change_s``, ``gap_search_s`` and
  ``gap_publish_s`` split the second by interaction);
* ``peak_rss_mb`` (``ru_maxrss`` of this process) and ``peak_tree_rss_mb`` (sampled sum of
  this process and its children, should reader parse in worker processes);
* ``watching_s``: every row until the library is settled: every file watched and a first
  rescan done (the interactions start after it; its event-loop gaps count as loading);
* ``change_visible_s``: one file's title rewritten on disk until the list shows it;
* ``search_s``: one search keystroke until the list is filtered (the proxy's rows changed and
  the event loop is idle again); ``search_settled_s``: until the body matches, searched in the
  background, are in too and the rows have been still for 0.3 s; the row counts before and
  after;
* ``publish_written_s``: triggering ``actionTogglePublished`` on the current row until the
  file on disk says ``published: true``.

``--load-only`` stops after loading.  ``--spread-edits`` (the benchmark's warm-cache window run)
follows loading with five edits spread across the folder (``spread_visible_s``, each one's
time from the write to its new title in the list; in-place writes and rename-over saves
alternately) and then, once :data:`TYPE_AT_S` have passed since ``show()``, a word typed
into search a key every :data:`TYPE_KEY_MS` (``--type-word``), with the worst event-loop
gap of each (``gap_spread_s``; ``gap_search_s`` from the first key until the list is settled,
body matches in; ``typed_at_s`` says when the first key went in, after ``show()``;
``type_rows`` the shown rows before and after).

Files the probe changes get their original bytes back before it exits (the parent restores
them too, in case the probe dies).  Each step records an error and moves on rather than
aborting, so one broken feature does not hide the other numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import sys
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

GAP_TICK_MS = 5
POLL_MS = 5
SETTLE_S = 0.3
"""Quiet time that counts as "settled": after the last row arrives, after the last filter change."""
RSS_SAMPLE_MS = 100
STALL_S = 0.05
"""An event-loop gap longer than this is a stall worth sampling (half the issue's 100 ms)."""
STALL_SAMPLE_S = 0.01
SPREAD_FRACTIONS = (0.1, 0.3, 0.5, 0.7, 0.9)
"""Where in the sorted file names the spread edits land."""
SPREAD_PAUSE_S = 0.5
"""Between two spread edits: each is measured on its own, not as part of a burst."""
TYPE_AT_S = 10.0
"""When, after ``show()``, the spread run types its word: an editor searching soon after
opening, while idle-time work over every row may still be going on."""
TYPE_KEY_MS = 60
"""Between two keys of the typed word: a brisk typist."""


def _thread_cpu_s() -> dict[str, float]:
    """CPU seconds used so far by the GUI thread and by the other threads of this process
    (summed by thread name; :func:`_thread_cpu_seconds`): where a load's time went."""
    used: dict[str, float] = {}
    gui = os.getpid()  # Python does not name its threads for the system: told apart by id
    for tid, (name, seconds) in _thread_cpu_seconds().items():
        key = "gui" if tid == gui else name
        used[key] = round(used.get(key, 0.0) + seconds, 3)
    return used


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of ``pid`` plus all its descendants, from /proc (0 where unavailable)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/status", encoding="ascii", errors="replace") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as handle:
                    pending.extend(int(child) for child in handle.read().split())
        except (OSError, ValueError):
            continue
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reader.bench.window_probe")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--expected", type=int, required=True, help="article files in FOLDER")
    parser.add_argument("--edit-id", required=True, help="article whose title is changed on disk")
    parser.add_argument("--publish-id", required=True, help="unpublished article to publish")
    parser.add_argument("--search-text", default="q", help="the one keystroke typed into search")
    parser.add_argument(
        "--type-at",
        type=float,
        default=TYPE_AT_S,
        help="seconds after show() the --spread-edits run types its word (default %(default)s)",
    )
    parser.add_argument(
        "--type-word",
        default="climate",
        help="the word the --spread-edits run types, a key every 60 ms (default %(default)s)",
    )
    parser.add_argument("--launched-at", type=float, default=None, help="parent's time.time()")
    parser.add_argument("--load-timeout", type=float, default=120.0)
    parser.add_argument(
        "--load-only",
        action="store_true",
        help="measure opening the folder only (the warm-cache run), no interactions",
    )
    parser.add_argument(
        "--spread-edits",
        action="store_true",
        help="after loading, edit files spread across the folder and type one keystroke "
        "(the warm-cache run of issue 11), instead of the full set of interactions",
    )
    parser.add_argument(
        "--group-by-story",
        action="store_true",
        help="after loading, turn on View > Group by Story and edit files spread across the "
        "folder while it shows, each until its story is regrouped (issue 18's story view)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="FILE",
        help="cProfile the GUI thread from building the window until loaded; stats to FILE "
        "(up to the last row: FILE.rows) "
        "(and the typed word's to FILE.typing.prof), and what every thread was doing during "
        "each event-loop stall to FILE.stalls.txt",
    )
    args = parser.parse_args(argv)
    results = Probe(args).run()
    sys.stdout.write(json.dumps(results) + "\n")
    sys.stdout.flush()
    # Tearing down a window holding 100,000 rows and its worker threads costs seconds and
    # measures nothing; the files are restored and the results written.
    os._exit(0)


class Probe:
    """One window, opened once, measured step by step."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.folder: Path = args.folder
        self.results: dict[str, Any] = {"expected": args.expected, "errors": []}
        self.originals: dict[Path, bytes] = {}
        self.spread_targets: list[tuple[str, bytes, str]] = []
        self.profiler: Any = None

    # -- running -----------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        from PySide6.QtCore import QTimer

        from reader.app import create_application

        self.app = create_application([sys.argv[0]])
        self.ticks = _GapProbe()
        self.stalls = _StallSampler(self.ticks) if self.args.profile is not None else None
        self.peak_tree_kb = 0
        rss_timer = QTimer()
        rss_timer.setInterval(RSS_SAMPLE_MS)
        rss_timer.timeout.connect(self._sample_rss)
        rss_timer.start()
        try:
            self._step("load", self._open_and_load)
            self._stop_profiler()
            if self.stalls is not None:
                self.stalls.origin = self.ticks.origin  # interactions' stalls: since loaded
            if self.args.group_by_story:
                self._step("grouped", self._choose_spread_targets)
                self._step("grouped", self._grouped_changes)
            elif self.args.spread_edits:
                self._step("spread", self._choose_spread_targets)
                for name, action in (
                    ("spread", self._spread_edits),
                    ("search", self._type_word),
                ):
                    self.ticks.reset()
                    self._step(name, action)
                    self.results[f"gap_{name}_s"] = self.ticks.worst()
            elif not self.args.load_only:
                worst = 0.0
                for name, action in (
                    ("change", self._external_change),
                    ("search", self._search_keystroke),
                    ("publish", self._publish_toggle),
                ):
                    self.ticks.reset()
                    self._step(name, action)
                    self.results[f"gap_{name}_s"] = self.ticks.worst()
                    worst = max(worst, self.ticks.worst())
                self.results["gap_after_s"] = worst
        finally:
            self._restore_files()
            self._stop_stall_sampler()
        self._sample_rss()
        self.results["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.results["peak_tree_rss_mb"] = self.peak_tree_kb / 1024
        return self.results

    def _step(self, name: str, action: Callable[[], None]) -> None:
        try:
            action()
        except Exception as exc:  # a probe reports every failure and carries on
            detail = traceback.format_exception_only(exc)[-1].strip()
            self.results["errors"].append(f"{name}: {detail}")
            print(traceback.format_exc(), file=sys.stderr)

    def _stop_profiler(self) -> None:
        if self.profiler is not None:
            self.profiler.disable()
            self.profiler.dump_stats(self.args.profile)
            self.profiler = None
        if self.stalls is not None:
            report = Path(f"{self.args.profile}.stalls.txt")
            report.write_text(self.stalls.report("show()"), encoding="utf-8")
            self.stalls.stalls.clear()

    def _stop_stall_sampler(self) -> None:
        """The stalls after loading (the interactions) go to FILE.after.stalls.txt."""
        if self.stalls is not None:
            self.stalls.stop()
            report = Path(f"{self.args.profile}.after.stalls.txt")
            report.write_text(self.stalls.report("loading"), encoding="utf-8")
            self.stalls = None

    def _sample_rss(self) -> None:
        self.peak_tree_kb = max(self.peak_tree_kb, _tree_rss_kb(os.getpid()))

    def wait_until(self, condition: Callable[[], bool], timeout_s: float) -> bool:
        """Run the event loop until ``condition()`` holds (checked every 5 ms) or time runs out."""
        from PySide6.QtCore import QEventLoop, QTimer

        if condition():
            return True
        loop = QEventLoop()
        deadline = time.perf_counter() + timeout_s
        outcome = [False]

        def check() -> None:
            if condition():
                outcome[0] = True
                loop.quit()
            elif time.perf_counter() > deadline:
                loop.quit()

        poll = QTimer()
        poll.setInterval(POLL_MS)
        poll.timeout.connect(check)
        poll.start()
        loop.exec()
        poll.stop()
        return outcome[0]

    def run_for(self, seconds: float) -> None:
        """Keep the event loop running for ``seconds`` (work scheduled by reader goes on)."""
        end = time.perf_counter() + seconds
        self.wait_until(lambda: time.perf_counter() >= end, seconds + 1)

    # -- the window and its models -------------------------------------------------------------

    def _open_and_load(self) -> None:
        from reader.app import MainWindow

        if self.args.profile is not None:
            import cProfile

            self.profiler = cProfile.Profile()
            self.profiler.enable()
        constructing = time.perf_counter()
        self.window = MainWindow(self.folder)
        self.window.resize(1280, 800)
        self.window.show()
        shown = self.shown_at = time.perf_counter()
        cpu_at_shown = _thread_cpu_s()
        self.ticks.start()
        if self.stalls is not None:
            self.stalls.start()
        self.results["construct_s"] = shown - constructing
        if self.args.launched_at is not None:
            self.results["shown_s"] = time.time() - self.args.launched_at
        from PySide6.QtWidgets import QAbstractItemView

        view = self.window.findChild(QAbstractItemView, "articleView")
        if view is None:
            raise LookupError("the window has no view named articleView")
        self.view = view
        expected = self.args.expected
        marks: dict[str, float] = {}

        def note_rows(*_: object) -> None:
            count = self.source_model().rowCount()
            now = time.perf_counter()
            if count and "first" not in marks:
                marks["first"] = now
            if count >= expected and "all" not in marks:
                marks["all"] = now

        source = self.source_model()
        for signal in (source.rowsInserted, source.modelReset, source.layoutChanged):
            signal.connect(note_rows)
        loaded = self.wait_until(lambda: note_rows() or "all" in marks, self.args.load_timeout)
        self.results["rows_seen"] = self.source_model().rowCount()
        if "first" in marks:
            self.results["first_rows_s"] = marks["first"] - shown
        if not loaded:
            seen = self.results["rows_seen"]
            limit = self.args.load_timeout
            raise TimeoutError(f"{seen} of {expected} rows after {limit:.0f} s")
        self.results["all_rows_s"] = marks["all"] - shown
        if self.profiler is not None:  # the rows' own cost, apart from what follows them
            self.profiler.dump_stats(f"{self.args.profile}.rows")
            self.profiler.enable()
        # From show() on: what each thread spent while the rows came.
        self.results["thread_cpu_loading_s"] = {
            name: round(seconds - cpu_at_shown.get(name, 0.0), 3)
            for name, seconds in _thread_cpu_s().items()
        }
        self.run_for(SETTLE_S)
        # After the rows come the watches (one per file, armed a few hundred at a time) and
        # a first rescan.  An edit made before they are in place is only caught by the
        # periodic rescan, so the live-change step waits for them, and their cost counts
        # as loading.
        library = self.window.library()
        if self.wait_until(library.is_settled, self.args.load_timeout):
            self.results["watching_s"] = time.perf_counter() - marks["all"]
        else:
            self.results["errors"].append("load: the library never settled after loading")
        self.results["gap_loading_s"] = self.ticks.worst()
        self.results["gap_loading_began_s"] = self.ticks.worst_began()
        self.ticks.reset()

    def source_model(self) -> Any:
        model = self.view.model()
        source = getattr(model, "sourceModel", None)
        return source() if source is not None and source() is not None else model

    def source_row(self, article_id: str) -> int | None:
        from PySide6.QtCore import Qt

        source = self.source_model()
        row_of = getattr(source, "row_of", None)
        if row_of is not None:
            return row_of(article_id)
        role = Qt.ItemDataRole.UserRole
        for row in range(source.rowCount()):
            if source.index(row, 0).data(role) == article_id:
                return row
        return None

    def row_texts(self, article_id: str) -> list[str]:
        source = self.source_model()
        row = self.source_row(article_id)
        if row is None:
            return []
        return [str(source.index(row, column).data()) for column in range(source.columnCount())]

    # -- the interactions ------------------------------------------------------------------------

    def _remember(self, path: Path) -> bytes:
        if path not in self.originals:
            self.originals[path] = path.read_bytes()
        return self.originals[path]

    def _restore_files(self) -> None:
        for path, data in self.originals.items():
            try:
                if path.read_bytes() != data:
                    path.write_bytes(data)
            except OSError as exc:
                self.results["errors"].append(f"restore: {path}: {exc}")

    def _external_change(self) -> None:
        path = self.folder / self.args.edit_id
        original = self._remember(path)
        new_title = f"Bench edit {os.getpid()}"
        changed, replaced = re.subn(
            rb"(?m)^title: .*$", f'title: "{new_title}"'.encode(), original, count=1
        )
        if not replaced:
            raise ValueError(f"{path} has no title line to change")
        started = time.perf_counter()
        with open(path, "wb") as handle:
            handle.write(changed)
        if not self.wait_until(lambda: new_title in self.row_texts(self.args.edit_id), 10):
            raise TimeoutError("the changed title did not appear in the list within 10 s")
        self.results["change_visible_s"] = time.perf_counter() - started

    def _spread_edits(self) -> None:
        """Edit files spread across the folder; each until its new title is in the list.

        The files sit at :data:`SPREAD_FRACTIONS` of the sorted names (the oldest and newest
        parts of a dated folder alike); every other one is written in place, the rest are
        saved the way editors do, to a temp file renamed over the original.
        """
        latencies: list[float] = []
        for number, (article_id, changed, title) in enumerate(self.spread_targets):
            path = self.folder / article_id
            started = time.perf_counter()
            if number % 2 == 0:
                with open(path, "wb") as handle:
                    handle.write(changed)
            else:
                temp = path.with_name(f".{path.name}.bench-save")
                temp.write_bytes(changed)
                os.replace(temp, path)
            shown = partial(self._shows_title, article_id, title)
            if not self.wait_until(shown, 10):
                raise TimeoutError(f"the new title of {article_id} did not appear within 10 s")
            latencies.append(time.perf_counter() - started)
            self.run_for(SPREAD_PAUSE_S)
        latencies.sort()
        self.results["spread_visible_s"] = latencies
        self.results["spread_median_s"] = latencies[len(latencies) // 2]
        self.results["spread_worst_s"] = latencies[-1]

    def _grouped_changes(self) -> None:
        """Group by Story on, then the spread edits with the stories shown: each edit until
        its new title is in the list and a new grouping of the folder is in the tree.

        ``grouped_ready_s`` is the action to the first grouping shown (``gap_grouping_s`` its
        worst event-loop gap, grouping running in the background); ``grouped_regroup_s`` each
        edit's write to its regrouping shown, ``gap_grouped_changes_s`` their worst gap.
        """
        from PySide6.QtGui import QAction

        from reader.ui.story_model import StoryGrouping, StoryTreeModel

        action = self.window.findChild(QAction, "actionGroupByStory")
        grouping = self.window.findChild(StoryGrouping)
        tree = self.window.findChild(StoryTreeModel)
        if action is None or grouping is None or tree is None:
            raise LookupError("the window has no Group by Story action, grouping or tree")
        groupings = [0]
        grouping.storiesReady.connect(lambda *_: groupings.__setitem__(0, groupings[0] + 1))

        def regrouped(after: int) -> bool:
            return groupings[0] > after and tree.is_current() and tree.rowCount() > 0

        self.ticks.reset()
        started = time.perf_counter()
        action.setChecked(True)
        if not self.wait_until(partial(regrouped, 0), 120):
            raise TimeoutError("the stories did not show within 120 s")
        self.results["grouped_ready_s"] = time.perf_counter() - started
        self.results["grouped_stories"] = tree.rowCount()
        self.run_for(SETTLE_S)
        self.results["gap_grouping_s"] = self.ticks.worst()
        self.ticks.reset()
        latencies: list[float] = []
        for number, (article_id, changed, title) in enumerate(self.spread_targets):
            path = self.folder / article_id
            before = groupings[0]
            started = time.perf_counter()
            if number % 2 == 0:
                path.write_bytes(changed)
            else:
                temp = path.with_name(f".{path.name}.bench-save")
                temp.write_bytes(changed)
                os.replace(temp, path)
            if not self.wait_until(partial(self._shows_title, article_id, title), 10):
                raise TimeoutError(f"the new title of {article_id} did not appear within 10 s")
            if not self.wait_until(partial(regrouped, before), 60):
                raise TimeoutError(f"no regrouping after editing {article_id} within 60 s")
            latencies.append(time.perf_counter() - started)
            self.run_for(SPREAD_PAUSE_S)
        self.results["grouped_regroup_s"] = sorted(latencies)
        self.results["gap_grouped_changes_s"] = self.ticks.worst()

    def _choose_spread_targets(self) -> None:
        """Pick the spread edits' files before the step is timed (walking 100,000 names
        on the GUI thread would show up as the step's own event-loop gap)."""
        names = sorted(
            os.path.relpath(os.path.join(directory, name), self.folder).replace(os.sep, "/")
            for directory, _dirs, files in os.walk(self.folder)
            for name in files
            if not name.startswith(".")
        )
        self.spread_targets = [
            self._titled_near(names, int(fraction * len(names)), number)
            for number, fraction in enumerate(SPREAD_FRACTIONS)
        ]

    def _shows_title(self, article_id: str, title: str) -> bool:
        return title in self.row_texts(article_id)

    def _titled_near(
        self, names: list[str], start: int, number: int
    ) -> tuple[str, bytes, str]:
        """The first article from ``start`` on with a title line, and its edited bytes."""
        title = f"Spread edit {number} {os.getpid()}"
        for article_id in names[start:] + names[:start]:
            path = self.folder / article_id
            original = self._remember(path)
            changed, replaced = re.subn(
                rb"(?m)^title: .*$", f'title: "{title}"'.encode(), original, count=1
            )
            if replaced and self.source_row(article_id) is not None:
                return article_id, changed, title
            del self.originals[path]
        raise ValueError("no article with a title line to edit")

    def _search_keystroke(self) -> None:
        """One character typed into search: the filtered list, then the body matches."""
        from PySide6.QtCore import QTimer
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QLineEdit

        field = self.window.findChild(QLineEdit, "searchField")
        if field is None:
            raise LookupError("the window has no line edit named searchField")
        proxy = self.view.model()
        before = proxy.rowCount()
        marks: dict[str, float] = {}

        def idle_again() -> None:
            now = time.perf_counter()
            marks.setdefault("first_idle", now)
            marks["idle"] = now

        def changed(*_: object) -> None:
            marks["last"] = time.perf_counter()
            marks.pop("idle", None)
            QTimer.singleShot(0, idle_again)

        def bodies_done(*_: object) -> None:
            marks["bodies"] = time.perf_counter()
            changed()

        library = getattr(self.window, "library", None)
        body_signal = getattr(library(), "bodySearchFinished", None) if library else None
        signals = [proxy.rowsInserted, proxy.rowsRemoved, proxy.modelReset, proxy.layoutChanged]
        for signal in signals:
            signal.connect(changed)
        if body_signal is not None:
            body_signal.connect(bodies_done)
        started = time.perf_counter()
        QTest.keyClicks(field, self.args.search_text)
        returned = time.perf_counter()
        self.wait_until(lambda: "first_idle" in marks, 1)

        def settled() -> bool:
            if body_signal is not None and "bodies" not in marks:
                return False
            quiet = time.perf_counter() - marks.get("last", returned) >= SETTLE_S
            return quiet and ("idle" in marks or "last" not in marks)

        self.wait_until(settled, 10)
        for signal in signals:
            signal.disconnect(changed)
        if body_signal is not None:
            body_signal.disconnect(bodies_done)
        self.results["search_sync_s"] = returned - started
        self.results["search_s"] = marks.get("first_idle", returned) - started
        self.results["search_settled_s"] = marks.get("idle", returned) - started
        self.results["search_rows"] = [before, proxy.rowCount()]
        field.clear()
        self.wait_until(lambda: proxy.rowCount() == before, 10)

    def _type_word(self) -> None:
        """The editor types a word soon after opening: :data:`TYPE_AT_S` after ``show()``,
        one key every :data:`TYPE_KEY_MS`, each key a separate turn of the event loop, then
        until the list (body matches included) has been still for :data:`SETTLE_S`.  The
        event-loop gaps meanwhile are what the editor feels as keys that do not appear."""
        from PySide6.QtCore import Qt, QTimer
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QLineEdit

        field = self.window.findChild(QLineEdit, "searchField")
        if field is None:
            raise LookupError("the window has no line edit named searchField")
        proxy = self.view.model()
        before = proxy.rowCount()
        wait = self.args.type_at - (time.perf_counter() - self.shown_at)
        if wait > 0:
            self.run_for(wait)
        marks: dict[str, float] = {}

        def changed(*_: object) -> None:
            marks["last"] = time.perf_counter()

        library = self.window.library()
        signals = [proxy.rowsInserted, proxy.rowsRemoved, proxy.modelReset, proxy.layoutChanged]
        for signal in (*signals, library.bodySearchFinished):
            signal.connect(changed)
        field.setFocus(Qt.FocusReason.OtherFocusReason)
        keys = list(self.args.type_word)
        timer = QTimer()
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        timer.setInterval(TYPE_KEY_MS)

        def next_key() -> None:
            if keys:
                QTest.keyClick(field, keys.pop(0))
            if not keys:
                timer.stop()
                marks["typed"] = time.perf_counter()

        profiler = None
        if self.args.profile is not None:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        self.ticks.reset()
        started = time.perf_counter()
        self.results["typed_at_s"] = started - self.shown_at
        next_key()
        timer.timeout.connect(next_key)
        timer.start()
        word = self.args.type_word

        def settled() -> bool:
            if "typed" not in marks or field.text() != word:
                return False
            if proxy.missing_body_terms():
                return False
            last = max(marks["typed"], marks.get("last", 0.0))
            return time.perf_counter() - last >= SETTLE_S

        if not self.wait_until(settled, 20):
            self.results["errors"].append("search: the typed word's results never settled")
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(f"{self.args.profile}.typing.prof")
        for signal in (*signals, library.bodySearchFinished):
            signal.disconnect(changed)
        self.results["type_settled_s"] = marks.get("last", started) - started
        self.results["type_rows"] = [before, proxy.rowCount()]

    def _publish_toggle(self) -> None:
        from PySide6.QtCore import QItemSelectionModel
        from PySide6.QtGui import QAction

        path = self.folder / self.args.publish_id
        self._remember(path)
        action = self.window.findChild(QAction, "actionTogglePublished")
        if action is None:
            raise LookupError("the window has no action named actionTogglePublished")
        proxy = self.view.model()
        source = self.source_model()
        row = self.source_row(self.args.publish_id)
        if row is None:
            raise LookupError(f"{self.args.publish_id} is not in the list")
        index = (
            proxy.mapFromSource(source.index(row, 0))
            if proxy is not source
            else (source.index(row, 0))
        )
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.view.selectionModel().setCurrentIndex(index, flags)
        self.wait_until(action.isEnabled, 2)
        started = time.perf_counter()
        action.trigger()
        written = self.wait_until(lambda: b"published: true" in path.read_bytes(), 10)
        if not written:
            raise TimeoutError("the file did not say published: true within 10 s")
        self.results["publish_written_s"] = time.perf_counter() - started


class _GapProbe:
    """A 5 ms timer that remembers the longest interval between its ticks."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(GAP_TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.last = time.perf_counter()
        self.longest = 0.0
        self.longest_began = self.last
        self.origin = self.last

    def start(self) -> None:
        self.reset()
        self.timer.start()

    def reset(self) -> None:
        self.last = self.origin = self.longest_began = time.perf_counter()
        self.longest = 0.0

    def worst_began(self) -> float:
        """When the longest interval began, in seconds since the last reset."""
        if time.perf_counter() - self.last > self.longest:
            return self.last - self.origin
        return self.longest_began - self.origin

    def worst(self) -> float:
        """The longest interval so far, counting the one still running."""
        return max(self.longest, time.perf_counter() - self.last)

    def _tick(self) -> None:
        now = time.perf_counter()
        if now - self.last > self.longest:
            self.longest = now - self.last
            self.longest_began = self.last
        self.last = now


def _thread_cpu_seconds() -> dict[int, tuple[str, float]]:
    """OS thread id -> (thread name, user+system CPU seconds) for this process (Linux)."""
    ticks_per_second = os.sysconf("SC_CLK_TCK")
    threads: dict[int, tuple[str, float]] = {}
    try:
        tids = os.listdir("/proc/self/task")
    except OSError:
        return threads
    for tid in tids:
        try:
            with open(f"/proc/self/task/{tid}/stat", encoding="ascii", errors="replace") as handle:
                text = handle.read()
        except OSError:
            continue
        name = text[text.find("(") + 1 : text.rfind(")")]
        fields = text[text.rfind(")") + 2 :].split()
        threads[int(tid)] = (name, (int(fields[11]) + int(fields[12])) / ticks_per_second)
    return threads


class _StallSampler(threading.Thread):
    """A poor man's sampling profiler that looks only while the event loop is stalled.

    cProfile sees the GUI thread's Python calls, but not a worker thread holding the GIL or
    C++ work inside Qt; when the 5 ms tick is more than :data:`STALL_S` late, this thread
    records the innermost frames of every thread every 10 ms, and how much CPU each OS
    thread (Qt's own included) used during the stall, from ``/proc/self/task``: together
    they say who was running while the window could not react.
    """

    def __init__(self, ticks: _GapProbe) -> None:
        super().__init__(name="stall-sampler", daemon=True)
        self.ticks = ticks
        self.gui_thread = threading.get_ident()
        self.halt = threading.Event()
        self.stalls: dict[float, Counter[str]] = {}
        self.lengths: dict[float, float] = {}
        self.cpu: dict[float, dict[str, float]] = {}
        self.origin = ticks.origin

    def stop(self) -> None:
        self.halt.set()
        self.join(1)

    def run(self) -> None:
        self.origin = self.ticks.origin
        names = {}
        cpu_before = _thread_cpu_seconds()
        while not self.halt.wait(STALL_SAMPLE_S):
            began = self.ticks.last
            late = time.perf_counter() - began
            if late < STALL_S:
                cpu_before = _thread_cpu_seconds()
                continue
            names.update({thread.ident: thread.name for thread in threading.enumerate()})
            samples = self.stalls.setdefault(began, Counter())
            self.lengths[began] = late
            self.cpu[began] = self._cpu_by_name(cpu_before)
            for ident, frame in sys._current_frames().items():
                if ident == self.ident:
                    continue
                name = "GUI" if ident == self.gui_thread else names.get(ident, str(ident))
                stack = traceback.extract_stack(frame)[-4:]
                where = " < ".join(
                    f"{Path(item.filename).name}:{item.lineno} {item.name}"
                    for item in reversed(stack)
                )
                samples[f"[{name}] {where}"] += 1

    def _cpu_by_name(self, before: dict[int, tuple[str, float]]) -> dict[str, float]:
        """CPU seconds each thread used since ``before`` (10 ms ticks), by thread name."""
        python_names = {thread.native_id: thread.name for thread in threading.enumerate()}
        python_names[threading.main_thread().native_id] = "GUI"
        used: dict[str, float] = {}
        for tid, (os_name, seconds) in _thread_cpu_seconds().items():
            delta = seconds - before.get(tid, (os_name, 0.0))[1]
            if delta > 0:
                name = python_names.get(tid, f"{os_name} (native)")
                used[name] = used.get(name, 0.0) + delta
        return used

    def report(self, since: str) -> str:
        if not self.stalls:
            return f"no event-loop stall over {STALL_S * 1000:.0f} ms\n"
        origin = self.origin
        lines = [
            "A GUI-thread stack that ends in the probe's own wait (QEventLoop.exec) means Qt's",
            "C++ was running with no Python call on top: view layout, painting, proxy mapping.",
            "",
        ]
        longest_first = sorted(self.stalls, key=lambda began: -self.lengths[began])
        for began in longest_first:
            lines.append(
                f"stall of at least {self.lengths[began] * 1000:.0f} ms, "
                f"{began - origin:.3f} s after {since}"
            )
            cpu = sorted(self.cpu.get(began, {}).items(), key=lambda item: -item[1])
            used = ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in cpu[:8])
            lines.append(f"  CPU used meanwhile: {used or 'none measurable'}")
            lines.append("  samples per thread and stack:")
            for where, count in self.stalls[began].most_common(12):
                lines.append(f"  {count:4d}  {where}")
            lines.append("")
        return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
