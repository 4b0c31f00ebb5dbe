"""Aliases: an article's old addresses. The build writes a redirect page at each (meta refresh, canonical,
noindex, a link) and the two maps (Netlify/Cloudflare `_redirects`, nginx `redirects.map`); an alias that takes
a page's or another alias's place is an error naming both files; a bad alias is an error naming its line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import MakeSite, article, build_site, page

from sitegen.errors import BuildFailed
from sitegen.urls import alias_output_path, alias_problem

MONTHLY = article("三月月报", "2020-03-01", "三月的事。", aliases="[/2020/03/monthly.html, /old/monthly/, /新闻/三月]")


def errors_of(site: Path) -> list[str]:
    with pytest.raises(BuildFailed) as caught:
        build_site(site)
    return [error.text("en") for error in caught.value.errors]


def test_a_redirect_page_at_every_alias(make_site: MakeSite) -> None:
    site = make_site({"content/towns/2020/monthly.md": MONTHLY})
    build_site(site)
    out = site / "public"
    for alias, target in [
        ("2020/03/monthly.html", "../../towns/2020/03/monthly/"),
        ("old/monthly/", "../../towns/2020/03/monthly/"),
        ("新闻/三月/", "../../towns/2020/03/monthly/"),  # no extension: a folder, as servers serve it
    ]:
        html = page(out, alias)
        assert f'<meta http-equiv="refresh" content="0; url={target}">' in html
        assert '<link rel="canonical" href="https://example.org/sub/towns/2020/03/monthly/">' in html
        assert '<meta name="robots" content="noindex">' in html
        assert f'<p>本页已移至 <a href="{target}">三月月报</a></p>' in html
    assert "2020/03/monthly.html" not in (out / "sitemap.xml").read_text("utf-8")


def test_the_maps_for_servers_that_redirect(make_site: MakeSite) -> None:
    site = make_site({"content/towns/2020/monthly.md": MONTHLY})
    build_site(site)
    netlify = (site / "public/_redirects").read_text("utf-8").splitlines()
    assert netlify[1:] == [
        "/sub/2020/03/monthly.html /sub/towns/2020/03/monthly/ 301",
        "/sub/old/monthly/ /sub/towns/2020/03/monthly/ 301",
        "/sub/%E6%96%B0%E9%97%BB/%E4%B8%89%E6%9C%88 /sub/towns/2020/03/monthly/ 301",
    ]
    nginx = (site / "public/redirects.map").read_text("utf-8").splitlines()
    assert [line for line in nginx if not line.startswith("#")] == [
        '"/sub/2020/03/monthly.html" "/sub/towns/2020/03/monthly/";',
        '"/sub/old/monthly/" "/sub/towns/2020/03/monthly/";',
        '"/sub/新闻/三月" "/sub/towns/2020/03/monthly/";',  # nginx's $uri is decoded
    ]


def test_a_percent_sign_in_an_alias_is_encoded_in_the_netlify_map(make_site: MakeSite) -> None:
    """An alias is kept decoded ('%25' written in the front matter is a '%' of the path): `_redirects` encodes it
    again, or the server would read '%.h' as an escape."""
    aliases = '["/old/100%25.html", "/old/a b.html", "/old/50%.html"]'
    site = make_site({"content/towns/2020/monthly.md": article("月报", "2020-03-01", "正文。", aliases=aliases)})
    build_site(site)
    netlify = (site / "public/_redirects").read_text("utf-8").splitlines()
    assert sorted(line.split()[0] for line in netlify[1:]) == ["/sub/old/100%25.html", "/sub/old/50%25.html",
                                                              "/sub/old/a%20b.html"]  # fmt: skip
    nginx = (site / "public/redirects.map").read_text("utf-8")
    assert '"/sub/old/100%.html"' in nginx and '"/sub/old/50%.html"' in nginx  # nginx's $uri is decoded
    assert (site / "public/old/100%.html").is_file()


def test_a_site_without_aliases_has_no_redirect_files(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article()})
    build_site(site)
    assert not (site / "public/_redirects").exists() and not (site / "public/redirects.map").exists()


def test_an_alias_on_its_own_article_is_no_redirect(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article(aliases="[/towns/2024/01/a/, /towns/2024/01/a]")})
    build_site(site)
    assert not (site / "public/_redirects").exists()
    assert "<title>" in page(site / "public", "towns/2024/01/a/") and "refresh" not in page(
        site / "public", "towns/2024/01/a/"
    )


def test_an_alias_on_a_page_or_on_another_alias_is_an_error_naming_both_files(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/towns/a.md": article("甲", aliases="[/towns/2024/01/b/, /old/x/]"),
            "content/towns/b.md": article("乙"),
            "content/tips/c.md": article("丙", aliases="[/old/x/, /towns/]"),
        }
    )
    assert errors_of(site) == [
        "content/tips/c.md: aliases: the alias /towns/ is already taken by the index of column 'towns'"
        " (remove the alias from one of them)",
        "content/towns/a.md: aliases: the alias /towns/2024/01/b/ is already taken by content/towns/b.md"
        " (remove the alias from one of them)",
        "content/towns/a.md: aliases: the alias /old/x/ is already taken by content/tips/c.md (alias /old/x/)"
        " (remove the alias from one of them)",
    ]


def test_a_collision_in_chinese(make_site: MakeSite) -> None:
    site = make_site(
        {"content/towns/a.md": article(aliases="[/old/]"), "content/towns/b.md": article(aliases="[/old]")}
    )
    with pytest.raises(BuildFailed) as caught:
        build_site(site)
    (error,) = caught.value.errors
    assert error.text("zh-CN") == (
        "content/towns/b.md: aliases: 别名 /old 已被 content/towns/a.md（别名 /old/） 占用（请从其中一篇删去这个别名）"
    )


@pytest.mark.parametrize(
    ("alias", "problem"),
    [
        ("https://old.example.org/x/", "a path of the site, not a full URL"),
        ("/show.asp?id=3", "a path without '?', '#', quotes, '<', '>', backslashes or control characters"),
        ("/a/../../etc/", "a path of the site other than the home page, without empty, '.' or '..' segments"),
        ("/", "a path of the site other than the home page, without empty, '.' or '..' segments"),
        ("/a\\b/", "a path without '?', '#', quotes, '<', '>', backslashes or control characters"),
        ("/%2e%2e/x/", "a path of the site other than the home page, without empty, '.' or '..' segments"),
        ("/" + "长" * 70 + "/", "a path whose every segment is at most 200 bytes"),
    ],
)
def test_an_alias_that_is_no_path_of_the_site_is_an_error(alias: str, problem: str) -> None:
    assert alias_problem(alias) == problem


def test_a_bad_alias_is_an_error_naming_its_line(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": "---\ntitle: 甲\ndate: 2024-01-02\naliases:\n  - /ok/\n  - /x?y=1\n---\n"})
    (message,) = errors_of(site)
    assert message.startswith("content/towns/a.md:6: aliases[1]: expected a path without '?'"), message


def test_alias_files() -> None:
    assert [alias_output_path(a) for a in ("old/", "old", "old.html", "a/b.htm", "show.php")] == [
        "old/index.html",
        "old/index.html",
        "old.html",
        "a/b.htm",
        "show.php/index.html",
    ]


def test_a_draft_has_no_redirects_until_it_is_published(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article(draft="true", aliases="[/old/]")})
    build_site(site)
    assert not (site / "public/old").exists()
    build_site(site, drafts=True)
    assert re.search(r"url=\.\./towns/2024/01/a/", page(site / "public", "old/"))


def test_a_removed_alias_takes_its_redirect_away(make_site: MakeSite) -> None:
    site = make_site({"content/towns/2020/monthly.md": MONTHLY, "content/towns/b.md": article("乙")})
    build_site(site)
    assert (site / "public/old/monthly/index.html").is_file()
    (site / "content/towns/2020/monthly.md").write_text(article("三月月报", "2020-03-01", "三月的事。"), "utf-8")
    build_site(site)
    assert not (site / "public/old").exists() and not (site / "public/_redirects").exists()
    assert not (site / "public/2020/03/monthly.html").exists()
