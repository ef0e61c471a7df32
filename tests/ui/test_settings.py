"""Settings: one INI file under XDG_CONFIG_HOME, forgiving of missing and mangled values."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QSettings

from reader.ui.settings import MAX_RECENT_FOLDERS, Settings


@pytest.fixture
def settings(qapp, isolated_xdg: Path) -> Settings:
    return Settings()


def test_file_lives_under_xdg_config_home(settings: Settings, isolated_xdg: Path) -> None:
    settings.set_last_folder(isolated_xdg)
    settings.sync()
    expected = isolated_xdg / "xdg_config_home" / "reader" / "reader.ini"
    assert settings.path() == expected
    assert expected.is_file()


def test_xdg_config_home_is_read_when_settings_are_made(
    qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "elsewhere"))
    assert Settings().path() == tmp_path / "elsewhere" / "reader" / "reader.ini"


def test_values_survive_a_new_instance(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    settings.set_geometry(QByteArray(b"geometry-bytes"))
    settings.set_splitter_state(QByteArray(b"\x00\x01splitter"))
    settings.set_header_state(QByteArray(b"header"))
    settings.set_last_folder(folder)
    settings.set_remote_images_enabled(False)
    settings.sync()

    again = Settings()
    assert again.geometry() == QByteArray(b"geometry-bytes")
    assert again.splitter_state() == QByteArray(b"\x00\x01splitter")
    assert again.header_state() == QByteArray(b"header")
    assert again.window_state() is None
    assert again.last_folder() == folder
    assert again.remote_images_enabled() is False


def test_remote_images_are_on_by_default(settings: Settings) -> None:
    assert settings.remote_images_enabled() is True


def test_last_folder_that_vanished_is_not_offered(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "gone"
    folder.mkdir()
    settings.set_last_folder(folder)
    folder.rmdir()
    assert settings.last_folder() is None


def test_recent_folders_newest_first_without_duplicates_at_most_ten(
    settings: Settings, tmp_path: Path
) -> None:
    folders = []
    for number in range(MAX_RECENT_FOLDERS + 3):
        folder = tmp_path / f"f{number}"
        folder.mkdir()
        folders.append(folder)
        settings.add_recent_folder(folder)
    settings.add_recent_folder(folders[5])
    recent = settings.recent_folders()
    assert len(recent) == MAX_RECENT_FOLDERS
    assert recent[0] == folders[5]
    assert recent[1] == folders[-1]
    assert len(set(recent)) == len(recent)


def test_recent_folders_prune_missing_ones(settings: Settings, tmp_path: Path) -> None:
    kept, dropped = tmp_path / "kept", tmp_path / "dropped"
    kept.mkdir()
    dropped.mkdir()
    settings.add_recent_folder(kept)
    settings.add_recent_folder(dropped)
    dropped.rmdir()
    assert settings.recent_folders() == [kept]
    settings.clear_recent_folders()
    assert settings.recent_folders() == []


def test_mangled_values_fall_back_to_defaults(settings: Settings) -> None:
    raw = QSettings(str(settings.path()), QSettings.Format.IniFormat)
    raw.setValue("window/geometry", "not bytes")
    raw.setValue("folders/recent", 42)
    raw.setValue("folders/last", 7)
    raw.setValue("view/remoteImages", "false")
    raw.sync()
    again = Settings()
    assert again.geometry() is None
    assert again.recent_folders() == []
    assert again.last_folder() is None
    assert again.remote_images_enabled() is False
