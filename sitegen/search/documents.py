"""What the index holds of an article: its SearchDocument, and the key that changes whenever that may. Pure."""

from __future__ import annotations

from collections.abc import Mapping

from sitegen.model import Article, Body, BodyOf, Site
from sitegen.search.format import SearchDocument


def search_text(article: Article, body: Body) -> str:
    """What a reader sees of an article besides its title: body (with headings, captions, tables), pictures, tags."""
    lines = [body.search_text]
    lines += [image.caption for image in article.unplaced_images if image.caption]
    if article.tags:
        lines.append(" ".join(article.tags))
    return "\n".join(line for line in lines if line)


def column_titles(site: Site) -> dict[str, str]:
    return {column.slug: column.title for column in site.config.columns}


def search_document(article: Article, columns: Mapping[str, str], body: Body) -> SearchDocument:
    return SearchDocument(
        title=article.title,
        url=article.url,
        column=columns.get(article.column, article.column),
        date=article.date.strftime("%Y-%m-%d"),
        text=search_text(article, body),
    )


def document_key(article: Article, columns: Mapping[str, str]) -> str:
    """Changes whenever `search_document` may: the fingerprint covers the article's bytes (title, body, captions,
    tags), its URL, its links and pictures; the column's title and the day in the site's zone come from elsewhere."""
    return f"{article.fingerprint}|{article.date.toordinal()}|{columns.get(article.column, article.column)}"


def search_documents(site: Site, body_of: BodyOf) -> tuple[SearchDocument, ...]:
    """Every article's document, ids oldest first (site.articles is newest first)."""
    columns = column_titles(site)
    return tuple(search_document(article, columns, body_of(article)) for article in reversed(site.articles))
