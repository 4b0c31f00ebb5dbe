"""Hostile content in every field reaches every output file escaped, never live.

One site carries markup, `</script>`, `javascript:` URLs and control characters in every front-matter field (and
in the site's own titles, a file name, the body of a trusted and of an untrusted column). It is built with feeds
(full content) and the sitemap; then EVERY output file is read: HTML is parsed and its real elements and
attributes are inspected (not substrings), JSON-LD and XML are parsed, and no file carries a control character.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import FIXED_NOW, PNG

from sitegen.build.api import BuildOptions, build
from sitegen.content.text import CONTROLS
from sitegen.errors import BuildFailed

CONTROL_CHARS = "\x00\x01\x08\x0b\x0c\x1b\x7f\x85\x9f\ufffe"
HOSTILE = (
    "<script>alert(1)</script>\"><img src=x onerror=alert(2)>'><svg onload=alert(3)>"
    "</script><script>alert(4)</script>javascript:alert(5)"
    + CONTROL_CHARS
    + "]]><!-- --> {{ 7*7 }} &amp; \u2028 </title></textarea></style>"
)
SHOWN = re.sub(f"[{CONTROL_CHARS}]", "", HOSTILE)  # what readers see: the text, control characters dropped


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON is one): every control character written as an escape (\\u007f)."""
    escaped = json.dumps(text, ensure_ascii=False).replace("\u2028", "\\u2028")  # a line break to YAML
    return CONTROLS.sub(lambda m: f"\\u{ord(m.group(0)):04x}", escaped)


def hostile(label: str) -> str:
    return f"{label}{HOSTILE}"


SITE_YAML = f"""\
title: {q(hostile("站名"))}
description: {q(hostile("站点描述"))}
base_url: https://example.org/sub/
page_size: 1
feed_full_content: true
columns:
  - slug: towns
    title: {q(hostile("镇街"))}
    description: {q(hostile("栏目描述"))}
  - slug: tips
    title: {q(hostile("爆料"))}
    untrusted: true
editions:  # every page again in Traditional characters: converted text is escaped all the same
  - language: zh-Hant-HK
    phrases: {{{q(hostile("标签"))}: {q(hostile("標籤"))}}}
"""

RAW_EDITOR = "编辑\x01\x7f\x1b\x85原始 <script>alert(0)</script>"  # raw control characters, not YAML escapes
FRONT_MATTER = f"""\
title: {q(hostile("标题"))}
date: 2024-05-01 08:00
source: {q(hostile("出处"))}
author: [{q(hostile("作者甲"))}, {q(hostile("作者乙"))}]
editor: {RAW_EDITOR}
views: 12
tags: [{q(hostile("标签"))}, {q("javascript:alert(6)")}, {q("<b>粗</b>")}]
summary: {q(hostile("摘要"))}
images:
  - src: pic.png
    caption: {q(hostile("图注"))}
    alt: {q(hostile("替代文字"))}
  - src: https://example.org/x.png?a=%22%3E%3Cscript%3Ealert(7)%3C/script%3E&b=javascript:alert(7)
    caption: {q(hostile("远程图注"))}
note: {q(hostile("附加"))}
{q(hostile("键"))}: {q(hostile("值"))}
"""

TRUSTED_BODY = f"""\
正文里的文字 &lt;script&gt;alert(8)&lt;/script&gt; 和 `</script><script>alert(9)</script>` 与 &lt;b&gt;。

## 标题里的 `<img src=x onerror=alert(10)>`

![{SHOWN[:60].replace("]", "")}](pic.png "title\\" onmouseover=\\"alert(11)")

[链接](https://example.org/?q=%22%3E%3Cscript%3Ealert(12)%3C/script%3E "\\"onclick=alert(13)")

```html
</script><script>alert(14)</script>
```
"""

UNTRUSTED_BODY = f"""\
读者爆料：{SHOWN}

<script>alert(20)</script>
<p onclick="alert(21)">段落<img src="pic.png" onerror="alert(22)" alt="图"></p>
<a href="javascript:alert(23)">坏链接</a> <a href="JaVaScRiPt&colon;alert(24)">坏链接二</a>
<iframe src="https://evil.example/"></iframe><form action="javascript:alert(25)"><button>按钮</button></form>
<svg><script>alert(26)</script></svg><math><mi xlink:href="javascript:alert(27)">x</mi></math>
<meta http-equiv="refresh" content="0;url=javascript:alert(28)">
<object data="javascript:alert(29)"></object><embed src="javascript:alert(30)">
<style>body {{ display: none }}</style><base href="https://evil.example/">

[Markdown 链接](javascript:alert(31)) ![图](javascript:alert(32))
"""

DANGEROUS_TAGS = {"script", "iframe", "frame", "object", "embed", "svg", "math", "form", "base", "style", "meta"}
IMAGE_OR_URL = ("url", "image")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "srcset", "data", "poster", "xlink:href", "content"}


class Page(HTMLParser):
    """The real elements of an HTML page, with the text of its <script> blocks."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[tuple[dict[str, str], str]] = []
        self._script: dict[str, str] | None = None
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self.elements.append((tag, attributes))
        if tag == "script":
            self._script = attributes
            self.scripts.append((attributes, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            attributes, text = self.scripts[-1]
            self.scripts[-1] = (attributes, text + data)
        else:
            self.text.append(data)


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("hostile") / "site"
    files: dict[str, str | bytes] = {
        "site.yaml": SITE_YAML,
        "content/towns/2024/hostile.md": f"---\n{FRONT_MATTER}---\n\n{TRUSTED_BODY}",
        "content/towns/2024/pic.png": PNG,
        'content/towns/2024/"><svg onload=alert(40)>.md': f"---\ntitle: {q(hostile('文件名'))}\ndate: 2024-04-01\n"
        f"---\n\n正文。\n",
        "content/tips/2024/tip.md": f"---\n{FRONT_MATTER}---\n\n{UNTRUSTED_BODY}",
        "content/tips/2024/pic.png": PNG,
    }
    for relative, content in files.items():
        path = site / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    out = site.parent / "public"
    build(site, BuildOptions(output_dir=out, now=FIXED_NOW))
    return out


def files_of(output: Path, *suffixes: str) -> list[Path]:
    found = sorted(p for p in output.rglob("*") if p.is_file() and (not suffixes or p.suffix in suffixes))
    assert found, f"no {suffixes} files in {output}"
    return found


def test_the_site_has_every_kind_of_output(output: Path) -> None:
    names = {p.relative_to(output).as_posix() for p in files_of(output)}
    for expected in ["index.html", "404.html", "feed.xml", "sitemap.xml", "robots.txt", "towns/feed.xml",
                     "tips/feed.xml", "tags/index.html", "towns/2024/05/hostile/index.html",
                     "tips/2024/05/tip/index.html", "towns/page/2/index.html", "zh-hant/feed.xml",
                     "zh-hant/towns/2024/05/hostile/index.html", "zh-hant/sitemap.xml"]:  # fmt: skip
        assert expected in names, sorted(names)
    assert any(name.startswith("tags/") and name != "tags/index.html" for name in names)


def test_no_file_carries_a_control_character(output: Path) -> None:
    for path in files_of(output, ".html", ".xml", ".txt", ".css", ".json"):
        text = path.read_text(encoding="utf-8")
        found = CONTROLS.search(text)
        assert found is None, f"{path.relative_to(output)}: {found.group(0)!r} at {found.start()}"


def test_no_page_has_a_live_script_element_or_handler(output: Path) -> None:
    pages = files_of(output, ".html")
    assert len(pages) >= 10
    for path in pages:
        page = Page(path.read_text(encoding="utf-8"))
        where = path.relative_to(output).as_posix()
        for tag, attributes in page.elements:
            assert tag not in DANGEROUS_TAGS - {"script", "meta", "form"}, f"{where}: <{tag} {attributes}>"
            if tag == "form":  # the theme's search box, and nothing else
                assert attributes.get("role") == "search", f"{where}: <form {attributes}>"
                action = attributes.get("action") or ""
                on_search_page = where in ("search/index.html", "zh-hant/search/index.html") and action == "./"
                assert action.endswith("search/") or on_search_page, f"{where}: <form {attributes}>"
            if tag == "script":  # JSON-LD, or the theme's own scripts: search, the accessibility toolbar
                theme_script = set(attributes) <= {"src", "defer"} and attributes.get("src", "").endswith(
                    ("assets/search.js", "assets/search-fold.js", "assets/a11y-init.js", "assets/a11y.js")
                )
                assert attributes == {"type": "application/ld+json"} or theme_script, f"{where}: <script {attributes}>"
            if tag == "meta":
                assert "http-equiv" not in attributes, f"{where}: <meta {attributes}>"
            handlers = [name for name in attributes if name.startswith("on")]
            assert not handlers, f"{where}: <{tag}> has {handlers}"
            for name in URL_ATTRIBUTES & attributes.keys():
                if tag == "meta" and name == "content" and not attributes.get("property", "").endswith(IMAGE_OR_URL):
                    continue  # the text of a description or title, not a URL
                value = re.sub(r"[\x00-\x20]", "", attributes[name]).lower()
                assert not value.startswith(("javascript:", "vbscript:", "data:")), f"{where}: <{tag} {name}={value}>"
        inline = [text for attributes, text in page.scripts if "src" not in attributes]
        assert len(inline) <= 1, f"{where}: {len(inline)} inline script blocks (JSON-LD only)"


def test_json_ld_parses_and_holds_the_original_strings(output: Path) -> None:
    blocks = 0
    for path in files_of(output, ".html"):
        html = path.read_text(encoding="utf-8")
        for attributes, text in Page(html).scripts:
            if attributes.get("type") != "application/ld+json":
                continue  # the theme's scripts (search, accessibility toolbar), empty elements with a src
            blocks += 1
            assert "</" not in text and "<!--" not in text, path
            data = json.loads(text)
            assert data["@context"] == "https://schema.org"
    assert blocks >= 8
    article = Page((output / "towns/2024/05/hostile/index.html").read_text(encoding="utf-8"))
    ((_, text),) = [(a, t) for a, t in article.scripts if a.get("type") == "application/ld+json"]
    data = json.loads(text)
    assert data["headline"] == "标题" + SHOWN
    assert [a["name"] for a in data["author"]] == ["作者甲" + SHOWN, "作者乙" + SHOWN]
    assert data["keywords"] == ["标签" + SHOWN, "javascript:alert(6)", "<b>粗</b>"]
    assert data["description"] == "摘要" + SHOWN


def test_hostile_text_is_shown_as_text(output: Path) -> None:
    article = Page((output / "towns/2024/05/hostile/index.html").read_text(encoding="utf-8"))
    text = "".join(article.text)
    for label in ("标题", "出处", "作者甲", "作者乙", "标签", "图注"):
        assert label + SHOWN.split("\u2028")[0] in text, label
    assert "编辑原始 <script>alert(0)</script>" in text  # raw control characters dropped, markup shown as text
    tip = Page((output / "tips/2024/05/tip/index.html").read_text(encoding="utf-8"))
    assert "标题" + SHOWN.split("\u2028")[0] in "".join(tip.text)  # front matter is text in every column


def test_the_untrusted_body_keeps_its_text_and_loses_its_markup(output: Path) -> None:
    html = (output / "tips/2024/05/tip/index.html").read_text(encoding="utf-8")
    page = Page(html)
    text = "".join(page.text)
    for words in ("段落", "坏链接", "坏链接二", "按钮", "Markdown 链接"):
        assert words in text, words
    links = [a for tag, a in page.elements if tag == "a" and "坏" in html]
    assert all(not a.get("href", "").lower().startswith("javascript") for a in links)


def test_xml_files_parse_and_carry_the_strings(output: Path) -> None:
    for path in files_of(output, ".xml"):
        ET.parse(path)  # raises on anything that is not well-formed XML
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(output / "towns/feed.xml").getroot()
    titles = [e.findtext(f"{atom}title") for e in feed.iter(f"{atom}entry")]
    assert "标题" + SHOWN in titles
    for entry in feed.iter(f"{atom}entry"):
        content = entry.find(f"{atom}content")
        assert content is not None and content.get("type") == "html"
    urls = [
        e.text
        for e in ET.parse(output / "sitemap.xml").getroot().iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    ]
    assert all(u and u.startswith("https://example.org/sub/") and " " not in u and '"' not in u for u in urls)


def test_the_feed_content_is_escaped_html_without_scripts(output: Path) -> None:
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(output / "tips/feed.xml").getroot()
    (entry,) = list(feed.iter(f"{atom}entry"))
    body = entry.findtext(f"{atom}content") or ""
    page = Page(body)
    assert not [tag for tag, _ in page.elements if tag in DANGEROUS_TAGS]
    assert not [name for _, a in page.elements for name in a if name.startswith("on")]


@pytest.mark.parametrize("untrusted", [False, True])
def test_control_characters_written_as_references_are_dropped_too(untrusted: bool) -> None:
    """Found by the property tests: `&#x1;` in a body reached the summary (and so the home page) as a raw U+0001."""
    from text_support import html_to_text

    from sitegen.content.markup import MarkdownRenderer, Picture, Targets

    body = "甲&#x1;乙&#0;丙&#x85;丁&#127;戊 &#65;&#x4e2d;"
    html = (
        MarkdownRenderer().render(body, Targets(picture=Picture, link_url=str, captions={}), untrusted=untrusted).html
    )
    assert html_to_text(html) == "甲乙丙丁戊 A中"
    assert not CONTROLS.search(html)


def test_a_remote_picture_url_that_is_no_url_is_an_error(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content/towns").mkdir(parents=True)
    (site / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    images = 'images: ["https://example.org/x.png?a=\\"><script>alert(1)</script>"]'
    (site / "content/towns/a.md").write_text(f"---\ntitle: 题\ndate: 2024-01-02\n{images}\n---\n正文。\n", "utf-8")
    with pytest.raises(BuildFailed) as caught:
        build(site, BuildOptions(output_dir=tmp_path / "public", now=FIXED_NOW))
    (error,) = caught.value.errors
    assert error.text("en").startswith("content/towns/a.md:4: images: picture 'https://example.org/x.png?a=\"><script>")
    assert error.text("en").endswith("is not a valid URL: it holds '\"'")


def test_the_editions_converted_strings_and_dictionary_stay_escaped(output: Path) -> None:
    """The Traditional edition converts the hostile strings (and its dictionary writes some): still only text."""
    article = Page((output / "zh-hant/towns/2024/05/hostile/index.html").read_text(encoding="utf-8"))
    (text,) = [text for attributes, text in article.scripts if "src" not in attributes]  # JSON-LD; the rest: files
    data = json.loads(text)
    assert data["headline"] == "標題" + SHOWN
    assert data["keywords"] == ["標籤" + SHOWN, "javascript:alert(6)", "<b>粗</b>"]
    assert data["inLanguage"] == "zh-Hant-HK"
