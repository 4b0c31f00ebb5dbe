"""An edition of the site in another script (the Traditional edition, 繁體版): the same Site with its texts converted
and every page under the edition's prefix. Pure: the conversion is a function handed in.

What is converted: the site's title, description and home title, column titles and descriptions, the people's bios
(data/authors.yaml), and of every article its title, summary, source, authors, editor, tags, picture captions and alt
texts (`EditionTexts`, cached with the article) and its body (`edition_body`, cached likewise). URLs and slugs stay
as they are: a tag's page keeps the slug of its Simplified name, and the edition's page of every page is
`<prefix><its URL>`.
"""

from __future__ import annotations

import functools
import json
import posixpath
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from urllib.parse import unquote, urlsplit

from sitegen.content.chinese import convert_html, opencc_version
from sitegen.model import (
    Article,
    ArticlePage,
    Author,
    Body,
    ColumnBlock,
    Config,
    Edition,
    HomePage,
    Image,
    Listing,
    Site,
)
from sitegen.urls import relative_url, tag_slug

Convert = Callable[[str], str]


@functools.cache  # a memo of a pure function: asked for every article
def edition_key(edition: Edition) -> str:
    """What decides an edition's converted text and pages: its settings and OpenCC's version (its dictionaries)."""
    return f"{edition.key}.opencc-{opencc_version()}"


def edition_body_key(fingerprint: str, edition: Edition) -> str:
    """Where an article's converted body is kept (the body store, beside the Simplified body)."""
    return f"{fingerprint}|{edition_key(edition)}"


def edition_texts_key(fingerprint: str, edition: Edition) -> str:
    return f"{fingerprint}|{edition_key(edition)}|texts"


def edition_keys(fingerprints: Iterable[str], editions: Iterable[Edition]) -> set[str]:
    """Every key the editions keep in the body store for these articles."""
    editions = tuple(editions)
    if not editions:
        return set()  # a site without editions: not a walk over every fingerprint for nothing
    return {
        key
        for fingerprint in fingerprints
        for edition in editions
        for key in (edition_body_key(fingerprint, edition), edition_texts_key(fingerprint, edition))
    }


def edition_config(config: Config, edition: Edition, convert: Convert) -> Config:
    """The config an edition's pages are rendered with: its texts converted, its base URL under the prefix, its
    language the edition's (`<html lang>`, JSON-LD, feeds); the shared files stay under `root_url`."""
    columns = tuple(replace(c, title=convert(c.title), description=convert(c.description)) for c in config.columns)
    return replace(
        config,
        title=convert(config.title),
        description=convert(config.description),
        home_title=convert(config.home_title),
        columns=columns,
        base_url=config.base_url + edition.prefix,
        language=edition.language,
        edition=edition,
        root_url=config.base_url,
    )


@dataclass(frozen=True, slots=True)
class EditionTexts:
    """What an article's front matter says, converted. Kept in the body store as JSON (see `to_body`)."""

    title: str
    summary: str
    source: str
    authors: tuple[str, ...]
    editor: str
    tags: tuple[str, ...]
    pictures: tuple[tuple[str, str], ...]  # (caption, alt) of each picture, `images` then `unplaced_images`

    def to_body(self) -> Body:
        fields = [self.title, self.summary, self.source, self.authors, self.editor, self.tags, self.pictures]
        return Body(json.dumps(fields, ensure_ascii=False), "")

    @classmethod
    def from_body(cls, body: Body) -> EditionTexts:
        title, summary, source, authors, editor, tags, pictures = json.loads(body.html)
        return cls(title, summary, source, tuple(authors), editor, tuple(tags), tuple(tuple(p) for p in pictures))


def article_texts(article: Article, convert: Convert) -> EditionTexts:
    return EditionTexts(
        title=convert(article.title),
        summary=convert(article.summary),
        source=convert(article.source),
        authors=tuple(convert(name) for name in article.authors),
        editor=convert(article.editor),
        tags=tuple(convert(tag) for tag in article.tags),
        pictures=tuple(
            (convert(image.caption), convert(image.alt)) for image in (*article.images, *article.unplaced_images)
        ),
    )


def with_texts(article: Article, texts: EditionTexts) -> Article:
    pictures = iter(texts.pictures)

    def image(picture: Image) -> Image:
        caption, alt = next(pictures)
        return replace(picture, caption=caption, alt=alt)

    images = tuple(image(i) for i in article.images)
    unplaced = tuple(image(i) for i in article.unplaced_images)
    return replace(
        article,
        title=texts.title,
        summary=texts.summary,
        source=texts.source,
        authors=texts.authors,
        editor=texts.editor,
        tags=texts.tags,
        images=images,
        unplaced_images=unplaced,
    )


def edition_body(body: Body, article_url: str, prefix: str, convert: Convert) -> Body:
    """An article's body in the edition: text converted; its links to pictures and files rewritten for the page's
    place under the prefix (links to pages stay: relative, they lead to the edition's page of the same article)."""

    def relink(attribute: str, value: str) -> str:
        if attribute == "srcset":
            candidates = (c.strip().partition(" ") for c in value.split(","))
            return ", ".join(f"{_file_link(url, article_url, prefix)}{space}{size}" for url, space, size in candidates)
        return _file_link(value, article_url, prefix)

    return Body(convert_html(body.html, convert, relink), convert(body.search_text))


def _file_link(url: str, page_url: str, prefix: str) -> str:
    """A relative link to a file (not a page) written for `page_url`, rewritten for `<prefix><page_url>`."""
    parts = urlsplit(url)
    if not url or parts.scheme or url.startswith(("#", "/")) or parts.path.endswith(("/", ".html")):
        return url
    folder = page_url if page_url.endswith("/") else posixpath.dirname(page_url) + "/"
    target = posixpath.normpath(posixpath.join(folder, unquote(parts.path)))
    if target.startswith("../") or target == "..":
        return url  # above the site's root: leave it as written
    rewritten = relative_url(prefix + page_url, target)
    return rewritten + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")


def edition_site(site: Site, config: Config, articles: dict[str, Article], convert: Convert | None = None) -> Site:
    """The Site of an edition: `config` from `edition_config`, `articles` the converted ones by source path; the
    people's bios (data/authors.yaml) converted with `convert`."""

    def convert_all(items: Iterable[Article]) -> tuple[Article, ...]:
        return tuple(articles[a.source_path] for a in items)

    columns = {c.slug: c for c in config.columns}
    tag_names = _tag_names(site, articles)
    names = _people_names(site, articles)

    def person(author: Author) -> Author:
        bio = convert(author.bio) if convert is not None and author.bio else author.bio
        return replace(author, name=names.get(author.name, author.name), bio=bio)  # the slug, and the URL, stay

    def listing(item: Listing) -> Listing:
        column = columns[item.column.slug] if item.column is not None else None
        tag = replace(item.tag, name=tag_names.get(item.tag.slug, item.tag.name)) if item.tag is not None else None
        author = person(item.author) if item.author is not None else None
        return replace(item, column=column, tag=tag, author=author, articles=convert_all(item.articles))

    def page(item: ArticlePage) -> ArticlePage:
        older = articles[item.previous.source_path] if item.previous is not None else None
        newer = articles[item.next.source_path] if item.next is not None else None
        return ArticlePage(
            articles[item.article.source_path],
            columns[item.column.slug],
            older,
            newer,
            convert_all(item.related),
            tuple(person(a) for a in item.authors),
            person(item.editor) if item.editor is not None else None,
        )

    home = site.home
    return replace(
        site,
        config=config,
        articles=convert_all(site.articles),
        article_pages=tuple(page(p) for p in site.article_pages),
        listings=tuple(listing(item) for item in site.listings),
        home=HomePage(
            convert_all(home.latest),
            tuple(ColumnBlock(columns[b.column.slug], convert_all(b.articles)) for b in home.column_blocks),
            convert_all(home.most_read),
            convert_all(home.leads),
        ),
        tags=tuple(replace(t, name=tag_names.get(t.slug, t.name)) for t in site.tags),
        tag_listings=tuple(listing(item) for item in site.tag_listings),
        column_leads={slug: convert_all(leads) for slug, leads in site.column_leads.items()},
        authors=tuple(person(a) for a in site.authors),
        author_listings=tuple(listing(item) for item in site.author_listings),
        archive_listings=tuple(listing(item) for item in site.archive_listings),
    )


def _people_names(site: Site, articles: dict[str, Article]) -> dict[str, str]:
    """Each 作者 and 编辑 by their Simplified name: the edition's spelling (their pages keep their slugs)."""
    names: dict[str, str] = {}
    for article in site.articles:
        converted = articles[article.source_path]
        for name, spelled in zip(article.authors, converted.authors, strict=True):
            names.setdefault(name, spelled)
        if article.editor and converted.editor:
            names.setdefault(article.editor, converted.editor)
    return names


def _tag_names(site: Site, articles: dict[str, Article]) -> dict[str, str]:
    """Each tag's name in the edition by its slug: the converted spelling of the name the tag page shows."""
    names: dict[str, str] = {}
    wanted = {t.slug: t.name for t in site.tags}
    for article in site.articles:
        for name, converted in zip(article.tags, articles[article.source_path].tags, strict=True):
            slug = tag_slug(name)
            if wanted.get(slug) == name:
                names.setdefault(slug, converted)
    return names


def tag_slugs(site: Site, articles: dict[str, Article]) -> dict[str, str]:
    """A converted tag name -> the slug of its Simplified name: the edition's links to tag pages keep their URLs."""
    slugs: dict[str, str] = {}
    for article in site.articles:
        for name, converted in zip(article.tags, articles[article.source_path].tags, strict=True):
            slugs.setdefault(converted, tag_slug(name))
    return slugs
