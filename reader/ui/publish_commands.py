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

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QUndoCommand, QUndoStack

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


class PublishHistory(QObject):
    """The window's undo stack of publish toggles, and which command wrote which article.

    A write that fails is taken back out of its command (and the command off the stack
    once nothing of it is left), so Ctrl+Z never claims a change that did not happen.
    """

    def __init__(self, library: PublishTarget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self.stack = QUndoStack(self)
        self._last_writer: dict[str, PublishCommand] = {}

    def push(self, before: Mapping[str, bool], value: bool, title: str = "") -> None:
        """One toggle: ``value`` on every article of ``before``, as one undo step."""
        command = PublishCommand(self._library, before, value, title)
        command.set_write_observer(self._on_command_wrote)
        self.stack.push(command)

    def clear(self) -> None:
        """A new folder: nothing of the old one can be undone."""
        self.stack.clear()
        self._last_writer.clear()

    def forget_write(self, article_id: str, *_value: object) -> None:
        """The write landed (or the file went away): no command answers for it any more."""
        self._last_writer.pop(article_id, None)

    def take_back_failed_write(self, article_id: str, *_message: object) -> bool:
        """The library reverted a failed write: so does the command that made it.  True
        when a command changed."""
        command = self._last_writer.pop(article_id, None)
        if command is None or not shiboken6.isValid(command):
            return False
        command.forget(article_id)
        if command.is_empty():
            self._drop_command(command)
        return True

    def follow_in_actions(self, undo: QAction, redo: QAction) -> None:
        """Edit ▸ Undo and Redo run this stack, enabled and named after its next steps."""
        undo.setEnabled(False)
        redo.setEnabled(False)
        self.stack.canUndoChanged.connect(undo.setEnabled)
        self.stack.canRedoChanged.connect(redo.setEnabled)
        # A title's "&" would otherwise become a menu mnemonic.
        self.stack.undoTextChanged.connect(
            lambda text: undo.setText(f"&Undo {text.replace('&', '&&')}" if text else "&Undo")
        )
        self.stack.redoTextChanged.connect(
            lambda text: redo.setText(f"&Redo {text.replace('&', '&&')}" if text else "&Redo")
        )
        undo.triggered.connect(self.stack.undo)
        redo.triggered.connect(self.stack.redo)

    def _on_command_wrote(self, command: PublishCommand, article_ids: list[str]) -> None:
        for article_id in article_ids:
            self._last_writer[article_id] = command

    def _drop_command(self, command: PublishCommand) -> None:
        """Take a command whose every write failed off the stack, if it is at the edge.

        An obsolete command is deleted by QUndoStack instead of being undone or redone.
        A failed command buried under newer ones stays as a harmless no-op.
        """
        index = self.stack.index()
        if index > 0 and self.stack.command(index - 1) is command:
            command.setObsolete(True)
            self.stack.undo()
        elif index < self.stack.count() and self.stack.command(index) is command:
            command.setObsolete(True)
            self.stack.redo()
