"""Read a running application's accessibility tree over AT-SPI, as a screen reader does.

Run by the *system* Python (pyatspi comes from Debian's python3-pyatspi, not PyPI):
``python3 read_tree.py PID`` prints one JSON object: every node (role, name,
description, states, path) and, for every table or tree, the text of each row's cells.
Each run is a fresh AT-SPI client, so nothing it prints comes from an earlier cache.
"""

from __future__ import annotations

import json
import sys

import pyatspi

MAX_DEPTH = 40
MAX_CHILDREN = 400


def find_application(pid: int):
    desktop = pyatspi.Registry.getDesktop(0)
    for index in range(desktop.childCount):
        app = desktop.getChildAtIndex(index)
        try:
            if app is not None and app.get_process_id() == pid:
                return app
        except Exception:  # an application that went away meanwhile
            continue
    return None


def states_of(node) -> list[str]:
    names = []
    for state in node.getState().getStates():
        names.append(pyatspi.stateToString(state))
    return sorted(names)


def rows_of(node) -> list[list[str]]:
    try:
        table = node.queryTable()
    except NotImplementedError:
        return []
    rows = []
    for row in range(min(table.nRows, 50)):
        cells = []
        for column in range(table.nColumns):
            cell = table.getAccessibleAt(row, column)
            cells.append(cell.name if cell is not None else "")
        rows.append(cells)
    return rows


def walk(node, path: str, depth: int, out: list[dict], tables: list[dict]) -> None:
    role = node.getRoleName()
    entry = {
        "path": path,
        "role": role,
        "name": node.name or "",
        "description": node.description or "",
        "states": states_of(node),
    }
    out.append(entry)
    if role in ("table", "tree table", "tree"):
        tables.append({"path": path, "name": entry["name"], "rows": rows_of(node),
                       "states": entry["states"]})
        return  # cells are read through the Table interface
    if depth >= MAX_DEPTH:
        return
    for index in range(min(node.childCount, MAX_CHILDREN)):
        child = node.getChildAtIndex(index)
        if child is not None:
            walk(child, f"{path}/{child.getRoleName()}[{index}]", depth + 1, out, tables)


def main() -> int:
    pid = int(sys.argv[1])
    app = find_application(pid)
    if app is None:
        print(json.dumps({"error": f"no application with pid {pid} on the accessibility bus"}))
        return 1
    nodes: list[dict] = []
    tables: list[dict] = []
    walk(app, app.getRoleName(), 0, nodes, tables)
    print(json.dumps({"nodes": nodes, "tables": tables}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
