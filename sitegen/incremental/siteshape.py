"""The assembled Site, kept from one build to the next with each article named by its place: a build whose articles'
shaping fields are what they were gets the Site back without assembling it.

site.py's assembly reads only the articles' shaping fields (every field but the text and what comes of it:
model.READ_ONLY_THROUGH_THE_ARTICLE; tests/test_frames.py holds it to this), the config, data/authors.yaml, the
mourning flag and each author's slug. So when those are what they were at the last assembly (`shape_key`), the
same articles are published, and each article that is not the very object the last build kept has the same shaping
fields as that one (an edit of its text), the Site that build assembled, with this build's article objects in the
places of its own, is the Site this build would assemble: equal, field for field, and holding the same objects.

The Site is kept pickled (about 140 bytes an article), each article as its place among the published ones (sorted
by source path), the config and its columns by reference; read back through the cache's allow-list of classes. It
is read back in a tenth of the time the assembly takes (0.04 s against 0.13-0.34 s at 10,000 articles), and the
build then knows the site's shape held (build/keyplan.py need not walk it).
"""

from __future__ import annotations

import functools
import hashlib
import io
import operator
import pickle
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sitegen import toolchain
from sitegen.content.authors import AuthorInfo
from sitegen.incremental.pickles import READ_ERRORS, WRITE_ERRORS, Pickler, SafeUnpickler, register
from sitegen.incremental.places import all_relative
from sitegen.model import (
    SHAPING_FIELDS,
    ArchivePeriod,
    Article,
    ArticlePage,
    Author,
    Column,
    ColumnBlock,
    Config,
    HomePage,
    Listing,
    PageLink,
    Site,
    Tag,
    output_path_for,
)
from sitegen.related import RelatedMemo
from sitegen.site import assemble

# the classes a kept Site is made of, saved by their field values (sitegen.incremental.pickles)
KINDS = (Site, ArticlePage, Listing, PageLink, HomePage, ColumnBlock, Tag, Author, ArchivePeriod)
for _kind in KINDS:
    register(_kind)

# this record's part of the build cache's index, and the type of each
INDEX_PART = {"site_shape": tuple}

# the fields of an article that the assembly may read, but its views: the store keeps its articles as their sources
# give them, a build gives them the counts of data/ (content/viewcounts.py), so each build's are objects of their own
# (the views of every published article are in the key)
_SHAPING = operator.attrgetter(*(name for name in SHAPING_FIELDS if name != "views"))


def shape_key(config: Config, published: Sequence[Article], people: Mapping[str, AuthorInfo], mourning: bool) -> str:
    """What a Site is assembled from, but its articles' shaping fields: the config (plain fields only: its repr is
    its value), the published articles' source paths and views, data/authors.yaml as loaded and the mourning flag
    (and sitegen itself)."""
    paths = "\0".join(article.source_path for article in published)
    views = [article.views for article in published]
    shape = (toolchain.digest(), repr(config), paths, views, sorted(map(repr, people.items())), mourning)
    return hashlib.sha1(repr(shape).encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class SiteShape:
    """The last assembled Site: the key it was assembled with, its authors' slugs as `slug_of` gave them, and its
    pickle (empty: none kept)."""

    key: str = ""
    slugs: dict[str, str] = field(default_factory=dict)
    data: bytes = b""
    changed: bool = False  # whether the disk copy needs writing
    # the articles the kept Site was assembled from, by source path: the store's at the start of a build
    before: Mapping[str, Article] = field(default_factory=dict, repr=False)

    def start(self, articles: Mapping[str, Article]) -> None:
        """Begin a build whose article store holds `articles`: the last build's, which the kept Site holds."""
        self.before = articles

    def site(
        self,
        config: Config,
        published: Sequence[Article],
        people: Mapping[str, AuthorInfo],
        mourning: bool,
        slug_of: Callable[[str], str],
        related: RelatedMemo | None = None,
    ) -> tuple[Site, bool]:
        """The Site of `published` (sorted by source path): the kept one, with these articles in its places, when
        that is the Site they would be assembled into (then True); else assembled (site.assemble) and kept."""
        key = shape_key(config, published, people, mourning)
        kept = self._kept(key, config, published, slug_of)
        if kept is not None:
            return kept, True
        site = assemble(config, published, people, mourning, slug_of, related)
        self.keep(key, site, published, slug_of)
        return site, False

    def _kept(
        self,
        key: str,
        config: Config,
        published: Sequence[Article],
        slug_of: Callable[[str], str],
    ) -> Site | None:
        """The kept Site with `published` (sorted by source path) in the places of its articles, when it is the
        Site they would be assembled into: the same `key`, each article either the very object the kept Site was
        assembled from or one with the same shaping fields, and each author's slug the same. None otherwise, or
        when the kept pickle cannot be read."""
        if not self.data or key != self.key:
            return None
        before = self.before
        for article in published:
            was = before.get(article.source_path)
            if was is not article and (was is None or _SHAPING(was) != _SHAPING(article)):
                return None
        if any(slug_of(name) != slug for name, slug in self.slugs.items()):
            return None
        try:
            site = _SiteUnpickler(io.BytesIO(self.data), config, published).load()
        except READ_ERRORS:
            return None
        return site if type(site) is Site and _addresses_inside(site) else None

    def keep(self, key: str, site: Site, published: Sequence[Article], slug_of: Callable[[str], str]) -> None:
        """Keep `site`, assembled with `key` from `published` (sorted by source path)."""
        try:
            data = _pickled(site, published)
        except (KeyError, *WRITE_ERRORS):
            self.clear()
            return
        slugs = {author.name: slug_of(author.name) for author in site.authors}
        if (key, slugs, data) != (self.key, self.slugs, self.data):
            self.key, self.slugs, self.data, self.changed = key, slugs, data, True

    def clear(self) -> None:
        if self.data:
            self.key, self.slugs, self.data, self.changed = "", {}, b"", True

    @classmethod
    def from_index(cls, index: dict[str, Any]) -> SiteShape:
        part = index["site_shape"]
        if len(part) != 3 or type(part[0]) is not str or type(part[1]) is not dict or type(part[2]) is not bytes:
            return cls()
        if not all(type(name) is str and type(slug) is str for name, slug in part[1].items()):
            return cls()
        return cls(part[0], part[1], part[2])

    def index_part(self) -> dict[str, Any]:
        return {"site_shape": (self.key, self.slugs, self.data)}


def _addresses_inside(site: Site) -> bool:
    """Whether every page the kept Site holds of its own (its listings': the articles' pages are this build's
    articles') is inside the output folder: a cache restored from elsewhere is data, and a forged one must not have a
    page written outside it (incremental/places.py). Told at once, as the cache's paths are (1 ms at 10,000
    articles). Its other addresses are links only."""
    listings = (*site.listings, *site.tag_listings, *site.author_listings, *site.archive_listings)
    urls = [listing.url for listing in listings]
    return all(type(url) is str for url in urls) and all_relative(output_path_for(url) for url in urls)


def _pickled(site: Site, published: Sequence[Article]) -> bytes:
    """`site` pickled with each article as its place in `published`, the config and its columns by reference:
    through the dispatch table, so that no Python function is called for the texts and numbers (a persistent_id
    is called for every object: twice the time). KeyError: an article not published or a column not the config's,
    which no assembled Site holds."""
    places = {id(article): place for place, article in enumerate(published)}
    columns = {id(column): place for place, column in enumerate(site.config.columns)}
    config = site.config

    def reduce_config(value: Config) -> tuple[Any, ...]:
        if value is not config:
            raise KeyError("another config")
        return _site_config, ()

    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)  # not a subclass: its class's table would win
    pickler.dispatch_table = {
        **Pickler.dispatch_table,
        Article: lambda article: (_article_at, (places[id(article)],)),
        Column: lambda column: (_column_at, (columns[id(column)],)),
        Config: reduce_config,
    }
    pickler.dump(site)
    return buffer.getvalue()


def _article_at(place: int) -> Article:
    """What a kept Site saves in an article's place; only its reader (_SiteUnpickler) resolves it."""
    raise pickle.UnpicklingError("an article's place read outside a kept Site")


def _column_at(place: int) -> Column:
    raise pickle.UnpicklingError("a column's place read outside a kept Site")


def _site_config() -> Config:
    raise pickle.UnpicklingError("the config read outside a kept Site")


class _SiteUnpickler(SafeUnpickler):
    """Reads a kept Site: each place resolved to this build's article there, the config and columns to its own.
    (Partials of module functions, not methods: a bound method in the unpickler's memo would make a cycle holding
    every object read until the collector's next full pass; see pickles.ShardUnpickler.)"""

    def __init__(self, file: io.BytesIO, config: Config, published: Sequence[Article]) -> None:
        super().__init__(file)
        self._references = {
            "_article_at": functools.partial(_placed, published, "article"),
            "_column_at": functools.partial(_placed, config.columns, "column"),
            "_site_config": functools.partial(_the, config),
        }

    def find_class(self, module: str, name: str) -> Any:
        if module == __name__ and name in self._references:
            return self._references[name]
        return super().find_class(module, name)


def _placed(items: Sequence[Any], kind: str, place: object) -> Any:
    if type(place) is not int or not 0 <= place < len(items):
        raise pickle.UnpicklingError(f"a kept Site names the {kind} at {place!r}")
    return items[place]


def _the(value: Any) -> Any:
    return value
