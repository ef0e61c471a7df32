"""The list's fast parsing path against the judge, file by file, over every corpus we have.

``parse_summary`` reads most front matter through :mod:`reader.domain.fastyaml` and finds
``has:images`` / ``has:related`` without a YAML load.  Whatever shortcuts it takes, each
summary - the error rows and their messages included - must be the one PyYAML's path
gives: over the seeds, the benchmark's generated folder (the pipeline's shapes, with its
CRLF, BOM, subfolder and malformed files) and the mutated seeds the fuzz tests use.
"""

from __future__ import annotations

import re
from pathlib import Path
from unittest import mock

import pytest
from seed_files import SEEDS
from test_parse_fuzz import fixed_corpus

from reader.bench.generate import article_file
from reader.domain import parse
from reader.domain.article import ArticleSummary
from reader.domain.frontmatter import FrontMatterError, split_front_matter
from reader.domain.parse import decode, parse_summary
from reader.domain.stories import features_from_bytes
from reader.index.loader import describe_story_chunk

GENERATED = 1500
"""Files of the generated folder compared (its malformed kinds are among the first 1,000)."""


def _corpora() -> list[tuple[str, bytes]]:
    files = [(path.name, path.read_bytes()) for path in sorted(SEEDS.iterdir())]
    files += [article_file(1, index)[::2] for index in range(GENERATED)]
    files += [(f"fuzz-{n}.txt", data) for n, data in enumerate(fixed_corpus(400, seed=11))]
    return files


CORPORA = _corpora()


def _through_pyyaml(article_id: str, data: bytes) -> tuple[ArticleSummary, str]:
    """``parse_summary`` with every front matter loaded by PyYAML (the judge)."""
    with mock.patch("reader.domain.frontmatter.summary_fields", return_value=None):
        return parse_summary(article_id, data)


def test_every_summary_equals_the_one_read_through_pyyaml() -> None:
    differing = [
        name for name, data in CORPORA if parse_summary(name, data) != _through_pyyaml(name, data)
    ]
    assert differing == []


def test_the_corpora_hold_error_rows_and_fast_rows() -> None:
    """The comparison above covers both kinds of file, not just one."""
    summaries = [parse_summary(name, data)[0] for name, data in CORPORA]
    assert sum(summary.is_error for summary in summaries) >= 20
    assert sum(summary.has_related and not summary.is_error for summary in summaries) >= 500


def _yaml_texts() -> list[str]:
    texts = []
    for _name, data in CORPORA:
        try:
            yaml_text = split_front_matter(decode(data)).yaml_text
        except FrontMatterError:
            continue
        if yaml_text is not None:
            texts.append(yaml_text)
    return texts


@pytest.mark.parametrize(
    ("key", "pattern"), [("images:", parse._IMAGES_LISTED), ("related:", parse._RELATED_LISTED)]
)
def test_listed_blocks_are_found_as_the_pattern_s_search_finds_them(
    key: str, pattern: re.Pattern[str]
) -> None:
    texts = _yaml_texts()
    texts += [
        f"{key} []\n",
        f"{key} [x]\n",
        f"x: 1\n{key}\n\n  # note\n  - a\n",
        f"x: {key}\n  - a\n",
        f" {key}\n  - a\n",
        f"{key}\r\n- a\r\n",
        f"{key}\n-a\n{key}\n- b\n",
        f"other{key}\n- a\n",
    ]
    found = [parse._is_listed(text, key, pattern) for text in texts]
    assert found == [pattern.search(text) is not None for text in texts]
    assert any(found) and not all(found)


def test_story_features_of_a_parsed_chunk_equal_those_read_from_the_bytes(
    tmp_path: Path,
) -> None:
    """The cold list's workers take the related list from the front matter they just
    parsed instead of reading the file again; the features must not change."""
    ids = []
    for index in range(300):
        name, _kind, data = article_file(1, index)
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
        ids.append(name)
    rows = describe_story_chunk(str(tmp_path), ids, lambda summary: summary.id)
    for (encoded, _described, features_json), article_id in zip(rows, ids, strict=True):
        expected = features_from_bytes(article_id, (tmp_path / article_id).read_bytes())
        assert encoded[0] == article_id
        assert features_json == _features_json(expected), article_id


def _features_json(features: object) -> str:
    import json

    return json.dumps(features.to_json(), ensure_ascii=False)  # type: ignore[attr-defined]
