"""Worker processes leave when the process that started them is killed.

A pool's workers otherwise wait for work forever: a window killed with ``kill -9`` left its
parser processes, its story-grouping process and their forkserver running for good.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHILD = r"""
import multiprocessing, sys, time
from pathlib import Path
from reader.index import loader

root = Path(sys.argv[1])
ids = sorted(p.name for p in root.iterdir())
batches = loader.parse_described(root, ids, lambda summary: None)
next(batches)  # the pool is up once the first batch is back
pids = [process.pid for process in multiprocessing.active_children()]
print(" ".join(map(str, pids)), flush=True)
time.sleep(600)
"""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (dead, not yet reaped by its new parent) counts as gone.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_parser_processes_leave_when_their_parent_is_killed(tmp_path: Path) -> None:
    for index in range(800):
        (tmp_path / f"{index:04d}.txt").write_text(f"---\ntitle: Article {index}\n---\nbody\n")
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        workers = [int(pid) for pid in child.stdout.readline().split()]
        assert workers, "the folder was parsed without a pool"
        assert all(alive(pid) for pid in workers)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()  # type: ignore[union-attr]
    deadline = time.monotonic() + 30
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if alive(pid)], "parser processes outlived the window"
