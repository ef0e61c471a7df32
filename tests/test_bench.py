"""The benchmark runs end to end and its generator is deterministic.

No timing is asserted here (speed belongs to the benchmark's own table): these tests only
prove that ``python -m reader.bench`` produces a complete table, so the numbers in the README
can always be regenerated.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.bench.__main__ import main
from reader.bench.generate import cached_folder, generate_folder
from reader.bench.measure import ROWS
from reader.domain.parse import parse_summary


def _files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_generated_folder_is_the_same_bytes_every_time(tmp_path: Path) -> None:
    first = generate_folder(tmp_path / "first", 50, seed=7)
    second = generate_folder(tmp_path / "second", 50, seed=7)

    first_files = _files(first.root)
    assert len(first_files) == 50
    assert first_files == _files(second.root)
    assert first.kinds == second.kinds
    assert sum(first.kinds.values()) == 50
    assert first.total_bytes == sum(len(data) for data in first_files.values())


def test_another_seed_gives_another_folder(tmp_path: Path) -> None:
    one = generate_folder(tmp_path / "one", 20, seed=1)
    two = generate_folder(tmp_path / "two", 20, seed=2)

    assert _files(one.root) != _files(two.root)


def test_generated_folder_has_every_shape_reader_must_handle(tmp_path: Path) -> None:
    folder = generate_folder(tmp_path / "articles", 400, seed=1)
    files = _files(folder.root)

    assert set(folder.kinds) == {"body-only", "front-matter+body", "malformed", "metadata-only"}
    assert any("/" in name for name in files), "some articles live in subfolders"
    summaries = [parse_summary(name, data)[0] for name, data in files.items()]
    assert sum(1 for summary in summaries if summary.problems) >= folder.kinds["malformed"]
    assert (
        sum(1 for summary in summaries if not summary.has_front_matter)
        >= (folder.kinds["body-only"])
    )

    edit = files[folder.edit_target].decode()
    publish = files[folder.publish_target].decode()
    for text in (edit, publish):
        assert "published: false" in text
        assert "\nsecured: " in text and "\nrelated:\n" in text and "\nprovider:\n" in text
    assert edit.endswith("---\n"), "the edit target is metadata-only, like seed 000"
    assert not publish.endswith("---\n"), "the publish target has a body"


def test_cached_folder_is_generated_once_and_reused(tmp_path: Path) -> None:
    first = cached_folder(30, seed=3, base=tmp_path)
    marker = first.root / first.edit_target
    stamp = marker.stat().st_mtime_ns

    again = cached_folder(30, seed=3, base=tmp_path)

    assert again == first
    assert marker.stat().st_mtime_ns == stamp


def test_bench_prints_every_row_with_a_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    markdown = tmp_path / "bench.md"
    raw = tmp_path / "bench.json"

    status = main(
        [
            "--sizes",
            "50",
            "--repeat",
            "1",
            "--keep",
            str(tmp_path / "folders"),
            "--markdown",
            str(markdown),
            "--json",
            str(raw),
            "--type-at",
            "0",
        ]
    )

    output = capsys.readouterr().out
    results = json.loads(raw.read_text())
    assert results[0]["notes"] == [], results[0]["notes"]
    assert status == 0
    for row in ROWS:
        line = next((line for line in output.splitlines() if line.startswith(row.label)), None)
        assert line is not None, f"no row for {row.label!r}"
        assert line[len(row.label) :].split()[0] != "-", f"no value for {row.label!r}"
        assert f"| {row.label} |" in markdown.read_text()
    for heading in ("cold start, 50 articles, 1 runs", "warm start, 50 articles, 1 runs"):
        assert heading in output, f"no issue table {heading!r}"
        assert f"**{heading}**" in markdown.read_text()
    folder = Path(results[0]["folder"]["root"])
    assert "published: false" in (folder / results[0]["folder"]["publish_target"]).read_text(), (
        "the probe puts back the files it changed"
    )
