"""The reading pane: one article in full, beside the list.

It only displays and announces intent: a clicked link becomes ``openUrlRequested``, an
activated related item ``relatedActivated``; the window decides what to do with either
(calibre's book details pane works the same way). Nothing here touches the disk, and the
network only through the :class:`ImageLoader` it is given. Every value from an article
file is shown as plain text or escaped (see :mod:`reader.ui.detail_render`); the body's
Markdown never fetches a remote or local resource.

Widgets are built once and relabelled for each article, so moving through the list stays
quick and nothing accumulates.
"""

from __future__ import annotations

import math

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QRectF,
    QSize,
    QSizeF,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QCursor,
    QFont,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPixmap,
    QResizeEvent,
    QTextBlockFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTextBrowser,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from reader.domain.article import ArticleDetail, ArticleSummary, Image, RelatedArticle
from reader.domain.urls import safe_url
from reader.ui import detail_render as render
from reader.ui.chips import ChipRow, mix
from reader.ui.images import ImageLoader

MAX_IMAGES_SHOWN = 12
"""Images beyond this are not shown: a pipeline that lists fifty is not giving the editor fifty."""
BODY_DISPLAY_LIMIT = 50_000
"""Characters of body laid out at once (about 8,000 words, longer than nearly any news
article): laying out Markdown costs about 1 ms per 1,000 characters on the GUI thread."""
MAX_IMAGE_HEIGHT = 520
BODY_LINE_HEIGHT_PERCENT = 135
MIN_IMAGE_HEIGHT = 56
RELATED_URL_ROLE = Qt.ItemDataRole.UserRole
RELATED_ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
_MARKDOWN_FEATURES = (
    QTextDocument.MarkdownFeature.MarkdownDialectGitHub
    | QTextDocument.MarkdownFeature.MarkdownNoHTML
)


class TintedLabel(QLabel):
    """A label set apart by a palette-tinted background and, optionally, a rule on its left."""

    def __init__(self, parent: QWidget | None = None, *, tint: QPalette.ColorRole,
                 amount: float, left_rule: bool) -> None:
        super().__init__(parent)
        self._tint = tint
        self._amount = amount
        self._left_rule = left_rule
        self.setWordWrap(True)
        self.setContentsMargins(14 if left_rule else 10, 8, 10, 8)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)

    def paintEvent(self, event: QPaintEvent) -> None:
        palette = self.palette()
        base = palette.color(QPalette.ColorRole.Base)
        tint = palette.color(self._tint)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(mix(base, tint, self._amount))
        painter.drawRoundedRect(QRectF(self.rect()), 4, 4)
        if self._left_rule:
            painter.setBrush(mix(base, tint, min(1.0, self._amount * 5)))
            painter.drawRect(QRect(0, 0, 4, self.height()))
        painter.end()
        super().paintEvent(event)


class BodyBrowser(QTextBrowser):
    """The article body: Markdown shown whole (the pane scrolls, not this), links as intents.

    ``loadResource`` answers nothing for every resource, so an ``![](http://…)`` or
    ``![](file:///…)`` in a body never reaches the network or the disk.
    """

    linkActivated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Wide content (a long code line, a table) scrolls sideways inside the body alone.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setUndoRedoEnabled(False)
        self.viewport().setBackgroundRole(QPalette.ColorRole.Base)
        self.document().setDocumentMargin(0)
        self.resource_requests: list[str] = []
        """URLs the document asked for (and did not get): kept so tests can see the refusal."""
        self.document().documentLayout().documentSizeChanged.connect(self._fit_height)
        self.anchorClicked.connect(self._on_anchor_clicked)
        self.highlighted.connect(self._on_link_hovered)

    def set_markdown(self, text: str) -> None:
        self.resource_requests.clear()
        document = self.document()
        document.setMarkdown(text, _MARKDOWN_FEATURES)
        # Looser lines than Qt's default: this is a page to read, not a form to fill.
        spacing = QTextBlockFormat()
        spacing.setLineHeight(BODY_LINE_HEIGHT_PERCENT,
                              QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        cursor = QTextCursor(document)
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.mergeBlockFormat(spacing)
        self._fit_height()

    def set_html(self, html: str) -> None:
        """Rich text built from escaped values only (the Reader view's extracted text)."""
        self.resource_requests.clear()
        self.document().setHtml(html)
        self._fit_height()

    def loadResource(self, resource_type: int, name: QUrl) -> object:
        # Asked again on every layout (nothing is cached for a refusal): record each once.
        requested = name.toString()
        if len(self.resource_requests) < 100 and requested not in self.resource_requests:
            self.resource_requests.append(requested)
        return None

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height()

    def _fit_height(self, *_: object) -> None:
        document = self.document()
        width = self.viewport().width()
        if width > 0 and not math.isclose(document.textWidth(), width):
            document.setTextWidth(width)
        height = math.ceil(document.size().height()) + 2 * self.frameWidth() + 2
        if document.size().width() > width + 1:
            height += self.horizontalScrollBar().sizeHint().height()
        if height != self.height():
            self.setFixedHeight(height)

    def _on_anchor_clicked(self, url: QUrl) -> None:
        checked = safe_url(url.toString())
        if checked is not None:
            self.linkActivated.emit(checked)

    def _on_link_hovered(self, url: QUrl) -> None:
        text = render.link_hover_text(url.toString()) if not url.isEmpty() else ""
        self.viewport().setToolTip(text)
        if text:
            QToolTip.showText(QCursor.pos(), text, self.viewport())
        else:
            QToolTip.hideText()


class ImageView(QWidget):
    """One article image: a placeholder the image's size while it loads, then the image.

    Failure and "remote images are off" are said in words in a label over the placeholder.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.url = ""
        self._waiting = False
        self._natural = QSize(16, 9)
        self._has_natural = False
        self._pixmap: QPixmap | None = None
        self._scaled: QPixmap | None = None
        self._scaled_key: tuple[int, int, float] | None = None
        self.status = QLabel(self)
        self.status.setObjectName("detailImageStatus")
        self.status.setWordWrap(True)
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def show_image(self, image: Image, status: str, *, waiting: bool) -> None:
        """Start showing ``image`` with ``status``; ``waiting`` keeps the image's room for it.

        An image that will not come (failed, refused, remote images off) shrinks to a strip:
        a tall empty box would only push the article down.
        """
        self.url = image.url
        self._waiting = waiting
        self._has_natural = bool(image.width and image.height)
        self._natural = QSize(image.width or 16, image.height or 9)
        self._pixmap = None
        self._scaled = None
        self.set_status(status, waiting=waiting)

    def set_status(self, text: str, *, waiting: bool = False) -> None:
        self._waiting = waiting
        self._pixmap = None
        self._scaled = None
        self.status.setText(text)
        self.status.show()
        self.setAccessibleName(text)
        self.setToolTip(self.url)
        self.updateGeometry()
        self._place_status()
        self.update()

    def set_image(self, image: QImage) -> None:
        self._pixmap = QPixmap.fromImage(image)
        self._scaled = None
        self._natural = image.size()
        self._has_natural = True
        self.status.hide()
        self.setAccessibleName("Article image")
        self.updateGeometry()
        self.update()

    def is_showing_image(self) -> bool:
        return self._pixmap is not None

    def status_text(self) -> str:
        return "" if self.status.isHidden() else self.status.text()

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._image_rect(width).height()

    def sizeHint(self) -> QSize:
        width = self.width() if self.width() > 0 else 480
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(64, MIN_IMAGE_HEIGHT)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._scaled = None
        self._place_status()

    def paintEvent(self, event: QPaintEvent) -> None:
        rect = self._image_rect(self.width())
        painter = QPainter(self)
        if self._pixmap is not None:
            ratio = self.devicePixelRatioF()
            key = (rect.width(), rect.height(), ratio)
            if self._scaled is None or self._scaled_key != key:
                # Scaled once per size, not per paint: smooth scaling a photo is slow.
                self._scaled = self._pixmap.scaled(
                    rect.size() * ratio,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
                self._scaled.setDevicePixelRatio(ratio)
                self._scaled_key = key
            painter.drawPixmap(rect.topLeft(), self._scaled)
        else:
            palette = self.palette()
            base = palette.color(QPalette.ColorRole.Base)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(mix(base, palette.color(QPalette.ColorRole.Text), 0.15))
            painter.setBrush(mix(base, palette.color(QPalette.ColorRole.Text), 0.05))
            painter.drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)
        painter.end()

    def _image_rect(self, available: int) -> QRect:
        if self._pixmap is None and not self._waiting:
            return QRect(0, 0, max(1, available), MIN_IMAGE_HEIGHT)
        natural_width = max(1, self._natural.width())
        natural_height = max(1, self._natural.height())
        width = min(available, natural_width) if self._has_natural else available
        height = round(width * natural_height / natural_width)
        if height > MAX_IMAGE_HEIGHT:
            height = MAX_IMAGE_HEIGHT
            width = round(height * natural_width / natural_height)
        return QRect(0, 0, max(1, width), max(MIN_IMAGE_HEIGHT, height))

    def _place_status(self) -> None:
        self.status.setGeometry(self._image_rect(self.width()).adjusted(8, 4, -8, -4))


class RelatedDelegate(QStyledItemDelegate):
    """Paints a related item as title, source · date, excerpt, from escaped HTML."""

    PADDING = 8

    def _document(self, option: QStyleOptionViewItem, index: QModelIndex, width: int,
                  selected: bool) -> QTextDocument:
        palette = option.palette
        text_role = (QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        text = palette.color(text_role)
        background = palette.color(QPalette.ColorRole.Highlight if selected
                                   else QPalette.ColorRole.Base)
        colors = render.RelatedColors(text=text.name(), muted=mix(text, background, 0.35).name())
        item: RelatedArticle = index.data(RELATED_ITEM_ROLE)
        document = QTextDocument()
        document.setDefaultFont(option.font)
        document.setDocumentMargin(0)
        document.setHtml(render.related_html(item, colors))
        document.setTextWidth(max(40, width - 2 * self.PADDING))
        return document

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        width = option.rect.width()
        view = self.parent()
        if isinstance(view, QListWidget):
            width = view.viewport().width()
        document = self._document(option, index, width, selected=False)
        return QSize(width, math.ceil(document.size().height()) + 2 * self.PADDING)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        self.initStyleOption(option, index)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        style = option.widget.style() if option.widget else None
        background = QStyleOptionViewItem(option)
        background.text = ""
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, background, painter,
                              option.widget)
        document = self._document(option, index, option.rect.width(), selected)
        painter.save()
        painter.translate(option.rect.topLeft() + QPoint(self.PADDING, self.PADDING))
        document.drawContents(painter, QRectF(QPoint(0, 0), QSizeF(document.size())))
        painter.restore()


class RelatedList(QListWidget):
    """Related coverage, sized to show every item (the pane scrolls, not the list).

    A click or Enter on an item emits ``urlActivated`` with its URL, when it is http(s).
    """

    urlActivated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setItemDelegate(RelatedDelegate(self))
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setWordWrap(True)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.viewport().setBackgroundRole(QPalette.ColorRole.Base)
        self._pressed: QPersistentModelIndex | None = None

    def set_items(self, related: tuple[RelatedArticle, ...]) -> None:
        self.clear()
        for entry in related:
            item = QListWidgetItem()
            item.setData(RELATED_URL_ROLE, entry.url)
            item.setData(RELATED_ITEM_ROLE, entry)
            item.setToolTip(render.related_tooltip(entry))
            item.setData(Qt.ItemDataRole.AccessibleTextRole, render.related_plain_text(entry))
            item.setData(Qt.ItemDataRole.DisplayRole, entry.title)
            self.addItem(item)
        self._fit_height()

    def url_at_row(self, row: int) -> str:
        item = self.item(row)
        return "" if item is None else str(item.data(RELATED_URL_ROLE) or "")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            QTimer.singleShot(0, self._fit_height)

    def _fit_height(self) -> None:
        self.doItemsLayout()
        height = sum(self.sizeHintForRow(row) for row in range(self.count()))
        self.setFixedHeight(height + 2 * self.frameWidth() + 2)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        self._pressed = QPersistentModelIndex(index) if index.isValid() else None
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        index = self.indexAt(event.position().toPoint())
        if (event.button() == Qt.MouseButton.LeftButton and index.isValid()
                and self._pressed is not None and QModelIndex(self._pressed) == index):
            self._activate(index.row())
        self._pressed = None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        over_item = self.indexAt(event.position().toPoint()).isValid()
        self.viewport().setCursor(Qt.CursorShape.PointingHandCursor if over_item
                                  else Qt.CursorShape.ArrowCursor)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentRow() >= 0:
            self._activate(self.currentRow())
            event.accept()
            return
        super().keyPressEvent(event)

    def _activate(self, row: int) -> None:
        url = safe_url(self.url_at_row(row))
        if url is not None:
            self.urlActivated.emit(url)


class SameStoryList(QListWidget):
    """The other articles of the current one's story; a click or Enter goes to one."""

    articleActivated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFrameShape(QFrame.Shape.NoFrame)
        # One line per article, elided: wrapped rows were measured before the list had
        # its width and overlapped.
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setUniformItemSizes(True)
        self.viewport().setBackgroundRole(QPalette.ColorRole.Base)
        self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        self.itemClicked.connect(self._on_item)
        self.itemActivated.connect(self._on_item)

    def set_articles(self, summaries: list[ArticleSummary]) -> None:
        self.clear()
        for summary in summaries:
            item = QListWidgetItem(render.same_story_text(summary))
            item.setData(Qt.ItemDataRole.UserRole, summary.id)
            item.setToolTip(summary.id)
            self.addItem(item)
        row_height = self.sizeHintForRow(0) if self.count() else 0
        self.setFixedHeight(row_height * self.count() + 2 * self.frameWidth() + 2)

    def _on_item(self, item: QListWidgetItem) -> None:
        self.articleActivated.emit(str(item.data(Qt.ItemDataRole.UserRole)))


class OtherFields(QWidget):
    """Front-matter keys reader does not know, behind a disclosure arrow, as plain text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.toggle = QToolButton(self)
        self.toggle.setObjectName("detailOtherFieldsToggle")
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setAutoRaise(True)
        self.toggle.setAccessibleDescription("Shows or hides the fields reader does not know")
        self.toggle.toggled.connect(self._on_toggled)
        self.form_widget = QWidget(self)
        self.form_widget.setObjectName("detailOtherFields")
        self.form = QFormLayout(self.form_widget)
        self.form.setContentsMargins(20, 0, 0, 0)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.form_widget)
        self._on_toggled(False)

    def set_rows(self, rows: list[tuple[str, str]]) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        for key, value in rows:
            key_label = QLabel(key)
            key_label.setTextFormat(Qt.TextFormat.PlainText)
            value_label = QLabel(render.soft_wrap(value) if "\n" not in value else value)
            value_label.setTextFormat(Qt.TextFormat.PlainText)
            value_label.setWordWrap(True)
            value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if "\n" in value:
                value_label.setFont(_monospace(value_label.font()))
            self.form.addRow(key_label, value_label)
        self.toggle.setText(f"Other fields ({len(rows)})")
        self.setVisible(bool(rows))

    def values_text(self) -> str:
        """Everything the section holds, as text (for tests and copying)."""
        texts = []
        for row in range(self.form.rowCount()):
            for role in (QFormLayout.ItemRole.LabelRole, QFormLayout.ItemRole.FieldRole):
                item = self.form.itemAt(row, role)
                if item is not None and isinstance(item.widget(), QLabel):
                    texts.append(item.widget().text())
        return "\n".join(texts)

    def _on_toggled(self, expanded: bool) -> None:
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.form_widget.setVisible(expanded)


class DetailPane(QWidget):
    """Shows the current article; see the module docstring for what it will and will not do."""

    openUrlRequested = Signal(str)
    relatedActivated = Signal(str)
    storyArticleActivated = Signal(str)
    """An article of "Same story in this folder" was clicked: its id."""
    linkHovered = Signal(str)
    """Where a hovered body link goes (its host), "" when the pointer leaves: for a status bar."""
    articleShown = Signal(str)
    """The pane moved to another article (its id), or to none (""): the Reader view resets."""
    readOriginalRequested = Signal()
    """The "Read Original Here" button of an article without body text was pressed."""

    def __init__(self, image_loader: ImageLoader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailPane")
        self.setAccessibleName("Article details")
        self._loader = image_loader
        self._current_id: str | None = None
        self._detail: ArticleDetail | None = None
        self._remote_images = image_loader.is_enabled()
        self._image_views: list[ImageView] = []
        self._open_original_url: str | None = None

        self._stack = QStackedWidget(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._stack)

        self._message = QLabel()
        self._message.setObjectName("detailMessage")
        self._message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._message.setWordWrap(True)
        self._message.setTextFormat(Qt.TextFormat.PlainText)
        self._message.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._message.setMargin(24)
        self._message.setAutoFillBackground(True)
        self._message.setBackgroundRole(QPalette.ColorRole.Base)
        self._stack.addWidget(self._message)

        self._scroll = QScrollArea()
        self._scroll.setObjectName("detailScroll")
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll.setBackgroundRole(QPalette.ColorRole.Base)
        self._stack.addWidget(self._scroll)
        # Focusing the pane (F7, a click) lands on the scroll area, so the arrow and page
        # keys read on through the article; Tab then walks its links and controls.
        self._scroll.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._scroll.setAccessibleName("Article")
        self.setFocusProxy(self._scroll)

        content = QWidget()
        content.setObjectName("detailContent")
        content.setAutoFillBackground(True)
        content.setBackgroundRole(QPalette.ColorRole.Base)
        layout = QVBoxLayout(content)
        layout.setContentsMargins(22, 18, 22, 22)
        layout.setSpacing(10)
        self._scroll.setWidget(content)

        self._title = _selectable_label("detailTitle", "Title")
        title_font = QFont(self._title.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.6)
        title_font.setWeight(QFont.Weight.Bold)
        self._title.setFont(title_font)
        self._meta = _selectable_label("detailMeta", "Source, date, category and type")
        self._meta.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._chips = ChipRow()
        self._chips.setObjectName("detailChips")
        self._chips.setAccessibleName("State and topics")

        self._problems = TintedLabel(tint=QPalette.ColorRole.Highlight, amount=0.12,
                                     left_rule=True)
        self._problems.setObjectName("detailProblems")
        self._problems.setTextFormat(Qt.TextFormat.RichText)
        self._problems.setAccessibleDescription("Problems with this file")

        self._excerpt = TintedLabel(tint=QPalette.ColorRole.Text, amount=0.05, left_rule=True)
        self._excerpt.setObjectName("detailExcerpt")
        self._excerpt.setTextFormat(Qt.TextFormat.PlainText)
        self._excerpt.setAccessibleDescription("Excerpt")
        excerpt_font = QFont(self._excerpt.font())
        excerpt_font.setPointSizeF(excerpt_font.pointSizeF() * 1.08)
        excerpt_font.setItalic(True)
        self._excerpt.setFont(excerpt_font)

        self._images = QWidget()
        self._images.setObjectName("detailImages")
        self._images.setAccessibleName("Images")
        self._images_layout = QVBoxLayout(self._images)
        self._images_layout.setContentsMargins(0, 4, 0, 4)
        self._images_layout.setSpacing(8)

        self._loading = QLabel(render.LOADING_BODY_TEXT)
        self._loading.setObjectName("detailBodyLoading")
        self._loading.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self._body = BodyBrowser()
        self._body.setObjectName("detailBody")
        self._body.setAccessibleName("Article text")
        self._body.linkActivated.connect(self.openUrlRequested)
        self._body.highlighted.connect(self._on_body_link_hovered)

        self._body_cut = QLabel()
        self._body_cut.setObjectName("detailBodyCut")
        self._body_cut.setWordWrap(True)
        self._body_cut.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self._no_body = QWidget()
        self._no_body.setObjectName("detailNoBody")
        no_body_layout = QVBoxLayout(self._no_body)
        no_body_layout.setContentsMargins(0, 6, 0, 6)
        self._no_body_label = QLabel(render.NO_BODY_TEXT)
        self._no_body_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._read_original = QPushButton("Read Original Here")
        self._read_original.setObjectName("detailReadOriginal")
        self._read_original.setAccessibleName("Read the original article's text here")
        self._read_original.setDefault(True)
        self._read_original.clicked.connect(self.readOriginalRequested)
        self._open_original = QPushButton("Open the original")
        self._open_original.setObjectName("detailOpenOriginal")
        self._open_original.setAccessibleName("Open the original article in the browser")
        self._open_original.clicked.connect(self._on_open_original_clicked)
        no_body_layout.addWidget(self._no_body_label)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self._read_original)
        buttons.addWidget(self._open_original)
        buttons.addStretch(1)
        no_body_layout.addLayout(buttons)
        self._original_section: QWidget | None = None
        self._original_active = False

        self._related_heading = QLabel()
        self._related_heading.setObjectName("detailRelatedHeading")
        heading_font = QFont(self._related_heading.font())
        heading_font.setWeight(QFont.Weight.DemiBold)
        heading_font.setPointSizeF(heading_font.pointSizeF() * 1.1)
        self._related_heading.setFont(heading_font)
        self._related = RelatedList()
        self._related.setObjectName("detailRelated")
        self._related.setAccessibleName("Related coverage")
        self._related.urlActivated.connect(self.relatedActivated)

        self._story_heading = QLabel("Same story in this folder")
        self._story_heading.setObjectName("detailSameStoryHeading")
        self._story_heading.setFont(heading_font)
        self._same_story = SameStoryList()
        self._same_story.setObjectName("detailSameStory")
        self._same_story.setAccessibleName("Same story in this folder")
        self._same_story.articleActivated.connect(self.storyArticleActivated)
        self._story_heading.hide()
        self._same_story.hide()

        self._other = OtherFields()
        self._facts = _selectable_label("detailFacts", "File details")
        self._facts.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        for widget in (self._title, self._meta, self._chips, self._problems, self._excerpt,
                       self._images, self._loading, self._body, self._body_cut,
                       self._no_body):
            layout.addWidget(widget)
        layout.addSpacing(6)
        layout.addWidget(self._story_heading)
        layout.addWidget(self._same_story)
        layout.addWidget(self._related_heading)
        layout.addWidget(self._related)
        layout.addWidget(self._other)
        layout.addWidget(self._facts)
        layout.addStretch(1)

        self._loader.imageReady.connect(self._on_image_ready)
        self._loader.imageFailed.connect(self._on_image_failed)
        self.show_empty()

    # -- public API ----------------------------------------------------------------------

    def image_loader(self) -> ImageLoader:
        """The window's image loader, for sections that show images of their own."""
        return self._loader

    def current_id(self) -> str | None:
        """The article shown (also after ``show_deleted``), None when nothing is."""
        return self._current_id

    def show_same_story(self, summaries: list[ArticleSummary]) -> None:
        """The other articles of the shown one's story (hidden when there are none)."""
        self._same_story.set_articles(summaries)
        self._story_heading.setVisible(bool(summaries))
        self._same_story.setVisible(bool(summaries))

    def same_story_ids(self) -> list[str]:
        return [str(self._same_story.item(row).data(Qt.ItemDataRole.UserRole))
                for row in range(self._same_story.count())]

    def set_original_section(self, section: QWidget) -> None:
        """Place the Reader view's section where the body would be (below the excerpt
        and images); the pane only hosts it, :mod:`reader.ui.original_reading` runs it."""
        layout = self._no_body.parentWidget().layout()
        layout.insertWidget(layout.indexOf(self._no_body) + 1, section)
        self._original_section = section

    def set_original_active(self, active: bool) -> None:
        """The Reader view shows something (progress, text or a failure) for this article:
        the "no body text" buttons step aside."""
        self._original_active = active
        if active:
            self._no_body.hide()
        elif self._detail is not None and not self._detail.body.strip():
            self._no_body.setVisible(not self._detail.summary.is_error)

    def _set_current_id(self, article_id: str | None) -> None:
        changed = article_id != self._current_id
        self._current_id = article_id
        if changed:
            self._original_active = False
            self.articleShown.emit(article_id or "")

    def show_empty(self, message: str = "") -> None:
        """Nothing or several articles selected: a quiet sentence instead of an article."""
        self._set_current_id(None)
        self._detail = None
        self._clear_images()
        self._message.setText(message or render.START_TEXT)
        self._stack.setCurrentWidget(self._message)

    def show_deleted(self, article_id: str) -> None:
        """The shown article's file went away under the editor."""
        self._set_current_id(article_id)
        self._detail = None
        self._clear_images()
        self._message.setText(f"{render.DELETED_TEXT}\n\n{render.soft_wrap(article_id)}")
        self._stack.setCurrentWidget(self._message)

    def show_summary(self, summary: ArticleSummary) -> None:
        """What the list already knows, at once; the body follows with ``show_detail``."""
        if summary.id != self._current_id:
            self._scroll_to(0)
        self._set_current_id(summary.id)
        self._detail = None
        self._show_header(summary)
        self._clear_images()
        self._body.hide()
        self._body_cut.hide()
        self._no_body.hide()
        self._loading.setVisible(not summary.is_error)
        self._related_heading.hide()
        self._related.hide()
        self._other.hide()
        self._facts.setText(render.soft_wrap(render.facts_line(summary, has_secured=False)))
        self._stack.setCurrentWidget(self._scroll)

    def show_detail(self, detail: ArticleDetail, *, keep_scroll: bool = False) -> None:
        """The whole article; ``keep_scroll`` when it is the same article refreshed on disk."""
        scroll = self._scroll.verticalScrollBar().value()
        same = detail.id == self._current_id
        self._detail = detail
        self._set_current_id(detail.id)
        summary = detail.summary
        self._show_header(summary)
        if not summary.has_front_matter and detail.body.strip():
            # A body-only file's excerpt is its own first lines: shown whole just below.
            self._excerpt.hide()
        self._show_images(detail.images, keep_shown=same)
        self._show_body(detail)
        self._related_heading.setText(f"Related coverage ({len(detail.related)})")
        self._related.set_items(detail.related)
        self._related_heading.setVisible(bool(detail.related))
        self._related.setVisible(bool(detail.related))
        self._other.set_rows(render.other_field_rows(detail.other_fields))
        self._facts.setText(render.soft_wrap(
            render.facts_line(summary, has_secured=detail.has_secured)))
        self._stack.setCurrentWidget(self._scroll)
        if keep_scroll and same:
            self._scroll_to(scroll)
        elif not same:
            self._scroll_to(0)

    def set_remote_images_enabled(self, enabled: bool) -> None:
        """Turn remote images on or off, for this pane and its loader."""
        self._remote_images = enabled
        self._loader.set_enabled(enabled)
        if self._detail is not None:
            self._show_images(self._detail.images)

    def remote_images_enabled(self) -> bool:
        return self._remote_images

    def image_views(self) -> list[ImageView]:
        """The image widgets in use for the current article, in order."""
        return [view for view in self._image_views if not view.isHidden()]

    # -- building the page ---------------------------------------------------------------

    def _show_header(self, summary: ArticleSummary) -> None:
        self._title.setText(render.soft_wrap(summary.title))
        meta = render.meta_line(summary)
        self._meta.setText(render.soft_wrap(meta))
        self._meta.setVisible(bool(meta))
        chips = [] if summary.is_error else [
            (render.published_badge_text(summary), summary.published)
        ]
        chips.extend((topic, False) for topic in summary.topics)
        self._chips.set_chips(chips)
        self._chips.setVisible(bool(chips))
        problems = render.problems_html(summary)
        self._problems.setText(problems)
        self._problems.setVisible(bool(problems))
        self._excerpt.setText(render.soft_wrap(summary.excerpt))
        self._excerpt.setVisible(bool(summary.excerpt.strip()))

    def _show_body(self, detail: ArticleDetail) -> None:
        self._loading.hide()
        self._body_cut.hide()
        if detail.summary.is_error:
            self._body.hide()
            self._no_body.hide()
            return
        if detail.body.strip():
            shown, total = render.body_for_display(detail.body, BODY_DISPLAY_LIMIT)
            self._body.set_markdown(shown)
            self._body.show()
            self._no_body.hide()
            self._body_cut.setText(render.body_cut_text(len(shown), total))
            self._body_cut.setVisible(len(shown) < total)
            return
        self._body.set_markdown("")
        self._body.hide()
        summary = detail.summary
        self._open_original_url = safe_url(summary.url) or safe_url(summary.web_url)
        self._open_original.setVisible(self._open_original_url is not None)
        if self._open_original_url is not None:
            self._open_original.setToolTip(render.link_hover_text(self._open_original_url))
        readable = any(safe_url(url) for url in (summary.url, summary.web_url, summary.amp_url))
        # The button takes the sentence's place: the editor is offered the text, not told
        # it is missing.
        self._read_original.setVisible(readable)
        self._no_body_label.setVisible(not readable)
        self._no_body.setVisible(not self._original_active)

    def _show_images(self, images: tuple[Image, ...], *, keep_shown: bool = False) -> None:
        """One view per image; ``keep_shown`` leaves views already on the same URL alone.

        A refresh of the same article (the file changed on disk) keeps its loaded or failed
        images instead of flashing placeholders and asking the host again.
        """
        shown = images[:MAX_IMAGES_SHOWN]
        while len(self._image_views) < len(shown):
            view = ImageView()
            self._images_layout.addWidget(view)
            self._image_views.append(view)
        requests = []
        for view, image in zip(self._image_views, shown, strict=False):
            if keep_shown and view.url == image.url and not view.isHidden():
                continue
            if safe_url(image.url) is None:
                view.show_image(image, _failure_text("only http and https images are loaded."),
                                waiting=False)
            elif not self._remote_images:
                view.show_image(image, render.REMOTE_IMAGES_OFF_TEXT, waiting=False)
            else:
                view.show_image(image, render.IMAGE_LOADING_TEXT, waiting=True)
                requests.append(image.url)
            view.show()
        for view in self._image_views[len(shown):]:
            view.hide()
            view.url = ""
        self._images.setVisible(bool(shown))
        for url in requests:  # after every view knows its URL: an answer may come at once
            self._loader.request(url)

    def _clear_images(self) -> None:
        for view in self._image_views:
            view.hide()
            view.url = ""
        self._images.hide()

    def _scroll_to(self, value: int) -> None:
        bar = self._scroll.verticalScrollBar()
        bar.setValue(value)
        if value:  # the new content may not be laid out yet
            QTimer.singleShot(0, bar, lambda: bar.setValue(value))  # dropped if bar is gone

    # -- slots -----------------------------------------------------------------------------

    def _on_image_ready(self, url: str, image: QImage) -> None:
        for view in self.image_views():
            if view.url == url:
                view.set_image(image)

    def _on_image_failed(self, url: str, reason: str) -> None:
        for view in self.image_views():
            if view.url == url:
                view.set_status(_failure_text(reason))

    def _on_open_original_clicked(self) -> None:
        if self._open_original_url is not None:
            self.openUrlRequested.emit(self._open_original_url)

    def _on_body_link_hovered(self, url: QUrl) -> None:
        self.linkHovered.emit(render.link_hover_text(url.toString()) if not url.isEmpty() else "")

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._related.viewport().update()


def _selectable_label(object_name: str, description: str) -> QLabel:
    # A description, not a name: a label's accessible name is its text, which is what a
    # screen reader should read out.
    label = QLabel()
    label.setObjectName(object_name)
    label.setAccessibleDescription(description)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                  | Qt.TextInteractionFlag.TextSelectableByKeyboard)
    return label


def _failure_text(reason: str) -> str:
    return f"Image could not be loaded: {reason}"


def _monospace(font: QFont) -> QFont:
    mono = QFont(font)
    mono.setFamily("monospace")
    mono.setStyleHint(QFont.StyleHint.Monospace)
    return mono


__all__ = ["BodyBrowser", "DetailPane", "ImageView", "RelatedList"]

