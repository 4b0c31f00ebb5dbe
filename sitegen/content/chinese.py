"""Simplified -> Traditional Chinese with OpenCC and the site's own dictionary; the only module that imports opencc.

OpenCC converts phrase by phrase (its dictionaries know that 头发 is 頭髮 but 发展 is 發展), which is right for running
text and wrong for names: a person called 叶安怡 must not become 葉安怡 when she writes 叶, and a place or an
organisation keeps the characters it registered. The site's dictionary (`site.yaml` `phrases:`/`keep:`, and
`data/opencc.txt`) is applied first, longest match first; OpenCC converts the text between its matches.

HTML is converted between its tags: text, and the attributes a reader sees or hears (alt, title, aria-label,
placeholder); never a URL, an id or the contents of <script> and <style>.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import opencc

Relink = Callable[[str, str], str]  # (attribute name, URL as written) -> the URL the converted page needs


def opencc_version() -> str:
    """The converter's version: converted text is cached under it (part of the build cache's keys)."""
    import opencc  # here, as below: a site without a Traditional edition never needs it

    return str(getattr(opencc, "__version__", "unknown"))


@functools.cache
def _opencc(conversion: str) -> opencc.OpenCC:
    import opencc

    return opencc.OpenCC(conversion)


class ScriptConverter:
    """One edition's conversion: OpenCC's `conversion` ("s2hk", "s2twp", "t2s", ...) after the site's `phrases`
    (Simplified text -> as the edition writes it; a phrase mapped to itself is protected from conversion)."""

    def __init__(self, conversion: str, phrases: Iterable[tuple[str, str]] = ()) -> None:
        self.conversion = conversion
        self._converter = _opencc(conversion)
        self._phrases = dict(phrases)
        ordered = sorted(self._phrases, key=lambda k: (-len(k), k))  # the longest phrase wins where two overlap
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None
        self._memo: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        if not text or text.isascii():
            return text
        if len(text) <= 64:  # titles, tags, names, labels: met again and again
            found = self._memo.get(text)
            if found is None:
                found = self._memo[text] = self._convert(text)
            return found
        return self._convert(text)

    def _convert(self, text: str) -> str:
        if self._pattern is None:
            return str(self._converter.convert(text))
        parts: list[str] = []
        at = 0
        for match in self._pattern.finditer(text):
            if match.start() > at:
                parts.append(self._converter.convert(text[at : match.start()]))
            parts.append(self._phrases[match.group(0)])
            at = match.end()
        parts.append(self._converter.convert(text[at:]))
        return "".join(parts)


# A tag, a comment, a doctype: quoted attribute values may hold ">" but not "<", so that a stray quote in a trusted
# column's raw HTML ends its attempt at the next "<" (linear time), not at the end of the body; a comment never
# closed runs to the end, as browsers read it
_MARKUP = re.compile(r"""<!--.*?(?:-->|\Z)|<[A-Za-z/!?](?:[^"'<>]|"[^"<]*"|'[^'<]*')*>""", re.DOTALL)
_ATTRIBUTE = re.compile(r"""(?<=[\s"'])([A-Za-z][\w:-]*)(\s*=\s*)("[^"]*"|'[^']*')""")
_TEXT_ATTRIBUTES = frozenset({"alt", "title", "aria-label", "placeholder", "aria-description"})
_URL_ATTRIBUTES = frozenset({"src", "srcset", "href", "poster"})
_RAW_TEXT = re.compile(r"<(script|style)\b", re.IGNORECASE)
# a tag with none of these attributes is left as it is, unparsed (most are: <p>, <h2 id>, </a>, <td>)
_WORTH_A_LOOK = re.compile(r"\s(?:alt|title|aria-label|aria-description|placeholder|src|srcset|href|poster)\s*=", re.I)


def convert_html(html: str, convert: Callable[[str], str], relink: Relink | None = None) -> str:
    """`html` with its text and readable attributes converted; with `relink`, every URL attribute passed through it
    (a page moved under an edition's prefix points at the same pictures)."""
    parts: list[str] = []
    at = 0
    raw_until: str | None = None  # inside <script> or <style>: left alone up to its end tag
    for match in _MARKUP.finditer(html):
        text = html[at : match.start()]
        parts.append(text if raw_until else convert(text))
        tag = match.group(0)
        if raw_until:
            if tag.lower().startswith(raw_until):
                raw_until = None
        elif opening := _RAW_TEXT.match(tag):
            raw_until = f"</{opening.group(1).lower()}"
        parts.append(tag if tag.startswith(("<!", "</", "<?")) else _convert_tag(tag, convert, relink))
        at = match.end()
    parts.append(convert(html[at:]) if not raw_until else html[at:])
    return "".join(parts)


def _convert_tag(tag: str, convert: Callable[[str], str], relink: Relink | None) -> str:
    if not _WORTH_A_LOOK.search(tag):
        return tag

    def attribute(match: re.Match[str]) -> str:
        name, equals, quoted = match.group(1), match.group(2), match.group(3)
        lower = name.lower()
        value = quoted[1:-1]
        if lower in _TEXT_ATTRIBUTES:
            value = convert(value)
        elif lower in _URL_ATTRIBUTES and relink is not None:
            value = relink(lower, value)
        return f"{name}{equals}{quoted[0]}{value}{quoted[0]}"

    return _ATTRIBUTE.sub(attribute, tag)


def folding_pairs(conversions: Iterable[str] = ("t2s", "hk2s", "tw2s")) -> dict[str, str]:
    """Every character OpenCC writes differently in Simplified, alone (Traditional -> Simplified), for the search
    normaliser's table (assets/search-fold.js): the CJK blocks a reader may type."""
    pairs: dict[str, str] = {}
    blocks = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2A6DF))
    characters = [chr(code) for start, end in blocks for code in range(start, end + 1)]
    for conversion in conversions:
        # one call, one character a line: no phrase can match across a line end
        converted = str(_opencc(conversion).convert("\n".join(characters))).split("\n")
        for source, target in zip(characters, converted, strict=True):
            if source != target and len(target) == 1:
                pairs.setdefault(source, target)
    return pairs
