"""``reader install-desktop``: a menu entry, an icon and "Open With" on folders.

Writes the shipped desktop entry, with ``Exec=`` pointing at the ``reader`` that runs this,
and the icon into the user's XDG data folders (nothing system-wide, no root needed), then
lets ``update-desktop-database`` refresh the MIME cache that file managers read for
"Open With".  Running it again rewrites nothing that is already right; ``--remove`` takes
away exactly the two files it wrote.  Qt-free: it runs from the command line.

The written entry carries :data:`MARKER`, so ``--remove`` never deletes a ``reader.desktop``
that some other program (or the editor by hand) put there.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from reader import paths, resources

MARKER = "X-Reader-Installed-By=reader install-desktop"
"""A key of our own in the written entry (``X-`` keys are the spec's extension point)."""
UPDATE_TOOL = "update-desktop-database"
UPDATE_TIMEOUT_S = 30
ICON_NAME = "reader"

_EXEC_LINE = re.compile(r"^Exec=.*$", re.MULTILINE)
# Characters the desktop entry spec says make an Exec argument need quoting.
_NEEDS_QUOTES = re.compile(r"[\s\"'\\><~|&;$*?#()`]")


class DesktopInstallError(Exception):
    """Something in the way of installing or removing: one sentence naming the file."""


def applications_dir() -> Path:
    return paths.data_home() / "applications"


def icons_dir() -> Path:
    return paths.data_home() / "icons" / "hicolor" / "scalable" / "apps"


def entry_path() -> Path:
    return applications_dir() / resources.DESKTOP_FILE


def icon_path() -> Path:
    return icons_dir() / f"{ICON_NAME}.svg"


def launch_command() -> list[str]:
    """The command that starts the reader running now, as absolute paths.

    Frozen, that is the bundle's executable.  From a console script (pipx, ``uv tool``, a
    venv) it is the script as called: a pipx symlink is kept, not resolved, so the entry
    follows an upgrade.  From ``python -m reader`` it is this interpreter with ``-m``.
    """
    if getattr(sys, "frozen", False):
        return [os.path.abspath(sys.executable)]
    script = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if script is not None and script.name in ("reader", "reader.exe"):
        located = shutil.which(str(script)) if not script.is_file() else str(script)
        if located:
            return [os.path.abspath(located)]
    return [os.path.abspath(sys.executable), "-m", "reader"]


def exec_value(command: list[str]) -> str:
    """``command`` plus ``%f`` as an ``Exec=`` value, quoted as the desktop entry spec says.

    An argument with a space or another reserved character goes in double quotes, with
    ``"``, `````, ``$`` and ``\\`` escaped by a backslash; then, as for every string value
    of the file, each backslash is doubled and a literal ``%`` becomes ``%%``.
    """
    arguments = []
    for argument in command:
        if any(ord(character) < 0x20 for character in argument):
            raise DesktopInstallError(
                f"cannot write a launcher for {argument!r}: its path holds a control character"
            )
        if _NEEDS_QUOTES.search(argument):
            argument = '"' + re.sub(r'(["`$\\])', r"\\\1", argument) + '"'
        arguments.append(argument.replace("%", "%%"))
    value = " ".join([*arguments, "%f"])
    return value.replace("\\", "\\\\")


def desktop_entry(command: list[str]) -> str:
    """The shipped entry with ``Exec=`` set to ``command`` and the installer's marker."""
    template = resources.desktop_entry_template()
    if not _EXEC_LINE.search(template):
        raise DesktopInstallError("the packaged reader.desktop has no Exec= line")
    entry = _EXEC_LINE.sub(lambda _match: f"Exec={exec_value(command)}", template, count=1)
    return entry.rstrip("\n") + "\n" + MARKER + "\n"


def install(report: Callable[[str], None]) -> None:
    """Write the entry and the icon (only what differs), then refresh the MIME cache."""
    if sys.platform in ("win32", "darwin"):
        raise DesktopInstallError(
            "install-desktop writes freedesktop.org menu entries, which Windows and macOS do "
            "not read; there, start reader directly (no menu entry is installed)"
        )
    command = launch_command()
    changed = _write_if_different(entry_path(), desktop_entry(command).encode("utf-8"))
    report(
        f"{'wrote' if changed else 'already up to date'}: {entry_path()} "
        f"(starts {' '.join(command)})"
    )
    icon_changed = _write_if_different(icon_path(), resources.icon_path().read_bytes())
    report(f"{'wrote' if icon_changed else 'already up to date'}: {icon_path()}")
    _update_database(report)


def remove(report: Callable[[str], None]) -> None:
    """Delete the entry and the icon written by :func:`install`; nothing else."""
    entry = entry_path()
    if entry.is_file():
        try:
            ours = MARKER in entry.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError as exc:
            raise DesktopInstallError(f"cannot read {entry}: {exc.strerror}") from None
        if not ours:
            raise DesktopInstallError(
                f"{entry} was not written by 'reader install-desktop'; leaving it alone"
            )
    removed = [path for path in (entry, icon_path()) if _unlink(path)]
    if not removed:
        report("nothing to remove: reader's desktop entry and icon are not installed")
        return
    for path in removed:
        report(f"removed: {path}")
    _update_database(report)
    _drop_empty_mime_cache()


def _write_if_different(path: Path, content: bytes) -> bool:
    """Atomically write ``content`` unless ``path`` already holds it; True if written."""
    try:
        if path.read_bytes() == content:
            return False
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise DesktopInstallError(f"cannot read {path}: {exc.strerror}") from None
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(content)
        temporary.chmod(0o644)
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise DesktopInstallError(f"cannot write {path}: {exc.strerror}") from None
    return True


def _unlink(path: Path) -> bool:
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise DesktopInstallError(f"cannot remove {path}: {exc.strerror}") from None
    return True


def _drop_empty_mime_cache() -> None:
    """After a removal, a MIME cache listing nothing is only our leftover: delete it."""
    cache = applications_dir() / "mimeinfo.cache"
    try:
        lines = [line for line in cache.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, UnicodeDecodeError):
        return
    if lines == ["[MIME Cache]"]:
        cache.unlink(missing_ok=True)


def _update_database(report: Callable[[str], None]) -> None:
    """Refresh ``mimeinfo.cache`` so file managers offer reader for folders at once."""
    tool = shutil.which(UPDATE_TOOL)
    if tool is None:
        report(f"{UPDATE_TOOL} not found: the desktop picks the entry up on its next scan")
        return
    folder = applications_dir()
    if not folder.is_dir():
        return
    try:
        finished = subprocess.run(  # noqa: S603 - a fixed tool on our own folder
            [tool, str(folder)],
            capture_output=True, text=True, timeout=UPDATE_TIMEOUT_S, check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        report(f"{UPDATE_TOOL} could not run ({exc}); the desktop picks the change up later")
        return
    if finished.returncode != 0:
        detail = (finished.stderr.strip().splitlines() or ["no message"])[0]
        report(f"{UPDATE_TOOL} failed ({detail}); the desktop picks the change up later")
        return
    report(f"ran {UPDATE_TOOL} {folder}")
