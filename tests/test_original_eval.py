"""The Reader view benchmark scores what it claims to, and reader's path meets its target."""

from __future__ import annotations

import statistics

import pytest

from reader.bench import original_eval
from reader.bench.original_eval import score, shingles


def test_shingles_are_four_lower_case_words():
    assert shingles("The Cat sat, on the mat!") == {
        ("the", "cat", "sat", "on"),
        ("cat", "sat", "on", "the"),
        ("sat", "on", "the", "mat"),
    }


def test_the_score_is_shingle_precision_and_recall():
    expected = "one two three four five six"
    assert score(expected, expected).f1 == 1.0
    extra = score(expected + " seven eight nine ten eleven", expected)
    assert extra.recall == 1.0 and extra.precision == pytest.approx(3 / 8)
    half = score("one two three four", expected)
    assert half.precision == 1.0 and half.recall == pytest.approx(1 / 3)
    assert score("", expected).f1 == 0.0 and score("other words entirely here", expected).f1 == 0


def test_every_saved_page_has_its_marked_text():
    names = original_eval.page_names()
    assert len(names) >= 10
    for name in names:
        expected = (original_eval.PAGES / f"{name}.expected.txt").read_text(encoding="utf-8")
        assert len(shingles(expected)) > 50, name


def test_reader_meets_the_target_through_the_command_line(monkeypatch):
    monkeypatch.setattr(original_eval, "LIBRARIES", {})  # only reader's own path
    (pages,) = original_eval.run(runs=1).values()
    f1s = {name: result.f1 for name, (result, _seconds) in pages.items()}
    assert statistics.mean(f1s.values()) >= 0.95, f1s
    assert min(f1s.values()) >= 0.9, f1s
