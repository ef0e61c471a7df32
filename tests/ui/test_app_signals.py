"""reader closes as its close button does when the session ends or Ctrl+C is pressed.

A real ``reader`` process, offscreen: once its window has loaded the folder, SIGTERM (and
SIGINT) must close it cleanly (exit status 0, settings written, no worker left behind),
not kill it mid-flight.
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader import paths


def start_reader(folder: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "reader", "--verbose", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )


def wait_for_line(process: subprocess.Popen[str], text: str, timeout_s: float) -> list[str]:
    """stderr lines up to the first that contains ``text``."""
    assert process.stderr is not None
    lines: list[str] = []
    selector = selectors.DefaultSelector()
    selector.register(process.stderr, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if selector.select(timeout=0.2):
            line = process.stderr.readline()
            if not line:
                break
            lines.append(line)
            if text in line:
                return lines
    raise AssertionError(f"no {text!r} from reader within {timeout_s} s:\n{''.join(lines)}")


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_closes_the_window_cleanly(seeds_copy: Path, number: int) -> None:
    process = start_reader(seeds_copy)
    try:
        wait_for_line(process, "loaded ", timeout_s=60)
        process.send_signal(number)
        _out, rest = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, rest
    assert f"closing on signal {int(number)}" in rest
    assert "Traceback" not in rest
    assert "leaked" not in rest  # the worker pools were shut down, not abandoned
    settings = (paths.config_dir() / "reader.ini").read_text(encoding="utf-8")
    assert "geometry" in settings.lower()  # the window saved its layout on the way out
