"""``reader install-desktop``: a valid menu entry and icon in the user's XDG data folder.

Every test runs on the fresh ``XDG_DATA_HOME`` that conftest gives it; the real
``desktop-file-validate`` and ``update-desktop-database`` run when the machine has them
(CI installs desktop-file-utils), and the tests that need them say so when it does not.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from seed_files import SEEDS

from reader import desktop_install
from reader.cli import main

ROOT = SEEDS.parent
VALIDATE = shutil.which("desktop-file-validate")
UPDATE_DATABASE = shutil.which("update-desktop-database")
needs_validator = pytest.mark.skipif(
    VALIDATE is None, reason="desktop-file-validate is not installed (apt: desktop-file-utils)"
)
needs_update_database = pytest.mark.skipif(
    UPDATE_DATABASE is None,
    reason="update-desktop-database is not installed (apt: desktop-file-utils)",
)


@pytest.fixture
def data_home(isolated_xdg: Path) -> Path:
    return isolated_xdg / "xdg_data_home"


def run(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    code = main(list(arguments))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def validate(path: Path) -> subprocess.CompletedProcess[str]:
    assert VALIDATE is not None
    return subprocess.run(
        [VALIDATE, str(path)], capture_output=True, text=True, timeout=60, check=False
    )


def write_entry(data_home: Path, name: str) -> Path:
    """Another program's desktop entry called ``name`` in the applications folder."""
    entry = data_home / "applications" / name
    entry.parent.mkdir(parents=True, exist_ok=True)
    entry.write_text(f"[Desktop Entry]\nType=Application\nName={name}\nExec=x\n", "utf-8")
    return entry


def entry_values(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)


@needs_validator
def test_the_shipped_desktop_entry_passes_the_validator() -> None:
    checked = validate(ROOT / "resources" / "reader.desktop")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.strip() == ""  # no warnings either


def test_install_writes_the_entry_and_the_icon(
    capsys: pytest.CaptureFixture[str], data_home: Path
) -> None:
    code, out, err = run(capsys, "install-desktop")

    entry = data_home / "applications" / "reader.desktop"
    icon = data_home / "icons" / "hicolor" / "scalable" / "apps" / "reader.svg"
    assert (code, err) == (0, "")
    assert icon.read_bytes() == (ROOT / "resources" / "reader.svg").read_bytes()
    values = entry_values(entry)
    assert values["Icon"] == "reader"
    assert values["MimeType"] == "inode/directory;"
    assert values["Exec"].endswith(" %f")
    assert f"wrote: {entry}" in out
    assert f"wrote: {icon}" in out


@needs_validator
def test_the_installed_entry_passes_the_validator(
    capsys: pytest.CaptureFixture[str], data_home: Path
) -> None:
    assert run(capsys, "install-desktop")[0] == 0
    checked = validate(data_home / "applications" / "reader.desktop")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.strip() == ""


@needs_validator
def test_an_awkward_path_is_quoted_so_the_entry_still_validates(
    data_home: Path, tmp_path: Path
) -> None:
    odd = tmp_path / 'my "tools" $HOME 100%' / "reader"
    entry = data_home / "applications" / "reader.desktop"
    entry.parent.mkdir(parents=True)
    entry.write_text(desktop_install.desktop_entry([str(odd)]), encoding="utf-8")

    checked = validate(entry)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.strip() == ""


def test_exec_values_follow_the_desktop_entry_quoting_rules() -> None:
    assert desktop_install.exec_value(["/opt/reader/reader"]) == "/opt/reader/reader %f"
    assert desktop_install.exec_value(["/usr/bin/python3", "-m", "reader"]) == (
        "/usr/bin/python3 -m reader %f"
    )
    # quoted for the space; `"` and `$` get a backslash, which the string rules then double
    assert desktop_install.exec_value(['/a b/"x"$y']) == '"/a b/\\\\"x\\\\"\\\\$y" %f'
    assert desktop_install.exec_value(["/100%/reader"]) == "/100%%/reader %f"


def test_a_path_with_a_newline_is_refused_in_one_sentence() -> None:
    with pytest.raises(desktop_install.DesktopInstallError, match="control character"):
        desktop_install.exec_value(["/tmp/a\nb/reader"])


def test_exec_points_at_the_frozen_executable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/reader/reader")
    assert desktop_install.launch_command() == ["/opt/reader/reader"]


def test_exec_points_at_the_reader_script_that_ran(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    script = tmp_path / "bin" / "reader"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\n", encoding="utf-8")
    monkeypatch.setattr(sys, "argv", [str(script), "install-desktop"])
    assert desktop_install.launch_command() == [str(script)]


def test_from_python_dash_m_exec_runs_this_interpreter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["/src/reader/__main__.py", "install-desktop"])
    assert desktop_install.launch_command() == [sys.executable, "-m", "reader"]


def test_installing_twice_changes_nothing(
    capsys: pytest.CaptureFixture[str], data_home: Path
) -> None:
    assert run(capsys, "install-desktop")[0] == 0
    written = sorted(data_home.rglob("*"))
    stamps = [path.stat().st_mtime_ns for path in written]

    code, out, _err = run(capsys, "install-desktop")

    assert code == 0
    assert out.count("already up to date") == 2
    assert sorted(data_home.rglob("*")) == written
    entry_and_icon = [path for path in written if path.suffix in (".desktop", ".svg")]
    assert len(entry_and_icon) == 2
    for path in entry_and_icon:
        assert path.stat().st_mtime_ns == stamps[written.index(path)]


def test_remove_takes_away_exactly_what_install_wrote(
    capsys: pytest.CaptureFixture[str], data_home: Path
) -> None:
    other = write_entry(data_home, "other.desktop")
    before = {path for path in data_home.rglob("*") if path.is_file()}
    assert run(capsys, "install-desktop")[0] == 0

    code, out, err = run(capsys, "install-desktop", "--remove")

    assert (code, err) == (0, "")
    assert out.count("removed: ") == 2
    after = {path for path in data_home.rglob("*") if path.is_file()}
    assert after - before <= {data_home / "applications" / "mimeinfo.cache"}
    assert other.is_file()
    assert not (data_home / "applications" / "reader.desktop").exists()


def test_remove_when_nothing_is_installed_says_so(
    capsys: pytest.CaptureFixture[str], data_home: Path
) -> None:
    code, out, err = run(capsys, "install-desktop", "--remove")
    assert (code, err) == (0, "")
    assert "nothing to remove" in out


def test_remove_leaves_a_reader_desktop_someone_else_wrote(
    capsys: pytest.CaptureFixture[str], data_home: Path
) -> None:
    foreign = write_entry(data_home, "reader.desktop")

    code, out, err = run(capsys, "install-desktop", "--remove")

    assert (code, out) == (1, "")
    assert err.count("\n") == 1
    assert str(foreign) in err
    assert foreign.is_file()


@needs_update_database
def test_file_managers_learn_that_reader_opens_folders(
    capsys: pytest.CaptureFixture[str], data_home: Path
) -> None:
    code, out, _err = run(capsys, "install-desktop")
    assert code == 0
    assert "ran update-desktop-database" in out
    cache = (data_home / "applications" / "mimeinfo.cache").read_text(encoding="utf-8")
    assert "inode/directory=reader.desktop;" in cache

    assert run(capsys, "install-desktop", "--remove")[0] == 0
    cache_file = data_home / "applications" / "mimeinfo.cache"
    assert not cache_file.exists() or "reader.desktop" not in cache_file.read_text("utf-8")


def test_without_update_desktop_database_it_says_so(
    capsys: pytest.CaptureFixture[str], data_home: Path, monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no tools at all
    code, out, _err = run(capsys, "install-desktop")
    assert code == 0
    assert "update-desktop-database not found" in out
    assert (data_home / "applications" / "reader.desktop").is_file()


def test_an_unwritable_data_folder_is_one_sentence(
    capsys: pytest.CaptureFixture[str], data_home: Path
) -> None:
    (data_home / "applications").write_text("not a folder", encoding="utf-8")
    code, out, err = run(capsys, "install-desktop")
    assert code == 1
    assert err.count("\n") == 1
    assert "applications" in err
    assert "Traceback" not in out + err


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_other_systems_are_told_it_is_for_linux_desktops(
    capsys: pytest.CaptureFixture[str], data_home: Path, monkeypatch: pytest.MonkeyPatch,
    platform: str,
) -> None:
    monkeypatch.setattr(sys, "platform", platform)
    code, out, err = run(capsys, "install-desktop")
    assert (code, out) == (1, "")
    assert "Windows and macOS" in err
    assert not (data_home / "applications").exists()


def test_a_folder_given_as_a_file_uri_opens(
    capsys: pytest.CaptureFixture[str], seeds_copy: Path
) -> None:
    spaced = seeds_copy.parent / "my articles"
    seeds_copy.rename(spaced)
    code, out, err = run(capsys, "list", "file://" + quote(str(spaced)), "--json")
    assert (code, err) == (0, "")
    assert len(out.splitlines()) == 2


def test_a_file_uri_on_another_machine_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "list", "file://elsewhere/srv/articles")
    assert (code, out) == (2, "")
    assert "another machine" in err


def test_the_window_opens_a_file_uri_folder(
    monkeypatch: pytest.MonkeyPatch, seeds_copy: Path
) -> None:
    opened: list[Path | None] = []
    import reader.app

    monkeypatch.setattr(reader.app, "run", lambda folder=None: opened.append(folder) or 0)
    assert main(["file://" + quote(str(seeds_copy))]) == 0
    assert opened == [seeds_copy]
