"""Guard against PySide6 releases that leak references to None.

PySide6 6.12.0 on CPython 3.11 drops a reference to ``None`` each time a Python override
returns it to C++ (a model's ``data()`` for a role it does not serve, a timer callback, a
slot), so after enough list scrolling the count underflows and the interpreter aborts.
pyproject.toml keeps reader below 6.12 on 3.11; this test fails loudly if a release with
that bug (or a similar one) slips in.  On 3.12+ None is immortal and its count is fixed,
so the check means nothing there.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

pytestmark = pytest.mark.skipif(
    sys.version_info >= (3, 12), reason="None is immortal from Python 3.12: its count never moves"
)

CALLS = 5_000
ALLOWED_DRIFT = 500
"""Far below CALLS: a per-call leak shows as thousands, ordinary interpreter noise as a few."""


class NoneModel(QAbstractTableModel):
    """A model whose data() answers None for every role, like any model for unused roles."""

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 10

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        return None


class Emitter(QObject):
    fired = Signal(object)


def _drift(action) -> int:
    action(100)  # warm caches and lazily created wrappers first
    before = sys.getrefcount(None)
    action(CALLS)
    return sys.getrefcount(None) - before


def test_model_data_returning_none_keeps_the_count(qapp) -> None:
    model = NoneModel()
    index = model.index(3, 1)

    def call(times: int) -> None:
        for number in range(times):
            # QModelIndex.data goes through C++ into the Python override and back.
            assert index.data(Qt.ItemDataRole.UserRole + number % 7) is None

    assert abs(_drift(call)) < ALLOWED_DRIFT


def test_article_model_unused_roles_keep_the_count(qapp) -> None:
    from reader.domain.article import ArticleSummary
    from reader.ui.article_model import ArticleTableModel, Column

    model = ArticleTableModel()
    model.reset_articles([ArticleSummary(id=f"{n}.md", title=f"Title {n}") for n in range(20)])
    index = model.index(5, Column.HEAT)  # no heat: DisplayRole is None too

    def call(times: int) -> None:
        for number in range(times):
            role = (Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.FontRole)[number % 2]
            assert index.data(role) is None

    assert abs(_drift(call)) < ALLOWED_DRIFT


def test_timer_callbacks_returning_none_keep_the_count(qapp, qtbot) -> None:
    def call(times: int) -> None:
        fired = [0]

        def tick() -> None:
            fired[0] += 1

        timer = QTimer()
        timer.setInterval(0)
        timer.timeout.connect(tick)
        timer.start()
        qtbot.waitUntil(lambda: fired[0] >= times, timeout=30_000)
        timer.stop()

    assert abs(_drift(call)) < ALLOWED_DRIFT


def test_signal_emit_with_none_keeps_the_count(qapp) -> None:
    emitter = Emitter()
    received = [0]

    def slot(value: object) -> None:
        assert value is None
        received[0] += 1

    emitter.fired.connect(slot)

    def call(times: int) -> None:
        received[0] = 0
        for _ in range(times):
            emitter.fired.emit(None)
        assert received[0] == times

    assert abs(_drift(call)) < ALLOWED_DRIFT
