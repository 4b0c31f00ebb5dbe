"""Front matter in its common form, read without PyYAML: the same YamlDocument, two to three times faster.

Most front matter is a column of `key: value` lines, with lists as `[a, b]` or as `- item` lines, and pictures as
`- src: ...` lines with `caption: ...` under them. That form is read here; anything else (block scalars, comments,
anchors, escapes, nested mappings, floats, times, anything this reader is not sure of) returns None,
and PyYAML reads the text as before, so every error is PyYAML's and is reported as it always was.

A plain value is typed with PyYAML's own implicit resolvers (the regexes that make `yes` a bool and `0123` an
octal number); only strings, whole numbers written plainly, booleans, nulls and dates (`2022-12-12`) are taken, any
other type sends the text to PyYAML.
"""

from __future__ import annotations

import functools
import re
from datetime import date

from sitegen.content.yamltext import Duplicate, SafeLoader, YamlDocument

_KEY_LINE = re.compile(r"([^\W\d][\w-]{0,99}):(?: +(.*?))? *")  # key: value (or key: alone, before a list)
_ITEM_LINE = re.compile(r"( *- +)(.*?) *")  # - item
# tabs, escapes, comments, YAML's other line breaks, a BOM, what YAML cannot hold (sitegen drops them before)
_NOT_IN_TEXT = re.compile("[\t\r\\\\#\u2028\u2029\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_NO_PLAIN_START = frozenset("-?:,[]{}#&*!|>'\"%@`")  # characters a plain scalar cannot start with
_FLOW_ITEM = re.compile(r""" *(?:"([^"]*)"|'([^']*)'|([^,\[\]{}:"' ][^,\[\]{}:]*?)) *(,|\]$)""")
_WHOLE_NUMBER = re.compile(r"0|[1-9][0-9]*")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_RESOLVERS = SafeLoader.yaml_implicit_resolvers


class _NotFlat(Exception):
    """The text is not in the form read here: PyYAML reads it."""


def parse_flat(text: str) -> YamlDocument | None:
    """The document PyYAML's `parse_yaml` would give for `text`, or None when `text` is not in the flat form."""
    if not text.strip(" \n") or _NOT_IN_TEXT.search(text):
        return None
    try:
        return _Reader(text.split("\n")).document()
    except _NotFlat:
        return None


class _Reader:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.data: dict[str, object] = {}
        self.key_lines: dict[str, int] = {}
        self.item_lines: dict[str, tuple[int, ...]] = {}
        self.duplicates: list[Duplicate] = []
        self.first_lines: dict[str, int] = {}  # of keys written twice: where each was first (key_lines: the last)
        self.index = 0

    def document(self) -> YamlDocument:
        while self.index < len(self.lines):
            line = self.lines[self.index]
            if not line.strip(" "):
                self.index += 1
                continue
            key, value = _key_value(line)
            if key in self.data:  # as PyYAML is read (yamltext): the last value kept, the repeat reported
                first = self.first_lines.setdefault(key, self.key_lines[key])
                self.duplicates.append(Duplicate(key, first, self.index + 1))
                self.item_lines.pop(key, None)
            self.key_lines[key] = self.index + 1
            self.index += 1
            if value is None:
                self.data[key] = self._block_list(key)
            elif value.startswith("["):
                items = _flow_list(value)
                self.data[key] = items
                self.item_lines[key] = (self.key_lines[key],) * len(items)
            else:
                self.data[key] = _scalar(value)
        return YamlDocument(self.data, self.key_lines, self.item_lines, tuple(self.duplicates))

    def _block_list(self, key: str) -> list[object] | None:
        """The `- item` lines after `key:` (None when there are none: `key:` alone is null)."""
        items: list[object] = []
        lines: list[int] = []
        indent: int | None = None
        while self.index < len(self.lines):
            line = self.lines[self.index]
            if not line.strip(" "):
                self.index += 1
                continue
            match = _ITEM_LINE.fullmatch(line)
            if match is None:
                if line.startswith(" "):
                    raise _NotFlat  # a nested mapping, a folded value, ...
                break  # the next key
            dash = match.group(1).index("-")
            if indent is None:
                indent = dash
            if dash != indent or not match.group(2):
                raise _NotFlat
            lines.append(self.index + 1)
            self.index += 1
            items.append(self._item(match.group(2), len(match.group(1))))  # a mapping's keys line up after "- "
        if not items:
            return None
        self.item_lines[key] = tuple(lines)
        return items

    def _item(self, text: str, indent: int) -> object:
        """One list item: a scalar, or a mapping of scalars (`src: ...` and the lines under it at `indent`)."""
        if _KEY_LINE.fullmatch(text) is None:
            return _scalar(text)
        mapping: dict[str, object] = {}
        while True:
            key, value = _key_value(text)
            if value is None or value.startswith("[") or key in mapping:
                raise _NotFlat
            mapping[key] = _scalar(value)
            if self.index >= len(self.lines):
                return mapping
            line = self.lines[self.index]
            if not line.startswith(" " * indent) or line[indent : indent + 1] in (" ", "-", ""):
                if line.startswith(" " * (indent + 1)):
                    raise _NotFlat  # deeper: a nested mapping or a folded value
                return mapping
            text = line[indent:]
            self.index += 1


def _key_value(line: str) -> tuple[str, str | None]:
    match = _KEY_LINE.fullmatch(line)
    if match is None or not _text_key(match.group(1)):
        raise _NotFlat
    return match.group(1), match.group(2) or None


@functools.lru_cache(maxsize=1024)  # the same few keys in every file
def _text_key(key: str) -> bool:
    """Whether PyYAML reads `key` as text (`yes:` is a bool key, `null:` a None key)."""
    try:
        return _typed(key) == key
    except _NotFlat:
        return False


def _scalar(text: str) -> object:
    """A value on one line: "double" or 'single' quoted without escapes, or plain."""
    if text[0] == '"':
        if len(text) < 2 or text[-1] != '"' or '"' in text[1:-1]:
            raise _NotFlat
        return text[1:-1]
    if text[0] == "'":
        if len(text) < 2 or text[-1] != "'" or "'" in text[1:-1]:
            raise _NotFlat
        return text[1:-1]
    if text[0] in _NO_PLAIN_START or ": " in text or text.endswith(":"):
        raise _NotFlat
    return _typed(text)


def _flow_list(text: str) -> list[object]:
    """`[a, "b", 'c']` on one line, without nesting; `[]`."""
    if not text.endswith("]"):
        raise _NotFlat
    if not text[1:-1].strip():
        return []
    items: list[object] = []
    position = 1
    while True:
        match = _FLOW_ITEM.match(text, position)
        if match is None:
            raise _NotFlat
        double, single, plain = match.groups()[:3]
        if plain is not None and plain[0] in _NO_PLAIN_START:
            raise _NotFlat
        items.append(double if double is not None else single if single is not None else _typed(plain))
        if match.group(4) == "]":
            return items
        position = match.end()
        if not text[position:-1].strip():
            raise _NotFlat  # `[a, ]`: PyYAML allows it; left to it


def _typed(plain: str) -> object:
    """A plain scalar as PyYAML types it, for the types read here; _NotFlat for any other."""
    for tag, pattern in (*_RESOLVERS.get(plain[0], ()), *_RESOLVERS.get(None, ())):
        if not pattern.match(plain):
            continue
        if tag == "tag:yaml.org,2002:bool":
            return SafeLoader.bool_values[plain.lower()]
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:int" and _WHOLE_NUMBER.fullmatch(plain):
            return int(plain)
        if tag == "tag:yaml.org,2002:timestamp" and (day := _DATE.fullmatch(plain)):
            try:
                return date(int(day.group(1)), int(day.group(2)), int(day.group(3)))
            except ValueError:
                raise _NotFlat from None  # 2022-02-30: yamltext keeps it as text
        raise _NotFlat
    return plain
