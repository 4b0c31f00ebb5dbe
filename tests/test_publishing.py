"""Feeds, sitemap, robots.txt, tag pages, sharing metadata, related articles, view counts, scheduling."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import feedparser
import pytest
from click.testing import CliRunner
from conftest import FIXED_NOW, MakeSite, article

from sitegen.build.api import BuildOptions, build
from sitegen.cli import main
from sitegen.errors import BuildFailed

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _build(site: Path, **options: Any) -> Path:
    output = site.parent / "out"
    build(site, BuildOptions(output_dir=output, now=FIXED_NOW, **options))
    return output


def _json_ld(page: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert match, "no JSON-LD block"
    return json.loads(match.group(1))


def test_example_feeds_parse_without_error(built_example: tuple[Path, object]) -> None:
    output, _ = built_example
    site_feed = feedparser.parse((output / "feed.xml").read_bytes())
    assert not site_feed.bozo, site_feed.get("bozo_exception")
    assert len(site_feed.entries) == 16
    assert site_feed.feed.link == "https://example.org/junhe/"
    for entry in site_feed.entries:
        assert entry.link.startswith("https://example.org/junhe/")
        assert entry.updated and entry.summary
    for column in ("bay-area", "towns", "brands", "tips"):
        feed = feedparser.parse((output / column / "feed.xml").read_bytes())
        assert not feed.bozo, (column, feed.get("bozo_exception"))
        assert feed.entries, column
        assert all(f"/junhe/{column}/" in e.link for e in feed.entries)


def test_feed_is_newest_first_and_limited(make_site: MakeSite) -> None:
    files = {
        f"content/towns/a{n:02}.md": article(f"第{n}篇", f"2024-01-{n:02}", author="[甲, 乙]") for n in range(1, 26)
    }
    site = make_site(files)
    feed = feedparser.parse((_build(site) / "feed.xml").read_bytes())
    assert [e.title for e in feed.entries] == [f"第{n}篇" for n in range(25, 5, -1)]  # 20 newest
    assert [a.name for a in feed.entries[0].authors] == ["甲", "乙"]


def test_full_content_feed_keeps_links_resolvable(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article(body="正文[链接](b.md)。\n")})
    (site / "site.yaml").write_text((site / "site.yaml").read_text() + "feed_full_content: true\n", encoding="utf-8")
    (site / "content/towns/b.md").write_text(article("乙"), encoding="utf-8")
    feed = feedparser.parse((_build(site) / "feed.xml").read_bytes())
    entry = next(e for e in feed.entries if e.title == "标题")
    assert 'href="https://example.org/sub/towns/2024/01/b/"' in entry.content[0].value


def test_sitemap_lists_every_page_with_absolute_urls(built_example: tuple[Path, object]) -> None:
    output, _ = built_example
    root = ET.parse(output / "sitemap.xml").getroot()
    locations = [url.findtext("s:loc", namespaces=SITEMAP_NS) for url in root.findall("s:url", SITEMAP_NS)]
    assert all(loc and loc.startswith("https://example.org/junhe/") for loc in locations)
    html_pages = {
        p.relative_to(output).as_posix().removesuffix("index.html")
        for p in output.rglob("index.html")
        if '<meta name="robots" content="noindex">' not in p.read_text(encoding="utf-8")  # the search page
    }
    assert "search/" not in html_pages
    from urllib.parse import unquote

    listed = {unquote(loc.removeprefix("https://example.org/junhe/")) for loc in locations if loc}
    assert listed == {page for page in html_pages if not page.startswith("zh-hant/")}
    # the Traditional edition's pages are in its own sitemap, which robots.txt names too
    edition = ET.parse(output / "zh-hant/sitemap.xml").getroot()
    edition_listed = {
        unquote((url.findtext("s:loc", namespaces=SITEMAP_NS) or "").removeprefix("https://example.org/junhe/"))
        for url in edition.findall("s:url", SITEMAP_NS)
    }
    assert edition_listed == {page for page in html_pages if page.startswith("zh-hant/")}
    articles = [
        u
        for u in root.findall("s:url", SITEMAP_NS)
        if "/2022/12/" in (u.findtext("s:loc", namespaces=SITEMAP_NS) or "")
    ]
    assert articles[0].findtext("s:lastmod", namespaces=SITEMAP_NS) == "2022-12-12T00:00:00+08:00"
    robots = (output / "robots.txt").read_text()
    assert "Sitemap: https://example.org/junhe/sitemap.xml" in robots


def test_tags_have_pages_index_and_readable_urls(built_example: tuple[Path, object]) -> None:
    output, _ = built_example
    index = (output / "tags/index.html").read_text()
    tags_in_content: set[str] = set()
    for source in Path(__file__).resolve().parents[1].glob("content/**/*.md"):
        match = re.search(r"^tags: \[(.*)\]$", source.read_text(encoding="utf-8"), re.M)
        if match:
            tags_in_content.update(t.strip() for t in match.group(1).split(","))
    assert tags_in_content
    for tag in tags_in_content:
        page = output / "tags" / tag / "index.html"
        assert page.is_file(), tag
        assert f"标签：{tag}" in page.read_text()
        assert f">{tag} <span" in index
    seed = (output / "tags/应急突击队/index.html").read_text()
    assert "白云均禾" in seed


def test_tag_pages_paginate_and_merge_spellings(make_site: MakeSite) -> None:
    files = {f"content/towns/a{n}.md": article(f"文{n}", f"2024-01-0{n}", tags="[Covid, 防疫]") for n in range(1, 6)}
    files["content/tips/b.md"] = article("乙", tags="[covid]")
    output = _build(make_site(files))
    assert (output / "tags/covid/index.html").is_file()
    assert (output / "tags/covid/page/3/index.html").is_file()  # 6 articles, 2 a page
    assert "6 篇" in (output / "tags/index.html").read_text()


def test_article_page_sharing_metadata_and_json_ld(built_example: tuple[Path, object]) -> None:
    output, _ = built_example
    page = (output / "towns/2022/12/junhe-party-building/index.html").read_text()
    canonical = "https://example.org/junhe/towns/2022/12/junhe-party-building/"
    assert f'<link rel="canonical" href="{canonical}">' in page
    assert '<meta property="og:type" content="article">' in page
    assert (
        '<meta property="og:image" content="https://example.org/junhe/towns/2022/3a922899d3684f2d93979b56e7d47fbf.png">'
        in page
    )
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    assert '<meta name="description" content="全面推行基层党建五项措施' in page
    data = _json_ld(page)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "白云均禾:激活党建引擎强动力,提升治理效能促发展"
    assert data["datePublished"] == "2022-12-12T00:00:00+08:00"
    assert data["author"] and data["author"][0]["name"]
    assert data["publisher"]["name"] == "共建美好社区"
    assert data["image"][0].startswith("https://example.org/junhe/")
    home = _json_ld((output / "index.html").read_text())
    assert home["@type"] == "WebSite"
    assert _json_ld((output / "towns/index.html").read_text())["@type"] == "CollectionPage"


def test_json_ld_cannot_be_closed_by_a_title(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article('"</script><script>alert(1)</script>"', author='"A & <B>"')})
    page = next((_build(site) / "towns").rglob("a/index.html")).read_text()
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert script is not None
    data = json.loads(script.group(1))
    assert data["headline"] == "</script><script>alert(1)</script>"
    assert data["author"][0]["name"] == "A & <B>"
    assert "<script>alert(1)" not in page


def test_related_articles_prefer_shared_tags_then_column(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/towns/a.md": article("甲", "2024-01-01", tags="[党建, 志愿]"),
            "content/tips/b.md": article("乙", "2024-01-02", tags="[党建, 志愿]"),
            "content/tips/c.md": article("丙", "2024-01-03", tags="[党建]"),
            "content/towns/d.md": article("丁", "2024-01-04"),
            "content/tips/e.md": article("戊", "2024-01-05"),
        }
    )
    page = (_build(site) / "towns/2024/01/a/index.html").read_text()
    related = re.search(r'<section class="related".*?</section>', page, re.S)
    assert related is not None
    titles = re.findall(r">([甲乙丙丁戊])</a>", related.group(0))
    assert titles == ["乙", "丙", "丁"]


def test_view_counts_file_overrides_front_matter(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/towns/a.md": article("甲", views="10"),
            "content/towns/b.md": article("乙", "2024-01-03", views="20"),
            "data/views.json": json.dumps({"towns/2024/01/a/": 999, "content/towns/b.md": 5, "/gone/": 7}),
        }
    )
    result = CliRunner().invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 0, result.output
    assert "“/gone/”不对应任何文章" in result.output
    output = site / "public"
    assert "阅读量：999" in (output / "towns/2024/01/a/index.html").read_text()
    home = (output / "index.html").read_text()
    most_read = home[home.index("most-read") :]
    assert most_read.index("甲") < most_read.index("乙")


def test_bad_view_counts_file_is_a_content_error(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article(), "data/views.json": '{"towns/2024/01/a/": "三百"}'})
    with pytest.raises(BuildFailed) as failure:
        _build(site)
    assert "data/views.json" in str(failure.value.errors[0])


def test_future_article_appears_once_its_time_has_passed(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/towns/now.md": article("现在", "2025-12-31"),
            "content/towns/later.md": article("定时", "2026-01-01 18:00"),
        }
    )
    before = _build(site)
    assert not any("later" in p.as_posix() for p in before.rglob("*"))
    after_time = datetime(2026, 1, 1, 18, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    report = build(site, BuildOptions(output_dir=before, now=after_time))
    assert report.next_scheduled is None
    assert any("later" in p.as_posix() for p in before.rglob("*"))


def test_build_prints_when_the_next_scheduled_article_goes_live(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article("未来", "2999-01-01 08:00")})
    result = CliRunner().invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 0, result.output
    assert "2999-01-01T08:00:00+08:00" in result.output


def test_listings_mark_a_scheduled_article_as_scheduled_and_a_draft_as_draft(make_site: MakeSite) -> None:
    """`sitegen serve` (and --drafts --future) shows both: a card said 草稿 for an article only scheduled."""
    site = make_site({
        "content/towns/later.md": article("定时", "2026-06-01 08:00"),
        "content/towns/draft.md": article("稿子", "2025-06-01", draft="true"),
    })  # fmt: skip
    out = _build(site, drafts=True, future=True)
    cards = (out / "towns/index.html").read_text(encoding="utf-8").split('class="card-title"')[1:]
    assert [("定时" in card, "定时发布" in card, "草稿" in card) for card in cards] == [
        (True, True, False),
        (False, False, True),
    ]
