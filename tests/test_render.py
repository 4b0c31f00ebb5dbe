"""Rendering: article, column, home and 404 pages; labels per language; navigation; the Jinja environment
(autoescape, StrictUndefined, site templates over the theme, `theme/` extends)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import PNG, SITE_YAML, MakeSite, article, build_site, page

from sitegen.errors import BuildFailed
from sitegen.render.pages import date_text, isodate


def nav_blocks(html: str) -> list[str]:
    return re.findall(r"<nav class=\"(?:site|footer)-nav\".*?</nav>", html, re.S)


def current_items(html: str) -> list[str]:
    """The titles of nav links marked aria-current, per navigation block."""
    found = []
    for nav in nav_blocks(html):
        found.append(re.findall(r'<a href="[^"]*" aria-current="page">([^<]*)</a>', nav))
    return [",".join(items) for items in found]


def text_of(html: str) -> str:
    """Visible-ish text: tags removed, white space folded."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def news_site(make_site: MakeSite) -> Path:
    """Three towns articles (one with pictures and full metadata), one tip, an empty second page of nothing."""
    full = (
        "---\n"
        "title: 白云均禾：激活党建引擎\n"
        "date: 2022-12-12 08:30\n"
        "source: 均禾街道\n"
        "author: [李嘉欣, 周晓彤]\n"
        "editor: 叶安怡\n"
        "views: 314\n"
        "tags: [党建引领, 基层治理]\n"
        "images:\n"
        "  - src: a.png\n"
        "    caption: 党群应急突击队员杜律治\n"
        "  - src: b.png\n"
        "    caption: 会后合影\n"
        "---\n\n"
        "导语。\n\n<!--more-->\n\n## 全面推行五项措施\n\n正文。\n\n![述职](a.png)\n\n## 防控一线淬炼\n\n正文二。\n"
    )
    return make_site(
        {
            "content/towns/2022/full.md": full,
            "content/towns/2022/a.png": PNG,
            "content/towns/2022/b.png": PNG,
            "content/towns/older.md": article("较早的文章", "2022-11-01", views="20"),
            "content/towns/newer.md": article("较新的文章", "2023-01-05", views="5000"),
            "content/tips/tip.md": article("一条爆料", "2023-02-01", summary="爆料摘要。"),
        }
    )


@pytest.fixture
def built(news_site: Path) -> Path:
    build_site(news_site)
    return news_site / "public"


# --------------------------------------------------------------------------- article page


def test_article_page_shows_every_part_in_order(built: Path) -> None:
    html = page(built, "towns/2022/12/full/")
    main = text_of(html[html.index("<main") : html.index("</main>")])
    parts = [
        "镇街社区",
        "白云均禾：激活党建引擎",
        "文章出处：均禾街道",
        "作者： 李嘉欣 、 周晓彤",  # each name links to their author page
        "阅读量：314",
        "发表时间： 2022-12-12 08:30",
        "导语。",
        "全面推行五项措施",
        "党群应急突击队员杜律治",
        "防控一线淬炼",
        "会后合影",
        "编辑： 叶安怡",
        "党建引领",
        "基层治理",
    ]
    positions = [main.find(part) for part in parts]
    assert -1 not in positions, [p for p, i in zip(parts, positions, strict=True) if i < 0]
    assert positions == sorted(positions), parts
    assert '<time datetime="2022-12-12T08:30:00+08:00">2022-12-12 08:30</time>' in html
    assert '<h1 class="article-title">白云均禾：激活党建引擎</h1>' in html
    assert '<h2 id="全面推行五项措施">全面推行五项措施</h2>' in html


def test_article_page_links_its_column_and_its_neighbours(built: Path) -> None:
    html = page(built, "towns/2022/12/full/")
    assert '<a href="../../../">镇街社区</a>' in html
    prev = re.search(r'<a class="prev" href="([^"]+)" rel="prev">', html)
    nxt = re.search(r'<a class="next" href="([^"]+)" rel="next">', html)
    assert prev is not None and prev.group(1) == "../../11/older/"
    assert nxt is not None and nxt.group(1) == "../../../2023/01/newer/"
    assert "一条爆料" not in html  # neighbours come from the same column only


def test_front_matter_pictures_not_in_the_body_are_shown_after_the_body(built: Path) -> None:
    html = page(built, "towns/2022/12/full/")
    body_end = html.index("防控一线淬炼</h2>")
    extra = re.search(r'<img [^>]*src="../../b-[0-9a-f]{8}-64.png"', html)
    editor = html.index('编辑：<a href="../../../../authors/ye-an-yi/">叶安怡</a>')
    assert extra is not None and body_end < extra.start() < editor
    assert len(re.findall(r'<img [^>]*src="../../a-[0-9a-f]{8}-64.png"', html)) == 1  # in the body, not repeated
    assert (built / "towns/2022/b.png").read_bytes() == PNG


def test_body_figure_has_the_front_matter_caption(built: Path) -> None:
    html = page(built, "towns/2022/12/full/")
    assert re.search(
        r'<figure><picture><source [^>]*type="image/webp"><img alt="述职" [^>]*src="../../a-[0-9a-f]{8}-64.png"[^>]*>'
        r"</picture><figcaption>党群应急突击队员杜律治</figcaption></figure>",
        html,
    )


def test_english_site_uses_english_labels(make_site: MakeSite) -> None:
    site = make_site(
        {
            "site.yaml": SITE_YAML.replace("language: zh-CN", "language: en"),
            "content/towns/a.md": article("Title", source="Newsroom", author="Ann", editor="Bo", views="7"),
        }
    )
    build_site(site)
    html = page(site / "public", "towns/2024/01/a/")
    assert '<html lang="en">' in html
    for label in ("Source: Newsroom", "Author: Ann", "Views: 7", "Published: ", "Editor: Bo"):
        assert label in text_of(html), label
    assert "阅读量" not in html


def test_chinese_site_uses_chinese_labels(built: Path) -> None:
    html = page(built, "towns/2022/12/full/")
    assert '<html lang="zh-CN">' in html
    for label in ("文章出处", "作者", "阅读量", "发表时间", "编辑"):
        assert f"{label}：" in html


def test_text_from_front_matter_is_escaped_and_body_html_is_not(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/towns/a.md": article(
                "'<script>alert(1)</script> & 更多'", source="'<b>来源</b>'", body="**粗体** 与 <em>斜体</em>"
            )
        }
    )
    build_site(site)
    html = page(site / "public", "towns/2024/01/a/")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; 更多" in html
    assert "&lt;b&gt;来源&lt;/b&gt;" in html
    assert "<strong>粗体</strong> 与 <em>斜体</em>" in html
    column = page(site / "public", "towns/")
    assert "<script>alert(1)</script>" not in column
    assert "&lt;script&gt;" in column


# --------------------------------------------------------------------------- column pages


def test_column_index_lists_newest_first_with_title_date_summary_and_thumbnail(built: Path) -> None:
    html = page(built, "towns/")
    titles = re.findall(r'<h2 class="card-title"><a href="([^"]+)">([^<]+)</a></h2>', html)
    assert titles == [("2023/01/newer/", "较新的文章"), ("2022/12/full/", "白云均禾：激活党建引擎")]  # page_size 2
    assert '<time datetime="2023-01-05T00:00:00+08:00">2023-01-05</time>' in html
    assert "导语。" in html  # the summary ends at <!--more-->
    assert re.search(r'<img class="card-thumb" src="2022/a-[0-9a-f]{8}-64x48.png"', html)  # the thumbnail


def test_column_index_is_paginated(built: Path) -> None:
    first, second = page(built, "towns/"), page(built, "towns/page/2/")
    assert "较早的文章" not in first
    assert '<a href="../../2022/11/older/">较早的文章</a>' in second
    assert 'href="page/2/"' in first
    assert 'href="../../"' in second  # back to page 1
    assert not (built / "towns/page/3").exists()
    assert not (built / "towns/page/1").exists()


def test_a_long_column_links_its_first_and_last_pages_and_the_pages_around_this_one(make_site: MakeSite) -> None:
    site = make_site({f"content/towns/a{n:02}.md": article(f"第{n}篇", f"2024-01-{n:02}") for n in range(1, 25)})
    build_site(site)  # page_size 2: 12 pages
    middle = page(site / "public", "towns/page/6/")
    numbers = re.findall(r'class="page-number"[^>]*>(\d+)</a>', middle)
    assert numbers == ["1", "4", "5", "6", "7", "8", "12"]
    assert middle.count('<li class="page-gap" aria-hidden="true">…</li>') == 2
    assert re.search(r'aria-current="page">6</a>', middle)
    assert 'rel="prev"' in middle and 'rel="next"' in middle
    first = page(site / "public", "towns/")
    assert re.findall(r'class="page-number"[^>]*>(\d+)</a>', first) == ["1", "2", "3", "12"]


def test_an_empty_column_gets_its_page(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article()})
    build_site(site)
    html = page(site / "public", "tips/")
    assert "<h1>身边爆料</h1>" in html
    assert "本栏目暂无文章。" in html


# --------------------------------------------------------------------------- home and 404


def test_home_page_has_latest_a_block_per_column_and_most_read(built: Path) -> None:
    html = page(built, "")
    latest = html[html.index('id="latest-title"') : html.index('class="column-blocks"')]
    assert [t for t in re.findall(r">([^<>]+)</a></h3>", latest)] == [
        "一条爆料",
        "较新的文章",
        "白云均禾：激活党建引擎",
        "较早的文章",
    ]
    blocks = html[html.index('class="column-blocks"') : html.index('id="most-read-title"')]
    assert blocks.index("镇街社区") < blocks.index("较新的文章") < blocks.index("身边爆料") < blocks.index("一条爆料")
    most_read = html[html.index('id="most-read-title"') :]
    order = [most_read.index(t) for t in ("较新的文章", "白云均禾：激活党建引擎", "较早的文章")]
    assert order == sorted(order)


def test_404_page_links_from_the_site_root_under_the_sub_path(built: Path) -> None:
    html = (built / "404.html").read_text(encoding="utf-8")
    assert "页面未找到" in html
    assert 'href="/sub/assets/style.css"' in html
    assert 'href="/sub/"' in html
    assert all(items == "" for items in current_items(html))


def test_canonical_urls_keep_the_base_url_sub_path(built: Path) -> None:
    assert '<link rel="canonical" href="https://example.org/sub/towns/2022/12/full/">' in page(
        built, "towns/2022/12/full/"
    )
    assert '<link rel="canonical" href="https://example.org/sub/">' in page(built, "")
    assert '<link rel="canonical" href="https://example.org/sub/towns/page/2/">' in page(built, "towns/page/2/")


@pytest.mark.parametrize(
    ("url", "current"),
    [("", "首页"), ("towns/", "镇街社区"), ("towns/page/2/", "镇街社区"), ("tips/", "身边爆料"),
     ("towns/2022/12/full/", "镇街社区"), ("tips/2023/02/tip/", "身边爆料")],
)  # fmt: skip
def test_every_page_has_the_navigation_with_aria_current_on_its_column(built: Path, url: str, current: str) -> None:
    html = page(built, url)
    navs = nav_blocks(html)
    assert navs, "no navigation"
    for nav in navs:
        assert re.findall(r">([^<>]+)</a>", nav) == ["首页", "镇街社区", "身边爆料"]
    assert set(current_items(html)) == {current}


# --------------------------------------------------------------------------- templates


def test_a_site_template_overrides_the_theme_file_by_file(news_site: Path) -> None:
    (news_site / "templates").mkdir()
    (news_site / "templates/404.html").write_text("<p>自己的 404：{{ site.title }}</p>\n", encoding="utf-8")
    build_site(news_site)
    assert (news_site / "public/404.html").read_text(encoding="utf-8") == "<p>自己的 404：测试站</p>\n"
    assert "文章出处：均禾街道" in page(news_site / "public", "towns/2022/12/full/")  # theme article.html


def test_an_override_can_extend_the_theme_file_it_replaces(news_site: Path) -> None:
    (news_site / "templates").mkdir()
    (news_site / "templates/article.html").write_text(
        '{% extends "theme/article.html" %}\n'
        "{% block title %}[本站] {{ super() }}{% endblock %}\n"
        '{% block content %}<p class="banner-ad">专题</p>{{ super() }}{% endblock %}\n',
        encoding="utf-8",
    )
    build_site(news_site)
    html = page(news_site / "public", "towns/2022/12/full/")
    assert "<title>[本站] 白云均禾：激活党建引擎 - 测试站</title>" in html
    assert html.index('<p class="banner-ad">专题</p>') < html.index("文章出处：均禾街道")


def test_an_overridden_base_template_is_used_by_the_theme_pages(news_site: Path) -> None:
    (news_site / "templates").mkdir()
    (news_site / "templates/base.html").write_text(
        "<!doctype html>\n<title>{% block title %}{% endblock %}</title>\n"
        "<main>{% block content %}{% endblock %}</main>\n<footer>本站自己的页脚</footer>\n",
        encoding="utf-8",
    )
    build_site(news_site)
    for url in ("", "towns/", "towns/page/2/", "towns/2022/12/full/"):
        html = page(news_site / "public", url)
        assert html.endswith("<footer>本站自己的页脚</footer>\n"), url
        assert "site-footer" not in html


def test_an_undefined_variable_is_an_error_naming_the_template(news_site: Path) -> None:
    (news_site / "templates").mkdir()
    (news_site / "templates/column.html").write_text(
        '{% extends "theme/column.html" %}\n{% block title %}{{ colum.title }}{% endblock %}\n', encoding="utf-8"
    )
    with pytest.raises(BuildFailed) as caught:
        build_site(news_site)
    (error,) = caught.value.errors
    assert (error.path, error.line) == ("templates/column.html", 2)
    assert error.message == "template error: 'colum' is undefined"
    assert not (news_site / "public").exists()


def test_an_undefined_attribute_is_an_error_too(news_site: Path) -> None:
    (news_site / "templates").mkdir()
    (news_site / "templates/article.html").write_text(
        '{% extends "theme/article.html" %}{% block title %}{{ article.headline }}{% endblock %}', encoding="utf-8"
    )
    with pytest.raises(BuildFailed) as caught:
        build_site(news_site)
    (error,) = caught.value.errors
    assert error.path == "templates/article.html"
    assert "headline" in error.message


def test_a_template_syntax_error_names_the_template_and_line(news_site: Path) -> None:
    (news_site / "templates").mkdir()
    (news_site / "templates/home.html").write_text("<p>\n{{ site.title }\n</p>\n", encoding="utf-8")
    with pytest.raises(BuildFailed) as caught:
        build_site(news_site)
    (error,) = caught.value.errors
    assert error.path == "templates/home.html"
    assert error.line == 2
    assert error.message.startswith("template error: ")


# --------------------------------------------------------------------------- filters


def test_date_filters() -> None:
    tz = ZoneInfo("Asia/Shanghai")
    assert date_text(datetime(2022, 12, 12, tzinfo=tz)) == "2022-12-12"
    assert date_text(datetime(2022, 12, 12, 8, 30, tzinfo=tz)) == "2022-12-12 08:30"
    assert date_text(datetime(2022, 12, 12, 8, 30, 15, tzinfo=tz)) == "2022-12-12 08:30"
    assert isodate(datetime(2022, 12, 12, 8, 30, tzinfo=tz)) == "2022-12-12T08:30:00+08:00"


def test_date_filters_remember_each_text_apart_for_equal_instants_that_print_differently() -> None:
    """The texts are remembered; an instant equal to one already shown, in another zone or fold, prints its own."""
    shanghai, utc, london = ZoneInfo("Asia/Shanghai"), UTC, ZoneInfo("Europe/London")
    morning = datetime(2022, 12, 12, 8, 30, tzinfo=shanghai)
    same_instant = datetime(2022, 12, 12, 0, 30, tzinfo=utc)
    assert morning == same_instant
    for _ in range(2):
        assert (date_text(morning), isodate(morning)) == ("2022-12-12 08:30", "2022-12-12T08:30:00+08:00")
        assert (date_text(same_instant), isodate(same_instant)) == ("2022-12-12 00:30", "2022-12-12T00:30:00+00:00")
    # the hour clocks go back: the same wall time twice, told apart by fold
    first, second = (datetime(2022, 10, 30, 1, 30, tzinfo=london, fold=fold) for fold in (0, 1))
    assert (isodate(first), isodate(second)) == ("2022-10-30T01:30:00+01:00", "2022-10-30T01:30:00+00:00")
    assert (isodate(first), isodate(second)) == ("2022-10-30T01:30:00+01:00", "2022-10-30T01:30:00+00:00")
