"""Splitting an article file into front matter and body, and loading the YAML safely.

This is the only place reader turns YAML into Python objects.  It uses libyaml's
``CSafeLoader`` (pure-Python ``SafeLoader`` where libyaml is missing): no tag can build an
object, and a structure that would expand through aliases into something huge is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

try:
    _SafeLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml is in every PyYAML wheel we install
    _SafeLoader = yaml.SafeLoader

BOM = "\ufeff"
_OPENING = re.compile(r"---[ \t]*\r?(?:\n|$)")
_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)

MAX_YAML_NODES = 100_000
"""How many values a front matter may expand to (aliases counted each time they are used)."""
MAX_YAML_DEPTH = 64


class FrontMatterError(Exception):
    """The front matter cannot be read; ``line``/``column`` are 1-based file positions."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass(frozen=True, slots=True)
class SplitFile:
    """A decoded file cut into its parts.

    ``yaml_text`` is None when the file has no front matter.  ``yaml_first_line`` is the
    1-based file line of the first YAML line, so YAML error marks can be mapped back.
    """

    yaml_text: str | None
    body: str
    yaml_first_line: int = 2


def split_front_matter(text: str) -> SplitFile:
    """Cut ``text`` (already decoded, BOM allowed) into front matter and body.

    Raises :class:`FrontMatterError` for an opening ``---`` without a closing line.
    """
    if text.startswith(BOM):
        text = text[1:]
    opening = _OPENING.match(text)
    if opening is None:
        return SplitFile(yaml_text=None, body=text)
    start = opening.end()
    closing = _CLOSING.search(text, start)
    if closing is None:
        raise FrontMatterError(
            "front matter opened with '---' on line 1 is never closed: add a line '---' "
            "after the last field",
            line=1,
            column=1,
        )
    yaml_text = text[start : closing.start()]
    body_start = closing.end()
    if text.startswith("\r\n", body_start):
        body_start += 2
    elif text.startswith("\n", body_start):
        body_start += 1
    return SplitFile(yaml_text=yaml_text, body=text[body_start:])


def load_yaml_mapping(yaml_text: str, first_line: int = 2) -> dict[str, Any]:
    """Load front matter as a mapping, safely, or raise :class:`FrontMatterError`.

    ``first_line`` is the file line where ``yaml_text`` starts, used to report positions
    in terms of the file rather than of the front matter.
    """
    try:
        data = yaml.load(yaml_text, Loader=_SafeLoader)  # noqa: S506 - safe loader only
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if mark is None:
            raise FrontMatterError(f"front matter is not valid YAML: {problem}") from None
        raise FrontMatterError(
            f"front matter is not valid YAML: {problem}",
            line=mark.line + first_line,
            column=mark.column + 1,
        ) from None
    except yaml.YAMLError as exc:
        raise FrontMatterError(f"front matter is not valid YAML: {exc}") from None
    except RecursionError:
        raise FrontMatterError(
            "front matter is nested too deeply to read", line=first_line
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        kind = type(data).__name__
        kind = {"list": "a list", "str": "a single text value"}.get(kind, f"a {kind}")
        raise FrontMatterError(
            f"front matter must be a set of 'key: value' fields, but it is {kind}",
            line=first_line,
            column=1,
        )
    _check_size(data, first_line)
    return {str(key): value for key, value in data.items()}


def _check_size(data: Any, first_line: int) -> None:
    """Refuse structures that alias expansion or nesting would make huge.

    Safe loading shares aliased nodes, so a "billion laughs" document loads small; it is
    every later walk over it (search, JSON output, display) that would explode.  Counting
    nodes as a walk would see them, with a budget, catches it before anything else does.
    """
    budget = MAX_YAML_NODES
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        budget -= 1
        if budget < 0:
            raise FrontMatterError(
                f"front matter expands to more than {MAX_YAML_NODES:,} values "
                "(through YAML aliases?): refusing to read it",
                line=first_line,
            )
        if depth > MAX_YAML_DEPTH:
            raise FrontMatterError(
                f"front matter is nested more than {MAX_YAML_DEPTH} levels deep",
                line=first_line,
            )
        if isinstance(node, dict):
            stack.extend((value, depth + 1) for value in node.values())
            stack.extend((key, depth + 1) for key in node)
        elif isinstance(node, list):
            stack.extend((value, depth + 1) for value in node)
