"""Columns marked `untrusted: true` (readers' tips): raw HTML in their Markdown is cleaned with nh3; trusted
columns keep raw HTML exactly as written."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from conftest import PNG, REPO_ROOT, MakeSite, article, build_site, only_article

from sitegen.config import load_config, parse_config
from sitegen.errors import ConfigError

UNTRUSTED_YAML = """\
title: 测试站
base_url: https://example.org/sub/
columns:
  - slug: towns
    title: 镇街社区
  - slug: tips
    title: 身边爆料
    untrusted: true
"""
HOSTILE_HTML = """\
<script>alert("s")</script>
<p onclick="alert('c')" style="position:fixed">点击<img src="x.png" onerror="alert('e')" alt="图"></p>
<iframe src="https://evil.example/"></iframe>
<a href="javascript:alert('j')">链接</a> <a href="data:text/html,x">数据</a> <a href="vbscript:x">vb</a>
<form action="https://evil.example/"><input name="pw"></form>
<svg onload="alert('svg')"><script>alert(2)</script></svg>
<style>body{display:none}</style>
<object data="x.swf"></object><embed src="x.swf">
<a href="https://example.org/ok" title="好">正常链接</a>
"""
MARKDOWN = """\
## 小标题

导语，带脚注[^1]和[站外链接](https://example.org/)。

<!--more-->

![现场照片](pic.png)

| 项目 | 数量 |
| :--- | ---: |
| 宣传册 | 300 |

```python
print("<script>")
```

[^1]: 脚注内容。
"""


class Elements(HTMLParser):
    """Every element of a page: (tag, attributes)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def test_the_example_site_marks_its_tips_column_untrusted() -> None:
    config = load_config(REPO_ROOT)
    assert [c.slug for c in config.columns if c.untrusted] == ["tips"]


def test_untrusted_must_be_true_or_false() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(UNTRUSTED_YAML.replace("untrusted: true", "untrusted: 是"))
    assert [e.field for e in caught.value.errors] == ["columns[1].untrusted"]


def test_raw_html_in_an_untrusted_column_is_cleaned(make_site: MakeSite) -> None:
    site = make_site({"site.yaml": UNTRUSTED_YAML, "content/tips/a.md": article(body=HOSTILE_HTML)})
    html = str(only_article(site).body_html)
    elements = Elements(html).found
    tags = {tag for tag, _ in elements}
    assert not tags & {"script", "iframe", "form", "input", "svg", "style", "object", "embed"}, tags
    for tag, attributes in elements:
        assert not any(name.startswith("on") or name == "style" for name in attributes), (tag, attributes)
        for name in ("href", "src"):
            value = (attributes.get(name) or "").strip().lower()
            assert not value.startswith(("javascript:", "data:", "vbscript:")), (tag, attributes)
    assert 'alert("s")' not in html and "body{display:none}" not in html  # contents of scripts and styles go too
    assert '<a href="https://example.org/ok" title="好">正常链接</a>' in html
    assert '<img src="x.png" alt="图">' in html


def test_a_markdown_javascript_link_in_an_untrusted_column_is_removed_not_an_error(make_site: MakeSite) -> None:
    site = make_site({"site.yaml": UNTRUSTED_YAML, "content/tips/a.md": article(body="[点我](javascript:alert(1))\n")})
    html = str(only_article(site).body_html)
    assert "javascript" not in html and "点我" in html


def test_trusted_columns_keep_raw_html_exactly_as_written(make_site: MakeSite) -> None:
    site = make_site({"site.yaml": UNTRUSTED_YAML, "content/towns/a.md": article(body=HOSTILE_HTML)})
    html = str(only_article(site).body_html)
    for written in ['<script>alert("s")</script>', """<p onclick="alert('c')" style="position:fixed">""",
                    """<img src="x.png" onerror="alert('e')" alt="图">""", '<iframe src="https://evil.example/">',
                    """<a href="javascript:alert('j')">""", '<a href="data:text/html,x">', '<input name="pw">',
                    """<svg onload="alert('svg')"><script>alert(2)</script></svg>""",
                    "<style>body{display:none}</style>",
                    '<object data="x.swf"></object>', '<embed src="x.swf">']:  # fmt: skip
        assert written in html, written


@pytest.mark.parametrize("column", ["towns", "tips"])
def test_what_our_markdown_makes_survives_the_cleaning(make_site: MakeSite, column: str) -> None:
    site = make_site(
        {
            "site.yaml": UNTRUSTED_YAML,
            f"content/{column}/a.md": article(body=MARKDOWN),
            f"content/{column}/pic.png": PNG,
        }
    )
    a = only_article(site)
    html = str(a.body_html)
    assert '<h2 id="小标题">小标题</h2>' in html
    assert "<figure><picture><source" in html and "<img" in html and 'alt="现场照片"' in html
    assert "<figcaption>现场照片</figcaption>" in html
    assert 'srcset="' in html and 'width="64"' in html and 'height="48"' in html
    elements = Elements(html).found
    assert ("div", {"aria-label": "表格", "class": "table-wrap", "role": "region", "tabindex": "0"}) in elements
    assert "text-align" in html  # column alignment
    assert '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>' in html
    assert 'class="footnote"' in html and 'id="fn:1"' in html and 'class="footnote-backref"' in html
    assert 'class="language-python"' in html and "&lt;script&gt;" in html
    assert '<a href="https://example.org/">站外链接</a>' in html
    assert a.summary == "导语，带脚注和站外链接。"  # <!--more--> still ends the summary
    build_site(site)
    page = (site / "public" / a.output_path).read_text(encoding="utf-8")
    assert 'src="pic.png"' in page or 'src="../pic.png"' in page or "pic.png" in page


def test_the_same_body_renders_the_same_in_both_kinds_of_column_when_it_has_no_raw_html(make_site: MakeSite) -> None:
    """The allow-list keeps everything Python-Markdown and our figure/table/footnote steps make."""
    bodies = {}
    for column in ("towns", "tips"):
        site = make_site({"site.yaml": UNTRUSTED_YAML, f"content/{column}/a.md": article(body=MARKDOWN),
                          f"content/{column}/pic.png": PNG})  # fmt: skip
        bodies[column] = Elements(str(only_article(site).body_html)).found
        (site / f"content/{column}/a.md").unlink()
    normalise = [(tag, {k: (v or "").replace(" ", "").rstrip(";") for k, v in a.items()}) for tag, a in bodies["towns"]]
    assert [(t, {k: (v or "").replace(" ", "").rstrip(";") for k, v in a.items()}) for t, a in bodies["tips"]] == (
        normalise
    )


def test_cleaned_pictures_stay_valid_html() -> None:
    """A picture whose only source was a javascript: URL goes; one without alt text gets an empty alt."""
    from sitegen.content.sanitize import clean_html

    html = clean_html('<img src="javascript:alert(1)" alt="a"><img src="x.png"><img src="y.png" alt="说明">')
    assert html == '<img src="x.png" alt=""><img src="y.png" alt="说明">'


def test_a_figure_whose_picture_was_refused_goes_with_its_caption(make_site: MakeSite) -> None:
    """A data: picture is not allowed in an untrusted column: its figure (a caption of nothing) goes too."""
    body = "正文。\n\n![现场](data:image/png;base64,iVBORw0KGgo=)\n\n![另一张](x.png)\n\n说明\n"
    site = make_site({"site.yaml": UNTRUSTED_YAML, "content/tips/a.md": article(body=body), "content/tips/x.png": PNG})
    html = str(only_article(site).body_html)
    assert "现场" not in html and "data:" not in html
    assert html.count("<figure") == html.count("</figure>") == 1 and "另一张" in html


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_sitegen_init_marks_the_tips_column_untrusted(tmp_path, language: str) -> None:
    from sitegen.scaffold import init_site

    init_site(tmp_path / "new", language)
    assert [c.slug for c in load_config(tmp_path / "new").columns if c.untrusted] == ["tips"]
