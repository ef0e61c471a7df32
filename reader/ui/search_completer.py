"""Completion for the search field: field names and the values the folder knows.

Only the word under construction (the text after the last space) is completed, so
``is:unpublished top`` offers ``topic:``, and ``topic:a`` offers ``topic:AI``.  Values with
spaces are offered quoted (``source:"KRON4 News"``).  The value list is rebuilt from the
articles in memory, at most once per :data:`REFRESH_DELAY_MS` while the folder changes;
once the list model is attached (:meth:`SearchCompleter.set_source`) the values are kept
per article by a :class:`reader.ui.live_tally.LiveTally` (a change costs its articles, not
the folder: a pass over 100,000 summaries per refresh was a visible stall).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence

from PySide6.QtCore import QStringListModel, Qt, QTimer
from PySide6.QtWidgets import QCompleter, QLineEdit

from reader.domain.article import ArticleSummary
from reader.domain.query import DATE_WORDS, FIELDS, HAS_VALUES, IS_VALUES

from .article_model import ArticleTableModel
from .live_tally import Keys, LiveTally

REFRESH_DELAY_MS = 500


def completions(summaries: Iterable[ArticleSummary]) -> list[str]:
    """Every field name, the fixed values, and the folder's sources, topics and categories."""
    values: set[Hashable] = set()
    for keys in value_keys(list(summaries)):
        values.update(keys)
    return _words(values)


def value_keys(summaries: Sequence[ArticleSummary]) -> list[Keys]:
    """Per article, the (field, value) pairs it offers for completion."""
    return [
        (
            *((("source", summary.source),) if summary.source else ()),
            *(("topic", topic) for topic in summary.topics),
            *((("category", summary.category),) if summary.category else ()),
        )
        for summary in summaries
    ]


def _words(values: Iterable[Hashable]) -> list[str]:
    """The fixed words, then the (field, value) pairs as words, each field's sorted."""
    words = [f"{name}:" for name in FIELDS]
    words += [f"is:{value}" for value in IS_VALUES]
    words += [f"has:{value}" for value in HAS_VALUES]
    words += [f"date:{value}" for value in DATE_WORDS]
    by_field: dict[str, set[str]] = {"source": set(), "topic": set(), "category": set()}
    for field, value in values:  # type: ignore[misc]
        by_field[field].add(value)
    for field, found in by_field.items():
        words += [f"{field}:{_quoted(value)}" for value in sorted(found, key=str.casefold)]
    return words


def _quoted(value: str) -> str:
    value = value.replace('"', "")
    return f'"{value}"' if any(c.isspace() or c in "()" for c in value) else value


class SearchCompleter(QCompleter):
    """Completes the last word of the line edit it is attached to."""

    def __init__(self, field: QLineEdit, summaries: Callable[[], list[ArticleSummary]]) -> None:
        super().__init__(field)
        self.setObjectName("searchCompleter")
        self._field = field
        self._summaries = summaries
        self._words = QStringListModel(completions(()), self)
        self.setModel(self._words)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchStartsWith)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setMaxVisibleItems(12)
        self.setWidget(field)
        self.activated[str].connect(self._insert)
        field.textEdited.connect(self._on_text_edited)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_DELAY_MS)
        self._timer.timeout.connect(self._refresh_if_counted)
        self._tally: LiveTally | None = None
        self._shown_values: frozenset[Hashable] = frozenset()

    def set_source(self, source: ArticleTableModel) -> None:
        """Follow the list model's changes article by article (instead of ``summaries``)."""
        self._tally = LiveTally(value_keys, self)
        self._tally.changed.connect(self.schedule_refresh)
        self._tally.attach(source)

    def schedule_refresh(self, *_args: object) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def refresh(self) -> None:
        """The value list brought up to date now."""
        if self._tally is None:
            self._words.setStringList(completions(self._summaries()))
            return
        self._tally.finish()
        self._refresh_if_counted()

    def _refresh_if_counted(self) -> None:
        if self._tally is None:
            self.refresh()
            return
        values = frozenset(self._tally.totals())
        if values != self._shown_values:  # a new value, or the last of one gone
            self._shown_values = values
            self._words.setStringList(_words(values))

    def words(self) -> list[str]:
        return self._words.stringList()

    def _prefix(self) -> str:
        text = self._field.text()[: self._field.cursorPosition()]
        word = text.rsplit(" ", 1)[-1]
        return word.lstrip("-(")

    def _on_text_edited(self, _text: str) -> None:
        prefix = self._prefix()
        if len(prefix) < 2:
            self.popup().hide()
            return
        self.setCompletionPrefix(prefix)
        if self.completionCount() == 0 or (
            self.completionCount() == 1 and self.currentCompletion() == prefix
        ):
            self.popup().hide()
            return
        self.complete()

    def _replace_last_word(self, word: str) -> str:
        text = self._field.text()
        cursor = self._field.cursorPosition()
        before, after = text[:cursor], text[cursor:]
        head, _space, last = before.rpartition(" ")
        lead = last[: len(last) - len(last.lstrip("-("))]
        joined = f"{head} " if _space else ""
        return f"{joined}{lead}{word}{'' if word.endswith(':') else ' '}{after.lstrip()}"

    def _insert(self, word: str) -> None:
        self._field.setText(self._replace_last_word(word))
