"""One table of queries, run through ``reader list --search`` and through the window's
search field: both must give the same ids, and every malformed query gives exit 2 on the
command line and an inline message in the window (the last good result kept)."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QLineEdit

from reader.app import MainWindow
from reader.cli import main

sys.path.insert(0, str(Path(__file__).parents[1] / "domain"))
from test_query import MALFORMED as EVERY_MALFORMED  # the domain tests' full table

ID = 0x0100  # Qt.ItemDataRole.UserRole
TODAY = date.today().isoformat()

FILES = {
    "news/cafe.md": (
        "---\n"
        'title: "Café culture returns"\n'
        'excerpt: "Espresso in São Paulo"\n'
        "publishedDateTime: 2023-07-26T12:00:00Z\n"
        'originalUrl: "https://www.kron4.com/cafe"\n'
        "category: Business\n"
        "type: story\n"
        "quality: 47\n"
        "heat: 10\n"
        "published: false\n"
        "provider:\n  name: KRON4 News\n  domain: kron4.com\n"
        "topics:\n  - AI\n  - Coffee\n"
        "images:\n  - url: https://img.example/a.jpg\n"
        "---\nThe barista said crème brûlée.\n"
    ),
    "news/ukraine.md": (
        "---\n"
        'title: "Ukraine talks"\n'
        'excerpt: "A quoted phrase appears here"\n'
        "publishedDateTime: 2023-07-27\n"
        'originalUrl: "https://reuters.com/u"\n'
        "category: World\n"
        "quality: 62.5\n"
        "heat: -1\n"
        "published: true\n"
        "provider:\n  name: Reuters\n  domain: reuters.com\n"
        "topics:\n  - Ukraine\n"
        "related:\n  - title: Other coverage\n    url: https://other.example/x\n"
        "---\n"
    ),
    "body-only.txt": "date 2023-07-28 Writers\n\nStrike continues. The writers guild met.\n",
    "today.md": f"---\ntitle: Fresh today\npublishedDateTime: {TODAY}\npublished: false\n---\n",
    "broken.md": "---\ntitle: [unclosed\n---\nbody\n",
}

CASES: list[tuple[str, list[str]]] = [
    ("", ["body-only.txt", "broken.md", "news/cafe.md", "news/ukraine.md", "today.md"]),
    ("cafe", ["news/cafe.md"]),
    ("CAFÉ", ["news/cafe.md"]),
    ("creme", ["news/cafe.md"]),
    ("guild", ["body-only.txt"]),
    ('"quoted phrase"', ["news/ukraine.md"]),
    ("cafe OR ukraine", ["news/cafe.md", "news/ukraine.md"]),
    ("talks cafe OR ukraine", ["news/ukraine.md"]),
    ("-cafe -ukraine", ["body-only.txt", "broken.md", "today.md"]),
    ("NOT (cafe OR strike) is:unpublished", ["today.md"]),
    ("title:culture", ["news/cafe.md"]),
    ("excerpt:espresso", ["news/cafe.md"]),
    ("body:barista", ["news/cafe.md"]),
    ("source:reuters", ["news/ukraine.md"]),
    ("source:kron4.com", ["news/cafe.md"]),
    ("url:reuters.com", ["news/ukraine.md"]),
    ("id:news/", ["news/cafe.md", "news/ukraine.md"]),
    ("id:broken", ["broken.md"]),
    ("topic:ai", ["news/cafe.md"]),
    ("topic:a", []),
    ("category:world", ["news/ukraine.md"]),
    ("type:story", ["news/cafe.md"]),
    ("is:published", ["news/ukraine.md"]),
    ("is:unpublished", ["body-only.txt", "news/cafe.md", "today.md"]),
    ("is:problem", ["broken.md"]),
    ("has:images", ["news/cafe.md"]),
    ("has:related", ["news/ukraine.md"]),
    ("has:body", ["body-only.txt", "news/cafe.md"]),
    ("quality:47", ["news/cafe.md"]),
    ("quality:>47", ["news/ukraine.md"]),
    ("quality:>=40", ["news/cafe.md", "news/ukraine.md"]),
    ("quality:<50", ["news/cafe.md"]),
    ("quality:40..60", ["news/cafe.md"]),
    ("heat:<0", ["news/ukraine.md"]),
    ("date:2023-07-27", ["news/ukraine.md"]),
    ("date:2023-07-28", ["body-only.txt"]),
    ("date:2023-07", ["body-only.txt", "news/cafe.md", "news/ukraine.md"]),
    ("date:>=2023-07-27 date:<2024", ["body-only.txt", "news/ukraine.md"]),
    ("date:2023-07-26..2023-07-27", ["news/cafe.md", "news/ukraine.md"]),
    ("date:today", ["today.md"]),
    ("date:7d", ["today.md"]),
    ("is:unpublished topic:ai quality:>40", ["news/cafe.md"]),
]

MALFORMED: list[tuple[str, str]] = [
    ("(cafe", "column 6: expected ')' to close the '(' at column 1"),
    ("cafe OR", "column 8: expected a term after OR"),
    ("is:draft", "column 4: expected published, unpublished or problem after 'is:'"),
    ("quality:high", "column 9: expected a number, a comparison like >40 or a range like 40..60"),
    ("date:2023-13", "column 6: expected a date like 2023-07-26, 2023-07, 2023, today, "
     "yesterday or 7d"),
    ('"open', "column 6: expected a closing '\"' for the quote at column 1"),
]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "articles"
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def cli_ids(capsys: pytest.CaptureFixture[str], folder: Path, query: str) -> list[str]:
    code = main(["list", str(folder), "--json", "--search", query])
    out, err = capsys.readouterr()
    assert code == 0, err
    return sorted(json.loads(line)["id"] for line in out.splitlines())


def window_ids(window: MainWindow) -> list[str]:
    model = window.article_view().model()
    return sorted(model.index(row, 0).data(ID) for row in range(model.rowCount()))


@pytest.fixture
def window(qtbot, folder: Path) -> MainWindow:
    window = MainWindow(folder)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.article_view().model().rowCount() == len(FILES))
    return window


def test_the_same_queries_give_the_same_ids_in_the_cli_and_the_window(
    qtbot, capsys: pytest.CaptureFixture[str], folder: Path, window: MainWindow
) -> None:
    search = window.findChild(QLineEdit, "searchField")
    error = window.findChild(QLabel, "searchError")
    for query, expected in CASES:
        assert cli_ids(capsys, folder, query) == expected, query
        search.setText(query)
        # Metadata answers at once; body words arrive from the index shortly after. The wait
        # is a bound, not a speed claim: on a loaded 2-core machine the index took over 3 s.
        qtbot.waitUntil(lambda expected=expected: window_ids(window) == expected, timeout=15_000)
        assert error.text() == "", query


@pytest.mark.parametrize(("query", "message"), MALFORMED)
def test_a_malformed_query_exits_2_on_the_command_line(
    capsys: pytest.CaptureFixture[str], folder: Path, query: str, message: str
) -> None:
    code = main(["list", str(folder), "--search", query])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err == f"reader: --search {query!r}: {message}\n"


def test_a_malformed_query_shows_inline_and_keeps_the_last_good_result(
    qtbot, window: MainWindow
) -> None:
    search = window.findChild(QLineEdit, "searchField")
    error = window.findChild(QLabel, "searchError")
    search.setText("topic:ai")
    qtbot.waitUntil(lambda: window_ids(window) == ["news/cafe.md"])
    every = [(q, f"column {c}: expected {e}") for q, c, e in EVERY_MALFORMED]
    for query, message in MALFORMED + every:
        search.setText(query)
        assert error.text() == message
        assert error.isVisible()
        assert window_ids(window) == ["news/cafe.md"]
    search.setText("is:published")
    qtbot.waitUntil(lambda: window_ids(window) == ["news/ukraine.md"])
    assert error.text() == ""
    assert not error.isVisible()


def test_the_state_option_is_the_same_as_an_is_term(
    capsys: pytest.CaptureFixture[str], folder: Path
) -> None:
    main(["list", str(folder), "--json", "--state", "unpublished", "--search", "topic:ai"])
    out, _ = capsys.readouterr()
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["news/cafe.md"]
    assert cli_ids(capsys, folder, "is:unpublished topic:ai") == ["news/cafe.md"]


def test_the_completer_offers_fields_and_the_folder_s_values(qtbot, window: MainWindow) -> None:
    completer = window.findChild(QLineEdit, "searchField").findChild(object, "searchCompleter")
    completer.refresh()
    words = completer.words()
    assert {"topic:", "source:", "is:unpublished", "has:images", "date:today"} <= set(words)
    assert {"topic:AI", "topic:Coffee", 'source:"KRON4 News"', "source:Reuters"} <= set(words)
    search = window.findChild(QLineEdit, "searchField")
    search.setFocus()
    qtbot.keyClicks(search, "is:unpublished top")
    qtbot.waitUntil(lambda: completer.popup().isVisible())
    assert completer.currentCompletion() == "topic:"
    completer.activated[str].emit("topic:AI")
    assert search.text() == "is:unpublished topic:AI "


def test_body_words_follow_the_live_folder(qtbot, window: MainWindow, folder: Path) -> None:
    search = window.findChild(QLineEdit, "searchField")
    search.setText("guild")
    qtbot.waitUntil(lambda: window_ids(window) == ["body-only.txt"])
    (folder / "late.md").write_text(
        "---\ntitle: Late\n---\nThe Guild voted.\n", encoding="utf-8"
    )
    qtbot.waitUntil(lambda: window_ids(window) == ["body-only.txt", "late.md"], timeout=10_000)


def test_relative_dates_move_on_at_a_new_day(qapp) -> None:
    from datetime import timedelta

    from reader.domain.article import ArticleSummary
    from reader.domain.dates import calendar_day
    from reader.domain.query import EMPTY_QUERY
    from reader.domain.query import parse as parse_query
    from reader.ui.article_model import ArticleFilterProxy, ArticleTableModel

    today = date.today()
    model = ArticleTableModel()
    model.reset_articles([ArticleSummary("t.md", "T", published_at=calendar_day(today))])
    proxy = ArticleFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_search_text("date:today")
    assert proxy.rowCount() == 1
    # As if the query had been typed yesterday and the clock just passed midnight:
    yesterday = today - timedelta(days=1)
    stale = parse_query("date:today", today=yesterday)
    proxy._set_queries(stale, EMPTY_QUERY)
    proxy._refilter()
    proxy._today = yesterday
    assert proxy.rowCount() == 0
    proxy._on_day_check()
    assert proxy.rowCount() == 1
