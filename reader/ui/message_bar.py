"""A quiet strip above the reading area for things the editor should know but not be
stopped by: a failed write, a refused link, a folder that went away.

Non-modal on purpose: a modal box in the middle of triage costs a click every time and
hides the list it is about.  The bar shows one message at a time (the newest wins),
offers at most one action, and hides itself after a while or when closed.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QEnterEvent, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStyle,
    QToolButton,
    QWidget,
)

from reader.ui import icons


class MessageKind(Enum):
    INFO = "info"
    ERROR = "error"


ERROR_TIMEOUT_MS = 20_000
INFO_TIMEOUT_MS = 8_000


class MessageBar(QFrame):
    """One line of text with an optional action button and a close button."""

    actionTriggered = Signal()
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBar")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAutoFillBackground(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._kind = MessageKind.INFO
        self._callback: Callable[[], None] | None = None

        self._icon = QLabel(self)
        self._icon.setFixedSize(QSize(18, 18))
        self._text = QLabel(self)
        self._text.setObjectName("messageBarText")
        self._text.setWordWrap(True)
        self._text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._text.setTextFormat(Qt.TextFormat.PlainText)
        self._action = QPushButton(self)
        self._action.setObjectName("messageBarAction")
        self._action.clicked.connect(self._on_action_clicked)
        self._close = QToolButton(self)
        self._close.setObjectName("messageBarClose")
        self._close.setAutoRaise(True)
        self._close.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_TitleBarCloseButton))
        self._close.setToolTip("Dismiss")
        self._close.setAccessibleName("Dismiss message")
        self._close.clicked.connect(self.dismiss)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 6, 6)
        layout.setSpacing(10)
        layout.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self._text, 1)
        layout.addWidget(self._action, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self._close, 0, Qt.AlignmentFlag.AlignVCenter)

        self._hide_timer = QTimer(self)
        self._hide_timer.setSingleShot(True)
        self._hide_timer.timeout.connect(self.dismiss)
        self.hide()

    def show_message(
        self,
        text: str,
        kind: MessageKind = MessageKind.ERROR,
        *,
        action_text: str = "",
        action: Callable[[], None] | None = None,
        timeout_ms: int | None = None,
    ) -> None:
        """Show ``text`` now, replacing any earlier message."""
        self._kind = kind
        self._callback = action
        self._text.setText(text)
        self.setAccessibleName("Error" if kind is MessageKind.ERROR else "Information")
        self.setAccessibleDescription(text)
        self._action.setText(action_text)
        self._action.setVisible(bool(action_text and action))
        self._apply_colors()
        self.show()
        if timeout_ms is None:
            timeout_ms = ERROR_TIMEOUT_MS if kind is MessageKind.ERROR else INFO_TIMEOUT_MS
        if timeout_ms > 0:
            self._hide_timer.start(timeout_ms)
        else:
            self._hide_timer.stop()

    def text(self) -> str:
        """The message shown, or "" when the bar is hidden."""
        return "" if self.isHidden() else self._text.text()

    def dismiss(self) -> None:
        self._hide_timer.stop()
        if not self.isHidden():
            self.hide()
            self.closed.emit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and not self.isHidden():
            self._apply_colors()

    def enterEvent(self, event: QEnterEvent) -> None:
        # Reading a long message with the pointer over it should not race the timer.
        if self._hide_timer.isActive():
            self._hide_timer.start()
        super().enterEvent(event)

    def _on_action_clicked(self) -> None:
        callback = self._callback
        self.dismiss()
        self.actionTriggered.emit()
        if callback is not None:
            callback()

    def _apply_colors(self) -> None:
        palette = self.palette()
        window = self.parentWidget().palette() if self.parentWidget() else palette
        base = window.color(QPalette.ColorRole.Window)
        if self._kind is MessageKind.ERROR:
            accent = icons.error_color(window)
            icon = icons.error_icon()
        else:
            accent = icons.unpublished_color(window)
            icon = icons.info_icon()
        palette.setColor(QPalette.ColorRole.Window, _blend(base, accent, 0.16))
        self.setPalette(palette)
        ratio = self.devicePixelRatioF()
        self._icon.setPixmap(icon.pixmap(QSize(18, 18), ratio))


def _blend(base: QColor, accent: QColor, amount: float) -> QColor:
    return QColor(
        round(base.red() + (accent.red() - base.red()) * amount),
        round(base.green() + (accent.green() - base.green()) * amount),
        round(base.blue() + (accent.blue() - base.blue()) * amount),
    )
