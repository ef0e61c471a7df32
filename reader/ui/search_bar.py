"""The search field in the toolbar, its completer, and the line that says why a query fails.

The field hands the keyboard back to the list on Escape, Down and Return; the error line
under the toolbar (and a warning icon in the field) show while the typed query does not
parse, while the list keeps the last good result.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QColor, QKeyEvent, QPalette
from PySide6.QtWidgets import QLabel, QLineEdit, QSizePolicy, QStyle, QWidget

from reader.domain.article import ArticleSummary
from reader.ui import icons
from reader.ui.chips import mix
from reader.ui.search_completer import SearchCompleter

ERROR_RED = QColor("#d02020")


class SearchBar(QObject):
    """The field (``searchField``), its completer and the error line (``searchError``).

    Two widgets in two places (the toolbar, the top of the window), one behaviour: the
    window lays them out; this object keeps them saying the same thing.
    """

    def __init__(self, window: QWidget, summaries: Callable[[], list[ArticleSummary]]) -> None:
        super().__init__(window)
        self.error_line = QLabel(window)
        line = self.error_line
        line.setObjectName("searchError")
        line.setAccessibleName("Search problem")
        line.setTextFormat(Qt.TextFormat.PlainText)
        # Right-aligned below the search field; shown only while the query does not parse.
        line.setContentsMargins(8, 3, 12, 3)
        line.setAlignment(Qt.AlignmentFlag.AlignRight)
        line.hide()

        self.field = SearchField(window)
        field = self.field
        field.setObjectName("searchField")
        field.setAccessibleName("Search articles")
        field.setPlaceholderText("Search")
        field.setClearButtonEnabled(True)
        field.setMinimumWidth(180)
        field.setMaximumWidth(300)
        field.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._icon = field.addAction(icons.search_icon(), QLineEdit.ActionPosition.LeadingPosition)
        # Each action is a button to assistive technology: a nameless one is read as
        # "button" alone.
        self._icon.setText("Search")
        self.completer = SearchCompleter(field, summaries)
        self._error_icon = field.addAction(
            window.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning),
            QLineEdit.ActionPosition.TrailingPosition,
        )
        self._error_icon.setText("Search problem")
        self._error_icon.setVisible(False)
        clear = field.findChild(QAction, "_q_qlineeditclearaction")
        if clear is not None:
            clear.setText("Clear search")

    def focus_field(self) -> None:
        """Edit ▸ Find: the keyboard to the field, its text selected to type over."""
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    def refresh_icons(self) -> None:
        """After a palette change: the magnifier is drawn in the text colour."""
        self._icon.setIcon(icons.search_icon())

    def show_error(self, message: str) -> None:
        """Why the typed query does not parse; ``""`` hides the line and the icon."""
        line = self.error_line
        line.setText(message)
        line.setVisible(bool(message))
        self._error_icon.setVisible(bool(message))
        self._error_icon.setToolTip(message)
        palette = line.palette()
        if message:
            base = palette.color(QPalette.ColorRole.Window)
            palette.setColor(QPalette.ColorRole.WindowText, mix(base, ERROR_RED, 0.85))
        line.setPalette(palette)


class SearchField(QLineEdit):
    """The search box; Escape, Down and Return hand the keyboard back to the list.

    Return is claimed before shortcuts see it, so finishing a search never opens an
    article's original by accident.
    """

    leaveRequested = Signal()

    _LEAVING_KEYS = (Qt.Key.Key_Escape, Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and self._is_leaving_key(event):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._is_leaving_key(event):
            event.accept()
            self.leaveRequested.emit()
            return
        super().keyPressEvent(event)

    def _is_leaving_key(self, event: QEvent) -> bool:
        return (
            isinstance(event, QKeyEvent)
            and event.key() in self._LEAVING_KEYS
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        )
