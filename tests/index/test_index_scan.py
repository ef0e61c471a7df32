"""Which files are articles, how a folder is walked, and reading one file cheaply."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.domain import parse
from reader.index import scan
from reader.index.scan import (
    FileStamp,
    is_article_name,
    read_summary,
    scan_folder,
    scan_folder_report,
)

ARTICLE = "---\ntitle: Hello\npublished: false\n---\nBody\n"


def write(folder: Path, relative: str, text: str = ARTICLE) -> Path:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "name",
    ["a.txt", "a.md", "a.markdown", "UPPER.TXT", "Mixed.Md", "-leading-dash.txt",
     "with space.md", "ünïcödé.txt", "new\nline.txt", "漢字.md"],
)
def test_article_names(name: str) -> None:
    assert is_article_name(name)


@pytest.mark.parametrize(
    "name",
    ["a.html", "a.txt.bak", "txt", ".hidden.txt", "a.txt~", ".#a.txt", "#a.txt#",
     "a.txt.swp", "a.swp", "a.tmp", ".a.txt.123.reader-tmp-0af3", "a.md.tmp", ""],
)
def test_names_that_are_not_articles(name: str) -> None:
    assert not is_article_name(name)


def test_suffixes_agree_with_the_domain() -> None:
    assert scan.ARTICLE_SUFFIXES == parse.ARTICLE_SUFFIXES


def test_scan_finds_articles_in_subfolders_with_posix_ids(tmp_path: Path) -> None:
    write(tmp_path, "top.txt")
    write(tmp_path, "2023/07/deep.md")
    write(tmp_path, "2023/notes.markdown")
    write(tmp_path, "2023/image.jpg")
    write(tmp_path, ".hidden/inside.txt")
    write(tmp_path, "visible/.dotfile.txt")
    write(tmp_path, "visible/draft.txt~")
    write(tmp_path, "visible/.#lock.txt")
    write(tmp_path, "visible/#autosave.txt#")

    report = scan_folder_report(tmp_path)

    assert set(report.files) == {"top.txt", "2023/07/deep.md", "2023/notes.markdown"}
    assert sorted(report.dirs) == ["2023", "2023/07", "visible"]
    assert report.unreadable_dirs == []


def test_stamps_are_size_mtime_and_inode(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt")
    info = os.stat(path)
    assert scan_folder(tmp_path) == {
        "a.txt": FileStamp(info.st_size, info.st_mtime_ns, info.st_ino)
    }


def test_symlink_loops_are_walked_once(tmp_path: Path) -> None:
    write(tmp_path, "sub/a.txt")
    (tmp_path / "sub" / "back-to-top").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "sub" / "self").symlink_to(tmp_path / "sub", target_is_directory=True)

    report = scan_folder_report(tmp_path)

    assert set(report.files) == {"sub/a.txt"}


def test_a_symlinked_folder_outside_is_followed_once(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(outside, "shared.md")
    root = tmp_path / "root"
    root.mkdir()
    (root / "one").symlink_to(outside, target_is_directory=True)
    (root / "two").symlink_to(outside, target_is_directory=True)

    files = scan_folder(root)

    assert len(files) == 1
    assert set(files) <= {"one/shared.md", "two/shared.md"}


def test_dangling_links_and_folders_named_like_articles_are_skipped(tmp_path: Path) -> None:
    write(tmp_path, "real.txt")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing.txt")
    (tmp_path / "folder.txt").mkdir()

    assert set(scan_folder(tmp_path)) == {"real.txt"}


def test_an_unreadable_subfolder_is_reported_not_fatal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "ok.txt")
    write(tmp_path, "locked/secret.txt")
    write(tmp_path, "open/fine.txt")
    real_scandir = os.scandir

    def refusing_scandir(path: str):  # type: ignore[no-untyped-def]
        if os.path.basename(path) == "locked":
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(scan.os, "scandir", refusing_scandir)
    report = scan_folder_report(tmp_path)

    assert set(report.files) == {"ok.txt", "open/fine.txt"}
    assert report.unreadable_dirs == ["locked"]


def test_the_root_itself_must_be_a_listable_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        scan_folder(tmp_path / "missing")
    file = write(tmp_path, "a.txt")
    with pytest.raises(NotADirectoryError):
        scan_folder(file)


def test_read_summary_stamps_what_it_read(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt")
    summary, stamp, body = read_summary(tmp_path, "a.txt")
    info = os.stat(path)
    assert summary.title == "Hello"
    assert stamp == FileStamp(info.st_size, info.st_mtime_ns, info.st_ino)
    assert body == "Body\n"


def test_read_summary_of_a_missing_file_is_an_error_without_stamp(tmp_path: Path) -> None:
    summary, stamp, body = read_summary(tmp_path, "gone.txt")
    assert stamp is None
    assert body == ""
    assert summary.error is not None
    assert "removed or renamed" in summary.error.message


def test_read_summary_refuses_a_huge_file_without_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parse, "MAX_FILE_BYTES", 100)
    write(tmp_path, "big.txt", "x" * 500)
    summary, stamp, _body = read_summary(tmp_path, "big.txt")
    assert stamp is not None and stamp.size == 500
    assert summary.error is not None
    assert "limit" in summary.error.message


def test_read_summary_refuses_a_fifo_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    summary, stamp, _body = read_summary(tmp_path, "pipe.txt")
    assert stamp is None
    assert summary.error is not None
    assert "not a regular file" in summary.error.message


def test_a_file_that_grows_while_read_is_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "growing.txt", ARTICLE + "x" * 5000)
    real_fstat = os.fstat

    def stale_fstat(descriptor: int) -> os.stat_result:
        info = list(real_fstat(descriptor))
        info[6] = 10  # st_size as it was a moment ago
        return os.stat_result(info)

    monkeypatch.setattr(scan.os, "fstat", stale_fstat)
    summary, _stamp, body = read_summary(tmp_path, "growing.txt")
    assert summary.title == "Hello"
    assert body == "Body\n" + "x" * 5000


def test_a_file_that_grows_past_the_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parse, "MAX_FILE_BYTES", 1000)
    write(tmp_path, "growing.txt", "y" * 3000)
    real_fstat = os.fstat

    def stale_fstat(descriptor: int) -> os.stat_result:
        info = list(real_fstat(descriptor))
        info[6] = 10
        return os.stat_result(info)

    monkeypatch.setattr(scan.os, "fstat", stale_fstat)
    summary, _stamp, _body = read_summary(tmp_path, "growing.txt")
    assert summary.error is not None
    assert "limit" in summary.error.message


@given(st.text(min_size=1, max_size=40).filter(lambda n: "/" not in n and "\x00" not in n))
def test_publish_temp_files_are_never_articles(base: str) -> None:
    from reader.domain.publish import is_temp_file_name

    temp = f".{base}.12345.reader-tmp-0af3"
    assert is_temp_file_name(temp)
    assert not is_article_name(temp)


def test_a_parser_bug_costs_one_file_not_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "boom.txt")

    def exploding(article_id: str, data: bytes, *, full: bool) -> None:
        raise IndexError("string index out of range")

    # Deep in the parser, under every entry point read_summary may use.
    monkeypatch.setattr(parse, "_parse", exploding)
    summary, stamp, _body = read_summary(tmp_path, "boom.txt")
    assert stamp is not None
    assert summary.error is not None
    assert "IndexError" in summary.error.message
