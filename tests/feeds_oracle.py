"""The Atom feed as sitegen wrote it with ElementTree (until the feeds were written as text): the oracle that
sitegen.render.feeds.atom_feed must match byte for byte."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from sitegen.model import Article, BodyOf, Config
from sitegen.render.feeds import ATOM, EPOCH, _changed, _latest, xml_text
from sitegen.urls import absolute_url


def _serialize(root: ET.Element) -> bytes:
    ET.indent(root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode").encode() + b"\n"


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

