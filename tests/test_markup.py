"""Markdown -> HTML: Chinese heading ids, tables, footnotes, fenced code, attribute lists, figures with captions."""

from __future__ import annotations

import re
from collections.abc import Mapping

import pytest

from sitegen.content.markup import BODY_SIZES, MORE_MARKER, MarkdownRenderer, Picture, Rendered, Targets


def render(text: str, captions: Mapping[str, str] | None = None, language: str = "zh-CN") -> Rendered:
    targets = Targets(picture=Picture, link_url=lambda href: href, captions=captions or {})
    return MarkdownRenderer(language).render(text, targets)


def html(text: str, captions: Mapping[str, str] | None = None) -> str:
    return render(text, captions).html


# --------------------------------------------------------------------------- headings


def test_chinese_headings_get_chinese_ids_without_punctuation() -> None:
    result = render("## 全面推行五项措施,进一步夯实基层治理基础\n\n### 防控一线淬炼，锻造过硬应急尖兵\n")
    assert '<h2 id="全面推行五项措施进一步夯实基层治理基础">全面推行五项措施,进一步夯实基层治理基础</h2>' in result.html
    assert '<h3 id="防控一线淬炼锻造过硬应急尖兵">' in result.html
    assert {"全面推行五项措施进一步夯实基层治理基础", "防控一线淬炼锻造过硬应急尖兵"} <= result.heading_ids


def test_mixed_headings_get_lower_case_hyphenated_ids() -> None:
    assert '<h2 id="hello-world-你好">Hello World 你好</h2>' in html("## Hello World 你好\n")


def test_repeated_headings_get_distinct_ids() -> None:
    ids = re.findall(r'<h2 id="([^"]+)"', html("## 小结\n\n甲\n\n## 小结\n\n乙\n"))
    assert len(ids) == 2
    assert len(set(ids)) == 2
    assert ids[0] == "小结"


def test_a_reused_renderer_does_not_carry_ids_or_footnotes_over() -> None:
    renderer = MarkdownRenderer()
    targets = Targets(Picture, lambda h: h, {})
    renderer.render("## 小结\n\n甲[^1]\n\n[^1]: 注一\n", targets)
    second = renderer.render("## 小结\n\n乙[^1]\n\n[^1]: 注二\n", targets)
    assert '<h2 id="小结">' in second.html
    assert "注一" not in second.html
    assert second.html.count('class="footnote-ref"') == 1


@pytest.mark.parametrize("empty", ["", "\n", "   \n\n\t\n"])
def test_a_reused_renderer_gives_an_empty_body_no_text_of_the_last_article(empty: str) -> None:
    """Python-Markdown returns early for a blank source: its tree processors, which read the text off the tree,
    never run. The summary, word count and search text of an article with no body were the previous article's."""
    renderer = MarkdownRenderer()
    targets = Targets(Picture, lambda h: h, {})
    renderer.render("## 小结\n\n第一篇的正文。\n\n<!--more-->\n\n更多。\n", targets)
    rendered = renderer.render(empty, targets)
    assert (rendered.html, rendered.text, rendered.text_before_more, rendered.full_text) == ("", "", None, "")
    assert rendered.heading_ids == frozenset() and rendered.image_srcs == () and rendered.link_targets == ()


# --------------------------------------------------------------------------- Markdown extensions


def test_tables() -> None:
    out = html("| 项目 | 数量 |\n| --- | --- |\n| 加装电梯 | 12 |\n")
    assert "<table>" in out
    assert "<th>项目</th>" in out
    assert "<td>加装电梯</td>" in out


def test_footnotes_with_backlinks_in_the_site_language() -> None:
    out = html("据统计[^src]。\n\n[^src]: 均禾街道办事处。\n")
    assert '<sup id="fnref:src"><a class="footnote-ref" href="#fn:src">1</a></sup>' in out
    assert '<li id="fn:src">' in out
    assert "均禾街道办事处。" in out
    assert 'title="返回正文第 1 处注释"' in out
    english = render("Text[^1].\n\n[^1]: Note.\n", language="en").html
    assert 'title="Back to footnote 1 in the text"' in english


def test_fenced_code_keeps_its_language_and_is_escaped() -> None:
    out = html('```python\nprint("<b>&</b>")\n```\n')
    assert '<pre><code class="language-python">print(&quot;&lt;b&gt;&amp;&lt;/b&gt;&quot;)' in out


def test_attribute_lists_on_headings_and_paragraphs() -> None:
    out = html("## 改造内容 {: #changes .wide }\n\n一段文字。\n{: .lead }\n")
    assert '<h2 class="wide" id="changes">改造内容</h2>' in out
    assert '<p class="lead">一段文字。</p>' in out
    assert "changes" in render("## 改造内容 {: #changes }\n").heading_ids


def test_text_is_escaped_and_entities_survive() -> None:
    out = html("AT&T 与 1 < 2 &amp; 3 > 2\n")
    assert "AT&amp;T" in out
    assert "1 &lt; 2 &amp; 3 &gt; 2" in out


# --------------------------------------------------------------------------- figures


def test_image_alone_in_its_paragraph_becomes_a_figure_with_the_front_matter_caption() -> None:
    out = html("甲。\n\n![突击队员在述职](a.png)\n\n乙。\n", {"a.png": "党群应急突击队员杜律治"})
    assert (
        '<figure><img alt="突击队员在述职" decoding="async" src="a.png">'
        "<figcaption>党群应急突击队员杜律治</figcaption></figure>" in out
    )


def test_without_a_front_matter_caption_the_alt_text_is_the_caption() -> None:
    out = html("![桃花盛放](b.png)\n", {"a.png": "别的图"})
    assert '<figure><img alt="桃花盛放" decoding="async" src="b.png"><figcaption>桃花盛放</figcaption></figure>' in out


def test_an_empty_front_matter_caption_falls_back_to_the_alt_text() -> None:
    out = html("![桃花盛放](b.png)\n", {"b.png": ""})
    assert "<figcaption>桃花盛放</figcaption>" in out


def test_a_figure_without_alt_or_caption_has_no_figcaption() -> None:
    out = html("![](c.png)\n")
    assert '<figure><img alt="" decoding="async" src="c.png"></figure>' in out
    assert "figcaption" not in out


def test_captions_are_escaped() -> None:
    out = html("![x](a.png)\n", {"a.png": '<script>alert("x")</script> & 更多'})
    assert "<script>" not in out
    assert '<figcaption>&lt;script&gt;alert("x")&lt;/script&gt; &amp; 更多</figcaption>' in out


def test_an_image_inside_running_text_or_a_link_stays_inline() -> None:
    out = html("文字 ![图](a.png) 文字\n\n[![图](b.png)](https://example.org/)\n")
    assert "<figure" not in out
    assert '<p>文字 <img alt="图" decoding="async" src="a.png"> 文字</p>' in out
    assert '<p><a href="https://example.org/"><img alt="图" decoding="async" loading="lazy" src="b.png"></a></p>' in out


def test_consecutive_images_each_alone_in_a_paragraph_become_figures_in_order() -> None:
    out = html("![一](1.png)\n\n![二](2.png)\n\n![三](3.png)\n", {"2.png": "第二张"})
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", out)
    assert captions == ["一", "第二张", "三"]
    assert out.count("<figure>") == 3


def test_a_picture_with_variants_is_a_picture_element_with_size_srcset_and_a_webp_source() -> None:
    picture = Picture("a-640.png", 640, 427, "a-480.png 480w, a-640.png 640w", "a-480.webp 480w, a-640.webp 640w")
    targets = Targets(picture=lambda src: picture, link_url=lambda href: href, captions={"a.png": "说明"})
    out = MarkdownRenderer().render("![图](a.png)\n", targets).html
    assert out == (
        "<figure><picture>"
        f'<source sizes="{BODY_SIZES}" srcset="a-480.webp 480w, a-640.webp 640w" type="image/webp">'
        f'<img alt="图" decoding="async" height="427" sizes="{BODY_SIZES}" src="a-640.png" '
        'srcset="a-480.png 480w, a-640.png 640w" width="640">'
        "</picture><figcaption>说明</figcaption></figure>"
    )


def test_an_inline_picture_element_keeps_its_place_in_the_text() -> None:
    targets = Targets(lambda src: Picture(src, 4, 3, f"{src} 4w", f"{src}.webp 4w"), lambda h: h, {})
    out = MarkdownRenderer().render("甲 ![一](1.png) 乙 ![二](2.png) 丙\n", targets).html
    assert re.fullmatch(r"<p>甲 <picture>.*?</picture> 乙 <picture>.*?</picture> 丙</p>", out)
    assert out.count("<source ") == 2


def test_only_the_first_picture_of_the_body_loads_eagerly() -> None:
    out = html("![一](1.png)\n\n甲。\n\n![二](2.png)\n\n文字 ![三](3.png)\n")
    loading = [re.search(r'loading="(\w+)"', img) for img in re.findall(r"<img [^>]*>", out)]
    assert [m.group(1) if m else None for m in loading] == [None, "lazy", "lazy"]
    assert out.count('decoding="async"') == 3


def test_a_remote_picture_keeps_the_size_its_author_wrote() -> None:
    out = html("![远](https://example.org/p.jpg){width=800 height=600}\n")
    assert 'height="600"' in out and 'width="800"' in out
    assert "<picture>" not in out and "srcset" not in out


def test_image_sources_and_links_are_rewritten_through_the_callbacks() -> None:
    targets = Targets(
        picture=lambda src: Picture("../../" + src if "://" not in src else src),
        link_url=lambda href: href.replace(".md", "/"),
        captions={},
    )
    result = MarkdownRenderer().render("![a](x.png)\n\n[别的文章](other.md) ![远](https://e.org/r.png)\n", targets)
    assert 'src="../../x.png"' in result.html
    assert 'src="https://e.org/r.png"' in result.html
    assert 'href="other/"' in result.html
    assert result.image_srcs == ("x.png", "https://e.org/r.png")


def test_footnote_links_are_not_rewritten() -> None:
    targets = Targets(Picture, lambda href: "REWRITTEN", {})
    out = MarkdownRenderer().render("甲[^1]\n\n[^1]: 注。\n", targets).html
    assert "REWRITTEN" not in out


# --------------------------------------------------------------------------- the summary marker


def split_more(html: str) -> tuple[str, bool]:
    """The HTML before a `<!--more-->` marker, and whether there was one (how a template would cut a body)."""
    before, marker, _ = html.partition(MORE_MARKER)
    return (before, True) if marker else (html, False)


@pytest.mark.parametrize(
    ("text", "before", "found"),
    [
        ("<p>甲。</p>\n<!--more-->\n<p>乙。</p>", "<p>甲。</p>\n", True),
        ("<p>甲。</p>", "<p>甲。</p>", False),
    ],
)
def test_split_more(text: str, before: str, found: bool) -> None:
    assert split_more(text) == (before, found)


def test_the_more_marker_survives_markdown() -> None:
    out = html("甲。\n\n<!--more-->\n\n乙。\n")
    assert split_more(out)[1]
    assert "乙" not in split_more(out)[0]
