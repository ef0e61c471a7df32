"""Test configuration shared by every test.

Qt runs offscreen and reader's XDG folders point into a throw-away directory before
anything imports Qt, so no test can touch the developer's real settings or cache.
Each test then gets its own fresh XDG folders through the ``isolated_xdg`` fixture.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ["QT_QPA_PLATFORM"] = "offscreen"
_SESSION_HOME = Path(tempfile.mkdtemp(prefix="reader-tests-"))
for _name in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME"):
    os.environ[_name] = str(_SESSION_HOME / _name.lower())
os.environ.setdefault("XDG_RUNTIME_DIR", str(_SESSION_HOME / "runtime"))
Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(mode=0o700, exist_ok=True)

from seed_files import SEEDS  # noqa: E402 - after the environment is set up


@pytest.fixture(autouse=True)
def isolated_xdg(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Fresh, empty XDG cache/config/state folders for every test."""
    home = tmp_path_factory.mktemp("xdg")
    for name in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME"):
        path = home / name.lower()
        path.mkdir()
        monkeypatch.setenv(name, str(path))
    return home


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled seeds folder that a test may change."""
    folder = tmp_path / "articles"
    shutil.copytree(SEEDS, folder)
    for path in folder.iterdir():  # a checkout may have made the seeds read-only
        path.chmod(0o644)
    return folder


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_SESSION_HOME, ignore_errors=True)
