"""The measurements, run side by side, and the table that compares them.

Every measurement is a separate process timed from the outside (wall clock, interpreter start
included), because that is what an editor waits for and because it keeps one run from warming
the next.  Each repetition runs every measurement once, in turn - floor, baseline, cold list,
warm list, window - so a burst of load from elsewhere on a shared machine hits all of them
alike and the ratios hold even when the absolute times wander; the table reports the median
of the repetitions and their spread.

* floor: a process that walks the folder with ``os.scandir`` and reads every article's bytes,
  nothing else: no program that looks at every file can be faster.
* baseline: the same walk calling ``frontmatter.load(path)`` (python-frontmatter, with
  libyaml's ``CSafeLoader`` when PyYAML has it) on each file, catching the malformed ones:
  what a Python user would write first.
* ``reader list FOLDER --json``: cold with an empty ``XDG_CACHE_HOME`` each run, warm with one
  cache primed before the first repetition.
* the window: :mod:`reader.bench.window_probe` in its own process, offscreen, fresh XDG folders
  (a cold start, then the interactions); and once more on the warm list's primed cache,
  opening the folder only.

The OS page cache is warm for all of them (the folder has just been generated or read by an
untimed floor run): the benchmark compares programs, not disks.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader.bench.generate import GeneratedFolder, cached_folder, default_cache_base
from reader.bench.query_bench import QUERY_ROWS

MEASUREMENTS = (
    "floor", "baseline", "list-cold", "list-warm", "window", "window-warm", "query",
)
"""What ``--only`` accepts, in the order each repetition runs them."""

_WALK = """
import os, sys
SUFFIXES = (".txt", ".md", ".markdown")
def walk(path):
    with os.scandir(path) as entries:
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                yield from walk(entry.path)
            elif entry.name.lower().endswith(SUFFIXES):
                yield entry.path
"""

FLOOR_SCRIPT = (
    _WALK
    + """
count = 0
for path in walk(sys.argv[1]):
    with open(path, "rb") as handle:
        handle.read()
    count += 1
print(count)
"""
)

BASELINE_SCRIPT = (
    _WALK
    + """
import frontmatter
posts = []
for path in walk(sys.argv[1]):
    try:
        posts.append(frontmatter.load(path))
    except Exception:
        posts.append(None)
print(len(posts))
"""
)


class MeasurementError(Exception):
    """One measurement could not be taken; the message says which and why."""


@dataclass(frozen=True)
class Target:
    """A goal from issue 5: ``limit`` in seconds or MB, or a multiple of the baseline."""

    text: str
    limit: float
    of_baseline: bool = False

    def met(self, value: float, baseline: float | None) -> bool | None:
        if self.of_baseline:
            return None if baseline is None else value <= self.limit * baseline
        return value <= self.limit


@dataclass(frozen=True)
class Row:
    """One line of the table: a metric, how to show it, and the target it is held to."""

    key: str
    label: str
    unit: str = "s"
    ratios: bool = False
    target: Target | None = None


def _memory_rows(prefix: str, what: str) -> tuple[Row, Row]:
    """The GUI process's peak memory and the whole process tree's (issue 19: < 1 GB)."""
    return (
        Row(f"{prefix}peak_memory_gui", f"{what}: peak memory (RSS), GUI process", unit="MB"),
        Row(
            f"{prefix}peak_memory",
            f"{what}: peak memory (RSS), whole process tree",
            unit="MB",
            target=Target("< 1024 MB", 1024),
        ),
    )


ROWS: tuple[Row, ...] = (
    Row("floor", "floor: read every file's bytes", ratios=True),
    Row("baseline", "baseline: python-frontmatter loop", ratios=True),
    Row(
        "list_cold",
        "reader list --json, cold cache",
        ratios=True,
        target=Target("<= 0.25x baseline", 0.25, of_baseline=True),
    ),
    Row(
        "list_warm",
        "reader list --json, warm cache",
        ratios=True,
        target=Target("<= 0.05x baseline", 0.05, of_baseline=True),
    ),
    Row("window_shown", "window: launch to shown"),
    Row("window_first_rows", "window: shown to first rows", target=Target("<= 0.3 s", 0.3)),
    Row(
        "window_all_rows",
        "window: shown to every row",
        ratios=True,
        target=Target("<= 0.25x baseline", 0.25, of_baseline=True),
    ),
    Row(
        "window_launch_all_rows",
        "window: launch to every row (interpreter start included)",
        ratios=True,
        target=Target("<= 0.25x baseline", 0.25, of_baseline=True),
    ),
    Row("watching", "window: every row to every file watched"),
    Row("gap_loading", "window: worst event-loop gap, loading", target=Target("<= 0.1 s", 0.1)),
    Row("gap_after", "window: worst event-loop gap, actions", target=Target("<= 0.1 s", 0.1)),
    *_memory_rows("", "window"),
    Row(
        "change_visible", "window: file changed on disk to visible", target=Target("<= 0.5 s", 0.5)
    ),
    Row("search", "window: search keystroke to filtered list", target=Target("< 0.05 s", 0.05)),
    Row("search_settled", "window: same, body matches in too"),
    Row("publish_written", "window: publish toggle to file written"),
    Row(
        "warm_first_rows",
        "window, warm cache: shown to first rows",
        target=Target("<= 0.3 s", 0.3),
    ),
    Row(
        "warm_all_rows",
        "window, warm cache: shown to every row",
        ratios=True,
        target=Target("<= 2 s", 2.0),
    ),
    Row(
        "warm_gap", "window, warm cache: worst event-loop gap", target=Target("<= 0.1 s", 0.1)
    ),
    Row(
        "warm_spread_median",
        "window, warm cache: edit anywhere to visible, median of 5",
        target=Target("<= 0.5 s", 0.5),
    ),
    Row(
        "warm_spread_worst",
        "window, warm cache: edit anywhere to visible, worst of 5",
        target=Target("<= 1 s", 1.0),
    ),
    Row(
        "warm_gap_spread",
        "window, warm cache: worst gap, edits",
        target=Target("<= 0.1 s", 0.1),
    ),
    Row(
        "warm_gap_search",
        "window, warm cache: worst gap, typing a word ~10 s after opening",
        target=Target("<= 0.1 s", 0.1),
    ),
    *_memory_rows("warm_", "window, warm cache"),
    *(
        Row(key, label, target=None if limit is None else Target(f"<= {limit:g} s", limit))
        for key, label, limit in QUERY_ROWS
    ),
)

_PROBE_KEYS = {
    "window_shown": "shown_s",
    "window_first_rows": "first_rows_s",
    "window_all_rows": "all_rows_s",
    "watching": "watching_s",
    "gap_loading": "gap_loading_s",
    "gap_after": "gap_after_s",
    "change_visible": "change_visible_s",
    "search": "search_s",
    "search_settled": "search_settled_s",
    "publish_written": "publish_written_s",
}

_WARM_PROBE_KEYS = {
    "warm_first_rows": "first_rows_s",
    "warm_all_rows": "all_rows_s",
    "warm_gap": "gap_loading_s",
    "warm_spread_median": "spread_median_s",
    "warm_spread_worst": "spread_worst_s",
    "warm_gap_spread": "gap_spread_s",
    "warm_gap_search": "gap_search_s",
}


@dataclass
class SizeResult:
    """Everything measured for one folder size."""

    folder: GeneratedFolder
    repeat: int
    samples: dict[str, list[float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    probes: list[dict[str, Any]] = field(default_factory=list)
    load_before: float = 0.0
    load_after: float = 0.0
    elapsed_s: float = 0.0

    def add(self, key: str, value: float) -> None:
        self.samples.setdefault(key, []).append(value)

    def median(self, key: str) -> float | None:
        values = self.samples.get(key)
        return statistics.median(values) if values else None

    def to_json(self) -> dict[str, Any]:
        return {
            "folder": self.folder.to_json(),
            "repeat": self.repeat,
            "samples": self.samples,
            "medians": {key: self.median(key) for key in self.samples},
            "notes": self.notes,
            "probes": self.probes,
            "load_average": [self.load_before, self.load_after],
            "elapsed_s": self.elapsed_s,
        }


# -- running processes -------------------------------------------------------------------


def _repository_root() -> Path:
    import reader

    return Path(reader.__file__).resolve().parent.parent


class Runner:
    """Starts the measured processes with a clean, private environment for each."""

    def __init__(self, scratch: Path, timeout_s: float) -> None:
        self.scratch = scratch
        self.timeout_s = timeout_s
        self._counter = 0
        root = str(_repository_root())
        path = os.environ.get("PYTHONPATH", "")
        self.base_env = {
            **os.environ,
            "PYTHONPATH": root + (os.pathsep + path if path else ""),
            "QT_QPA_PLATFORM": "offscreen",
        }

    def fresh_dir(self, name: str) -> Path:
        self._counter += 1
        path = self.scratch / f"{name}-{self._counter}"
        path.mkdir(parents=True)
        return path

    def env(self, home: Path) -> dict[str, str]:
        """XDG folders under ``home``: reader's cache, settings and logs stay out of the user's."""
        return {
            **self.base_env,
            "XDG_CACHE_HOME": str(home / "cache"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_STATE_HOME": str(home / "state"),
            "XDG_DATA_HOME": str(home / "data"),
        }

    def run(self, name: str, command: Sequence[str], env: dict[str, str]) -> tuple[float, bytes]:
        """Wall-clock seconds of ``command`` and its stdout; :class:`MeasurementError` if it fails.

        stdout goes to a file rather than a pipe so the parent does not compete for the CPU
        while the measured process writes tens of megabytes of JSON.
        """
        output = self.scratch / f"{name}.out"
        with open(output, "wb") as stdout, open(self.scratch / f"{name}.err", "wb") as stderr:
            started = time.perf_counter()
            try:
                completed = subprocess.run(  # noqa: S603 (our own interpreter and scripts)
                    command,
                    env=env,
                    stdout=stdout,
                    stderr=stderr,
                    timeout=self.timeout_s,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                message = f"{name}: still running after {self.timeout_s:.0f} s, stopped"
                raise MeasurementError(message) from None
            elapsed = time.perf_counter() - started
        data = output.read_bytes()
        output.unlink()
        if completed.returncode != 0:
            errors = (self.scratch / f"{name}.err").read_text(errors="replace").strip()
            last = errors.splitlines()[-1] if errors else "no message"
            raise MeasurementError(f"{name}: exited with status {completed.returncode}: {last}")
        return elapsed, data


def _count_check(name: str, listed: int, expected: int, result: SizeResult) -> None:
    if listed != expected:
        note = f"{name} saw {listed} of {expected} files"
        if note not in result.notes:
            result.notes.append(note)


def _measure_script(runner: Runner, name: str, script: str, result: SizeResult, key: str) -> None:
    home = runner.fresh_dir(name)
    elapsed, output = runner.run(
        name, [sys.executable, "-c", script, str(result.folder.root)], runner.env(home)
    )
    _count_check(name, int(output.strip() or 0), result.folder.count, result)
    result.add(key, elapsed)


def _reader_list(runner: Runner, name: str, home: Path, result: SizeResult) -> float:
    command = [sys.executable, "-m", "reader", "list", str(result.folder.root), "--json"]
    elapsed, output = runner.run(name, command, runner.env(home))
    _count_check(name, output.count(b"\n"), result.folder.count, result)
    return elapsed


def _measure_window(
    runner: Runner,
    result: SizeResult,
    load_timeout: float,
    profile: Path | None = None,
    warm_home: Path | None = None,
    type_at: float | None = None,
) -> dict[str, Any]:
    """One probe run; its numbers join ``result`` unless it was a profiling run.

    With ``warm_home`` (whose cache a ``reader list`` primed) the probe only opens the
    folder: the start an editor has every morning, everything already in the cache.
    """
    folder = result.folder
    targets = [folder.root / folder.edit_target, folder.root / folder.publish_target]
    originals = {path: path.read_bytes() for path in targets}
    command = [
        sys.executable,
        "-m",
        "reader.bench.window_probe",
        str(folder.root),
        "--expected",
        str(folder.count),
        "--edit-id",
        folder.edit_target,
        "--publish-id",
        folder.publish_target,
        "--load-timeout",
        str(load_timeout),
        "--launched-at",
        repr(time.time()),
    ]
    if profile is not None:
        command += ["--profile", str(profile)]
    if warm_home is not None:
        command += ["--spread-edits"]
        if type_at is not None:
            command += ["--type-at", repr(type_at)]
    home = warm_home if warm_home is not None else runner.fresh_dir("window")
    try:
        _, output = runner.run("window", command, runner.env(home))
    finally:
        for path, data in originals.items():
            if path.read_bytes() != data:
                path.write_bytes(data)
    lines = output.decode(errors="replace").strip().splitlines()
    try:
        probe = json.loads(lines[-1])
    except (IndexError, ValueError):
        raise MeasurementError("window: the probe printed no result") from None
    if profile is not None:
        return probe
    result.probes.append(probe)
    for error in probe.get("errors", []):
        note = f"window probe: {error}"
        if note not in result.notes:
            result.notes.append(note)
    keys = _WARM_PROBE_KEYS if warm_home is not None else _PROBE_KEYS
    for key, probe_key in keys.items():
        value = probe.get(probe_key)
        if isinstance(value, int | float):
            result.add(key, float(value))
    gui, tree = probe.get("peak_rss_mb"), probe.get("peak_tree_rss_mb")
    prefix = "warm_" if warm_home is not None else ""
    if isinstance(gui, int | float):
        result.add(f"{prefix}peak_memory_gui", float(gui))
    measured = [value for value in (gui, tree) if isinstance(value, int | float)]
    if measured:
        # The tree is sampled every 100 ms, the GUI's own peak exactly: whichever is more.
        result.add(f"{prefix}peak_memory", float(max(measured)))
    shown, all_rows = probe.get("shown_s"), probe.get("all_rows_s")
    if warm_home is None and isinstance(shown, int | float) and isinstance(all_rows, int | float):
        result.add("window_launch_all_rows", float(shown) + float(all_rows))
    return probe


def _write_profiles(
    runner: Runner, result: SizeResult, wanted: set[str], load_timeout: float, directory: Path
) -> None:
    """Untimed extra runs under cProfile (it slows what it watches, so never in the table).

    ``list-cold.prof`` covers the ``reader list`` process (not its parsing workers, should it
    have them); ``window.prof`` the window's GUI thread from building the window until every
    row is in: what stalls the event loop is there.  Read them with ``python -m pstats``.
    """
    directory.mkdir(parents=True, exist_ok=True)
    count = result.folder.count
    if "list-cold" in wanted:
        output = directory / f"list-cold-{count}.prof"
        command = [
            sys.executable,
            "-m",
            "cProfile",
            "-o",
            str(output),
            "-m",
            "reader",
            "list",
            str(result.folder.root),
            "--json",
        ]
        runner.run("profile-list", command, runner.env(runner.fresh_dir("profile-list")))
    if "window" in wanted:
        _measure_window(runner, result, load_timeout, directory / f"window-{count}.prof")


# -- the whole benchmark -----------------------------------------------------------------


def bench_size(
    count: int,
    *,
    repeat: int,
    only: Iterable[str] = MEASUREMENTS,
    seed: int = 1,
    keep: Path | None = None,
    load_timeout: float | None = None,
    profile_dir: Path | None = None,
    type_at: float | None = None,
    progress: Callable[[str], None] = lambda message: None,
) -> SizeResult:
    """Generate (or reuse) the folder of ``count`` articles and measure it ``repeat`` times."""
    wanted = set(only)
    started = time.perf_counter()
    progress(f"{count:,} articles: preparing the folder")
    folder = cached_folder(count, seed, keep or default_cache_base())
    result = SizeResult(folder=folder, repeat=repeat, load_before=os.getloadavg()[0])
    load_timeout = load_timeout or 60 + count / 500
    with tempfile.TemporaryDirectory(prefix="reader-bench-run-") as scratch:
        runner = Runner(Path(scratch), timeout_s=load_timeout + 120 + count / 100)
        warm_home = runner.fresh_dir("warm")

        def attempt(name: str, action: Callable[[], None]) -> None:
            try:
                action()
            except (MeasurementError, OSError) as exc:
                message = str(exc)
                if message not in result.notes:
                    result.notes.append(message)
                progress(f"  {message}")

        # Untimed: the page cache holds the folder, the warm cache is primed.
        attempt(
            "warm-up",
            lambda: runner.run(
                "warm-up",
                [sys.executable, "-c", FLOOR_SCRIPT, str(folder.root)],
                runner.env(runner.fresh_dir("warm-up")),
            ),
        )
        warm_wanted = bool(wanted & {"list-warm", "window-warm"})
        if warm_wanted:
            attempt("prime", lambda: _reader_list(runner, "prime", warm_home, result))
        for round_number in range(1, repeat + 1):
            progress(f"{count:,} articles: run {round_number} of {repeat}")
            if "floor" in wanted:
                attempt(
                    "floor", lambda: _measure_script(runner, "floor", FLOOR_SCRIPT, result, "floor")
                )
            if "baseline" in wanted:
                attempt(
                    "baseline",
                    lambda: _measure_script(
                        runner, "baseline", BASELINE_SCRIPT, result, "baseline"
                    ),
                )
            if "list-cold" in wanted:
                attempt(
                    "list-cold",
                    lambda: result.add(
                        "list_cold",
                        _reader_list(runner, "list-cold", runner.fresh_dir("cold"), result),
                    ),
                )
            if "list-warm" in wanted and "window-warm" in wanted and round_number > 1:
                # Untimed: the last round's warm window edited five files and put their
                # bytes back as it closed, before its grouping process had read them
                # again, so the index holds the edited titles' story features: a list
                # would regroup the folder (0.55 s at 10,000) instead of timing a warm start.
                attempt("prime", lambda: _reader_list(runner, "prime", warm_home, result))
            if "list-warm" in wanted:
                attempt(
                    "list-warm",
                    lambda: result.add(
                        "list_warm", _reader_list(runner, "list-warm", warm_home, result)
                    ),
                )
            if "window" in wanted:
                attempt("window", lambda: _measure_window(runner, result, load_timeout))
            if "window" in wanted and warm_wanted:
                # Untimed: the window run published and edited two files (their bytes are
                # put back, but not their inode and mtime), so the warm cache is primed
                # again; every warm measurement starts from a cache that holds everything.
                attempt("prime", lambda: _reader_list(runner, "prime", warm_home, result))
            if "window-warm" in wanted:
                attempt(
                    "window-warm",
                    lambda: _measure_window(
                        runner, result, load_timeout, warm_home=warm_home, type_at=type_at
                    ),
                )
            if "query" in wanted:
                attempt("query", lambda: _measure_query(runner, folder.root, warm_home, result))
        if profile_dir is not None:
            progress(f"{count:,} articles: profiling (untimed) into {profile_dir}")
            attempt(
                "profile",
                lambda: _write_profiles(runner, result, wanted, load_timeout, profile_dir),
            )
    result.load_after = os.getloadavg()[0]
    result.elapsed_s = time.perf_counter() - started
    return result


def _measure_query(runner: Runner, root: Path, home: Path, result: SizeResult) -> None:
    """The search language's rows (:mod:`reader.bench.query_bench`), timed inside."""
    command = [sys.executable, "-m", "reader.bench.query_bench", str(root)]
    _elapsed, output = runner.run("query", command, runner.env(home))
    values = json.loads(output)
    for key, _label, _limit in QUERY_ROWS:
        result.add(key, float(values[key]))


# -- the table ---------------------------------------------------------------------------


def _format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "MB":
        return f"{value:,.0f} MB"
    return f"{value:.3f} s"


def _format_ratio(value: float | None, reference: float | None) -> str:
    if value is None or not reference:
        return "-"
    return f"{value / reference:.2f}x"


def table_rows(result: SizeResult, rows: Sequence[Row] = ROWS) -> list[list[str]]:
    """The table's cells, header first: one row per entry of ``rows`` (every row of
    :data:`ROWS` unless told), always all of them, with the fastest, median and slowest
    run, so that a good run cannot stand in for a typical one."""
    baseline = result.median("baseline")
    floor = result.median("floor")
    header = ["measurement", "min", "median", "max", "x baseline", "x floor", "target", "result"]
    table = [header]
    for row in rows:
        values = result.samples.get(row.key, [])
        value = result.median(row.key)
        verdict = ""
        if row.target is not None and value is not None:
            met = row.target.met(value, baseline)
            verdict = "" if met is None else ("PASS" if met else "MISS")
        elif row.target is not None:
            verdict = "not measured"
        table.append(
            [
                row.label,
                _format_value(min(values), row.unit) if values else "-",
                _format_value(value, row.unit),
                _format_value(max(values), row.unit) if values else "-",
                _format_ratio(value, baseline) if row.ratios else "",
                _format_ratio(value, floor) if row.ratios else "",
                row.target.text if row.target else "",
                verdict,
            ]
        )
    return table


def describe(result: SizeResult) -> str:
    """One line saying what was measured, for above the table."""
    folder = result.folder
    kinds = ", ".join(f"{count:,} {kind}" for kind, count in folder.kinds.items())
    return (
        f"{folder.count:,} articles ({folder.total_bytes / 1e6:.1f} MB: {kinds}), "
        f"median of {result.repeat} run{'s' if result.repeat != 1 else ''}; "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load average {result.load_before:.1f} before, {result.load_after:.1f} after; "
        f"took {result.elapsed_s:.0f} s"
    )


def render_text(result: SizeResult) -> str:
    lines = [describe(result), ""]
    lines += _text_table(table_rows(result))
    lines += [f"note: {note}" for note in result.notes]
    return "\n".join(lines)


def _text_table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = []
    for number, row in enumerate(rows):
        cells = [
            cell.ljust(width) if column == 0 else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return lines


def render_markdown(result: SizeResult) -> str:
    lines = [describe(result), ""]
    lines += _markdown_table(table_rows(result))
    if result.notes:
        lines.append("")
        lines += [f"- {note}" for note in result.notes]
    return "\n".join(lines)


def _markdown_table(rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(rows[0]) + " |"]
    lines.append("|" + "|".join(["---"] + ["---:"] * (len(rows[0]) - 1)) + "|")
    for row in rows[1:]:
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    return lines


# -- the issue's two tables --------------------------------------------------------------

ISSUE_TABLES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "cold start",
        "smallest",
        (
            "floor", "baseline", "list_cold", "list_warm", "window_launch_all_rows",
            "window_first_rows", "gap_loading", "peak_memory_gui", "peak_memory",
        ),
    ),
    (
        "warm start",
        "largest",
        (
            "floor", "baseline", "warm_first_rows", "warm_all_rows", "warm_gap",
            "warm_spread_median", "warm_gap_search", "warm_peak_memory_gui",
            "warm_peak_memory", "list_cold",
        ),
    ),
)
"""Issue 19's tables: the cold start at the smallest size measured (10,000 in the issue),
the warm start of the largest (100,000), each row as in the full table of its size."""


def issue_tables(results: Sequence[SizeResult]) -> list[tuple[str, list[list[str]]]]:
    """``(title, cells)`` of each of :data:`ISSUE_TABLES`, from the results of one run."""
    if not results:
        return []
    by_size = sorted(results, key=lambda result: result.folder.count)
    rows_by_key = {row.key: row for row in ROWS}
    tables = []
    for title, which, keys in ISSUE_TABLES:
        result = by_size[0] if which == "smallest" else by_size[-1]
        heading = f"{title}, {result.folder.count:,} articles, {result.repeat} runs"
        tables.append((heading, table_rows(result, [rows_by_key[key] for key in keys])))
    return tables


def render_issue_text(results: Sequence[SizeResult]) -> str:
    """The issue's tables as plain text (the full tables of each size come before)."""
    blocks = []
    for heading, cells in issue_tables(results):
        blocks.append("\n".join([heading, "", *_text_table(cells)]))
    return "\n\n".join(blocks)


def render_issue_markdown(results: Sequence[SizeResult]) -> str:
    blocks = []
    for heading, cells in issue_tables(results):
        blocks.append("\n".join([f"**{heading}**", "", *_markdown_table(cells)]))
    return "\n\n".join(blocks)
