"""Resource bombs: hostile files are listed within bounded time and memory.

Each bomb is put in a folder beside a normal seed and listed by a separate Python process
(the index's ``load_folder``, cold then from the warm cache, then the detail of the bomb,
as the window does; and ``reader list --json`` / ``reader show --json``).  The parent
measures the child's wall time; the child records its own peak resident memory (``VmHWM``)
plus the summed memory of any parser processes it starts, and both are held to generous
bounds: **under 20 s, and under 600 MB in all**.  These are robustness bounds, not
performance targets: a bomb that got through would take minutes or gigabytes.  Where the
file is broken, it must be listed with one clear problem and the seed beside it must load
normally.

The measurements are printed (run with ``-s`` to see them).  The folder of empty files
holds 20,000 of them in CI and 100,000 with ``READER_LONG_TESTS=1``.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from seed_files import SEED_FULL, SEEDS

from reader.domain.parse import MAX_FILE_BYTES

PROJECT = Path(__file__).resolve().parents[2]
LONG = os.environ.get("READER_LONG_TESTS") == "1"
EMPTY_FILES = 100_000 if LONG else 20_000

WALL_SECONDS_BOUND = 20.0
PEAK_RSS_MB_BOUND = 600.0
CHILD_TIMEOUT = 120.0
"""A hung child is killed after this long, so a regression fails instead of hanging CI."""


# -- the bombs ---------------------------------------------------------------------------


def billion_laughs() -> bytes:
    lines = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        refs = ", ".join([f"*lol{level - 1}"] * 9)
        lines.append(f"lol{level}: &lol{level} [{refs}]")
    lines += ["title: *lol9", "related:", "  - title: *lol9", "topics: *lol9"]
    return ("---\n" + "\n".join(lines) + "\n---\nbody\n").encode()


def nested(opening: str, closing: str, levels: int = 10_000) -> bytes:
    return f"---\ntitle: deep\nx: {opening * levels}{closing * levels}\n---\n".encode()


def nested_block(levels: int = 10_000) -> bytes:
    """``- - - - …`` on one line: block nesting without indentation to pay for it."""
    return ("---\ntitle: deep\nx:\n" + "- " * levels + "leaf\n---\n").encode()


def huge_body(size: int) -> bytes:
    head = b"---\ntitle: Huge body\npublished: false\n---\n"
    line = b"All work and no play makes Jack a dull boy. " * 20 + b"\n"
    return head + line * (size // len(line) + 1)


def wide_front_matter(size: int) -> bytes:
    """About 700,000 keys in 8 MB: plain YAML that would take seconds and 500 MB to build."""
    lines = b"".join(b"k%07d: v\n" % index for index in range(size // 12))
    return b"---\ntitle: Wide\n" + lines + b"---\nbody\n"


def wide_flow(values: int) -> bytes:
    return b"---\ntitle: Wide\nx: [" + b"1," * values + b"1]\n---\n"


def make_special_files(root: Path) -> None:
    """A 10 GB sparse file, a FIFO and links to devices, all named like articles."""
    with open(root / "sparse-10-gb.txt", "wb") as handle:
        handle.truncate(10 * 1024**3)
    os.mkfifo(root / "pipe.txt")
    os.symlink("/dev/zero", root / "zero.txt")
    os.symlink("/dev/urandom", root / "random.md")
    os.symlink("loop.txt", root / "loop.txt")


def binary_noise() -> bytes:
    noise = random.Random(6).randbytes(64 * 1024)
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + noise


@dataclass(frozen=True)
class Bomb:
    name: str
    files: Callable[[], dict[str, bytes]]
    """The bomb's files, by article id."""
    list_error: dict[str, str] = field(default_factory=dict)
    """id -> words the listed summary's error must contain (no entry: no error)."""
    detail_error: dict[str, str] = field(default_factory=dict)
    """id -> words the detail's error must contain (defaults to ``list_error``)."""
    max_title: dict[str, int] = field(default_factory=dict)
    show: tuple[str, ...] = ()
    """Ids whose detail is read too (as the window's detail pane does)."""
    prepare: Callable[[Path], None] | None = None
    """Makes files that are not plain bytes (FIFOs, links, sparse files)."""
    listed: tuple[str, ...] = ()
    """Ids ``prepare`` makes that must be listed (the others are not articles)."""
    error_line: dict[str, int] = field(default_factory=dict)
    """id -> the file line the error must name, list and detail alike."""


NESTED = "front matter is nested more than 64 levels deep"
"""reader's own words, whether reader, libyaml (PyYAML 6.0.4 stops at 1,000 levels itself)
or Python's recursion limit noticed first: the editor reads the same sentence either way."""

BOMBS = [
    Bomb(
        "billion-laughs",
        lambda: {"laughs.txt": billion_laughs()},
        list_error={"laughs.txt": "expands to more than"},
        show=("laughs.txt",),
    ),
    Bomb(
        "nested-10000-brackets",
        lambda: {"brackets.txt": nested("[", "]")},
        list_error={"brackets.txt": NESTED},
        error_line={"brackets.txt": 3},
        show=("brackets.txt",),
    ),
    Bomb(
        "nested-10000-braces",
        lambda: {"braces.md": nested("{a: ", "}")},
        list_error={"braces.md": NESTED},
        error_line={"braces.md": 3},
        show=("braces.md",),
    ),
    Bomb(
        "nested-10000-unclosed",
        lambda: {"unclosed.txt": nested("[", "")},
        list_error={"unclosed.txt": NESTED},
        error_line={"unclosed.txt": 3},
        show=("unclosed.txt",),
    ),
    Bomb(
        "nested-10000-block-dashes",
        lambda: {"dashes.txt": nested_block()},
        list_error={"dashes.txt": NESTED},
        error_line={"dashes.txt": 4},
                show=("dashes.txt",),
    ),
    Bomb(
        "body-30-mb",
        lambda: {"huge.txt": huge_body(30 * 1024 * 1024)},
        list_error={"huge.txt": "MB limit"},
        show=("huge.txt",),
    ),
    Bomb(
        "body-just-under-the-limit",
        lambda: {"big.txt": huge_body(MAX_FILE_BYTES - 64 * 1024)},
        show=("big.txt",),
    ),
    Bomb(
        "wide-700000-keys",
        lambda: {"wide.txt": wide_front_matter(MAX_FILE_BYTES - 64 * 1024)},
        list_error={"wide.txt": "more than 100,000 values"},
        show=("wide.txt",),
    ),
    Bomb(
        "wide-4000000-flow-values",
        lambda: {"flow.txt": wide_flow(MAX_FILE_BYTES // 2 - 1024)},
        list_error={"flow.txt": "more than 100,000 values"},
        show=("flow.txt",),
    ),
    Bomb(
        "sparse-10-gb-fifo-device-links",
        lambda: {},
        prepare=make_special_files,
        listed=("sparse-10-gb.txt",),
        list_error={"sparse-10-gb.txt": "MB limit"},
        show=("sparse-10-gb.txt",),
    ),
    Bomb(
        "title-10000-characters",
        lambda: {
            "words.txt": b"---\ntitle: " + b"word " * 2000 + b"\n---\n",
            "one-word.txt": b"---\ntitle: " + b"x" * 10_000 + b"\n---\n",
            "body-title.txt": b"y" * 10_000 + b"\n",
        },
        max_title={"words.txt": 500, "one-word.txt": 500, "body-title.txt": 500},
        show=("words.txt", "one-word.txt", "body-title.txt"),
    ),
    Bomb(
        "binary-named-txt",
        lambda: {
            "image.txt": binary_noise(),
            "zeros.txt": bytes(64 * 1024),
            "latin1.md": "---\ntitle: café\n---\n".encode("latin-1"),
            "utf16.md": "---\ntitle: Unicode\n---\nbody\n".encode("utf-16"),
            "utf16-no-bom.md": "Title line\nbody\n".encode("utf-16-le"),
        },
        list_error={
            "image.txt": "binary",
            "zeros.txt": "binary",
            "latin1.md": "not valid UTF-8",
            "utf16.md": "UTF-16",
            "utf16-no-bom.md": "UTF-16",
        },
        show=("image.txt", "zeros.txt", "latin1.md", "utf16.md", "utf16-no-bom.md"),
    ),
]


def build_folder(root: Path, bomb: Bomb) -> dict[str, bytes]:
    files = bomb.files()
    for article_id, data in files.items():
        (root / article_id).write_bytes(data)
    if bomb.prepare is not None:
        bomb.prepare(root)
    shutil.copy(SEEDS / SEED_FULL, root / SEED_FULL)
    return {**files, **dict.fromkeys(bomb.listed, b"")}


# -- measuring a child process -----------------------------------------------------------


MEASURE_WRAPPER = r"""
import atexit, json, os, runpy, sys, threading

def status_kb(pid, field):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0

def descendants(root):
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found, stack = [], list(children.get(root, ()))
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, ()))
    return found

workers_peak_kb = 0
stop = threading.Event()

def sample():
    global workers_peak_kb
    me = os.getpid()
    while not stop.wait(0.05):
        total = sum(status_kb(pid, "VmRSS:") for pid in descendants(me))
        workers_peak_kb = max(workers_peak_kb, total)

def report():
    stop.set()
    with open(os.environ["READER_MEASURE_FILE"], "w") as out:
        json.dump({"self_kb": status_kb("self", "VmHWM:"), "workers_kb": workers_peak_kb}, out)

threading.Thread(target=sample, daemon=True).start()
atexit.register(report)
mode, target, *rest = sys.argv[1:]
if mode == "-m":
    sys.argv = [target, *rest]
    runpy.run_module(target, run_name="__main__", alter_sys=True)
else:
    sys.argv = ["-c", *rest]
    exec(compile(target, "<child>", "exec"), {"__name__": "__main__"})
"""
"""Runs ``-m module args`` or ``-c code args`` and records peak memory on exit.

The process's own peak is ``VmHWM`` of its memory map (``getrusage`` and ``wait4`` would
include the pytest process's size, which a child inherits at exec); worker processes (the
loader's pool) are sampled every 50 ms and their resident sizes summed.
"""


@dataclass
class Measured:
    returncode: int
    seconds: float
    peak_rss_mb: float
    workers_peak_rss_mb: float
    stdout: str
    stderr: str


def run_measured(argv: list[str]) -> Measured:
    """Run ``[-m module | -c code, *args]`` in a fresh Python to the end, measuring it."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.TemporaryDirectory() as scratch,
    ):
        measure_file = Path(scratch) / "measure.json"
        env = {
            **os.environ,
            "PYTHONPATH": str(PROJECT),
            "READER_MEASURE_FILE": str(measure_file),
        }
        started = time.perf_counter()
        completed = subprocess.run(
            [sys.executable, "-c", MEASURE_WRAPPER, *argv],
            stdout=out,
            stderr=err,
            cwd=PROJECT,
            env=env,
            timeout=CHILD_TIMEOUT,
            check=False,
        )
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        measure = json.loads(measure_file.read_text())
        return Measured(
            returncode=completed.returncode,
            seconds=seconds,
            peak_rss_mb=measure["self_kb"] / 1024,
            workers_peak_rss_mb=measure["workers_kb"] / 1024,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


def assert_bounded(label: str, measured: Measured) -> None:
    print(
        f"\nbomb {label}: {measured.seconds:.2f} s, peak RSS {measured.peak_rss_mb:.0f} MB"
        f" (workers {measured.workers_peak_rss_mb:.0f} MB)"
    )
    assert "Traceback" not in measured.stderr + measured.stdout, measured.stderr[-3000:]
    assert measured.seconds < WALL_SECONDS_BOUND, label
    assert measured.peak_rss_mb + measured.workers_peak_rss_mb < PEAK_RSS_MB_BOUND, label


LOADER_CHILD = r"""
import json, sys
from pathlib import Path
from reader.domain.parse import load_detail
from reader.index.loader import load_folder

root = Path(sys.argv[1])
show = sys.argv[2:]
cold = load_folder(root, use_cache=True)
warm = load_folder(root, use_cache=True)
assert warm.parsed == 0, warm.parsed
assert warm.articles == cold.articles
listed = cold.articles
details = {}
for article_id in show:
    detail = load_detail(root, article_id)
    # Walk everything a detail view or "show --json" would walk.
    json.dumps(detail.front_matter, default=str)
    details[article_id] = {
        "error": detail.summary.error.message if detail.summary.error else None,
        "line": detail.summary.error.line if detail.summary.error else None,
        "title": detail.summary.title,
        "body": len(detail.body),
    }
print(json.dumps({
    "count": len(listed),
    "ids": sorted(listed) if len(listed) <= 100 else [],
    "errors": {i: s.error.message for i, s in listed.items() if s.error},
    "error_lines": {i: s.error.line for i, s in listed.items() if s.error},
    "titles": {i: s.title for i, s in listed.items() if i in show},
    "seed_problems": [p.message for p in listed[%(seed)r].problems],
    "details": details,
}))
""".replace("%(seed)r", repr(SEED_FULL))


def assert_problem_is_clear(message: str) -> None:
    assert message and "\n" not in message and "Traceback" not in message
    assert len(message) < 300


@pytest.mark.parametrize("bomb", BOMBS, ids=[bomb.name for bomb in BOMBS])
def test_bomb_is_listed_within_bounds_by_the_loader(tmp_path: Path, bomb: Bomb) -> None:
    pytest.importorskip("reader.index.loader")
    files = build_folder(tmp_path, bomb)
    measured = run_measured(["-c", LOADER_CHILD, str(tmp_path), *bomb.show])
    assert_bounded(f"{bomb.name} (load_folder cold+warm, detail)", measured)
    assert measured.returncode == 0, measured.stderr[-3000:]
    report = json.loads(measured.stdout)
    assert sorted(report["ids"]) == sorted([*files, SEED_FULL])
    assert report["seed_problems"] == []
    for article_id in files:
        expected = bomb.list_error.get(article_id)
        message = report["errors"].get(article_id)
        if expected is None:
            assert message is None, message
        else:
            assert message is not None and expected in message, message
            assert_problem_is_clear(message)
        if article_id in bomb.error_line:
            assert report["error_lines"][article_id] == bomb.error_line[article_id]
    for article_id in bomb.show:
        detail = report["details"][article_id]
        expected = bomb.detail_error.get(article_id, bomb.list_error.get(article_id))
        if expected is None:
            assert detail["error"] is None, detail["error"]
        else:
            assert detail["error"] is not None and expected in detail["error"]
            assert_problem_is_clear(detail["error"])
        if article_id in bomb.error_line:
            assert detail["line"] == bomb.error_line[article_id]
    for article_id, limit in bomb.max_title.items():
        assert 0 < len(report["titles"][article_id]) <= limit
        assert 0 < len(report["details"][article_id]["title"]) <= limit


@pytest.mark.parametrize("bomb", BOMBS, ids=[bomb.name for bomb in BOMBS])
def test_bomb_is_listed_and_shown_within_bounds_by_the_command_line(
    tmp_path: Path, bomb: Bomb
) -> None:
    pytest.importorskip("reader.cli")
    files = build_folder(tmp_path, bomb)
    measured = run_measured(["-m", "reader", "list", str(tmp_path), "--json"])
    assert_bounded(f"{bomb.name} (reader list --json)", measured)
    assert measured.returncode == 0, measured.stderr[-3000:]
    rows = {row["id"]: row for row in map(json.loads, measured.stdout.split("\n")[:-1])}
    assert sorted(rows) == sorted([*files, SEED_FULL])
    for article_id in files:
        expected = bomb.list_error.get(article_id)
        if expected is not None:
            assert expected in (rows[article_id]["error"] or "")
    for article_id in bomb.show:
        measured = run_measured(["-m", "reader", "show", str(tmp_path), "--json", "--", article_id])
        assert_bounded(f"{bomb.name} (reader show --json {article_id})", measured)
        assert measured.returncode in (0, 1), measured.stderr[-3000:]


def make_empty_files(root: Path, count: int) -> None:
    """``count`` empty articles, created with bare system calls to keep set-up quick."""
    for index in range(count):
        os.close(os.open(root / f"{index:06d}.txt", os.O_CREAT | os.O_WRONLY, 0o644))


def test_folder_of_many_empty_files_is_listed_within_bounds(tmp_path: Path) -> None:
    pytest.importorskip("reader.index.loader")
    make_empty_files(tmp_path, EMPTY_FILES)
    child = r"""
import json, sys
from pathlib import Path
from reader.index.loader import load_folder
root = Path(sys.argv[1])
cold = load_folder(root)
warm = load_folder(root)
print(json.dumps({
    "cold": len(cold.articles), "warm": len(warm.articles), "warm_parsed": warm.parsed,
    "errors": sum(s.is_error for s in cold.articles.values()),
    "titles": sorted({s.title for s in list(cold.articles.values())[:5]}),
}))
"""
    measured = run_measured(["-c", child, str(tmp_path)])
    assert_bounded(f"{EMPTY_FILES:,} empty files (load_folder cold+warm)", measured)
    assert measured.returncode == 0, measured.stderr[-3000:]
    report = json.loads(measured.stdout)
    assert report["cold"] == report["warm"] == EMPTY_FILES
    assert report["warm_parsed"] == 0
    assert report["errors"] == 0
    assert all(title.isdigit() for title in report["titles"])  # named after the file


def test_folder_of_many_empty_files_is_listed_by_the_command_line(tmp_path: Path) -> None:
    pytest.importorskip("reader.cli")
    make_empty_files(tmp_path, EMPTY_FILES)
    measured = run_measured(["-m", "reader", "list", str(tmp_path), "--json"])
    assert_bounded(f"{EMPTY_FILES:,} empty files (reader list --json)", measured)
    assert measured.returncode == 0, measured.stderr[-3000:]
    assert measured.stdout.count("\n") == EMPTY_FILES
