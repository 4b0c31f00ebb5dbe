"""What the Site is assembled into for its pages: listings, article pages, the home page, tags, authors, the date
archive, and how one `<img>` is written.

Frozen, slotted dataclasses with no I/O; sitegen.site assembles them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sitegen.model.article import EMPTY_MAPPING, Article
from sitegen.model.settings import Column, Config


@dataclass(frozen=True, slots=True)
class PageLink:
    number: int
    url: str


@dataclass(frozen=True, slots=True)
class Tag:
    name: str  # as editors wrote it (the first spelling met, in source order)
    slug: str
    count: int = 0

    @property
    def url(self) -> str:
        return f"tags/{self.slug}/"


@dataclass(frozen=True, slots=True)
class Author:
    """A 作者 or 编辑 with a page of their articles at `authors/<slug>/` (bio and photo from data/authors.yaml)."""

    name: str
    slug: str
    url: str  # site-relative: urls.author_url
    bio: str = ""
    photo: str = ""  # site-relative URL of a picture under assets/, or ""
    count: int = 0


@dataclass(frozen=True, slots=True)
class ArchivePeriod:
    """A year (`month` 0) or a month of the date archive."""

    year: int
    month: int  # 0 for a whole year
    url: str  # site-relative: urls.archive_url
    count: int = 0


@dataclass(frozen=True, slots=True)
class Listing:
    """One page of an index: a column's, or (`column` None) a tag's, an author's or an archive period's.

    `pages`: the page links its navigation shows: the first, the last and PAGE_WINDOW either side of this one, with
    None where numbers are left out (shown as …): a column of 1,250 pages links to 7 or 9, not to all of them, on
    each of its pages."""

    column: Column | None
    articles: tuple[Article, ...]
    number: int
    total: int
    url: str
    pages: tuple[PageLink | None, ...]
    tag: Tag | None = None
    author: Author | None = None
    period: ArchivePeriod | None = None
    previous_url: str | None = None  # the newer page
    next_url: str | None = None  # the older page


@dataclass(frozen=True, slots=True)
class ArticlePage:
    article: Article
    column: Column
    previous: Article | None
    next: Article | None
    related: tuple[Article, ...] = ()
    authors: tuple[Author, ...] = ()  # the article's 作者, in order, each with their page
    editor: Author | None = None  # its 编辑 with their page


@dataclass(frozen=True, slots=True)
class ColumnBlock:
    column: Column
    articles: tuple[Article, ...]


@dataclass(frozen=True, slots=True)
class HomePage:
    latest: tuple[Article, ...]
    column_blocks: tuple[ColumnBlock, ...]
    most_read: tuple[Article, ...]
    leads: tuple[Article, ...] = ()  # lead stories (头条), first to show first


@dataclass(frozen=True, slots=True)
class Site:
    """Everything a build renders, assembled once."""

    config: Config
    articles: tuple[Article, ...]  # newest first
    article_pages: tuple[ArticlePage, ...]
    listings: tuple[Listing, ...]
    home: HomePage
    tags: tuple[Tag, ...] = ()  # by name
    tag_listings: tuple[Listing, ...] = ()
    column_leads: Mapping[str, tuple[Article, ...]] = field(default_factory=lambda: EMPTY_MAPPING)  # by slug
    authors: tuple[Author, ...] = ()  # by slug
    author_listings: tuple[Listing, ...] = ()
    archive: tuple[ArchivePeriod, ...] = ()  # years, newest first, each followed by its months, newest first
    archive_listings: tuple[Listing, ...] = ()
    mourning: bool = False  # the build's moment is inside a mourning range: every page is grey


@dataclass(frozen=True, slots=True)
class Picture:
    """How one `<img>` is written: its src and, when known, its size and alternatives as srcset strings
    ("a-480.png 480w, a-640.png 640w"); WebP alternatives make it a `<picture>` with a WebP `<source>`."""

    src: str
    width: int | None = None
    height: int | None = None
    srcset: str = ""
    webp_srcset: str = ""
