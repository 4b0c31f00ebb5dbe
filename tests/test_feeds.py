"""The Atom feed written as text matches what ElementTree wrote (tests/feeds_oracle.py) byte for byte, whatever
the text: markup characters, quotes, control characters XML cannot carry, empty fields."""

from __future__ import annotations

import dataclasses
import types
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from conftest import SITE_YAML, article, load
from feeds_oracle import atom_feed as oracle_feed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.model import Article, Body, Site
from sitegen.render.feeds import ATOM, _newest_by_column, atom_feed, site_feeds, sitemap_pages

TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
HOSTILE = st.one_of(TEXT, st.sampled_from(['<b>&amp;"\'</b>', "a\r\nb\tc", "\x00\x1f\ufffe", " ", "]]>", ""]))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    folder = tmp_path_factory.mktemp("feeds")
    files = {"site.yaml": SITE_YAML, "content/towns/2024/a.md": article(tags="[甲, 乙]")}
    files["content/towns/2024/b.md"] = article(title="另一篇")
    for relative, text in files.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_text(text, encoding="utf-8")
    return load(folder)


def both(site: Site, data: st.DataObject, full: bool) -> tuple[bytes, bytes]:
    """The same feed, of hostile texts, from atom_feed and from the oracle."""
    config = dataclasses.replace(site.config, description=data.draw(HOSTILE), feed_full_content=full)
    items = [
        dataclasses.replace(
            a,
            title=data.draw(HOSTILE),
            summary=data.draw(HOSTILE),
            tags=tuple(data.draw(st.lists(HOSTILE, max_size=3))),
            authors=tuple(data.draw(st.lists(HOSTILE, max_size=2))),
        )
        for a in site.articles
    ]
    html = data.draw(HOSTILE)

    def body_of(_: Article) -> Body:
        return Body(html, "")

    url = data.draw(st.sampled_from(["", "towns/", 'a"b/&<x>/']))
    titles = {site.articles[0].column: data.draw(HOSTILE)}
    args = (config, data.draw(HOSTILE), url, f"{url}feed.xml", items, titles, body_of)
    return atom_feed(*args), oracle_feed(*args)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), full=st.booleans())
def test_the_feed_is_what_elementtree_wrote(site: Site, data: st.DataObject, full: bool) -> None:
    written, oracle = both(site, data, full)
    assert written == oracle
    root = ET.fromstring(written)  # and it is XML
    assert root.tag == f"{{{ATOM}}}feed" and len(root.findall(f"{{{ATOM}}}entry")) == len(site.articles)


def test_an_empty_feed_is_what_elementtree_wrote(site: Site) -> None:
    args: tuple[Any, ...] = (site.config, "标题", "", "feed.xml", [], {}, lambda a: Body("", ""))
    assert atom_feed(*args) == oracle_feed(*args)


def test_the_feeds_of_a_site_share_entries_and_are_what_each_feed_alone_would_be(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    folder = tmp_path_factory.mktemp("site-feeds")
    files = {"site.yaml": SITE_YAML}
    writers = [("towns", "张三"), ("towns", "李四"), ("tips", "张三"), ("tips", "[张三, 李四]")]
    for n, (column, writer) in enumerate(writers):
        files[f"content/{column}/2024/a{n}.md"] = article(title=f"第{n}篇", date=f"2024-01-0{n + 1}", author=writer)
    for relative, text in files.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_text(text, encoding="utf-8")
    site = load(folder)
    body = lambda a: Body("<p>正文</p>", "正文")  # noqa: E731
    made = dict(site_feeds(site, body))
    titles = {c.slug: c.title for c in site.config.columns}
    alone = atom_feed(site.config, site.config.title, "", "feed.xml", site.articles[:20], titles, body)
    assert made["feed.xml"] == alone
    assert len([path for path in made if path.startswith("authors/")]) == 2
    for author in site.authors:
        url = f"{author.url}feed.xml"
        items = [a for a in site.articles if author.name in a.authors]
        title = f"{author.name} - {site.config.title}"
        assert made[url] == atom_feed(site.config, title, author.url, url, items, titles, body)


def test_the_sitemap_dates_each_listing_by_its_latest_article_updated_or_published(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Each listing's lastmod is the latest of its articles' `updated` (else `date`), as one walk of each listing
    finds it: also when an older article was updated after the newest was published, and for a listing whose
    articles are not the site's own objects."""
    folder = tmp_path_factory.mktemp("sitemap")
    files = {"site.yaml": SITE_YAML}
    files["content/towns/2024/old.md"] = article(title="旧文", date="2024-01-01", updated="2024-03-05", tags="[甲]")
    files["content/towns/2024/new.md"] = article(title="新文", date="2024-02-01", tags="[甲, 乙]")
    files["content/tips/2024/tip.md"] = article(title="爆料", date="2024-01-15", tags="[乙]")
    for relative, text in files.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_text(text, encoding="utf-8")
    site = load(folder)

    def walked(items: Any) -> str | None:
        return max((a.updated or a.date) for a in items).isoformat() if items else None

    listings = (*site.listings, *site.tag_listings, *site.author_listings, *site.archive_listings)
    expected = {listing.url: walked(listing.articles) for listing in listings}
    pages = dict(sitemap_pages(site))
    assert {url: pages[url] for url in expected} == expected
    jia = next(listing for listing in site.tag_listings if listing.tag is not None and listing.tag.name == "甲")
    assert (pages[jia.url] or "").startswith("2024-03-05")  # the older article's update, not the newer one's date
    copies = tuple(dataclasses.replace(a, title=a.title + "！") for a in site.listings[0].articles)
    foreign = dataclasses.replace(site, listings=(dataclasses.replace(site.listings[0], articles=copies),))
    assert dict(sitemap_pages(foreign))[site.listings[0].url] == walked(copies)


@given(
    columns=st.lists(st.sampled_from("abcd"), max_size=60),
    slugs=st.lists(st.sampled_from("abcde"), min_size=1, max_size=5, unique=True),
    size=st.integers(min_value=1, max_value=8),
)
def test_each_columns_newest_articles_are_its_first_in_site_order(
    columns: list[str], slugs: list[str], size: int
) -> None:
    """One pass that stops once every column is full: the same as each column's articles taken in turn."""
    articles: Any = [types.SimpleNamespace(column=column, n=n) for n, column in enumerate(columns)]
    newest = _newest_by_column(articles, slugs, size)
    assert newest == {slug: [a for a in articles if a.column == slug][:size] for slug in slugs}
