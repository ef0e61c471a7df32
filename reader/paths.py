"""Where reader keeps its own files, following the XDG base-directory spec.

Read from the environment on every call, not cached: tests (and users running two
profiles) point ``XDG_*_HOME`` elsewhere and expect reader to follow.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_DIR_NAME = "reader"


def _home(variable: str, fallback: str) -> Path:
    """An XDG base folder itself; a relative value is invalid per the spec and ignored."""
    value = os.environ.get(variable, "")
    return Path(value) if value and os.path.isabs(value) else Path.home() / fallback


def _base(variable: str, fallback: str) -> Path:
    return _home(variable, fallback) / APP_DIR_NAME


def cache_dir() -> Path:
    """Disposable data: the index cache and downloaded images."""
    return _base("XDG_CACHE_HOME", ".cache")


def config_dir() -> Path:
    """Settings the editor chose: window layout, recent folders."""
    return _base("XDG_CONFIG_HOME", ".config")


def state_dir() -> Path:
    """Things worth keeping but not configuration: the log file."""
    return _base("XDG_STATE_HOME", ".local/state")


def data_home() -> Path:
    """``$XDG_DATA_HOME`` itself: desktop entries and icons go under it for every program."""
    return _home("XDG_DATA_HOME", ".local/share")


def data_dir() -> Path:
    """Files reader made for the editor to keep and change: the samples' writable copy."""
    return data_home() / APP_DIR_NAME
