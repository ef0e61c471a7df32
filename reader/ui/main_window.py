"""The main window: article list beside the reading pane, toolbar, menus, status bar.

The window builds its children and wires their signals, in this module; each feature's
behaviour lives in a module of its own, none of which imports the window: triage
(``triage.py``), the reading pane's feed (``reading.py``, the 80 ms debounce), publish
and undo (``publish_commands.py``), the filters, saved searches and timeline
(``filters.py``), the search field (``search_bar.py``), Group by Story
(``story_switch.py``), the URL commands (``url_commands.py``), the Reader view
(``original_reading.py``), new rows' pacing
(``row_feed.py``), where actions sit (``menus.py``) and the status bar
(``status_bar.py``).  The library (a QtCore service) owns the articles and does all
disk work off the GUI thread.  The article being read is pinned in the filter
(``_on_current_row_changed``), so publishing it under the Unpublished filter does not
yank it out from under the editor.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    Qt,
    QTimer,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QKeyEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QMainWindow,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from reader.domain.article import ArticleSummary
from reader.library.library import Library
from reader.library.originals import OriginalService
from reader.ui import icons
from reader.ui.actions import Actions
from reader.ui.article_model import (
    ArticleFilterProxy,
    ArticleTableModel,
    Column,
    Role,
)
from reader.ui.article_view import ArticleView, empty_list_text
from reader.ui.detail_pane import DetailPane
from reader.ui.filters import FilterController
from reader.ui.images import ImageLoader
from reader.ui.menus import (
    RecentFoldersMenu,
    build_menus,
    build_toolbar,
    show_article_menu,
)
from reader.ui.message_bar import MessageBar, MessageKind
from reader.ui.open_url import reveal_in_file_manager
from reader.ui.original_reading import OriginalReading
from reader.ui.publish_commands import PublishHistory
from reader.ui.reading import ArticleReader
from reader.ui.row_feed import MAX_ROWS_PER_MERGE, RowFeed  # noqa: F401 (read here by tests)
from reader.ui.saved_searches import SavedSearchPanel
from reader.ui.search_bar import SearchBar
from reader.ui.settings import Settings
from reader.ui.shortcuts_dialog import ShortcutsDialog, show_about
from reader.ui.status_bar import LibraryStatus
from reader.ui.story_switch import StorySwitch
from reader.ui.timeline import TimelineStrip
from reader.ui.triage import Triage
from reader.ui.url_commands import UrlCommands

GIL_SWITCH_INTERVAL_S = 0.0005
"""How long a thread may hold the interpreter lock while another wants it (Python: 5 ms)."""


class MainWindow(QMainWindow):
    """reader's one window; ``MainWindow(folder)`` opens ``folder`` without running exec()."""

    def __init__(self, folder: Path | None = None, *, watch: bool = True) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        # The GUI thread shares the interpreter lock with reader's worker threads (index
        # reads, rescans) and takes it back at every return from Qt: with Python's default
        # 5 ms switch interval each of those waits could last 5 ms behind a busy worker,
        # and a rescan of 100,000 files after a warm start stalled the window 80-140 ms.
        sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
        self._settings = Settings()
        self._library = Library(self, watch=watch)
        self._model = ArticleTableModel(self)
        self._proxy = ArticleFilterProxy(self)
        self._proxy.setSourceModel(self._model)
        self._history = PublishHistory(self._library, self)
        self._actions = Actions(self)
        self._image_loader = ImageLoader(self)
        self._loading = False
        self._folder_missing = False
        self._closed = False
        self._focus_list_when_loaded = False

        self._refresh_timer = _single_shot(self, 0, self._refresh_now)
        self._row_feed = RowFeed(self._model, self)

        self._build_widgets()
        self._toolbar = build_toolbar(self, self._actions, self._search)
        self._recent_menu = RecentFoldersMenu(
            self._settings.recent_folders, self._actions["ClearRecent"], self
        )
        build_menus(self, self._actions, self._recent_menu)
        self.statusBar().setObjectName("statusBar")
        self._status = LibraryStatus(self.statusBar())
        self._apply_icons()
        self._connect()
        self._restore_settings()
        self._view.setFocus(Qt.FocusReason.OtherFocusReason)
        self._refresh_now()
        if folder is not None:
            self.open_folder(folder)
        else:
            self._update_title()

    # -- public API --------------------------------------------------------------------------

    def library(self) -> Library:
        return self._library

    def undo_stack(self) -> QUndoStack:
        return self._history.stack

    def message_bar(self) -> MessageBar:
        return self._message_bar

    def article_view(self) -> ArticleView:
        return self._view

    def detail_pane(self) -> DetailPane:
        return self._pane

    def action(self, key: str) -> QAction:
        """The QAction for a key of :data:`reader.ui.actions.ACTION_SPECS`."""
        return self._actions[key]

    def open_folder(self, folder: Path) -> None:
        """Show ``folder`` instead of the current one (the library reads it in the background)."""
        folder = Path(folder).expanduser().resolve()
        self._set_loading(True)
        self._folder_missing = False
        self._history.clear()
        self._focus_list_when_loaded = True
        self._library.open_folder(folder)
        self._settings.set_last_folder(folder)
        self._settings.add_recent_folder(folder)
        self._update_title()
        self._schedule_refresh()

    def select_article(self, article_id: str) -> bool:
        """Make ``article_id`` the current, only selected row; clears filters that hide it."""
        row = self._proxy.proxy_row_of(article_id)
        if row is None and self._model.row_of(article_id) is not None:
            self._filters.clear()
            row = self._proxy.proxy_row_of(article_id)
        if row is None:
            return False
        index = self._proxy.index(row, Column.TITLE)
        self._view.setCurrentIndex(index)
        self._view.selectionModel().select(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self._view.scrollTo(index)
        return True

    def toggle_published(self) -> None:
        """Publish the selection if any of it is unpublished, else unpublish it: one undo step."""
        self._triage.toggle_published()

    def publish_and_next(self) -> None:
        """Triage: publish the current article (if it is not yet) and move to the next."""
        self._triage.publish_and_next()

    def save_settings(self) -> None:
        """Remember the layout now (also done when the window closes)."""
        self._settings.set_geometry(self.saveGeometry())
        self._settings.set_window_state(self.saveState())
        self._settings.set_splitter_state(self._splitter.saveState())
        self._settings.set_header_state(self._view.header().saveState())
        self._settings.set_remote_images_enabled(self._actions["RemoteImages"].isChecked())
        self._settings.sync()

    # -- building ------------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self._view = ArticleView(self)
        view = self._view
        view.setObjectName("articleView")
        view.setAccessibleName("Articles")
        view.set_article_model(self._proxy)

        self._pane = DetailPane(self._image_loader, self)
        self._reader = ArticleReader(self._pane, self._model, self._library, self._current_id, self)
        self._pane.installEventFilter(_KeepReturnKey(self._pane))
        self._originals = OriginalReading(self._pane, OriginalService(self), self._model,
                                          self._view, self._actions, self._settings, self)

        self._timeline = TimelineStrip(self)
        list_column = QWidget(self)
        list_column.setObjectName("listColumn")
        list_layout = QVBoxLayout(list_column)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.setSpacing(0)
        list_layout.addWidget(self._timeline)
        list_layout.addWidget(view, 1)
        # View ▸ Group by Story swaps in this tree over the same filtered, sorted rows.
        self._story_switch = StorySwitch(
            self._library, self._proxy, self._model, view, self._pane,
            self._actions["GroupByStory"], self, self._current_id, self.select_article,
        )
        self._story_view = self._story_switch.view
        self._stories = self._story_switch.grouping
        list_layout.addWidget(self._story_view, 1)

        self._splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self._splitter.setObjectName("mainSplitter")
        self._splitter.setChildrenCollapsible(False)
        self._splitter.addWidget(list_column)
        self._splitter.addWidget(self._pane)
        self._splitter.setStretchFactor(0, 0)
        self._splitter.setStretchFactor(1, 1)
        self._splitter.setSizes([600, 680])

        self._message_bar = MessageBar(self)
        self._urls = UrlCommands(self, self._message_bar, self._target_summaries)
        self._triage = Triage(
            self._view, self._pane, self._model, self._proxy, self._library,
            self._actions, self._history, self._story_switch, self._message_bar, self,
        )
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._message_bar)
        # The saved searches sit beside the splitter, not in it, so the splitter's
        # remembered sizes (list, reading pane) keep their meaning.
        self._saved_searches = SavedSearchPanel(self)
        self._saved_searches.setFixedWidth(220)
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addWidget(self._saved_searches)
        body.addWidget(self._splitter, 1)
        layout.addLayout(body, 1)
        self.setCentralWidget(central)

        self._search_bar = SearchBar(self, self._all_summaries)
        self._search = self._search_bar.field
        # Under the message bar, above the lists: the line that says why the
        # typed query does not parse.
        layout.insertWidget(1, self._search_bar.error_line)
        self._filters = FilterController(
            self, self._library, self._proxy, self._actions, self._search,
            self._saved_searches, self._timeline, self._settings, self._message_bar,
            self._triage.keep_current_visible,
        )

    def _apply_icons(self) -> None:
        """(Re)paint every icon: at start and whenever the palette changes."""
        icons.apply_action_icons(self._actions)
        self._search_bar.refresh_icons()
        self._model.set_state_icons(
            icons.published_icon(), icons.unpublished_icon(), icons.problem_icon()
        )

    # -- wiring (all in one place) -------------------------------------------------------------

    def _connect(self) -> None:
        actions = self._actions
        library = self._library

        library.folderOpened.connect(self._on_library_folder_opened)
        library.articlesAdded.connect(self._row_feed.add)
        library.articlesChanged.connect(self._on_library_articles_changed)
        library.articlesRemoved.connect(self._on_library_articles_removed)
        library.loadProgress.connect(self._on_library_load_progress)
        library.loadFinished.connect(self._on_library_load_finished)
        library.statusMessage.connect(self._status.set_message)
        library.folderMissing.connect(self._on_library_folder_missing)
        library.detailReady.connect(self._reader.show_detail)
        library.publishFailed.connect(self._on_library_publish_failed)
        library.publishSucceeded.connect(self._history.forget_write)
        library.bodySearchFinished.connect(self._proxy.set_body_matches)

        # One current filter: the saved search (or View ▸ filter) narrowed by the typed text;
        # the saved searches, the timeline and the completer follow the list's model.
        self._filters.connect_sources(self._model)
        self._proxy.queryErrorChanged.connect(self._search_bar.show_error)
        self._search_bar.completer.set_source(self._model)
        self._search.leaveRequested.connect(self._triage.focus_list)

        self._triage.publishToggled.connect(self._schedule_refresh)
        selection = self._view.selectionModel()
        selection.currentRowChanged.connect(self._on_current_row_changed)
        # Actions follow the selection at once, so a command right after a click applies.
        selection.selectionChanged.connect(self._triage.update_actions)
        self._view.doubleClicked.connect(self._on_view_double_clicked)
        self._view.customContextMenuRequested.connect(
            lambda position: show_article_menu(self._view, self._actions, position)
        )
        for signal in (
            self._proxy.rowsInserted,
            self._proxy.rowsRemoved,
            self._proxy.modelReset,
            self._proxy.layoutChanged,
            self._model.countsChanged,
            self._model.dataChanged,
        ):
            signal.connect(self._schedule_refresh)

        self._pane.openUrlRequested.connect(self._urls.open_url)
        self._pane.relatedActivated.connect(self._on_pane_related_activated)
        self._pane.linkHovered.connect(self._urls.show_link_host)

        self._history.follow_in_actions(actions["Undo"], actions["Redo"])

        actions["OpenFolder"].triggered.connect(self._on_open_folder)
        actions["ClearRecent"].triggered.connect(self._settings.clear_recent_folders)
        self._recent_menu.folderChosen.connect(self._on_recent_folder_chosen)
        actions["Reload"].triggered.connect(self._on_reload)
        actions["RevealFile"].triggered.connect(self._on_reveal_file)
        actions["Quit"].triggered.connect(self.close)
        actions["Find"].triggered.connect(self._search_bar.focus_field)
        actions["CopyOriginalUrl"].triggered.connect(self._urls.copy_original_url)
        actions["CopyWebUrl"].triggered.connect(self._urls.copy_web_url)
        actions["SelectAll"].triggered.connect(self._view.selectAll)
        actions["RemoteImages"].toggled.connect(self._on_remote_images_toggled)
        actions["FocusList"].triggered.connect(self._triage.focus_list)
        actions["FocusPane"].triggered.connect(self._pane.setFocus)
        actions["TogglePublished"].triggered.connect(self.toggle_published)
        actions["OpenOriginal"].triggered.connect(self._urls.open_original)
        actions["OpenAmp"].triggered.connect(self._urls.open_amp)
        actions["OpenCdnAmp"].triggered.connect(self._urls.open_cdn_amp)
        actions["NextArticle"].triggered.connect(lambda: self._triage.move(+1))
        actions["GroupByStory"].toggled.connect(self._story_switch.set_grouped)
        actions["PublishAndNext"].triggered.connect(self.publish_and_next)
        actions["NextUnpublishedStory"].triggered.connect(self._story_switch.next_unpublished)
        self._story_view.currentArticleChanged.connect(self._story_switch.follow_tree)
        self._story_view.doubleClicked.connect(self._on_view_double_clicked)
        self._stories.regrouped.connect(self._story_switch.model.set_stories)
        self._stories.storiesReady.connect(self._story_switch.show_same_story)
        self._pane.storyArticleActivated.connect(self._story_switch.go_to)
        library.folderOpened.connect(self._story_switch.wait_for_load)
        library.loadFinished.connect(self._story_switch.load_finished)
        for signal in (library.articlesAdded, library.articlesChanged, library.articlesRemoved):
            signal.connect(self._story_switch.request_for)
        actions["PreviousArticle"].triggered.connect(lambda: self._triage.move(-1))
        actions["KeyboardShortcuts"].triggered.connect(self.show_shortcuts)
        actions["About"].triggered.connect(lambda: show_about(self))

    def _restore_settings(self) -> None:
        settings = self._settings
        geometry = settings.geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1280, 800)
        state = settings.window_state()
        if state is not None:
            self.restoreState(state)
        splitter = settings.splitter_state()
        if splitter is not None:
            self._splitter.restoreState(splitter)
        self._view.restore_header(settings.header_state())
        remote = settings.remote_images_enabled()
        self._actions["RemoteImages"].setChecked(remote)
        self._pane.set_remote_images_enabled(remote)
        for key, shown, widget in (
            ("SavedSearches", settings.saved_searches_shown(), self._saved_searches),
            ("Timeline", settings.timeline_shown(), self._timeline),
        ):
            self._actions[key].setChecked(shown)
            widget.setVisible(shown)

    def show_shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def _on_open_folder(self) -> None:
        start = self._library.folder() or self._settings.last_folder() or Path.home()
        chosen = QFileDialog.getExistingDirectory(self, "Open Folder", str(start))
        if chosen:
            self.open_folder(Path(chosen))

    def _on_reload(self) -> None:
        if self._library.folder() is not None:
            self._library.reload()

    def _on_reveal_file(self) -> None:
        article_id = self._current_id()
        if article_id is None:
            return
        message = reveal_in_file_manager(self._library.path_of(article_id))
        if message is not None:
            self._message_bar.show_message(message)

    def _all_summaries(self) -> list[ArticleSummary]:
        return [row.summary for row in self._model.rows_in_view_order()]

    def _on_remote_images_toggled(self, enabled: bool) -> None:
        self._pane.set_remote_images_enabled(enabled)
        self._settings.set_remote_images_enabled(enabled)

    # -- library signals ---------------------------------------------------------------------

    def _on_library_folder_opened(self, folder: Path) -> None:
        self._row_feed.clear()
        self._set_loading(True)
        self._folder_missing = False
        self._model.reset_articles([])
        self._reader.forget()
        self._proxy.set_pinned_id(None)
        self._pane.show_empty()
        self._status.set_message("")
        self._update_title()
        self._schedule_refresh()

    def _on_library_articles_changed(self, summaries: list[ArticleSummary]) -> None:
        self._row_feed.flush_all()
        self._model.update_articles(summaries)
        self._reader.reread_if_changed(summaries)
        self._schedule_refresh()

    def _on_library_articles_removed(self, article_ids: list[str]) -> None:
        self._row_feed.flush_all()
        with self._reader.removing(article_ids):
            self._model.remove_articles(article_ids)
        for article_id in article_ids:
            self._history.forget_write(article_id)
        self._schedule_refresh()

    def _on_library_load_progress(self, done: int, total: int) -> None:
        self._set_loading(True)
        self._status.show_progress(done, total)
        self._schedule_refresh()

    def _set_loading(self, loading: bool) -> None:
        """The folder is being read (a load or a burst of changes): the list's idle-time
        work (counts, search folding) waits, leaving the interpreter to the reading."""
        self._row_feed.set_loading(loading)
        self._loading = loading
        self._model.set_loading(loading)

    def _on_library_load_finished(self) -> None:
        self._set_loading(False)
        self._status.hide_progress()
        self._schedule_refresh()
        if self._focus_list_when_loaded:
            self._focus_list_when_loaded = False
            self._start_reading()

    def _start_reading(self) -> None:
        """A folder just opened: the list has the keyboard, so j, the arrows and F7 work at
        once instead of after a click (and the reading pane says so).  Nothing is selected
        for the editor: a chosen article is pinned past the filters, and the first choice
        is theirs.  Left alone when the keyboard is already somewhere."""
        if QApplication.focusWidget() is not None or not self.isActiveWindow():
            return
        if not self._view.currentIndex().isValid():
            # Tells Qt the editor has no current row on purpose: a focus-in would
            # otherwise make the first row current (and so pinned past the filters).
            self._view.setCurrentIndex(QModelIndex())
        self._view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_library_folder_missing(self, missing: bool) -> None:
        self._folder_missing = missing
        folder = self._library.folder()
        if missing:
            text = (
                f"The folder {folder} is missing: it was moved, deleted or unmounted. "
                "reader will read it again when it comes back."
            )
            self._pane.show_empty(text)
            self._message_bar.show_message(text, MessageKind.ERROR, timeout_ms=0)
        else:
            self._message_bar.show_message(f"The folder {folder} is back.", MessageKind.INFO)
            if self._pane.current_id() is None:
                self._pane.show_empty()
        self._schedule_refresh()

    def _on_library_publish_failed(self, article_id: str, message: str) -> None:
        self._message_bar.show_message(message, MessageKind.ERROR)
        if self._history.take_back_failed_write(article_id):
            self._schedule_refresh()

    # -- view and pane signals ---------------------------------------------------------------

    def _on_current_row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        article_id = current.data(Role.ID) if current.isValid() else None
        self._proxy.set_pinned_id(article_id)
        self._schedule_refresh()
        self._reader.show(article_id)
        self._triage.update_actions()
        self._story_switch.show_same_story()

    def _on_view_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self._urls.open_original()

    def _on_pane_related_activated(self, url: str) -> None:
        article_id = self._library.article_for_url(url)
        if article_id is not None and self.select_article(article_id):
            self._view.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self._urls.open_url(url)

    def _on_recent_folder_chosen(self, folder: Path) -> None:
        if folder.is_dir():
            self.open_folder(folder)
        else:
            self._message_bar.show_message(
                f"The folder {folder} no longer exists; it was removed from Open Recent."
            )

    # -- Qt overrides ----------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._apply_icons()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closed:
            self.save_settings()
            self._closed = True
            self._reader.close()
            self._originals.close()
            self._filters.close()
            self._library.close()
            self._image_loader.close()
            self._stories.close()
        super().closeEvent(event)

    # -- helpers ---------------------------------------------------------------------------------

    def _current_id(self) -> str | None:
        return self._triage.current_id()

    def _target_summaries(self) -> list[ArticleSummary]:
        return self._triage.target_summaries()

    def _schedule_refresh(self, *_: object) -> None:
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def _refresh_now(self) -> None:
        """Bring actions, counts and the empty-list message up to date (coalesced)."""
        self._triage.update_actions()
        total, unpublished, problems = self._model.counts()
        self._status.show_counts(self._proxy.rowCount(), total, unpublished, problems)
        self._view.set_placeholder_text(
            empty_list_text(
                self._library.folder(), self._folder_missing, self._loading,
                self._model.rowCount(), self._proxy.rowCount(), self._search.text(),
            )
        )

    def _update_title(self) -> None:
        folder = self._library.folder()
        if folder is None:
            self.setWindowTitle("reader")
            return
        self.setWindowTitle(f"{folder.name or folder} — reader")
        self.setWindowFilePath(str(folder))
        self.setAccessibleDescription(f"Articles in {folder}")
        self._status.set_folder(folder)


def _single_shot(parent: QObject, interval_ms: int, slot: object) -> QTimer:
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(interval_ms)
    timer.timeout.connect(slot)
    return timer


class _KeepReturnKey(QObject):
    """Lets Return reach the focused link or button in the reading pane, not a shortcut."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            event.accept()
            return True
        return False

