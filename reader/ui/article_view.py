"""The article list: a table of rows that says why it is empty and keeps its place.

Shared by the window's list and (for its row delegate) the story tree, so both draw rows
of the same height.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QByteArray,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSize,
    Qt,
)
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from reader.ui.article_model import Column

ROW_PADDING = 8
"""Extra pixels per list row over the font's height: dense enough for triage, calm to read."""
COLUMN_WIDTHS = {
    Column.STATE: 28,
    Column.SOURCE: 118,
    Column.DATE: 92,
    Column.QUALITY: 58,
    Column.HEAT: 48,
}


class ArticleView(QTableView):
    """The article list; says why it is empty instead of showing a blank white box.

    A table view, not a tree view, on purpose: a QTreeView re-lays out every row (asking
    Python for each row's flags) after each insert or re-sort, which made a 10,000-row
    load stall the window; a table view only looks at the rows on screen.

    Rows the live folder adds or removes above the ones on screen do not push those away:
    the top row on screen stays where it is, as in a mail client, unless the list is
    scrolled to its very top, where new articles are meant to be seen arriving.  A new sort
    order is not anchored: the window scrolls to the current article instead.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._placeholder = ""
        self._anchor: tuple[QPersistentModelIndex, int] | None = None
        self._sorting = False
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        self.setTabKeyNavigation(False)  # Tab leaves the list, as in a tree or list view
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + ROW_PADDING)
        self.horizontalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        )

    def header(self) -> QHeaderView:
        """The column header (QTreeView's name for it, kept for callers and tests)."""
        return self.horizontalHeader()

    def set_article_model(self, model: QAbstractItemModel) -> None:
        """Show ``model``'s rows as the window's list: whole rows selected, columns movable,
        the title stretching, newest first until the editor sorts otherwise."""
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setIconSize(QSize(16, 16))
        self.setItemDelegate(RoomyRowDelegate(self))
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setMinimumSectionSize(24)
        header.setSortIndicator(Column.DATE, Qt.SortOrder.DescendingOrder)
        self._fix_column_modes()
        for column, width in COLUMN_WIDTHS.items():
            header.resizeSection(column, width)
        self.setSortingEnabled(True)

    def restore_header(self, state: QByteArray | None) -> None:
        """The remembered column order, widths and sort (settings of any earlier version),
        then the sort applied; the title keeps stretching whatever the state says."""
        header = self.header()
        if state is not None and header.restoreState(state):
            self._fix_column_modes()
        self.sortByColumn(header.sortIndicatorSection(), header.sortIndicatorOrder())

    def _fix_column_modes(self) -> None:
        header = self.header()
        header.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(Column.STATE, QHeaderView.ResizeMode.Fixed)
        header.setStretchLastSection(False)

    def setModel(self, model: QAbstractItemModel | None) -> None:  # type: ignore[override]
        old = self.model()
        if old is not None:
            for signal, slot in self._anchor_connections(old):
                signal.disconnect(slot)
        super().setModel(model)
        if model is not None:
            for signal, slot in self._anchor_connections(model):
                signal.connect(slot)

    def _anchor_connections(self, model: QAbstractItemModel) -> list[tuple[Any, Any]]:
        remember, restore = self._remember_top_row, self._restore_top_row
        return [
            (model.rowsAboutToBeInserted, remember), (model.rowsInserted, restore),
            (model.rowsAboutToBeRemoved, remember), (model.rowsRemoved, restore),
            (model.rowsAboutToBeMoved, remember), (model.rowsMoved, restore),
            (model.layoutAboutToBeChanged, self._remember_top_row_unless_sorting),
            (model.layoutChanged, restore),
        ]

    def _remember_top_row_unless_sorting(self, *_args: object) -> None:
        is_sorting = getattr(self.model(), "is_sorting", None)
        self._sorting = bool(is_sorting is not None and is_sorting())
        if self._sorting:
            self._anchor = None
        else:
            self._remember_top_row()

    def _remember_top_row(self, *_args: object) -> None:
        self._anchor = None
        if self.verticalScrollBar().value() == 0:
            return  # at the top: new rows above are to be seen
        top = self.indexAt(QPoint(0, 0))
        if top.isValid():
            self._anchor = (QPersistentModelIndex(top), self.visualRect(top).top())

    def _restore_top_row(self, *_args: object) -> None:
        if self._sorting:
            self._sorting = False
            if self.currentIndex().isValid():
                self.scrollTo(self.currentIndex(), QAbstractItemView.ScrollHint.PositionAtCenter)
            return
        anchor, self._anchor = self._anchor, None
        if anchor is None or not anchor[0].isValid():
            return
        index, offset = anchor
        step = self.verticalHeader().defaultSectionSize()
        self.verticalScrollBar().setValue(index.row() * step - offset)

    def placeholder_text(self) -> str:
        return self._placeholder

    def set_placeholder_text(self, text: str) -> None:
        if text != self._placeholder:
            self._placeholder = text
            self.setAccessibleDescription(text)
            self.viewport().update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        model = self.model()
        if not self._placeholder or model is None or model.rowCount() > 0:
            return
        painter = QPainter(self.viewport())
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        area = self.viewport().rect().adjusted(24, 24, -24, -24)
        painter.drawText(
            area, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._placeholder
        )
        painter.end()


class RoomyRowDelegate(QStyledItemDelegate):
    """Rows a little taller than the style's minimum, as mail and feed readers draw them."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), max(size.height(), option.fontMetrics.height() + ROW_PADDING))


def empty_list_text(
    folder: Path | None, missing: bool, loading: bool, articles: int, shown: int, search: str
) -> str:
    """What the empty list says instead of a blank white box (``""`` while it has rows)."""
    if shown > 0:
        return ""
    if folder is None:
        return "No folder is open.\nChoose File ▸ Open Folder… to read one."
    if missing:
        return f"The folder {folder.name} is missing."
    if articles > 0:
        search = search.strip()
        return f"No articles match “{search}”." if search else "No articles in this view."
    if loading:
        return "Reading the folder…"
    return (
        "No articles here yet.\n"
        "Files ending in .txt, .md or .markdown appear as soon as they arrive."
    )
