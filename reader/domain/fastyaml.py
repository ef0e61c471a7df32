"""Reading just the list's fields from plain front matter, with PyYAML as the judge.

Why: building YAML objects through PyYAML costs most of a cold start (its constructor is
pure Python, ~100 nodes for a seed-shaped file), and the list needs a dozen top-level
fields, not the ``images`` and ``related`` blocks that make up most of a file.

:func:`summary_fields` reads front matter in the plain block style a pipeline writes: one
regular-expression match proves every line is inside a strict subset of YAML whose scalars
cannot fail to construct; two substitutions reduce the text to its shape (keys, dashes,
indentation), whose nesting is checked once per distinct shape (a pipeline writes few);
and only the wanted top-level fields are built, with PyYAML's own resolver patterns and
constructors, so ``yes``, ``1_000`` and timestamps mean exactly what they mean to PyYAML.

Safety comes from being conservative, not clever: anything outside the subset - flow
collections, anchors, aliases, tags, block scalars, escapes other than ``\\"`` and
``\\\\``, multi-line scalars, odd indentation or line breaks, control characters,
impossible dates - returns None, and the caller loads the document with PyYAML
(``yaml.CSafeLoader``), which also gives the error message for a document that is not
valid.  Tests hold the two readers equal on the seeds
and on generated and mutated documents.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container
from datetime import datetime
from functools import cache, partial
from typing import Any, NamedTuple

import yaml
from yaml.resolver import Resolver


class _OutsideSubsetError(Exception):
    """The text needs the real YAML loader (it may still be valid YAML, or not)."""


# -- the subset, as one regular expression ----------------------------------------------

# What may appear in a line of the subset: no tab, control character, NEL, line or
# paragraph separator, BOM, non-character or lone surrogate.
_BAD = "\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\ufeff\\ufffe\\uffff\\ud800-\\udfff"
_KEY_PATTERN = r"[A-Za-z_][\w.-]{0,200}"
# A valid date whose construction cannot fail (no Feb 29, no year 0, hours below 24...).
_SAFE_TIMESTAMP = (
    r"(?!0000)[0-9]{4}-(?:(?:0?[1-9]|1[0-2])-(?:0?[1-9]|1[0-9]|2[0-8])"
    r"|(?:0?[13-9]|1[0-2])-(?:29|30)|(?:0?[13578]|1[02])-31)"
    r"(?:(?:[Tt]|[ ]+)(?:[01]?[0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{0,9})?"
    r"(?:[ ]*(?:Z|[-+](?:[01]?[0-9]|2[0-3])(?::[0-5][0-9])?))?)?"
)
# One-line scalars whose construction cannot fail: quoted text (double-quoted with no
# escapes but \" and \\), plain text starting with a letter-like character, simple numbers,
# ``~`` and safe dates.
_SCALAR_PATTERN = (
    "(?:"
    f'"[^"\\\\{_BAD}]*(?:\\\\["\\\\][^"\\\\{_BAD}]*)*"'
    f"|'[^'{_BAD}]*(?:''[^'{_BAD}]*)*'"
    f"|[^ \\[\\]{{}}&*!|>%@`,\"'#?:<=+.~0-9\\-{_BAD}][^ :#{_BAD}]*"
    f"(?:(?::(?=[^ \\n])|\\#|[ ]+(?=[^ #\\n]))[^ :#{_BAD}]*)*"
    r"|-?(?:0|[1-9][0-9]{0,17})(?:\.[0-9]{1,17})?"
    r"|~"
    f"|{_SAFE_TIMESTAMP}"
    ")"
)
_COMMENT = f"(?:[ ]+\\#[^\\n{_BAD}]*)?[ ]*"
_LINE = (
    f"(?:[ ]*(?:-(?:[ ]+(?:{_KEY_PATTERN}:(?:[ ]+{_SCALAR_PATTERN})?|{_SCALAR_PATTERN}))?"
    f"|{_KEY_PATTERN}:(?:[ ]+{_SCALAR_PATTERN})?)?{_COMMENT}"
    f"|[ ]*\\#[^\\n{_BAD}]*)"
)


@cache
def _document_pattern() -> re.Pattern[str]:
    """Every line is blank, a comment, ``key:``, ``key: scalar``, ``-``, ``- scalar``,
    ``- key:`` or ``- key: scalar``, each scalar being one whose construction cannot fail.

    Compiled on first use: it takes ~15 ms, which a warm start (no parsing) should not pay.
    A line cannot hold a line break, so each ``line\\n`` ends at the same place however it
    matched: the atomic, possessive form accepts exactly what ``(?:line\\n)*line`` does,
    without keeping a way back into every earlier line (29.3 -> 26.5 µs a generated file).
    """
    return re.compile(f"(?>{_LINE}\\n)*+{_LINE}")


# Two substitutions reduce a valid document to its shape: values become "x", comments go.
_VALUE_AFTER_KEY = re.compile(r":[ ]+[^ #\n][^\n]*")
_VALUE_AFTER_DASH = re.compile(f"-[ ]+(?!{_KEY_PATTERN}:(?:[ ]|$))[^ #\\n][^\\n]*", re.MULTILINE)
_TRAILING_COMMENT = re.compile(r"[ ]*#[^\n]*")
_TOP_LEVEL_ENTRY = re.compile(f"\\n({_KEY_PATTERN}):[ ]*([^\\n]*)")
_MAX_LINES = 30_000
"""Each line yields at most three YAML values, so this stays below the real loader's
100,000-value budget: a document big enough to be refused is never accepted here."""
_MAX_DEPTH = 48
"""Below the real loader's nesting limit, for the same reason."""
_SHAPE_CACHE_LIMIT = 4096
_TOP_LEVEL_START = re.compile(r"\n(?=[A-Za-z_])")
"""Where a shape's next top-level entry starts: in a validated document a line at column 0
that begins with a letter is always a ``key:`` line."""
_valid_shapes: dict[str, bool] = {}
_valid_entries: dict[str, bool] = {}
_block_values: dict[str, Any] = {}
_scalar_values: dict[str, Any] = {}


def summary_fields(yaml_text: str, wanted: Container[str]) -> dict[str, Any] | None:
    """The ``wanted`` top-level fields of a front matter as ``yaml.CSafeLoader`` loads them.

    Keys that are absent are absent from the result.  Returns None to mean "ask the real
    loader", never "invalid": every document this accepts is valid YAML with one meaning,
    and the real loader would accept it too.  Values built from nested blocks are shared
    between calls (blocks repeat across a pipeline's files): callers only read them.
    """
    if "\r" in yaml_text:
        if yaml_text.count("\r") != yaml_text.count("\r\n"):
            return None
        yaml_text = yaml_text.replace("\r\n", "\n")
    if yaml_text.count("\n") > _MAX_LINES or _document_pattern().fullmatch(yaml_text) is None:
        return None
    shape = _VALUE_AFTER_DASH.sub("- x", _VALUE_AFTER_KEY.sub(": x", yaml_text))
    if "#" in shape:
        shape = _TRAILING_COMMENT.sub("", shape)
    if not _remembered(_valid_shapes, shape, _entries_are_valid):
        return None
    try:
        return _top_level_fields("\n" + yaml_text, wanted)
    except _OutsideSubsetError:
        return None


def _top_level_fields(text: str, wanted: Container[str]) -> dict[str, Any]:
    """The wanted top-level fields of a validated subset document.

    ``text`` starts with a newline so that every line follows one.  A line at column 0 is
    always top-level here, and the last of a repeated key wins, as in PyYAML.
    """
    fields: dict[str, Any] = {}
    for key, value in _TOP_LEVEL_ENTRY.findall(text):
        if key not in wanted:
            continue
        if value and value[0] == '"' and "\\" not in value:
            # The document is validated: a double-quoted value without a backslash ends at
            # the next quote.
            fields[key] = value[1 : value.index('"', 1)]
        elif value and value[0] != "#":
            fields[key] = _scalar(value)
        else:
            fields[key] = None  # a block: parsed below, once, from its last occurrence
    for key, value in fields.items():
        if value is None:
            fields[key] = _block_value(text, key)
    return fields


def _block_value(text: str, key: str) -> Any:
    """The value of the block under the last ``key:`` line, remembered by its text."""
    start = text.rfind(f"\n{key}:")
    end = text.find("\n", start + 1)
    # The block goes on over indented lines, "- " items, comments and blank lines.
    while end >= 0 and text[end + 1 : end + 2] in (" ", "-", "#", "\n"):
        end = text.find("\n", end + 1)
    block = text[start + 1 : end if end >= 0 else len(text)]
    return _remembered(_block_values, block, partial(_parse_block, key))


def _parse_block(key: str, block: str) -> Any:
    value = _flat_block_value(block)
    return _parse_subset(block)[key] if value is _NOT_FLAT else value


_NOT_FLAT: Any = object()


def _flat_block_value(block: str) -> Any:
    """A block's value when every line under its key line is a ``- scalar`` item (a list)
    or every one a ``key: scalar`` entry (a mapping), all at one indentation; else
    :data:`_NOT_FLAT`, and the block goes to the parser.

    The same value :func:`_parse_subset` gives, read line by line as its tokenizer reads
    them, without its tokens and descent: ``topics`` lists combine a few names in ways that
    rarely repeat, so most files' list missed the block cache and paid a parse (~15 µs).
    """
    indent = -1
    items: list[Any] = []
    entries: dict[str, Any] = {}
    for line in block.split("\n")[1:]:
        content = line.lstrip(" ")
        if not content or content[0] == "#":
            continue
        width = len(line) - len(content)
        if indent < 0:
            indent = width
        elif width != indent:
            return _NOT_FLAT
        if content[0] == "-" and (len(content) == 1 or content[1] == " "):
            rest = content[1:].lstrip(" ")
            if (
                entries
                or not rest
                or rest[0] == "#"
                or (rest[0] == "-" and (len(rest) == 1 or rest[1] == " "))
                or _ENTRY.fullmatch(rest) is not None
            ):
                return _NOT_FLAT  # an empty item, a nested list or a mapping in a list
            items.append(_scalar(rest))
            continue
        entry = _ENTRY.fullmatch(content)
        if entry is None or items or width == 0:
            return _NOT_FLAT  # (at column 0 it is the next top-level entry, not a value)
        text = entry.group(2) or ""
        if not text or text[0] == "#" or text.isspace():
            return _NOT_FLAT  # a nested block or an empty value
        entries[_key(entry.group(1))] = _scalar(text)
    if items:
        return items
    return entries if entries else _NOT_FLAT


def _shape_is_valid(shape: str) -> bool:
    """Whether lines of this shape nest into one valid block mapping."""
    try:
        _parse_subset(shape)
    except _OutsideSubsetError:
        return False
    return True


def _entry_is_valid(shape: str) -> bool:
    """:func:`_shape_is_valid` for one top-level entry's lines, remembered by their shape.

    A document's shape is valid exactly when each of its top-level entries is on its own:
    the parser reads an entry's value up to the next line at column 0 that starts a key,
    and no value reaches past one.  Whole shapes vary with every count of images, related
    articles and topics (a quarter of a generated folder's files had one not seen before,
    each costing a parse of ~60 lines); the entries they are made of repeat far more.
    """
    return _remembered(_valid_entries, shape, _shape_is_valid)


def _entries_are_valid(shape: str) -> bool:
    return all(map(_entry_is_valid, _TOP_LEVEL_START.split(shape)))


def _remembered(cache: dict[str, Any], key: str, compute: Callable[[str], Any]) -> Any:
    """``cache[key]``, computed by ``compute(key)`` the first time it is asked for.

    A pipeline's files repeat their shapes, blocks and values, so a few thousand entries
    hold nearly all of them; a full cache is emptied rather than grown.  A ``compute``
    that raises leaves nothing behind, so text outside the subset is refused every time.
    """
    value = cache.get(key, cache)
    if value is cache:
        value = compute(key)
        if len(cache) >= _SHAPE_CACHE_LIMIT:
            cache.clear()
        cache[key] = value
    return value


# -- the structure: block mappings and sequences by indentation --------------------------

_ITEM = 0
_ENTRY_KIND = 1
_SCALAR = 2
_ENTRY = re.compile(f"({_KEY_PATTERN}):(?: +(.*))?")


class _Token(NamedTuple):
    indent: int
    kind: int
    key: str = ""
    text: str = ""
    inline: bool = False


def _parse_subset(text: str) -> dict[str, Any]:
    """Load a block-style document of one-line scalars, as ``CSafeLoader`` would.

    Raises :class:`_OutsideSubsetError` for anything else.  Used on shapes and on the few
    lines of a nested wanted field; :func:`summary_fields` has already checked the
    characters and scalar forms of every line, and normalised line breaks to ``\\n``.
    """
    tokens = _tokenize(text)
    if not tokens:
        return {}
    if tokens[0].indent != 0 or tokens[0].kind != _ENTRY_KIND:
        raise _OutsideSubsetError
    value, position = _Parser(tokens).mapping(0, 0, 0)
    if position != len(tokens):
        raise _OutsideSubsetError
    return value


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    append = tokens.append
    for line in text.split("\n"):
        content = line.lstrip(" ")
        if not content or content[0] == "#":
            continue
        indent = len(line) - len(content)
        if content[0] == "-" and (len(content) == 1 or content[1] == " "):
            append(_Token(indent, _ITEM))
            rest = content[1:].lstrip(" ")
            if not rest or rest[0] == "#":
                continue
            column = indent + len(content) - len(rest)
            if rest[0] == "-" and (len(rest) == 1 or rest[1] == " "):
                raise _OutsideSubsetError  # "- - x": nested sequences on one line
            entry = _ENTRY.fullmatch(rest)
            if entry is not None:
                append(_Token(column, _ENTRY_KIND, entry.group(1), entry.group(2) or "", True))
            else:
                append(_Token(column, _SCALAR, "", rest, True))
            continue
        entry = _ENTRY.fullmatch(content)
        if entry is None:
            raise _OutsideSubsetError  # a continuation line, "key : v", a quoted key, "...", etc.
        append(_Token(indent, _ENTRY_KIND, entry.group(1), entry.group(2) or ""))
    return tokens


class _Parser:
    """Recursive descent over block mappings and sequences, by exact indentation."""

    __slots__ = ("count", "tokens")

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.count = len(tokens)

    def node(self, position: int, depth: int) -> tuple[Any, int]:
        if depth > _MAX_DEPTH:
            raise _OutsideSubsetError
        token = self.tokens[position]
        if token.kind == _SCALAR:
            return _scalar(token.text), position + 1
        if token.kind == _ITEM:
            return self.sequence(position, token.indent, depth)
        return self.mapping(position, token.indent, depth)

    def sequence(self, position: int, indent: int, depth: int) -> tuple[list[Any], int]:
        tokens, count = self.tokens, self.count
        items: list[Any] = []
        while position < count:
            token = tokens[position]
            if token.indent != indent or token.kind != _ITEM:
                break
            position += 1
            if position < count and (tokens[position].inline or tokens[position].indent > indent):
                value, position = self.node(position, depth + 1)
            else:
                value = None
            items.append(value)
        return items, position

    def mapping(self, position: int, indent: int, depth: int) -> tuple[dict[str, Any], int]:
        tokens, count = self.tokens, self.count
        result: dict[str, Any] = {}
        while position < count:
            token = tokens[position]
            if token.indent != indent or token.kind != _ENTRY_KIND:
                break
            position += 1
            key = _key(token.key)
            text = token.text
            if text and text[0] != "#" and not text.isspace():
                value = _scalar(text)
            elif position < count and tokens[position].indent > indent:
                value, position = self.node(position, depth + 1)
            elif (
                position < count
                and tokens[position].indent == indent
                and tokens[position].kind == _ITEM
            ):
                value, position = self.sequence(position, indent, depth + 1)
            else:
                value = None
            result[key] = value
        return result, position


# -- scalars, typed by PyYAML's own resolver and constructors ----------------------------

_DOUBLE_QUOTED = re.compile(r'"([^"\\]*(?:\\["\\][^"\\]*)*)"(?: +#.*)? *')
_DOUBLE_QUOTED_ESCAPE = re.compile(r'\\(["\\])')
_SINGLE_QUOTED = re.compile(r"'((?:[^']|'')*)'(?: +#.*)? *")
_PLAIN_FIRST_FORBIDDEN = frozenset("[]{}&*!|>%@`,\"'#?:")
_STR_TAG = "tag:yaml.org,2002:str"
_INT_TAG = "tag:yaml.org,2002:int"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_DECIMAL_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_ISO_SECONDS = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:Z|[-+][0-9]{2}:[0-9]{2})?"
)
_BOOL_VALUES = {"yes": True, "no": False, "true": True, "false": False, "on": True, "off": False}


def _key(text: str) -> str:
    if _resolve_tag(text) != _STR_TAG:
        raise _OutsideSubsetError  # "yes:", "null:" are not text keys
    return text


def _scalar(text: str) -> Any:
    """The value of a one-line scalar, remembered by its text.

    A pipeline writes the same few values over and over (``published: false``, a
    category, a score, a provider's name); their resolver and constructor run once.  The
    values are immutable, so sharing them is safe; text outside the subset raises every
    time and is never remembered.
    """
    return _remembered(_scalar_values, text, _build_scalar)


def _build_scalar(text: str) -> Any:
    first = text[0]
    if first == '"':
        match = _DOUBLE_QUOTED.fullmatch(text)
        if match is None:
            raise _OutsideSubsetError
        inner = match.group(1)
        return _DOUBLE_QUOTED_ESCAPE.sub(r"\1", inner) if "\\" in inner else inner
    if first == "'":
        match = _SINGLE_QUOTED.fullmatch(text)
        if match is None:
            raise _OutsideSubsetError
        return match.group(1).replace("''", "'")
    if first in _PLAIN_FIRST_FORBIDDEN or (first == "-" and text[1:2] in ("", " ")):
        raise _OutsideSubsetError
    comment = text.find(" #")
    if comment >= 0:
        text = text[:comment]
    text = text.rstrip(" ")
    if ": " in text or text.endswith(":"):
        raise _OutsideSubsetError
    tag = _resolve_tag(text)
    if tag == _STR_TAG:
        return text
    try:
        # Shortcuts for the common forms, equal to what PyYAML's constructors return.
        if tag == _INT_TAG and _DECIMAL_INT.fullmatch(text):
            return int(text)
        if tag == _BOOL_TAG:
            return _BOOL_VALUES[text.lower()]
        if tag == _TIMESTAMP_TAG and _ISO_SECONDS.fullmatch(text):
            return datetime.fromisoformat(text)
        construct = _scalar_constructors().get(tag)
        if construct is None:
            raise _OutsideSubsetError  # merge keys, "=" values
        return construct(text)
    except (ValueError, OverflowError):
        raise _OutsideSubsetError from None  # e.g. February 30th: the real loader reports it


def _resolve_tag(text: str) -> str:
    for tag, pattern in _implicit_resolvers().get(text[:1], ()):
        if pattern.match(text):
            return tag
    return _STR_TAG


def prepare() -> None:
    """Build the reader's tables now (about 40 ms of regex compiling) rather than on the
    first file, so a caller with idle time before its first parse can pay it up front."""
    _document_pattern()
    _implicit_resolvers()
    _scalar_constructors()


@cache
def _implicit_resolvers() -> dict[str, tuple[tuple[str, re.Pattern[str]], ...]]:
    """PyYAML's own plain-scalar resolution table (what ``CSafeLoader`` consults)."""
    wildcard = tuple(Resolver.yaml_implicit_resolvers.get(None, ()))  # type: ignore[call-overload]
    return {
        first: tuple(entries) + wildcard
        for first, entries in Resolver.yaml_implicit_resolvers.items()
        if first is not None
    }


@cache
def _scalar_constructors() -> dict[str, Callable[[str], Any]]:
    """PyYAML's safe constructors for the implicit scalar tags, applied to plain text."""
    constructor = yaml.constructor.SafeConstructor()
    table = yaml.constructor.SafeConstructor.yaml_constructors

    def using(tag: str) -> Callable[[str], Any]:
        method = table[tag]

        def construct(text: str) -> Any:
            return method(constructor, yaml.ScalarNode(tag, text))

        return construct

    tags = ("bool", "int", "float", "null", "timestamp")
    return {f"tag:yaml.org,2002:{name}": using(f"tag:yaml.org,2002:{name}") for name in tags}
