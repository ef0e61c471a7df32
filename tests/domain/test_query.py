"""The search language: every construct against a small known collection, every malformed
query with its column and expectation, and the calendar-day rule in several time zones."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from reader.domain.article import ArticleSummary, Problem
from reader.domain.dates import (
    calendar_day,
    format_date,
    format_datetime,
    from_iso,
    is_calendar_day,
    leading_date,
    local_day,
    parse_date_value,
    to_iso,
)
from reader.domain.query import FoldedCache, QueryError, day_term, fold, parse, replace_dates

TODAY = date(2023, 7, 28)

ARTICLES = [
    ArticleSummary(
        "news/cafe.md", "Café culture returns", excerpt="Espresso in São Paulo",
        published_at=datetime(2023, 7, 26, 23, 43, tzinfo=UTC), source="KRON4 News",
        source_domain="kron4.com", url="https://www.kron4.com/cafe", web_url="https://w.example/c",
        category="Business", type="story", quality=47, heat=10, published=False,
        topics=("AI", "Coffee"), has_front_matter=True, has_images=True, has_body=True,
    ),
    ArticleSummary(
        "news/ukraine.md", "Ukraine talks", excerpt="A quoted phrase appears here",
        published_at=calendar_day(date(2023, 7, 27)), source="Reuters", source_domain="reuters.com",
        url="https://reuters.com/u", category="World", type="story", quality=62.5, heat=-1,
        published=True, topics=("Ukraine",), has_front_matter=True, has_related=True,
    ),
    ArticleSummary(
        "body-only.txt", "Strike continues", excerpt="Writers strike",
        published_at=calendar_day(date(2023, 7, 28)), has_body=True,
    ),
    ArticleSummary("undated.md", "Nothing scored", excerpt="", has_front_matter=True),
    ArticleSummary("broken.md", "broken", problems=(Problem("bad YAML", line=3),)),
]

# The body text of each article, as the index would answer body lookups.
BODIES = {
    "news/cafe.md": "the barista said crème brûlée",
    "body-only.txt": "date 2023-07-28 writers guild",
}


def ids(query: str) -> list[str]:
    parsed = parse(query, today=TODAY)
    body = {
        needle: {aid for aid, text in BODIES.items() if needle in fold(text)}
        for needle in parsed.body_terms
    }
    return [a.id for a in parsed.filter(ARTICLES, body, FoldedCache())]


ALL = [a.id for a in ARTICLES]
GOOD = [a.id for a in ARTICLES if not a.is_error]

CASES: list[tuple[str, list[str]]] = [
    ("", ALL),
    ("   ", ALL),
    # bare words and phrases: case- and accent-insensitive substrings, bodies included
    ("cafe", ["news/cafe.md"]),
    ("CAFÉ", ["news/cafe.md"]),
    ("sao", ["news/cafe.md"]),
    ("kron4", ["news/cafe.md"]),
    ("coffee", ["news/cafe.md"]),
    ("creme", ["news/cafe.md"]),
    ("guild", ["body-only.txt"]),
    ('"quoted phrase"', ["news/ukraine.md"]),
    ('"phrase quoted"', []),
    ("broken", []),
    # AND by juxtaposition, OR binding tighter, NOT, parentheses
    ("strike writers", ["body-only.txt"]),
    ("cafe ukraine", []),
    ("cafe OR ukraine", ["news/cafe.md", "news/ukraine.md"]),
    ("talks cafe OR ukraine", ["news/ukraine.md"]),
    ("cafe OR ukraine talks", ["news/ukraine.md"]),
    ("cafe or ukraine", []),
    ("-cafe", ["news/ukraine.md", "body-only.txt", "undated.md", "broken.md"]),
    ("NOT cafe", ["news/ukraine.md", "body-only.txt", "undated.md", "broken.md"]),
    ("-(cafe OR ukraine) is:unpublished", ["body-only.txt", "undated.md"]),
    ("(cafe OR strike) (ai OR writers)", ["news/cafe.md", "body-only.txt"]),
    ("NOT NOT cafe", ["news/cafe.md"]),
    ("covid-19", []),
    # text fields
    ("title:culture", ["news/cafe.md"]),
    ("title:espresso", []),
    ("excerpt:espresso", ["news/cafe.md"]),
    ('excerpt:"quoted phrase"', ["news/ukraine.md"]),
    ("body:barista", ["news/cafe.md"]),
    ("body:BRULEE", ["news/cafe.md"]),
    ("body:culture", []),
    ("source:reuters", ["news/ukraine.md"]),
    ("source:kron4.com", ["news/cafe.md"]),
    ("url:w.example", ["news/cafe.md"]),
    ("url:reuters.com/u", ["news/ukraine.md"]),
    ("id:news/", ["news/cafe.md", "news/ukraine.md"]),
    ("id:broken", ["broken.md"]),
    ("TITLE:talks", ["news/ukraine.md"]),
    # whole values
    ("topic:ai", ["news/cafe.md"]),
    ("topic:a", []),
    ("topic:UKRAINE", ["news/ukraine.md"]),
    ('topic:"coffee"', ["news/cafe.md"]),
    ("category:world", ["news/ukraine.md"]),
    ("category:wor", []),
    ("type:story", ["news/cafe.md", "news/ukraine.md"]),
    # state
    ("is:published", ["news/ukraine.md"]),
    ("is:unpublished", ["news/cafe.md", "body-only.txt", "undated.md"]),
    ("is:problem", ["broken.md"]),
    ("-is:problem", GOOD),
    ("is:Published", ["news/ukraine.md"]),
    ("has:images", ["news/cafe.md"]),
    ("has:related", ["news/ukraine.md"]),
    ("has:body", ["news/cafe.md", "body-only.txt"]),
    ("-has:body", ["news/ukraine.md", "undated.md", "broken.md"]),
    # numbers; no value never matches a comparison
    ("quality:47", ["news/cafe.md"]),
    ("quality:>47", ["news/ukraine.md"]),
    ("quality:>=47", ["news/cafe.md", "news/ukraine.md"]),
    ("quality:<50", ["news/cafe.md"]),
    ("quality:<=47", ["news/cafe.md"]),
    ("quality:40..62.5", ["news/cafe.md", "news/ukraine.md"]),
    ("quality:48..60", []),
    ("heat:<0", ["news/ukraine.md"]),
    ("heat:-1", ["news/ukraine.md"]),
    ("-quality:>0", ["body-only.txt", "undated.md", "broken.md"]),
    # dates (the test runs in several zones; 26 Jul 23:43 UTC moves, calendar days do not)
    ("date:2023-07-27", ["news/ukraine.md"]),
    ("date:2023-07-28", ["body-only.txt"]),
    ("date:2023-07", ["news/cafe.md", "news/ukraine.md", "body-only.txt"]),
    ("date:2023", ["news/cafe.md", "news/ukraine.md", "body-only.txt"]),
    ("date:2022", []),
    ("date:>=2023-07-27", ["news/ukraine.md", "body-only.txt"]),
    ("date:>2023-07-27", ["body-only.txt"]),
    ("date:<2023-07-28", ["news/cafe.md", "news/ukraine.md"]),
    ("date:<=2023-07-27", ["news/cafe.md", "news/ukraine.md"]),
    ("date:2023-07-27..2023-07-28", ["news/ukraine.md", "body-only.txt"]),
    ("date:today", ["body-only.txt"]),
    ("date:yesterday", ["news/ukraine.md"]),
    ("date:2d", ["news/ukraine.md", "body-only.txt"]),
    ("date:1d", ["body-only.txt"]),
    ("-date:2023", ["undated.md", "broken.md"]),
    # combinations an editor types
    ("is:unpublished topic:ai quality:>40", ["news/cafe.md"]),
    ("source:kron4 date:2023-07", ["news/cafe.md"]),
]


@pytest.fixture(params=["UTC", "America/Los_Angeles", "Asia/Tokyo"])
def zone(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run under a local time zone; the summaries' folded records are per test (fresh cache)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    try:
        yield request.param
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()


@pytest.mark.parametrize(("query", "expected"), CASES)
def test_query_matches(query: str, expected: list[str]) -> None:
    assert ids(query) == expected


def _timed_day(zone: str) -> str:
    """Where 2023-07-26 23:43 UTC falls in ``zone``."""
    return {"UTC": "2023-07-26", "America/Los_Angeles": "2023-07-26", "Asia/Tokyo": "2023-07-27"}[
        zone
    ]


def test_timed_dates_follow_the_local_zone_and_calendar_days_do_not(zone: str) -> None:
    cafe_day = _timed_day(zone)
    assert "news/cafe.md" in ids(f"date:{cafe_day}")
    assert ids("date:2023-07-27") == (
        ["news/cafe.md", "news/ukraine.md"] if cafe_day == "2023-07-27" else ["news/ukraine.md"]
    )
    assert ids("date:2023-07-28") == ["body-only.txt"]


def test_calendar_days_display_without_a_time_in_every_zone(zone: str) -> None:
    day = calendar_day(date(2023, 7, 26))
    assert format_datetime(day) == "26 Jul 2023"
    assert format_date(day) == "26 Jul 2023"
    assert local_day(day) == date(2023, 7, 26)
    timed = datetime(2023, 7, 26, 23, 43, tzinfo=UTC)
    assert format_datetime(timed) == format_datetime(timed.astimezone())
    assert ":" in format_datetime(timed)


@pytest.mark.parametrize(
    ("value", "calendar"),
    [
        ("2023-07-26", True),
        (date(2023, 7, 26), True),
        ("July 26, 2023", True),
        ("2023-07-26T00:00:00Z", False),
        ("2023-07-26 07:00", False),
        ("26 Jul 2023 7 AM", False),
        (datetime(2023, 7, 26, tzinfo=UTC), False),
    ],
)
def test_a_date_without_a_time_is_a_calendar_day(value: object, calendar: bool) -> None:
    parsed = parse_date_value(value)
    assert parsed is not None
    assert is_calendar_day(parsed) is calendar
    assert parsed.date() == date(2023, 7, 26)


def test_the_body_only_leading_date_is_a_calendar_day_and_survives_the_cache_text() -> None:
    parsed = leading_date("date 2023-07-26\n\nText")
    assert parsed is not None and is_calendar_day(parsed)
    assert to_iso(parsed) == "2023-07-26"
    again = from_iso(to_iso(parsed))
    assert again == parsed and again is not None and is_calendar_day(again)
    timed = datetime(2023, 7, 26, 5, tzinfo=UTC)
    assert from_iso(to_iso(timed)) == timed


MALFORMED: list[tuple[str, int, str]] = [
    ("(cafe", 6, "')' to close the '(' at column 1"),
    ("cafe)", 5, "a term or the end of the query, not an unmatched ')'"),
    ("()", 2, "a term inside '(' ')'"),
    ("OR cafe", 1, "a term before OR"),
    ("cafe OR", 8, "a term after OR"),
    ("cafe OR OR tea", 9, "a term after OR, not OR"),
    ("cafe OR )", 9, "a term after OR, not ')'"),
    ("NOT", 4, "a term after NOT"),
    ("cafe -", 7, "a term after '-'"),
    ("- cafe", 2, "a term after '-'"),
    ('"open phrase', 13, "a closing '\"' for the quote at column 1"),
    ('title:"open', 12, "a closing '\"' for the quote at column 7"),
    ('""', 1, "text inside the quotes"),
    ("title:", 7, "a value after 'title:'"),
    ("is:", 4, "a value after 'is:'"),
    ("is:draft", 4, "published, unpublished or problem after 'is:'"),
    ("has:video", 5, "images, related or body after 'has:'"),
    ("quality:high", 9, "a number, a comparison like >40 or a range like 40..60"),
    ("quality:>", 10, "a number, a comparison like >40 or a range like 40..60"),
    ("quality:40..", 13, "a number, a comparison like >40 or a range like 40..60"),
    ("quality:60..40", 9, "a range whose first number is not above the second"),
    ("heat:>=x", 8, "a number, a comparison like >40 or a range like 40..60"),
    ("date:2023-13-01", 6, "a date like 2023-07-26, 2023-07, 2023, today, yesterday or 7d"),
    ("date:2023-02-30", 6, "a date like 2023-07-26, 2023-07, 2023, today, yesterday or 7d"),
    ("date:last-week", 6, "a date like 2023-07-26, 2023-07, 2023, today, yesterday or 7d"),
    ("date:0d", 6, "a date like 2023-07-26, 2023-07, 2023, today, yesterday or 7d"),
    ("date:<tomorrow", 7, "a date like 2023-07-26, 2023-07, 2023, today, yesterday or 7d"),
    ("date:2023-07-01..x", 18, "a date like 2023-07-26, 2023-07, 2023, today, yesterday or 7d"),
    ("date:2023-08..2023-07", 6, "a range whose first date is not after the second"),
    (
        "cafe topc:ai",
        6,
        "a field name before ':' (title, excerpt, body, source, url, id, topic, category, "
        "type, quality, heat, date, is, has), not 'topc'; put the word in quotes to search "
        "for it as text",
    ),
]


@pytest.mark.parametrize(("query", "column", "expected"), MALFORMED)
def test_malformed_queries_name_the_column_and_what_was_expected(
    query: str, column: int, expected: str
) -> None:
    with pytest.raises(QueryError) as caught:
        parse(query, today=TODAY)
    assert (caught.value.column, caught.value.expected) == (column, expected)
    assert str(caught.value) == f"column {column}: expected {expected}"


def test_a_pasted_url_and_a_quoted_field_word_are_text() -> None:
    assert parse("https://reuters.com/u").terms()[0].field is None
    assert parse('"topc:ai"').terms()[0].value == "topc:ai"


def test_body_terms_are_each_folded_needle_once() -> None:
    query = parse('Crème -title:x body:crème "Two  Words" topic:ai', today=TODAY)
    assert query.body_terms == ("creme", "two words")


def test_a_changed_summary_is_folded_again() -> None:
    cache = FoldedCache()
    query = parse("title:new")
    old = ArticleSummary("a.md", "Old")
    assert query.verdicts([old], cache=cache) == [False]
    assert query.verdicts([ArticleSummary("a.md", "New")], cache=cache) == [True]


def test_fold_is_case_and_accent_insensitive_and_idempotent() -> None:
    for text in ("Café", "CAFÉ", "cafe\u0301", "Straße", "İstanbul", "Ångström"):
        assert fold(fold(text)) == fold(text)
    assert fold("Café") == fold("CAFE") == "cafe"
    assert fold("Straße") == "strasse"
    assert fold("Ångström") == "angstrom"


def test_timeline_terms_replace_the_date_words_only() -> None:
    assert day_term(date(2023, 7, 26), date(2023, 7, 26)) == "date:2023-07-26"
    assert day_term(date(2023, 7, 1), date(2023, 7, 3)) == "date:2023-07-01..2023-07-03"
    assert replace_dates("ai date:today is:unpublished", "date:2023-07-01") == (
        "ai is:unpublished date:2023-07-01"
    )
    assert replace_dates("", "date:2023-07-01") == "date:2023-07-01"


def test_relative_dates_follow_today() -> None:
    week = parse("date:7d", today=TODAY)
    today = ArticleSummary("t.md", "t", published_at=calendar_day(TODAY))
    older = ArticleSummary("o.md", "o", published_at=calendar_day(TODAY - timedelta(days=7)))
    assert week.verdicts([today, older], cache=FoldedCache()) == [True, False]


def test_a_new_body_answer_for_the_same_word_is_used() -> None:
    query = parse("guild")
    cache = FoldedCache()
    article = ArticleSummary("a.md", "Title")
    body: dict[str, set[str]] = {"guild": set()}
    assert query.verdicts([article], body, cache) == [False]
    body["guild"] = {"a.md"}
    assert query.verdicts([article], body, cache) == [True]
    body["guild"] = set()
    assert query.verdicts([article], body, cache) == [False]


def test_search_records_share_what_many_articles_hold() -> None:
    """100,000 records must not each copy the folder's few topics and categories, nor the
    addresses their summaries already hold (the window keeps a record per article)."""
    from reader.domain.query import Folded

    first = ArticleSummary(
        "a.md", "One", category="Busi" + "ness", type="story", topics=("A" + "I",),
        url="https://example.com/" + "a", has_front_matter=True,
    )
    second = ArticleSummary(
        "b.md", "Two", category="Business", type="sto" + "ry", topics=("AI", "Cloud"),
        url="https://example.com/b", has_front_matter=True,
    )

    one, two = Folded(first), Folded(second)

    assert one.category == "business" and one.category is two.category
    assert one.type is two.type and one.topics[0] is two.topics[0] == "ai"
    assert one.url[0] is first.url  # folded already: the summary's own string
    assert [m.id for m in FoldedCache().records([first, second])] == ["a.md", "b.md"]
    assert parse("url:example.com/b").matches(second) and not parse("url:/b").matches(first)
