"""Opening the real main window on a folder, for the window tests in any test folder.

One helper instead of a copy in each window test module: they differed only in whether
the folder is watched, the window's size and how long loading may take.  Like
``seed_files``, it lives beside ``conftest.py`` rather than in it, so ``from windows import
open_window`` means this module wherever the test is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def open_window(
    qtbot: Any,
    folder: Path,
    rows: int,
    *,
    watch: bool = True,
    size: tuple[int, int] | None = None,
    timeout: int = 5_000,
) -> Any:
    """A shown :class:`~reader.ui.main_window.MainWindow` once ``rows`` rows are listed.

    ``watch=False`` leaves the live folder watcher off, for tests about what one load
    shows; ``size`` resizes before showing (tests that read what fits on screen).
    """
    from reader.ui.main_window import MainWindow

    window = MainWindow(folder, watch=watch)
    qtbot.addWidget(window)
    if size is not None:
        window.resize(*size)
    window.show()
    qtbot.waitUntil(lambda: window.article_view().model().rowCount() == rows, timeout=timeout)
    return window
