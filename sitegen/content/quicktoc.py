"""Python-Markdown's table-of-contents extension, without the table when no `[TOC]` marker asks for it.

sitegen uses the extension for the ids of headings (and the list of them, `md.toc_tokens`). For every body it also
builds the table as HTML (`md.toc`, which sitegen never reads) and walks the whole tree, text of every element
joined, looking for the marker. Both are skipped when no element's text holds the marker: the body is the same.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from typing import Any

from markdown.extensions.toc import TocExtension, TocTreeprocessor


class QuickTocTreeprocessor(TocTreeprocessor):
    """Heading ids and `md.toc_tokens` as ever; the table only for a body with the marker (`md.toc` is otherwise
    an empty `<div>`)."""

    marked = True

    def run(self, doc: etree.Element) -> None:
        # a marker the extension would replace is the whole text of an element: it is in some element's text
        self.marked = bool(self.marker) and any(self.marker in (element.text or "") for element in doc.iter())
        super().run(doc)

    def build_toc_div(self, toc_list: list[Any]) -> etree.Element:
        return super().build_toc_div(toc_list) if self.marked else etree.Element("div")

    def replace_marker(self, root: etree.Element, elem: etree.Element) -> None:
        if self.marked:
            super().replace_marker(root, elem)


class QuickTocExtension(TocExtension):
    TreeProcessorClass = QuickTocTreeprocessor
