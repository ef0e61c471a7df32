"""The desktop app's entry point: one QApplication, one :class:`MainWindow`.

``reader.cli`` calls :func:`run` for ``reader [FOLDER]``; tests build
:class:`MainWindow` directly inside their own QApplication and never call exec().
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

import reader
from reader.resources import bundled_seeds, icon_path
from reader.ui import icons
from reader.ui.main_window import MainWindow
from reader.ui.settings import Settings

__all__ = [
    "MainWindow",
    "bundled_seeds",
    "choose_folder",
    "create_application",
    "run",
]

log = logging.getLogger(__name__)

APP_NAME = "reader"
ORGANIZATION = "newsdesk"
DESKTOP_FILE = "reader"
"""Matches the installed ``reader.desktop``, so the desktop pairs the window with its launcher."""


def choose_folder(folder: Path | None) -> Path | None:
    """The folder to open: the argument, else the last one if it still exists, else the seeds."""
    if folder is not None:
        return folder
    last = Settings().last_folder()
    if last is not None:
        return last
    try:
        seeds = bundled_seeds()
    except OSError as exc:  # an installed reader copies them to a data folder it cannot write
        log.warning("cannot copy the sample articles (%s): starting without a folder", exc)
        return None
    return seeds if seeds.is_dir() else None


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with reader's names and icon (made once; reused if it exists)."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv[:1])
    QApplication.setApplicationName(APP_NAME)
    QApplication.setApplicationDisplayName(APP_NAME)
    QApplication.setOrganizationName(ORGANIZATION)
    QApplication.setApplicationVersion(reader.__version__)
    QGuiApplication.setDesktopFileName(DESKTOP_FILE)
    svg = icon_path()
    QApplication.setWindowIcon(icons.app_icon(str(svg) if svg.is_file() else None))
    return app


def run(folder: Path | None = None) -> int:
    """Start the desktop window on ``folder`` and return the exit code when it closes."""
    app = create_application()
    window = MainWindow(choose_folder(folder))
    window.show()
    return app.exec()
