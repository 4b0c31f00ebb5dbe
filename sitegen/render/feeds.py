"""Atom feeds, sitemap.xml and robots.txt, built with ElementTree so that every text is XML-escaped. Pure."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from datetime import datetime
from xml.sax.saxutils import escape

from sitegen.model import Article, BodyOf, Config, Site
from sitegen.urls import ARCHIVE_URL, AUTHORS_URL, absolute_url

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
EPOCH = "1970-01-01T00:00:00+00:00"
# XML 1.0 cannot carry these characters at all, escaped or not.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def _changed(article: Article) -> datetime:
    return article.updated or article.date


def _latest(articles: Iterable[Article]) -> str | None:
    moments = [_changed(a) for a in articles]
    return max(moments).isoformat() if moments else None


def _element(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {key: xml_text(value) for key, value in attributes.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def _serialize(root: ET.Element) -> bytes:
    ET.indent(root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode").encode() + b"\n"


def atom_feed(
    config: Config,
    title: str,
    page_url: str,
    feed_url: str,
    articles: Sequence[Article],
    column_titles: dict[str, str],
    body_of: BodyOf,
) -> bytes:
    """An Atom 1.0 feed of `articles` (newest first), every URL absolute; `body_of` is asked only for full-content
    feeds."""
    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": config.language})
    _element(feed, "title", title)
    if config.description:
        _element(feed, "subtitle", config.description)
    _element(feed, "id", absolute_url(config.base_url, page_url))
    _element(feed, "link", rel="alternate", type="text/html", href=absolute_url(config.base_url, page_url))
    _element(feed, "link", rel="self", type="application/atom+xml", href=absolute_url(config.base_url, feed_url))
    _element(feed, "updated", _latest(articles) or EPOCH)
    author = _element(feed, "author")
    _element(author, "name", config.title)
    _element(feed, "generator", "sitegen")
    for article in articles:
        url = absolute_url(config.base_url, article.url)
        entry = _element(feed, "entry")
        _element(entry, "title", article.title)
        _element(entry, "link", rel="alternate", type="text/html", href=url)
        _element(entry, "id", url)
        _element(entry, "published", article.date.isoformat())
        _element(entry, "updated", _changed(article).isoformat())
        for name in article.authors:
            _element(_element(entry, "author"), "name", name)
        if article.column in column_titles:
            _element(entry, "category", term=column_titles[article.column])
        for tag in article.tags:
            _element(entry, "category", term=tag)
        if article.summary:
            _element(entry, "summary", article.summary, type="text")
        if config.feed_full_content:
            # relative links and pictures in the body resolve against the article's own URL
            content = _element(entry, "content", body_of(article).html, type="html")
            content.set("xml:base", xml_text(url))
    return _serialize(feed)


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


def site_feeds(site: Site, body_of: BodyOf) -> Iterable[tuple[str, bytes]]:
    """(output path, bytes) of the site feed and one feed per column."""
    config = site.config
    titles = {c.slug: c.title for c in config.columns}
    yield (
        "feed.xml",
        atom_feed(config, config.title, "", "feed.xml", site.articles[: config.feed_size], titles, body_of),
    )
    for column in config.columns:
        items = [a for a in site.articles if a.column == column.slug][: config.feed_size]
        feed_url = f"{column.url}feed.xml"
        yield (
            feed_url,
            atom_feed(config, f"{column.title} - {config.title}", column.url, feed_url, items, titles, body_of),
        )
    by_author: dict[str, list[Article]] = {}
    for listing in site.author_listings:  # an author's pages in order: their articles, newest first
        if listing.author is not None:
            by_author.setdefault(listing.author.slug, []).extend(listing.articles)
    for author in site.authors:
        feed_url = f"{author.url}feed.xml"
        items = by_author.get(author.slug, [])[: config.feed_size]
        title = f"{author.name} - {config.title}"
        yield feed_url, atom_feed(config, title, author.url, feed_url, items, titles, body_of)


def site_map(site: Site) -> bytes:
    pages: list[tuple[str, str | None]] = [("", _latest(site.articles))]
    for listing in (*site.listings, *site.tag_listings, *site.author_listings, *site.archive_listings):
        pages.append((listing.url, _latest(listing.articles)))
    if site.tags:
        pages.append(("tags/", _latest(site.articles)))
    if site.authors:
        pages.append((AUTHORS_URL, _latest(site.articles)))
    pages.append((ARCHIVE_URL, _latest(site.articles)))
    pages.extend((page.article.url, _changed(page.article).isoformat()) for page in site.article_pages)
    return sitemap(site.config, sorted(pages))


def robots_txt(config: Config) -> bytes:
    """Every edition's sitemap too: each lists its own pages."""
    maps = [
        absolute_url(config.base_url, f"{prefix}sitemap.xml") for prefix in ("", *(e.prefix for e in config.editions))
    ]
    return ("User-agent: *\nAllow: /\n\n" + "".join(f"Sitemap: {url}\n" for url in maps)).encode()
