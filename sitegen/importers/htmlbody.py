"""HTML content files (blogdown's and R Markdown's rendered posts, hand-written .html posts): the body kept as raw
HTML, its top-level local pictures turned into sitegen figures. Pure."""

from __future__ import annotations

import html as html_module
import re
from html.parser import HTMLParser

from sitegen.importers.common import attribute, line_at
from sitegen.importers.foreign import MORE, Body, figure_markdown
from sitegen.importers.model import Notice, Picture

HTML_EXTENSIONS = (".html", ".htm")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                   "wbr"})  # fmt: skip
_LOCAL_RESOURCE = re.compile(
    r"<(?:script|link)\b[^>]*?\b(?:src|href)\s*=\s*[\"'](?P<src>(?![a-z][a-z0-9+.-]*:|//|#)[^\"']+)[\"']", re.IGNORECASE
)
_LOCAL = re.compile(r"^(?![a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)


def is_html(relative: str) -> bool:
    """Whether a content file is HTML (blogdown's and R Markdown's rendered posts), not Markdown."""
    return relative.lower().endswith(HTML_EXTENSIONS)


class _TopLevel(HTMLParser):
    """The top-level elements and comments of an HTML fragment: (start offset, end offset, tag or '!--', attrs)."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text, self.depth = text, 0
        self.starts = [0, *(i + 1 for i, c in enumerate(text) if c == "\n")]
        self.spans: list[tuple[int, int, str, dict[str, str]]] = []
        self.open: tuple[int, str, dict[str, str]] | None = None

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        end = start + len(self.get_starttag_text() or "")
        if self.depth == 0:
            attributes = {k: v or "" for k, v in attrs}
            if tag in _VOID:
                self.spans.append((start, end, tag, attributes))
                return
            self.open = (start, tag, attributes)
        if tag not in _VOID:
            self.depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth == 0:
            start = self._offset()
            self.spans.append((start, start + len(self.get_starttag_text() or ""), tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or self.depth == 0:
            return
        self.depth -= 1
        if self.depth == 0 and self.open is not None:
            end = self.text.find(">", self._offset()) + 1 or len(self.text)
            self.spans.append((self.open[0], end, self.open[1], self.open[2]))
            self.open = None

    def handle_comment(self, data: str) -> None:
        if self.depth == 0:
            start = self._offset()
            self.spans.append((start, start + len(data) + 7, "!--", {"text": data}))


def _figure_of(fragment: str, tag: str, attributes: dict[str, str]) -> tuple[str, str, str] | None:
    """(src, caption, alt) when a top-level element is one local picture with at most a caption."""
    is_figure = tag == "figure" or (tag == "div" and "figure" in attributes.get("class", "").split())
    if tag == "img":
        src, alt = attributes.get("src", ""), attributes.get("alt", "")
        return (src, "", alt) if src and _LOCAL.match(src) else None
    if not is_figure and tag not in ("p", "center"):
        return None
    images = re.findall(r"<img\b[^>]*>", fragment, re.IGNORECASE)
    if len(images) != 1:
        return None
    src = attribute(images[0], "src")
    if not src or not _LOCAL.match(src):
        return None
    caption_match = re.search(
        r"<(figcaption|p)\b[^>]*>(.*?)</\1>", fragment[fragment.find(">") + 1 :], re.IGNORECASE | re.DOTALL
    )
    caption = " ".join(re.sub(r"<[^>]+>", "", caption_match.group(2)).split()) if caption_match and is_figure else ""
    rest = re.sub(r"<img\b[^>]*>|<(figcaption|p)\b[^>]*>.*?</\1>" if is_figure else r"<img\b[^>]*>", "", fragment,
                  flags=re.IGNORECASE | re.DOTALL)  # fmt: skip
    if re.sub(r"<[^>]+>", "", rest).strip():
        return None  # text besides the picture: the element stays HTML
    return src, html_module.unescape(caption), attribute(images[0], "alt")


def _is_section(tag: str, attributes: dict[str, str]) -> bool:
    return tag == "section" or (tag == "div" and "section" in attributes.get("class", "").split())


def _unwrap_sections(text: str) -> str:
    """Pandoc's `<div class="section level2" id="x">` wrappers (R Markdown, blogdown) taken away, their id moved
    to the heading they start with, so that the figures inside them stand at the top level."""
    for _ in range(8):  # level1 ... level6 nest at most this deep
        parser = _TopLevel(text)
        parser.feed(text)
        parser.close()
        sections = [span for span in parser.spans if _is_section(span[2], span[3])]
        if not sections:
            return text
        for start, end, _tag, attributes in reversed(sections):
            fragment = text[start:end]
            inner = fragment[fragment.find(">") + 1 : fragment.rfind("</")]
            anchor = attributes.get("id", "")
            heading = re.search(r"<h[1-6]\b[^>]*>", inner, re.IGNORECASE)
            if anchor and heading and not re.search(r"\bid\s*=", heading.group(0), re.IGNORECASE):
                tag = heading.group(0)
                with_id = f'{tag[:3]} id="{html_module.escape(anchor, quote=True)}"{tag[3:]}'
                inner = inner[: heading.start()] + with_id + inner[heading.end() :]
            text = text[:start] + inner.strip("\n") + text[end:]
    return text


def raw_html(body: Body) -> str:
    """An HTML content file's body as Markdown that keeps it as raw HTML: runs of top-level HTML wrapped in a
    <div> (Python-Markdown then leaves them exactly as written); a top-level local picture (blogdown's
    <div class="figure">, a <figure>, a <p> holding one <img>) becomes a Markdown picture, so that sitegen copies
    and resizes it; a top-level <!--more--> stays the summary's end."""
    text = _unwrap_sections(body.text)
    for match in _LOCAL_RESOURCE.finditer(text):  # R Markdown's rmarkdown-libs/, htmlwidgets...: not content
        message = f"the HTML loads {match.group('src')}, which is not imported: copy it under assets/ or remove it"
        body.notices.append(Notice(line_at(text, match.start(), body.first_line), message))
    parser = _TopLevel(text)
    parser.feed(text)
    parser.close()
    out: list[str] = []
    raw: list[str] = []
    position = 0

    def flush() -> None:
        run = "".join(raw).strip("\n")
        if run.strip():
            out.append(f"<div>\n{run}\n</div>")
        raw.clear()

    for start, end, tag, attributes in parser.spans:
        fragment = text[start:end]
        figure_found = _figure_of(fragment, tag, attributes) if tag != "!--" else None
        if tag == "!--" and re.fullmatch(r"\s*more\s*", attributes["text"], re.IGNORECASE):
            raw.append(text[position:start])
            flush()
            out.append(MORE)
        elif figure_found is not None:
            raw.append(text[position:start])
            flush()
            src, caption, alt = figure_found
            body.pictures.append(Picture(src, caption, alt, line_at(text, start, body.first_line)))
            out.append(figure_markdown(src, caption, alt))
        else:
            raw.append(text[position:end])
        position = end
    raw.append(text[position:])
    flush()
    result = "\n\n".join(out) + "\n"
    for block in re.findall(r"^<div>\n[\s\S]*?\n</div>$", result, re.MULTILINE):
        for img in re.finditer(r"<img\b[^>]*>", block, re.IGNORECASE):
            src = attribute(img.group(0), "src")
            if src and _LOCAL.match(src):
                message = (
                    f"picture '{src}' stays inside HTML, where the build does not copy it: make it a Markdown picture"
                )
                body.notices.append(Notice(line_at(body.text, max(body.text.find(src), 0), body.first_line), message))
    return result
