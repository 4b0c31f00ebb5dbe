"""What Hugo and Jekyll posts share: field mapping (their front matter is read in foreignfront.py) and Markdown
fixes (HTML pictures, <!--more-->, lists). Pure."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import unquote

from sitegen.importers.common import attribute, code_ranges, inside, line_at, picture_refs, texts
from sitegen.importers.foreignfront import Fields
from sitegen.importers.model import ImportedArticle, Notice, Picture, PostLink
from sitegen.urls import unsafe_scheme

MORE = "<!--more-->"
FOREIGN_MEANINGS = frozenset({"weight"})  # keys sitegen reads, which Hugo and Jekyll themes use for something else
@dataclass(slots=True)
class Body:
    """A body being converted, with what the conversion found along the way."""

    text: str
    first_line: int
    html: bool = False  # an HTML content file's body, to be kept as raw HTML
    pictures: list[Picture] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)


# --------------------------------------------------------------------------- conversions shared by both


def keep_visibly(tag: str, in_code: bool) -> str:
    """An unconverted tag as an inline code span, so that the page shows it (inside code: as written)."""
    if in_code:
        return tag
    flat = " ".join(tag.split())
    ticks = "`" * (max((len(run) for run in re.findall(r"`+", flat)), default=0) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{ticks}{pad}{flat}{pad}{ticks}"


def unconverted(tag: str, line: int) -> Notice:
    flat = " ".join(tag.split())
    return Notice(line, f"kept as written, not converted: {flat if len(flat) <= 80 else flat[:77] + '...'}")


# convert(match, line, in_code) -> (Markdown for the tag or None when it has none, where scanning goes on)
Converter = Callable[[re.Match[str], int, bool], tuple[str | None, int]]


def replace_tags(body: Body, pattern: re.Pattern[str], convert: Converter) -> None:
    """Every match of `pattern` in the body (a Hugo shortcode, a Liquid tag) replaced by what `convert` makes of it.

    `convert` is given the match, its line in the file, and whether it stands in code; a tag it has no Markdown
    for (None) is kept visibly (`keep_visibly`) and reported (`unconverted`).
    """
    text, code = body.text, code_ranges(body.text)
    out: list[str] = []
    position = 0
    while (match := pattern.search(text, position)) is not None:
        out.append(text[position : match.start()])
        line = line_at(text, match.start(), body.first_line)
        in_code = inside(match.start(), code)
        converted, position = convert(match, line, in_code)
        if converted is None:
            out.append(keep_visibly(match.group(0), in_code))
            body.notices.append(unconverted(match.group(0), line))
        else:
            out.append(converted)
    out.append(text[position:])
    body.text = "".join(out)


def figure(body: Body, src: str, caption: str, alt: str, line: int) -> str:
    """A captioned picture found at `line` (HTML taken out of its caption): remembered, and its Markdown."""
    caption = " ".join(re.sub(r"<[^>]+>", "", caption).split())
    body.pictures.append(Picture(src, caption, alt, line))
    return figure_markdown(src, caption, alt)


def post_link(links: list[PostLink], key: str, tag: str, line: int, html: bool = False, fragment: str = "") -> str:
    """A link to another imported post (`key` names it): remembered, and the marker that stands for its URL."""
    marker = f"sitegen-import-link-{len(links) + 1}"
    links.append(PostLink(marker, key, tag, line, html, fragment))
    return marker


_LABEL_PART = r"[^\[\]\n`]|`[^`\n]*`"  # a character of a link's text, or a code span (`[B` holds a bracket)
_INLINE_LINK = re.compile(
    rf"(?<![!\\])\[(?P<label>(?:{_LABEL_PART}|\[(?:{_LABEL_PART})*\])*)\]"
    r"\(\s*(?P<target><[^<>\n]*>|(?:[^\s()<>]|\([^\s()<>]*\))+)(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)"
)
_LINK_DEFINITION = re.compile(r"^(?P<head> {0,3}\[[^\]\n]+\]:[ \t]*)(?P<target><[^<>\n]*>|\S+)", re.MULTILINE)
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(?:(?!\n[ \t]*\n).)+?(?<!`)\1(?!`)", re.DOTALL)  # within a paragraph
_MARKUP_FILE = re.compile(r"\.(?:md|markdown|mdown|mkdn|mkd|mdwn)$", re.IGNORECASE)
_NOT_A_FILE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|#)")


def markdown_post_links(body: Body, links: list[PostLink], key_of: Callable[[str], str]) -> None:
    """Markdown links to another content file (`[乙](../b.md#x)`, `[乙]: b.md`), which Hugo's link render hook and
    Jekyll's jekyll-relative-links serve as that page's URL: links to the imported post (postlinks.py), found by
    `key_of(path)` (the path as written, decoded, without its #fragment). A link the build refuses (`javascript:`,
    as in the copy buttons of pages copied from other blogs) keeps its text only, and is reported."""
    if body.html:
        return
    code: list[tuple[int, int]] = []

    def target_of(written: str) -> tuple[str, str] | None:
        bare = written[1:-1] if written.startswith("<") else written
        path, _, fragment = bare.partition("#")
        path = unquote(path.split("?")[0])
        if _NOT_A_FILE.match(bare) or not _MARKUP_FILE.search(path):
            return None
        return key_of(path), f"#{unquote(fragment)}" if fragment else ""

    def inline(match: re.Match[str]) -> str:
        if not inside(match.start(), code) and (scheme := unsafe_scheme(match["target"])):
            line = line_at(body.text, match.start(), body.first_line)
            flat = " ".join(match.group(0).split())
            body.notices.append(Notice(line, f"a {scheme}: link, which the build refuses; its text kept without the "
                                             f"link: {flat}"))
            return match["label"]
        found = None if inside(match.start(), code) else target_of(match["target"])
        if found is None:
            return match.group(0)
        line = line_at(body.text, match.start(), body.first_line)
        marker = post_link(links, found[0], match.group(0), line, fragment=found[1])
        links[-1] = replace(links[-1], label=match["label"])
        return marker

    def definition(match: re.Match[str]) -> str:
        found = None if inside(match.start(), code) else target_of(match["target"])
        if found is None:
            return match.group(0)
        line = line_at(body.text, match.start(), body.first_line)
        marker = post_link(links, found[0], match["target"], line, fragment=found[1])
        links[-1] = replace(links[-1], target_only=True)
        return match["head"] + marker

    for pattern, replace_link in ((_INLINE_LINK, inline), (_LINK_DEFINITION, definition)):
        code = sorted([*code_ranges(body.text), *((m.start(), m.end()) for m in _CODE_SPAN.finditer(body.text))])
        body.text = pattern.sub(replace_link, body.text)


def code_fence(code: str) -> str:
    """Backticks enough to fence `code`: one more than its longest run of three or more."""
    return "`" * max([3, *(len(run) + 1 for run in re.findall(r"`{3,}", code))])


def figure_markdown(src: str, caption: str, alt: str) -> str:
    label = (alt or caption).replace("[", "\\[").replace("]", "\\]")
    return f"![{label}]({src})"


_MARKDOWN_IMAGE = re.compile(r"!\[(?P<alt>[^\]\n]*)\]\((?P<src>[^\s)]+)(?:\s+\"[^\"]*\")?\)")
_HTML_FIGURE = re.compile(r"^[ \t]*<figure\b[^>]*>(?P<inner>.*?)</figure>[ \t]*$", re.IGNORECASE | re.DOTALL | re.M)
_LONE_IMG = re.compile(
    r"^[ \t]*(?:<(?P<wrap>p|div|center)\b[^>]*>\s*)?(?:<a\b[^>]*>\s*)?(?P<img><img\b[^>]*>)(?:\s*</a>)?"
    r"(?(wrap)\s*</(?P=wrap)>)[ \t]*$",
    re.IGNORECASE | re.M,
)


_EMPTY_PICTURE = re.compile(r"!\[(?P<alt>[^\[\]\n]*)\]\(\s*(?:<\s*>)?\s*\)")


def html_pictures(body: Body) -> None:
    """<figure><img><figcaption> blocks and <img> tags alone on a line -> Markdown pictures (sitegen figures); a
    picture of no file (`![]()`, a broken image on the old site, which the build refuses) is dropped and reported."""
    code = code_ranges(body.text)

    def empty(match: re.Match[str]) -> str:
        if inside(match.start(), code):
            return match.group(0)
        line = line_at(body.text, match.start(), body.first_line)
        body.notices.append(Notice(line, f"a picture without a file, dropped: {match.group(0)}"))
        return match["alt"]

    body.text = _EMPTY_PICTURE.sub(empty, body.text)
    code = code_ranges(body.text)

    def figure(match: re.Match[str]) -> str:
        if inside(match.start(), code):
            return match.group(0)
        img = re.search(r"<img\b[^>]*>", match["inner"], re.IGNORECASE)
        written = _MARKDOWN_IMAGE.search(match["inner"])  # Minimal Mistakes' {{ fig_img | markdownify }} idiom
        if img is not None:
            src, alt = attribute(img.group(0), "src"), attribute(img.group(0), "alt")
        elif written is not None:
            src, alt = written["src"], written["alt"]
        else:
            return match.group(0)
        if not src:
            return match.group(0)
        caption_match = re.search(r"<figcaption[^>]*>(.*?)</figcaption>", match["inner"], re.IGNORECASE | re.DOTALL)
        caption = " ".join(re.sub(r"<[^>]+>", "", caption_match.group(1)).split()) if caption_match else ""
        body.pictures.append(Picture(src, caption, alt, line_at(body.text, match.start(), body.first_line)))
        return figure_markdown(src, caption, alt)

    def lone(match: re.Match[str]) -> str:
        src = attribute(match["img"], "src")
        if inside(match.start(), code) or not src:
            return match.group(0)
        return figure_markdown(src, "", attribute(match["img"], "alt"))

    body.text = _LONE_IMG.sub(lone, _HTML_FIGURE.sub(figure, body.text))


def more_marker(text: str, separator: str | None = None) -> str:
    """`<!--more-->` (or Jekyll's excerpt separator) on a line of its own, as sitegen reads it."""
    code = code_ranges(text)
    pattern = re.compile(r"<!--\s*more\s*-->", re.IGNORECASE)
    if separator and separator.strip() and not pattern.fullmatch(separator.strip()):
        index = text.find(separator)
        while index >= 0 and inside(index, code):
            index = text.find(separator, index + 1)
        if index >= 0:
            text = text[:index] + f"\n\n{MORE}\n\n" + text[index + len(separator) :]
            code = code_ranges(text)
    parts: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        if inside(match.start(), code):
            continue
        parts.append(text[last : match.start()].rstrip(" \t"))
        parts.append(f"\n\n{MORE}\n\n")
        last = match.end()
    parts.append(text[last:])
    return re.sub(r"\n{3,}(?=<!--more-->)|(?<=<!--more-->)\n{3,}", "\n\n", "".join(parts))


_LIST_ITEM = re.compile(r"^ {0,3}(?:[-+*]|\d{1,9}[.)])[ \t]+\S")
_BLOCK_START = re.compile(r"^ {0,3}(?:[-+*]|\d{1,9}[.)])[ \t]|^\s|^ {0,3}(?:[>#|]|<|\[\^?[^\]]*\]:)")


def list_spacing(text: str) -> str:
    """A blank line before a list that follows a paragraph line (CommonMark needs none, Python-Markdown does);
    runs of blank lines (left by dropped comments) become one."""
    code = code_ranges(text)
    out: list[str] = []
    offset = 0
    previous = ""
    for line in text.split("\n"):
        if not line.strip() and not previous.strip() and out and not inside(offset, code):
            offset += len(line) + 1
            continue
        if (
            _LIST_ITEM.match(line)
            and previous.strip()
            and not _BLOCK_START.match(previous)
            and not inside(offset, code)
            and not re.match(r"^ {0,3}([-*_])( *\1){2,} *$", line)
        ):
            out.append("")
        out.append(line)
        offset += len(line) + 1
        previous = line
    return "\n".join(out)


def pictures_from(text: str, known: Iterable[Picture], first_line: int) -> list[Picture]:
    """Every picture the body shows that `known` does not list yet (for copying; no captions)."""
    seen = {p.src for p in known}
    found = []
    for src, alt, offset in picture_refs(text):
        if src not in seen:
            seen.add(src)
            found.append(Picture(src, "", alt, line_at(text, offset, first_line)))
    return found


def front_pictures(value: object, line: int | None = None) -> list[Picture]:
    """Hugo `images: [...]`, Jekyll `image: x` or `image: {path: x}` as pictures."""
    values = value if isinstance(value, list) else [value]
    pictures = []
    for item in values:
        if isinstance(item, dict):
            src = item.get("path") or item.get("src") or item.get("url") or item.get("feature")
            caption, alt = str(item.get("caption") or ""), str(item.get("alt") or "")
        else:
            src, caption, alt = item, "", ""
        if isinstance(src, str) and src.strip():
            pictures.append(Picture(src.strip(), caption, alt, line))
    return pictures


def unique_pictures(pictures: Iterable[Picture], body: Body) -> tuple[Picture, ...]:
    """One entry per picture: the first mention, which is the one with the caption when the body has it.

    The build gives every figure of a picture the caption of its entry: when the body shows the picture twice
    with other words (`![活动现场](a.jpg)`, then a figure captioned 现场照片), the entry has no caption, and each
    figure's Markdown carries its own caption as its alt text, which the build shows instead."""
    every = list(pictures)
    seen: dict[str, Picture] = {}
    for picture in every:
        seen.setdefault(picture.src, picture)
    labels: dict[str, set[str]] = {}
    for src, alt, _ in picture_refs(body.text):
        labels.setdefault(src, set()).add(alt.replace("\\[", "[").replace("\\]", "]"))
    for src, picture in seen.items():
        same = [p for p in every if p.src == src]
        own = {p.alt or p.caption for p in same if p.caption == picture.caption}  # the label its figures carry
        others = {p.caption for p in same} - {"", picture.caption}
        if picture.caption and (others or labels.get(src, set()) - own - {""}):
            seen[src] = replace(picture, caption="", alt="")
            for shown in (p for p in same if p.caption and p.alt and p.alt != p.caption):
                # its figure's words become its caption (the alt text gives way: a caption is also read aloud)
                written = figure_markdown(src, shown.caption, shown.alt)
                body.text = body.text.replace(written, figure_markdown(src, shown.caption, ""), 1)
    return tuple(seen.values())


def tag_list(fields: Fields, groups: Iterable[tuple[str, ...]], split_words: bool) -> tuple[str, ...]:
    """Categories, then tags: one list without repeats."""
    result: list[str] = []
    for names in groups:
        for name in names:
            found = fields.get(name)
            if found is not None:
                result.extend(texts(found[1], split_words))
    return tuple(dict.fromkeys(result))


def imported(
    fields: Fields, body: Body, links: Iterable[PostLink], generator: str, **specific: Any
) -> ImportedArticle:
    """The post, with what Hugo and Jekyll map alike: the converted body, source, authors, editor and views, the
    unmapped keys as extra fields, the links to other posts and every notice. `generator` ("hugo", "jekyll") names
    the extra fields sitegen would read otherwise; `specific` gives the other fields. Compute them first (the title
    may take a heading out of the body, dates add notices)."""
    return ImportedArticle(
        body_markdown=body.text,
        source=fields.text("source"),
        authors=tag_list(fields, [("author", "authors")], split_words=False),
        editor=fields.text("editor"),
        views=fields.views(),
        extra=foreign_extra(fields.extra(), generator),
        post_links=tuple(links),
        notices=(*fields.notices, *body.notices),
        **specific,
    )


def foreign_extra(extra: Mapping[str, Any], generator: str) -> dict[str, Any]:
    """The extra fields, a key sitegen reads with another meaning renamed `<generator>_<key>` (Hugo's `weight`
    orders lists; sitegen's makes a lead story), so that templates still find it and the build does not misread it."""
    return {f"{generator}_{key.lower()}" if key.lower() in FOREIGN_MEANINGS else key: v for key, v in extra.items()}


def title_from(fields: Fields, body: Body, fallback: str) -> str:
    """The title: front matter, else a leading `# Heading` (taken out of the body), else the file's name."""
    title = fields.text("title")
    if title:
        return title
    match = re.match(r"\s*#[ \t]+(.+?)[ \t#]*(?:\n|$)", body.text)
    if match:
        body.text = body.text[match.end() :]
        body.notices.append(Notice(body.first_line, "no title in the front matter; took the first heading"))
        return match.group(1).strip()
    body.notices.append(Notice(1, f"no title in the front matter; took '{fallback}' from the file name"))
    return fallback


def titled(slug: str) -> str:
    """A file slug as a title, the way Jekyll makes one: 'my-first-post' -> 'My First Post'."""
    words = re.split(r"[-_\s]+", slug)
    return " ".join(w[:1].upper() + w[1:] for w in words if w) or slug
