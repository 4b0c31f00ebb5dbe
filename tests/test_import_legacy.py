"""`sitegen import legacy`: the seed page becomes an article that renders like the hand-made one; variants of the
legacy form (colons, blank or missing metadata, blank lines, CRLF, no pictures, no banner, GBK...) parse the same
way; pictures are copied or reported; nothing is ever overwritten."""

from __future__ import annotations

import ast
import re
import shutil
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import markdown
import pytest
from conftest import REPO_ROOT, MakeSite, build_site, page
from hypothesis import given, settings
from hypothesis import strategies as st
from importing import (
    FIXTURES,
    NAVIGATION,
    SEED,
    SEED_CAPTIONS,
    SEED_PICTURES,
    article_body,
    png,
    seed_text,
    text_of,
    write_pictures,
)

from sitegen.errors import BuildFailed
from sitegen.importers.common import escape_markdown, parse_when
from sitegen.importers.legacy import parse_legacy
from sitegen.importers.model import ImportedArticle, ImportFailed, Notice
from sitegen.importers.run import ImportRefused, import_legacy
from sitegen.importers.writer import render

SEED_SLUG = "bai-yun-jun-he-ji-huo-dang-jian-yin-qing-qiang-dong-li-ti"
SEED_TARGET = f"content/towns/2022/{SEED_SLUG}.md"
SEED_URL = f"towns/2022/12/{SEED_SLUG}/"
HEADINGS = ("全面推行五项措施,进一步夯实基层治理基础", "防控一线淬炼,锻造过硬应急尖兵")
STRAY_CAPTION = "均禾街党工委副书记叶敏带领党群应急突击队重温誓词"


def parse(text: str, name: str = "page.txt") -> ImportedArticle:
    return parse_legacy(text, name, ["镇街社区"], ["共建美好社区"])


def shape(article: ImportedArticle) -> ImportedArticle:
    """The article without source line numbers (which move when lines are added or removed)."""
    return replace(article, images=tuple(replace(p, line=None) for p in article.images), notices=())


def seed_paragraphs() -> list[str]:
    """Every paragraph of the seed page: the long lines after the metadata, before 编辑:."""
    lines = [line.strip() for line in seed_text().splitlines()]
    return [line for line in lines[7:] if len(line) > 60 and not line.endswith(".png") and line not in SEED_CAPTIONS]


# --------------------------------------------------------------------------- the seed, end to end


def test_the_seed_imports_and_builds_with_its_title_metadata_headings_paragraphs_and_captions(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site({})
    images = write_pictures(tmp_path / "old-site-images", SEED_PICTURES)
    report = import_legacy(site, [SEED], "towns", images)
    assert report.complete and [w.target for w in report.written] == [SEED_TARGET]
    assert report.written[0].pictures == tuple(f"content/towns/2022/{name}" for name in SEED_PICTURES)
    assert not report.written[0].missing

    build_site(site)
    html = page(site / "public", SEED_URL)
    assert '<h1 class="article-title">白云均禾:激活党建引擎强动力,提升治理效能促发展</h1>' in html
    meta = text_of(re.search(r'<ul class="article-meta">(.*?)</ul>', html, re.DOTALL).group(1))
    assert "阅读量：314" in meta and "发表时间：2022-12-12" in meta
    assert "文章出处" not in meta and "作者" not in meta  # blank in the page, so not shown
    assert '<p class="article-editor">编辑：<a href="../../../../authors/ye-an-yi/">叶安怡</a></p>' in html

    body = article_body(html)
    for heading in HEADINGS:
        assert re.search(rf"<h2 id=\"[^\"]+\">{re.escape(heading)}</h2>", body), heading
    assert re.findall(r"<figcaption>(.*?)</figcaption>", body) == list(SEED_CAPTIONS)
    assert body.index(HEADINGS[0]) < body.index(STRAY_CAPTION) < body.index(HEADINGS[1])
    assert f"<em>{STRAY_CAPTION}</em>" in body  # a caption without its picture, as the hand-made article keeps it
    body_text = text_of(body)
    for paragraph in seed_paragraphs():
        assert f"<p>{paragraph}</p>" in body or paragraph in body_text, paragraph[:20]
    assert len(seed_paragraphs()) == 11
    positions = [body_text.index(p) for p in seed_paragraphs()]
    assert positions == sorted(positions)  # in the page's order
    for word in (*NAVIGATION, "编辑", "共建美好社区"):
        assert word not in body_text, word
    for name in SEED_PICTURES:
        assert (site / "public/towns/2022" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_imported_seed_renders_like_the_hand_made_example(make_site: MakeSite) -> None:
    """The issue's finish line: import the seed beside the hand-made article (whose pictures are already there),
    build, and compare the two bodies: the same HTML but for the hand-written alt texts."""
    site = make_site({})
    hand_made = REPO_ROOT / "content/towns/2022"
    shutil.copytree(hand_made, site / "content/towns/2022")
    report = import_legacy(site, [SEED], "towns")
    assert report.complete and not report.written[0].missing  # the pictures beside it are found
    build_site(site)

    def normalized(url: str) -> str:
        body = article_body(page(site / "public", url))
        return re.sub(r' alt="[^"]*"', "", body.replace("<!--more-->\n", ""))

    assert normalized(SEED_URL) == normalized("towns/2022/12/junhe-party-building/")
    made, imported = (page(site / "public", u) for u in ("towns/2022/12/junhe-party-building/", SEED_URL))
    meta = re.compile(r'<ul class="article-meta">.*?</ul>|<p class="article-editor">.*?</p>', re.DOTALL)
    assert meta.findall(made) == meta.findall(imported)


def test_the_seed_front_matter(make_site: MakeSite) -> None:
    text = render(parse(seed_text(), SEED.name))
    front = text.split("---\n")[1]
    assert front.splitlines()[:5] == [
        "title: 白云均禾:激活党建引擎强动力,提升治理效能促发展",
        "date: 2022-12-12",
        "author: ''",
        "editor: 叶安怡",
        "views: 314",
    ]
    assert "source" not in front  # only when not empty
    assert [line.split(": ", 1)[1] for line in front.splitlines() if line.startswith("  caption:")] == list(
        SEED_CAPTIONS
    )


def test_the_seed_body_markdown() -> None:
    article = parse(seed_text(), SEED.name)
    blocks = article.body_markdown.strip().split("\n\n")
    assert blocks[1] == "<!--more-->"  # the lead paragraph is the summary, as in the hand-made article
    assert [b for b in blocks if b.startswith("## ")] == [f"## {h}" for h in HEADINGS]
    assert f"*{STRAY_CAPTION}*" in blocks
    assert [b for b in blocks if b.startswith("![")] == [
        f"![{caption}]({name})" for caption, name in zip(SEED_CAPTIONS, SEED_PICTURES, strict=True)
    ]
    first = article.images[0]
    assert (first.src, first.caption, first.line) == (SEED_PICTURES[0], SEED_CAPTIONS[0], 37)
    assert [n.line for n in article.notices] == [22]  # the stray caption, pointed out for an editor to check


# --------------------------------------------------------------------------- variants of the form

PAGE = """\
共建美好社区
{title}
文章出处{c}{source}
作者{c}{author}
阅读量{c}{views}
发表时间{c}{date}

第一段，介绍活动的时间和地点。参加的居民很多，现场气氛热烈。

活动回顾,再现精彩瞬间

第二段，讲活动的内容和意义。街道有关负责人作了讲话。

photo-1.jpg

居民在活动现场合影

编辑{c}{editor}

首页
湾区九市
镇街社区
社区品牌
身边爆料
"""


def page_text(c: str = ":", **values: str) -> str:
    fields = {"title": "均禾街举办邻里节", "source": "", "author": "", "views": "12", "date": "2023-05-06",
              "editor": "李编"} | values  # fmt: skip
    return PAGE.format(c=c, **fields)


def test_full_width_and_ascii_colons_give_the_same_article() -> None:
    assert parse(page_text("：")) == parse(page_text(":")) == parse(page_text(" : "))


def test_metadata_values_are_read() -> None:
    article = parse(page_text("：", source="区融媒体中心", author="张三 李四", views="1,234", date="2023/05/06 09:30"))
    assert article.title == "均禾街举办邻里节"
    assert (article.source, article.authors, article.views) == ("区融媒体中心", ("张三", "李四"), 1234)
    assert article.date == datetime(2023, 5, 6, 9, 30)
    assert article.editor == "李编"


def test_windows_line_ends_and_extra_blank_lines_change_nothing() -> None:
    plain = parse(page_text())
    assert parse(page_text().replace("\n", "\r\n")) == plain
    assert shape(parse(page_text().replace("\n\n", "\n\n\n\n").replace("\n", "  \n"))) == shape(plain)


def test_the_body_of_a_variant() -> None:
    article = parse(page_text())
    assert article.body_markdown.split("\n\n") == [
        "第一段，介绍活动的时间和地点。参加的居民很多，现场气氛热烈。",
        "<!--more-->",
        "## 活动回顾,再现精彩瞬间",
        "第二段，讲活动的内容和意义。街道有关负责人作了讲话。",
        "![居民在活动现场合影](photo-1.jpg)\n",
    ]


def test_blank_metadata_is_empty_and_the_placeholders_are_written() -> None:
    article = parse(page_text(views="", editor=""))
    assert (article.source, article.authors, article.views, article.editor) == ("", (), 0, "")
    front = render(article).split("---\n")[1]
    assert "author: ''\neditor: ''\nviews: 0\n" in front and "source" not in front


def test_missing_metadata_lines_and_a_date_from_the_file_name() -> None:
    text = "共建美好社区\n均禾街举办邻里节\n\n第一段。\n\n第二段。\n"
    article = parse(text, "junhe-2023-05-06.txt")
    assert (article.title, article.date) == ("均禾街举办邻里节", date(2023, 5, 6))
    assert article.body_markdown == "第一段。\n\n<!--more-->\n\n第二段。\n"
    assert "took the date 2023-05-06 from the file name" in article.notices[0].message


def test_a_page_without_banner() -> None:
    with_banner = shape(parse(page_text()))
    assert shape(parse(page_text().split("\n", 1)[1])) == with_banner
    assert parse("均禾街举办邻里节\n\n第一段。\n", "2023-05-06.txt").title == "均禾街举办邻里节"


def test_an_unknown_banner_above_the_title_is_dropped() -> None:
    assert parse(page_text().replace("共建美好社区", "某某街道门户网站")).title == "均禾街举办邻里节"
    no_metadata = "某某街道门户网站\n均禾街举办邻里节\n\n第一段。\n"
    assert parse(no_metadata, "2023-05-06.txt").title == "均禾街举办邻里节"


def test_a_page_without_pictures() -> None:
    text = page_text().replace("photo-1.jpg\n\n居民在活动现场合影\n\n", "")
    article = parse(text)
    assert article.images == () and "![" not in article.body_markdown


def test_metadata_on_one_line_and_chinese_dates() -> None:
    text = (
        "标题：均禾街举办邻里节\n"
        "来源：白云区融媒体中心　作者：张三、李四　阅读：88　发布时间：2023年5月6日 9时30分\n\n正文。\n"
    )
    article = parse(text)
    assert (article.title, article.source, article.authors, article.views) == (
        "均禾街举办邻里节",
        "白云区融媒体中心",
        ("张三", "李四"),
        88,
    )
    assert article.date == datetime(2023, 5, 6, 9, 30)


def test_trailing_chrome_and_an_inline_navigation_bar_are_dropped() -> None:
    text = page_text().replace(
        "首页\n湾区九市",
        "上一篇：均禾街开展防诈宣传\n下一篇：无\n首页 | 湾区九市 | 镇街社区\n"
        "版权所有 © 2022 共建美好社区\n首页\n湾区九市",
    )
    assert shape(parse(text)) == shape(parse(page_text()))


def test_the_editor_line_with_a_reviewer_and_a_trailing_source() -> None:
    text = page_text().replace("编辑:李编", "来源：广州日报\n责任编辑：李编　审核：王审")
    article = parse(text)
    assert (article.editor, article.source, dict(article.extra)) == ("李编", "广州日报", {"审核": "王审"})


def test_pictures_without_captions_and_as_paths_or_html() -> None:
    text = page_text().replace(
        "photo-1.jpg\n\n居民在活动现场合影",
        "/uploads/2023/05/a.JPG\n\n" + "很长的一段正文。" * 20 + '\n\n<p><img src="b.png" alt="x"></p>\n\n图二',
    )
    article = parse(text)
    assert [(p.src, p.caption) for p in article.images] == [("/uploads/2023/05/a.JPG", ""), ("b.png", "图二")]
    assert any("has no caption line" in n.message for n in article.notices)


def test_short_lines_in_a_row_are_paragraphs_not_headings() -> None:
    body = "第一段很长的正文内容。\n\n获奖名单\n\n张三\n\n李四\n\n最后一段正文。\n"
    article = parse(f"均禾街举办邻里节\n发表时间：2023-05-06\n\n{body}")
    assert "##" not in article.body_markdown


def test_numbered_and_two_clause_headings() -> None:
    body = "导语正文。\n\n一、强化党建引领\n\n正文一。\n\n（二）加强基层治理\n\n正文二。\n\n"
    body += "凝聚合力 共建家园\n\n正文三。\n"
    article = parse(f"均禾街举办邻里节\n发表时间：2023-05-06\n\n{body}")
    headings = [b for b in article.body_markdown.split("\n\n") if b.startswith("## ")]
    assert headings == ["## 一、强化党建引领", "## （二）加强基层治理", "## 凝聚合力 共建家园"]


def test_markdown_characters_in_the_text_stay_text(make_site: MakeSite) -> None:
    body = "1. 这是正文，不是列表。\n\n#话题# 也不是标题，*星号* 和 [方括号] 和 <b>尖括号</b> 原样显示。\n"
    site = make_site({})
    page_path = site.parent / "p.txt"
    page_path.write_text(f"均禾街举办邻里节\n发表时间：2023-05-06\n\n{body}", encoding="utf-8")
    assert import_legacy(site, [page_path], "towns").complete
    build_site(site)
    html = page(site / "public", "towns/2023/05/jun-he-jie-ju-ban-lin-li-jie/")
    body_html = article_body(html)
    assert "<ol" not in body_html and "<h1" not in body_html and "<em>" not in body_html
    assert "1. 这是正文，不是列表。" in text_of(body_html)
    assert "#话题# 也不是标题，*星号* 和 [方括号] 和 <b>尖括号</b> 原样显示。" in text_of(body_html)


_MARKDOWN = markdown.Markdown(extensions=["toc", "tables", "footnotes", "attr_list", "sane_lists"])


@settings(deadline=None)
@given(st.text(alphabet=st.sampled_from("均禾街 abc123.-+*_#>`[]()!<;:，。=~|{}/'\""), min_size=1, max_size=30))
def test_escaped_text_renders_as_itself(text: str) -> None:
    text = " ".join(text.split())
    if not text:
        return
    html = _MARKDOWN.reset().convert(escape_markdown(text))
    assert " ".join(text_of(html).split()) == text


def test_liberal_dates() -> None:
    assert parse_when("2022-12-12") == date(2022, 12, 12)
    assert parse_when("2022年12月2日") == date(2022, 12, 2)
    assert parse_when("2022.12.12 8:05") == datetime(2022, 12, 12, 8, 5)
    assert parse_when("2008-11-23 17:22:34 +0000").isoformat() == "2008-11-23T17:22:34+00:00"
    assert parse_when("2008-11-23T17:22:34+08:00").utcoffset().total_seconds() == 8 * 3600
    assert parse_when("2022-02-30") is None and parse_when("昨天") is None


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("", "is empty", None),
        ("\n首页\n湾区九市\n", "is empty", None),
        ("文章出处：区融媒体中心\n发表时间：2022-12-12\n\n正文。", "no title: the page starts with its metadata", 1),
        ("均禾街举办邻里节\n发表时间：下周\n\n正文。", "发表时间 '下周' is not a date", 2),
        ("均禾街举办邻里节\n\n正文。", "no 发表时间, and the file name has no date", None),
    ],
)
def test_pages_that_cannot_be_imported_say_why(text: str, message: str, line: int | None) -> None:
    with pytest.raises(ImportFailed) as caught:
        parse(text, "page.txt")
    assert caught.value.message.startswith(message) and caught.value.line == line


# --------------------------------------------------------------------------- the run: files, pictures, clashes


def test_a_folder_of_pages_gbk_included(make_site: MakeSite) -> None:
    site = make_site({})
    folder = FIXTURES / "legacy"
    gbk_dir = site.parent / "gbk"
    gbk_dir.mkdir()
    (gbk_dir / "2023-06-01-gbk.TXT").write_bytes(page_text(title="旧系统导出的页面").encode("gbk"))
    report = import_legacy(site, [folder, gbk_dir], "towns")
    assert sorted(w.target for w in report.written) == [
        "content/towns/2023/jiu-xi-tong-dao-chu-de-ye-mian.md",
        "content/towns/2023/jun-he-jie-ju-ban-lin-li-jie.md",
        "content/towns/2023/jun-he-jie-kai-zhan-fang-zha-xuan-chuan.md",
    ]
    gbk = next(w for w in report.written if "jiu-xi-tong" in w.target)
    assert gbk.notices[0].message == "read as GB18030 (GBK) text; written as UTF-8"
    assert [(Path(f.origin).name, f.line, f.reason) for f in report.failed] == [
        ("no-date.txt", None, "no 发表时间, and the file name has no date such as 2022-12-12")
    ]
    assert not report.complete
    assert "旧系统导出的页面" in (site / "content/towns/2023/jiu-xi-tong-dao-chu-de-ye-mian.md").read_text("utf-8")


def test_pictures_are_found_by_name_anywhere_under_images(make_site: MakeSite) -> None:
    site = make_site({})
    images = site.parent / "images"
    (images / "2023/05").mkdir(parents=True)
    (images / "2023/05/PHOTO-1.JPG").write_bytes(png())
    source = site.parent / "p.txt"
    source.write_text(page_text(), encoding="utf-8")
    report = import_legacy(site, [source], "towns", images)
    assert report.written[0].pictures == ("content/towns/2023/PHOTO-1.JPG",)
    text = (site / report.written[0].target).read_text("utf-8")
    assert "![居民在活动现场合影](PHOTO-1.JPG)" in text and "- src: PHOTO-1.JPG" in text
    build_site(site)


def test_a_missing_picture_is_reported_referenced_and_named_by_the_build(make_site: MakeSite) -> None:
    site = make_site({})
    source = site.parent / "p.txt"
    source.write_text(page_text(), encoding="utf-8")
    report = import_legacy(site, [source], "towns")
    assert report.complete and report.written[0].missing == ("photo-1.jpg",)
    assert report.written[0].notices[-1] == Notice(
        14, "picture 'photo-1.jpg' not found: put the file beside the article"
    )
    with pytest.raises(BuildFailed) as caught:
        build_site(site)
    assert "picture 'photo-1.jpg' not found" in str(caught.value.errors[0])
    (site / "content/towns/2023/photo-1.jpg").write_bytes(png())  # the editor adds it later
    build_site(site)


def test_import_never_overwrites(make_site: MakeSite) -> None:
    site = make_site({})
    source = site.parent / "p.txt"
    source.write_text(page_text(), encoding="utf-8")
    first = import_legacy(site, [source], "towns")
    target = site / first.written[0].target
    again = import_legacy(site, [source], "towns")
    assert again.written == () and again.complete
    assert again.skipped[0].reason == "already imported; unchanged" and not again.skipped[0].clash

    target.write_text(target.read_text("utf-8") + "\n编辑改过的内容。\n", encoding="utf-8")
    edited = target.read_bytes()
    edited_since = import_legacy(site, [source], "towns")  # the same post (title and date), edited by an editor
    assert edited_since.complete and edited_since.written == () and not edited_since.skipped[0].clash
    assert edited_since.skipped[0].reason == "already imported; edited since, not overwritten"
    assert target.read_bytes() == edited


def test_a_different_picture_with_the_same_name_is_not_overwritten(make_site: MakeSite) -> None:
    site = make_site({"content/towns/2023/photo-1.jpg": png(1, 2, 3)})
    images = write_pictures(site.parent / "images", ["photo-1.jpg"])
    source = site.parent / "p.txt"
    source.write_text(page_text(), encoding="utf-8")
    report = import_legacy(site, [source], "towns", images)
    renamed = "jun-he-jie-ju-ban-lin-li-jie-photo-1.jpg"
    assert report.written[0].pictures == (f"content/towns/2023/{renamed}",)
    assert (site / "content/towns/2023/photo-1.jpg").read_bytes() == png(1, 2, 3)
    text = (site / report.written[0].target).read_text("utf-8")
    assert f"]({renamed})" in text and f"src: {renamed}" in text
    build_site(site)


def test_dry_run_writes_nothing(make_site: MakeSite) -> None:
    site = make_site({})
    report = import_legacy(site, [SEED], "towns", dry_run=True)
    assert [w.target for w in report.written] == [SEED_TARGET]
    assert not (site / "content").exists()


def test_an_unknown_column_is_refused(make_site: MakeSite) -> None:
    with pytest.raises(ImportRefused, match="unknown column 'news'; valid columns: towns"):
        import_legacy(make_site({}), [SEED], "news")


# --------------------------------------------------------------------------- the house rules


PURE = ("model", "common", "legacy", "foreign", "hugo", "jekyll")


@pytest.mark.parametrize("module", PURE)
def test_the_parsers_do_no_input_or_output(module: str) -> None:
    tree = ast.parse((REPO_ROOT / "sitegen/importers" / f"{module}.py").read_text("utf-8"))
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    assert not imported & {"os", "shutil", "click", "sitegen.cli", "sitegen.build.api", "sitegen.importers.writer"}
    assert "open" not in names


def test_only_the_cli_imports_the_importers() -> None:
    for path in (REPO_ROOT / "sitegen").rglob("*.py"):
        if "cli" not in path.parts and "importers" not in path.parts:
            assert "sitegen.importers" not in path.read_text("utf-8"), path.name


# --------------------------------------------------------------------------- the page's old address


def test_the_old_address_from_the_page_from_a_browser_mark_or_from_a_mapping(make_site: MakeSite) -> None:
    linked = page_text() + "\n本文链接：http://www.junhe.gov.cn/content/2023-05/06/content_88.htm\n"
    assert parse(linked).aliases == ("/content/2023-05/06/content_88.htm",)
    marked = "<!-- saved from url=(0044)http://old.example.org/news/2023/0506.html -->\n" + page_text()
    assert parse(marked).aliases == ("/news/2023/0506.html",) and parse(marked).title == "均禾街举办邻里节"
    asp = parse(page_text() + "\n原文地址：http://old.example.org/show.asp?id=88\n")
    assert asp.aliases == ()
    assert [n.message for n in asp.notices if "query" in n.message] == [
        "the old address http://old.example.org/show.asp?id=88 has a query (?...): a static site cannot redirect it"
    ]

    site = make_site({})
    source = site.parent / "pages"
    source.mkdir()
    (source / "p88.txt").write_text(page_text(), encoding="utf-8")
    mapping = site.parent / "urls.csv"
    mapping.write_text("file,url\np88.txt,http://old.example.org/a/88.html\n", encoding="utf-8")
    report = import_legacy(site, [source], "towns", addresses=mapping)
    text = (site / report.written[0].target).read_text("utf-8")
    assert "aliases:\n- /a/88.html\n" in text
    (site / report.written[0].target).with_name("photo-1.jpg").write_bytes(png())
    build_site(site)
    assert "towns/2023/05/" in (site / "public/a/88.html").read_text("utf-8")
