"""Reading just the list's fields from plain front matter, with PyYAML as the judge.

Why: libyaml's ``CSafeLoader`` spends most of its time in PyYAML's Python constructor,
about 0.3 ms for a seed-sized front matter, which is all of a 10,000-file cold start.  The
list needs a dozen top-level fields, not the ``images`` and ``related`` blocks that make up
most of a file.  :func:`summary_fields` lets libyaml *validate* the whole document in C
(``raw_parse``, no Python objects built) and then reads only the wanted top-level keys.

Safety comes from being conservative, not clever: a document is read here only when the
wanted values are in a small subset of YAML (single-line plain or quoted scalars, and small
indented blocks in that subset, see :func:`load_simple_mapping`) and nothing in it could
change what a top-level line means (no anchors, aliases, tags, flow collections or block
scalars at the top level, no unusual line breaks).  Anything else returns None and the
caller loads the document with PyYAML.  Scalars are typed and built by PyYAML's own
resolver and ``SafeConstructor``, so ``yes``, ``0x1F``, ``1_000`` and timestamps mean
exactly what they mean to PyYAML.  Tests compare the two readers on the seeds and on
fuzzed documents.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from typing import Any

import yaml
from yaml._yaml import CParser
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

_STR_TAG = "tag:yaml.org,2002:str"
_CONSTRUCTOR = SafeConstructor()
_BUILDERS = {
    "tag:yaml.org,2002:null": _CONSTRUCTOR.construct_yaml_null,
    "tag:yaml.org,2002:bool": _CONSTRUCTOR.construct_yaml_bool,
    "tag:yaml.org,2002:int": _CONSTRUCTOR.construct_yaml_int,
    "tag:yaml.org,2002:float": _CONSTRUCTOR.construct_yaml_float,
    "tag:yaml.org,2002:timestamp": _CONSTRUCTOR.construct_yaml_timestamp,
}
_IMPLICIT = Resolver.yaml_implicit_resolvers

# Line breaks YAML 1.1 knows besides \n: a lone \r, NEL, LS and PS.  Documents holding
# them go to PyYAML (non-printable characters are already refused by libyaml's reader).
_LONE_CR = re.compile("\r(?!\n)")
_OTHER_BREAKS = ("\x85", "\u2028", "\u2029")


_CONTROL_CHARS = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


def _has_control_chars(text: str) -> bool:
    """Characters libyaml refuses; :func:`summary_fields` lets libyaml itself check."""
    return _CONTROL_CHARS.search(text) is not None


def _has_unusual_breaks(text: str) -> bool:
    if "\r" in text and _LONE_CR.search(text):
        return True
    return any(mark in text for mark in _OTHER_BREAKS)


_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: +(.*))?$")
_DOUBLE_QUOTED = re.compile(
    r'"((?:[^"\\\x00-\x1f]|\\["\\bfnrt]|\\u(?![dD][89abAB])[0-9a-fA-F]{4})*)"(?:[ \t]+#.*)?$'
)
_SINGLE_QUOTED = re.compile(r"'((?:[^'\x00-\x1f]|'')*)'(?:[ \t]+#.*)?$")
_COMMENT = re.compile(r"[ \t]+#")
# Plain scalars may not start with an indicator; "-" only when a number follows.
_PLAIN_START_FORBIDDEN = frozenset("?:,[]{}#&*!|>'\"%@`")
_PLAIN_FORBIDDEN = re.compile(r": |:$|[\[\]{}`\t]")

_NO_VALUE = object()
_TOP_LEVEL_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: +(.*))?$")
# Anything that could make a line mean something other than it seems: anchors, aliases,
# tags (after whitespace or a flow/mapping indicator), and directives.
_ANCHOR_ALIAS_TAG = re.compile(r"(?:^|[\s\[{,:])[&*!]\S|^%", re.MULTILINE)


class _Unsupported(Exception):  # noqa: N818 - a signal, not an error
    """The document leaves the subset: let PyYAML read it."""


class _Line:
    __slots__ = ("dash", "indent", "key", "value")

    def __init__(self, indent: int, dash: bool, key: str | None, value: Any) -> None:
        self.indent = indent
        self.dash = dash
        self.key = key
        self.value = value  # _NO_VALUE: a nested block (or null) follows


def load_simple_mapping(text: str) -> dict[str, Any] | None:
    """The mapping ``text`` holds if it is in the simple subset, else None (use PyYAML)."""
    if _has_unusual_breaks(text) or _has_control_chars(text):
        return None
    try:
        lines = _tokenize(text)
        if not lines:
            return None
        if lines[0].indent != 0 or lines[0].key is None or lines[0].dash:
            return None
        value, end = _parse_block(lines, 0, 0)
    except _Unsupported:
        return None
    if end != len(lines) or not isinstance(value, dict):
        return None
    return value


def _tokenize(text: str) -> list[_Line]:
    lines: list[_Line] = []
    for raw in text.split("\n"):
        line = raw.rstrip("\r").rstrip(" ")
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("\t") or line.endswith("\t"):
            raise _Unsupported
        indent = len(line) - len(stripped)
        if stripped.startswith("- ") or stripped == "-":
            content = stripped[1:].lstrip(" ")
            if not content or content.startswith("- ") or content == "-":
                raise _Unsupported
            lines.append(_Line(indent, True, None, _NO_VALUE))
            indent += len(stripped) - len(content)
            stripped = content
            entry = _entry(stripped)
            if entry is None:
                lines[-1].value = _scalar(stripped)
                continue
            lines.append(_Line(indent, False, entry[0], entry[1]))
            continue
        entry = _entry(stripped)
        if entry is None:
            raise _Unsupported
        lines.append(_Line(indent, False, entry[0], entry[1]))
    return lines


def _entry(text: str) -> tuple[str, Any] | None:
    """``(key, value)`` for a ``key: value`` line, or None if the text is not one."""
    match = _KEY.match(text)
    if match is None:
        return None
    key, rest = match.group(1), match.group(2)
    if _resolve_tag(key) != _STR_TAG:
        raise _Unsupported  # keys like "yes" or "null" are not strings to YAML
    if rest is None or rest.startswith("#"):
        return key, _NO_VALUE
    return key, _scalar(rest)


def _scalar(text: str) -> Any:
    first = text[0]
    if first == '"':
        match = _DOUBLE_QUOTED.match(text)
        if match is None:
            raise _Unsupported
        return json.loads(f'"{match.group(1)}"')
    if first == "'":
        match = _SINGLE_QUOTED.match(text)
        if match is None:
            raise _Unsupported
        return match.group(1).replace("''", "'")
    comment = _COMMENT.search(text)
    if comment is not None:
        text = text[: comment.start()]
    if first in _PLAIN_START_FORBIDDEN or (first == "-" and not text[1:2].isdigit()):
        raise _Unsupported
    if _PLAIN_FORBIDDEN.search(text):
        raise _Unsupported
    tag = _resolve_tag(text)
    if tag == _STR_TAG:
        return text
    builder = _BUILDERS.get(tag)
    if builder is None:
        raise _Unsupported
    try:
        value = builder(ScalarNode(tag, text))
    except (ValueError, OverflowError, yaml.YAMLError) as exc:
        raise _Unsupported from exc  # the full loader explains what is wrong with it
    if isinstance(value, int) and value.bit_length() > 64:
        raise _Unsupported  # absurdly wide numbers: the full loader decides
    return value


def _resolve_tag(text: str) -> str:
    for tag, pattern in _IMPLICIT.get(text[:1], ()):
        if pattern.match(text):
            return tag
    return _STR_TAG


def _parse_block(lines: list[_Line], start: int, indent: int) -> tuple[Any, int]:
    """Parse the node whose lines begin at ``start`` at exactly ``indent``."""
    if lines[start].dash:
        return _parse_sequence(lines, start, indent)
    return _parse_mapping(lines, start, indent)


def _parse_sequence(lines: list[_Line], start: int, indent: int) -> tuple[list[Any], int]:
    items: list[Any] = []
    i = start
    while i < len(lines) and lines[i].indent == indent and lines[i].dash:
        dash = lines[i]
        if dash.value is not _NO_VALUE:
            items.append(dash.value)
            i += 1
            continue
        # "- key: value": a mapping that starts on the dash's line.
        i += 1
        if i >= len(lines) or lines[i].indent <= indent or lines[i].key is None:
            raise _Unsupported
        mapping, i = _parse_mapping(lines, i, lines[i].indent)
        items.append(mapping)
    # A key may follow at the same indentation (the sequence was its sibling's value);
    # the parent mapping decides about that.  A deeper line is always wrong here.
    if i < len(lines) and lines[i].indent > indent:
        raise _Unsupported
    return items, i


def _parse_mapping(lines: list[_Line], start: int, indent: int) -> tuple[dict[str, Any], int]:
    mapping: dict[str, Any] = {}
    i = start
    while i < len(lines) and lines[i].indent == indent and not lines[i].dash:
        line = lines[i]
        i += 1
        if line.value is not _NO_VALUE:
            mapping[line.key] = line.value  # type: ignore[index]
            continue
        if i < len(lines) and lines[i].indent > indent:
            mapping[line.key], i = _parse_block(lines, i, lines[i].indent)  # type: ignore[index]
        elif i < len(lines) and lines[i].indent == indent and lines[i].dash:
            # YAML lets a block sequence sit at its key's own indentation.
            mapping[line.key], i = _parse_sequence(lines, i, indent)  # type: ignore[index]
        else:
            mapping[line.key] = None  # type: ignore[index]
    _check_dedent(lines, i, indent)
    return mapping, i


def _check_dedent(lines: list[_Line], i: int, indent: int) -> None:
    """After a block ends, the next line must close it by dedenting, nothing else."""
    if i < len(lines) and lines[i].indent >= indent:
        # Same indentation but the other kind of entry, or a stray deeper line.
        raise _Unsupported


def summary_fields(text: str, wanted: Collection[str]) -> dict[str, Any] | None:
    """The ``wanted`` top-level keys of a valid document, or None to use PyYAML instead.

    Keys that are absent are absent from the result.  The whole document is validated by
    libyaml first, so a broken ``related`` block still makes the file a problem.
    """
    if _has_unusual_breaks(text):
        return None
    if any(mark in text for mark in "&*!%") and _ANCHOR_ALIAS_TAG.search(text):
        return None
    try:
        CParser(text).raw_parse()
    except yaml.YAMLError:
        return None  # PyYAML's loader reports it, with its message and position
    result: dict[str, Any] = {}
    blocks: dict[str, list[str]] = {}
    in_block = False
    current_key = ""
    try:
        for raw in text.split("\n"):
            line = raw.rstrip("\r")
            if not line:
                continue
            first = line[0]
            if first in " -":
                # Indented lines (or a sequence at its key's own indentation) belong to the
                # block opened by the last "key:" line; after "key: value" they would be a
                # multi-line scalar, which is outside the subset.
                if not in_block:
                    stripped = line.strip()
                    if stripped and not stripped.startswith("#"):
                        return None
                    continue
                block = blocks.get(current_key)
                if block is not None:
                    block.append(line)
                continue
            if first == "#":
                continue
            match = _TOP_LEVEL_KEY.match(line)
            if match is None:
                return None
            current_key, value = match.group(1), match.group(2)
            if value is None or value.startswith("#"):
                in_block = True
                blocks.pop(current_key, None)
                if current_key in wanted:
                    blocks[current_key] = [current_key + ":"]
                    result[current_key] = _NO_VALUE
                continue
            in_block = False
            value = value.rstrip()
            if not value:
                return None  # "key: " with only spaces after it: PyYAML reads it (as null)
            if value[0] in "[{|>":
                return None
            if current_key in wanted:
                result[current_key] = _scalar(value)
            elif value[0] == '"' and not _DOUBLE_QUOTED.match(value):
                return None  # a quoted scalar that goes on over several lines
            elif value[0] == "'" and not _SINGLE_QUOTED.match(value):
                return None
    except _Unsupported:
        return None
    for key, value in result.items():
        if value is _NO_VALUE:
            block = load_simple_mapping("\n".join(blocks[key]))
            if block is None:
                return None
            result[key] = block[key]
    return result
