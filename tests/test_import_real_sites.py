"""What a QA pass found importing real public archives (a Chinese Hugo blog of 2,900 posts, a blogdown site of 2,000,
a multilingual Hugo site, a Jekyll blog of 7,200 posts), each checked here on a small site of the same shape.

The old addresses are those Hugo 0.168 served for the same files (its output compared page by page)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from conftest import MakeSite, build_site, page

from sitegen.content.markup import nested_too_deep
from sitegen.importers.hugo import parse_hugo
from sitegen.importers.jekyll import parse_jekyll
from sitegen.importers.oldurls import _urlize, hugo_urls
from sitegen.importers.run import import_hugo, import_jekyll


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, "utf-8")
    return root


def post(title: str, front: str = "", body: str = "正文。", day: str = "2020-01-02") -> str:
    return f"---\ntitle: {title}\ndate: {day}\n{front}---\n{body}\n"


# --------------------------------------------------------------------------- links between posts


def test_markdown_links_to_content_files_link_the_imported_posts(make_site: MakeSite, tmp_path: Path) -> None:
    """Hugo's link render hook (and Jekyll's jekyll-relative-links) serve `[乙](../b/b.md)` as b's URL: 440 such
    links made the build of a real archive fail, each a link to a .md file that is not in the new site."""
    source = write(
        tmp_path / "hugo",
        {
            "content/post/a/a.md": post(
                "甲",
                body="见 [乙 `[B` 篇](../b/b.md#小节) 和 [丙][c]，[旧的](../gone.md)，`[代码](../b/b.md)`。\n\n"
                "[c]: ../c.md\n\n[![复制](https://x.org/c.gif)](javascript:void(0); \"复制代码\")\n\n![]()",
            ),
            "content/post/b/b.md": post("乙", body="## 小节\n\n内容。"),
            "content/post/c.md": post("丙"),
        },
    )
    site = make_site({})
    report = import_hugo(site, source, "towns")
    a = (site / "content/towns/2020/a.md").read_text("utf-8")
    assert "[乙 `[B` 篇](b.md#小节)" in a and "[c]: c.md" in a
    assert "`[代码](../b/b.md)`" in a  # in code: as written
    assert "，旧的，" in a  # a link to a page that is not there: its text
    assert "javascript" not in a and "![复制](https://x.org/c.gif)" in a and "![]()" not in a
    notes = [n.message for w in report.written for n in w.notices]
    assert any(m.startswith("links to a page that was not imported; its text kept") for m in notes)
    assert any(m.startswith("a javascript: link, which the build refuses") for m in notes)
    assert "a picture without a file, dropped: ![]()" in notes
    build_site(site)
    assert 'href="../b/#小节"' in page(site / "public", "towns/2020/01/a/")


def test_jekyll_relative_links_link_the_imported_post() -> None:
    text = post("甲", body="见 [乙](2020-01-01-b.md)。")
    article = parse_jekyll(text, "_posts/2020-01-02-a.md")
    assert [link.key for link in article.post_links] == ["2020-01-01-b"]


# --------------------------------------------------------------------------- the addresses Hugo served


def test_hugo_urlize_as_hugo_makes_slugs_of_titles() -> None:
    """Each as Hugo 0.168 wrote the folder for `:slug` of that title."""
    title = "Kitex 两周年回顾 — 能力升级、社区合作与未来展望"
    assert _urlize(title, True) == "kitex-两周年回顾-能力升级社区合作与未来展望"
    assert _urlize("a - b", True) == "a-b"
    assert _urlize("Ünïcode—dash 「引号」", True) == "ünïcodedash-引号"
    assert _urlize("x  y", True) == "x-y"


def test_a_number_as_url_and_a_dotted_file_name_keep_their_addresses() -> None:
    day = date(2019, 9, 21)
    assert hugo_urls("post/cs/go-new-make.md", {"url": 14943}, day, {}) == ("/14943",)
    assert hugo_urls("post/go/golang-sync.map.md", {}, day, {}) == ("/post/go/golang-sync.map/",)
    assert hugo_urls("post/a.zh.md", {}, day, {"languages": {"en": {}, "zh": {}}}, "zh") == ("/zh/post/a/",)


def test_a_multilingual_site_keeps_its_language_prefix(make_site: MakeSite, tmp_path: Path) -> None:
    """[languages.zh] contentDir = "content/zh", the default language en: zh pages and their aliases are under /zh/,
    an own `url:` is as written (Hugo 0.168: /zh/old/a/, /custom/b/; an alias /zh/x/ even becomes /zh/zh/x/)."""
    config = (
        'defaultContentLanguage = "en"\n[permalinks]\nposts = "/:section/:year/:slug/"\n'
        '[languages.en]\ncontentDir = "content/en"\n[languages.zh]\ncontentDir = "content/zh"\n'
    )
    source = write(
        tmp_path / "hugo",
        {
            "hugo.toml": config,
            "content/zh/posts/a.md": post("你好 世界", "aliases: [/old/a/, rel-a]\n"),
            "content/zh/posts/b.md": post("乙", "url: /custom/b/\naliases: [/old/b/]\n"),
            "content/en/posts/c.md": post("C", "slug: cc\naliases: [/old/c/]\n"),
        },
    )
    site = make_site({})
    import_hugo(site, source, "towns")
    aliases = {p.name: p.read_text("utf-8").split("aliases:\n")[1].split("\n---")[0] for p in site.rglob("*.md")}
    assert aliases["a.md"] == "- /zh/posts/2020/你好-世界/\n- /zh/old/a/\n- /zh/posts/2020/rel-a/"
    assert aliases["b.md"] == "- /custom/b/\n- /zh/old/b/"
    assert aliases["cc.md"] == "- /posts/2020/cc/\n- /old/c/"


def test_an_alias_takes_the_address_of_a_page(make_site: MakeSite, tmp_path: Path) -> None:
    """Hugo writes the aliases after the pages: /java/, the `url:` of one post and an alias of another, redirected
    to the other on the old site, and so here."""
    source = write(
        tmp_path / "hugo",
        {
            "content/post/java-basic.md": post("Java 基础", "url: java\n"),
            "content/post/java-history.md": post("Java 版本", "url: java-history\naliases: [java]\n"),
            "content/search.md": post("搜索", "url: search\n"),
        },
    )
    site = make_site({})
    report = import_hugo(site, source, "towns")
    notes = {Path(w.origin).name: [n.message for n in w.notices] for w in report.written}
    assert notes["java-basic.md"] == [
        f"the old address /java is also that of {source / 'content/post/java-history.md'}: redirected there"
    ]
    assert notes["search.md"][0].startswith("the old address /search cannot be redirected: it is the place of")
    build_site(site)
    assert "towns/2020/01/java-history/" in page(site / "public", "java/")


def test_undated_pages_and_yaml_11_drafts_are_imported_and_said(make_site: MakeSite, tmp_path: Path) -> None:
    """62 posts of a real archive had `date: ""` (Hugo publishes them undated): they were refused. `draft: yes`
    is a draft to PyYAML but text to Hugo 0.168, which published those nine posts of another archive."""
    source = write(
        tmp_path / "hugo",
        {
            "content/post/a.md": '---\ntitle: 甲\ndate: ""\n---\n正文。\n',
            "content/post/b.md": post("乙", "draft: yes\n"),
        },
    )
    os.utime(source / "content/post/a.md", (1_600_000_000, 1_600_000_000))
    site = make_site({})
    report = import_hugo(site, source, "towns")
    assert not report.failed
    notes = {Path(w.origin).name: [n.message for n in w.notices] for w in report.written}
    day = date.fromtimestamp(1_600_000_000)
    assert notes["a.md"][0].endswith(f"used the file's modification date {day}: check it")
    assert notes["b.md"][0].startswith("draft: yes is text to newer Hugo, not true, so the old site published it")
    article = parse_hugo(post("乙", "draft: true\n"), "post/b.md")
    assert article.draft and not article.notices


def test_more_than_a_hundred_old_addresses_build(make_site: MakeSite, tmp_path: Path) -> None:
    """A post of a real archive had 118 aliases (WordPress ids of merged posts); the build allowed 100."""
    aliases = "".join(f"  - /p{n}/\n" for n in range(118))
    source = write(tmp_path / "hugo", {"content/post/yasm.md": post("Yasm", f"url: yasm\naliases:\n{aliases}")})
    site = make_site({})
    import_hugo(site, source, "towns")
    build_site(site)
    assert "towns/2020/01/yasm/" in page(site / "public", "p117/")


# --------------------------------------------------------------------------- the build


def test_a_regex_in_running_text_does_not_crash_the_build() -> None:
    """`(?<![a-z])` in running text passes through Python-Markdown as raw HTML; HTMLParser raised AssertionError
    on it (a marked section), and the build of a 7,200-post Jekyll archive stopped with a traceback."""
    assert nested_too_deep("<b>x</b>" * 300 + "<p>(?<![a-z])ai(?![a-z])/</p>") is False


def test_a_jekyll_post_with_a_regex_in_its_text_builds(make_site: MakeSite, tmp_path: Path) -> None:
    source = write(
        tmp_path / "jekyll",
        {"_posts/2020-01-02-regex.md": post("正则", body="<b>x</b> " * 300 + "\n\n用 (?<![a-z])ai(?![a-z]) 匹配。")},
    )
    site = make_site({})
    import_jekyll(site, source, "towns")
    build_site(site)


def test_jekyll_dates_of_other_zones_are_those_of_the_build() -> None:
    """GitHub Pages built a `+0800` post of 00:19 into the day before (UTC): 228 old addresses of a 7,200-post
    blog; a file name with ` -` (`idea-plugin-dev -01-basic`) made one '-' of Jekyll's slug."""
    text = "---\ntitle: x\ndate: 2017-01-02 00:19:56 +0800\n---\nx\n"
    assert parse_jekyll(text, "_posts/2017-01-02-a.md", {"permalink": "/:year/:month/:day/:title"}).aliases == (
        "/2017/01/01/a",
    )
    shanghai = {"permalink": "/:year/:month/:day/:title", "timezone": "Asia/Shanghai"}
    assert parse_jekyll(text, "_posts/2017-01-02-a.md", shanghai).aliases == ("/2017/01/02/a",)
    spaced = parse_jekyll("---\ntitle: x\n---\nx\n", "_posts/2017-10-13-dev -01-basic.md", {"permalink": "pretty"})
    assert spaced.aliases == ("/2017/10/13/dev-01-basic/",)
