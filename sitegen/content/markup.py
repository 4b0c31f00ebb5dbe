"""Markdown text -> HTML with Python-Markdown: Chinese-friendly heading ids, figures with captions,
image and link targets rewritten through callbacks supplied by the caller."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any, cast

import markdown
import markdown.util
from markdown.extensions import Extension
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.fenced_code import FencedCodeExtension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension, slugify_unicode
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from sitegen.content.limits import (
    COST_HINT,
    COST_MESSAGE,
    MAX_BODY_COST,
    MAX_HTML_DEPTH,
    MAX_RUN_CHARS,
    MAX_RUN_COST,
    MarkupError,
    run_cost,
    source_check,
)
from sitegen.content.math import protect_math
from sitegen.content.quickinline import install as install_quick_inline
from sitegen.content.quicktoc import QuickTocExtension
from sitegen.content.sanitize import clean_html
from sitegen.content.text import CONTROLS
from sitegen.model import Picture

MORE_MARKER = "<!--more-->"
# Limits that keep Python-Markdown within seconds and within Python's recursion limit on hostile text.
_CHARACTER_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?")
TABLE_LABEL = {"zh-CN": "表格", "en": "Table"}
FOOTNOTE_BACKLINK = {"zh-CN": "返回正文第 %d 处注释", "en": "Back to footnote %d in the text"}


@dataclass(frozen=True, slots=True)
class Rendered:
    html: str
    text: str  # the running text readers read: paragraphs and lists, without figures, code, tables, headings
    text_before_more: str | None  # the running text before a `<!--more-->` line, None without one
    image_srcs: tuple[str, ...]  # as written, in order
    full_text: str  # everything a reader sees, headings, captions, tables and code included (for search)
    link_targets: tuple[str, ...]  # as written
    heading_ids: frozenset[str]


# The width a body picture takes in the default theme: the text column (style.css: --wrap 46rem less 2 x 1rem
# padding), or the screen less the padding on phones.
BODY_SIZES = "(min-width: 46rem) 44rem, calc(100vw - 2rem)"


@dataclass(frozen=True, slots=True)
class Targets:
    """How the caller wants pictures written and link targets rewritten, and the known captions."""

    picture: Callable[[str], Picture]
    link_url: Callable[[str], str]
    captions: Mapping[str, str]
    sizes: str = BODY_SIZES


class _CostProcessor(Treeprocessor):
    """Runs before the inline pass: refuses text runs that would take it minutes (see MAX_RUN_COST)."""

    def run(self, root: etree.Element) -> None:
        total = 0
        for element in root.iter():
            for text in (element.text, element.tail):
                if not text or isinstance(text, AtomicString):
                    continue
                if len(text) > MAX_RUN_CHARS:
                    raise MarkupError(
                        f"a paragraph of {len(text)} characters; at most {MAX_RUN_CHARS}",
                        "break it into shorter paragraphs with empty lines",
                        snippet=text,
                    )
                cost = run_cost(text)
                total += cost
                if cost > MAX_RUN_COST or total > MAX_BODY_COST:
                    raise MarkupError(COST_MESSAGE, COST_HINT, snippet=text)


class _DepthCounter(HTMLParser):
    """The deepest nesting of elements in an HTML fragment (void elements and those whose end tag may be left
    out do not count: browsers close those themselves)."""

    _FLAT = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                       "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody",
                       "tfoot", "colgroup", "rt", "rp"})  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.depth = self.deepest = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag not in self._FLAT:
            self.depth += 1
            self.deepest = max(self.deepest, self.depth)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self._FLAT and self.depth > 0:
            self.depth -= 1


def _drop_control_reference(match: re.Match[str]) -> str:
    """`&#1;` and the like: a control character written as a reference is dropped like a raw one."""
    code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
    return "" if code == 0 or code > 0x10FFFF or CONTROLS.match(chr(code)) else match.group(0)


_START_TAG = re.compile(r"<[A-Za-z]")  # every start tag HTMLParser could see, and possibly more
_MARKED_SECTION = re.compile(r"<!\[(?!CDATA\[)")


def nested_too_deep(html: str) -> bool:
    """Whether elements nest more than MAX_HTML_DEPTH levels deep."""
    if len(_START_TAG.findall(html)) <= MAX_HTML_DEPTH:
        return False  # so few start tags cannot nest that deep: the slow pure-Python parser is not needed
    counter = _DepthCounter()
    # `<![` other than CDATA (a regex's `(?<![a-z])` in running text, which Python-Markdown passes on as raw HTML)
    # makes HTMLParser raise AssertionError; such a "marked section" holds no elements to count
    counter.feed(_MARKED_SECTION.sub("&lt;![", html))
    counter.close()
    return counter.deepest > MAX_HTML_DEPTH


class _FigureAndLinkProcessor(Treeprocessor):
    """Turns an image alone in its paragraph into <figure>, rewrites image and link targets."""

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self.targets: Targets | None = None
        self.table_label = "table"
        self.image_srcs: list[str] = []
        self.link_targets: list[str] = []
        self.text = ""
        self.text_before_more: str | None = None
        self.full_text = ""

    def run(self, root: etree.Element) -> None:
        assert self.targets is not None
        for paragraph in root.iter("p"):
            children = list(paragraph)
            if (
                len(children) == 1
                and children[0].tag == "img"
                and not (paragraph.text or "").strip()
                and not (children[0].tail or "").strip()
            ):
                image = children[0]
                paragraph.tag = "figure"
                caption = self.targets.captions.get(image.get("src", "")) or image.get("alt", "")
                if caption:
                    figcaption = etree.SubElement(paragraph, "figcaption")
                    figcaption.text = caption
                    if not image.get("alt"):
                        image.set("alt", caption)
                image.tail = None
        self.text, self.text_before_more = _running_text(root, self.md)
        self.full_text = _running_text(root, self.md, _NOT_SEARCHED)[0]
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag == "table":  # a focusable region, so that keyboard users can scroll a wide table
                    wrapper = etree.Element(
                        "div",
                        {"class": "table-wrap", "role": "region", "tabindex": "0", "aria-label": self.table_label},
                    )
                    wrapper.tail, child.tail = child.tail, None
                    parent.remove(child)
                    wrapper.append(child)
                    parent.insert(index, wrapper)
        parents = {child: parent for parent in root.iter() for child in parent}
        for index, image in enumerate(list(root.iter("img"))):
            src = image.get("src", "")
            self.image_srcs.append(src)
            self._write_picture(image, parents[image], self.targets.picture(src), lazy=index > 0)
        for link in root.iter("a"):
            href = link.get("href")
            if href is not None and "footnote" not in (link.get("class") or ""):
                self.link_targets.append(href)
                link.set("href", self.targets.link_url(href))

    def _write_picture(self, image: etree.Element, parent: etree.Element, picture: Picture, lazy: bool) -> None:
        """Size, srcset and loading hints on the `<img>`; `<picture>` around it when WebP is offered."""
        assert self.targets is not None
        image.set("src", picture.src)
        if image.get("alt") is None:
            image.set("alt", "")
        if picture.width and picture.height:  # else keep what the author wrote: ![x](https://...){width=.. height=..}
            image.set("width", str(picture.width))
            image.set("height", str(picture.height))
        if picture.srcset:
            image.set("srcset", picture.srcset)
            image.set("sizes", self.targets.sizes)
        if lazy:  # the first picture of the page is fetched at once: it may well be on the first screen
            image.set("loading", "lazy")
        image.set("decoding", "async")
        if picture.webp_srcset:
            wrapper = etree.Element("picture")
            etree.SubElement(
                wrapper, "source", {"type": "image/webp", "srcset": picture.webp_srcset, "sizes": self.targets.sizes}
            )
            position = list(parent).index(image)
            wrapper.tail, image.tail = image.tail, None
            parent.remove(image)
            wrapper.append(image)
            parent.insert(position, wrapper)


class _SitegenExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # after "inline" (images exist) and before "prettify"
        md.treeprocessors.register(_FigureAndLinkProcessor(md), "sitegen_figures", 5)
        md.treeprocessors.register(_CostProcessor(md), "sitegen_cost", 25)  # before "inline" (20)


class MarkdownRenderer:
    """One configured Python-Markdown instance, reused for every article of a build."""

    def __init__(self, language: str = "zh-CN", shortcuts: bool = True) -> None:
        """`shortcuts`: Python-Markdown's passes with the work that cannot change the body skipped (quickinline,
        quicktoc); False gives its own passes (the tests compare the two)."""
        toc = QuickTocExtension if shortcuts else TocExtension  # QuickToc: without the table no body asks for
        # instances, not names: a name is looked up among every installed package's entry points (importlib.metadata)
        extensions: list[Extension] = [
            toc(slugify=slugify_unicode),
            TableExtension(),
            FootnoteExtension(BACKLINK_TITLE=FOOTNOTE_BACKLINK.get(language, FOOTNOTE_BACKLINK["en"])),
            FencedCodeExtension(),
            AttrListExtension(),
            SaneListExtension(),
            _SitegenExtension(),
        ]
        self._md = markdown.Markdown(output_format="html", extensions=extensions)
        if shortcuts:  # runs of text without markup are not tried pattern by pattern
            install_quick_inline(self._md)
        # _SitegenExtension registered it under that name
        self._processor = cast(_FigureAndLinkProcessor, self._md.treeprocessors["sitegen_figures"])
        self._processor.table_label = TABLE_LABEL.get(language, TABLE_LABEL["en"])

    def render(self, text: str, targets: Targets, untrusted: bool = False) -> Rendered:
        """The body as HTML; raw HTML in it is cleaned (sanitize.clean_html) when `untrusted`.

        Raises MarkupError when the text is beyond the limits above.
        """
        md, processor = self._md, self._processor
        text = protect_math(text)  # before the checks: math holds nothing Python-Markdown must scan
        source_check(text)
        md.reset()
        processor.targets, processor.image_srcs, processor.link_targets = targets, [], []
        # an empty body never reaches the tree processors (convert returns early): no text of the last article's
        processor.text, processor.text_before_more, processor.full_text = "", None, ""
        try:
            html = md.convert(text)
        except RecursionError:
            md.reset()
            raise MarkupError(
                "is nested too deeply for Python-Markdown (lists, quotes or emphasis inside each other)",
                "flatten the list, quote or emphasis",
            ) from None
        if nested_too_deep(html):
            raise MarkupError(f"HTML elements are nested more than {MAX_HTML_DEPTH} levels deep", "close your tags")
        html = _CHARACTER_REFERENCE.sub(_drop_control_reference, html)
        if untrusted:
            html = CONTROLS.sub("", clean_html(html, MORE_MARKER))
        heading_ids = frozenset(_collect_ids(getattr(md, "toc_tokens", [])))
        footnote_ids = frozenset(f"fn:{n}" for n in range(1, html.count('class="footnote-ref"') + 1))
        return Rendered(
            html=html,
            text=processor.text,
            text_before_more=processor.text_before_more,
            full_text=processor.full_text,
            image_srcs=tuple(processor.image_srcs),
            link_targets=tuple(processor.link_targets),
            heading_ids=heading_ids | footnote_ids,
        )


_NOT_RUNNING_TEXT = frozenset({"figure", "figcaption", "pre", "table", "sup", "h1", "h2", "h3", "h4", "h5", "h6", "hr"})
_PLACEHOLDER = re.compile("\x02([^\x03]*)\x03")  # Python-Markdown's stash and substitutes, STX ... ETX
_AMP_ENTITY = re.compile("\x02amp\x03(#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")  # obfuscated e-mail


_NOT_SEARCHED = frozenset({"sup"})


def _running_text(
    root: etree.Element, md: markdown.Markdown, skipped: frozenset[str] = _NOT_RUNNING_TEXT
) -> tuple[str, str | None]:
    """(all running text, text before a more marker or None), one line per block, read off the tree."""
    more_placeholders = {
        markdown.util.HTML_PLACEHOLDER % index
        for index, block in enumerate(md.htmlStash.rawHtmlBlocks)
        if str(block).strip() == MORE_MARKER
    }
    blocks = md.htmlStash.rawHtmlBlocks

    def stashed_text(match: re.Match[str]) -> str:
        """Entities such as &amp; are stashed raw HTML: keep their character; drop tags and other markers."""
        name = match.group(1)
        if name == "amp":  # markdown.util.AMP_SUBSTITUTE, in obfuscated e-mail addresses
            return "&"
        number = name.removeprefix("wzxhzdk:")
        if number == name or not number.isdigit() or int(number) >= len(blocks):
            return ""
        raw = str(blocks[int(number)])
        return html.unescape(raw) if raw.startswith("&") and raw.endswith(";") else ""

    lines: list[str] = []
    before: list[str] | None = None
    for block in root:
        if before is None and block.tag == "p" and (block.text or "").strip() in more_placeholders:
            before = list(lines)
            continue
        parts: list[str] = []
        _block_text(block, parts, skipped)
        text = _AMP_ENTITY.sub(lambda m: html.unescape("&" + m.group(1)), "".join(parts))
        line = " ".join(_PLACEHOLDER.sub(stashed_text, text).split())
        if line:
            lines.append(line)
    return "\n".join(lines), ("\n".join(before) if before is not None else None)


def _block_text(element: etree.Element, parts: list[str], skipped: frozenset[str]) -> None:
    if element.tag in skipped or "footnote" in (element.get("class") or ""):
        return
    if element.text:
        parts.append(element.text)
    for child in element:
        _block_text(child, parts, skipped)
        if child.tail:
            parts.append(child.tail)
    if element.tag in ("li", "p", "blockquote", "dd", "dt", "td", "th", "figcaption", "tr"):
        parts.append(" ")


def _collect_ids(tokens: list[dict[str, Any]]) -> list[str]:
    ids: list[str] = []
    for token in tokens:
        ids.append(token["id"])
        ids.extend(_collect_ids(token.get("children", [])))
    return ids
