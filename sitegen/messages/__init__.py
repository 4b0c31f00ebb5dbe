"""Messages in the site's language. English is written where the error is found; this catalog gives Chinese.

Each entry maps an English message pattern (named groups for the variable parts) to its Chinese form; variable
parts are translated again when the catalog knows them (e.g. what a field expected). A message the catalog
does not know stays English: never lost, just untranslated (a test keeps the catalog complete).

The entries live in one module per area (content, config, commands, importers, build); they are tried in the order
merged here, and the first pattern that matches wins, so a specific pattern must come before a general one.
"""

from __future__ import annotations

import re

from sitegen.messages import build, commands, config, content, importers

_ZH: tuple[tuple[str, str], ...] = (
    *content.ZH,
    *config.ZH,
    *commands.ZH,
    *importers.ZH,
    *build.ZH,
    # the general picture message last: the more specific ones above must match first
    (r"picture '(?P<src>.*)' (?P<problem>.*)", "图片“{src}”{problem}"),
)
# never user text
_TRANSLATED_PARTS = frozenset({"expected", "found", "problem", "owner", "ids", "forms", "holder", "kept", "reason"})
_SPECIAL = frozenset("\\()[]{}.*+?^$|")
_QUANTIFIERS = frozenset("*+?{")


def literal_prefix(pattern: str) -> str:
    """The text every string that `pattern` fully matches starts with: its characters up to the first one with a
    meaning in a regular expression (less the last, when that is a quantifier); "" for a pattern with "|"."""
    if "|" in pattern:
        return ""
    for end, char in enumerate(pattern):
        if char in _SPECIAL:
            return pattern[: end - 1] if char in _QUANTIFIERS and end else pattern[:end]
    return pattern


class _Entry:
    """A catalog entry, compiled when a message first starts with its literal prefix: the catalog's 233 patterns
    cost about 0.07 s to compile, at the start of every command, though a build says a handful of messages."""

    __slots__ = ("_pattern", "prefix", "source", "template")

    def __init__(self, source: str, template: str) -> None:
        self.prefix = literal_prefix(source)
        self.source = source
        self.template = template
        self._pattern: re.Pattern[str] | None = None

    def fullmatch(self, text: str) -> re.Match[str] | None:
        if not text.startswith(self.prefix):
            return None
        if self._pattern is None:
            self._pattern = re.compile(self.source, re.DOTALL)
        return self._pattern.fullmatch(text)


_CATALOG = {"zh-CN": tuple(_Entry(pattern, template) for pattern, template in _ZH)}


def translate(text: str, language: str) -> str:
    """`text` in `language`, or as written when the catalog has no entry for it."""
    for entry in _CATALOG.get(language, ()):
        match = entry.fullmatch(text)
        if match:
            parts = {
                name: translate(value, language) if name in _TRANSLATED_PARTS else value
                for name, value in match.groupdict().items()
            }
            return entry.template.format(**parts)
    return text


def is_translated(text: str, language: str) -> bool:
    return any(entry.fullmatch(text) for entry in _CATALOG.get(language, ()))
