"""Structured data for search engines (schema.org JSON-LD), as text safe inside a <script> element."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sitegen.model import Article, Config
from sitegen.urls import absolute_url

# Characters that could end or confuse a <script> block, written as JSON escapes instead.
_SCRIPT_SAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def script_json(data: Any) -> str:
    """JSON for a <script type="application/ld+json"> block: deterministic, and no `</script>` can end it."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for character, escaped in _SCRIPT_SAFE:  # str.replace scans in C; str.translate maps Chinese text char by char
        if character in text:
            text = text.replace(character, escaped)
    return text


def _publisher(config: Config) -> dict[str, Any]:
    return {"@type": "Organization", "name": config.title, "url": config.base_url}


def news_article(article: Article, config: Config) -> dict[str, Any]:
    url = absolute_url(config.base_url, article.url)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": article.date.isoformat(),
        "dateModified": (article.updated or article.date).isoformat(),
        "author": [{"@type": "Person", "name": name} for name in article.authors] or [_publisher(config)],
        "publisher": _publisher(config),
        "inLanguage": config.language,
    }
    if article.summary:
        data["description"] = article.summary
    images = [absolute_url(config.files_url, image.url) for image in article.images]  # shared by editions
    if images:
        data["image"] = images
    if article.tags:
        data["keywords"] = list(article.tags)
    if column := config.column(article.column):
        data["articleSection"] = column.title
    return data


def website(config: Config) -> dict[str, Any]:
    data = {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": config.title,
        "url": config.base_url,
        "inLanguage": config.language,
        "publisher": _publisher(config),
    }
    if config.description:
        data["description"] = config.description
    return data


def collection_page(config: Config, title: str, url: str, articles: Sequence[Article]) -> dict[str, Any]:
    return {
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": title,
        "url": absolute_url(config.base_url, url),
        "inLanguage": config.language,
        "isPartOf": {"@type": "WebSite", "name": config.title, "url": config.base_url},
        "hasPart": [
            {"@type": "NewsArticle", "headline": a.title, "url": absolute_url(config.base_url, a.url)} for a in articles
        ],
    }
