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
_CATALOG = {"zh-CN": tuple((re.compile(pattern, re.DOTALL), template) for pattern, template in _ZH)}


def translate(text: str, language: str) -> str:
    """`text` in `language`, or as written when the catalog has no entry for it."""
    for pattern, template in _CATALOG.get(language, ()):
        match = pattern.fullmatch(text)
        if match:
            parts = {
                name: translate(value, language) if name in _TRANSLATED_PARTS else value
                for name, value in match.groupdict().items()
            }
            return template.format(**parts)
    return text


def is_translated(text: str, language: str) -> bool:
    return any(pattern.fullmatch(text) for pattern, _ in _CATALOG.get(language, ()))
