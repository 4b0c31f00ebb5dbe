"""The assembled Site kept from one build to the next (sitegen.incremental.siteshape): read back with this build's
articles in its places only when that is the Site they would be assembled into."""

from __future__ import annotations

import pickle
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from conftest import FIXED_NOW, REPO_ROOT
from test_frames import TEXT_EDITS

from sitegen.build.api import BuildOptions, load_site
from sitegen.content.authors import AuthorInfo, load_authors
from sitegen.incremental import siteshape
from sitegen.incremental.siteshape import SiteShape
from sitegen.model import READ_ONLY_THROUGH_THE_ARTICLE, Article, Site
from sitegen.site import assemble, author_slug


@pytest.fixture(scope="module")
def example() -> tuple[Site, list[Article], dict[str, AuthorInfo]]:
    loaded = load_site(REPO_ROOT, BuildOptions(disk_cache=False, now=FIXED_NOW))
    people, errors = load_authors(REPO_ROOT)
    assert not errors
    published = sorted(loaded.site.articles, key=lambda a: a.source_path)
    return loaded.site, published, people


def _kept(site: Site, published: list[Article], people: dict[str, AuthorInfo]) -> SiteShape:
    """A shape as the next build reads it from the cache: assembled and kept by one build, through the index."""
    shape = SiteShape()
    shape.start({})
    made, kept = shape.site(site.config, published, people, site.mourning, author_slug)
    assert not kept and made == site
    read = SiteShape.from_index(pickle.loads(pickle.dumps(shape.index_part())))
    read.start({article.source_path: article for article in published})
    return read


def _articles_in(site: Site) -> list[Article]:
    """Every article object the Site holds, wherever it holds it (its listings, pages, home, leads)."""
    found: list[Article] = []
    for page in site.article_pages:
        found += [page.article, *page.related, *(a for a in (page.previous, page.next) if a is not None)]
    for listing in (*site.listings, *site.tag_listings, *site.author_listings, *site.archive_listings):
        found += listing.articles
    found += [*site.articles, *site.home.latest, *site.home.most_read, *site.home.leads]
    for block in site.home.column_blocks:
        found += block.articles
    for leads in site.column_leads.values():
        found += leads
    return found


def test_the_kept_site_read_back_is_the_assembled_one_holding_this_builds_objects(example) -> None:
    site, published, people = example
    shape = _kept(site, published, people)
    copies = [replace(article) for article in published]  # equal articles, other objects: as a store reads them
    shape.start({article.source_path: article for article in copies})
    read, kept = shape.site(site.config, copies, people, site.mourning, author_slug)
    assert kept and read == site
    ids = {id(article) for article in copies}
    assert all(id(article) in ids for article in _articles_in(read))  # no article of the kept pickle's own
    assert read.config is site.config
    assert all(any(c is column for column in site.config.columns) for c in (p.column for p in read.article_pages))


@pytest.mark.parametrize("field", sorted(READ_ONLY_THROUGH_THE_ARTICLE))
def test_an_edit_of_an_articles_text_keeps_the_site_with_the_edited_article_in_its_places(example, field) -> None:
    site, published, people = example
    shape = _kept(site, published, people)
    target = published[len(published) // 2]
    edited = replace(target, **{field: TEXT_EDITS[field](target)})
    now = [edited if article is target else article for article in published]
    read, kept = shape.site(site.config, now, people, site.mourning, author_slug)
    assert kept
    assert read == assemble(site.config, now, people, site.mourning)
    held = _articles_in(read)
    assert any(article is edited for article in held) and not any(article is target for article in held)


OTHER_EDITS: dict[str, Any] = {
    "date": lambda a: replace(a, date=a.date - timedelta(days=400)),
    "title": lambda a: replace(a, title=a.title + "（改）"),
    "tags": lambda a: replace(a, tags=(*a.tags, "新标签")),
    "views": lambda a: replace(a, views=a.views + 1),
    "column": lambda a: replace(a, column="tips" if a.column != "tips" else "towns"),
}


@pytest.mark.parametrize("name", sorted(OTHER_EDITS))
def test_any_other_edit_of_an_article_has_the_site_assembled_again(example, name: str) -> None:
    site, published, people = example
    shape = _kept(site, published, people)
    target = published[1]
    now = [OTHER_EDITS[name](article) if article is target else article for article in published]
    read, kept = shape.site(site.config, now, people, site.mourning, author_slug)
    assert not kept
    assert read == assemble(site.config, now, people, site.mourning)
    assert read != site
    shape.start({article.source_path: article for article in now})  # the next build's store: these articles
    again, kept_again = shape.site(site.config, now, people, site.mourning, author_slug)  # kept in its turn
    assert kept_again and again == read


def test_another_config_set_of_articles_people_mourning_or_slug_has_the_site_assembled_again(example) -> None:
    site, published, people = example
    config, mourning = site.config, site.mourning
    changes = [
        (replace(config, page_size=config.page_size + 1), published, people, mourning, author_slug),
        (config, published[1:], people, mourning, author_slug),
        (config, published, {**people, "新作者": AuthorInfo(bio="新")}, mourning, author_slug),
        (config, published, people, not mourning, author_slug),
        (config, published, people, mourning, lambda name: author_slug(name) + "-x"),
    ]
    for config, articles, authors, grey, slug_of in changes:
        shape = _kept(site, published, people)
        read, kept = shape.site(config, articles, authors, grey, slug_of)
        assert not kept
        assert read == assemble(config, articles, authors, grey, slug_of)


def test_a_damaged_or_hostile_kept_site_is_assembled_again(example) -> None:
    site, published, people = example

    class Hostile:
        def __reduce__(self) -> tuple[Any, ...]:
            return (print, ("run",))

    for data in (b"\x80\x05truncated", pickle.dumps(Hostile()), pickle.dumps(["not", "a", "site"])):
        shape = _kept(site, published, people)
        shape.data = data
        read, kept = shape.site(site.config, published, people, site.mourning, author_slug)
        assert not kept and read == site
    parts: list[tuple[object, ...]] = [(), ("key", {}, "not bytes"), ("key", {1: "slug"}, b"")]
    for part in parts:
        assert SiteShape.from_index({"site_shape": part}).data == b""


@pytest.mark.parametrize("kind", ["listings", "tag_listings", "author_listings", "archive_listings"])
def test_a_kept_site_with_a_page_outside_the_output_is_assembled_again(example, kind: str) -> None:
    """A cache restored from elsewhere is data: a forged kept Site, with the right key, whose listing would be
    written outside the output folder is not used."""
    site, published, people = example
    for outside in ("../../outside/", "/etc/", "tags/../../../x/"):
        listings = getattr(site, kind)
        forged = replace(site, **{kind: (replace(listings[0], url=outside), *listings[1:])})
        shape = _kept(site, published, people)
        shape.data = siteshape._pickled(forged, published)
        read, kept = shape.site(site.config, published, people, site.mourning, author_slug)
        assert not kept and read == site
        shape.data = siteshape._pickled(site, published)  # the same Site, not forged: kept
        assert shape.site(site.config, published, people, site.mourning, author_slug)[1]
