"""The real window read over AT-SPI, as Orca reads it: names, roles, row text, focus.

The window runs under Xvfb on its own D-Bus session with Qt's accessibility bridge on;
a second process (the system Python with Debian's pyatspi, a fresh AT-SPI client each
time) reads the tree after each step: opened with the first article current, after a
publish, after F7, after F6.  Needs xvfb-run, dbus-run-session, at-spi2-core and
python3-pyatspi (.ci/run installs them; READER_REQUIRE_ATSPI=1 turns a skip into a
failure there).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "atspi"
ROOT = Path(__file__).resolve().parents[2]
SYSTEM_PYTHON = "/usr/bin/python3"
REGISTRY = ("/usr/libexec/at-spi2-registryd", "/usr/lib/at-spi2-core/at-spi2-registryd")
TOOLBAR_CONTROLS = ("push button", "check box", "toggle button")


def _missing() -> str:
    for tool in ("xvfb-run", "dbus-run-session"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (Debian: xvfb, dbus)"
    if not any(Path(path).exists() for path in REGISTRY):
        return "the AT-SPI registry is not installed (Debian: at-spi2-core)"
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import pyatspi"], capture_output=True, check=False
    ) if Path(SYSTEM_PYTHON).exists() else None
    if probe is None or probe.returncode != 0:
        return f"{SYSTEM_PYTHON} cannot import pyatspi (Debian: python3-pyatspi)"
    return ""


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> dict:
    missing = _missing()
    if missing:
        if os.environ.get("READER_REQUIRE_ATSPI") == "1":
            pytest.fail(f"the AT-SPI test cannot run: {missing}")
        pytest.skip(f"the accessibility bus cannot start here: {missing}")
    from seed_files import SEEDS

    work = tmp_path_factory.mktemp("atspi")
    folder = work / "articles"
    shutil.copytree(SEEDS, folder)
    for path in folder.iterdir():
        path.chmod(0o644)
    out = work / "snapshots.json"
    env = {
        key: value for key, value in os.environ.items()
        if key not in ("DBUS_SESSION_BUS_ADDRESS", "AT_SPI_BUS_ADDRESS", "WAYLAND_DISPLAY")
    }
    env.update(
        QT_QPA_PLATFORM="xcb",
        QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1",
        PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "tests")]),
        XDG_CONFIG_HOME=str(work / "config"),
        XDG_CACHE_HOME=str(work / "cache"),
        XDG_STATE_HOME=str(work / "state"),
    )
    command = [
        "dbus-run-session", "--",
        "xvfb-run", "-a", "-s", "-screen 0 1280x800x24",
        sys.executable, str(HERE / "drive_window.py"),
        str(folder), SYSTEM_PYTHON, str(HERE / "read_tree.py"), str(out),
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    if not out.exists():
        pytest.fail(f"the window session wrote nothing (exit {done.returncode}):\n{done.stderr}")
    snapshots = json.loads(out.read_text(encoding="utf-8"))
    assert "error" not in snapshots, snapshots["error"]
    for name in ("opened", "published", "after_f7", "after_f6"):
        assert "error" not in snapshots[name], snapshots[name]["error"]
    return snapshots


def _showing(snapshot: dict) -> list[dict]:
    return [node for node in snapshot["nodes"] if "showing" in node["states"]]


def _one(snapshot: dict, role: str, name: str) -> dict:
    found = [n for n in snapshot["nodes"] if n["role"] == role and n["name"] == name]
    assert len(found) == 1, f"{len(found)} {role!r} named {name!r}"
    return found[0]


def _articles(snapshot: dict) -> dict:
    tables = [t for t in snapshot["tables"] if t["name"] == "Articles"]
    assert len(tables) == 1, [t["name"] for t in snapshot["tables"]]
    return tables[0]


def test_every_toolbar_control_and_menu_has_a_name_and_a_role(session: dict) -> None:
    opened = session["opened"]
    toolbar = _one(opened, "tool bar", "Main Toolbar")
    controls = [
        n for n in opened["nodes"]
        if n["path"].startswith(toolbar["path"] + "/") and n["role"] in TOOLBAR_CONTROLS
    ]
    assert len(controls) >= 10  # Open, Reload, Publish, Open Original, four filters, field's
    assert [n["path"] for n in controls if not n["name"].strip()] == []
    menu_items = [n for n in opened["nodes"] if n["role"] == "menu item"]
    assert {"File", "Edit", "View", "Article", "Help"} <= {n["name"] for n in menu_items}
    assert [n["path"] for n in menu_items if not n["name"].strip()] == []
    assert all(n["role"] not in ("unknown", "invalid") for n in controls + menu_items)


def test_the_search_field_lists_timeline_and_pane_are_named(session: dict) -> None:
    opened = session["opened"]
    _one(opened, "text", "Search articles")
    saved = _one(opened, "list", "Saved searches")
    items = [n for n in opened["nodes"] if n["path"].startswith(saved["path"] + "/")]
    assert items and all(n["role"] == "list item" and n["name"] for n in items)
    assert any(n["name"].startswith("All articles, ") for n in items)
    assert "showing" in _one(opened, "filler", "Articles per day")["states"]
    assert _one(opened, "table", "Articles")["role"] == "table"
    assert "showing" in _one(opened, "filler", "Article details")["states"]
    unnamed = [
        n["path"] for n in _showing(opened)
        if n["role"] in ("push button", "check box", "text", "list", "table", "menu item")
        and not n["name"].strip()
    ]
    assert unnamed == []


def test_a_row_is_read_with_its_state_title_and_source(session: dict) -> None:
    rows = _articles(session["opened"])["rows"]
    published = next(row for row in rows if row[0] == "Published")
    title_cell = published[1]
    assert title_cell.startswith("Published, ")
    assert "Netflix invests" in title_cell
    assert title_cell.endswith(", KRON4 News")


def test_a_publish_changes_what_the_row_says(session: dict) -> None:
    before = _articles(session["opened"])["rows"][0][1]
    after = _articles(session["published"])["rows"][0][1]
    assert before.startswith("Published, ")  # the first row is the published seed
    assert after.startswith("Not published, ")
    assert after.removeprefix("Not published, ") == before.removeprefix("Published, ")


def test_f6_and_f7_move_the_focus_between_list_and_pane_and_say_so(session: dict) -> None:
    def focused(snapshot: dict) -> list[str]:
        # Widgets only: Qt also marks a list's current item "focused" while the list is not.
        return [
            n["path"] for n in snapshot["nodes"]
            if "focused" in n["states"] and n["role"] not in ("list item", "table cell")
        ] + [
            t["path"] for t in snapshot["tables"] if "focused" in t["states"]
        ]

    pane = _one(session["after_f7"], "filler", "Article details")["path"]
    table = _articles(session["after_f6"])["path"]
    assert "focused" in _articles(session["opened"])["states"]
    after_f7 = focused(session["after_f7"])
    assert after_f7 and all(p == pane or p.startswith(pane + "/") for p in after_f7), after_f7
    assert set(focused(session["after_f6"])) == {table}
