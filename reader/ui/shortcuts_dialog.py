"""Help ▸ Keyboard Shortcuts: every shortcut of the actions table, grouped by menu.

Built from :func:`reader.ui.actions.shortcut_rows`, never from a hand-kept list, so a
shortcut added to the table shows up here without anyone remembering to.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMessageBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

import reader
from reader.ui.actions import OTHER_KEYS, shortcut_rows


class ShortcutsDialog(QDialog):
    """A read-only two-column list: command and keys, under one heading per menu."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard Shortcuts")
        self.resize(520, 560)

        tree = QTreeWidget(self)
        tree.setObjectName("shortcutsList")
        tree.setAccessibleName("Keyboard shortcuts")
        tree.setColumnCount(2)
        tree.setHeaderLabels(["Command", "Keys"])
        tree.setRootIsDecorated(False)
        tree.setUniformRowHeights(True)
        tree.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        tree.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        tree.header().setStretchLastSection(False)

        groups: dict[str, QTreeWidgetItem] = {}
        for menu, command, keys in shortcut_rows():
            group = groups.get(menu)
            if group is None:
                group = self._heading(tree, menu)
                groups[menu] = group
            QTreeWidgetItem(group, [command, keys])
        other = self._heading(tree, "Lists and fields")
        for keys, meaning in OTHER_KEYS:
            QTreeWidgetItem(other, [meaning, keys])
        tree.expandAll()
        self.tree = tree

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.addWidget(tree)
        layout.addWidget(buttons)

    def listed_text(self) -> str:
        """Everything the dialog lists, one row a line: what tests and screen readers see."""
        lines = []
        root = self.tree.invisibleRootItem()
        for group_index in range(root.childCount()):
            group = root.child(group_index)
            lines.append(group.text(0))
            for row in range(group.childCount()):
                item = group.child(row)
                lines.append(f"{item.text(0)}\t{item.text(1)}")
        return "\n".join(lines)

    @staticmethod
    def _heading(tree: QTreeWidget, title: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(tree, [title])
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        item.setFirstColumnSpanned(True)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        return item


def show_about(parent: QWidget) -> None:
    """Help ▸ About reader."""
    QMessageBox.about(
        parent,
        "About reader",
        f"<h3>reader {reader.__version__}</h3>"
        "<p>A fast, keyboard-first reader for a folder of curated news articles: "
        "read each one whole, mark it published, open the original.</p>"
        "<p>Built with Qt for Python (PySide6). MIT licence.</p>",
    )
