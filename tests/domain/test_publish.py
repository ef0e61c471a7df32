"""The publish write-back: only the ``published`` value changes, atomically, or nothing does."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader.domain import publish
from reader.domain.frontmatter import load_yaml_mapping, split_front_matter
from reader.domain.parse import parse_detail
from reader.domain.publish import (
    TEMP_MARKER,
    PublishError,
    PublishResult,
    cleanup_stray_temp_files,
    edit_published,
    is_temp_file_name,
    set_published,
)

# Derived here, not imported: with several conftest.py files, "from seed_files import"
# gets whichever one pytest imported first.
SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SEED_FULL = "000_64786d9bbd4dc9c0.txt"
SEED_BODY_ONLY = "002_ec8b9ffde03f3ad4.txt"

RUNNING_AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def seed_bytes(name: str = SEED_FULL) -> bytes:
    return (SEEDS / name).read_bytes()


def article(folder: Path, data: bytes, name: str = "a.txt", mode: int = 0o644) -> Path:
    path = folder / name
    path.write_bytes(data)
    path.chmod(mode)
    return path


def temp_files(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if TEMP_MARKER in name)


def front(data: bytes) -> dict:
    split = split_front_matter(data.decode("utf-8"))
    return load_yaml_mapping(split.yaml_text) if split.yaml_text is not None else {}


def changed_lines(old: bytes, new: bytes) -> list[tuple[bytes, bytes]]:
    """The (old, new) pairs of lines that differ, for files with the same line count."""
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    assert len(old_lines) == len(new_lines)
    return [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]


def assert_round_trip(data: bytes, expect_line: tuple[bytes, bytes]) -> None:
    """Publishing changes exactly ``expect_line``; unpublishing restores ``data``."""
    published = edit_published(data, True)
    assert changed_lines(data, published) == [expect_line]
    assert edit_published(published, False) == data


# -- the seeds -----------------------------------------------------------------------------


def test_seed_publish_diff_is_exactly_the_published_line_and_unpublish_restores(
    tmp_path: Path,
) -> None:
    original = seed_bytes()
    path = article(tmp_path, original, SEED_FULL)

    result = set_published(path, True)

    assert result == PublishResult(path, True, True, result.stamp)
    now = path.read_bytes()
    assert changed_lines(original, now) == [(b"published: false\n", b"published: true\n")]
    assert len(now) == len(original) - 1
    assert parse_detail(SEED_FULL, now).summary.published is True
    unpublished = set_published(path, False)
    assert unpublished.changed
    assert path.read_bytes() == original
    assert temp_files(tmp_path) == []


def test_already_published_is_not_written(tmp_path: Path) -> None:
    path = article(tmp_path, seed_bytes())
    first = set_published(path, True)
    info = path.stat()

    again = set_published(path, True)

    assert again.changed is False and again.published is True
    assert again.stamp == first.stamp == (info.st_size, info.st_mtime_ns, info.st_ino)
    assert path.stat().st_mtime_ns == info.st_mtime_ns
    assert edit_published(seed_bytes(), False) == seed_bytes()


def test_body_only_seed_gets_minimal_front_matter_and_body_bytes_untouched(
    tmp_path: Path,
) -> None:
    original = seed_bytes(SEED_BODY_ONLY)
    path = article(tmp_path, original, SEED_BODY_ONLY)

    set_published(path, True)

    now = path.read_bytes()
    assert now == b"---\npublished: true\n---\n" + original
    detail = parse_detail(SEED_BODY_ONLY, now)
    assert detail.summary.published is True
    assert detail.body == original.decode("utf-8")
    set_published(path, False)
    assert path.read_bytes() == b"---\npublished: false\n---\n" + original


def test_unpublishing_a_file_without_the_key_changes_nothing() -> None:
    body_only = seed_bytes(SEED_BODY_ONLY)
    assert edit_published(body_only, False) == body_only
    no_key = b"---\ntitle: x\n---\nbody\n"
    assert edit_published(no_key, False) == no_key


# -- bytes kept as they are ----------------------------------------------------------------


def test_crlf_file_keeps_crlf_everywhere() -> None:
    crlf = seed_bytes().replace(b"\n", b"\r\n")
    assert_round_trip(crlf, (b"published: false\r\n", b"published: true\r\n"))


def test_bom_is_kept() -> None:
    with_bom = b"\xef\xbb\xbf" + seed_bytes()
    published = edit_published(with_bom, True)
    assert published.startswith(b"\xef\xbb\xbf---\n")
    assert_round_trip(with_bom, (b"published: false\n", b"published: true\n"))


def test_bom_body_only_file_gets_front_matter_after_the_bom() -> None:
    data = b"\xef\xbb\xbfJust a body.\r\nSecond line."
    assert edit_published(data, True) == (
        b"\xef\xbb\xbf---\r\npublished: true\r\n---\r\nJust a body.\r\nSecond line."
    )


@pytest.mark.parametrize(
    "data",
    [
        b"---\ntitle: t\npublished: false\n---\nbody without final newline",
        b"---\ntitle: t\npublished: false\n---",
        b"---\r\ntitle: t\r\npublished: false\r\n...",
        b"---\ntitle: t\npublished: false\n---\n",
    ],
)
def test_final_newline_or_its_absence_is_kept(data: bytes) -> None:
    published = edit_published(data, True)
    assert published == data.replace(b"published: false", b"published: true")
    assert edit_published(published, False) == data


def test_trailing_comment_and_spacing_are_kept() -> None:
    data = b"---\ntitle: t\npublished:   false    # the pipeline sets this\nheat: 1\n---\n"
    assert_round_trip(
        data,
        (
            b"published:   false    # the pipeline sets this\n",
            b"published:   true    # the pipeline sets this\n",
        ),
    )


def test_key_order_and_blank_lines_are_kept() -> None:
    data = b"---\n\npublished: false\n\n# notes\ntitle: t\n\n---\n\n\nbody\n"
    assert_round_trip(data, (b"published: false\n", b"published: true\n"))


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b'"false"', b'"true"'),
        (b"'false'", b"'true'"),
        (b'"False"', b'"True"'),
        (b'" false  "', b'" true  "'),
        (b"False", b"True"),
        (b"FALSE", b"TRUE"),
        (b"no", b"yes"),
        (b"No", b"Yes"),
        (b"NO", b"YES"),
        (b"off", b"on"),
        (b"Off", b"On"),
        (b"OFF", b"ON"),
    ],
)
def test_quoting_style_and_spelling_family_are_kept(old: bytes, new: bytes) -> None:
    data = b"---\ntitle: t\npublished: " + old + b"\n---\n"
    assert_round_trip(data, (b"published: " + old + b"\n", b"published: " + new + b"\n"))
    assert parse_detail("a.txt", edit_published(data, True)).summary.published is True


def test_a_value_reader_does_not_understand_is_replaced_by_a_plain_boolean() -> None:
    data = b"---\npublished: maybe # ask Sam\n---\n"
    assert edit_published(data, True) == b"---\npublished: true # ask Sam\n---\n"
    assert edit_published(data, False) == b"---\npublished: false # ask Sam\n---\n"


def test_an_empty_value_is_filled_in() -> None:
    data = b"---\ntitle: t\npublished:\nheat: 3\n---\n"
    assert edit_published(data, True) == b"---\ntitle: t\npublished: true\nheat: 3\n---\n"


def test_file_mode_is_kept(tmp_path: Path) -> None:
    path = article(tmp_path, seed_bytes(), mode=0o640)
    set_published(path, True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


@pytest.mark.skipif(not RUNNING_AS_ROOT, reason="only root can give a file to another user")
def test_file_owner_is_kept_when_reader_runs_as_root(tmp_path: Path) -> None:
    path = article(tmp_path, seed_bytes())
    os.chown(path, 4321, 4322)
    set_published(path, True)
    info = path.stat()
    assert (info.st_uid, info.st_gid) == (4321, 4322)


def test_a_symlinked_article_stays_a_symlink(tmp_path: Path) -> None:
    real = article(tmp_path, seed_bytes(), "real.txt")
    link = tmp_path / "link.txt"
    link.symlink_to(real.name)

    result = set_published(link, True)

    assert result.path == link
    assert link.is_symlink()
    assert b"published: true\n" in real.read_bytes()


# -- only the top-level key ----------------------------------------------------------------


def test_published_inside_related_is_not_the_key_and_the_real_one_is_added() -> None:
    data = (
        b"---\ntitle: t\nrelated:\n  - title: r\n    published: false\n"
        b"  - {title: s, published: false}\n---\nbody\n"
    )
    published = edit_published(data, True)
    assert published == data.replace(b"---\nbody", b"published: true\n---\nbody")
    assert front(published)["related"][0]["published"] is False


def test_published_in_a_comment_is_not_the_key() -> None:
    data = b"---\n# published: true\ntitle: t # published: false\npublished: false\n---\n"
    assert_round_trip(data, (b"published: false\n", b"published: true\n"))


def test_published_inside_a_block_scalar_is_not_the_key() -> None:
    data = b"---\nexcerpt: |\n  published: false\n  more text\ntitle: t\n---\n"
    published = edit_published(data, True)
    assert published == b"---\nexcerpt: |\n  published: false\n  more text\ntitle: t\n" + (
        b"published: true\n---\n"
    )
    assert front(published)["excerpt"] == "published: false\nmore text\n"


def test_published_inside_a_multi_line_quoted_string_is_not_the_key() -> None:
    data = b'---\ntitle: "first line\npublished: false\n  end"\npublished: false\n---\n'
    published = edit_published(data, True)
    assert published.endswith(b'  end"\npublished: true\n---\n')
    assert published.count(b"published: false") == 1


def test_block_scalar_last_then_key_appended_keeps_the_scalar() -> None:
    data = b"---\ntitle: t\nexcerpt: |+\n  kept\n\n---\nbody"
    published = edit_published(data, True)
    assert published == b"---\ntitle: t\nexcerpt: |+\n  kept\n\npublished: true\n---\nbody"


# -- key absent ----------------------------------------------------------------------------


@pytest.mark.parametrize("eol", [b"\n", b"\r\n"])
def test_missing_key_is_added_as_the_last_front_matter_line(eol: bytes) -> None:
    data = eol.join([b"---", b"title: t", b"heat: 2 # hot", b"---", b"body", b""])
    published = edit_published(data, True)
    assert published == eol.join(
        [b"---", b"title: t", b"heat: 2 # hot", b"published: true", b"---", b"body", b""]
    )


def test_missing_key_is_added_before_a_dots_closing_line() -> None:
    data = b"---\ntitle: t\n...\nbody"
    assert edit_published(data, True) == b"---\ntitle: t\npublished: true\n...\nbody"


def test_missing_key_in_empty_front_matter() -> None:
    assert edit_published(b"---\n---\nbody", True) == b"---\npublished: true\n---\nbody"
    assert edit_published(b"---\n# only a comment\n---\n", True) == (
        b"---\n# only a comment\npublished: true\n---\n"
    )


def test_empty_file_gets_minimal_front_matter() -> None:
    assert edit_published(b"", True) == b"---\npublished: true\n---\n"


def test_merged_published_value_is_overridden_explicitly() -> None:
    data = b"---\nbase: &base\n  published: true\n<<: *base\ntitle: t\n---\n"
    unpublished = edit_published(data, False)
    assert unpublished == data.replace(b"title: t\n", b"title: t\npublished: false\n")
    assert front(unpublished)["published"] is False


def test_a_nan_field_does_not_block_the_edit() -> None:
    data = b"---\nscore: .nan\npublished: false\n---\n"
    assert edit_published(data, True) == b"---\nscore: .nan\npublished: true\n---\n"


# -- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"---\n{title: t, published: false}\n---\n", "flow style"),
        (b"---\n{title: t}\n---\n", "flow style"),
        (b"---\npublished: false\ntitle: t\npublished: false\n---\n", "lines 2 and 4"),
        (b"---\nflag: &f false\npublished: *f\n---\n", "alias"),
        (b"---\npublished: &f false\nother: *f\n---\n", "anchor"),
        (b"---\npublished: !!bool false\n---\n", "tag"),
        (b"---\npublished: |\n  false\n---\n", "block scalar"),
        (b"---\npublished: >\n  false\n---\n", "block scalar"),
        (b"---\npublished: fal\n  se\n---\n", "next line"),
        (b"---\npublished:\n  false\n---\n", "next line"),
        (b'---\npublished: "fal\n  se"\n---\n', "next line"),
        (b"---\npublished: [true]\n---\n", "list or mapping"),
        (b"---\npublished:\n  value: true\n---\n", "list or mapping"),
        (b"---\ntitle: [unclosed\npublished: false\n---\n", "not valid YAML"),
        (b"---\n- a list\n---\n", "key: value"),
        (b"---\ntitle: t\npublished: false\n", "never closed"),
        (b"---\npublished: false\n---\n\xff\xfe body", "UTF-8"),
        (b"---\n\xef\xbb\xbf---\n---\n", "byte order mark"),
    ],
)
def test_unsafe_front_matter_is_refused_with_a_reason(data: bytes, words: str) -> None:
    with pytest.raises(PublishError) as caught:
        edit_published(data, True)
    assert words in caught.value.message
    assert caught.value.message.endswith(".")
    assert "Errno" not in caught.value.message


def test_refusal_names_the_file_and_leaves_it_alone(tmp_path: Path) -> None:
    data = b"---\n{title: t, published: false}\n---\n"
    path = article(tmp_path, data)

    with pytest.raises(PublishError) as caught:
        set_published(path, True, display_name="news/a.txt")

    message = caught.value.message
    assert message.startswith("Could not publish news/a.txt: its front matter is written in flow")
    assert message.endswith(".") and message.count("\n") == 0
    assert caught.value.reason in message
    assert path.read_bytes() == data
    assert temp_files(tmp_path) == []


# -- failures while writing ----------------------------------------------------------------


def assert_untouched(path: Path, original: bytes) -> None:
    assert path.read_bytes() == original
    assert temp_files(path.parent) == []


@pytest.mark.skipif(RUNNING_AS_ROOT, reason="root writes read-only files anyway")
def test_read_only_file_is_refused_for_real(tmp_path: Path) -> None:
    original = seed_bytes()
    path = article(tmp_path, original, mode=0o444)
    with pytest.raises(PublishError, match=r"permission denied.*check its permissions"):
        set_published(path, True, display_name="a.txt")
    assert_untouched(path, original)


@pytest.mark.skipif(RUNNING_AS_ROOT, reason="root writes into read-only folders anyway")
def test_read_only_folder_is_refused_for_real(tmp_path: Path) -> None:
    original = seed_bytes()
    folder = tmp_path / "locked"
    folder.mkdir()
    path = article(folder, original)
    folder.chmod(0o555)
    try:
        with pytest.raises(PublishError, match="folder's permissions"):
            set_published(path, True)
    finally:
        folder.chmod(0o755)
    assert_untouched(path, original)


def test_read_only_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = seed_bytes()
    path = article(tmp_path, original, mode=0o444)
    monkeypatch.setattr(publish.os, "access", lambda *_args, **_kw: False)
    with pytest.raises(PublishError) as caught:
        set_published(path, True, display_name="news/a.txt")
    assert caught.value.message == (
        "Could not publish news/a.txt: permission denied: the file is read-only "
        "(check its permissions)."
    )
    assert_untouched(path, original)


def test_folder_that_refuses_new_files_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = seed_bytes()
    path = article(tmp_path, original)
    real_open = os.open

    def refuse_temp(name, flags, *args, **kwargs):
        if TEMP_MARKER in os.fspath(name):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(name))
        return real_open(name, flags, *args, **kwargs)

    monkeypatch.setattr(publish.os, "open", refuse_temp)
    with pytest.raises(PublishError, match=r"a\.txt: permission denied.*folder's permissions\)\.$"):
        set_published(path, True, display_name="a.txt")
    assert_untouched(path, original)


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), "the disk is full"),
        (OSError(errno.EIO, "Input/output error"), "input/output error"),
        (OSError(errno.EDQUOT, "Disk quota exceeded"), "quota"),
    ],
)
def test_fsync_failure_leaves_the_file_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: OSError, words: str
) -> None:
    original = seed_bytes()
    path = article(tmp_path, original)

    def failing_fsync(fd: int) -> None:
        raise error

    monkeypatch.setattr(publish.os, "fsync", failing_fsync)
    with pytest.raises(PublishError, match=words) as caught:
        set_published(path, True)
    assert "Errno" not in caught.value.message
    assert_untouched(path, original)


def test_write_that_fails_halfway_leaves_the_file_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = seed_bytes()
    path = article(tmp_path, original)
    real_open = open

    class HalfWriter:
        """A temp file handle whose disk fills up after half the bytes."""

        def __init__(self, handle) -> None:
            self._handle = handle

        def __getattr__(self, name: str):
            return getattr(self._handle, name)

        def __enter__(self) -> HalfWriter:
            return self

        def __exit__(self, *exc_info: object) -> None:
            self._handle.close()

        def write(self, data: bytes) -> int:
            self._handle.write(data[: len(data) // 2])
            self._handle.flush()
            raise OSError(errno.ENOSPC, "No space left on device")

    def half_open(file, mode="r", *args, **kwargs):
        handle = real_open(file, mode, *args, **kwargs)
        return HalfWriter(handle) if isinstance(file, int) else handle

    monkeypatch.setattr(publish, "open", half_open, raising=False)
    with pytest.raises(PublishError, match="the disk is full"):
        set_published(path, True)
    assert_untouched(path, original)


@pytest.mark.parametrize("use_exchange", [True, False], ids=["exchange", "rename"])
def test_failing_replace_leaves_the_file_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, use_exchange: bool
) -> None:
    original = seed_bytes()
    path = article(tmp_path, original)

    def refuse(*_args: object) -> bool:
        raise PermissionError(errno.EPERM, "Operation not permitted")

    if use_exchange:
        monkeypatch.setattr(publish, "_exchange", refuse)
    else:
        monkeypatch.setattr(publish, "_renameat2", None)
        monkeypatch.setattr(publish.os, "replace", refuse)
    with pytest.raises(PublishError, match="permission denied"):
        set_published(path, True)
    assert_untouched(path, original)


def test_plain_rename_is_used_where_exchange_is_unavailable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = seed_bytes()
    path = article(tmp_path, original)
    monkeypatch.setattr(publish, "_renameat2", None)
    assert set_published(path, True).changed
    assert changed_lines(original, path.read_bytes()) == [
        (b"published: false\n", b"published: true\n")
    ]
    assert temp_files(tmp_path) == []


def test_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(PublishError) as caught:
        set_published(tmp_path / "gone.txt", True, display_name="gone.txt")
    assert caught.value.message == "Could not publish gone.txt: it was removed or renamed."
    assert temp_files(tmp_path) == []


def test_file_deleted_before_the_write_is_not_recreated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = article(tmp_path, seed_bytes())
    real_write_temp = publish._write_temp

    def delete_then_write(target: Path, new: bytes, original: os.stat_result):
        path.unlink()
        return real_write_temp(target, new, original)

    monkeypatch.setattr(publish, "_write_temp", delete_then_write)
    with pytest.raises(PublishError, match="it was removed or renamed"):
        set_published(path, True)
    assert not path.exists()
    assert temp_files(tmp_path) == []


# -- other writers -------------------------------------------------------------------------


def rename_over(path: Path, data: bytes) -> None:
    """Another program saving ``data`` the careful way (temp file and rename)."""
    other = path.with_name("other-editor.tmp")
    other.write_bytes(data)
    os.replace(other, path)


def in_place(path: Path, data: bytes) -> None:
    """Another program overwriting the file in place (same inode)."""
    with open(path, "r+b") as handle:
        handle.write(data)
        handle.truncate()


@pytest.mark.parametrize("save", [rename_over, in_place], ids=["rename", "in-place"])
def test_edit_made_between_read_and_write_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, save
) -> None:
    original = seed_bytes()
    path = article(tmp_path, original)
    # Same size, so only the content (not the size) tells the versions apart.
    theirs = original.replace(b"heat: -1", b"heat: -7")
    real_write_temp = publish._write_temp
    calls = []

    def edit_then_write(target: Path, new: bytes, info: os.stat_result):
        if not calls:
            save(path, theirs)
        calls.append(new)
        return real_write_temp(target, new, info)

    monkeypatch.setattr(publish, "_write_temp", edit_then_write)
    assert set_published(path, True).changed

    assert path.read_bytes() == theirs.replace(b"published: false", b"published: true")
    assert len(calls) == 2
    assert temp_files(tmp_path) == []


def test_rename_in_the_last_instant_before_the_swap_is_undone_and_reapplied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if publish._renameat2 is None:
        pytest.skip("this system has no atomic exchange")
    original = seed_bytes()
    path = article(tmp_path, original)
    theirs = original + b"\nA line another editor added.\n"
    real_exchange = publish._exchange
    swaps = []

    def rename_then_exchange(first: Path, second: Path) -> bool:
        if not swaps:
            rename_over(path, theirs)
        swaps.append(first)
        return real_exchange(first, second)

    monkeypatch.setattr(publish, "_exchange", rename_then_exchange)
    assert set_published(path, True).changed

    assert path.read_bytes() == theirs.replace(b"published: false", b"published: true")
    assert len(swaps) == 3  # the stale swap, the swap back, the swap that stuck
    assert temp_files(tmp_path) == []


def test_a_file_that_keeps_changing_is_given_up_on_without_damage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = article(tmp_path, seed_bytes())
    real_write_temp = publish._write_temp
    monkeypatch.setattr(publish, "SETTLE_SECONDS", 0.0)
    counter = iter(range(1000))

    def change_every_time(target: Path, new: bytes, info: os.stat_result):
        rename_over(path, seed_bytes() + f"edit {next(counter)}\n".encode())
        return real_write_temp(target, new, info)

    monkeypatch.setattr(publish, "_write_temp", change_every_time)
    with pytest.raises(PublishError, match="kept changing"):
        set_published(path, True)
    last = publish.MAX_ATTEMPTS - 1
    assert path.read_bytes() == seed_bytes() + f"edit {last}\n".encode()
    assert temp_files(tmp_path) == []


def test_a_file_changed_into_something_unsafe_is_refused_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = article(tmp_path, seed_bytes())
    theirs = b"---\n{title: now flow style, published: false}\n---\n"
    real_write_temp = publish._write_temp
    monkeypatch.setattr(publish, "SETTLE_SECONDS", 0.0)

    def rewrite(target: Path, new: bytes, info: os.stat_result):
        rename_over(path, theirs)
        return real_write_temp(target, new, info)

    monkeypatch.setattr(publish, "_write_temp", rewrite)
    with pytest.raises(PublishError, match="flow style"):
        set_published(path, True)
    assert path.read_bytes() == theirs
    assert temp_files(tmp_path) == []


# -- temp files ----------------------------------------------------------------------------


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_temp_file_names_are_recognised() -> None:
    assert is_temp_file_name(f".a.txt.123{TEMP_MARKER}0a1b2c")
    assert is_temp_file_name(f".odd\nname -x.md.99{TEMP_MARKER}ff")
    assert not is_temp_file_name("a.txt")
    assert not is_temp_file_name(".a.txt.swp")
    assert not is_temp_file_name(f"a.txt.123{TEMP_MARKER}0a")
    assert not is_temp_file_name(f".a.txt{TEMP_MARKER}0a")


def test_a_publish_leaves_only_hidden_temp_names_while_it_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = article(tmp_path, seed_bytes(), "news item.txt")
    seen: list[str] = []
    real_swap_in = publish._swap_in

    def look(temp: Path, *args: object) -> object:
        seen.extend(temp_files(tmp_path))
        return real_swap_in(temp, *args)

    monkeypatch.setattr(publish, "_swap_in", look)
    set_published(path, True)
    assert len(seen) == 1
    assert seen[0].startswith(f".news item.txt.{os.getpid()}{TEMP_MARKER}")
    assert is_temp_file_name(seen[0])


def test_cleanup_removes_leftovers_of_dead_writers_only(tmp_path: Path) -> None:
    nested = tmp_path / "2024" / "may"
    nested.mkdir(parents=True)
    hidden = tmp_path / ".git"
    hidden.mkdir()
    dead = dead_pid()
    leftovers = [
        tmp_path / f".a.txt.{dead}{TEMP_MARKER}01",
        nested / f".b.md.{dead}{TEMP_MARKER}02",
    ]
    live = tmp_path / f".c.txt.{os.getpid()}{TEMP_MARKER}03"
    live_but_ancient = tmp_path / f".d.txt.{os.getpid()}{TEMP_MARKER}04"
    untouchable = [
        live,
        hidden / f".e.txt.{dead}{TEMP_MARKER}05",
        tmp_path / "a.txt",
        tmp_path / ".a.txt.swp",
    ]
    for path in [*leftovers, live_but_ancient, *untouchable]:
        path.write_bytes(b"---\npublished: true\n---\n")
    ancient = time.time() - publish.STALE_TEMP_SECONDS - 60
    os.utime(live_but_ancient, (ancient, ancient))

    removed = cleanup_stray_temp_files(tmp_path)

    assert sorted(removed) == sorted([*leftovers, live_but_ancient])
    assert all(path.exists() for path in untouchable)
    assert not any(path.exists() for path in leftovers)
    assert cleanup_stray_temp_files(tmp_path) == []


def test_cleanup_of_a_missing_folder_finds_nothing(tmp_path: Path) -> None:
    assert cleanup_stray_temp_files(tmp_path / "nowhere") == []


def test_seed_folder_copy_round_trip_for_every_seed(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    shutil.copytree(SEEDS, folder)
    for path in sorted(folder.iterdir()):
        path.chmod(0o644)
        original = path.read_bytes()
        set_published(path, True)
        set_published(path, False)
        set_published(path, True)
        once = path.read_bytes()
        set_published(path, False)
        set_published(path, True)
        assert path.read_bytes() == once
        if b"published: false" in original:
            set_published(path, False)
            assert path.read_bytes() == original
    assert temp_files(folder) == []
