"""What the index holds of an article: its SearchDocument, and the key that changes whenever that may. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sitegen.model import Article, Body, BodyOf, Site
from sitegen.search.format import SearchDocument


def search_text(article: Article, body: Body) -> str:
    """What a reader sees of an article besides its title: body (with headings, captions, tables), pictures, tags."""
    return _joined(body.search_text, _besides_the_body(article))


def _besides_the_body(article: Article) -> tuple[str, ...]:
    lines = [image.caption for image in article.unplaced_images if image.caption]
    if article.tags:
        lines.append(" ".join(article.tags))
    return tuple(lines)


def _joined(body_text: str, besides: tuple[str, ...]) -> str:
    return "\n".join(line for line in (body_text, *besides) if line)


def column_titles(site: Site) -> dict[str, str]:
    return {column.slug: column.title for column in site.config.columns}


@dataclass(frozen=True, slots=True)
class DocumentShell:
    """An article's SearchDocument but for its body's text: plain data, small to send to a worker process, which
    then reads nothing of the loaded site (a worker touching the Articles copies the memory pages that hold them)."""

    title: str
    url: str
    column: str
    date: str
    besides: tuple[str, ...]  # what the text holds besides the body's: captions of pictures not placed, tags

    def document(self, body: Body) -> SearchDocument:
        return SearchDocument(self.title, self.url, self.column, self.date, _joined(body.search_text, self.besides))


def shell_fields(article: Article, columns: Mapping[str, str]) -> tuple[str, str, str, str, tuple[str, ...]]:
    """The fields of the article's DocumentShell, in order: what is sent to a worker."""
    column = columns.get(article.column, article.column)
    return article.title, article.url, column, article.date.strftime("%Y-%m-%d"), _besides_the_body(article)


def search_document(article: Article, columns: Mapping[str, str], body: Body) -> SearchDocument:
    return DocumentShell(*shell_fields(article, columns)).document(body)


def document_key(article: Article, columns: Mapping[str, str]) -> str:
    """Changes whenever `search_document` may: the fingerprint covers the article's bytes (title, body, captions,
    tags), its URL, its links and pictures; the column's title and the day in the site's zone come from elsewhere."""
    return f"{article.fingerprint}|{article.date.toordinal()}|{columns.get(article.column, article.column)}"


def search_documents(site: Site, body_of: BodyOf) -> tuple[SearchDocument, ...]:
    """Every article's document, ids oldest first (site.articles is newest first)."""
    columns = column_titles(site)
    return tuple(search_document(article, columns, body_of(article)) for article in reversed(site.articles))
