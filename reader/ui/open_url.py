"""The one place where a URL leaves reader for another program.

Article files are written by other tools, so a URL from one is only handed to the system
when :func:`reader.domain.urls.safe_url` accepts it (http and https with a host).  Going
through ``QDesktopServices.openUrl`` (and nothing else) also means a handler registered
with ``QDesktopServices.setUrlHandler`` sees every URL reader opens, which is how the
tests watch it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from reader.domain.urls import refusal_message, safe_url, url_host


def open_external(url: str) -> str | None:
    """Open an article's URL in the browser; None on success, else why it was not opened."""
    checked = safe_url(url)
    if checked is None:
        return refusal_message(url)
    qurl = QUrl(checked, QUrl.ParsingMode.StrictMode)
    if not qurl.isValid() or qurl.scheme().lower() not in ("http", "https"):
        return refusal_message(url)
    if not QDesktopServices.openUrl(qurl):
        host = url_host(checked) or checked
        return (
            f"Could not open the link to {host}: no web browser answered; "
            "check the desktop's default browser."
        )
    return None


def reveal_in_file_manager(path: Path) -> str | None:
    """Show the folder holding ``path`` in the file manager; None on success, else why not.

    This is reader's own path to a file it listed, never a URL from an article, so a
    ``file:`` URL is right here.
    """
    folder = path if path.is_dir() else path.parent
    if not folder.is_dir():
        return f"The folder {folder} no longer exists, so it cannot be shown."
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
        return f"Could not show {folder}: no file manager answered."
    return None
