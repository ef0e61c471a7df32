"""The Reader view's section of the reading pane: the original's text, or why not.

One widget with four faces: hidden (nothing asked), progress ("Reading the original from
www.kron4.com…", with Cancel), the text (a source line "From <host>, fetched <time>",
then the extracted headings, paragraphs and images), and a failure (the same sentence
``reader show --original`` prints, with Try Again).  It shows what it is given and emits
intent (``cancelRequested``, ``retryRequested``); :mod:`reader.ui.original_reading`
decides.

The page is hostile input: every piece of text is escaped into HTML built here (no link
is kept, so nothing on the page can make a click run anything), the text browser loads
no resource, and images are separate :class:`~reader.ui.detail_pane.ImageView` widgets
that ask the window's :class:`~reader.ui.images.ImageLoader` only while View ▸ Remote
Images is on, like the article's own images.
"""

from __future__ import annotations

import html
import re
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QImage, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from reader.domain.article import Image
from reader.domain.dates import format_datetime
from reader.domain.original import Block, BlockKind, OriginalText
from reader.ui import detail_render as render
from reader.ui.detail_pane import BodyBrowser, ImageView
from reader.ui.images import ImageLoader

MAX_ORIGINAL_IMAGES = 6
"""Images of the original shown: the lead photo and a few inline ones, not a gallery."""
TEXT_DISPLAY_LIMIT = 60_000
"""Characters of extracted text laid out (the pane lays out rich text on the GUI thread)."""


def source_line(original: OriginalText) -> str:
    """``From www.kron4.com, fetched 26 Jul 2023, 16:43`` (local time)."""
    fetched = format_datetime(original.fetched) if isinstance(original.fetched, datetime) else ""
    line = f"From {original.host or original.url}"
    if fetched:
        line += f", fetched {fetched}"
    if original.cached:
        line += " (saved copy)"
    return line


def byline(original: OriginalText) -> str:
    """Author · date, as the page gives them."""
    return render.SEPARATOR.join(part for part in (original.author, original.date) if part)


def blocks_html(blocks: list[Block]) -> str:
    """Text blocks as HTML from escaped text only: headings, paragraphs, lists, quotes."""
    parts: list[str] = []
    in_list = False
    for block in blocks:
        text = html.escape(block.text, quote=True)
        if block.kind is BlockKind.ITEM:
            if not in_list:
                parts.append("<ul>")
                in_list = True
            parts.append(f"<li>{text}</li>")
            continue
        if in_list:
            parts.append("</ul>")
            in_list = False
        if block.kind is BlockKind.HEADING:
            parts.append(f"<h3>{text}</h3>")
        elif block.kind is BlockKind.QUOTE:
            parts.append(f"<blockquote><i>{text}</i></blockquote>")
        else:
            parts.append(f"<p>{text}</p>")
    if in_list:
        parts.append("</ul>")
    return "".join(parts)


def runs(blocks: tuple[Block, ...]) -> list[list[Block]]:
    """The blocks cut into runs of text and single images, in page order, within the
    display limits (later images and text past the limit are left out)."""
    result: list[list[Block]] = []
    images = 0
    characters = 0
    for block in blocks:
        if block.kind is BlockKind.IMAGE:
            if images < MAX_ORIGINAL_IMAGES:
                result.append([block])
                images += 1
            continue
        characters += len(block.text)
        if characters > TEXT_DISPLAY_LIMIT:
            break
        if result and result[-1][0].kind is not BlockKind.IMAGE:
            result[-1].append(block)
        else:
            result.append([block])
    return result


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


class OriginalView(QWidget):
    """The pane's Reader view section; see the module docstring."""

    cancelRequested = Signal()
    retryRequested = Signal()
    """Try Again after a failure, or Fetch Again beside a shown text (past the cache)."""

    def __init__(self, loader: ImageLoader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailOriginal")
        self.setAccessibleName("Original article")
        self._loader = loader
        self._article_id = ""
        self._original: OriginalText | None = None
        self._pieces: list[QWidget] = []

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 6)
        layout.setSpacing(8)

        self._progress_row = QWidget(self)
        progress_layout = QHBoxLayout(self._progress_row)
        progress_layout.setContentsMargins(0, 0, 0, 0)
        self._progress_label = QLabel(self._progress_row)
        self._progress_label.setObjectName("detailOriginalProgress")
        self._progress_label.setTextFormat(Qt.TextFormat.PlainText)
        self._progress_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._progress_bar = QProgressBar(self._progress_row)
        self._progress_bar.setRange(0, 0)  # busy: a fetch has no known length
        self._progress_bar.setTextVisible(False)
        self._progress_bar.setMaximumWidth(120)
        self._progress_bar.setAccessibleName("Reading the original")
        self._cancel = QPushButton("Cancel", self._progress_row)
        self._cancel.setObjectName("detailOriginalCancel")
        self._cancel.clicked.connect(self.cancelRequested)
        progress_layout.addWidget(self._progress_label)
        progress_layout.addWidget(self._progress_bar)
        progress_layout.addWidget(self._cancel)
        progress_layout.addStretch(1)

        self._source_row = QWidget(self)
        source_layout = QHBoxLayout(self._source_row)
        source_layout.setContentsMargins(0, 0, 0, 0)
        self._source = QLabel(self._source_row)
        self._source.setObjectName("detailOriginalSource")
        self._source.setTextFormat(Qt.TextFormat.PlainText)
        self._source.setWordWrap(True)
        source_font = QFont(self._source.font())
        source_font.setWeight(QFont.Weight.DemiBold)
        self._source.setFont(source_font)
        self._again = QPushButton("Fetch Again", self._source_row)
        self._again.setObjectName("detailOriginalFetchAgain")
        self._again.setToolTip("Read the original page again, past the saved copy")
        self._again.clicked.connect(self.retryRequested)
        source_layout.addWidget(self._source, 1)
        source_layout.addWidget(self._again, 0, Qt.AlignmentFlag.AlignTop)

        self._title = QLabel(self)
        self._title.setObjectName("detailOriginalTitle")
        self._title.setTextFormat(Qt.TextFormat.PlainText)
        self._title.setWordWrap(True)
        self._title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        title_font = QFont(self._title.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.2)
        title_font.setWeight(QFont.Weight.DemiBold)
        self._title.setFont(title_font)
        self._byline = QLabel(self)
        self._byline.setObjectName("detailOriginalByline")
        self._byline.setTextFormat(Qt.TextFormat.PlainText)
        self._byline.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self._content = QWidget(self)
        self._content.setObjectName("detailOriginalText")
        self._content_layout = QVBoxLayout(self._content)
        self._content_layout.setContentsMargins(0, 0, 0, 0)
        self._content_layout.setSpacing(8)

        self._failure_row = QWidget(self)
        failure_layout = QVBoxLayout(self._failure_row)
        failure_layout.setContentsMargins(0, 0, 0, 0)
        self._failure = QLabel(self._failure_row)
        self._failure.setObjectName("detailOriginalFailure")
        self._failure.setTextFormat(Qt.TextFormat.PlainText)
        self._failure.setWordWrap(True)
        self._failure.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._retry = QPushButton("Try Again", self._failure_row)
        self._retry.setObjectName("detailOriginalRetry")
        self._retry.clicked.connect(self.retryRequested)
        failure_layout.addWidget(self._failure)
        failure_layout.addWidget(self._retry, 0, Qt.AlignmentFlag.AlignLeft)

        for widget in (
            self._progress_row,
            self._source_row,
            self._title,
            self._byline,
            self._content,
            self._failure_row,
        ):
            layout.addWidget(widget)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        loader.imageReady.connect(self._on_image_ready)
        loader.imageFailed.connect(self._on_image_failed)
        self.clear()

    # -- the four faces ------------------------------------------------------------------------

    def article_id(self) -> str:
        """The article this section speaks for ("" when hidden)."""
        return self._article_id

    def original(self) -> OriginalText | None:
        return self._original

    def clear(self) -> None:
        """Nothing asked for: the section is hidden."""
        self._article_id = ""
        self._original = None
        self._clear_pieces()
        self.hide()

    def show_progress(self, article_id: str, host: str) -> None:
        self._article_id = article_id
        self._original = None
        self._clear_pieces()
        self._progress_label.setText(
            f"Reading the original from {host}…" if host else "Reading the original…"
        )
        self._set_face(self._progress_row)

    def show_original(
        self, article_id: str, original: OriginalText, *, article_title: str = ""
    ) -> None:
        """The text; its title only when it differs from the article's (shown above)."""
        self._article_id = article_id
        self._original = original
        self._clear_pieces()
        self._source.setText(source_line(original))
        self._source.setToolTip(original.url)
        same = _words(original.title) == _words(article_title)
        self._title.setText("" if same else original.title)
        self._byline.setText(byline(original))
        self._byline.setVisible(bool(byline(original)))
        for run in runs(original.blocks):
            if run[0].kind is BlockKind.IMAGE:
                view = ImageView(self._content)
                view.setObjectName("detailOriginalImage")
                self._content_layout.addWidget(view)
                self._pieces.append(view)
                self._show_image(view, run[0])
            else:
                browser = BodyBrowser(self._content)
                browser.setObjectName("detailOriginalBody")
                browser.setAccessibleName("Original article text")
                self._content_layout.addWidget(browser)
                browser.set_html(blocks_html(run))
                self._pieces.append(browser)
        self._set_face(self._source_row, self._title, self._byline, self._content)

    def show_failure(self, article_id: str, message: str, *, can_retry: bool = True) -> None:
        """The sentence the command line prints; Try Again unless trying cannot help (the
        article has no address to read)."""
        self._article_id = article_id
        self._original = None
        self._clear_pieces()
        self._failure.setText(message)
        self._retry.setVisible(can_retry)
        self._set_face(self._failure_row)

    def refresh_images(self) -> None:
        """View ▸ Remote Images changed: ask for the images, or say they are off."""
        for piece in self._pieces:
            if isinstance(piece, ImageView):
                self._show_image(piece, Block(BlockKind.IMAGE, "", piece.url))

    # -- for tests and screen readers ------------------------------------------------------------

    def shown_text(self) -> str:
        """The extracted text as shown (plain), "" when there is none."""
        return "\n\n".join(
            piece.toPlainText() for piece in self._pieces if isinstance(piece, BodyBrowser)
        )

    def progress_text(self) -> str:
        return self._progress_label.text() if not self._progress_row.isHidden() else ""

    def source_text(self) -> str:
        return self._source.text() if not self._source_row.isHidden() else ""

    def failure_text(self) -> str:
        return self._failure.text() if not self._failure_row.isHidden() else ""

    def image_views(self) -> list[ImageView]:
        return [piece for piece in self._pieces if isinstance(piece, ImageView)]

    # -- internals -------------------------------------------------------------------------------

    def _set_face(self, *shown: QWidget) -> None:
        for widget in (
            self._progress_row,
            self._source_row,
            self._title,
            self._byline,
            self._content,
            self._failure_row,
        ):
            widget.setVisible(
                widget in shown
                and (widget not in (self._title, self._byline) or bool(widget.text()))
            )
        self.show()

    def _clear_pieces(self) -> None:
        for piece in self._pieces:
            piece.hide()
            piece.deleteLater()
        self._pieces.clear()

    def _show_image(self, view: ImageView, block: Block) -> None:
        image = Image(block.src)
        if not self._loader.is_enabled():
            view.show_image(image, render.REMOTE_IMAGES_OFF_TEXT, waiting=False)
            return
        view.show_image(image, render.IMAGE_LOADING_TEXT, waiting=True)
        self._loader.request(block.src)

    def _on_image_ready(self, url: str, image: QImage) -> None:
        for view in self.image_views():
            if view.url == url:
                view.set_image(image)

    def _on_image_failed(self, url: str, reason: str) -> None:
        for view in self.image_views():
            if view.url == url:
                view.set_status(f"Image could not be loaded: {reason}")
