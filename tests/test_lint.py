"""The code stays ruff-clean: ``make test`` (and so CI) fails on a lint error, not only
``make lint`` that nobody has to run."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def test_ruff_finds_nothing_in_reader_or_tests() -> None:
    ruff = Path(sys.executable).with_name("ruff")
    command = [str(ruff)] if ruff.exists() else [shutil.which("ruff") or ""]
    if not command[0]:
        pytest.skip("ruff is not installed in this environment")
    done = subprocess.run(
        [*command, "check", "--no-cache", "reader", "tests"],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
