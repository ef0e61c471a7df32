"""The row feed pools new rows in a long list and merges them at most once an interval."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from reader.domain.article import ArticleSummary
from reader.ui import row_feed
from reader.ui.article_model import ArticleTableModel
from reader.ui.row_feed import RowFeed

BASE = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def make(i: int) -> ArticleSummary:
    return ArticleSummary(f"{i:05d}.md", f"Title {i}", published_at=BASE - timedelta(hours=i))


@pytest.fixture
def long_list(qapp, monkeypatch: pytest.MonkeyPatch) -> ArticleTableModel:
    monkeypatch.setattr(row_feed, "COALESCE_ADDITIONS_FROM_ROWS", 10)
    monkeypatch.setattr(row_feed, "COALESCE_ADDITIONS_MS", 300)
    model = ArticleTableModel()
    model.reset_articles([make(i) for i in range(20)])
    return model


def test_a_long_list_merges_pooled_rows_at_most_once_an_interval(qtbot, long_list) -> None:
    feed = RowFeed(long_list)
    merges: list[int] = []
    long_list.rowsInserted.connect(lambda *_: merges.append(long_list.rowCount()))
    feed.add([make(100)])  # no merge yet in this feed: at once
    assert merges == [21]
    feed.add([make(101)])
    feed.add([make(102)])  # within the interval of that merge: pooled, merged together
    assert long_list.rowCount() == 21
    qtbot.waitUntil(lambda: long_list.rowCount() == 23)
    assert merges == [21, 23]


def test_a_row_long_after_the_last_merge_goes_in_at_once(qtbot, long_list) -> None:
    """What was pooled for the whole interval after each batch waits only for what is
    left of it: a new file after a quiet spell shows at once, not 250 ms later."""
    feed = RowFeed(long_list)
    feed.add([make(100)])
    qtbot.wait(350)
    feed.add([make(101)])
    assert long_list.rowCount() == 22
