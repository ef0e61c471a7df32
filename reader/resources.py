"""The files reader ships with: its icon, its desktop entry and the sample articles.

They are package data (``reader/data/``), found through :mod:`importlib.resources`, so the
same code works in a source checkout, in an installed wheel (pipx, ``uv tool``) and in the
PyInstaller bundle.  Qt-free: the command line and the window both import this module, and
neither imports the other for it.

The samples are special: an editor may publish one, which writes to the file.  Writing into
site-packages or into the bundle would fail or, worse, silently change an installation, so
an installed reader opens a copy in the user's data folder instead.  A source checkout keeps
opening the repository's own ``seeds/`` (``make run``), where a developer expects edits.
"""

from __future__ import annotations

import shutil
import sys
from importlib import resources
from pathlib import Path

from reader import paths

DATA_PACKAGE = "reader.data"
ICON_FILE = "reader.svg"
DESKTOP_FILE = "reader.desktop"
SEEDS_FOLDER = "seeds"
SAMPLES_FOLDER = "samples"
"""Name of the samples' writable copy inside :func:`reader.paths.data_dir`."""


def data_file(name: str) -> Path:
    """A file of the data package as a real path (Qt and shell tools need one).

    Wheels are unpacked on install and the bundle unpacks its data next to the
    executable, so the data package is always a folder on disk; a zipped install would
    be a packaging mistake, reported as such rather than half-working.
    """
    found = resources.files(DATA_PACKAGE) / name
    if not isinstance(found, Path):
        raise RuntimeError(f"reader's data files are not on disk ({found}); reinstall reader")
    return found


def icon_path() -> Path:
    """The application icon (SVG)."""
    return data_file(ICON_FILE)


def desktop_entry_template() -> str:
    """The desktop entry as shipped, with ``Exec=reader %f`` for ``install-desktop`` to fill in."""
    return data_file(DESKTOP_FILE).read_text(encoding="utf-8")


def packaged_seeds() -> Path:
    """The sample articles inside the package: read-only as far as reader is concerned."""
    return data_file(SEEDS_FOLDER)


def checkout_seeds() -> Path | None:
    """The repository's ``seeds/`` when reader runs from a source checkout, else None.

    A checkout is recognised by ``pyproject.toml`` beside the package, which an installed
    wheel never has; a frozen bundle is never a checkout, whatever lies around it.
    """
    if getattr(sys, "frozen", False):
        return None
    root = Path(__file__).resolve().parent.parent
    seeds = root / SEEDS_FOLDER
    if (root / "pyproject.toml").is_file() and seeds.is_dir():
        return seeds
    return None


def bundled_seeds() -> Path:
    """The sample folder to open when there is nothing else: one reader may write to.

    In a checkout that is the repository's ``seeds/``.  Installed, it is a copy of the
    packaged samples in the data folder, made on first use; samples already there are never
    overwritten (the editor may have published one), missing ones are put back.
    """
    seeds = checkout_seeds()
    if seeds is not None:
        return seeds
    return copy_samples(paths.data_dir() / SAMPLES_FOLDER)


def copy_samples(target: Path, source: Path | None = None) -> Path:
    """Copy every sample (packaged, or from ``source``) missing from ``target``; returns it."""
    target.mkdir(parents=True, exist_ok=True)
    for sample in sorted((source or packaged_seeds()).iterdir()):
        if not sample.is_file():
            continue
        destination = target / sample.name
        if destination.exists():
            continue
        # copyfile, not copy2: the package's files may be read-only (a system install),
        # and the copy exists so that the editor can write to it.
        shutil.copyfile(sample, destination)
    return target
