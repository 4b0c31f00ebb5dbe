"""A portal's pages: lead stories, author pages (pinyin slugs, data/authors.yaml), the date archive, the footer's
filings, the toolbar switch, and grey pages on mourning days (with the up-to-date check and the summary line)."""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXED_NOW, PNG, SITE_YAML, MakeSite, article, build_site, load, page, tree

from sitegen.cli import main
from sitegen.errors import BuildFailed
from sitegen.site import lead_stories

LONG_AGO = 1_600_000_000 * 10**9


def age(site: Path) -> None:
    """Old time stamps, so that the up-to-date check trusts them."""
    for path in [site, *site.rglob("*")]:
        if ".sitegen-cache" not in path.parts and "public" not in path.parts:
            os.utime(path, ns=(LONG_AGO, LONG_AGO))


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def main_of(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


# --------------------------------------------------------------------------- lead stories


@pytest.fixture
def leads_site(make_site: MakeSite) -> Path:
    return make_site(
        {
            "content/towns/old.md": article("旧头条", date="2024-01-01", featured="true"),
            "content/towns/new.md": article("新头条", date="2024-01-05", featured="true", images="[p.png]"),
            "content/towns/p.png": PNG,
            "content/towns/heavy.md": article("重要头条", date="2023-12-01", weight="5"),
            "content/towns/plain.md": article("普通", date="2024-01-06"),
            "content/tips/tip.md": article("爆料", date="2024-01-07"),
        }
    )


def test_lead_stories_are_featured_or_weighted_heaviest_then_newest(leads_site: Path) -> None:
    site = load(leads_site)
    assert [a.title for a in site.home.leads] == ["重要头条", "新头条", "旧头条"]
    assert [a.title for a in site.column_leads["towns"]] == ["重要头条", "新头条", "旧头条"]
    assert site.column_leads["tips"] == ()
    assert [a.title for a in lead_stories(site.articles, 2)] == ["重要头条", "新头条"]


def test_the_home_page_and_the_first_column_page_show_the_leads_with_their_first_picture_large(
    leads_site: Path,
) -> None:
    build_site(leads_site)
    home = page(leads_site / "public", "")
    section = home[home.index('<section class="leads"') : home.index("</section>")]
    assert section.index("重要头条") < section.index("新头条") < section.index("旧头条")
    assert 'class="lead-picture"' in section and "p-" in section  # the picture, as its variants
    assert section.index("新头条") > section.index("lead-picture") or "has-picture" in section
    column = page(leads_site / "public", "towns/")
    assert '<section class="leads"' in column
    second = page(leads_site / "public", "towns/page/2/")
    assert '<section class="leads"' not in second  # the first page only
    assert '<section class="leads"' not in page(leads_site / "public", "tips/")


def test_without_leads_the_home_page_has_no_lead_section(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article()})
    build_site(site)
    assert "leads" not in page(site / "public", "")


@pytest.mark.parametrize(("field", "value"), [("featured", "是"), ("weight", "-1"), ("weight", "重要")])
def test_a_bad_featured_or_weight_is_an_error_naming_the_field(make_site: MakeSite, field: str, value: str) -> None:
    site = make_site({"content/towns/a.md": article(**{field: value})})
    with pytest.raises(BuildFailed) as caught:
        load(site)
    (error,) = caught.value.errors
    assert (error.path, error.line, error.field) == ("content/towns/a.md", 4, field)


def test_lead_count_limits_the_row(make_site: MakeSite) -> None:
    files = {f"content/towns/{n}.md": article(f"头条{n}", date=f"2024-01-0{n}", featured="true") for n in range(1, 6)}
    site = make_site({"site.yaml": SITE_YAML + "lead_count: 2\n", **files})
    assert [a.title for a in load(site).home.leads] == ["头条5", "头条4"]


# --------------------------------------------------------------------------- authors


@pytest.fixture
def authors_site(make_site: MakeSite) -> Path:
    return make_site(
        {
            "content/towns/a.md": article("甲", date="2024-01-01", author="张三", editor="叶安怡"),
            "content/towns/b.md": article("乙", date="2024-01-02", author="[章三, 李四]", editor="叶安怡"),
            "content/towns/c.md": article("丙", date="2024-01-03", author="张三", editor="叶安怡"),
            "content/tips/d.md": article("丁", date="2024-01-04", author="Lucy Wang"),
            "data/authors.yaml": "叶安怡:\n  bio: 本站编辑。\n  photo: people/ye.png\n李四:\n  slug: lisi\n",
            "data/people/ye.png": PNG,
        }
    )


def test_every_author_and_editor_gets_a_pinyin_slug_the_first_comer_keeping_a_shared_one(authors_site: Path) -> None:
    site = load(authors_site)
    slugs = {a.name: (a.slug, a.count) for a in site.authors}
    assert slugs == {
        "张三": ("zhang-san", 2),  # 张三 wrote first: 章三, whose name reads the same, gets -2
        "章三": ("zhang-san-2", 1),
        "李四": ("lisi", 1),  # data/authors.yaml gives a slug
        "叶安怡": ("ye-an-yi", 3),  # an editor has a page too
        "Lucy Wang": ("lucy-wang", 1),
    }
    assert [a.slug for a in site.authors] == sorted(a.slug for a in site.authors)


def test_author_pages_list_their_articles_paginated_with_a_feed_bio_and_photo(authors_site: Path) -> None:
    build_site(authors_site)
    out = authors_site / "public"
    first, second = page(out, "authors/ye-an-yi/"), page(out, "authors/ye-an-yi/page/2/")
    assert text_of(main_of(first)).count("丙") == 1 and "乙" in first and "甲" not in main_of(first)  # page_size 2
    assert "甲" in main_of(second)
    assert "本站编辑。" in first
    assert 'src="../../assets/authors/people/ye.png" width="96" height="96" alt="叶安怡 的照片"' in first
    assert (out / "assets/authors/people/ye.png").read_bytes() == PNG
    assert '<a href="feed.xml">订阅 叶安怡 的文章</a>' in first
    feed = (out / "authors/ye-an-yi/feed.xml").read_text(encoding="utf-8")
    assert feed.count("<entry>") == 3  # the feed holds more than the first page
    assert "<title>叶安怡 - 测试站</title>" in feed
    index = page(out, "authors/")
    assert index.index("李四") < index.index("Lucy Wang") < index.index("叶安怡") and 'href="zhang-san-2/"' in index
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "https://example.org/sub/authors/zhang-san/" in sitemap and "https://example.org/sub/authors/" in sitemap


def test_names_on_article_pages_link_to_their_pages(authors_site: Path) -> None:
    build_site(authors_site)
    html = page(authors_site / "public", "towns/2024/01/b/")
    assert '作者：<a href="../../../../authors/zhang-san-2/" rel="author">章三</a>、' in html
    assert '<a href="../../../../authors/lisi/" rel="author">李四</a></li>' in html
    assert '编辑：<a href="../../../../authors/ye-an-yi/">叶安怡</a>' in html


def test_a_name_in_authors_yaml_that_no_article_carries_is_a_warning(authors_site: Path) -> None:
    (authors_site / "data/authors.yaml").write_text("王五:\n  bio: 尚未发稿。\n", encoding="utf-8")
    report = build_site(authors_site)
    assert report.warnings == ("data/authors.yaml: no published article names '王五'",)


def test_a_slug_fixed_in_authors_yaml_is_its_persons_even_when_a_name_of_the_same_pinyin_came_first(
    authors_site: Path,
) -> None:
    """张三 wrote first, but data/authors.yaml gives 章三 `zhang-san`: 章三 has it, and 张三 steps aside."""
    (authors_site / "data/authors.yaml").write_text("章三:\n  slug: zhang-san\n", encoding="utf-8")
    slugs = {a.name: a.slug for a in load(authors_site).authors}
    assert (slugs["章三"], slugs["张三"]) == ("zhang-san", "zhang-san-2")


@pytest.mark.parametrize(
    ("text", "field", "line"),
    [
        ("叶安怡:\n  photo: ../site.yaml\n", "叶安怡.photo", 1),
        ("叶安怡:\n  photo: missing.png\n", "叶安怡.photo", 1),
        ("叶安怡:\n  photo: people/ye.svg\n", "叶安怡.photo", 1),
        ("叶安怡:\n  slug: Ye An\n", "叶安怡.slug", 1),
        ("叶安怡:\n  twitter: x\n", "叶安怡.twitter", 1),
        ("叶安怡: 编辑\n", "叶安怡", 1),
        ("叶安怡:\n  bio: 记者\n  bio: 编辑\n", "bio", 3),  # a key written twice
        ("张三:\n  slug: x\n章三:\n  slug: x\n", "章三.slug", 3),  # two people at one address
        ("- 叶安怡\n", None, 1),
        ("李四:\n  bio: 记者\n叶安怡:\n  photo: people/broken.png\n", "叶安怡.photo", 3),  # not a picture inside
    ],
)
def test_a_bad_authors_file_is_an_error_naming_the_name_and_field(
    authors_site: Path, text: str, field: str | None, line: int
) -> None:
    (authors_site / "data/authors.yaml").write_text(text, encoding="utf-8")
    (authors_site / "data/people/broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not a picture after all")
    with pytest.raises(BuildFailed) as caught:
        load(authors_site)
    (error,) = caught.value.errors
    assert (error.path, error.line, error.field) == ("data/authors.yaml", line, field)


# --------------------------------------------------------------------------- the date archive


@pytest.fixture
def archive_site(make_site: MakeSite) -> Path:
    return make_site(
        {
            "content/towns/a.md": article("一月甲", date="2024-01-02"),
            "content/towns/b.md": article("一月乙", date="2024-01-20"),
            "content/towns/c.md": article("一月丙", date="2024-01-31 23:30"),
            "content/tips/d.md": article("三月", date="2024-03-01"),
            "content/tips/e.md": article("去年", date="2023-12-31"),
        }
    )


def test_the_archive_has_years_and_months_newest_first(archive_site: Path) -> None:
    site = load(archive_site)
    assert [(p.year, p.month, p.count, p.url) for p in site.archive] == [
        (2024, 0, 4, "archive/2024/"),
        (2024, 3, 1, "archive/2024/03/"),
        (2024, 1, 3, "archive/2024/01/"),
        (2023, 0, 1, "archive/2023/"),
        (2023, 12, 1, "archive/2023/12/"),
    ]


def test_archive_pages_are_paginated_and_linked_from_the_home_page_and_the_footer(archive_site: Path) -> None:
    build_site(archive_site)
    out = archive_site / "public"
    january, january_2 = page(out, "archive/2024/01/"), page(out, "archive/2024/01/page/2/")
    assert "<h1>2024年1月</h1>" in january and "第 1 页，共 2 页" in january
    assert "一月丙" in main_of(january) and "一月乙" in main_of(january) and "一月甲" in main_of(january_2)
    assert '<a href="../">2024年</a>' in january  # up to the year
    year = page(out, "archive/2024/")
    assert "<h1>2024年</h1>" in year and 'href="03/"' in year
    index = page(out, "archive/")
    assert index.index("2024年") < index.index("2023年") and 'href="2023/12/"' in index
    home = page(out, "")
    assert main_of(home).count('href="archive/"') == 1  # the home page
    for url, link in (("", "archive/"), ("towns/", "../archive/"), ("towns/2024/01/a/", "../../../../archive/"),
                      ("archive/2024/01/", "../../")):  # fmt: skip
        html = page(out, url)
        footer = html[html.index("<footer") :]
        assert f'<p class="footer-links"><a href="{link}">往期回顾</a></p>' in footer, url
    assert "https://example.org/sub/archive/2023/12/" in (out / "sitemap.xml").read_text(encoding="utf-8")


def test_the_names_authors_and_archive_are_reserved(make_site: MakeSite) -> None:
    site = make_site({"site.yaml": SITE_YAML.replace("slug: tips", "slug: archive")})
    with pytest.raises(Exception, match=r"columns\[1\]\.slug"):
        load(site)


# --------------------------------------------------------------------------- the footer and the toolbar switch

FILINGS = """\
filings:
  icp: 粤ICP备2023012345号-1
  police: 粤公网安备44011102000123号
  conac_id: 0A1B2C3D4E5F60718293A4B5C6D7E8F9
  government_code: "4401110001"
"""


def test_filings_show_on_every_page_with_their_links(make_site: MakeSite) -> None:
    site = make_site({"site.yaml": SITE_YAML + FILINGS, "content/towns/a.md": article()})
    build_site(site)
    out = site / "public"
    pages = sorted(out.rglob("*.html"))
    assert len(pages) >= 8
    for path in pages:
        html = path.read_text(encoding="utf-8")
        footer = html[html.index("<footer") :]
        assert '<a href="https://beian.miit.gov.cn/"' in footer and "粤ICP备2023012345号-1</a>" in footer, path
        assert 'href="https://beian.mps.gov.cn/#/query/webSearch?code=44011102000123"' in footer
        assert 'class="filing-police"' in footer and "粤公网安备44011102000123号</a>" in footer
        assert 'href="https://bszs.conac.cn/sitename?method=show&amp;id=0A1B2C3D4E5F60718293A4B5C6D7E8F9"' in footer
        assert 'aria-label="党政机关网站标识"' in footer and "网站标识码：4401110001" in footer
        assert "<img" not in footer  # the badges are background pictures: a page's first picture is its own
    assert (out / "assets/police-badge.svg").is_file() and (out / "assets/conac-badge.svg").is_file()
    css = (out / "assets/portal.css").read_text(encoding="utf-8")
    assert 'url("police-badge.svg")' in css and 'url("conac-badge.svg")' in css


def test_without_filings_the_footer_has_none_and_only_the_icp_shows_when_only_it_is_set(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article()})
    build_site(site)
    assert 'class="filings"' not in page(site / "public", "")
    (site / "site.yaml").write_text(SITE_YAML + "filings: {icp: 粤ICP备2023012345号-1}\n", encoding="utf-8")
    build_site(site)
    footer = page(site / "public", "").split("<footer")[1]
    assert "粤ICP备2023012345号-1" in footer
    assert "beian.mps" not in footer and "conac" not in footer and "标识码" not in footer


def test_the_toolbar_can_be_turned_off(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article()})
    build_site(site)
    home = page(site / "public", "")
    assert 'class="a11y-bar"' in home and 'src="assets/a11y-init.js"' in home and 'src="assets/a11y.js" defer' in home
    (site / "site.yaml").write_text(SITE_YAML + "accessibility_toolbar: false\n", encoding="utf-8")
    build_site(site)
    home = page(site / "public", "")
    assert "a11y" not in home
    assert 'href="assets/portal.css"' in home  # grey pages still work


# --------------------------------------------------------------------------- mourning days

START = FIXED_NOW + timedelta(hours=2)
END = FIXED_NOW + timedelta(hours=5)
MOURNING = f"mourning:\n  - {{start: '{START.isoformat()}', end: '{END.isoformat()}'}}\n"


@pytest.fixture
def mourning_site(make_site: MakeSite) -> Path:
    site = make_site({"site.yaml": SITE_YAML + MOURNING, "content/towns/a.md": article(), "content/towns/p.png": PNG})
    age(site)
    return site


def grey_pages(output: Path) -> tuple[int, int]:
    """(pages with <html class="mourning">, all pages)"""
    pages = sorted(output.rglob("*.html"))
    grey = [p for p in pages if '<html lang="zh-CN" class="mourning">' in p.read_text(encoding="utf-8")]
    return len(grey), len(pages)


def test_every_page_is_grey_inside_a_range_and_none_outside(mourning_site: Path) -> None:
    outside = build_site(mourning_site, now=START - timedelta(minutes=1))
    assert grey_pages(mourning_site / "public")[0] == 0
    assert not outside.mourning and outside.next_mourning == START
    inside = build_site(mourning_site, now=START)  # the start is inside
    grey, total = grey_pages(mourning_site / "public")
    assert grey == total >= 8
    assert inside.mourning and inside.next_mourning == END
    after = build_site(mourning_site, now=END)  # the end is not
    assert grey_pages(mourning_site / "public")[0] == 0 and not after.mourning and after.next_mourning is None


def test_the_start_and_end_of_a_range_rebuild_like_a_scheduled_article(mourning_site: Path, tmp_path: Path) -> None:
    first = build_site(mourning_site, now=FIXED_NOW)
    assert first.timings[0][0] != "inputs unchanged"
    before_start = build_site(mourning_site, now=START - timedelta(seconds=1))
    assert before_start.timings[0][0] == "inputs unchanged" and before_start.next_mourning == START
    started = build_site(mourning_site, now=START + timedelta(minutes=1))
    assert started.timings[0][0] != "inputs unchanged" and started.files_written > 0
    incremental = tree(mourning_site / "public")
    cold = tmp_path / "cold"
    build_site(mourning_site, now=START + timedelta(minutes=1), output_dir=cold, disk_cache=False)
    assert incremental == tree(cold)  # an incremental build equals a cold one, grey pages and all
    during = build_site(mourning_site, now=START + timedelta(hours=1))
    assert during.timings[0][0] == "inputs unchanged" and during.mourning and during.next_mourning == END
    ended = build_site(mourning_site, now=END)
    assert ended.timings[0][0] != "inputs unchanged" and grey_pages(mourning_site / "public")[0] == 0


def test_the_summary_line_says_when_the_pages_turn_grey_and_back(make_site: MakeSite) -> None:
    now = datetime.now().astimezone()
    later = (now + timedelta(days=2)).replace(microsecond=0)
    yaml = f"mourning:\n  - {{start: '{later.isoformat()}', end: '{(later + timedelta(days=1)).isoformat()}'}}\n"
    site = make_site({"site.yaml": SITE_YAML + yaml, "content/towns/a.md": article()})
    result = CliRunner().invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 0, result.output
    assert f"（将于 {later.astimezone(FIXED_NOW.tzinfo).isoformat()} 起全站变灰）" in result.output
    again = CliRunner().invoke(main, ["build", "--site", str(site)])  # nothing changed: the same summary
    assert "起全站变灰" in again.output
    earlier = (now - timedelta(hours=1)).replace(microsecond=0)
    yaml = f"mourning:\n  - {{start: '{earlier.isoformat()}', end: '{later.isoformat()}'}}\n"
    (site / "site.yaml").write_text(SITE_YAML + yaml, encoding="utf-8")
    grey = CliRunner().invoke(main, ["build", "--site", str(site)])
    assert f"（全站变灰，至 {later.astimezone(FIXED_NOW.tzinfo).isoformat()} 恢复）" in grey.output
