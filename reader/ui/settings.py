"""What reader remembers between runs, in one INI file the editor can read.

The file lives at ``reader.paths.config_dir() / "reader.ini"``, computed when a
:class:`Settings` is made, so a changed ``XDG_CONFIG_HOME`` (a second profile, a test)
is honoured.  Every getter tolerates a missing or mangled value: settings are a
convenience, never a reason for the window not to open.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from reader.paths import config_dir

MAX_RECENT_FOLDERS = 10

_GEOMETRY = "window/geometry"
_WINDOW_STATE = "window/state"
_SPLITTER = "window/splitter"
_HEADER = "list/header"
_LAST_FOLDER = "folders/last"
_RECENT = "folders/recent"
_REMOTE_IMAGES = "view/remoteImages"
_SAVED_SEARCHES = "search/saved"
_SAVED_SEARCHES_SHOWN = "view/savedSearches"
_TIMELINE_SHOWN = "view/timeline"
_FETCH_ORIGINALS_AHEAD = "view/fetchOriginalsAhead"


class Settings:
    """Typed access to reader's QSettings; the window owns one."""

    def __init__(self) -> None:
        self._path = config_dir() / "reader.ini"
        self._settings = QSettings(str(self._path), QSettings.Format.IniFormat)

    def path(self) -> Path:
        return self._path

    def sync(self) -> None:
        """Write pending changes now (Qt also writes on destruction and periodically)."""
        self._settings.sync()

    # -- window layout -------------------------------------------------------------------

    def geometry(self) -> QByteArray | None:
        return self._bytes(_GEOMETRY)

    def set_geometry(self, value: QByteArray) -> None:
        self._settings.setValue(_GEOMETRY, value)

    def window_state(self) -> QByteArray | None:
        return self._bytes(_WINDOW_STATE)

    def set_window_state(self, value: QByteArray) -> None:
        self._settings.setValue(_WINDOW_STATE, value)

    def splitter_state(self) -> QByteArray | None:
        return self._bytes(_SPLITTER)

    def set_splitter_state(self, value: QByteArray) -> None:
        self._settings.setValue(_SPLITTER, value)

    def header_state(self) -> QByteArray | None:
        """Column widths, order and sort of the article list."""
        return self._bytes(_HEADER)

    def set_header_state(self, value: QByteArray) -> None:
        self._settings.setValue(_HEADER, value)

    # -- folders ---------------------------------------------------------------------------

    def last_folder(self) -> Path | None:
        """The folder open when reader last closed, if it still exists."""
        value = self._settings.value(_LAST_FOLDER, "")
        if not isinstance(value, str) or not value:
            return None
        path = Path(value)
        return path if path.is_dir() else None

    def set_last_folder(self, folder: Path) -> None:
        self._settings.setValue(_LAST_FOLDER, str(folder))

    def recent_folders(self) -> list[Path]:
        """Most recent first; folders that no longer exist are dropped from the list."""
        stored = self._strings(_RECENT)
        existing = [Path(text) for text in stored if Path(text).is_dir()]
        if len(existing) != len(stored):
            self._settings.setValue(_RECENT, [str(path) for path in existing])
        return existing[:MAX_RECENT_FOLDERS]

    def add_recent_folder(self, folder: Path) -> None:
        """Put ``folder`` first, without duplicates, keeping at most ten."""
        text = str(folder)
        folders = [text] + [item for item in self._strings(_RECENT) if item != text]
        self._settings.setValue(_RECENT, folders[:MAX_RECENT_FOLDERS])

    def clear_recent_folders(self) -> None:
        self._settings.setValue(_RECENT, [])

    # -- view ------------------------------------------------------------------------------

    def remote_images_enabled(self) -> bool:
        """Whether the detail pane may fetch images from the web (on unless switched off)."""
        value = self._settings.value(_REMOTE_IMAGES, True)
        if isinstance(value, str):
            return value.strip().lower() not in ("false", "0", "no", "off")
        return bool(value)

    def set_remote_images_enabled(self, enabled: bool) -> None:
        self._settings.setValue(_REMOTE_IMAGES, bool(enabled))

    def saved_searches_shown(self) -> bool:
        """Whether the saved-searches panel is shown (on unless switched off)."""
        return self._flag(_SAVED_SEARCHES_SHOWN, True)

    def set_saved_searches_shown(self, shown: bool) -> None:
        self._settings.setValue(_SAVED_SEARCHES_SHOWN, bool(shown))

    def timeline_shown(self) -> bool:
        """Whether the timeline strip is shown above the list (on unless switched off)."""
        return self._flag(_TIMELINE_SHOWN, True)

    def set_timeline_shown(self, shown: bool) -> None:
        self._settings.setValue(_TIMELINE_SHOWN, bool(shown))

    def fetch_originals_ahead(self) -> bool:
        """Whether originals of the next bodyless rows are read ahead (off unless switched
        on: it makes requests to news sites the editor did not ask for)."""
        return self._flag(_FETCH_ORIGINALS_AHEAD, False)

    def set_fetch_originals_ahead(self, enabled: bool) -> None:
        self._settings.setValue(_FETCH_ORIGINALS_AHEAD, bool(enabled))

    # -- saved searches --------------------------------------------------------------------

    def saved_searches(self) -> list[tuple[str, str]]:
        """The editor's own saved searches, in their order, as (name, query)."""
        names = self._strings(_SAVED_SEARCHES + "/names")
        queries = self._settings.value(_SAVED_SEARCHES + "/queries", [])
        if isinstance(queries, str):
            queries = [queries]
        if not isinstance(queries, list) or len(queries) != len(names):
            return []
        return [(name, str(query)) for name, query in zip(names, queries, strict=True)]

    def set_saved_searches(self, searches: list[tuple[str, str]]) -> None:
        # Parallel lists: an empty query string must survive, which one list of pairs
        # flattened into QSettings would not guarantee.
        self._settings.setValue(_SAVED_SEARCHES + "/names", [name for name, _ in searches])
        self._settings.setValue(_SAVED_SEARCHES + "/queries", [query for _, query in searches])

    # -- internals -------------------------------------------------------------------------

    def _flag(self, key: str, default: bool) -> bool:
        value = self._settings.value(key, default)
        if isinstance(value, str):
            return value.strip().lower() not in ("false", "0", "no", "off")
        return bool(value)

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._settings.value(key)
        if isinstance(value, QByteArray) and not value.isEmpty():
            return value
        if isinstance(value, bytes) and value:
            return QByteArray(value)
        return None

    def _strings(self, key: str) -> list[str]:
        value = self._settings.value(key, [])
        if isinstance(value, str):
            value = [value] if value else []
        if not isinstance(value, list):
            return []
        return [item for item in value if isinstance(item, str) and item]
