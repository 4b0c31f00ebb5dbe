"""Assemble the Site from the config and articles: ordering, pagination, neighbours, home blocks. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from sitegen.errors import ContentError
from sitegen.model import (
    EMPTY_MAPPING,
    Article,
    ArticlePage,
    Column,
    ColumnBlock,
    Config,
    HomePage,
    Listing,
    PageLink,
    Site,
    output_path_for,
)
from sitegen.urls import listing_url


def newest_first(articles: Iterable[Article]) -> tuple[Article, ...]:
    # the source path breaks ties so that the order never depends on the file system
    return tuple(sorted(articles, key=lambda a: (-a.date.timestamp(), a.source_path)))


def url_collisions(
    articles: Sequence[Article], config: Config, reserved: Mapping[str, str] = EMPTY_MAPPING
) -> list[ContentError]:
    """Two articles on one URL, or an article on a column index URL or a `reserved` output path (path: owner)."""
    taken: dict[str, str] = dict(reserved)
    for column in config.columns:
        taken[output_path_for(column.url)] = f"the index of column '{column.slug}'"
    taken[output_path_for("")] = "the home page"
    errors = []
    for article in sorted(articles, key=lambda a: a.source_path):
        owner = taken.setdefault(article.output_path, article.source_path)
        if owner != article.source_path:
            errors.append(
                ContentError(
                    article.source_path,
                    None,
                    "slug",
                    f"its URL /{article.url} is already taken by {owner}",
                    "give one of them a different `slug:` in the front matter",
                )
            )
    return errors


def paginate(column: Column, articles: Sequence[Article], page_size: int) -> tuple[Listing, ...]:
    total = max(1, -(-len(articles) // page_size))
    pages = tuple(PageLink(n, listing_url(column.slug, n)) for n in range(1, total + 1))
    return tuple(
        Listing(column, tuple(articles[(n - 1) * page_size : n * page_size]), n, total, pages[n - 1].url, pages)
        for n in range(1, total + 1)
    )


def assemble(config: Config, articles: Iterable[Article]) -> Site:
    ordered = newest_first(articles)
    by_column = {column.slug: [a for a in ordered if a.column == column.slug] for column in config.columns}
    article_pages = []
    for column in config.columns:
        items = by_column[column.slug]
        for index, article in enumerate(items):
            # previous = older, next = newer, as readers of a dated column expect
            older = items[index + 1] if index + 1 < len(items) else None
            newer = items[index - 1] if index > 0 else None
            article_pages.append(ArticlePage(article, column, older, newer))
    listings = tuple(
        listing for column in config.columns for listing in paginate(column, by_column[column.slug], config.page_size)
    )
    most_read = sorted(ordered, key=lambda a: (-a.views, -a.date.timestamp(), a.source_path))
    home = HomePage(
        latest=ordered[: config.latest_count],
        column_blocks=tuple(
            ColumnBlock(column, tuple(by_column[column.slug][: config.home_per_column])) for column in config.columns
        ),
        most_read=tuple(most_read[: config.most_read_count]),
    )
    article_pages.sort(key=lambda page: page.article.url)
    return Site(config, ordered, tuple(article_pages), listings, home)
