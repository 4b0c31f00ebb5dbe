"""The one place that decides which articles a build may take from the cache, and which it must read again.

The loader reads sources; it asks an `ArticleReuse` what it may skip:

  unchanged(path)              the stored article of a source the file watcher says is unchanged (sitegen serve)
  cached(found)                for each (path, column, stat), the cached article when the source's bytes are those
                               it was made from: by its stats (size and mtime, unless they were "racy"), else by a
                               hash of its bytes, so that a fresh checkout, where every file has a new time stamp,
                               parses no YAML and renders no Markdown
  current(candidates, ...)     of those candidates, the ones whose fingerprint (links, pictures, place) still holds
                               and whose body is stored, and the paths of the others, to read again; an unchanged
                               one (as the watcher says) is checked only when a source it links to moved
  reused_after_reading(...)    of the sources read as text, the ones whose fingerprint matches the cached article's
  previous_source(path)        the source as the last build in this process read it (sitegen serve)
  record(...), file_stat(...)  the stats to record for the next build, with git's "racy" rule
  keep(...)                    this build's articles and the stats recorded, into the article store

Everything else stays as the article store (sitegen.incremental.articles) had it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Collection, Container, Iterable, Mapping
from pathlib import Path

from sitegen.content.articles import MAX_SOURCE_BYTES, Source, fingerprint
from sitegen.content.sourcefile import read_limited
from sitegen.incremental.articles import DIGEST, MTIME_NS, SIZE, ArticleStore, FileStat
from sitegen.incremental.bodies import BodyStore
from sitegen.incremental.edits import links_into, moved_urls
from sitegen.model import Article
from sitegen.stamps import stamp

_FEW_SOURCES = 64  # up to this many sources read as text, their bodies are looked up one by one, not all listed


class ArticleReuse:
    """What this build may reuse of the cached articles; fills `stats` as it goes."""

    def __init__(self, store: ArticleStore, site_dir: Path, racy_after_ns: int) -> None:
        self.store = store
        self.root = str(site_dir)
        self.racy_after_ns = racy_after_ns  # a time stamp from after this may still move without changing
        self.stats: dict[str, FileStat] = {}
        self.hashed = 0  # sources whose stats changed but whose bytes did not
        self.reused = 0  # articles taken from the store
        self._stored: set[str] | None = None  # the fingerprints of the stored bodies, read when first needed

    def unchanged(self, relative: str) -> Article | None:
        """The stored article of a source unchanged since the store's articles were read (the file watcher says
        so: sitegen serve), its recorded stats carried over; None when the store has none (then it is read)."""
        article, recorded = self.store.by_path.get(relative), self.store.stats.get(relative)
        if article is None or recorded is None:
            return None
        self.stats[relative] = recorded
        return article

    def cached(self, found: list[tuple[str, str, os.stat_result]]) -> list[Article | None]:
        """For each (path, column, stat) found: the cached article if its file holds the bytes the article was made
        from, else None. Files whose stats moved are hashed one after the other: a source is a few kilobytes, just
        written by the checkout and in the page cache, and a thread per file cost four times the hashing itself
        (0.45 against 0.12 s for 10,000 sources)."""
        known = [self._known(relative, column, stat) for relative, column, stat in found]
        to_hash = [i for i, (stat, article) in enumerate(known) if article is not None and stat is None]
        digests = {i: self._digest(found[i][0]) for i in to_hash}
        articles: list[Article | None] = []
        for index, ((relative, _, stat), (recorded, article)) in enumerate(zip(found, known, strict=True)):
            if article is not None and recorded is None:  # a new time stamp (a fresh checkout, a touch)
                digest = digests[index]
                if digest == self.store.stats[relative][DIGEST]:
                    self.hashed += 1
                    recorded = self.file_stat(stat, digest)
                else:
                    article = None
            if article is not None and recorded is not None:
                self.stats[relative] = recorded
            articles.append(article)
        return articles

    def _known(self, relative: str, column: str, stat: os.stat_result) -> tuple[FileStat | None, Article | None]:
        """(the recorded stats if they still hold, the cached article if its bytes may be unchanged)."""
        known, article = self.store.stats.get(relative), self.store.by_path.get(relative)
        if known is None or article is None or article.column != column or known[SIZE] != stat.st_size:
            return None, None
        return (known if known[MTIME_NS] == stamp(stat) else None), article

    def _digest(self, relative: str) -> str | None:
        """The SHA-1 of the source's bytes (up to MAX_SOURCE_BYTES + 1, as read_source reads them), read with plain
        system calls: a buffered file object per source cost half again as much (10,000 sources of a checkout)."""
        try:
            return hashlib.sha1(read_limited(os.path.join(self.root, relative), MAX_SOURCE_BYTES + 1)).hexdigest()
        except OSError:
            return None  # read again as a source, which reports the error

    def file_stat(self, stat: os.stat_result, digest: str) -> FileStat:
        """A file changed within the file system's time stamp granularity of now could change again without its time
        stamp moving, so its mtime is not recorded and its bytes are hashed next time (as git does)."""
        trusted = stat.st_mtime_ns < self.racy_after_ns
        return (stamp(stat) if trusted else -1, stat.st_size, digest)

    def record(self, relative: str, stat: os.stat_result, digest: str) -> None:
        self.stats[relative] = self.file_stat(stat, digest)

    def still_current(
        self,
        article: Article,
        urls: Mapping[str, str],
        picture_keys: tuple[str, ...],
        stored: Container[str],
    ) -> bool:
        """Whether a cached article is still what rendering its source would give: the URLs its links point to and
        its pictures are as they were (a removed picture or variant changes the key), and its body is stored."""
        digest = self.stats[article.source_path][DIGEST]
        path = article.source_path
        current = fingerprint(digest, path, article.column, article.url, article.links, urls, picture_keys)
        return article.fingerprint == current and article.fingerprint in stored

    def current(
        self,
        candidates: Mapping[str, Article],
        urls: Mapping[str, str],
        picture_keys: Callable[[Article], tuple[str, ...]],
        unchanged: Collection[str] = (),
        carried: Callable[[Article], bool] = lambda article: True,
    ) -> tuple[dict[str, Article], list[str]]:
        """(the candidates still current, the paths of the others: a linked article moved, a picture changed or its
        body is gone, so their sources are read again). `unchanged`: candidates whose source, pictures and body are
        as they were when the store's articles were read (sitegen serve's watcher says so): checked only when a
        source they link to has another URL now, or when `carried` (their pictures kept in use without a look)
        finds one of their pictures gone from the image cache."""
        kept: dict[str, Article] = {}
        again: list[str] = []
        moved = moved_urls(self.store.by_path, urls) if unchanged else set()
        # a few candidates to check beside those the watcher (or the scan) vouches for: their bodies looked up
        # one by one, not every key of the body store listed
        few = bool(unchanged) and len(candidates) - len(unchanged) <= _FEW_SOURCES and self._stored is None
        stored: Container[str] | None = _OneByOne(self.store.bodies) if few else None
        for path, article in candidates.items():
            trusted = path in unchanged and not links_into(article, moved) and carried(article)
            if trusted or self.still_current(
                article, urls, picture_keys(article), stored if stored is not None else self._stored_bodies()
            ):
                kept[path] = article
            else:
                again.append(path)
        self.reused += len(kept)
        return kept, again

    def reused_after_reading(
        self, sources: Mapping[str, Source], urls: Mapping[str, str], picture_keys: Callable[[Article], tuple[str, ...]]
    ) -> dict[str, Article]:
        """The cached articles of sources read as text that rendering again would give unchanged, by path."""
        reused: dict[str, Article] = {}
        few = len(sources) <= _FEW_SOURCES and self._stored is None
        stored = _OneByOne(self.store.bodies) if few else self._stored_bodies()
        for path, source in sources.items():
            article = self.after_reading(source, urls, picture_keys, stored)
            if article is not None:
                reused[path] = article
        self.reused += len(reused)
        return reused

    def _stored_bodies(self) -> set[str]:
        if self._stored is None:
            self._stored = self.store.bodies.keys()
        return self._stored

    def previous_source(self, path: str) -> Source | None:
        """The source as this process last read it (sitegen serve keeps them): its parsed parts are reused."""
        return self.store.sources.get(path)

    def keep(
        self, sources: Iterable[Source], articles: Iterable[Article], also_keep: Callable[[set[str]], set[str]]
    ) -> None:
        """This build's articles and the stats recorded, into the store, for the next build."""
        self.store.store(sources, articles, self.stats, also_keep)
        self.store.reused = self.reused

    def after_reading(
        self,
        source: Source,
        urls: Mapping[str, str],
        picture_keys: Callable[[Article], tuple[str, ...]],
        stored: Container[str],
    ) -> Article | None:
        """The cached article of a source read as text, when rendering it would give the same article."""
        return self.store.article(
            source.path,
            lambda old: fingerprint(
                source.digest, source.path, source.column, source.url, old.links, urls, picture_keys(old)
            ),
            stored,
        )


class _OneByOne:
    """The stored bodies, asked about one key at a time (sitegen serve after an edit reads a source or two: listing
    every key of the store would cost more)."""

    def __init__(self, bodies: BodyStore) -> None:
        self.bodies = bodies

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.bodies.has(key)
