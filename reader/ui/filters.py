"""What the list shows: the View ▸ filter or saved search, the typed query, the timeline.

One current filter: the saved search (or View ▸ filter) narrowed by the typed text, and
the timeline picturing it without its typed ``date:`` words.  Body words are looked up
in the index (on disk) after typing pauses, for the list and the saved searches' counts
in one request.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from reader.domain.query import Query, Term, combine, day_term, replace_dates
from reader.domain.query import parse as parse_query
from reader.library.library import Library
from reader.ui.actions import Actions
from reader.ui.article_model import (
    STATE_QUERIES,
    ArticleFilterProxy,
    ArticleTableModel,
    StateFilter,
)
from reader.ui.message_bar import MessageBar
from reader.ui.saved_searches import SavedSearchPanel
from reader.ui.settings import Settings
from reader.ui.timeline import TimelineStrip

BODY_SEARCH_DELAY_MS = 150
"""Typing pauses this long before the bodies (on disk, via the index) are searched."""

FILTER_ACTIONS = {
    "FilterAll": StateFilter.ALL,
    "FilterUnpublished": StateFilter.UNPUBLISHED,
    "FilterPublished": StateFilter.PUBLISHED,
    "FilterProblems": StateFilter.PROBLEMS,
}


class FilterController(QObject):
    """Keeps the proxy's filter, the View ▸ filter actions, the saved-search panel, the
    search field and the timeline saying the same thing."""

    def __init__(
        self,
        window: QWidget,
        library: Library,
        proxy: ArticleFilterProxy,
        actions: Actions,
        search: QLineEdit,
        panel: SavedSearchPanel,
        timeline: TimelineStrip,
        settings: Settings,
        message_bar: MessageBar,
        keep_current_visible: Callable[[], None],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._library = library
        self._proxy = proxy
        self._actions = actions
        self._search = search
        self._panel = panel
        self._timeline = timeline
        self._settings = settings
        self._message_bar = message_bar
        self._keep_current_visible = keep_current_visible
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(BODY_SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._on_search_timer_timeout)
        self._body_search_stale = False

    def connect_sources(self, model: ArticleTableModel) -> None:
        """Follow ``model`` and the library; take the commands of the View ▸ filters, the
        saved-search panel, the timeline and the search field."""
        panel, library, actions = self._panel, self._library, self._actions
        panel.model.set_source(model, self._proxy.folded, self._proxy.is_prefolding)
        panel.model.set_user_searches(self._settings.saved_searches())
        panel.model.userSearchesChanged.connect(self.remember_saved_searches)
        panel.model.bodyWordsWanted.connect(self.start_body_search)
        library.bodySearchFinished.connect(panel.model.set_body_matches)
        panel.searchChosen.connect(self.choose_saved_search)
        panel.saveRequested.connect(self.save_search)
        panel.select_query("")
        self._proxy.queryChanged.connect(self.follow_query)
        # Both follow the list model's changes article by article (articlesTouched).
        self._timeline.set_sources(model, self.timeline_query, self._proxy.folded)
        self._timeline.daysChosen.connect(self.choose_days)
        for signal in (library.articlesAdded, library.articlesChanged):
            signal.connect(self.folder_content_changed)
        self._search.textChanged.connect(self.search_typed)
        for key in FILTER_ACTIONS:
            actions[key].triggered.connect(self.apply_filter_action)
        actions["SavedSearches"].toggled.connect(self.show_saved_searches)
        actions["Timeline"].toggled.connect(self.show_timeline)
        actions["NextSavedSearch"].triggered.connect(lambda: panel.step(+1))
        actions["PreviousSavedSearch"].triggered.connect(lambda: panel.step(-1))
        actions["SaveSearch"].triggered.connect(self.save_search)

    def close(self) -> None:
        self._search_timer.stop()

    def apply_filter_action(self) -> None:
        checked = self._actions.filter_group.checkedAction()
        key = checked.objectName().removeprefix("action") if checked else "FilterAll"
        self._proxy.set_state_filter(FILTER_ACTIONS.get(key, StateFilter.ALL))
        self._panel.select_query(self._proxy.base_query())
        self._keep_current_visible()

    def clear(self) -> None:
        self._search.clear()
        self._actions["FilterAll"].setChecked(True)
        self._proxy.set_state_filter(StateFilter.ALL)
        self._panel.select_query("")

    def choose_saved_search(self, query: str) -> None:
        """A saved search becomes the base filter; the View ▸ filter that is the same
        search is checked, or none when it is not one of them."""
        try:
            self._proxy.set_base_query(query)
        except ValueError as exc:
            self._message_bar.show_message(f"The saved search “{query}” is malformed: {exc}")
            return
        group = self._actions.filter_group
        matching = [k for k, state in FILTER_ACTIONS.items() if STATE_QUERIES[state] == query]
        group.setExclusive(False)
        for key in FILTER_ACTIONS:
            self._actions[key].setChecked(key in matching)
        group.setExclusive(True)
        self._keep_current_visible()
        self.start_body_search()

    def save_search(self) -> None:
        query = " ".join(
            part for part in (self._proxy.base_query(), self._search.text().strip()) if part
        )
        if not query or self._proxy.query_error():
            self._message_bar.show_message("Type a search that works before saving it.")
            return
        name, ok = QInputDialog.getText(self._window, "Save Search", "Name:", text=query[:40])
        if ok and name.strip():
            self._panel.save(name.strip(), query)
            self._search.clear()

    def remember_saved_searches(self) -> None:
        searches = self._panel.model.user_searches()
        self._settings.set_saved_searches([(s.name, s.query) for s in searches])

    def show_saved_searches(self, shown: bool) -> None:
        self._panel.setVisible(shown)
        self._settings.set_saved_searches_shown(shown)

    def show_timeline(self, shown: bool) -> None:
        self._timeline.setVisible(shown)
        self._settings.set_timeline_shown(shown)
        if shown:
            self._timeline.schedule()

    def timeline_query(self) -> Query:
        """The current filter without its typed ``date:`` words (the picture stays whole)."""
        try:
            typed = parse_query(replace_dates(self._proxy.search_text(), ""))
            base = parse_query(self._proxy.base_query())
        except ValueError:
            return self._proxy.query()
        return combine(base, typed)

    def choose_days(self, first: date, last: date) -> None:
        self._search.setText(replace_dates(self._search.text(), day_term(first, last)))

    def follow_query(self) -> None:
        self._timeline.schedule()
        dates = [
            term for term in self._proxy.query().terms()
            if isinstance(term, Term) and term.field == "date"
        ]
        if len(dates) == 1:
            low, high = dates[0].value
            self._timeline.set_selection(date.fromordinal(low), date.fromordinal(high))
        else:
            self._timeline.set_selection(None, None)

    def search_typed(self, text: str) -> None:
        self._proxy.set_search_text(text)
        self._keep_current_visible()
        self.start_body_search()

    def start_body_search(self) -> None:
        if self._proxy.missing_body_terms() or self._panel.model.missing_body_words():
            self._search_timer.start()
        elif not self._body_search_stale:
            self._search_timer.stop()

    def _on_search_timer_timeout(self) -> None:
        """Ask the index for the body words the list and the saved searches still need,
        all in one request (a request supersedes the ones before it)."""
        counts = self._panel.model
        if self._body_search_stale:
            self._body_search_stale = False
            terms = (*self._proxy.query().body_terms, *counts.body_words())
        else:
            terms = (*self._proxy.missing_body_terms(), *counts.missing_body_words())
        if terms:
            self._library.search_bodies(*dict.fromkeys(terms))

    def folder_content_changed(self, *_args: object) -> None:
        """Files came, changed or went: body words are looked up again (the answers in
        hand stay until the new ones arrive, so matching rows do not flicker)."""
        if self._proxy.query().body_terms or self._panel.model.body_words():
            self._body_search_stale = True
            self._search_timer.start()
