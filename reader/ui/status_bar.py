"""The status bar: where the articles come from (or the library's news), the loading
progress, and how many articles there are, are shown and are unpublished."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLocale, QObject
from PySide6.QtWidgets import QLabel, QProgressBar, QSizePolicy, QStatusBar

from reader.domain.words import plural


class LibraryStatus(QObject):
    """The permanent parts of ``bar``: ``libraryStatus``, ``loadProgress``, ``articleCounts``."""

    def __init__(self, bar: QStatusBar) -> None:
        super().__init__(bar)
        self._folder: Path | None = None
        self._message = ""
        self._where = QLabel(bar)
        self._where.setObjectName("libraryStatus")
        self._where.setContentsMargins(6, 0, 6, 0)
        # A long folder path is clipped rather than widening the window.
        self._where.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        bar.addWidget(self._where, 1)
        self._progress = QProgressBar(bar)
        self._progress.setObjectName("loadProgress")
        self._progress.setMaximumWidth(220)
        self._progress.setMaximumHeight(16)
        self._progress.setTextVisible(True)
        self._progress.setAccessibleName("Loading articles")
        self._progress.hide()
        bar.addPermanentWidget(self._progress)
        self._counts = QLabel(bar)
        self._counts.setObjectName("articleCounts")
        self._counts.setContentsMargins(6, 0, 6, 0)
        bar.addPermanentWidget(self._counts)

    def set_folder(self, folder: Path) -> None:
        self._folder = folder
        self._where.setToolTip(str(folder))
        self._show_where()

    def set_message(self, text: str) -> None:
        """The library's news (``""``: none), shown instead of the folder's path."""
        self._message = text
        self._show_where()

    def show_progress(self, done: int, total: int) -> None:
        locale = QLocale()
        self._progress.setRange(0, max(total, 0))
        self._progress.setValue(min(done, total) if total else 0)
        text = (
            f"Reading {locale.toString(done)} of {locale.toString(total)}"
            if total
            else "Looking for articles…"
        )
        self._progress.setFormat(text)
        self._progress.setToolTip(text)
        self._progress.show()

    def hide_progress(self) -> None:
        self._progress.hide()

    def show_counts(self, shown: int, total: int, unpublished: int, problems: int) -> None:
        """For example "12 articles · 3 unpublished", or "5 of 12 articles · …" filtered."""
        locale = QLocale()
        noun = plural(total, "article")
        if shown == total:
            parts = [f"{locale.toString(total)} {noun}"]
        else:
            parts = [f"{locale.toString(shown)} of {locale.toString(total)} {noun}"]
        parts.append(f"{locale.toString(unpublished)} unpublished")
        if problems:
            parts.append(f"{locale.toString(problems)} {plural(problems, 'problem')}")
        self._counts.setText(" · ".join(parts))

    def _show_where(self) -> None:
        """The library's news if it has any, else where the articles come from."""
        folder = self._folder
        self._where.setText(self._message or (display_path(folder) if folder else ""))


def display_path(path: Path) -> str:
    """``path`` as people write it: the home folder as ``~``."""
    try:
        return str(Path("~") / path.relative_to(Path.home()))
    except (ValueError, RuntimeError):
        return str(path)
