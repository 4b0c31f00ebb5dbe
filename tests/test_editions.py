"""The Traditional edition (繁體版): site.yaml `editions:`, OpenCC with the site's dictionary, every page again under
/zh-hant/ with its texts converted, the 简/繁 switch and hreflang links, feeds, sitemap, search and the cache."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import PNG, SITE_YAML, MakeSite, article, build_site, page, tree

from sitegen.build.api import BuildOptions, build_in_memory
from sitegen.config import load_config, parse_config
from sitegen.content.chinese import ScriptConverter, convert_html, folding_pairs, opencc_version
from sitegen.edition import edition_body, edition_body_key
from sitegen.errors import ConfigError
from sitegen.model import Body
from sitegen.render.pages import og_locale
from sitegen.search.fold import FOLD_FILE, fold_script, read_fold_script
from sitegen.search.index import normalize, query_terms
from sitegen.urls import in_edition

EDITION_YAML = SITE_YAML + "editions:\n  - language: zh-Hant-HK\n"
ASSETS = Path(__file__).resolve().parent.parent / "assets"


# --------------------------------------------------------------------------- site.yaml and data/opencc.txt


def test_an_edition_takes_its_conversion_and_prefix_from_its_language() -> None:
    config = parse_config(SITE_YAML + "editions:\n  - language: zh-Hant-HK\n  - language: zh-Hant-TW\n    prefix: tw\n")
    hk, tw = config.editions
    assert (hk.language, hk.conversion, hk.prefix, hk.label, hk.source_label) == (
        "zh-Hant-HK", "s2hk", "zh-hant/", "繁體", "简体"
    )  # fmt: skip
    assert (tw.conversion, tw.prefix) == ("s2twp", "tw/")
    assert parse_config(SITE_YAML).editions == ()


@pytest.mark.parametrize(
    ("editions", "field", "found"),
    [
        ("editions: zh-Hant-HK", "editions", "expected a list of editions"),
        ("editions:\n  - language: zh-CN", "editions[0].language", "Traditional Chinese tag"),
        ("editions:\n  - language: zh-Hant-HK\n    conversion: t2s", "editions[0].conversion", "one of s2t"),
        ("editions:\n  - language: zh-Hant-HK\n    prefix: towns", "editions[0].prefix", "used by no column"),
        ("editions:\n  - language: zh-Hant-HK\n    prefix: ../x", "editions[0].prefix", "one URL segment"),
        ("editions:\n  - language: zh-Hant-HK\n  - language: zh-Hant-TW", "editions[1].prefix", "used by no"),
        ("editions:\n  - language: zh-Hant-HK\n    phrases: [a]", "editions[0].phrases", "a mapping of texts"),
        ("editions:\n  - language: zh-Hant-HK\n    keep: 叶", "editions[0].keep", "a list of names"),
        ("editions:\n  - language: zh-Hant-HK\n    colour: red", "editions[0].colour", "unknown key"),
        ("language: en\neditions:\n  - language: zh-Hant-HK", "editions", "needs language: zh-CN"),
    ],
)
def test_a_bad_edition_is_an_error_naming_its_key(editions: str, field: str, found: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(SITE_YAML + editions + "\n")
    problems = [(e.field, e.message) for e in caught.value.errors]
    assert any(f == field and found in m for f, m in problems), problems
    assert all(e.path == "site.yaml" and e.line for e in caught.value.errors)


def test_every_error_of_an_edition_is_said_in_one_run() -> None:
    """An editor fixes them all at once: not one a run (each check stopped the entry at its first error)."""
    entry = "editions:\n  - language: zh-CN\n    conversion: t2s\n    prefix: towns\n    phrases: [a]\n    keep: 叶\n"
    entry += "    label: ''\n"
    with pytest.raises(ConfigError) as caught:
        parse_config(SITE_YAML + entry)
    fields = sorted(e.field or "" for e in caught.value.errors)
    assert fields == sorted(f"editions[0].{key}" for key in ("language", "conversion", "prefix", "phrases", "keep",
                                                             "label"))  # fmt: skip
    lines = {(e.field or "").rpartition(".")[2]: e.line for e in caught.value.errors}
    first = SITE_YAML.count("\n") + 2  # the line of `- language:`
    assert lines == {"language": first, "conversion": first + 1, "prefix": first + 2, "phrases": first + 3,
                     "keep": first + 4, "label": first + 5}  # each key's own line  # fmt: skip


def test_the_dictionary_file_and_site_yaml_phrases_are_both_used(make_site: MakeSite) -> None:
    yaml = SITE_YAML + "editions:\n  - language: zh-Hant-HK\n    phrases: {云吞面: 雲吞麵}\n    keep: [叶安怡]\n"
    site = make_site({"site.yaml": yaml, "data/opencc.txt": "# 注释\n桃花里\n钟楚红\t鍾楚紅  # 人名\n\n"})
    (edition,) = load_config(site).editions
    assert edition.phrases == (("桃花里", "桃花里"), ("钟楚红", "鍾楚紅"), ("叶安怡", "叶安怡"), ("云吞面", "雲吞麵"))


def test_a_bad_dictionary_line_is_an_error_with_its_line_beside_site_yamls(make_site: MakeSite) -> None:
    bad = EDITION_YAML.replace("page_size: 2\n", "page_size: x\n")  # not a second page_size: that is an error too
    site = make_site({"site.yaml": bad, "data/opencc.txt": "桃花里\n一\t二\t三\n"})
    with pytest.raises(ConfigError) as caught:
        load_config(site)
    first, second = caught.value.errors  # every error of one run: the dictionary's and site.yaml's
    assert (first.path, first.line) == ("data/opencc.txt", 2)
    assert "简体<TAB>繁體" in first.message
    assert (second.path, second.field) == ("site.yaml", "page_size")


def test_a_dictionary_linked_from_outside_the_site_is_never_read(make_site: MakeSite, tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("机密\t機密\n", encoding="utf-8")
    site = make_site({"site.yaml": EDITION_YAML})
    (site / "data").mkdir()
    (site / "data/opencc.txt").symlink_to(outside)
    with pytest.raises(ConfigError) as caught:
        load_config(site)
    (error,) = caught.value.errors
    assert (error.path, error.message) == ("data/opencc.txt", "is a link that points outside the site folder")


# --------------------------------------------------------------------------- the conversion


@pytest.mark.parametrize(
    ("simplified", "plain", "with_dictionary"),
    [
        ("新市街“桃花里”议事厅", "新市街“桃花裏”議事廳", "新市街“桃花里”議事廳"),  # a place: 里 as in 里弄
        ("钟楚红出席活动", "鐘楚紅出席活動", "鍾楚紅出席活動"),  # a person: the surname is 鍾, not the bell
        ("金发科技捐赠物资", "金髮科技捐贈物資", "金發科技捐贈物資"),  # an organisation: not golden hair
        ("叶安怡 编辑", "葉安怡 編輯", "叶安怡 編輯"),  # a name kept exactly as its owner writes it
        ("街坊食云吞面", "街坊食雲吞麪", "街坊食雲吞麵"),  # a local phrase: Hong Kong shops write 麵
        ("发到居民群后，", "發到居民羣后，", "發到居民群後，"),  # OpenCC reads 群后 as one word
    ],
)
def test_the_site_dictionary_corrects_what_plain_conversion_gets_wrong(
    simplified: str, plain: str, with_dictionary: str
) -> None:
    phrases = [("桃花里", "桃花里"), ("钟楚红", "鍾楚紅"), ("金发科技", "金發科技"), ("叶安怡", "叶安怡"),
               ("云吞面", "雲吞麵"), ("居民群后", "居民群後")]  # fmt: skip
    assert ScriptConverter("s2hk")(simplified) == plain
    assert ScriptConverter("s2hk", phrases)(simplified) == with_dictionary


def test_the_longest_phrase_wins_and_taiwan_gets_its_own_words() -> None:
    convert = ScriptConverter("s2hk", [("白云", "白云"), ("白云区", "白雲區")])
    assert convert("广州白云区与白云山") == "廣州白雲區與白云山"
    assert ScriptConverter("s2twp")("软件和鼠标的信息") == "軟體和滑鼠的資訊"
    assert ScriptConverter("s2hk")("ASCII only") == "ASCII only"


def test_html_is_converted_between_its_tags_never_in_urls_ids_or_scripts() -> None:
    html = (
        '<h2 id="小标题">小标题</h2><p title="说明>标题">社区<a href="../乡村/">乡村</a></p>'
        '<img alt="发展" src="头发.png"><script>var s = "发展";</script><!-- 发展 --><p>后来</p>'
    )
    converted = convert_html(html, ScriptConverter("s2hk"))
    assert converted == (
        '<h2 id="小标题">小標題</h2><p title="説明>標題">社區<a href="../乡村/">鄉村</a></p>'
        '<img alt="發展" src="头发.png"><script>var s = "发展";</script><!-- 发展 --><p>後來</p>'
    )


def test_broken_raw_html_is_read_as_a_browser_would_and_in_one_pass() -> None:
    """Trusted columns keep raw HTML as written: a comment never closed runs to the end; a stray quote does not make
    the tag run on past the next "<" (which would also make every later "<" scan to the end: quadratic)."""
    convert = ScriptConverter("s2hk")
    assert convert_html("<p>发展</p><!-- 发展 <p>发展", convert) == "<p>發展</p><!-- 发展 <p>发展"
    assert convert_html('<a title="发<b>发展</b>', convert) == '<a title="發<b>發展</b>'
    assert convert_html('<a "x' * 50_000, convert) == '<a "x' * 50_000


def test_an_edition_body_points_at_the_shared_pictures_and_at_its_own_pages() -> None:
    body = Body(
        '<p>链接<a href="../../../../brands/2023/06/x/">另一篇</a><a href="#fn1">1</a></p>'
        '<picture><source srcset="pic-480.webp 480w, pic-960.webp 960w"><img src="../pic.png" alt="图"></picture>'
        '<a href="https://example.org/a.png">外链</a>',
        "链接 另一篇",
    )
    converted = edition_body(body, "towns/2022/12/x/", "zh-hant/", ScriptConverter("s2hk"))
    assert converted.search_text == "鏈接 另一篇"
    assert '<a href="../../../../brands/2023/06/x/">另一篇</a><a href="#fn1">1</a>' in converted.html
    shared = "../../../../../towns/2022/12/x/"
    assert f'srcset="{shared}pic-480.webp 480w, {shared}pic-960.webp 960w"' in converted.html
    assert 'src="../../../../../towns/2022/12/pic.png" alt="圖"' in converted.html
    assert 'href="https://example.org/a.png"' in converted.html


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("", "zh-hant/"),
        ("towns/", "zh-hant/towns/"),
        ("towns/page/2/", "zh-hant/towns/page/2/"),
        ("feed.xml", "zh-hant/feed.xml"),
        ("404.html", "zh-hant/404.html"),
        ("towns/2022/x/#小标题", "zh-hant/towns/2022/x/#小标题"),
        ("assets/style.css", "assets/style.css"),
        ("assets/page.html", "assets/page.html"),
        ("towns/2022/pic-480.webp", "towns/2022/pic-480.webp"),
        ("https://example.org/", "https://example.org/"),
        ("#main", "#main"),
    ],
)
def test_an_editions_pages_link_to_its_own_pages_and_to_the_shared_files(target: str, expected: str) -> None:
    assert in_edition("zh-hant/", target) == expected
    assert in_edition("", target) == target


def test_open_graph_locales() -> None:
    assert [og_locale(tag) for tag in ("zh-CN", "zh-Hant-HK", "zh-Hant-TW", "zh-Hant", "en")] == [
        "zh_CN", "zh_HK", "zh_TW", "zh", "en"
    ]  # fmt: skip


# --------------------------------------------------------------------------- search: one script


def test_search_folds_traditional_to_simplified_in_index_and_query() -> None:
    assert normalize("鄉村振興") == normalize("乡村振兴") == "乡村振兴"
    assert normalize("裡面裏面") == "里面里面"
    assert query_terms("黨群 服務") == ("党群", "服务")
    assert len(normalize("髮型師𠀀ＡＢ")) == len("髮型師𠀀ＡＢ")  # one character for one: positions map back


def test_the_shipped_folding_table_is_what_opencc_gives() -> None:
    shipped = (ASSETS / FOLD_FILE).read_text(encoding="utf-8")
    expected = fold_script(folding_pairs())
    assert shipped == expected, (
        f"assets/{FOLD_FILE} is not what OpenCC {opencc_version()} gives; regenerate it: python -c 'from "
        "sitegen.content.chinese import folding_pairs; from sitegen.search.fold import fold_script; "
        f'open("assets/{FOLD_FILE}", "w", encoding="utf-8").write(fold_script(folding_pairs()))\''
    )
    table = read_fold_script(shipped)
    assert table[ord("鄉")] == "乡" and table[ord("髮")] == "发" and ord("乡") not in table
    assert len(table) > 4000


# --------------------------------------------------------------------------- the built site

ARTICLE = article(
    "乡村振兴看白云",
    "2024-03-05",
    "## 小标题\n\n头发与发展。桃花里议事厅。\n\n![党群活动](pic.png)\n\n见[另一篇](b.md)。",
    tags="[乡村振兴, 党群]",
    author="钟楚红",
    editor="叶安怡",
    source="白云区融媒体中心",
    images="[{src: pic.png, caption: 党群服务站, alt: 志愿者在服务站}]",
)
OTHER = article("后来的消息", "2024-03-01", "里面的内容。", tags="[乡村振兴]")


@pytest.fixture
def edition_site(make_site: MakeSite) -> Path:
    yaml = EDITION_YAML.replace("page_size: 2", "page_size: 2\nfeed_full_content: true")
    return make_site(
        {
            "site.yaml": yaml,
            "data/opencc.txt": "桃花里\n钟楚红\t鍾楚紅\n叶安怡\n",
            "content/towns/a.md": ARTICLE,
            "content/towns/b.md": OTHER,
            "content/towns/pic.png": PNG,
            "content/tips/c.md": article("身边爆料", "2024-02-01"),
        }
    )


def _built(site: Path) -> Path:
    build_site(site)
    return site / "public"


def test_every_page_feed_and_sitemap_exists_again_under_the_prefix(edition_site: Path) -> None:
    output = _built(edition_site)
    files = tree(output)
    source = {p for p in files if p.endswith((".html", ".xml")) and not p.startswith(("zh-hant/", "search/"))}
    edition = {p.removeprefix("zh-hant/") for p in files if p.startswith("zh-hant/") and p.endswith((".html", ".xml"))}
    assert source - {"search/index.html"} <= edition and "search/index.html" in edition
    assert not any(p.startswith("zh-hant/") for p in files if p.endswith((".png", ".webp", ".css", ".js")))
    assert any(p.startswith("zh-hant/search/docs/") for p in files)
    assert "zh-hant/robots.txt" not in files
    assert (output / "robots.txt").read_text().splitlines()[-2:] == [
        "Sitemap: https://example.org/sub/sitemap.xml",
        "Sitemap: https://example.org/sub/zh-hant/sitemap.xml",
    ]


def test_an_edition_article_page_is_converted_and_keeps_its_url(edition_site: Path) -> None:
    output = _built(edition_site)
    url = "towns/2024/03/a/"
    html = page(output, f"zh-hant/{url}")
    assert html.startswith('<!doctype html>\n<html lang="zh-Hant-HK">')
    for text in ("<title>鄉村振興看白雲 - 測試站</title>", "頭髮與發展", "桃花里議事廳", "鍾楚紅", "叶安怡",
                 "白雲區融媒體中心", "<figcaption>黨羣服務站", 'alt="黨羣活動"', ">鎮街社區<",
                 'id="小标题">小標題</h2>', '<meta property="og:locale" content="zh_HK">', "跳到正文"):  # fmt: skip
        assert text in html, text
    for text in ("乡村振兴看白云", "头发", "钟楚红", "党群服务站"):
        assert text not in html, text
    assert '<a href="../b/">另一篇</a>' in html  # the other article, in the edition
    assert 'src="../../../../../towns/2024/03/a/pic-' not in html  # pictures are not copied...
    assert re.search(r'src="../../../../../towns/pic-[0-9a-f]{8}-64\.png"', html)  # ...but shared
    assert 'href="../../../../../assets/style.css"' in html
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found is not None
    ld = json.loads(found.group(1))
    assert ld["headline"] == "鄉村振興看白雲" and ld["inLanguage"] == "zh-Hant-HK"
    assert ld["url"] == f"https://example.org/sub/zh-hant/{url}" and ld["keywords"] == ["鄉村振興", "黨羣"]
    assert ld["image"] == ["https://example.org/sub/towns/pic.png"]
    assert [a["name"] for a in ld["author"]] == ["鍾楚紅"]


def test_an_authors_bio_is_converted_on_the_editions_author_page(edition_site: Path) -> None:
    """data/authors.yaml is written in Simplified like the articles: its bio is shown converted (found by a QA pass:
    the bio was the one Simplified paragraph left on a 繁體 page)."""
    (edition_site / "data" / "authors.yaml").write_text("钟楚红:\n  bio: 区融媒体中心记者，长期关注乡村振兴。\n")
    output = _built(edition_site)
    source = page(output, "authors/zhong-chu-hong/")
    edition = page(output, "zh-hant/authors/zhong-chu-hong/")
    assert "区融媒体中心记者，长期关注乡村振兴。" in source
    assert '<p class="page-description author-bio">區融媒體中心記者，長期關注鄉村振興。</p>' in edition
    assert '<meta name="description" content="區融媒體中心記者，長期關注鄉村振興。">' in edition
    assert "乡村振兴" not in edition


def test_the_switch_and_hreflang_lead_to_the_same_page_in_the_other_edition(edition_site: Path) -> None:
    output = _built(edition_site)
    for url in ("", "towns/", "tips/2024/02/c/", "towns/2024/03/a/", "tags/", "search/"):
        source, edition = page(output, url), page(output, f"zh-hant/{url}")
        links = {
            f'<link rel="alternate" hreflang="zh-CN" href="https://example.org/sub/{url}">',
            f'<link rel="alternate" hreflang="zh-Hant-HK" href="https://example.org/sub/zh-hant/{url}">',
            f'<link rel="alternate" hreflang="x-default" href="https://example.org/sub/{url}">',
        }
        assert all(link in source and link in edition for link in links), url
        depth = url.count("/")
        assert f'<a href="{"../" * depth}zh-hant/{url}" hreflang="zh-Hant-HK" lang="zh-Hant-HK">繁體</a>' in source
        assert f'<a href="{"../" * (depth + 1)}{url}" hreflang="zh-CN" lang="zh-CN">简体</a>' in edition
        assert '<span class="edition-current" lang="zh-Hant-HK" aria-current="page">繁體</span>' in edition
        assert '<nav class="edition-switch" aria-label="簡繁切換">' in edition


def test_tags_keep_their_slugs_under_the_prefix(edition_site: Path) -> None:
    output = _built(edition_site)
    files = tree(output)
    assert "tags/乡村振兴/index.html" in files and "zh-hant/tags/乡村振兴/index.html" in files
    tag_page = page(output, "zh-hant/tags/乡村振兴/")
    assert "鄉村振興" in tag_page and "乡村振兴" not in tag_page.split("<main", 1)[1].split("</main>")[0]
    article_page = page(output, "zh-hant/towns/2024/03/a/")
    assert '<a href="../../../../tags/%E4%B9%A1%E6%9D%91%E6%8C%AF%E5%85%B4/" rel="tag">鄉村振興</a>' in article_page


def test_feeds_and_sitemap_of_the_edition(edition_site: Path) -> None:
    output = _built(edition_site)
    feed = (output / "zh-hant/feed.xml").read_text(encoding="utf-8")
    assert 'xml:lang="zh-Hant-HK"' in feed and "<title>測試站</title>" in feed
    assert "<title>鄉村振興看白雲</title>" in feed and 'term="鄉村振興"' in feed
    assert '<link rel="alternate" type="text/html" href="https://example.org/sub/zh-hant/towns/2024/03/a/" />' in feed
    assert 'xml:base="https://example.org/sub/zh-hant/towns/2024/03/a/"' in feed and "頭髮與發展" in feed
    assert "<title>鎮街社區 - 測試站</title>" in (output / "zh-hant/towns/feed.xml").read_text(encoding="utf-8")
    sitemap = (output / "zh-hant/sitemap.xml").read_text(encoding="utf-8")
    locs = re.findall(r"<loc>(.*?)</loc>", sitemap)
    assert locs and all(loc.startswith("https://example.org/sub/zh-hant/") for loc in locs)
    assert len(locs) == len(re.findall("<loc>", (output / "sitemap.xml").read_text(encoding="utf-8")))


def test_either_editions_index_finds_an_article_whatever_script_is_typed(edition_site: Path) -> None:
    from test_search import Reference

    output = _built(edition_site)
    for folder in ("search/", "zh-hant/search/"):
        files = {p.removeprefix(folder): data for p, data in tree(output).items() if p.startswith(folder)}
        index = Reference(files)
        for query in ("头发", "頭髮", "桃花里 议事", "桃花里 議事", "黨群服務"):
            assert index.search(query) == ["towns/2024/03/a/"], (folder, query)
        assert index.search("乡村") == index.search("鄉村") == ["towns/2024/03/a/", "towns/2024/03/b/"]
    edition_docs = json.loads((output / "zh-hant/search/docs/0.json").read_text(encoding="utf-8"))
    assert {doc["title"] for doc in edition_docs} == {"身邊爆料", "後來的消息", "鄉村振興看白雲"}
    assert [p.name for p in (output / "zh-hant/search/docs").glob("*.json")] == ["0.json"]  # one chunk


def test_conversion_is_cached_with_the_article_and_a_no_change_build_touches_nothing(edition_site: Path) -> None:
    build_site(edition_site)
    stamps = {p: p.stat().st_mtime_ns for p in (edition_site / "public").rglob("*") if p.is_file()}
    again = build_site(edition_site)
    assert again.files_written == 0
    assert {p: p.stat().st_mtime_ns for p in (edition_site / "public").rglob("*") if p.is_file()} == stamps
    (edition_site / "content/towns/b.md").write_text(OTHER.replace("里面的内容", "外面的内容"), encoding="utf-8")
    edited = build_site(edition_site)
    assert edited.editions_converted == 1  # the edited article only: the others come from the body store
    assert "外面的內容" in page(edition_site / "public", "zh-hant/towns/2024/03/b/")


def test_a_changed_dictionary_converts_again(edition_site: Path) -> None:
    build_site(edition_site)
    (edition_site / "data/opencc.txt").write_text("钟楚红\t鐘楚紅\n", encoding="utf-8")
    report = build_site(edition_site)
    assert report.editions_converted == 3
    html = page(edition_site / "public", "zh-hant/towns/2024/03/a/")
    assert "鐘楚紅" in html and "桃花裏" in html


def test_the_body_store_keeps_each_editions_bodies_beside_the_source(edition_site: Path) -> None:
    from sitegen.build.api import load_site

    loaded = load_site(edition_site, BuildOptions(disk_cache=False))
    (edition,) = loaded.site.config.editions
    first = loaded.site.articles[0]
    assert opencc_version() in edition_body_key(first.fingerprint, edition)


def test_the_development_server_builds_the_edition_in_memory(edition_site: Path) -> None:
    report, files = build_in_memory(edition_site, BuildOptions())
    assert "zh-hant/towns/2024/03/a/index.html" in files and "zh-hant/search/meta.json" in files
    page = files["zh-hant/towns/2024/03/a/index.html"].data
    assert page is not None and "鄉村振興看白雲".encode() in page
    assert report.articles == 3


def test_no_article_may_take_the_editions_prefix(make_site: MakeSite) -> None:
    from sitegen.errors import BuildFailed

    yaml = EDITION_YAML + "permalink: /{slug}/\n"
    site = make_site({"site.yaml": yaml, "content/towns/zh-hant.md": article()})
    with pytest.raises(BuildFailed) as caught:
        build_site(site)
    assert any("already taken" in e.message for e in caught.value.errors)


def test_the_404_page_of_the_edition_links_from_the_site_root(edition_site: Path) -> None:
    html = page(_built(edition_site), "zh-hant/404.html")
    assert 'href="/sub/assets/style.css"' in html and 'href="/sub/zh-hant/"' in html
    assert "頁面未找到" in html
    assert '<link rel="canonical" href="https://example.org/sub/zh-hant/404.html">' in html


def test_an_edit_updates_the_editions_search_index_file_by_file(
    edition_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_site(edition_site)
    assert (edition_site / ".sitegen-cache/search-zh-hant.pickle").is_file()
    search = edition_site / "public/zh-hant/search"
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in search.rglob("*") if p.is_file()}
    (edition_site / "content/towns/b.md").write_text(OTHER.replace("里面的内容", "外面的内容"), encoding="utf-8")
    monkeypatch.setattr("sitegen.build.searchfiles.build_new_index", lambda *a, **k: pytest.fail("built cold"))
    build_site(edition_site)
    monkeypatch.undo()
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in search.rglob("*") if p.is_file()}
    rewritten = sorted(p.relative_to(search).as_posix() for p in after if after[p][1] != before.get(p, (b"", 0))[1])
    # three articles: one chunk of documents and one shard, both rewritten by the update
    assert rewritten == ["docs/0.json", "meta.json", "shards/0.bin"]
    assert "外面的內容" in (search / "docs/0.json").read_text(encoding="utf-8")
    cold = edition_site.parent / "cold"
    build_site(edition_site, output_dir=cold, disk_cache=False)
    assert {p: data for p, data in tree(cold).items() if p.startswith("zh-hant/search/")} == {
        p: data for p, data in tree(edition_site / "public").items() if p.startswith("zh-hant/search/")
    }


def test_the_command_line_builds_and_checks_an_edition(edition_site: Path) -> None:
    from click.testing import CliRunner

    from sitegen.cli import main

    checked = CliRunner().invoke(main, ["check", "--site", str(edition_site)])
    assert checked.exit_code == 0, checked.output
    assert not (edition_site / "public").exists()
    built = CliRunner().invoke(main, ["build", "--site", str(edition_site), "--profile"])
    assert built.exit_code == 0, built.output
    assert "转换繁体版" in built.output
    assert (edition_site / "public/zh-hant/towns/2024/03/a/index.html").is_file()
    bad = edition_site / "site.yaml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("zh-Hant-HK", "zh-Hans"), encoding="utf-8")
    failed = CliRunner().invoke(main, ["build", "--site", str(edition_site)])
    assert failed.exit_code == 2
    assert "editions[0].language" in failed.output and "繁体中文的语言标记" in failed.output
