"""The article store: the articles of the last build, by source path, with what tells whether they still hold.

An article is reused when its source holds the bytes it was made from (the stats of each source file, `FileStat`,
tell it without reading; sitegen.incremental.reuse decides) and its fingerprint still matches. Its body is kept in
the body store (sitegen.incremental.bodies), by fingerprint; the page keys' digest of each article (its "shape",
sitegen.render.keys) is kept so that the next build walks only the articles that changed.

On disk the articles are saved in shards, by their path (`articles-NN-<digest>.pickle`): a file named by a digest
of what it holds is written only when that changed, so a rebuild after one edit writes one shard, not every article
again. Their pictures are saved once, in a table the shards name them from (sitegen.incremental.picturetable). The
build cache's index (sitegen.incremental.cache) names the shards and the table of the last build.
"""

from __future__ import annotations

import contextlib
import hashlib
import operator
import re
import zlib
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from sitegen.cachenotes import damaged, dropped, outside
from sitegen.content.articles import Source
from sitegen.incremental.bodies import BodyStore
from sitegen.incremental.pickles import READ_ERRORS, ShardUnpickler, load_sealed, shard_pickler, write_sealed
from sitegen.incremental.picturetable import TABLE_NAME, PictureKeys, load_table, save_table, table_of
from sitegen.incremental.places import Places, folder_prefixes, inside, relative_path
from sitegen.incremental.relocate import Relocations, moved, relocated, root_prefixes
from sitegen.model import Article, Image

ARTICLE_SHARDS = 64
SavedShards = dict[str, list[Article]]  # the articles of each shard as on disk, by the shard's name
_SHARD_NAME = re.compile(r"articles-[0-9]{2}-[0-9a-f]{16}\.pickle")
_DIGEST = re.compile(r"[0-9a-f]{40}")
_DIGEST_LINES = re.compile(r"[0-9a-f]{40}(?:\n[0-9a-f]{40})*")
# this store's part of the build cache's index, and the type of each
INDEX_PART = {"stats": dict, "articles": dict, "shapes": dict, "roots": list, "pictures": str}


# A source's stats as the last build saw them: (mtime_ns: stamps.stamp of the source, its ctime too, -1 when too
# recent to trust; size; the SHA-1 of its bytes). A plain tuple: the index holds one per source, and pickle reads
# tuples back in C (100,000 frozen dataclasses took 0.37 s, one Python call each; tuples 0.04 s).
FileStat = tuple[int, int, str]
MTIME_NS: Final = 0  # a FileStat's fields
SIZE: Final = 1
DIGEST: Final = 2


@dataclass
class ArticleStore:
    stats: dict[str, FileStat] = field(default_factory=dict)  # by source path: to skip reading unchanged files
    sources: dict[str, Source] = field(default_factory=dict)  # by source path (memory only)
    by_path: dict[str, Article] = field(default_factory=dict)  # by source path, without their bodies
    bodies: BodyStore = field(default_factory=BodyStore)  # by article fingerprint
    # page keys (sitegen.render.keys): the digest of each saved article, by source path, and the articles as this
    # store gave them with those digests (the bases of this build's article digests)
    shapes: dict[str, str] = field(default_factory=dict)
    bases: dict[str, tuple[Article, str]] = field(default_factory=dict)
    keep_sources: bool = True  # sitegen serve re-reads touched files; a build on disk ends before that matters
    picture_keys: PictureKeys = field(default_factory=PictureKeys)  # the pictures' keys in the shards' table
    saved: SavedShards = field(default_factory=dict)  # the shards as last read or written: kept when the same
    reused: int = 0  # articles this build took from the store
    changed: bool = False  # whether the disk copy needs writing

    def clear(self) -> None:
        """Forget every article (what shapes every article changed)."""
        for kept in (self.stats, self.sources, self.by_path, self.bodies, self.shapes, self.bases, self.saved):
            kept.clear()
        self.changed = True

    def article(
        self, source_path: str, fingerprint_of: Callable[[Article], str], bodies: Container[str]
    ) -> Article | None:
        """The cached article when `fingerprint_of(cached)` (computed from the current source) still matches and
        its body (one of `bodies`) is still stored."""
        cached = self.by_path.get(source_path)
        if cached is None or cached.fingerprint not in bodies or cached.fingerprint != fingerprint_of(cached):
            return None
        return cached

    def store(
        self,
        sources: Iterable[Source],
        articles: Iterable[Article],
        stats: dict[str, FileStat],
        also_keep: Callable[[set[str]], set[str]] | None = None,
    ) -> None:
        """Remember this build's articles; the body store keeps their bodies and, by `also_keep(fingerprints)`, the
        other rows kept with them (the editions' converted bodies)."""
        self.sources = {source.path: source for source in sources} if self.keep_sources else {}
        by_path = {article.source_path: article for article in articles}
        if by_path.keys() != self.by_path.keys() or any(
            self.by_path[path].fingerprint != article.fingerprint for path, article in by_path.items()
        ):
            self.changed = True
        self.by_path = by_path
        if self.changed:
            fingerprints = {article.fingerprint for article in by_path.values()}
            self.bodies.retain(fingerprints | (also_keep(fingerprints) if also_keep is not None else set()))
        if stats != self.stats:
            self.stats, self.changed = stats, True

    def record_shapes(self, shapes: dict[str, str]) -> None:
        """Keep the digest of each article of this build (computed for its pages' keys), for the next build."""
        self.bases = {path: (self.by_path[path], digest) for path, digest in shapes.items() if path in self.by_path}
        if shapes != self.shapes:
            self.shapes, self.changed = shapes, True

    # -- on disk --------------------------------------------------------------------------------------------

    @classmethod
    def from_index(cls, index: dict[str, Any], places: Places, shards: ShardFolder, bodies: BodyStore) -> ArticleStore:
        """The store an index describes: its shards' articles, and the stats and shapes of the paths that pass."""
        by_path = shards.load(index["articles"], index["roots"], index["pictures"])
        shapes = _digests(places.relative(index["shapes"]))
        return cls(
            stats=_file_stats(places, index["stats"]),
            by_path=by_path,
            bodies=bodies,
            shapes=shapes,
            bases={path: (by_path[path], digest) for path, digest in shapes.items() if path in by_path},
            keep_sources=False,
            picture_keys=shards.keys,
            saved=shards.saved,
            changed=shards.relocated > 0,  # saved again: shards naming this build's folders
        )

    def index_part(self, shard_names: dict[int, str], roots: tuple[str, ...], table: str) -> dict[str, Any]:
        return {
            "stats": self.stats, "articles": shard_names, "shapes": self.shapes, "roots": list(roots),
            "pictures": table,
        }  # fmt: skip


@dataclass
class ShardFolder:
    """The article shards in the cache folder. `pictures`: the folders a cached article's pictures may be in
    (content/, assets/, the image cache); `write` False (sitegen check): nothing is ever removed."""

    folder: Path
    index_file: Path  # the index naming the shards, for warnings
    warnings: list[str]
    pictures: tuple[Path, ...] = ()
    write: bool = True
    relocated: int = field(default=0, init=False)  # articles whose picture folders moved (incremental.relocate)
    keys: PictureKeys = field(default_factory=PictureKeys, init=False)  # of the pictures read back
    saved: SavedShards = field(default_factory=dict, init=False)  # the shards read back whole, as they are on disk

    @property
    def roots(self) -> tuple[str, ...]:
        return root_prefixes(self.pictures)

    def load(self, shards: dict[Any, Any], saved_roots: list[Any], table_name: object) -> dict[str, Article]:
        """The articles of every readable shard; a damaged shard (removed, so that this build writes it anew), or an
        article naming a file where no picture may be, is dropped with a warning (its articles are rendered again);
        without its picture table no shard can be read. `saved_roots`: the picture folders the shards were saved
        with; a file under one of them is renamed under the same folder of this build."""
        articles: dict[str, Article] = {}
        table = load_table(self.folder, table_name, self.index_file, self.warnings, self.write)
        if table is None:
            return articles
        self.keys.learn(table)
        placement = _Placement(folder_prefixes(self.pictures), table)

        renames = moved(saved_roots, self.roots) if self.pictures else {}
        same_roots = list(saved_roots) == list(self.roots)
        relocations: Relocations = {}
        for name in shards.values():
            if not isinstance(name, str) or not _SHARD_NAME.fullmatch(name):  # a hostile cache naming ../../etc/passwd
                self.warnings.append(dropped(str(self.index_file), outside(repr(name))))
                continue
            items, strays_of = self._read(name, table, placement)
            strays: list[object] = []
            for item, stray in zip(items, strays_of, strict=True):
                if renames:
                    moved_item = relocated(item, renames, relocations)
                    if moved_item is not item:
                        item, stray = moved_item, placement.first_stray(moved_item)
                        self.relocated += 1
                if stray is not None or not relative_path(item.source_path):
                    strays.append(stray or item.source_path)
                    continue
                articles[item.source_path] = item
            if strays:  # one line for the shard, naming the first path out of place
                self.warnings.append(dropped(str(self.folder / name), outside(f"{strays[0]} ({len(strays)} articles)")))
            elif same_roots and items and all(articles.get(item.source_path) is item for item in items):
                self.saved[name] = items
        return articles

    def _read(
        self, name: str, table: dict[str, Image], placement: _Placement
    ) -> tuple[list[Article], list[object | None]]:
        """A shard's articles, their pictures from `table`, and the first file out of place of each one's pictures;
        none when it is damaged (then said, and removed): it shows a picture the table does not hold."""
        try:
            with (self.folder / name).open("rb") as handle:
                items = load_sealed(handle, lambda data: ShardUnpickler(data, table))
            if not isinstance(items, list) or not all(type(item) is Article for item in items):
                raise ValueError("not articles")
            return items, placement.table_strays(items)
        except READ_ERRORS as exc:
            self.warnings.append(dropped(str(self.folder / name), damaged(exc)))
            if self.write:
                with contextlib.suppress(OSError):
                    (self.folder / name).unlink()
            return [], []

    def save(self, articles: dict[str, Article], keys: PictureKeys, saved: SavedShards) -> tuple[dict[int, str], str]:
        """Write the picture table and the shards that changed; the names of every shard, by number, and the
        table's. `saved`: the shards as last read or written (updated here): one holding the same article objects
        keeps its name without its shape being worked out again (most of a rebuild's shards)."""
        self.folder.mkdir(parents=True, exist_ok=True)  # also ahead of the index (build/articlesahead.py)
        table = save_table(self.folder, table_of(articles.values(), keys))
        references = {id(picture): key for picture, key in keys.by_id.values()}
        pickler = shard_pickler(references)
        shards: dict[int, list[Article]] = {}
        for path in sorted(articles):
            shards.setdefault(zlib.crc32(path.encode()) % ARTICLE_SHARDS, []).append(articles[path])
        names = {}
        before = {name[: len("articles-00")]: (name, items) for name, items in saved.items()}
        saved.clear()
        for shard, items in sorted(shards.items()):
            name = _same_shard(before.get(f"articles-{shard:02}"), items)
            if name is None:
                # what an article's cached form depends on: its fingerprint (which covers its pictures' bytes, and
                # so their keys), and the build's clock and zone (see load) and the picture folders its articles
                # name, which the index states for all its shards
                shape = [self.roots, *((a.source_path, a.fingerprint, a.future, a.date.isoformat()) for a in items)]
                name = f"articles-{shard:02}-{hashlib.sha1(repr(shape).encode()).hexdigest()[:16]}.pickle"
            names[shard] = name
            saved[name] = items
            if not (self.folder / name).is_file():
                write_sealed(self.folder / name, items, pickler)
        return names, table

    def remove_others(self, names: Iterable[str]) -> None:
        """Remove the shards and picture tables of earlier builds (after the index naming the new ones is in
        place)."""
        kept = set(names)
        for stale in (*self.folder.glob("articles-*.pickle"), *self.folder.glob("pictures-*.pickle")):
            if stale.name not in kept and (stale.name.startswith("articles-") or TABLE_NAME.fullmatch(stale.name)):
                stale.unlink(missing_ok=True)


def _same_shard(before: tuple[str, list[Article]] | None, items: list[Article]) -> str | None:
    """The name of the shard saved `before` when it holds the very same article objects as `items`."""
    if before is None or len(before[1]) != len(items):
        return None
    name, were = before
    return name if all(now is was for now, was in zip(items, were, strict=True)) else None


def _digests(saved: dict[str, Any]) -> dict[str, str]:
    """The entries of `saved` whose value is a digest (40 hex digits); another entry is dropped (made again). Told by
    one match over them all when every value is a text, as they always are: one value at a time took 0.4 s at
    100,000 articles. The joined text is n lines of a digest each only when it is 41 n - 1 long."""
    values = list(saved.values())
    if values and set(map(type, values)) == {str}:
        joined = "\n".join(values)
        if len(joined) == 41 * len(values) - 1 and _DIGEST_LINES.fullmatch(joined):
            return saved
    return {path: value for path, value in saved.items() if _DIGEST.fullmatch(str(value))}


def _file_stats(places: Places, saved: dict[Any, Any]) -> dict[str, FileStat]:
    """The sources' stats as saved, by path; an entry of another kind is dropped (its source is read again). Told in
    C when every entry is a FileStat, as they always are."""
    stats = places.relative(saved)
    if _all_stats(list(stats.values())):
        return stats
    wrong = [path for path, stat in stats.items() if not _all_stats([stat])]
    places.warnings.append(dropped(str(places.file), damaged(f"the stats of {wrong[0]!r} are not stats")))
    return {path: stat for path, stat in stats.items() if _all_stats([stat])}


def _all_stats(values: list[Any]) -> bool:
    """Whether each of `values` is a FileStat: a plain tuple of an int, an int and a text."""
    if not values:
        return True
    if set(map(type, values)) != {tuple} or set(map(len, values)) != {3}:
        return False
    numbers = {*map(type, map(_MTIME_NS_OF, values)), *map(type, map(_SIZE_OF, values))}
    return numbers == {int} and set(map(type, map(_DIGEST_OF, values))) == {str}


_MTIME_NS_OF, _SIZE_OF, _DIGEST_OF = map(operator.itemgetter, (MTIME_NS, SIZE, DIGEST))


class _Placement:
    """Whether a cached picture's file lies outside the folders pictures may be in; each Path object checked once
    (the articles of a shard share one Path per picture: pickles._path), and each picture of the table once."""

    def __init__(self, roots: tuple[str, ...], table: dict[str, Image]) -> None:
        self.roots = roots
        self.known: dict[int, tuple[object, bool]] = {}  # by id: (the object, kept so its id stays its own; stray)
        self.pictures: dict[int, tuple[Image, object | None]] = {}  # by id: (the picture, its first stray file)
        self.table = {id(picture): picture for picture in table.values()}  # the pictures a shard may show
        self.table_verdicts: dict[int, object | None] = {}  # of the table's pictures, by id (the table holds them)

    def stray(self, file: object) -> bool:
        known = self.known.get(id(file))
        if known is not None and known[0] is file:
            return known[1]
        verdict = not inside(file, self.roots)  # also for anything but a Path
        self.known[id(file)] = (file, verdict)
        return verdict

    def table_strays(self, articles: list[Article]) -> list[object | None]:
        """The first file out of place of each article's pictures (as `Image.paths` lists them), or None; ValueError
        when one shows a picture the table does not hold. One pass over an article's pictures for both, each picture
        of the table walked once (asked of every article the cache reads back)."""
        table, verdicts = self.table, self.table_verdicts
        strays: list[object | None] = []
        for article in articles:
            first = None
            for pictures in (article.images, article.unplaced_images):
                for picture in pictures:
                    key = id(picture)
                    if table.get(key) is not picture:
                        raise ValueError("a picture outside the picture table")
                    if key not in verdicts:
                        verdicts[key] = self._first_stray_in(picture)
                    if first is None:
                        first = verdicts[key]
            strays.append(first)
        return strays

    def first_stray(self, article: Article) -> object | None:
        """The first file of the article's pictures that is out of place, or None (an article whose pictures were
        moved to this build's folders: incremental.relocate)."""
        for picture in article.all_pictures:
            known = self.pictures.get(id(picture))
            if known is None or known[0] is not picture:
                known = self.pictures[id(picture)] = (picture, self._first_stray_in(picture))
            if known[1] is not None:
                return known[1]
        return None

    def _first_stray_in(self, picture: Image) -> object | None:
        """Walked in place, without a list per picture."""
        stray = self.stray
        image: Image | None = picture
        while image is not None:
            if image.source_file is not None and stray(image.source_file):
                return image.source_file
            if image.published is not None and stray(image.published):
                return image.published
            for variant in image.variants:
                if variant.file is not None and stray(variant.file):
                    return variant.file
            image = image.thumb
        return None
