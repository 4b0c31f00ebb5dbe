"""Links between articles, written against source files (`[文](../brands/x.md#小标题)`), become the target's URL;
a link that cannot work is an error in both build and check, naming the linking file and line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin

import pytest
from click.testing import CliRunner
from conftest import FIXED_NOW, SITE_YAML, MakeSite, article, build_site, page

from sitegen.build.api import BuildOptions, check
from sitegen.cli import main
from sitegen.errors import BuildFailed, ContentError

BASE = "https://example.org/sub/"
LINK_SITE_YAML = SITE_YAML + "  - slug: brands\n    title: 社区品牌\n"
TARGET = article(
    "品牌文章",
    "2024-03-01",
    "导语。\n\n## 小标题\n\n正文。\n\n## 一、防诈 宣传\n\n正文。\n\n## Mixed 标题 Two\n\n正文。\n",
)


def body_links(html: str) -> dict[str, str]:
    """{link text: href} of the links in an article's body."""
    body = html.split('class="article-body"', 1)[1].split("</article>", 1)[0]
    return {unquote(text): href for href, text in re.findall(r'<a href="([^"]*)"[^>]*>([^<]*)</a>', body)}


def ids_of(html: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]*)"', html))


def resolves_to(from_url: str, href: str) -> str:
    """The site-relative URL (with fragment) a relative href on the page at `from_url` reaches."""
    absolute = urljoin(BASE + from_url, href)
    assert absolute.startswith(BASE), f"{href!r} on /{from_url} leaves the site: {absolute}"
    return unquote(absolute[len(BASE) :])


# --------------------------------------------------------------------------- rewriting


def test_links_to_source_files_become_relative_links_to_their_pages(make_site: MakeSite, tmp_path: Path) -> None:
    body = "\n\n".join(
        [
            "见[甲](../brands/x.md)。",
            "见[乙](../brands/x.md#小标题)。",
            "见[丙](./b.md)和[丁](b.md)。",
            "见[戊](../brands/品牌.md)和[己](../brands/%E5%93%81%E7%89%8C.md)。",
            "见[庚](../brands/x.md#%E5%B0%8F%E6%A0%87%E9%A2%98)。",
            "见[辛](../brands/x.md#一防诈-宣传)。",
            "见[壬](https://example.com/a.md)和[癸](/towns/)。",
        ]
    )
    site = make_site(
        {
            "site.yaml": LINK_SITE_YAML,
            "content/towns/a.md": article("甲文", "2024-01-02", body),
            "content/towns/b.md": article("乙文", "2024-01-03"),
            "content/brands/x.md": TARGET,
            "content/brands/品牌.md": article("中文文件名", "2024-03-02"),
        }
    )
    output = tmp_path / "out"
    build_site(site, output_dir=output)
    a_url, b_url, x_url = "towns/2024/01/a/", "towns/2024/01/b/", "brands/2024/03/x/"
    zh_url = "brands/2024/03/品牌/"
    links = body_links(page(output, a_url))

    expected = {
        "甲": x_url,
        "乙": x_url + "#小标题",
        "丙": b_url,
        "丁": b_url,
        "戊": zh_url,
        "己": zh_url,
        "庚": x_url + "#小标题",
        "辛": x_url + "#一防诈-宣传",
    }
    for text, url in expected.items():
        href = links[text]
        assert not re.match(r"^[a-z]+:|^/", href), f"[{text}]: {href!r} should be relative"
        assert ".md" not in href, f"[{text}]: {href!r} still points at the source file"
        assert resolves_to(a_url, href) == url, f"[{text}]({href})"
    assert links["壬"] == "https://example.com/a.md" and links["癸"] == "/towns/", "other links stay as written"

    target = page(output, x_url)
    assert {"小标题", "一防诈-宣传"} <= ids_of(target), sorted(ids_of(target))
    assert (output / zh_url / "index.html").is_file()


def test_links_across_year_folders_resolve_from_the_linking_file(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site(
        {
            "site.yaml": LINK_SITE_YAML,
            "content/towns/2024/a.md": article("甲文", "2024-01-02", "见[品牌](../../brands/2023/y.md#小标题)。"),
            "content/brands/2023/y.md": TARGET.replace("2024-03-01", "2023-06-01"),
        }
    )
    output = tmp_path / "out"
    build_site(site, output_dir=output)
    href = body_links(page(output, "towns/2024/01/a/"))["品牌"]
    assert resolves_to("towns/2024/01/a/", href) == "brands/2023/06/y/#小标题"


def test_a_link_follows_its_target_to_a_new_url(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site(
        {
            "site.yaml": LINK_SITE_YAML,
            "content/towns/a.md": article("甲文", "2024-01-02", "见[品牌](../brands/x.md)。"),
            "content/brands/x.md": article("品牌文章", "2024-03-01", slug="brand-story"),
        }
    )
    output = tmp_path / "out"
    build_site(site, output_dir=output)
    href = body_links(page(output, "towns/2024/01/a/"))["品牌"]
    assert resolves_to("towns/2024/01/a/", href) == "brands/2024/03/brand-story/"


# --------------------------------------------------------------------------- broken links


def errors_of(site: Path, how: str, **options: Any) -> list[ContentError]:
    """The content errors of a build or a check of `site` (none: an empty list)."""
    options.setdefault("now", FIXED_NOW)
    try:
        if how == "build":
            build_site(site, **options)
        else:
            check(site, BuildOptions(**options))
    except BuildFailed as failed:
        return list(failed.errors)
    return []


LINKING = "content/towns/a.md"
BROKEN = {
    # case: (link as written, files besides the linking article, build options, what the message says)
    "missing file": ("../brands/nope.md", {}, {}, "does not exist"),
    "missing anchor": ("../brands/x.md#不存在的标题", {"content/brands/x.md": TARGET}, {}, "no heading"),
    "draft": (
        "../brands/x.md",
        {"content/brands/x.md": article("草稿", "2024-03-01", draft="true")},
        {},
        "draft",
    ),
    "draft, built with drafts": (
        "../brands/x.md",
        {"content/brands/x.md": article("草稿", "2024-03-01", draft="true")},
        {"drafts": True},
        "draft",
    ),
    "future": ("../brands/x.md", {"content/brands/x.md": article("明天", "2099-03-01")}, {}, "not published"),
}


@pytest.mark.parametrize("how", ["build", "check"])
@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_link_is_an_error_naming_file_and_line(make_site: MakeSite, case: str, how: str) -> None:
    href, others, options, says = BROKEN[case]
    body = f"第一段。\n\n第二段[链接]({href})。\n\n第三段。\n"
    site = make_site({"site.yaml": LINK_SITE_YAML, LINKING: article("甲文", "2024-01-02", body), **others})
    errors = errors_of(site, how, **options)
    assert [(e.path, e.line, e.field) for e in errors] == [(LINKING, 8, "link")], [str(e) for e in errors]
    assert href in errors[0].message and says in errors[0].message, errors[0].message
    assert not (site / "public").exists(), "a failed build must write nothing"


def test_a_missing_anchor_error_lists_the_headings_there(make_site: MakeSite) -> None:
    site = make_site(
        {
            "site.yaml": LINK_SITE_YAML,
            LINKING: article("甲文", "2024-01-02", "见[品牌](../brands/x.md#一、防诈宣传)。"),
            "content/brands/x.md": TARGET,
        }
    )
    [error] = errors_of(site, "check")
    assert "#一、防诈宣传" in error.message
    assert "小标题" in error.hint and "一防诈-宣传" in error.hint, error.hint


def test_the_cli_reports_a_broken_link_with_file_and_line(make_site: MakeSite) -> None:
    site = make_site(
        {"site.yaml": LINK_SITE_YAML, LINKING: article("甲文", "2024-01-02", "见[品牌](../brands/nope.md)。")}
    )
    for command in (["check"], ["build"], ["build", "--drafts", "--future"]):
        result = CliRunner().invoke(main, [*command, "--site", str(site)])
        assert result.exit_code == 1, (command, result.output)
        assert f"{LINKING}:6" in result.output, (command, result.output)
        assert "nope.md" in result.output
    assert not (site / "public").exists()


def test_the_line_is_the_broken_links_own_even_when_its_target_appears_earlier(make_site: MakeSite) -> None:
    """`x.md` is also the end of the valid `../tips/x.md` on an earlier line: the error must point at line 10."""
    body = "第一段。\n\n见[乙](../tips/x.md)。\n\n见[丙](x.md)。\n"
    site = make_site({LINKING: article("甲文", "2024-01-02", body), "content/tips/x.md": article("乙文")})
    errors = errors_of(site, "check")
    assert [(e.path, e.line) for e in errors] == [(LINKING, 10)], [str(e) for e in errors]


def test_links_that_can_work_are_accepted(make_site: MakeSite) -> None:
    draft = article("草稿甲", "2024-01-02", "见[草稿乙](../brands/y.md)和[不存在](../brands/nope.md)。", draft="true")
    site = make_site(
        {
            "site.yaml": LINK_SITE_YAML,
            "content/towns/draft.md": draft,  # a left-out draft's links are not checked
            "content/brands/y.md": article("草稿乙", "2024-03-01", draft="true"),
            "content/towns/a.md": article("甲文", "2024-01-02", "见[明天](../brands/z.md)。"),
            "content/brands/z.md": article("明天", "2099-03-01"),
        }
    )
    assert errors_of(site, "check", future=True) == [], "a link to a future article is fine when it is built"
    site_errors = errors_of(site, "check", future=True, drafts=True)
    assert [(e.path, e.line) for e in site_errors] == [("content/towns/draft.md", 7)], "drafts built: checked"
    assert "nope.md" in site_errors[0].message
