"""Where each action sits: the toolbar, the menu bar, the article context menu, Open Recent.

:mod:`reader.ui.actions` declares the commands; this module lays them out; the window
connects them.  Every action is also added to the window itself, so its shortcut works
while a desktop shows the menu bar outside the window.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint, QSize, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QMainWindow,
    QMenu,
    QSizePolicy,
    QToolBar,
    QToolButton,
    QWidget,
)

from reader.ui.actions import Actions


def build_toolbar(window: QMainWindow, actions: Actions, search_field: QWidget) -> QToolBar:
    """The main toolbar: open, reload, publish, open original, the state filter, search."""
    toolbar = QToolBar("Main Toolbar", window)
    toolbar.setObjectName("mainToolBar")
    toolbar.setMovable(False)
    toolbar.setFloatable(False)
    toolbar.setIconSize(QSize(20, 20))
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    toolbar.setContextMenuPolicy(Qt.ContextMenuPolicy.PreventContextMenu)
    actions["OpenFolder"].setIconText("Open")
    actions["Reload"].setIconText("Reload")
    actions["OpenOriginal"].setIconText("Open Original")
    toolbar.addAction(actions["OpenFolder"])
    toolbar.addAction(actions["Reload"])
    toolbar.addSeparator()
    toolbar.addAction(actions["TogglePublished"])
    toolbar.addAction(actions["OpenOriginal"])

    spacer = QWidget(toolbar)
    spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    toolbar.addWidget(spacer)

    segment = QWidget(toolbar)
    segment.setObjectName("stateFilter")
    segment.setAccessibleName("Show articles")
    segment_layout = QHBoxLayout(segment)
    segment_layout.setContentsMargins(0, 0, 8, 0)
    segment_layout.setSpacing(2)
    short_names = {
        "FilterAll": "All",
        "FilterUnpublished": "Unpublished",
        "FilterPublished": "Published",
        "FilterProblems": "Problems",
    }
    for key, label in short_names.items():
        actions[key].setIconText(label)
        button = QToolButton(segment)
        button.setObjectName("stateFilter" + key.removeprefix("Filter"))
        button.setDefaultAction(actions[key])
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        segment_layout.addWidget(button)
    toolbar.addWidget(segment)
    toolbar.addWidget(search_field)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
    # Qt's » button for what does not fit has no name of its own.
    extension = toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    if extension is not None:
        extension.setAccessibleName("More toolbar buttons")
    return toolbar


def build_menus(window: QMainWindow, actions: Actions, recent_menu: QMenu) -> None:
    """File, Edit, View, Article and Help, in the order the HIG gives."""
    bar = window.menuBar()

    file_menu = bar.addMenu("&File")
    file_menu.addAction(actions["OpenFolder"])
    file_menu.addMenu(recent_menu)
    file_menu.addAction(actions["Reload"])
    file_menu.addSeparator()
    file_menu.addAction(actions["RevealFile"])
    file_menu.addSeparator()
    file_menu.addAction(actions["Quit"])

    edit_menu = bar.addMenu("&Edit")
    edit_menu.addAction(actions["Undo"])
    edit_menu.addAction(actions["Redo"])
    edit_menu.addSeparator()
    edit_menu.addAction(actions["Find"])
    edit_menu.addSeparator()
    edit_menu.addAction(actions["CopyOriginalUrl"])
    edit_menu.addAction(actions["CopyWebUrl"])
    edit_menu.addSeparator()
    edit_menu.addAction(actions["SelectAll"])

    view_menu = bar.addMenu("&View")
    for key in ("FilterAll", "FilterUnpublished", "FilterPublished", "FilterProblems"):
        view_menu.addAction(actions[key])
    view_menu.addSeparator()
    for key in ("SavedSearches", "NextSavedSearch", "PreviousSavedSearch", "SaveSearch"):
        view_menu.addAction(actions[key])
    view_menu.addAction(actions["Timeline"])
    view_menu.addAction(actions["GroupByStory"])
    view_menu.addSeparator()
    view_menu.addAction(actions["RemoteImages"])
    view_menu.addAction(actions["FetchOriginalsAhead"])
    view_menu.addSeparator()
    view_menu.addAction(actions["FocusList"])
    view_menu.addAction(actions["FocusPane"])

    article_menu = bar.addMenu("&Article")
    add_article_actions(article_menu, actions)
    article_menu.addSeparator()
    article_menu.addAction(actions["PublishAndNext"])
    article_menu.addAction(actions["NextUnpublishedStory"])
    article_menu.addAction(actions["NextArticle"])
    article_menu.addAction(actions["PreviousArticle"])

    help_menu = bar.addMenu("&Help")
    help_menu.addAction(actions["KeyboardShortcuts"])
    help_menu.addSeparator()
    help_menu.addAction(actions["About"])

    # Actions that live only in a menu still need the window to own their shortcuts
    # when the menu bar is hidden (some desktops move it out of the window).
    window.addActions(actions.all())


def add_article_actions(menu: QMenu, actions: Actions) -> None:
    """The commands on the articles at hand: the Article menu and the list's context menu."""
    menu.addAction(actions["TogglePublished"])
    menu.addSeparator()
    menu.addAction(actions["OpenOriginal"])
    menu.addAction(actions["ReadOriginal"])
    menu.addAction(actions["OpenAmp"])
    menu.addAction(actions["OpenCdnAmp"])
    menu.addSeparator()
    menu.addAction(actions["CopyOriginalUrl"])
    menu.addAction(actions["CopyWebUrl"])


def show_article_menu(view: QAbstractItemView, actions: Actions, position: QPoint) -> None:
    """The list's context menu at ``position`` (in the viewport), over a row only."""
    if not view.indexAt(position).isValid():
        return
    menu = QMenu(view)
    add_article_actions(menu, actions)
    menu.addSeparator()
    menu.addAction(actions["RevealFile"])
    menu.exec(view.viewport().mapToGlobal(position))
    menu.deleteLater()


class RecentFoldersMenu(QMenu):
    """File ▸ Open Recent, filled from ``folders()`` each time it opens."""

    folderChosen = Signal(Path)

    def __init__(
        self, folders: Callable[[], list[Path]], clear: QAction, parent: QWidget | None = None
    ) -> None:
        super().__init__("Open &Recent", parent)
        self.setObjectName("menuOpenRecent")
        self._folders = folders
        self._clear = clear
        self.aboutToShow.connect(self._on_about_to_show)

    def _on_about_to_show(self) -> None:
        self.clear()
        folders = self._folders()
        for number, folder in enumerate(folders, start=1):
            label = f"&{number % 10}  {folder.name or folder}" if number <= 10 else folder.name
            action = self.addAction(label)
            action.setToolTip(str(folder))
            action.setStatusTip(str(folder))
            action.setData(str(folder))
            action.triggered.connect(self._on_folder_triggered)
        if not folders:
            empty = self.addAction("No Recent Folders")
            empty.setEnabled(False)
        self.addSeparator()
        self._clear.setEnabled(bool(folders))
        self.addAction(self._clear)

    def _on_folder_triggered(self) -> None:
        action = self.sender()
        if isinstance(action, QAction) and action.data():
            self.folderChosen.emit(Path(action.data()))
