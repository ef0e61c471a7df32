"""Publish toggles as undoable commands.

One :class:`PublishCommand` covers one press of the toggle, however many articles were
selected, so Ctrl+Z undoes exactly what the editor did.  The command remembers each
article's value before the toggle and restores precisely those on undo (a mixed
selection returns to its mix).  Writes go through the library, which updates the list at
once and writes in a worker; a write that fails is reverted there and the window calls
:meth:`PublishCommand.forget` so the stack never claims a change that did not happen.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

from PySide6.QtGui import QUndoCommand

TITLE_LIMIT = 40


class PublishTarget(Protocol):
    """What a command needs from the library: one call, many ids, one value."""

    def set_published(self, article_ids: list[str], value: bool) -> None: ...


class PublishCommand(QUndoCommand):
    """Set ``value`` on every article of ``before`` (id -> value before the toggle)."""

    def __init__(
        self, library: PublishTarget, before: Mapping[str, bool], value: bool, title: str = ""
    ) -> None:
        super().__init__(command_text(value, len(before), title))
        self._library = library
        self._before = dict(before)
        self._value = value
        self._observer: Callable[[PublishCommand, list[str]], None] | None = None

    def set_write_observer(self, observer: Callable[[PublishCommand, list[str]], None]) -> None:
        """Be told which ids each redo or undo writes, to trace a failure back to this command."""
        self._observer = observer

    @property
    def value(self) -> bool:
        return self._value

    def article_ids(self) -> list[str]:
        return list(self._before)

    def is_empty(self) -> bool:
        return not self._before

    def redo(self) -> None:
        changing = [article_id for article_id, old in self._before.items() if old != self._value]
        if changing:
            self._write(changing, self._value)

    def undo(self) -> None:
        for old in (False, True):
            ids = [
                article_id
                for article_id, before in self._before.items()
                if before == old and before != self._value
            ]
            if ids:
                self._write(ids, old)

    def _write(self, article_ids: list[str], value: bool) -> None:
        if self._observer is not None:
            self._observer(self, article_ids)
        self._library.set_published(article_ids, value)

    def forget(self, article_id: str) -> None:
        """Stop covering ``article_id``: its write failed, so there is nothing to undo."""
        self._before.pop(article_id, None)


def command_text(value: bool, count: int, title: str = "") -> str:
    """'Publish “Title”' or 'Unpublish 3 Articles': what Edit ▸ Undo will name."""
    verb = "Publish" if value else "Unpublish"
    if count == 1 and title:
        shown = title if len(title) <= TITLE_LIMIT else title[: TITLE_LIMIT - 1] + "…"
        return f"{verb} “{shown}”"
    noun = "Article" if count == 1 else "Articles"
    return f"{verb} {count:,} {noun}"
