"""Reader-visible running text of an HTML fragment: a test oracle (sitegen reads summaries off the Markdown tree)."""

from __future__ import annotations

from html.parser import HTMLParser

from sitegen.content.text import without_controls

_SKIPPED = frozenset({"figure", "figcaption", "pre", "table", "sup", "script", "style", "h1", "h2", "h3",
                      "h4", "h5", "h6", "template"})  # fmt: skip
_BLOCKS = frozenset({"p", "li", "blockquote", "div", "br", "dd", "dt", "tr", "td", "th", "section", "article",
                     "h1", "h2", "h3", "h4", "h5", "h6", "figure", "figcaption", "pre", "table", "ul", "ol",
                     "hr"})  # fmt: skip
_VOID = frozenset({"br", "img", "hr", "input", "meta", "link", "source", "wbr", "area", "col", "embed"})


class _TextCollector(HTMLParser):
    """Reader-visible running text: paragraphs and lists, without figures, code, tables and headings."""

    def __init__(self, skipped: frozenset[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.skipped = skipped
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, skips its content)

    def _skipping(self) -> bool:
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")
        if tag in _VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        self.stack.append((tag, tag in self.skipped or "footnote" in classes))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping():
            self.parts.append(data)


def html_to_text(html: str, skipped: frozenset[str] = _SKIPPED) -> str:
    """Running text of an HTML fragment, one line per block, whitespace folded; `skipped` elements left out."""
    collector = _TextCollector(skipped)
    collector.feed(html)
    collector.close()
    lines = (" ".join(line.split()) for line in without_controls("".join(collector.parts)).split("\n"))
    return "\n".join(line for line in lines if line)
