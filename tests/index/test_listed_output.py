"""The kept ``reader list --json`` output: printed again only for the very stamps it was made
from, never trusted past damage, another format or another user, and never kept from a
file read as other content than the scan stamped."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader.cli import main
from reader.index import listed_output
from reader.index.cache import SCHEMA_VERSION, IndexCache, cache_path
from reader.index.scan import FileStamp

SEEDS = Path(__file__).resolve().parent.parent.parent / "seeds"
SEED_FULL = "000_64786d9bbd4dc9c0.txt"

STAMPS = {"a.txt": FileStamp(10, 20, 30), "sub/b.txt": FileStamp(11, 21, 31)}
LINES = ['{"id": "a.txt"}\n', '{"id": "sub/b.txt", "title": "caf\u00e9 \udcff"}\n']
STATES = ["published", "unpublished"]


def keep(path: Path, **header: object) -> None:
    options = {"schema": SCHEMA_VERSION, "line_format": 1, "stories": True, **header}
    assert listed_output.write(path, STAMPS, LINES, STATES, **options)  # type: ignore[arg-type]


def kept(path: Path, stamps: dict[str, FileStamp] = STAMPS, **header: object):  # type: ignore[no-untyped-def]
    options = {"schema": SCHEMA_VERSION, "line_format": 1, "stories": True, **header}
    return listed_output.read(path, stamps, **options)  # type: ignore[arg-type]


def test_the_output_comes_back_exactly_for_the_same_stamps(tmp_path: Path) -> None:
    path = tmp_path / "index.list"
    keep(path)

    assert kept(path) == (LINES, STATES)
    assert os.stat(path).st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    "stamps",
    [
        {"a.txt": FileStamp(10, 20, 30)},  # a file gone
        {**STAMPS, "c.txt": FileStamp(1, 2, 3)},  # a file added
        {**STAMPS, "a.txt": FileStamp(10, 25, 30)},  # a file written again
        {},
    ],
)
def test_any_other_scan_is_not_answered(tmp_path: Path, stamps: dict[str, FileStamp]) -> None:
    path = tmp_path / "index.list"
    keep(path)

    assert kept(path, stamps) is None


@pytest.mark.parametrize(
    "header", [{"schema": SCHEMA_VERSION + 1}, {"line_format": 2}, {"stories": False}]
)
def test_output_made_another_way_is_not_read(tmp_path: Path, header: dict[str, object]) -> None:
    path = tmp_path / "index.list"
    keep(path, **header)

    assert kept(path) is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-1],  # cut short
        lambda data: data[:-5] + bytes([data[-5] ^ 1]) + data[-4:],  # one bit flipped
        lambda data: data + b"x",  # something appended
        lambda data: data[: data.index(b"\n") + 3],  # the body's head cut short
        lambda data: b"",
    ],
)
def test_damaged_output_is_not_read(tmp_path: Path, damage) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "index.list"
    keep(path)
    path.write_bytes(damage(path.read_bytes()))

    assert kept(path) is None


def test_output_others_could_write_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "index.list"
    keep(path)
    os.chmod(path, 0o666)

    assert kept(path) is None
    assert kept(tmp_path / "absent.list") is None


# -- through the command line -------------------------------------------------------------


def make_folder(folder: Path, count: int) -> Path:
    seed = (SEEDS / SEED_FULL).read_text(encoding="utf-8")
    for number in range(count):
        path = folder / f"{number:05d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = seed.replace("Netflix invests", f"Story {number}:")
        if number % 3 == 0:
            text = text.replace("published: false", "published: true")
        path.write_text(text, encoding="utf-8")
    return folder


def listed(capsys: pytest.CaptureFixture[str], folder: Path, *options: str) -> str:
    assert main(["list", str(folder), "--json", *options]) == 0
    return capsys.readouterr().out


def no_index_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the index was asked")

    monkeypatch.setattr(IndexCache, "listed_lines", refuse)
    monkeypatch.setattr(IndexCache, "story_rows", refuse)


def test_an_unchanged_folder_is_listed_again_from_the_kept_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_folder(tmp_path / "articles", 12)
    cold = listed(capsys, folder)
    published = listed(capsys, folder, "--state", "published")
    assert listed_output.output_path(cache_path(folder)).exists()

    with monkeypatch.context() as patch:
        no_index_reads(patch)
        assert listed(capsys, folder) == cold
        assert listed(capsys, folder, "--state", "published") == published
        assert listed(capsys, folder, "--state", "error") == ""
    assert published.count("\n") == 4 and cold.count("\n") == 12


def test_a_changed_folder_is_listed_from_the_files_and_kept_anew(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_folder(tmp_path / "articles", 6)
    listed(capsys, folder)
    path = folder / "00002.txt"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Story 2:", "Retitled:"), encoding="utf-8"
    )
    (folder / "00004.txt").unlink()

    changed = listed(capsys, folder)

    assert "Retitled:" in changed and "00004.txt" not in changed
    assert changed.count("\n") == 5
    with monkeypatch.context() as patch:
        no_index_reads(patch)
        assert listed(capsys, folder) == changed


def test_nothing_is_kept_from_a_file_read_as_other_content_than_the_scan_saw(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import reader.cli

    folder = make_folder(tmp_path / "articles", 6)
    path = folder / "00001.txt"
    scan = reader.cli._scan

    def scan_then_write(root: Path):  # type: ignore[no-untyped-def]
        report = scan(root)
        path.write_text(path.read_text(encoding="utf-8").replace("Story 1:", "Later:"))
        return report

    monkeypatch.setattr(reader.cli, "_scan", scan_then_write)
    first = listed(capsys, folder)
    monkeypatch.undo()

    assert "Later:" in first  # what was read is printed...
    assert not listed_output.output_path(cache_path(folder)).exists()  # ...but not kept
    assert listed(capsys, folder) == first


def test_rebuilding_the_index_forgets_the_kept_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_folder(tmp_path / "articles", 3)
    listed(capsys, folder)
    path = listed_output.output_path(cache_path(folder))
    assert path.exists()
    cache_path(folder).write_bytes(b"not a database")

    IndexCache.open(folder).close()

    assert not path.exists()
