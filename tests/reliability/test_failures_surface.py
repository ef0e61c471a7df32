"""Failures a user can meet surface as one clear message naming the file; the rest keeps working.

Unreadable files and folders, a publish that meets a full disk or a refused write, a corrupt
or unusable index cache, a folder that is gone, and ``--verbose`` logging to a rotating file.
The suite runs as root in CI, where ``chmod 000`` stops nothing, so unreadable files are
also simulated in-process by making ``open``/``os.scandir`` raise ``PermissionError`` for
exactly one path; the ``chmod`` variants run when the tests are not root.
"""

from __future__ import annotations

import builtins
import contextlib
import errno
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import windows
from seed_files import SEED_BODY_ONLY, SEED_FULL, SEEDS

from reader import paths
from reader.domain.parse import load_detail, load_summary

PROJECT = Path(__file__).resolve().parents[2]
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    """``reader`` in-process: (exit code, stdout, stderr)."""
    from reader.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def run_process(argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reader", *argv],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        env={**os.environ, "PYTHONPATH": str(PROJECT)},
        timeout=60,
    )


def assert_one_clear_line(stderr: str, *names: str) -> str:
    """The user-facing part of ``stderr`` is one line that names each of ``names``."""
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    for name in names:
        assert name in lines[0], (name, lines[0])
    return lines[0]


@contextlib.contextmanager
def refuse_to_open(target: Path) -> Iterator[None]:
    """``open`` and ``os.open`` raise PermissionError for ``target`` only, as for mode 000."""
    real_open = builtins.open
    real_os_open = os.open
    denied = os.path.realpath(target)

    def is_denied(file: object) -> bool:
        return isinstance(file, (str, bytes, os.PathLike)) and os.path.realpath(file) == denied

    def guarded_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        if is_denied(file):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(file))
        return real_open(file, *args, **kwargs)

    def guarded_os_open(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        if is_denied(path):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_os_open(path, flags, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(builtins, "open", guarded_open)
        patch.setattr(os, "open", guarded_os_open)
        yield


@contextlib.contextmanager
def refuse_to_list(target: Path) -> Iterator[None]:
    """``os.scandir`` raises PermissionError for the folder ``target`` only."""
    real_scandir = os.scandir
    denied = os.path.realpath(target)

    def guarded_scandir(path="."):  # type: ignore[no-untyped-def]
        if os.path.realpath(path) == denied:
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_scandir(path)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "scandir", guarded_scandir)
        yield


# -- unreadable files --------------------------------------------------------------------


def test_an_unreadable_file_is_an_article_with_a_clear_error(seeds_copy: Path) -> None:
    with refuse_to_open(seeds_copy / SEED_FULL):
        summary, body = load_summary(seeds_copy, SEED_FULL)
        detail = load_detail(seeds_copy, SEED_FULL)
        other, _ = load_summary(seeds_copy, SEED_BODY_ONLY)
    for problem in (summary.error, detail.summary.error):
        assert problem is not None
        assert "cannot read the file" in problem.message
        assert "permission" in problem.message.lower()
    assert summary.id == SEED_FULL and body == ""
    assert not other.is_error


def test_an_unreadable_file_is_listed_by_the_loader_and_the_rest_load(seeds_copy: Path) -> None:
    from reader.index.loader import load_folder

    with refuse_to_open(seeds_copy / SEED_FULL):
        result = load_folder(seeds_copy, use_cache=False, workers=1)
    assert set(result.articles) == {SEED_FULL, SEED_BODY_ONLY}
    error = result.articles[SEED_FULL].error
    assert error is not None and "check the file's permissions" in error.message
    assert not result.articles[SEED_BODY_ONLY].is_error


def test_an_unreadable_file_is_not_cached_as_broken(seeds_copy: Path) -> None:
    """Once the editor fixes the permissions, the article must read again."""
    from reader.index.loader import load_folder

    with refuse_to_open(seeds_copy / SEED_FULL):
        load_folder(seeds_copy, workers=1)
    result = load_folder(seeds_copy, workers=1)
    assert not result.articles[SEED_FULL].is_error


def test_check_and_list_name_the_unreadable_file(seeds_copy: Path) -> None:
    with refuse_to_open(seeds_copy / SEED_FULL):
        code, out, err = run_cli(["check", str(seeds_copy)])
        assert code == 1
        (line,) = [line for line in out.splitlines() if "cannot read" in line]
        assert line.startswith(f"{SEED_FULL}:") and "permission" in line
        assert "Traceback" not in out + err
        code, out, err = run_cli(["list", str(seeds_copy), "--state", "error"])
        assert code == 0 and SEED_FULL in out and SEED_BODY_ONLY not in out
        code, out, err = run_cli(["show", str(seeds_copy), SEED_FULL])
        assert code in (0, 1) and "Traceback" not in out + err
        assert "cannot read the file" in out + err


@pytest.mark.skipif(IS_ROOT, reason="root reads mode-000 files anyway")
def test_a_mode_000_file_is_listed_with_its_error(seeds_copy: Path) -> None:
    target = seeds_copy / SEED_FULL
    target.chmod(0)
    try:
        completed = run_process(["check", str(seeds_copy)])
    finally:
        target.chmod(0o644)
    assert completed.returncode == 1
    assert f"{SEED_FULL}:" in completed.stdout and "Traceback" not in completed.stderr


def test_an_unreadable_subfolder_is_named_and_the_rest_listed(seeds_copy: Path) -> None:
    (seeds_copy / "locked").mkdir()
    shutil.copy(SEEDS / SEED_FULL, seeds_copy / "locked" / "hidden.txt")
    with refuse_to_list(seeds_copy / "locked"):
        code, out, err = run_cli(["list", str(seeds_copy), "--json"])
        assert code == 0
        assert len(out.splitlines()) == 2
        line = assert_one_clear_line(err, "locked/")
        assert "permission" in line
        code, out, err = run_cli(["check", str(seeds_copy)])
        assert code == 1 and "locked/" in out
        assert "Traceback" not in out + err


@pytest.mark.parametrize(
    "command",
    [["list"], ["list", "--json"], ["check"], ["show", SEED_FULL], ["publish", SEED_FULL]],
    ids=["list", "list-json", "check", "show", "publish"],
)
def test_an_unlistable_folder_is_one_line_and_exit_1(seeds_copy: Path, command: list[str]) -> None:
    before = (seeds_copy / SEED_FULL).read_bytes()
    with refuse_to_list(seeds_copy):
        code, out, err = run_cli([command[0], str(seeds_copy), *command[1:]])
    assert code in (1, 2), err
    assert out == ""
    line = assert_one_clear_line(err, str(seeds_copy))
    assert "permission" in line.lower()
    assert (seeds_copy / SEED_FULL).read_bytes() == before


# -- the folder is gone ------------------------------------------------------------------


@pytest.mark.parametrize("command", ["list", "check", "show", "publish"])
def test_a_vanished_folder_is_one_line_and_no_traceback(tmp_path: Path, command: str) -> None:
    gone = tmp_path / "was-here"
    argv = [command, str(gone)] + ([SEED_FULL] if command in ("show", "publish") else [])
    code, out, err = run_cli(argv)
    assert code == 2 and out == ""
    assert_one_clear_line(err, str(gone))
    completed = run_process(argv)
    assert completed.returncode == 2
    assert_one_clear_line(completed.stderr, str(gone))


def test_a_folder_deleted_while_it_is_listed_is_one_line(
    seeds_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folder passes the argument check, then vanishes before the scan."""
    import reader.cli as cli

    real_check = cli._folder_argument

    def check_then_delete(text: str) -> Path:
        folder = real_check(text)
        shutil.rmtree(folder)
        return folder

    monkeypatch.setattr(cli, "_folder_argument", check_then_delete)
    code, out, err = run_cli(["list", str(seeds_copy)])
    assert code in (1, 2) and out == ""
    assert_one_clear_line(err, str(seeds_copy))


# -- publish meets a refused write or a full disk -----------------------------------------


@contextlib.contextmanager
def failing_fsync(error: OSError, only_for: str) -> Iterator[None]:
    """``os.fsync`` fails with ``error`` while the temp file of ``only_for`` is written."""
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        name = os.readlink(f"/proc/self/fd/{fd}")
        if os.path.basename(name).startswith(f".{only_for}"):
            raise error
        real_fsync(fd)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "fsync", fsync)
        yield


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), "space"),
        (OSError(errno.EDQUOT, "Disk quota exceeded"), "quota"),
        (PermissionError(errno.EACCES, "Permission denied"), "ermission"),
    ],
)
def test_publish_on_a_failing_disk_names_the_file_and_writes_the_others(
    seeds_copy: Path, error: OSError, words: str
) -> None:
    full = seeds_copy / SEED_FULL
    before = full.read_bytes()
    before_other = (seeds_copy / SEED_BODY_ONLY).read_bytes()
    with failing_fsync(error, only_for=SEED_FULL):
        code, out, err = run_cli(["publish", str(seeds_copy), SEED_FULL, SEED_BODY_ONLY])
    assert code == 1
    line = assert_one_clear_line(err, SEED_FULL)
    assert words in line
    assert full.read_bytes() == before
    assert (seeds_copy / SEED_BODY_ONLY).read_bytes() != before_other
    assert f"{SEED_BODY_ONLY}: published" in out
    assert sorted(p.name for p in seeds_copy.iterdir()) == sorted([SEED_FULL, SEED_BODY_ONLY])


def test_publish_into_a_folder_that_refuses_new_files_names_the_file(
    seeds_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = os.open

    def refusing_open(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        if flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_open(path, flags, *args, **kwargs)

    before = (seeds_copy / SEED_FULL).read_bytes()
    monkeypatch.setattr(os, "open", refusing_open)
    code, _out, err = run_cli(["publish", str(seeds_copy), SEED_FULL])
    monkeypatch.undo()
    assert code == 1
    assert "ermission" in assert_one_clear_line(err, SEED_FULL)
    assert (seeds_copy / SEED_FULL).read_bytes() == before


@pytest.mark.skipif(IS_ROOT, reason="root writes into read-only folders anyway")
def test_publish_in_a_read_only_folder_names_the_file(seeds_copy: Path) -> None:
    seeds_copy.chmod(0o555)
    try:
        completed = run_process(["publish", str(seeds_copy), SEED_FULL])
    finally:
        seeds_copy.chmod(0o755)
    assert completed.returncode == 1
    assert_one_clear_line(completed.stderr, SEED_FULL)


# -- the index cache is corrupt or unusable ----------------------------------------------


def _cache_file(folder: Path) -> Path:
    from reader.index.cache import cache_path

    return cache_path(folder)


@pytest.mark.parametrize(
    "damage",
    [
        b"this is not a database at all\n" * 100,
        b"SQLite format 3\x00" + os.urandom(4096),
        b"",
    ],
    ids=["garbage", "sqlite-header-then-noise", "empty"],
)
def test_a_corrupt_cache_is_silently_rebuilt_and_the_listing_is_right(
    seeds_copy: Path, damage: bytes
) -> None:
    code, expected, _ = run_cli(["list", str(seeds_copy), "--json"])
    assert code == 0
    cache = _cache_file(seeds_copy)
    assert cache.exists()
    cache.write_bytes(damage)
    for name in os.listdir(cache.parent):  # a journal of the old file would confuse it
        if name != cache.name and name.startswith(cache.name):
            os.remove(cache.parent / name)
    completed = run_process(["list", str(seeds_copy), "--json"])
    assert completed.returncode == 0
    assert completed.stderr == ""  # silently
    assert completed.stdout == expected
    from reader.index.loader import load_folder

    warm = load_folder(seeds_copy, workers=1)
    assert warm.parsed == 0 and warm.cached == 2  # rebuilt, and used again


def test_a_cache_folder_that_cannot_be_created_still_lists(seeds_copy: Path) -> None:
    blocker = paths.cache_dir()
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("a file where reader's cache folder should be")
    completed = run_process(["list", str(seeds_copy), "--json"])
    assert completed.returncode == 0
    assert len(completed.stdout.splitlines()) == 2
    assert "Traceback" not in completed.stderr
    assert len(completed.stderr.splitlines()) <= 1


def test_a_stale_cache_row_never_hides_a_change(seeds_copy: Path) -> None:
    from reader.index.loader import load_folder

    load_folder(seeds_copy, workers=1)
    target = seeds_copy / SEED_FULL
    data = target.read_bytes().replace(b"title: ", b"title: Changed ", 1)
    stat = target.stat()
    target.write_bytes(data)
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same mtime, new size
    result = load_folder(seeds_copy, workers=1)
    assert result.articles[SEED_FULL].title.startswith("Changed ")


# -- --verbose logs to a rotating file ----------------------------------------------------


def test_verbose_writes_a_log_file_in_the_state_folder(seeds_copy: Path) -> None:
    code, _out, err = run_cli(["--verbose", "list", str(seeds_copy)])
    assert code == 0
    log_file = paths.state_dir() / "reader.log"
    text = log_file.read_text(encoding="utf-8")
    assert "reader" in text and str(seeds_copy) in text
    assert "DEBUG" in err  # and to stderr while it runs


def test_verbose_log_rotates_instead_of_growing(seeds_copy: Path) -> None:
    from reader.cli import LOG_FILE_BACKUPS, LOG_FILE_BYTES

    log_file = paths.state_dir() / "reader.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    log_file.write_text("x" * LOG_FILE_BYTES + "\n")
    code, _out, _err = run_cli(["list", str(seeds_copy), "--verbose"])
    assert code == 0
    assert (log_file.parent / "reader.log.1").stat().st_size > LOG_FILE_BYTES
    assert log_file.stat().st_size < LOG_FILE_BYTES
    assert LOG_FILE_BACKUPS >= 1


def test_verbose_with_an_unwritable_state_folder_still_runs(seeds_copy: Path) -> None:
    blocker = paths.state_dir()
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("a file where reader's state folder should be")
    code, out, err = run_cli(["--verbose", "check", str(seeds_copy)])
    assert code == 0
    assert "Traceback" not in out + err
    messages = [line for line in err.splitlines() if line.startswith("reader: ")]
    assert len(messages) == 1 and "log file" in messages[0] and str(blocker) in messages[0]


# -- the same failures in the window ----------------------------------------------------


def open_window(qtbot, folder: Path, rows: int):
    return windows.open_window(qtbot, folder, rows, watch=False)

def row_tooltip(window, article_id: str) -> str:
    from PySide6.QtCore import Qt

    model = window.article_view().model()
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        if index.data(Qt.ItemDataRole.UserRole) == article_id:
            return str(index.data(Qt.ItemDataRole.ToolTipRole) or "")
    raise AssertionError(f"{article_id} is not listed")


def test_window_lists_an_unreadable_file_as_a_problem_and_shows_the_rest(
    qtbot, seeds_copy: Path
) -> None:
    from PySide6.QtWidgets import QLabel

    with refuse_to_open(seeds_copy / SEED_FULL):
        window = open_window(qtbot, seeds_copy, 2)
        tooltip = row_tooltip(window, SEED_FULL)
        assert "cannot read the file" in tooltip and "permission" in tooltip.lower()
        assert row_tooltip(window, SEED_BODY_ONLY) == "Not published"
        problems = window.findChild(QLabel, "detailProblems")
        assert window.select_article(SEED_FULL)
        qtbot.waitUntil(lambda: "cannot read the file" in problems.text())
        title = window.findChild(QLabel, "detailTitle")
        assert window.select_article(SEED_BODY_ONLY)
        qtbot.waitUntil(lambda: title.text().startswith("Amid the Hollywood strike"))


def test_window_publish_on_a_full_disk_names_the_file_and_the_next_one_works(
    qtbot, seeds_copy: Path
) -> None:
    full = seeds_copy / SEED_FULL
    before = full.read_bytes()
    window = open_window(qtbot, seeds_copy, 2)
    library = window.library()
    with failing_fsync(OSError(errno.ENOSPC, "No space left on device"), only_for=SEED_FULL):
        assert window.select_article(SEED_FULL)
        qtbot.waitUntil(lambda: window.detail_pane().current_id() == SEED_FULL)
        with qtbot.waitSignal(library.publishFailed, timeout=10_000):
            window.action("TogglePublished").trigger()
        message = window.message_bar().text()
        assert SEED_FULL in message and "space" in message and "\n" not in message
        assert full.read_bytes() == before
        assert not library.article(SEED_FULL).published
        assert window.select_article(SEED_BODY_ONLY)
        qtbot.waitUntil(lambda: window.detail_pane().current_id() == SEED_BODY_ONLY)
        with qtbot.waitSignal(library.publishSucceeded, timeout=10_000):
            window.action("TogglePublished").trigger()
    assert library.article(SEED_BODY_ONLY).published
    assert sorted(p.name for p in seeds_copy.iterdir()) == sorted([SEED_FULL, SEED_BODY_ONLY])


def test_window_opens_a_folder_whose_cache_is_garbage(qtbot, seeds_copy: Path) -> None:
    code, _out, _err = run_cli(["list", str(seeds_copy)])
    assert code == 0
    _cache_file(seeds_copy).write_bytes(b"garbage" * 1000)
    window = open_window(qtbot, seeds_copy, 2)
    assert row_tooltip(window, SEED_FULL) == "Not published"
    assert window.message_bar().text() == ""
