"""Opening and copying the articles' URLs: the original, AMP and CDN AMP links.

Every URL leaves through :func:`reader.ui.open_url.open_external` (the scheme check); a
refusal becomes one sentence in the message bar.  Opening more than a handful at once
asks first: a stray Ctrl+A would flood the browser.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow, QMessageBox

from reader.domain.article import ArticleSummary
from reader.ui.message_bar import MessageBar
from reader.ui.open_url import open_external

OPEN_MANY_LIMIT = 10
"""Opening more originals than this at once asks first: a stray Ctrl+A would flood the browser."""


class UrlCommands(QObject):
    """The Open and Copy commands on ``targets()``, the articles the editor means."""

    def __init__(
        self,
        window: QMainWindow,
        message_bar: MessageBar,
        targets: Callable[[], list[ArticleSummary]],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._message_bar = message_bar
        self._targets = targets

    def show_link_host(self, host: str) -> None:
        """While the pointer is over a link in the pane, the status bar says where it goes."""
        if host:
            self._window.statusBar().showMessage(f"Opens {host} in the web browser")
        else:
            self._window.statusBar().clearMessage()

    def open_original(self) -> None:
        """Open each target's original (else web) URL in the browser."""
        self.open_many([summary.url or summary.web_url for summary in self._targets()])

    def open_amp(self) -> None:
        self.open_many([summary.amp_url for summary in self._targets()])

    def open_cdn_amp(self) -> None:
        self.open_many([summary.cdn_amp_url for summary in self._targets()])

    def copy_original_url(self) -> None:
        self._copy([summary.url for summary in self._targets()], "original URL")

    def copy_web_url(self) -> None:
        self._copy([summary.web_url for summary in self._targets()], "web URL")

    def open_many(self, urls: list[str]) -> None:
        if not urls:
            return
        if len(urls) > OPEN_MANY_LIMIT:
            answer = QMessageBox.question(
                self._window,
                "Open Many Articles",
                f"Open {len(urls):,} articles in the web browser?",
                QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Open:
                return
        refusals = [message for url in urls if (message := open_external(url)) is not None]
        if refusals:
            text = refusals[0]
            if len(refusals) > 1:
                text += f" ({len(refusals) - 1:,} more not opened.)"
            self._message_bar.show_message(text)

    def open_url(self, url: str) -> None:
        message = open_external(url)
        if message is not None:
            self._message_bar.show_message(message)

    def _copy(self, urls: Iterable[str], what: str) -> None:
        present = [url for url in urls if url]
        if not present:
            return
        QGuiApplication.clipboard().setText("\n".join(present))
        noun = what if len(present) == 1 else what + "s"
        count = "the" if len(present) == 1 else f"{len(present):,}"
        self._window.statusBar().showMessage(f"Copied {count} {noun}.", 3000)
