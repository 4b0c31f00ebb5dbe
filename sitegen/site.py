"""Assemble the Site from the config and articles: which are published, ordering, pagination, neighbours, home
blocks. Pure."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from sitegen.content.authors import AuthorInfo
from sitegen.content.pinyin import slugify
from sitegen.model import (
    ArchivePeriod,
    Article,
    ArticlePage,
    Author,
    Column,
    ColumnBlock,
    Config,
    FrozenMapping,
    HomePage,
    Listing,
    PageLink,
    Site,
    Tag,
)
from sitegen.related import RelatedMemo, related_index, related_ranks
from sitegen.urls import archive_url, author_url, listing_url, tag_slug


@dataclass(frozen=True)
class Chosen:
    """The articles of this build, sorted by source path, and which of them are published."""

    everything: list[Article]
    published: list[Article]
    drafts: list[Article]  # left out: drafts, without --drafts
    future: list[Article]  # left out: dated after now, without --future

    @classmethod
    def of(cls, articles: dict[str, Article], drafts: bool, future: bool) -> Chosen:
        everything = [articles[path] for path in sorted(articles)]
        left_out_drafts = [a for a in everything if a.draft and not drafts]
        left_out_future = [a for a in everything if a.future and not (a.draft and not drafts) and not future]
        left_out = {a.source_path for a in (*left_out_drafts, *left_out_future)}
        published = [a for a in everything if a.source_path not in left_out]
        return cls(everything, published, left_out_drafts, left_out_future)


def newest_first(articles: Iterable[Article]) -> tuple[Article, ...]:
    # the source path breaks ties so that the order never depends on the file system
    return tuple(sorted(articles, key=lambda a: (-a.date.timestamp(), a.source_path)))


def paginate(
    column: Column | None,
    articles: Sequence[Article],
    page_size: int,
    tag: Tag | None = None,
    author: Author | None = None,
    period: ArchivePeriod | None = None,
) -> tuple[Listing, ...]:
    owner = column or tag or author or period
    base = owner.url if owner is not None else ""
    total = max(1, -(-len(articles) // page_size))
    pages = tuple(PageLink(n, listing_url(base, n)) for n in range(1, total + 1))
    shown = (None, *pages)  # by the numbers page_window gives, 0 for a gap
    return tuple(
        Listing(
            column,
            tuple(articles[(n - 1) * page_size : n * page_size]),
            n,
            total,
            pages[n - 1].url,
            tuple(map(shown.__getitem__, page_window(n, total))),
            tag,
            author,
            period,
            previous_url=pages[n - 2].url if n > 1 else None,
            next_url=pages[n].url if n < total else None,
        )
        for n in range(1, total + 1)
    )


PAGE_WINDOW = 2  # pages linked either side of the current one


@functools.lru_cache(maxsize=4096)  # a memo of a pure function: the tags' and authors' listings ask the same few
def page_window(number: int, total: int) -> tuple[int, ...]:
    """The page numbers a listing's navigation shows: the first, the last and PAGE_WINDOW either side of `number`,
    in order, with 0 where numbers are left out. A gap of one page shows that page instead."""
    shown = sorted({1, total, *range(max(1, number - PAGE_WINDOW), min(total, number + PAGE_WINDOW) + 1)})
    window: list[int] = []
    for page in shown:
        if window and page - window[-1] == 2:
            window.append(page - 1)
        elif window and page - window[-1] > 2:
            window.append(0)
        window.append(page)
    return tuple(window)


def lead_stories(ordered: Sequence[Article], count: int) -> tuple[Article, ...]:
    """The lead stories (头条) of `ordered` (newest first): featured or weighted; higher weight first, then newest."""
    leads = [a for a in ordered if a.lead]
    return tuple(sorted(leads, key=lambda a: -a.weight)[:count])  # a stable sort: newest first within a weight


def author_slug(name: str) -> str:
    return slugify(name, "author")


def collect_authors(
    ordered: Sequence[Article], people: Mapping[str, AuthorInfo], slug_of: Callable[[str], str] = author_slug
) -> dict[str, tuple[Author, list[Article]]]:
    """Every 作者 and 编辑 by name, with a slug of their own: data/authors.yaml's `slug` (that person's, whatever
    the order), else the pinyin of the name; when two names share a pinyin, the name that appeared first (the older
    article) keeps it, the next gets `-2`, so that a new colleague never moves an existing page."""
    articles: dict[str, list[Article]] = {}
    for article in reversed(ordered):  # oldest first: the order in which names appeared
        for name in dict.fromkeys((*article.authors, *([article.editor] if article.editor else []))):
            articles.setdefault(name, []).append(article)
    # a slug fixed in data/authors.yaml is its person's (each is fixed once): no name's pinyin may take it first
    taken = {people[name].slug for name in articles if name in people and people[name].slug}
    authors: dict[str, tuple[Author, list[Article]]] = {}
    for name, items in articles.items():
        info = people.get(name, AuthorInfo())
        slug = info.slug
        if not slug:
            base = slug = slug_of(name)
            number = 2
            while slug in taken:
                slug, number = f"{base}-{number}", number + 1
            taken.add(slug)
        author = Author(name, slug, author_url(slug), info.bio, info.photo, len(items))
        authors[name] = (author, items[::-1])  # their articles newest first
    return authors


def collect_archive(ordered: Sequence[Article]) -> dict[ArchivePeriod, list[Article]]:
    """Years and months (in the site's time zone) with their articles, newest first; a year before its months."""
    periods: dict[tuple[int, int], list[Article]] = {}
    for article in ordered:
        for month in (0, article.date.month):
            periods.setdefault((article.date.year, month), []).append(article)
    ordering = sorted(periods, key=lambda ym: (-ym[0], ym[1] != 0, -ym[1]))
    return {ArchivePeriod(y, m, archive_url(y, m), len(periods[(y, m)])): periods[(y, m)] for y, m in ordering}


def collect_tags(ordered: Sequence[Article]) -> dict[str, tuple[Tag, list[Article]]]:
    """Tags by slug with their articles (newest first); spellings that share a slug are one tag."""
    slug_of = {name: tag_slug(name) for name in {name for article in ordered for name in article.tags}}
    spelled: dict[str, tuple[str, str]] = {}  # slug -> (source path, spelling): the first in source order wins
    listed: dict[str, list[Article]] = {}
    for article in ordered:
        path = article.source_path
        for name in article.tags:
            slug = slug_of[name]
            items = listed.setdefault(slug, [])
            if not items or items[-1] is not article:  # a slug two of its tags share: listed once
                items.append(article)
                first = spelled.get(slug)
                if first is None or path < first[0]:
                    spelled[slug] = (path, name)
    return {slug: (Tag(spelled[slug][1], slug, len(items)), items) for slug, items in sorted(listed.items())}


def shared_tag_pages(articles: Iterable[Article]) -> list[tuple[str, tuple[str, ...]]]:
    """Tags that differ by more than case and width but share an address (`C++` and `C`: tags/c/), by slug, each
    spelling as first met in source order: one page lists them all under the first, which editors should know."""
    listed = list(articles)
    names: set[str] = set()
    for article in listed:  # every build asks: the distinct names first (a few hundred), not 30,000 uses
        names.update(article.tags)
    folds: dict[str, set[str]] = {}
    for name in names:
        folds.setdefault(tag_slug(name), set()).add(unicodedata.normalize("NFKC", name).strip().casefold())
    shared = {slug for slug, folded in folds.items() if len(folded) > 1}
    if not shared:
        return []
    spellings: dict[str, dict[str, str]] = {}  # slug -> {folded spelling: the spelling first met}
    for article in sorted(listed, key=lambda a: a.source_path):
        for name in article.tags:
            slug = tag_slug(name)
            if slug in shared:
                spellings.setdefault(slug, {}).setdefault(unicodedata.normalize("NFKC", name).strip().casefold(), name)
    return [(slug, tuple(spelled.values())) for slug, spelled in sorted(spellings.items())]


def assemble(
    config: Config,
    articles: Iterable[Article],
    people: Mapping[str, AuthorInfo] | None = None,
    mourning: bool = False,
    slug_of: Callable[[str], str] = author_slug,
    related: RelatedMemo | None = None,
) -> Site:
    """The Site; `people`: data/authors.yaml; `mourning`: the build's moment is in a mourning range; `slug_of`: an
    author's slug from the name (the same as `author_slug`, remembered between builds by incremental/slugs.py);
    `related`: the related articles of the last assembly (sitegen serve's, kept in memory)."""
    ordered = newest_first(articles)
    authors = collect_authors(ordered, people or {}, slug_of)
    by_column: dict[str, list[Article]] = {column.slug: [] for column in config.columns}
    for article in ordered:  # one pass, each column's articles newest first
        if article.column in by_column:
            by_column[article.column].append(article)
    article_pages = _article_pages(config, ordered, by_column, authors, related)
    listings = tuple(
        listing for column in config.columns for listing in paginate(column, by_column[column.slug], config.page_size)
    )
    home = _home_page(config, ordered, by_column)
    tags = collect_tags(ordered)
    tag_listings = tuple(
        listing for tag, items in tags.values() for listing in paginate(None, items, config.page_size, tag)
    )
    by_slug = sorted(authors.values(), key=lambda item: item[0].slug)
    archive = collect_archive(ordered)
    return Site(
        config,
        ordered,
        article_pages,
        listings,
        home,
        tuple(tag for tag, _ in tags.values()),
        tag_listings,
        column_leads=FrozenMapping(
            {c.slug: lead_stories(by_column[c.slug], config.lead_count) for c in config.columns}
        ),
        authors=tuple(author for author, _ in by_slug),
        author_listings=tuple(
            listing for author, items in by_slug for listing in paginate(None, items, config.page_size, author=author)
        ),
        archive=tuple(archive),
        archive_listings=tuple(
            listing
            for period, items in archive.items()
            for listing in paginate(None, items, config.page_size, period=period)
        ),
        mourning=mourning,
    )


def _article_pages(
    config: Config,
    ordered: tuple[Article, ...],
    by_column: Mapping[str, list[Article]],
    authors: Mapping[str, tuple[Author, list[Article]]],
    memo: RelatedMemo | None = None,
) -> tuple[ArticlePage, ...]:
    """Every article's page with its neighbours in its column, its related articles and its people, by URL;
    `memo`: the related ranks of the last assembly, reused when the articles' order, columns and tags are as then."""
    rank_of = {article.source_path: rank for rank, article in enumerate(ordered)}
    memo = memo or RelatedMemo()
    memo.start(ordered, config.related_count)
    postings = related_index(ordered) if len(memo.ranks) < len(ordered) else {}
    person = {name: author for name, (author, _) in authors.items()}
    article_at = ordered.__getitem__
    article_pages = []
    for column in config.columns:
        items = by_column[column.slug]
        column_ranks = [rank_of[a.source_path] for a in items]
        # previous = older, next = newer, as readers of a dated column expect
        olders = [*items[1:], None]
        newers = [None, *items[:-1]]
        for index, article in enumerate(items):
            rank = column_ranks[index]
            ranks = memo.ranks.get(rank)
            if ranks is None:
                ranks = related_ranks(rank, ordered, postings, column_ranks, index, config.related_count)
                memo.remember(rank, ranks)
            article_pages.append(
                ArticlePage(
                    article,
                    column,
                    olders[index],
                    newers[index],
                    tuple(map(article_at, ranks)),
                    tuple(map(person.__getitem__, article.authors)),
                    person[article.editor] if article.editor else None,
                )
            )
    article_pages.sort(key=lambda page: page.article.url)
    return tuple(article_pages)


def _home_page(config: Config, ordered: tuple[Article, ...], by_column: Mapping[str, list[Article]]) -> HomePage:
    # most views first, then as `ordered` has them (newest first, then by source path): the sort is stable
    most_read = sorted(ordered, key=lambda a: -a.views)
    return HomePage(
        latest=ordered[: config.latest_count],
        column_blocks=tuple(
            ColumnBlock(column, tuple(by_column[column.slug][: config.home_per_column])) for column in config.columns
        ),
        most_read=tuple(most_read[: config.most_read_count]),
        leads=lead_stories(ordered, config.lead_count),
    )
