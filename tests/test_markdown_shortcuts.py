"""The shortcuts through Python-Markdown (quick inline pass, table of contents only when asked for): the same
body as its own passes give, for any text."""

from __future__ import annotations

import re

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.content.markup import MarkdownRenderer, MarkupError, Rendered, Targets
from sitegen.content.quickinline import NEEDS, install, installed, may_match
from sitegen.model import Picture

# what inline patterns react to, with text around it
PIECES = ("均", "禾", "a", "1", " ", "  ", "\n", "\n\n", "\t", "\\", "`", "[", "]", "(", ")", "!", "<", ">", "&", ";",
          "#", "*", "_", "^", ":", "/", "@", "=", '"', "'", "-", "{", "}", ".", "x://", "&amp;", "[^1]", "[^1]: 注",
          "![图](a.png)", "[链](b.md)", "<b>", "</b>", "<!--more-->", "http://e.org", "[TOC]", "# ", "> ", "- ", "1. ",
          "    ", "```", "|", "---", "~~~")  # fmt: skip
MARKDOWN_TEXT = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


def _render(renderer: MarkdownRenderer, text: str) -> Rendered | str:
    targets = Targets(picture=Picture, link_url=lambda href: href, captions={})
    try:
        return renderer.render(text, targets)
    except MarkupError as exc:
        return exc.message


def test_the_renderer_uses_the_quick_pass_for_the_installed_python_markdown() -> None:
    # fails when a Python-Markdown release changes an inline pattern: add its regex to NEEDS (the output is right
    # either way; only the shortcut is off)
    renderer = MarkdownRenderer()
    assert installed(renderer._md)


def test_an_unknown_inline_pattern_switches_the_shortcut_off() -> None:
    md = markdown.Markdown(extensions=["nl2br"])  # a pattern of its own: every line end becomes <br>
    assert may_match(md) is None
    assert install(md) is False
    assert not installed(md)


@given(MARKDOWN_TEXT)
@settings(max_examples=400, deadline=None)
def test_every_match_of_a_known_pattern_holds_what_the_shortcut_looks_for(text: str) -> None:
    for source, need in NEEDS.items():
        for match in re.compile(source, re.DOTALL | re.UNICODE).finditer(text):
            assert re.search(need, match.group(0)), (source, match.group(0))


# mostly plain text with one or two marks: where a wrong shortcut would show
SPARSE_TEXT = st.lists(
    st.sampled_from(["均禾", "a", " ", "\n"] * 6 + list("_*\\`<>&[]!();:/@#") + ["  \n"]), max_size=30
).map("".join)


@given(MARKDOWN_TEXT | SPARSE_TEXT)
@settings(max_examples=500, deadline=None)
def test_the_quick_pass_renders_what_python_markdown_renders(text: str) -> None:
    assert _render(QUICK, text) == _render(PLAIN, text)


def test_the_example_bodies_render_the_same() -> None:
    plain = MarkdownRenderer(shortcuts=False)
    quick = MarkdownRenderer()
    text = (
        "## 标题 *强调*\n\n均禾街道 **加粗** `代码` [链接](a.md) ![图](b.png)  \n换行 &amp; <span>x</span>\n\n[TOC]\n"
    )
    assert _render(quick, text) == _render(plain, text)
    assert isinstance(_render(quick, text), Rendered)


QUICK = MarkdownRenderer()
PLAIN = MarkdownRenderer(shortcuts=False)


def test_a_toc_marker_still_gets_its_table() -> None:
    text = "[TOC]\n\n## 第一节\n\n正文\n\n### 小节 *一*\n\n## 第一节\n"
    quick = _render(QUICK, text)
    assert isinstance(quick, Rendered)
    assert '<div class="toc">' in quick.html and 'href="#第一节_1"' in quick.html
    assert quick == _render(PLAIN, text)
    assert quick.heading_ids == {"第一节", "小节-一", "第一节_1"}


def test_without_a_marker_no_table_is_built() -> None:
    renderer = MarkdownRenderer()
    _render(renderer, "## 第一节\n\n正文 [TOC] 在句中\n")  # not alone in its paragraph: no table there either
    assert renderer._md.toc_tokens[0]["id"] == "第一节"  # type: ignore[attr-defined]
    _render(renderer, "## 第一节\n\n正文\n")
    assert renderer._md.toc == "<div></div>"  # type: ignore[attr-defined]  # the table nobody asked for
