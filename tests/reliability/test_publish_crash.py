"""A publish killed at any moment leaves the file wholly old or wholly new, and no litter.

A helper process forks a child that publishes and unpublishes a copy of the full seed in
a tight loop with the real :func:`set_published`, and SIGKILLs it after a random delay, so
kills land in every phase: reading, writing the temp file, fsync, the swap, cleanup.
``READER_LONG_TESTS=1`` raises the number of kills from 200 to 2,000.
"""

from __future__ import annotations

import os
import random
import signal
import stat
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.domain.publish import (
    TEMP_MARKER,
    cleanup_stray_temp_files,
    edit_published,
    is_temp_file_name,
    set_published,
)

# Derived here, not imported: with several conftest.py files, "from seed_files import"
# gets whichever one pytest imported first.
SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SEED_FULL = "000_64786d9bbd4dc9c0.txt"

WORKER = Path(__file__).with_name("publish_worker.py")
LONG = os.environ.get("READER_LONG_TESTS") == "1"
KILLS = 2000 if LONG else 200
MAX_DELAY_SECONDS = 0.006


@pytest.fixture
def crash_server() -> Iterator[subprocess.Popen[str]]:
    server = subprocess.Popen(
        [sys.executable, str(WORKER), "crash-server"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None and server.stdout.readline() == "ready\n"
    yield server
    server.stdin.close()  # type: ignore[union-attr]
    server.wait(timeout=30)
    errors = server.stderr.read()  # type: ignore[union-attr]
    server.stderr.close()  # type: ignore[union-attr]
    server.stdout.close()
    assert errors == "", errors


def kill_one_publisher(server: subprocess.Popen[str], path: Path, delay: float) -> int:
    """Let a child publish for ``delay`` seconds, SIGKILL it; return its wait status."""
    assert server.stdin is not None and server.stdout is not None
    server.stdin.write(f"cycle {path} {delay:.6f}\n")
    server.stdin.flush()
    answer = server.stdout.readline().split()
    assert answer[0] == "killed", answer
    return int(answer[2])


def test_killed_publish_leaves_old_or_new_file_and_cleanup_removes_leftovers(
    tmp_path: Path, crash_server: subprocess.Popen[str]
) -> None:
    unpublished = (SEEDS / SEED_FULL).read_bytes()
    published = edit_published(unpublished, True)
    path = tmp_path / SEED_FULL
    path.write_bytes(unpublished)
    path.chmod(0o640)
    rng = random.Random(6)
    outcomes: Counter[str] = Counter()
    # Kills must land both mid-write and between writes, whatever this machine's speed:
    # the delays span a few publish round trips as timed here, and at least 6 ms.
    started = time.perf_counter()
    for _ in range(5):
        set_published(path, True)
        set_published(path, False)
    round_trip = (time.perf_counter() - started) / 5
    max_delay = max(MAX_DELAY_SECONDS, 4 * round_trip)

    for _ in range(KILLS):
        status = kill_one_publisher(crash_server, path, rng.uniform(0, max_delay))
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, status

        data = path.read_bytes()
        assert data in (unpublished, published), "a killed publish left a mixed file"
        assert stat.S_IMODE(path.stat().st_mode) == 0o640
        outcomes["new" if data == published else "old"] += 1

        leftovers = [name for name in os.listdir(tmp_path) if TEMP_MARKER in name]
        assert all(is_temp_file_name(name) for name in leftovers)
        removed = cleanup_stray_temp_files(tmp_path)
        assert sorted(p.name for p in removed) == sorted(leftovers)
        assert os.listdir(tmp_path) == [SEED_FULL]
        outcomes["kills that left a temp file"] += bool(leftovers)

    print(f"\n{KILLS} kills within {max_delay * 1000:.1f} ms survived: {dict(outcomes)}")
    assert outcomes["new"] + outcomes["old"] == KILLS
    # The random delays really did catch writes in flight, in both directions.
    assert outcomes["kills that left a temp file"] > 0
    assert outcomes["new"] > 0 and outcomes["old"] > 0
    # And the file is still an ordinary article that publishes normally.
    final = set_published(path, True)
    assert path.read_bytes() == published and final.published


def reader_command(*arguments: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reader", *map(str, arguments)],
        capture_output=True, text=True, timeout=120, check=False,
    )


def leave_temp_files_by_killing(
    server: subprocess.Popen[str], path: Path, wanted: int
) -> list[str]:
    """Kill real publishes of ``path`` until ``wanted`` temp files are left beside it."""
    rng = random.Random(7)
    for _ in range(2000):
        kill_one_publisher(server, path, rng.uniform(0, MAX_DELAY_SECONDS))
        leftovers = sorted(name for name in os.listdir(path.parent) if TEMP_MARKER in name)
        if len(leftovers) >= wanted:
            return leftovers
    pytest.fail("2,000 kills left no temp file: the kills never landed mid-write")


def test_command_line_publish_removes_what_killed_writes_left_beside_its_article(
    tmp_path: Path, crash_server: subprocess.Popen[str]
) -> None:
    path = tmp_path / SEED_FULL
    path.write_bytes((SEEDS / SEED_FULL).read_bytes())
    other = tmp_path / "other.txt"
    other.write_bytes((SEEDS / SEED_FULL).read_bytes())
    left_by_other = leave_temp_files_by_killing(crash_server, other, 1)
    leftovers = leave_temp_files_by_killing(crash_server, path, len(left_by_other) + 1)
    mine = sorted(set(leftovers) - set(left_by_other))
    set_published(path, False)  # a kill after the swap may have left it published

    done = reader_command("publish", tmp_path, SEED_FULL)

    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{SEED_FULL}: published\n"
    remaining = sorted(name for name in os.listdir(tmp_path) if TEMP_MARKER in name)
    assert not set(mine) & set(remaining), "the publish left its article's dead temp files"
    # Another article's leftovers are not this command's business (reader check lists them).
    assert remaining == left_by_other


def test_check_lists_dead_writers_temp_files_with_the_command_that_removes_them(
    tmp_path: Path,
) -> None:
    (tmp_path / "desk").mkdir()
    (tmp_path / "desk" / "a.txt").write_text("---\ntitle: A\npublished: false\n---\n")
    dead_writer = subprocess.Popen(["true"])
    dead_writer.wait()  # its pid now names no process
    stale = tmp_path / "desk" / f".a.txt.{dead_writer.pid}{TEMP_MARKER}0123456789ab"
    stale.write_text("half a file")
    with subprocess.Popen(["sleep", "60"]) as live_writer:
        in_use = tmp_path / "desk" / f".a.txt.{live_writer.pid}{TEMP_MARKER}ba9876543210"
        in_use.write_text("being written")
        try:
            checked = reader_command("check", tmp_path)
        finally:
            live_writer.kill()
    assert checked.returncode == 1, checked.stderr
    lines = checked.stdout.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"desk/{stale.name}: error: ")
    command = lines[0].split("remove it with: ", 1)[1]
    subprocess.run(command, shell=True, check=True)  # the command reader printed, as typed
    assert not stale.exists() and in_use.exists()
    in_use.unlink()
    assert reader_command("check", tmp_path).returncode == 0
