"""Every command of the window, with its text, shortcuts and menu, in one table.

The table is the single source for three things that must never disagree: the QActions
the menus, toolbar and context menu share; the shortcuts shown beside menu entries; and
Help ▸ Keyboard Shortcuts, which lists the table rather than a copy of it.  Behaviour is
wired elsewhere (the main window connects ``triggered``); this module only declares.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """One command: ``key`` names the attribute and the objectName (``action`` + key)."""

    key: str
    text: str
    menu: str
    shortcuts: tuple[str, ...] = ()
    tip: str = ""
    checkable: bool = False

    @property
    def object_name(self) -> str:
        return "action" + self.key


ACTION_SPECS: tuple[ActionSpec, ...] = (
    # File
    ActionSpec("OpenFolder", "&Open Folder…", "File", ("Ctrl+O",), "Open a folder of articles"),
    ActionSpec("ClearRecent", "&Clear Menu", "File", (), "Forget the recently opened folders"),
    ActionSpec("Reload", "&Reload", "File", ("F5",), "Read the folder again"),
    ActionSpec(
        "RevealFile",
        "Show File in File &Manager",
        "File",
        ("Ctrl+Shift+M",),
        "Open the folder holding the current article's file",
    ),
    ActionSpec("Quit", "&Quit", "File", ("Ctrl+Q",), "Close reader"),
    # Edit
    ActionSpec("Undo", "&Undo", "Edit", ("Ctrl+Z",), "Undo the last publish change"),
    ActionSpec("Redo", "&Redo", "Edit", ("Ctrl+Shift+Z", "Ctrl+Y"), "Redo the change undone"),
    ActionSpec("Find", "&Find…", "Edit", ("Ctrl+F", "/"), "Search titles, excerpts and bodies"),
    ActionSpec(
        "CopyOriginalUrl",
        "Copy &Original URL",
        "Edit",
        ("Ctrl+Shift+C",),
        "Copy the original article's address",
    ),
    ActionSpec(
        "CopyWebUrl", "Copy &Web URL", "Edit", ("Ctrl+Alt+C",), "Copy the article's web address"
    ),
    ActionSpec("SelectAll", "Select &All", "Edit", ("Ctrl+A",), "Select every article shown"),
    # View
    ActionSpec(
        "FilterAll", "&All Articles", "View", ("Ctrl+1",), "Show every article", checkable=True
    ),
    ActionSpec(
        "FilterUnpublished",
        "&Unpublished",
        "View",
        ("Ctrl+2",),
        "Show articles not yet published",
        checkable=True,
    ),
    ActionSpec(
        "FilterPublished",
        "&Published",
        "View",
        ("Ctrl+3",),
        "Show published articles",
        checkable=True,
    ),
    ActionSpec(
        "FilterProblems",
        "Pro&blems",
        "View",
        ("Ctrl+4",),
        "Show files that could not be read",
        checkable=True,
    ),
    ActionSpec(
        "SavedSearches",
        "&Saved Searches",
        "View",
        ("F9",),
        "Show the saved searches beside the list",
        checkable=True,
    ),
    ActionSpec(
        "NextSavedSearch",
        "&Next Saved Search",
        "View",
        ("Alt+Down",),
        "Switch to the next saved search",
    ),
    ActionSpec(
        "PreviousSavedSearch",
        "Pre&vious Saved Search",
        "View",
        ("Alt+Up",),
        "Switch to the previous saved search",
    ),
    ActionSpec(
        "SaveSearch",
        "Sa&ve Search…",
        "View",
        ("Ctrl+Shift+S",),
        "Save the current search under a name",
    ),
    ActionSpec(
        "Timeline",
        "&Timeline",
        "View",
        ("F8",),
        "Show articles per day above the list",
        checkable=True,
    ),
    ActionSpec(
        "GroupByStory",
        "Group by &Story",
        "View",
        ("Ctrl+G",),
        "Group the list by story: the same news across outlets under one row",
        checkable=True,
    ),
    ActionSpec(
        "RemoteImages",
        "&Remote Images",
        "View",
        (),
        "Load article images from the web",
        checkable=True,
    ),
    ActionSpec(
        "FetchOriginalsAhead",
        "Fetch &Originals Ahead",
        "View",
        (),
        "Read the originals of the next few articles without body text in the background",
        checkable=True,
    ),
    ActionSpec(
        "FocusList", "Focus Article &List", "View", ("F6",), "Move the keyboard to the list"
    ),
    ActionSpec(
        "FocusPane", "Focus Reading &Pane", "View", ("F7",), "Move the keyboard to the article"
    ),
    # Article
    ActionSpec(
        "TogglePublished",
        "Toggle &Published",
        "Article",
        ("P",),
        "Publish the selected articles, or unpublish them if all are published",
    ),
    ActionSpec(
        "OpenOriginal",
        "&Open Original",
        "Article",
        ("Return", "Enter"),
        "Open the original article in the web browser",
    ),
    ActionSpec(
        "ReadOriginal",
        "&Read Original Here",
        "Article",
        ("R",),
        "Fetch the original article's text and show it in the reading pane",
    ),
    ActionSpec("OpenAmp", "Open &AMP Version", "Article", (), "Open the AMP page in the browser"),
    ActionSpec(
        "OpenCdnAmp",
        "Open &CDN AMP Version",
        "Article",
        (),
        "Open the AMP page through the AMP cache in the browser",
    ),
    ActionSpec(
        "PublishAndNext",
        "Publish and &Next",
        "Article",
        ("Shift+P",),
        "Publish the current article and move to the next one",
    ),
    ActionSpec(
        "NextUnpublishedStory",
        "Next &Unpublished Story",
        "Article",
        ("N",),
        "Move to the next story with no published article (groups the list by story)",
    ),
    ActionSpec("NextArticle", "&Next Article", "Article", ("J",), "Move to the next article"),
    ActionSpec(
        "PreviousArticle", "Pre&vious Article", "Article", ("K",), "Move to the previous article"
    ),
    # Help
    ActionSpec(
        "KeyboardShortcuts",
        "&Keyboard Shortcuts",
        "Help",
        ("F1",),
        "List every keyboard shortcut",
    ),
    ActionSpec("About", "&About reader", "Help", (), "Version and licence"),
)

SPEC_BY_KEY = {spec.key: spec for spec in ACTION_SPECS}

OTHER_KEYS: tuple[tuple[str, str], ...] = (
    ("Up / Down", "Move through the list"),
    ("Shift+Up / Shift+Down", "Extend the selection"),
    ("Escape, Down or Return (in the search field)", "Return to the list"),
    ("Double-click a row", "Open the original"),
    ("Menu key / right click on a row", "The article's commands"),
    ("Tab / Shift+Tab", "Move between search, list and article"),
    ("Click / drag on the timeline", "Show one day / a span of days"),
)
"""Keys handled by the widgets themselves, listed in the shortcuts dialog as well."""


class Actions(QObject):
    """The window's QActions, one per :data:`ACTION_SPECS` entry, looked up by key."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._actions: dict[str, QAction] = {}
        for spec in ACTION_SPECS:
            action = QAction(spec.text, parent)
            action.setObjectName(spec.object_name)
            if spec.shortcuts:
                action.setShortcuts([QKeySequence(text) for text in spec.shortcuts])
            tip = spec.tip or spec.text.replace("&", "").rstrip("…")
            if spec.shortcuts:
                shown = QKeySequence(spec.shortcuts[0]).toString(
                    QKeySequence.SequenceFormat.NativeText
                )
                action.setToolTip(f"{tip} ({shown})")
            else:
                action.setToolTip(tip)
            action.setStatusTip(tip)
            action.setCheckable(spec.checkable)
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self._actions[spec.key] = action
        self.filter_group = QActionGroup(self)
        self.filter_group.setExclusive(True)
        for key in ("FilterAll", "FilterUnpublished", "FilterPublished", "FilterProblems"):
            self.filter_group.addAction(self._actions[key])
        self._actions["FilterAll"].setChecked(True)

    def __getitem__(self, key: str) -> QAction:
        return self._actions[key]

    def all(self) -> list[QAction]:
        return list(self._actions.values())


def shortcut_rows() -> list[tuple[str, str, str]]:
    """(menu, command, shortcuts) for every action with a shortcut, in table order."""
    rows = []
    for spec in ACTION_SPECS:
        if not spec.shortcuts:
            continue
        keys = ", ".join(
            QKeySequence(text).toString(QKeySequence.SequenceFormat.NativeText)
            for text in spec.shortcuts
        )
        rows.append((spec.menu, spec.text.replace("&", ""), keys))
    return rows
