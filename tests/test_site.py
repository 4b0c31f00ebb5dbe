"""Assembling the Site (pure): order, pagination, empty columns, neighbours, home blocks, URL collisions."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitegen.collisions import url_collisions
from sitegen.config import parse_config
from sitegen.model import Article, Config, Listing
from sitegen.related import RelatedMemo
from sitegen.site import assemble, newest_first, page_window, paginate

TZ = ZoneInfo("Asia/Shanghai")
DAY0 = datetime(2024, 1, 1, tzinfo=TZ)

CONFIG_YAML = """\
title: t
base_url: https://example.org/
page_size: 2
columns:
  - slug: towns
    title: 镇街社区
  - slug: tips
    title: 身边爆料
  - slug: brands
    title: 社区品牌
"""


def config(**overrides: str) -> Config:
    extra = "".join(f"{key}: {value}\n" for key, value in overrides.items())
    return parse_config(CONFIG_YAML + extra)


def art(slug: str, column: str = "towns", day: int = 0, views: int = 0, url: str | None = None) -> Article:
    date = DAY0 + timedelta(days=day)
    return Article(
        source_path=f"content/{column}/{slug}.md",
        column=column,
        title=slug.upper(),
        date=date,
        slug=slug,
        url=url if url is not None else f"{column}/{date:%Y}/{date:%m}/{slug}/",
        summary="x",
        views=views,
    )


def column_slug(listing: Listing) -> str:
    assert listing.column is not None, "site.listings holds the columns' listings"
    return listing.column.slug


def test_articles_are_newest_first_with_the_source_path_breaking_ties() -> None:
    articles = [art("b", day=1), art("c", day=3), art("a", day=1), art("d", day=2)]
    assert [a.slug for a in newest_first(articles)] == ["c", "d", "a", "b"]
    assert [a.slug for a in assemble(config(), articles).articles] == ["c", "d", "a", "b"]


def test_columns_are_paginated_newest_first() -> None:
    towns = [art(f"t{n}", day=n) for n in range(5)]
    site = assemble(config(), [*towns, art("x", "tips")])
    listings = [listing for listing in site.listings if column_slug(listing) == "towns"]
    assert [listing.url for listing in listings] == ["towns/", "towns/page/2/", "towns/page/3/"]
    assert [[a.slug for a in listing.articles] for listing in listings] == [["t4", "t3"], ["t2", "t1"], ["t0"]]
    assert [(listing.number, listing.total) for listing in listings] == [(1, 3), (2, 3), (3, 3)]
    assert [p.url for p in listings[0].pages if p] == ["towns/", "towns/page/2/", "towns/page/3/"]
    assert (listings[0].previous_url, listings[0].next_url) == (None, "towns/page/2/")
    assert (listings[1].previous_url, listings[1].next_url) == ("towns/", "towns/page/3/")
    assert (listings[2].previous_url, listings[2].next_url) == ("towns/page/2/", None)


def test_a_listing_links_the_first_and_last_pages_and_two_either_side_of_its_own() -> None:
    assert page_window(1, 1) == (1,)
    assert page_window(2, 5) == (1, 2, 3, 4, 5)
    assert page_window(1, 125) == (1, 2, 3, 0, 125)
    assert page_window(50, 125) == (1, 0, 48, 49, 50, 51, 52, 0, 125)
    assert page_window(5, 125) == (1, 2, 3, 4, 5, 6, 7, 0, 125), "a gap of one page shows that page"
    assert page_window(125, 125) == (1, 0, 123, 124, 125)
    towns = [art(f"t{n}", day=n % 28 + 1) for n in range(40)]  # page_size 2: 20 pages
    listings = [x for x in assemble(config(), towns).listings if column_slug(x) == "towns"]
    tenth = listings[9]
    assert [p.number if p else None for p in tenth.pages] == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert [p.url for p in tenth.pages if p] == [listings[n - 1].url for n in (1, 8, 9, 10, 11, 12, 20)]
    assert (tenth.previous_url, tenth.next_url) == (listings[8].url, listings[10].url)


def test_a_full_last_page_adds_no_empty_page() -> None:
    listings = paginate(config().columns[0], [art(f"t{n}", day=n) for n in range(4)], 2)
    assert [len(listing.articles) for listing in listings] == [2, 2]


def test_an_empty_column_still_gets_its_index_page() -> None:
    site = assemble(config(), [art("a")])
    brands = [listing for listing in site.listings if column_slug(listing) == "brands"]
    assert len(brands) == 1
    assert (brands[0].url, brands[0].articles, brands[0].total) == ("brands/", (), 1)


def test_listings_follow_the_column_order_of_site_yaml() -> None:
    site = assemble(config(), [art("a", "brands"), art("b", "tips"), art("c", "towns")])
    assert [column_slug(listing) for listing in site.listings] == ["towns", "tips", "brands"]


def test_previous_and_next_stay_within_the_column() -> None:
    articles = [art("t1", day=1), art("x", "tips", day=2), art("t3", day=3), art("t5", day=5)]
    pages = {p.article.slug: p for p in assemble(config(), articles).article_pages}
    assert (pages["t1"].previous, pages["t1"].next) == (None, articles[2])
    assert (pages["t3"].previous, pages["t3"].next) == (articles[0], articles[3])
    assert (pages["t5"].previous, pages["t5"].next) == (articles[2], None)
    assert (pages["x"].previous, pages["x"].next) == (None, None)
    assert pages["t3"].column.title == "镇街社区"


def test_home_page_latest_column_blocks_and_most_read() -> None:
    articles = [
        art("old-popular", day=0, views=900),
        art("tip", "tips", day=1, views=50),
        art("new", day=2, views=10),
        art("newest", day=3, views=50),
    ]
    home = assemble(config(latest_count="3", most_read_count="3", home_per_column="1"), articles).home
    assert [a.slug for a in home.latest] == ["newest", "new", "tip"]
    assert [(b.column.slug, [a.slug for a in b.articles]) for b in home.column_blocks] == [
        ("towns", ["newest"]),
        ("tips", ["tip"]),
        ("brands", []),
    ]
    # most viewed first; equal views: the newer first
    assert [a.slug for a in home.most_read] == ["old-popular", "newest", "tip"]


def test_two_articles_on_one_url_is_an_error_naming_both_files() -> None:
    a, b = art("a", url="towns/2024/01/same/"), art("b", url="towns/2024/01/same/")
    (error,) = url_collisions([b, a], config())
    assert error.path == "content/towns/b.md"
    assert "content/towns/a.md" in error.message
    assert str(error).startswith("content/towns/b.md: slug: its URL /towns/2024/01/same/ is already taken by ")


def test_an_article_on_a_column_index_or_home_url_is_an_error() -> None:
    permalink = config(permalink="'/{column}/{slug}/'")
    errors = url_collisions([art("a", url="towns/"), art("b", url="")], permalink)
    assert [e.path for e in errors] == ["content/towns/a.md", "content/towns/b.md"]
    assert "the index of column 'towns'" in errors[0].message
    assert "the home page" in errors[1].message


def test_the_collision_memos_digest_changes_with_every_place_the_check_reads() -> None:
    """CollisionMemo skips the check while this digest is the one of the places last found free: it must change with
    each article's source path, URL and aliases, the columns and the order-free set of articles, and only with them."""
    from sitegen.collisions import CollisionMemo, _places_digest

    a, b = art("a"), art("b")
    base = _places_digest([a, b], config())
    assert _places_digest([b, a], config()) == base  # checked in source-path order
    assert _places_digest([a, replace(b, title="另一个标题", views=9)], config()) == base  # not a place
    changed = [
        [a, replace(b, source_path="content/towns/c.md")],
        [a, replace(b, url="towns/other/")],
        [a, replace(b, aliases=("old/b.html",))],
        [a],
    ]
    assert len({base, *(_places_digest(articles, config()) for articles in changed)}) == 1 + len(changed)
    assert _places_digest([a, b], config(permalink="'/{slug}/'")) == base  # the URLs carry the permalink
    assert _places_digest([a, b], parse_config(CONFIG_YAML.replace("slug: tips", "slug: news"))) != base
    memo = CollisionMemo(base)
    assert memo.collisions([a, replace(b, url=a.url)], config()) != []  # another digest: checked again


def test_distinct_urls_are_no_collision() -> None:
    assert url_collisions([art("a"), art("b"), art("a", "tips")], config()) == []


@pytest.mark.parametrize(
    "url",
    ["tags/", "tags/党建/", "feed.xml/", "sitemap.xml/", "404.html/", "robots.txt/", "towns/feed.xml/", "assets/x/",
     "404.html", "towns/feed.xml"],
)  # fmt: skip
def test_an_article_on_a_url_sitegen_uses_itself_is_an_error_not_a_crash(url: str) -> None:
    """Flat permalinks (`/{slug}/`) let an article land on a generated page, or need a generated file as a folder."""
    (error,) = url_collisions([art("a", url=url)], config(permalink="'/{slug}/'"))
    assert error.path == "content/towns/a.md"
    assert str(error).startswith(f"content/towns/a.md: slug: its URL /{url} is already taken by ")


def test_an_article_whose_url_is_a_folder_of_another_article_collides() -> None:
    errors = url_collisions([art("a", url="x.html"), art("b", url="x.html/y.html")], config())
    assert [(e.path, "content/towns/a.md" in e.message) for e in errors] == [("content/towns/b.md", True)]


def test_a_related_memo_gives_the_same_related_articles_and_is_reused_only_while_order_columns_and_tags_hold() -> None:
    articles = [replace(art(s, c, d), tags=t) for s, c, d, t in RELATED]
    plain = assemble(config(), articles)
    memo = RelatedMemo()
    first = assemble(config(), articles, related=memo)
    assert [p.related for p in first.article_pages] == [p.related for p in plain.article_pages]
    assert any(p.related for p in plain.article_pages)
    ranks = dict(memo.ranks)

    retitled = [replace(a, title=a.title + "!") if a.slug == "b" else a for a in articles]  # an edit of a title
    again = assemble(config(), retitled, related=memo)
    assert memo.ranks == ranks, "the same order, columns and tags: the ranks are taken back"
    assert [tuple(r.title for r in p.related) for p in again.article_pages] == [
        tuple(r.title for r in p.related) for p in assemble(config(), retitled).article_pages
    ], "the related articles are this assembly's objects (the new title), not the last one's"

    retagged = [replace(a, tags=("其他",)) if a.slug == "a" else a for a in articles]
    expected = [p.related for p in assemble(config(), retagged).article_pages]
    assert [p.related for p in assemble(config(), retagged, related=memo).article_pages] == expected
    assert memo.ranks != ranks, "a changed tag works them out again"


def test_related_ranks_read_back_that_point_past_the_articles_are_worked_out_again() -> None:
    articles = [replace(art(s, c, d), tags=t) for s, c, d, t in RELATED]
    memo = RelatedMemo()
    expected = [p.related for p in assemble(config(), articles, related=memo).article_pages]
    assert memo.changed and memo.shape is not None
    hostile = RelatedMemo(memo.shape, {rank: (99,) for rank in memo.ranks})  # as a tampered cache could hold
    assert [p.related for p in assemble(config(), articles, related=hostile).article_pages] == expected
    taken_back = RelatedMemo(memo.shape, dict(memo.ranks))
    assert [p.related for p in assemble(config(), articles, related=taken_back).article_pages] == expected
    assert not taken_back.changed, "the same shape: every rank taken back, none worked out"


RELATED = [
    ("a", "towns", 0, ("治安",)),
    ("b", "towns", 1, ("治安", "交通")),
    ("c", "tips", 2, ("交通",)),
    ("d", "tips", 3, ("治安",)),
    ("e", "brands", 4, ()),
]


@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 5), st.sampled_from(["towns", "tips", "brands", "gone"])),
        max_size=12,
    )
)
def test_most_read_and_the_columns_articles_are_as_the_full_keys_order_them(rows: list[tuple[int, int, str]]) -> None:
    """Most read is sorted by views over the newest-first order (a stable sort) and the columns' articles are
    gathered in one pass: both as sorting each by its full key gives (ties of views and of dates included; an
    article of a column site.yaml lacks is in no column's articles)."""
    cfg = config(most_read_count="5", home_per_column="3")
    articles = [art(f"a{n}", column, day=day, views=views) for n, (views, day, column) in enumerate(rows)]
    home = assemble(cfg, articles).home
    by_key = sorted(articles, key=lambda a: (-a.views, -a.date.timestamp(), a.source_path))
    assert list(home.most_read) == by_key[:5]
    newest = sorted(articles, key=lambda a: (-a.date.timestamp(), a.source_path))
    for block in home.column_blocks:
        assert list(block.articles) == [a for a in newest if a.column == block.column.slug][:3]


def _tags_as_before(ordered: tuple[Article, ...]) -> dict[str, tuple[str, list[str]]]:
    """The rule collect_tags keeps, written plainly (as it was): each slug spelt as the first article in source order
    spells it, its articles newest first, each once."""
    from sitegen.urls import tag_slug

    by_slug: dict[str, tuple[str, list[str]]] = {}
    for article in sorted(ordered, key=lambda a: a.source_path):
        for name in article.tags:
            by_slug.setdefault(tag_slug(name), (name, []))
    for article in ordered:
        for slug in dict.fromkeys(tag_slug(name) for name in article.tags):
            by_slug[slug][1].append(article.slug)
    return dict(sorted(by_slug.items()))


@given(st.lists(st.tuples(st.integers(0, 5), st.lists(st.sampled_from(["C++", "c", "C", "社区", " 社区", "Ａ", "a"]),
                                                     max_size=4)), max_size=12))  # fmt: skip
def test_tags_are_spelt_and_listed_as_the_plain_rule_says(rows: list[tuple[int, list[str]]]) -> None:
    from sitegen.site import collect_tags

    articles = [replace(art(f"a{n:02}", day=day), tags=tuple(tags)) for n, (day, tags) in enumerate(rows)]
    ordered = newest_first(articles[::-1])
    tags = collect_tags(ordered)
    listed = {slug: (tag.name, [a.slug for a in items]) for slug, (tag, items) in tags.items()}
    assert listed == _tags_as_before(ordered)
    assert list(tags) == sorted(tags) and all(tag.count == len(items) for tag, items in tags.values())


@given(st.integers(0, 40), st.integers(1, 7))
def test_a_listings_navigation_links_the_window_and_its_neighbours(count: int, page_size: int) -> None:
    articles = [art(f"a{n:02}", day=n) for n in range(count)]
    listings = paginate(None, articles, page_size)
    urls = [listing.url for listing in listings]
    for listing in listings:
        n = listing.number
        window = page_window(n, listing.total)
        assert [link.number if link else 0 for link in listing.pages] == list(window)
        assert all(link is None or link.url == urls[link.number - 1] for link in listing.pages)
        assert listing.previous_url == (urls[n - 2] if n > 1 else None)
        assert listing.next_url == (urls[n] if n < listing.total else None)
