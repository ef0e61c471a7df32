"""Where fetched originals are kept: one JSON file per URL, bounded, disposable.

An original read once should show at once the next time, also after a restart, and
without the network; but it is never the truth (the page may change, the article file
is the record) and never part of the folder.  So it lives in the cache folder
(``$XDG_CACHE_HOME/reader/originals/``), one file per requested URL named by the URL's
hash, written atomically (a temp file, then ``os.replace``), with its fetch time inside.
The folder is held under :data:`MAX_CACHE_BYTES` by deleting the oldest files after a
write.  A file that cannot be read back (truncated, hand-edited, an older format) is a
miss and is removed; nothing here ever raises into a caller for a cache problem.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path

from reader.domain.original import OriginalText

log = logging.getLogger(__name__)

MAX_CACHE_BYTES = 50 * 1024 * 1024
"""About 2,000 articles' text: weeks of an editor's reading."""
FORMAT_VERSION = 1
_SUFFIX = ".json"


class OriginalCache:
    """Originals on disk under ``directory``, keyed by the URL that was asked for."""

    def __init__(self, directory: Path, *, max_bytes: int = MAX_CACHE_BYTES) -> None:
        self._directory = Path(directory)
        self._max_bytes = max_bytes

    @property
    def directory(self) -> Path:
        return self._directory

    def path_for(self, url: str) -> Path:
        digest = hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        return self._directory / (digest + _SUFFIX)

    def get(self, url: str) -> OriginalText | None:
        """The cached original for ``url`` (``cached=True``), or None."""
        path = self.path_for(url)
        try:
            data = json.loads(path.read_bytes())
            if data.get("version") != FORMAT_VERSION or data.get("requested_url") != url:
                raise ValueError("another format or another URL")
            return OriginalText.from_json(data, cached=True)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            log.info("ignoring unreadable cached original %s: %s", path, exc)
            with contextlib.suppress(OSError):
                path.unlink()
            return None

    def put(self, original: OriginalText) -> None:
        """Keep ``original`` under its requested URL; a full or read-only disk is shrugged off."""
        record = {"version": FORMAT_VERSION, **original.to_json()}
        data = json.dumps(record, ensure_ascii=False).encode("utf-8")
        path = self.path_for(original.requested_url)
        try:
            self._directory.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(prefix=".tmp-", suffix=_SUFFIX, dir=self._directory)
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(data)
                os.replace(temp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
                raise
        except OSError as exc:
            log.info("could not cache the original of %s: %s", original.requested_url, exc)
            return
        self._evict(keep=path)

    def size(self) -> int:
        """Bytes the cached originals take (for tests and the README's claim)."""
        return sum(size for _, _, size in self._entries())

    def _entries(self) -> list[tuple[float, Path, int]]:
        entries = []
        try:
            with os.scandir(self._directory) as scan:
                for entry in scan:
                    if not entry.name.endswith(_SUFFIX) or not entry.is_file():
                        continue
                    with contextlib.suppress(OSError):
                        stat = entry.stat()
                        entries.append((stat.st_mtime, Path(entry.path), stat.st_size))
        except OSError:
            return []
        return entries

    def _evict(self, *, keep: Path) -> None:
        """Delete the oldest files until the folder is within its bound (the newest stays)."""
        entries = self._entries()
        total = sum(size for _, _, size in entries)
        if total <= self._max_bytes:
            return
        for _, path, size in sorted(entries, key=lambda entry: (entry[0], entry[1].name)):
            if total <= self._max_bytes:
                break
            if path == keep:
                continue
            with contextlib.suppress(OSError):
                path.unlink()
                total -= size
