"""Atom feeds, sitemap.xml and robots.txt, written as text with every text and attribute XML-escaped. Pure."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from sitegen.model import Article, BodyOf, Config, Site
from sitegen.urls import ARCHIVE_URL, AUTHORS_URL, absolute_url

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
EPOCH = "1970-01-01T00:00:00+00:00"


def escape(text: str) -> str:
    """&, < and > as XML entities (xml.sax.saxutils.escape, without importing urllib.request and http.client)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# XML 1.0 cannot carry these characters at all, escaped or not.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def _changed(article: Article) -> datetime:
    return article.updated or article.date


def _latest(articles: Iterable[Article]) -> str | None:
    moments = [_changed(a) for a in articles]
    return max(moments).isoformat() if moments else None


def _cdata(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute(text: str) -> str:
    text = _cdata(text).replace('"', "&quot;")
    return text.replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#09;")


def _element(level: int, tag: str, text: str | None = None, **attributes: str) -> str:
    """One element on a line of its own, `level` steps of two spaces in: the XML ElementTree writes after indent(),
    written directly (building the tree cost more than the feeds' text: seconds at 10,000 articles)."""
    names = "".join(f' {_ATTRIBUTE_NAMES.get(k, k)}="{_attribute(xml_text(v))}"' for k, v in attributes.items())
    pad = "  " * level
    text = xml_text(text) if text is not None else ""
    return f"{pad}<{tag}{names}>{_cdata(text)}</{tag}>" if text else f"{pad}<{tag}{names} />"


_ATTRIBUTE_NAMES = {"xml_base": "xml:base", "xml_lang": "xml:lang"}


def atom_feed(
    config: Config,
    title: str,
    page_url: str,
    feed_url: str,
    articles: Sequence[Article],
    column_titles: dict[str, str],
    body_of: BodyOf,
    entries: dict[str, list[str]] | None = None,
) -> bytes:
    """An Atom 1.0 feed of `articles` (newest first), every URL absolute; `body_of` is asked only for full-content
    feeds. `entries`: each article's entry by source path, shared by the feeds of one site made with the same
    config, titles and bodies (an article is in the site's feed, its column's and each author's)."""
    page, feed = absolute_url(config.base_url, page_url), absolute_url(config.base_url, feed_url)
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="{ATOM}" xml:lang="{_attribute(config.language)}">',
        _element(1, "title", title),
    ]
    if config.description:
        lines.append(_element(1, "subtitle", config.description))
    lines += [
        _element(1, "id", page),
        _element(1, "link", rel="alternate", type="text/html", href=page),
        _element(1, "link", rel="self", type="application/atom+xml", href=feed),
        _element(1, "updated", _latest(articles) or EPOCH),
        "  <author>",
        _element(2, "name", config.title),
        "  </author>",
        _element(1, "generator", "sitegen"),
    ]
    for article in articles:
        if entries is None:
            lines += _entry(config, article, column_titles, body_of)
            continue
        entry = entries.get(article.source_path)
        if entry is None:
            entry = entries[article.source_path] = _entry(config, article, column_titles, body_of)
        lines += entry
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode()


def _entry(config: Config, article: Article, column_titles: dict[str, str], body_of: BodyOf) -> list[str]:
    url = absolute_url(config.base_url, article.url)
    lines = [
        "  <entry>",
        _element(2, "title", article.title),
        _element(2, "link", rel="alternate", type="text/html", href=url),
        _element(2, "id", url),
        _element(2, "published", article.date.isoformat()),
        _element(2, "updated", _changed(article).isoformat()),
    ]
    for name in article.authors:
        lines += ["    <author>", _element(3, "name", name), "    </author>"]
    if article.column in column_titles:
        lines.append(_element(2, "category", term=column_titles[article.column]))
    lines += [_element(2, "category", term=tag) for tag in article.tags]
    if article.summary:
        lines.append(_element(2, "summary", article.summary, type="text"))
    if config.feed_full_content:
        # relative links and pictures in the body resolve against the article's own URL
        lines.append(_element(2, "content", body_of(article).html, type="html", xml_base=url))
    lines.append("  </entry>")
    return lines


def sitemap(config: Config, pages: Iterable[tuple[str, str | None]]) -> bytes:
    """`pages`: (site-relative URL, lastmod or None). Written as text: one flat list, and large sites have many."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>', f'<urlset xmlns="{SITEMAP}">']
    for url, lastmod in pages:
        lines.append("  <url>")
        lines.append(f"    <loc>{escape(xml_text(absolute_url(config.base_url, url)))}</loc>")
        if lastmod:
            lines.append(f"    <lastmod>{escape(xml_text(lastmod))}</lastmod>")
        lines.append("  </url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


# atom_feed's arguments before the bodies: config, title, page URL, feed URL, articles, column titles
FeedArguments = tuple[Config, str, str, str, Sequence[Article], dict[str, str]]


def feed_arguments(site: Site) -> Iterator[tuple[str, FeedArguments]]:
    """(output path, the arguments of `atom_feed` but the bodies and the shared entries) of the site feed, one feed
    per column and one per author: what each feed is made from (a build keys it by them)."""
    config = site.config
    titles = {c.slug: c.title for c in config.columns}
    yield "feed.xml", (config, config.title, "", "feed.xml", site.articles[: config.feed_size], titles)
    newest = _newest_by_column(site.articles, [column.slug for column in config.columns], config.feed_size)
    for column in config.columns:
        feed_url = f"{column.url}feed.xml"
        items = tuple(newest[column.slug])
        yield feed_url, (config, f"{column.title} - {config.title}", column.url, feed_url, items, titles)
    by_author: dict[str, list[Article]] = {}
    for listing in site.author_listings:  # an author's pages in order: their articles, newest first
        if listing.author is not None:
            by_author.setdefault(listing.author.slug, []).extend(listing.articles)
    for author in site.authors:
        feed_url = f"{author.url}feed.xml"
        items = tuple(by_author.get(author.slug, [])[: config.feed_size])
        yield feed_url, (config, f"{author.name} - {config.title}", author.url, feed_url, items, titles)


def _newest_by_column(articles: Sequence[Article], columns: list[str], size: int) -> dict[str, list[Article]]:
    """The first `size` of `articles` (newest first) in each column, in one pass that ends once every column has
    its `size` (it walked every article once per column: 0.1 s of an edit at 100,000 articles)."""
    newest: dict[str, list[Article]] = {slug: [] for slug in columns}
    unfilled = len(newest) if size > 0 else 0
    for article in articles:
        if not unfilled:
            break
        items = newest.get(article.column)
        if items is not None and len(items) < size:
            items.append(article)
            if len(items) == size:
                unfilled -= 1
    return newest


def site_feeds(site: Site, body_of: BodyOf) -> Iterable[tuple[str, bytes]]:
    """(output path, bytes) of the site feed, one feed per column and one per author."""
    entries: dict[str, list[str]] = {}
    for path, arguments in feed_arguments(site):
        yield path, atom_feed(*arguments, body_of, entries)


def sitemap_pages(site: Site) -> tuple[tuple[str, str | None], ...]:
    """What the sitemap lists: every page's site-relative URL and lastmod, sorted (`sitemap` writes them)."""
    latest = _latest(site.articles)
    pages: list[tuple[str, str | None]] = [("", latest)]
    # each article's moment found once, not once per listing showing it (70,000 listed at 10,000 articles)
    moment = {id(article): _changed(article) for article in site.articles}.__getitem__
    for listing in (*site.listings, *site.tag_listings, *site.author_listings, *site.archive_listings):
        try:
            moments = list(map(moment, map(id, listing.articles)))
        except KeyError:  # a listing of articles not the site's own (never made by site.py)
            moments = [_changed(a) for a in listing.articles]
        pages.append((listing.url, max(moments).isoformat() if moments else None))
    if site.tags:
        pages.append(("tags/", latest))
    if site.authors:
        pages.append((AUTHORS_URL, latest))
    pages.append((ARCHIVE_URL, latest))
    pages.extend((page.article.url, _changed(page.article).isoformat()) for page in site.article_pages)
    return tuple(sorted(pages))


def site_map(site: Site) -> bytes:
    return sitemap(site.config, sitemap_pages(site))


def robots_txt(config: Config) -> bytes:
    """Every edition's sitemap too: each lists its own pages."""
    maps = [
        absolute_url(config.base_url, f"{prefix}sitemap.xml") for prefix in ("", *(e.prefix for e in config.editions))
    ]
    return ("User-agent: *\nAllow: /\n\n" + "".join(f"Sitemap: {url}\n" for url in maps)).encode()
