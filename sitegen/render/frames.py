"""Page frames: a page's context with every article in it named by its source path instead of walked.

A page's key (render/keys.py) is made of two parts: its *frame*, the digest of its template and of its context with
each article replaced by its name, and the digests of the articles it names, in the order met. Together they
determine the page as surely as a walk of the whole context does: the frame holds everything but the articles, and
each article's digest covers all of it.

The split is what lets a build key its pages in proportion to what changed (build/keyplan.py): every page is made
by sitegen's code from the Site, the search page's URL and an edition's shared variables. When those are what they
were at the last build, with each article named, so is every page's frame and the articles it names, and a page's
key comes from its recorded frame and its articles' digests of this build, without walking it.

The site's frame (`site_frame`) does not walk the whole Site either: its listings and article pages are made by
site.py from the articles' order and the fields of theirs that the assembly reads. So it walks the rest of the Site
(config, home, tags, authors, archive...) and, for each article in order, every field but those the assembly and
the page jobs never read (model.READ_ONLY_THROUGH_THE_ARTICLE: the text and what comes of it). An edit of an
article's text leaves the frame as it was; anything else that could move an article on any page changes it.
tests/test_frames.py holds the assembly and the page jobs to this.
"""

from __future__ import annotations

import dataclasses
import hashlib
import operator
from collections.abc import Callable, Mapping, Sequence
from pathlib import PurePath
from typing import Any

from sitegen import toolchain
from sitegen.model import SHAPING_FIELDS, Article, Site
from sitegen.render.keys import PLAIN, ContextKeys, digest

# the fields of an article that can change what any page but the article's own shows, besides the article itself
_SHAPING = operator.attrgetter(*SHAPING_FIELDS)

# a site whose pages a build makes (the source's, an edition's), its search page's URL, the variables its pages share
SitePart = tuple[Site, str | None, Mapping[str, Any]]


class FrameKeys(ContextKeys):
    """Walks contexts as ContextKeys does, but names each article (by source path) instead of walking it; remembers
    the articles a walk met. Objects with an article inside are walked again each time they are met, so that every
    walk meets all of its articles; the others are remembered by identity, as ContextKeys does."""

    def __init__(self, folders: Sequence[PurePath] = ()) -> None:
        super().__init__(None, folders)
        self._named: dict[int, Article] = {}  # the articles the current walk met, by identity, in order
        self._met = 0  # articles met since this lives: tells an object with an article inside

    def page_frame(self, template_digest: str, context: Mapping[str, Any]) -> tuple[str, tuple[Article, ...]]:
        """A page's frame, and the articles it names (in the order met, each object once)."""
        self._named = {}
        shape = (toolchain.digest(), template_digest, self.value(dict(context)))
        return digest(shape), tuple(self._named.values())

    def site_frame(
        self, parts: Sequence[SitePart], templates: Mapping[str, str], shaping: ShapingDigests | None = None
    ) -> str:
        """The frame of everything a build's pages are made from: each site (the source's, an edition's) but its
        derived parts, each of its articles' shaping fields, in order, the search page's URL and the variables its
        pages share; and the templates' digests. `shaping`: the shaping fields' digests known from the last build."""
        shaping = shaping or ShapingDigests(ContextKeys())
        walked = [
            (
                self.value(underived(site)),
                [shaping.of(article, self) for article in site.articles],
                search_url,
                self.value(dict(shared)),
            )
            for site, search_url, shared in parts
        ]
        return digest((toolchain.digest(), sorted(templates.items()), walked))

    def frame_inputs(self, parts: Sequence[SitePart], templates: Mapping[str, str]) -> str:
        """What the site's frame is made of besides each site's own walk: sitegen, the templates' digests, each
        site's search page URL and shared variables. With these and the sites as the last build had them (a Site
        kept, incremental/siteshape.py), the frame is the last build's."""
        shape = [(search_url, self.value(dict(shared))) for _, search_url, shared in parts]
        return digest((toolchain.digest(), sorted(templates.items()), shape))

    def _dataclass(self, value: Any, fields: Callable[[Any], tuple[Any, ...]]) -> object:
        if type(value) is Article:
            self._named.setdefault(id(value), value)
            self._met += 1
            return ("article", value.source_path)
        known = self._digests.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        met = self._met
        shape = self._fields(value, fields(value))
        if self._met == met:  # no article inside: the same object gives the same shape for any page
            self._digests[id(value)] = (value, shape)
        return shape


class ShapingDigests:
    """The digest of each article's shaping fields (those its pages but its own can show: every field but the text
    and what comes of it), remembered by the article's digest from one build to the next: only an article that
    changed is walked."""

    def __init__(self, keys: ContextKeys, known: Mapping[str, str] | None = None) -> None:
        self._keys = keys  # the build's, which has every article's digest at hand
        self._known = known or {}
        self.used: dict[str, str] = {}  # this build's, for the next

    def of(self, article: Article, frames: FrameKeys) -> str:
        content = self._keys.value(article)
        assert isinstance(content, str)  # an Article has fields of many kinds: never one of plain fields only
        found = self.used.get(content) or self._known.get(content)
        if found is None:
            walk = frames.value
            found = digest([v if type(v) in PLAIN else walk(v) for v in _SHAPING(article)])
        self.used[content] = found
        return found

    def carry(self, articles: Sequence[Article]) -> None:
        """Keep for the next build the known digests of `articles` (those of a frame not walked: the last build's)."""
        for article in articles:
            content = self._keys.value(article)
            assert isinstance(content, str)
            found = self._known.get(content)
            if found is not None:
                self.used[content] = found


def underived(site: Site) -> Site:
    """The Site without the parts that site.py derives from its articles (their order and the fields it reads) and
    the rest of the Site: its listings and article pages."""
    return dataclasses.replace(
        site, article_pages=(), listings=(), tag_listings=(), author_listings=(), archive_listings=()
    )


def framed_key(frame: str, article_digests: Sequence[str]) -> str:
    """A page's key from its frame and the digests of the articles it names, in the order named (digests are hex:
    joined by a line break, they cannot run into each other)."""
    return hashlib.sha1("\n".join([frame, *article_digests]).encode()).hexdigest()
