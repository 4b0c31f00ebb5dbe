"""A page of the old portal, saved as text, -> ImportedArticle. Pure: text in, data out.

The form (see /work/shared/seed/): a banner line (the site's name), the title, the lines 文章出处: 作者: 阅读量:
发表时间:, then the body, one paragraph a line: sub-headings are short lines standing alone between paragraphs; a
picture is a line holding its file name, followed by its caption line; then 编辑:, then the navigation (column names,
repeated) and other page chrome. Everything is optional except a title, and a date (from 发表时间: or the file name).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sitegen.importers.common import (
    PICTURE_EXTENSIONS,
    attribute,
    date_in_name,
    escape_markdown,
    parse_when,
    split_names,
)
from sitegen.importers.model import ImportedArticle, ImportFailed, Notice, Picture
from sitegen.importers.oldurls import unique_paths

BUILTIN_NAVIGATION = ("首页", "湾区九市", "镇街社区", "社区品牌", "身边爆料")
HEADING_MAX = 40  # characters; longer lines are paragraphs
SHORT_HEADING = 16  # a heading this short needs no clause break or number
CAPTION_MAX = 100
LEAD_MAX = 300  # a first paragraph up to this long is the summary (<!--more--> after it)
MORE = "<!--more-->"

_FIELDS = {
    "source": ("文章出处", "文章来源", "来源", "出处", "稿源"),
    "author": ("作者", "撰稿", "撰文", "记者"),
    "views": ("阅读量", "阅读数", "阅读次数", "浏览量", "浏览次数", "点击量", "点击数", "点击", "阅读", "浏览"),
    "date": ("发表时间", "发布时间", "发表日期", "发布日期", "时间", "日期"),
    "updated": ("更新时间", "修改时间"),
    "editor": ("责任编辑", "编辑", "责编"),
    "title": ("标题",),
    "url": ("本文链接", "原文链接", "原文地址", "本文地址", "网址", "URL"),
    "extra": ("审核", "校对", "摄影", "供图", "通讯员"),
}
_KEY_FIELD = {key: name for name, keys in _FIELDS.items() for key in keys}
_KEYS = "|".join(sorted(_KEY_FIELD, key=len, reverse=True))
_FIELD_START = re.compile(rf"^(?:{_KEYS})\s*[:：]")
_FIELD_ANYWHERE = re.compile(rf"(?:^|(?<=[\s|｜,，;；]))(?P<key>{_KEYS})\s*[:：]\s*")
_PICTURE = re.compile(rf"^(?:https?://\S+/|\S*/)?[^\s/]+\.(?:{'|'.join(PICTURE_EXTENSIONS)})(?:[?#]\S*)?$", re.I)
_HTML_PICTURE = re.compile(r"^(?:<(?:p|div|center)[^>]*>\s*)?<img\b[^>]*>(?:\s*</(?:p|div|center)>)?$", re.I)
_SENTENCE_END = re.compile(r"[。！？!?；;…]")
_CLAUSE_BREAK = re.compile(r"[，,、：:\s—-]")
_NUMBER = r"[一二三四五六七八九十\d]+"
_NUMBERED = re.compile(rf"^(?:{_NUMBER}[、.．]|[（(]{_NUMBER}[)）]|第{_NUMBER})")
_CHROME = re.compile(
    r"^(?:上一篇|下一篇|上一条|下一条|返回顶部|返回首页|返回列表|【?打印(?:本页)?】?$|【?关闭(?:窗口)?】?$|分享到"
    r"|版权所有|copyright|©|\(c\)|.*ICP备|技术支持|主办单位|承办单位|联系我们|网站地图|扫一扫)",
    re.IGNORECASE,
)
_NAV_SPLIT = re.compile(r"[\s|｜/>＞»›·•]+")
_SPACES = " \t\u3000\xa0\ufeff\u200b"


@dataclass(frozen=True, slots=True)
class _Line:
    number: int
    text: str


def parse_legacy(
    text: str, name: str = "", navigation: Iterable[str] = (), banners: Iterable[str] = (), old_url: str = ""
) -> ImportedArticle:
    """The article in a legacy page's text. `name` is the file name (for a date when the page has none);
    `navigation` the site's column and home titles, `banners` the site's title; `old_url` the page's address on
    the old site when a mapping gives it (else a `本文链接:` line or a browser's `saved from url=` line may).
    Raises ImportFailed."""
    nav = frozenset(BUILTIN_NAVIGATION) | {n.strip() for n in navigation if n.strip()}
    banner_titles = frozenset(b.strip() for b in banners if b.strip())
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    saved = _SAVED_FROM.search(text)
    if saved:  # Internet Explorer's and Edge's mark of the web: the page's own address
        text = text[: saved.start()] + text[saved.end() :]
    lines = [_Line(number, line.strip(_SPACES)) for number, line in enumerate(text.split("\n"), start=1)]
    filled = [line for line in lines if line.text]
    while filled and (_is_navigation(filled[0].text, nav) or _CHROME.match(filled[0].text)):
        filled.pop(0)
    if not filled:
        raise ImportFailed("is empty")
    notices: list[Notice] = []
    fields: dict[str, str] = {}
    extra: dict[str, str] = {}

    title_line, body_start = _header(filled, banner_titles, fields, extra)
    body = _tail(filled[body_start:], nav, fields, extra)
    title = fields.pop("title", "") or (title_line.text if title_line else "")
    if not title:
        raise ImportFailed("no title: expected the title on the line before 文章出处:/作者:/发表时间:", 1)

    when = parse_when(fields.get("date", ""))
    if when is None:
        when = date_in_name(name)
        date_line = next((f.number for f in filled if _field_names(f.text) & {"date"}), None)
        if when is None:
            problem = f"发表时间 '{fields['date']}' is not a date" if fields.get("date") else "no 发表时间"
            raise ImportFailed(f"{problem}, and the file name has no date such as 2022-12-12", date_line)
        notices.append(Notice(date_line, f"no usable 发表时间; took the date {when.isoformat()} from the file name"))
    views_text = fields.get("views", "")
    views_match = re.search(r"\d[\d,，]*", views_text)
    if views_text and not views_match:
        notices.append(Notice(None, f"阅读量 '{views_text}' is not a number; wrote 0"))

    markdown, pictures = _body(body, notices)
    address = old_url or fields.get("url", "") or (saved.group(1) if saved else "")
    return ImportedArticle(
        aliases=_old_address(address, notices),
        title=title,
        date=when,
        body_markdown=markdown,
        source=fields.get("source", ""),
        authors=split_names(fields.get("author", "")),
        editor=fields.get("editor", ""),
        views=int(re.sub(r"[,，]", "", views_match.group(0))) if views_match else 0,
        images=tuple(pictures),
        updated=parse_when(fields.get("updated", "")),
        blank_fields=("author", "editor"),
        extra=extra,
        notices=tuple(notices),
    )


_SAVED_FROM = re.compile(r"^.*saved from url=\(\d+\)(\S+?)(?:\s*-->)?\s*$", re.MULTILINE | re.IGNORECASE)


def _old_address(url: str, notices: list[Notice]) -> tuple[str, ...]:
    """The page's old address as an alias (a site path), or nothing when it has none a static site can serve."""
    url = url.strip()
    if not url:
        return ()
    if "?" in url:
        notices.append(Notice(None, f"the old address {url} has a query (?...): a static site cannot redirect it"))
        return ()
    return unique_paths([url])


# --------------------------------------------------------------------------- header and tail


def _field_names(text: str) -> set[str]:
    return {_KEY_FIELD[m["key"]] for m in _FIELD_ANYWHERE.finditer(text)} if _FIELD_START.match(text) else set()


def _read_fields(text: str, fields: dict[str, str], extra: dict[str, str]) -> bool:
    """Store the `key: value` pairs of a metadata line (several may share a line); False if it is not one."""
    if not _FIELD_START.match(text):
        return False
    matches = list(_FIELD_ANYWHERE.finditer(text))
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        value = text[match.end() : following.start() if following else len(text)].strip(_SPACES + "|｜,，;；")
        field = _KEY_FIELD[match["key"]]
        if field == "extra":
            if value:
                extra[match["key"]] = value
        elif field == "author" and fields.get("author") and value:
            fields["author"] += f"、{value}"
        elif value or field not in fields:
            fields[field] = value
    return True


def _header(
    filled: list[_Line], banners: frozenset[str], fields: dict[str, str], extra: dict[str, str]
) -> tuple[_Line | None, int]:
    """(title line, index in `filled` where the body starts); fills `fields` from the metadata lines."""
    first_field = next((i for i, line in enumerate(filled[:8]) if _FIELD_START.match(line.text)), None)
    if first_field is not None and not (first_field == 0 and not _field_names(filled[0].text) & {"title"}):
        index = first_field
        while index < len(filled) and _read_fields(filled[index].text, fields, extra):
            index += 1
        heads = [line for line in filled[:first_field] if line.text not in banners]
        return (heads[-1] if heads else None), index
    if first_field == 0:
        raise ImportFailed("no title: the page starts with its metadata", filled[0].number)
    # no metadata: a banner is the site's title, or a short line right above another short line
    first = filled[0]
    if len(filled) > 1 and (
        first.text in banners
        or (
            filled[1].number == first.number + 1
            and len(first.text) <= HEADING_MAX
            and len(filled[1].text) <= 2 * HEADING_MAX
            and not _SENTENCE_END.search(first.text)
            and not _is_picture(filled[1].text)
        )
    ):
        return filled[1], 2
    return first, 1


def _tail(body: list[_Line], nav: frozenset[str], fields: dict[str, str], extra: dict[str, str]) -> list[_Line]:
    """The body without the trailing navigation and chrome; the 编辑: line (and a trailing 来源:) read as fields."""
    body = list(body)
    while body:
        last = body[-1].text
        if _is_navigation(last, nav) or _CHROME.match(last):
            body.pop()
        elif _field_names(last) and _field_names(last) <= {"editor", "source", "author", "extra", "url"}:
            _read_fields(last, fields, extra)
            body.pop()
        else:
            break
    if "editor" not in fields:  # an editor line with something other than chrome after it
        for index in range(len(body) - 1, -1, -1):
            if _field_names(body[index].text) == {"editor"}:
                _read_fields(body.pop(index).text, fields, extra)
                break
    return body


def _is_navigation(text: str, nav: frozenset[str]) -> bool:
    tokens = [t for t in _NAV_SPLIT.split(text) if t]
    return bool(tokens) and all(t in nav for t in tokens)


# --------------------------------------------------------------------------- body


def _is_picture(text: str) -> bool:
    return bool(_PICTURE.match(text) or _HTML_PICTURE.match(text))


def _picture_src(text: str) -> str:
    return attribute(text, "src") if text.startswith("<") else text


def _is_caption(text: str) -> bool:
    if _is_picture(text) or _FIELD_START.match(text) or len(text) > CAPTION_MAX:
        return False
    return not _SENTENCE_END.search(text[:-1])


def _short(text: str) -> bool:
    return len(text) <= HEADING_MAX and not _SENTENCE_END.search(text) and not text.endswith((":", "："))


def _body(body: list[_Line], notices: list[Notice]) -> tuple[str, list[Picture]]:
    blocks: list[tuple[str, _Line]] = []  # (kind, line): picture, caption, text
    index = 0
    while index < len(body):
        line = body[index]
        if _is_picture(line.text):
            blocks.append(("picture", line))
            if index + 1 < len(body) and _is_caption(body[index + 1].text):
                blocks.append(("caption", body[index + 1]))
                index += 1
        else:
            blocks.append(("text", line))
        index += 1

    def short_text(i: int) -> bool:
        return 0 <= i < len(blocks) and blocks[i][0] == "text" and _short(blocks[i][1].text)

    out: list[str] = []
    pictures: list[Picture] = []
    for i, (kind, line) in enumerate(blocks):
        text = line.text
        if kind == "picture":
            caption = blocks[i + 1][1].text if i + 1 < len(blocks) and blocks[i + 1][0] == "caption" else ""
            src = _picture_src(text)
            pictures.append(Picture(src, caption, "", line.number))
            out.append(f"![{_inline(caption)}]({src})")
            if not caption:
                notices.append(Notice(line.number, f"picture '{src}' has no caption line after it"))
        elif kind == "caption":
            continue
        elif short_text(i) and not short_text(i - 1) and not short_text(i + 1) and i + 1 < len(blocks):
            if _NUMBERED.match(text) or _CLAUSE_BREAK.search(text) or len(text) <= SHORT_HEADING:
                out.append(f"## {escape_markdown(text)}")
            else:
                out.append(f"*{_inline(text)}*")
                notices.append(
                    Notice(
                        line.number,
                        "a short line with no picture before it was kept as an italic line "
                        "(a caption whose picture is missing?); start it with '## ' if it is a sub-heading",
                    )
                )
        else:
            out.append(escape_markdown(text))
            if i == 0 and len(text) <= LEAD_MAX and len(blocks) > 1:
                out.append(MORE)  # the lead paragraph is the summary, as in the hand-made articles
    return "\n\n".join(out) + "\n", pictures


def _inline(text: str) -> str:
    return re.sub(r"([\\`*_\[\]])", r"\\\1", text).replace("<", "&lt;")
