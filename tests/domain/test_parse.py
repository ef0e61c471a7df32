"""Reading article files: both seeds field by field, dates, flags, and every kind of bad file."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from seed_files import SEED_BODY_ONLY, SEED_FULL, SEEDS

from reader.domain.article import ArticleSummary, Severity
from reader.domain.dates import parse_date_value
from reader.domain.parse import (
    MAX_FILE_BYTES,
    load_detail,
    load_summary,
    parse_detail,
    parse_summary,
    read_article_file,
)


def test_seed_with_front_matter_is_read_field_by_field():
    detail = load_detail(SEEDS, SEED_FULL)
    s = detail.summary
    assert s.id == SEED_FULL
    assert s.title == (
        "Netflix invests more than half a million dollars in machine learning role "
        "amid SAG, WGA strikes"
    )
    assert s.excerpt.startswith("As writers and actors continue to strike")
    assert s.published_at == datetime(2023, 7, 26, 23, 43, tzinfo=UTC)
    assert s.category == "news" and s.type == "article"
    assert s.url.startswith("https://www.kron4.com/news/netflix-invests")
    assert s.web_url == s.url
    assert s.amp_url.endswith("/amp/")
    assert s.cdn_amp_url.startswith("https://www-kron4-com.cdn.ampproject.org/")
    assert (s.quality, s.heat, s.published) == (47, -1, False)
    assert (s.source, s.source_domain) == ("KRON4 News", "kron4.com")
    assert s.topics == ("Machine Learning", "AI")
    assert s.has_front_matter and s.problems == ()
    (image,) = detail.images
    assert (image.width, image.height, image.is_cached) == (1280, 853, True)
    assert image.url.endswith("75a94362f5de4b67800b25f2615f4c66-1.jpg?w=1280")
    providers = [r.provider.name for r in detail.related]
    assert providers == ["Engadget", "The Intercept", "TheStreet.com"]
    assert detail.related[1].images[0].width == 2000
    assert detail.related[0].published_at == datetime(2023, 7, 25, 19, 6, tzinfo=UTC)
    assert detail.related[2].quality == 17
    assert detail.has_secured
    assert detail.other_fields == {}
    assert detail.body.strip() == ""


def test_seed_without_front_matter_is_still_an_article():
    detail = load_detail(SEEDS, SEED_BODY_ONLY)
    s = detail.summary
    assert not s.has_front_matter
    assert s.title.startswith("Amid the Hollywood strike")
    assert len(s.title) <= 120
    assert s.published_at is not None and s.published_at.date().isoformat() == "2023-07-26"
    assert s.url == "" and not s.published and s.problems == ()
    assert detail.body == (SEEDS / SEED_BODY_ONLY).read_text(encoding="utf-8")


def test_unknown_keys_are_kept_as_other_fields():
    detail = parse_detail("x.md", b"---\ntitle: T\nauthor: Ann\nscore: {a: 1}\n---\nbody\n")
    assert detail.other_fields == {"author": "Ann", "score": {"a": 1}}
    assert detail.body == "body\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-07-26T23:43:00Z", datetime(2023, 7, 26, 23, 43, tzinfo=UTC)),
        ("2023-07-26T23:43:00", datetime(2023, 7, 26, 23, 43, tzinfo=UTC)),
        ("2023-07-26 16:43:00-07:00", datetime(2023, 7, 26, 23, 43, tzinfo=UTC)),
        ("July 26, 2023 4:43 PM PDT", datetime(2023, 7, 26, 23, 43, tzinfo=UTC)),
        ("2023-07-26", datetime(2023, 7, 26, tzinfo=UTC)),
    ],
)
def test_dates_in_many_forms_become_aware_instants(text, expected):
    summary, _ = parse_summary("d.md", f"---\npublishedDateTime: {text}\n---\n".encode())
    assert summary.published_at == expected
    assert summary.published_at.utcoffset() is not None


def test_yaml_timestamp_with_offset_is_kept_aware():
    value = parse_date_value(datetime(2023, 7, 26, 16, 43, tzinfo=timezone(timedelta(hours=-7))))
    assert value == datetime(2023, 7, 26, 23, 43, tzinfo=UTC)


def test_unreadable_date_is_kept_as_text_with_a_warning():
    summary, _ = parse_summary("d.md", b"---\ntitle: T\npublishedDateTime: sometime soon\n---\n")
    assert summary.published_at is None
    assert summary.published_at_text == "sometime soon"
    assert not summary.is_error
    assert "publishedDateTime" in summary.warnings[0].message


@pytest.mark.parametrize(
    ("value", "published", "warns"),
    [
        ("true", True, False), ("false", False, False), ("yes", True, False),
        ("no", False, False), ("on", True, False), ("off", False, False),
        ('"true"', True, False), ("'False'", False, False), ("maybe", False, True),
        ("1", False, True),
    ],
)
def test_published_flag_forms(value, published, warns):
    summary, _ = parse_summary("p.md", f"---\npublished: {value}\n---\n".encode())
    assert summary.published is published
    assert bool(summary.warnings) is warns


@pytest.mark.parametrize(
    ("content", "line", "fragment"),
    [
        (b"---\ntitle: [unclosed\n---\n", 3, "not valid YAML"),
        (b"---\ntitle: ok\n  bad: indent\n---\n", 3, "not valid YAML"),
        (b"---\n- a\n- b\n---\n", 2, "must be a set of 'key: value' fields"),
        (b"---\ntitle: never closed\nbody\n", 1, "never closed"),
        (b"---\ntitle: caf\xe9\n---\n", 2, "not valid UTF-8"),
        (b"\x00\x01\x02binary\xff\xfe", 1, "binary"),
    ],
)
def test_broken_files_are_listed_with_a_precise_error(content, line, fragment):
    summary, body = parse_summary("broken.md", content)
    assert summary.is_error
    assert summary.error.severity is Severity.ERROR
    assert fragment in summary.error.message
    assert summary.error.line == line
    assert summary.title == "broken"
    assert body == ""


def test_yaml_error_reports_the_column():
    summary, _ = parse_summary("c.md", b"---\ntitle: ok\nexcerpt: \"unterminated\n---\n")
    assert summary.is_error and summary.error.column is not None


def test_alias_bomb_is_refused_not_expanded():
    lines = ["---", 'a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for level in range(1, 9):
        prev = chr(ord("a") + level - 1)
        name = chr(ord("a") + level)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 10) + "]")
    lines.append("---")
    summary, _ = parse_summary("bomb.md", "\n".join(lines).encode())
    assert summary.is_error and "expands" in summary.error.message


def test_python_object_tags_never_build_objects():
    content = b"---\ntitle: !!python/object/apply:os.system ['echo hi']\n---\n"
    summary, _ = parse_summary("tag.md", content)
    assert summary.is_error
    assert "not valid YAML" in summary.error.message


def test_bom_and_crlf_front_matter_is_read():
    content = "\ufeff---\r\ntitle: Hello\r\npublished: true\r\n---\r\nBody\r\n".encode()
    summary, body = parse_summary("bom.md", content)
    assert summary.title == "Hello" and summary.published
    assert body == "Body\r\n"


def test_oversized_file_is_a_problem_not_a_crash(tmp_path: Path):
    big = tmp_path / "big.md"
    with open(big, "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    summary, _ = load_summary(tmp_path, "big.md")
    assert summary.is_error and "limit" in summary.error.message


def test_missing_file_is_a_problem_not_a_crash(tmp_path: Path):
    summary, _ = load_summary(tmp_path, "gone.md")
    assert summary.is_error and "removed or renamed" in summary.error.message


def test_a_folder_named_like_an_article_is_a_problem(tmp_path: Path):
    (tmp_path / "folder.md").mkdir()
    summary, _ = load_summary(tmp_path, "folder.md")
    assert summary.is_error and "it is a folder" in summary.error.message
    assert load_detail(tmp_path, "folder.md").summary.is_error


def test_a_fifo_named_like_an_article_is_refused_without_blocking(tmp_path: Path):
    os.mkfifo(tmp_path / "pipe.md")
    summary, _ = load_summary(tmp_path, "pipe.md")
    assert summary.is_error and "not a regular file" in summary.error.message


def test_reading_a_file_gives_its_bytes_and_the_stamp_of_what_was_read(tmp_path: Path):
    path = tmp_path / "a.md"
    path.write_bytes(b"---\ntitle: A\n---\n")
    content = read_article_file(path)
    info = path.stat()
    assert content == (b"---\ntitle: A\n---\n", info.st_size, info.st_mtime_ns, info.st_ino)


def test_wrong_types_warn_and_keep_the_article():
    summary, _ = parse_summary(
        "w.md",
        b"---\ntitle: [a, b]\nquality: high\ntopics: 5\nprovider: [x]\n---\n"
        b"First line of the body text here.\n",
    )
    assert not summary.is_error
    assert summary.title == "First line of the body text here."
    assert summary.quality is None
    assert len(summary.warnings) == 4


def test_summaries_share_the_values_many_files_repeat() -> None:
    """The window keeps a summary per article: the folder's few topics are one string
    each, and a web address equal to the original is the original's string, also after
    the index and the window's snapshot have stored and read them back."""
    from reader.index.cache import _summary_from_fields, summary_fields

    def summary(name: str) -> ArticleSummary:
        url = "https://example.com/" + name
        text = (
            f"---\ntitle: {name}\noriginalUrl: {url}\nwebUrl: {url}\n"
            "topics:\n  - Artificial Intelligence\n  - Cloud\n---\n"
        )
        return parse_summary(name, text.encode())[0]

    first, second = summary("a.md"), summary("b.md")
    again = _summary_from_fields("a.md", summary_fields(first))
    # As decoded from JSON: every string a new object.
    copied = _summary_from_fields(
        "a.md", [(f + ".")[:-1] if isinstance(f, str) else f for f in summary_fields(first)]
    )

    assert first.topics == ("Artificial Intelligence", "Cloud")
    assert first.topics[0] is second.topics[0] is again.topics[0]
    assert first.web_url is first.url and copied.web_url is copied.url
    assert copied.url is not first.url
