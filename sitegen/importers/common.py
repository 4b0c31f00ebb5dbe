"""Helpers every importer shares: decoding, liberal dates, names and tags, slugs, pictures in Markdown. Pure."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, timedelta, timezone

from sitegen.importers.model import ImportFailed, Moment

PICTURE_EXTENSIONS = ("png", "jpg", "jpeg", "gif", "webp", "bmp", "svg", "avif")
SLUG_CHARACTERS = re.compile(r"[^A-Za-z0-9\u4e00-\u9fff._-]+")
MAX_SLUG = 80
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def decode(raw: bytes) -> tuple[str, str]:
    """(text with LF line ends, encoding) of a source file: UTF-8 (BOM or not), else GB18030 (GBK, GB2312)."""
    if b"\x00" in raw:
        raise ImportFailed("is not a text file")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text.replace("\r\n", "\n").replace("\r", "\n"), encoding
    raise ImportFailed("is neither UTF-8 nor GB18030 (GBK) text")


# --------------------------------------------------------------------------- dates

_MOMENT = re.compile(
    r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*T?\s*(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{1,2})(?:\s*[:：分]\s*(?P<S>\d{1,2})(?P<f>\.\d+)?)?\s*秒?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2}|[+-]\d{2}(?!\d))?",
    re.IGNORECASE,
)
_FILE_DATE = re.compile(r"(?<!\d)(\d{4})-?(\d{2})-?(\d{2})(?!\d)")


def parse_when(value: object) -> Moment | None:
    """A date or date-time from YAML/TOML values or text in the many forms archives use, else None.

    Accepts 2022-12-12, 2022/12/12, 2022.12.12, 2022年12月12日, with an optional time (08:30, 08:30:00, 8时30分)
    and offset (Z, +08:00, +0800, as in Jekyll's `2008-11-23 17:22:34 +0000`). Naive values stay naive.
    """
    if isinstance(value, datetime | date):
        return value
    if not isinstance(value, str):
        return None
    match = _MOMENT.match(value.strip())
    if match is None:
        return None
    g = match.groupdict()
    try:
        if g["H"] is None:
            return date(int(g["y"]), int(g["m"]), int(g["d"]))
        micro = int(float(g["f"]) * 1_000_000) if g["f"] else 0
        moment = datetime(int(g["y"]), int(g["m"]), int(g["d"]), int(g["H"]), int(g["M"]), int(g["S"] or 0), micro)
    except ValueError:
        return None
    if g["tz"]:
        moment = moment.replace(tzinfo=_offset(g["tz"]))
    return moment


def _offset(text: str) -> timezone:
    if text.upper() == "Z":
        return UTC
    digits = text[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) >= 4 else 0)
    return timezone(timedelta(minutes=minutes if text[0] == "+" else -minutes))


def date_in_name(name: str) -> date | None:
    """The date a file name carries (junhe-2022-12-12.txt, 2008-11-23-hello.md, t20221212_1.txt), else None."""
    for match in _FILE_DATE.finditer(name):
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            continue
    return None


# --------------------------------------------------------------------------- names, tags, slugs


def split_names(text: str) -> tuple[str, ...]:
    """Authors written on one line: 张三、李四 / 张三,李四 / 张三 李四 (space-separated only between Chinese names)."""
    parts = re.split(r"\s*[、,，;；/|｜]\s*", text.strip())
    names: list[str] = []
    for part in parts:
        pieces = part.split()
        if len(pieces) > 1 and all(CJK.search(p) for p in pieces):
            names.extend(pieces)
        elif part.strip():
            names.append(part.strip())
    return tuple(dict.fromkeys(names))


def texts(value: object, split_words: bool = False) -> tuple[str, ...]:
    """A list, a single value or (split_words) a space-separated string as texts; mappings give their `name`."""
    if value is None or value == "":
        return ()
    items: Iterable[object]
    if isinstance(value, str):
        items = value.split() if split_words else [value]
    elif isinstance(value, list | tuple):
        items = value
    else:
        items = [value]
    result = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("name") or item.get("title")
        if item is None or isinstance(item, dict | list | bool):
            continue
        text = str(item).strip()
        if text:
            result.append(text)
    return tuple(dict.fromkeys(result))


def safe_slug(text: str) -> str:
    """A slug sitegen accepts: letters, digits, Chinese characters, '-', '_' and '.', never leading '.'."""
    slug = SLUG_CHARACTERS.sub("-", text.strip()).strip("-._")
    return re.sub(r"-{2,}", "-", slug)[:MAX_SLUG].rstrip("-._")


def safe_file_name(name: str) -> str:
    """A picture file name that needs no quoting in Markdown: spaces and odd characters become '-'."""
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    stem = SLUG_CHARACTERS.sub("-", stem).strip("-.") or "picture"
    extension = re.sub(r"[^A-Za-z0-9]", "", extension)
    return f"{stem}.{extension}" if extension else stem


# --------------------------------------------------------------------------- Markdown text

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def code_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges of code blocks: fenced (``` or ~~~, fences included; an unclosed one runs to the end) and
    indented by four spaces or a tab after a blank line (but not the continuation of a list item)."""
    fenced = _fenced_ranges(text)
    ranges = list(fenced)
    offset, start = 0, None
    previous_blank, in_list = True, False
    for line in text.splitlines(keepends=True):
        content = line.strip()
        indented = bool(content) and line.startswith(("    ", "\t"))
        if inside(offset, fenced):
            if start is not None:
                ranges.append((start, offset))
                start = None
            previous_blank, in_list = False, False
            offset += len(line)
            continue
        if start is not None and content and not indented:
            ranges.append((start, offset))
            start = None
        if start is None and indented and previous_blank and not in_list:
            start = offset
        if content and not indented:
            in_list = bool(_LIST_START.match(line)) or (in_list and not previous_blank)
        previous_blank = not content
        offset += len(line)
    if start is not None:
        ranges.append((start, len(text)))
    return sorted(ranges)


_LIST_START = re.compile(r"^ {0,3}(?:[-+*]|\d{1,9}[.)])[ \t]")


def _fenced_ranges(text: str) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    offset, opening, start = 0, "", 0
    for line in text.splitlines(keepends=True):
        match = _FENCE.match(line)
        if match and not opening:
            opening, start = match.group(1), offset
        elif (
            match
            and match.group(1)[0] == opening[0]
            and len(match.group(1)) >= len(opening)
            and not line[match.end() :].strip()
        ):
            ranges.append((start, offset + len(line)))
            opening = ""
        offset += len(line)
    if opening:
        ranges.append((start, len(text)))
    return ranges


def inside(position: int, ranges: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in ranges)


def line_at(text: str, position: int, first_line: int = 1) -> int:
    return first_line + text.count("\n", 0, position)


_IMAGE = re.compile(
    r"!\[(?P<alt>(?:[^\[\]\\\n]|\\.)*)\]\(\s*(?P<src><[^>\n]*>|[^\s)]+)"
    r"(?P<title>\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?\s*\)"
)
_IMAGE_REFERENCE = re.compile(r"!\[(?P<alt>(?:[^\[\]\\\n]|\\.)*)\]\[(?P<id>[^\]\n]*)\]")
_DEFINITION = re.compile(r"^ {0,3}\[(?P<id>[^\]\n]+)\]:[ \t]*(?P<src><[^>\n]*>|\S+)", re.MULTILINE)
_HTML_IMG = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*(?P<q>[\"'])(?P<src>.*?)(?P=q)[^>]*>", re.IGNORECASE | re.DOTALL)


def _bare(src: str) -> str:
    return src[1:-1] if src.startswith("<") and src.endswith(">") else src


def picture_refs(text: str) -> Iterator[tuple[str, str, int]]:
    """(src as written, alt, offset) of every picture in Markdown or HTML, outside fenced code, in order."""
    code = code_ranges(text)
    used_ids = {m["id"].strip().lower() or m["alt"].strip().lower() for m in _IMAGE_REFERENCE.finditer(text)}
    found: list[tuple[int, str, str]] = []
    for match in _IMAGE.finditer(text):
        found.append((match.start(), _bare(match["src"]), match["alt"]))
    for match in _DEFINITION.finditer(text):
        if match["id"].strip().lower() in used_ids:
            found.append((match.start(), _bare(match["src"]), ""))
    for match in _HTML_IMG.finditer(text):
        found.append((match.start(), match["src"], _attribute(match.group(0), "alt")))
    for offset, src, alt in sorted(found):
        if not inside(offset, code):
            yield src, alt, offset


def replace_picture_srcs(text: str, new_src: Callable[[str], str | None]) -> str:
    """`text` with every picture reference whose `new_src(src)` is not None pointing there instead."""
    code = code_ranges(text)

    def swap(match: re.Match[str], group: str) -> str:
        if inside(match.start(), code):
            return match.group(0)
        written = match[group]
        replacement = new_src(_bare(written) if group == "src" else written)
        if replacement is None:
            return match.group(0)
        start, end = match.start(group) - match.start(), match.end(group) - match.start()
        return match.group(0)[:start] + replacement + match.group(0)[end:]

    text = _IMAGE.sub(lambda m: swap(m, "src"), text)
    text = _DEFINITION.sub(lambda m: swap(m, "src"), text)
    return _HTML_IMG.sub(lambda m: swap(m, "src"), text)


def _attribute(tag: str, name: str) -> str:
    match = re.search(rf"\b{name}\s*=\s*([\"'])(.*?)\1", tag, re.IGNORECASE | re.DOTALL)
    return match.group(2) if match else ""


def attribute(tag: str, name: str) -> str:
    return _attribute(tag, name)


_LINE_START = re.compile(r"^(#|>|[-+*](?=\s)|\d+(?=[.)]\s)|-{3,}\s*$)")  # Python-Markdown: # needs no space
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]])")


def escape_markdown(text: str) -> str:
    """Plain text as Markdown that renders as the same text: no accidental headings, lists, emphasis or HTML."""
    text = _INLINE_SPECIAL.sub(r"\\\1", text).replace("<", "&lt;")
    match = _LINE_START.match(text)
    if match:
        marker = match.group(0)
        if marker[0].isdigit():
            return marker + "\\" + text[len(marker) :]
        return "\\" + text
    return text


def plain_value(value: object) -> object:
    """A front-matter value yaml.safe_dump can write: tuples as lists, times and odd objects as text."""
    if isinstance(value, Mapping):
        return {str(k): plain_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain_value(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str | date):
        return value
    return str(value)
