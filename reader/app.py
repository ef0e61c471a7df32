"""The desktop app's entry point: one QApplication, one :class:`MainWindow`.

``reader.cli`` calls :func:`run` for ``reader [FOLDER]``; tests build
:class:`MainWindow` directly inside their own QApplication and never call exec().
"""

from __future__ import annotations

import logging
import signal
import socket
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSocketNotifier
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
    with _CloseOnSignals(window):
        return app.exec()


class _CloseOnSignals:
    """SIGTERM (a logout, ``kill``) and SIGINT (Ctrl+C in the terminal) close the window as
    its close button does: settings saved, writes finished, worker processes stopped.

    Python runs a signal handler only between bytecodes, never while Qt's event loop waits
    in C++; the handler's wake-up byte on a socket pair wakes a QSocketNotifier instead
    (as qutebrowser does), so the close runs at once on the GUI thread.  Without it, a
    SIGTERM killed reader mid-flight, leaving its pool's semaphores to the resource tracker.
    """

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        self._previous: dict[int, Any] = {}
        self._notifier: QSocketNotifier | None = None
        self._sockets: tuple[socket.socket, socket.socket] | None = None
        self._old_wakeup_fd = -1

    def __enter__(self) -> None:
        try:
            read, write = socket.socketpair()
        except OSError:  # no socket pair: signals keep their defaults
            return
        read.setblocking(False)
        write.setblocking(False)
        self._sockets = (read, write)
        self._old_wakeup_fd = signal.set_wakeup_fd(write.fileno())
        self._notifier = QSocketNotifier(read.fileno(), QSocketNotifier.Type.Read, self._window)
        self._notifier.activated.connect(self._on_wakeup)
        for number in (signal.SIGTERM, signal.SIGINT):
            self._previous[number] = signal.signal(number, self._on_signal)

    def __exit__(self, *_exc: object) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        if self._sockets is not None:
            signal.set_wakeup_fd(self._old_wakeup_fd)
            if self._notifier is not None:
                self._notifier.setEnabled(False)
            for end in self._sockets:
                end.close()

    def _on_signal(self, number: int, _frame: object) -> None:
        log.info("closing on signal %d", number)
        self._close()

    def _on_wakeup(self) -> None:
        assert self._sockets is not None
        try:
            while self._sockets[0].recv(64):
                pass
        except OSError:
            pass
        # The Python handler itself runs right after this, now that Python has control.

    def _close(self) -> None:
        self._window.close()  # saves settings and stops the workers (closeEvent)
        QApplication.quit()
