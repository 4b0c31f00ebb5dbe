"""The build cache: what a rebuild can reuse, one typed store per kind of work, loaded and saved together.

  articles   sitegen.incremental.articles     the articles of the last build, their source stats, bodies, shapes
  pages      sitegen.incremental.pagerecord   the digest each page was made from (serve: their bytes, in memory)
  outputs    sitegen.incremental.outputs      every output file and its stats as the last build left it
  copies     sitegen.incremental.copies       the source and stats of each copied picture and asset
  search     sitegen.incremental.searchrecord what each search index was made from, its files, its state
  site_shape sitegen.incremental.siteshape    the last assembled Site, its articles named by place

Everything is keyed by fingerprints, so cached work is used only where a cold build would produce the same bytes:
an article by its file's bytes, its place and the URLs its links resolve to; a page by its template (with every
template it pulls in) and the fingerprints of the articles it shows. A change to the config or to sitegen itself
clears the articles and pages.

The cache lives in memory (`sitegen serve`) and on disk between builds: one index (`.sitegen-cache/build.pickle`,
safe to delete) holds every store's part and names the article shards, written beside and renamed into place, so
that a reader sees one build's cache or the next's, never half of each. A rebuild writes only how its index differs
from that base, as a journal beside it (sitegen.incremental.journal). It is read through an allow-list of classes
(sitegen.incremental.pickles), so a cache folder restored in CI is data, never code; its schema covers the format,
the toolchain and the cached classes' fields, so an index another sitegen wrote is discarded whole; and every path
read back from it is checked to stay where it belongs (sitegen.incremental.places): a file naming anything else is
dropped, with a warning. A damaged or foreign file never fails a build: what it held is made again, and said
(sitegen.cachenotes).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from sitegen import toolchain
from sitegen.cachenotes import OTHER_TOOLCHAIN, damaged, discarded
from sitegen.collisions import CollisionMemo
from sitegen.incremental import articles, copies, outputs, pagerecord, searchrecord, siteshape
from sitegen.incremental.articles import ArticleStore, FileStat, ShardFolder
from sitegen.incremental.bodies import BODIES_FILE, DiskBodyStore
from sitegen.incremental.copies import CopyRecord
from sitegen.incremental.journal import BASE_KEY, Base, applied, base_of, journal_path, read_journal, save
from sitegen.incremental.outputs import OutputRecord
from sitegen.incremental.pagerecord import PageRecord
from sitegen.incremental.pickles import READ_ERRORS, WRITE_ERRORS, FormerLayout, load_sealed
from sitegen.incremental.places import Places
from sitegen.incremental.searchrecord import SEARCH_FILE, SearchRecord
from sitegen.incremental.siteshape import SiteShape
from sitegen.model import Article, Image, ImageVariant
from sitegen.related import RelatedMemo

CACHE_FILE = "build.pickle"
# 2: the stores' classes moved out of this module (an index of format 1 is told by them: another toolchain's)
# 3: the picture folders the article shards name ("roots"), so that a cache restored elsewhere is relocated
# 4: the related articles (related.RelatedMemo), kept on disk too
# 5: the pages' frames (build/keyplan.py)
# 6: the digest of the URLs last found free of collisions (collisions.CollisionMemo)
# 7: the shards' pictures saved once, in a table the index names (incremental.picturetable)
# 8: a base and a journal (incremental.journal): the base's token
# 9: the last assembled Site (incremental.siteshape)
# 10: what the site's frame was made of besides the sites (pagerecord.frame_inputs)
FORMAT = 10
# the index's keys and their types: the base's token, the site's fingerprint, the related articles and the URLs
# found free, then every store's part
_INDEX_PART = {BASE_KEY: str, "site": str, "related": dict, "collisions": str}
_PARTS = (
    articles.INDEX_PART, pagerecord.INDEX_PART, outputs.INDEX_PART, copies.INDEX_PART, searchrecord.INDEX_PART,
    siteshape.INDEX_PART,
)  # fmt: skip
_INDEX = {key: kind for part in (_INDEX_PART, *_PARTS) for key, kind in part.items()}

__all__ = ["CACHE_FILE", "SEARCH_FILE", "BuildCache", "files_fingerprint"]


def _schema() -> str:
    """Changes whenever the cached classes gain, lose or retype a field: an old cache is then ignored."""
    shape = [
        (kind.__name__, [(f.name, str(f.type)) for f in fields(kind)])
        for kind in (Article, Image, ImageVariant, *siteshape.KINDS)
    ]
    shape.append(("FileStat", [("", str(FileStat))]))
    return hashlib.sha1(f"{FORMAT}|{toolchain.digest()}|{shape!r}".encode()).hexdigest()


@dataclass
class BuildCache:
    site_fingerprint: str = ""  # what shapes every article (site.yaml, sitegen): another one clears them
    articles: ArticleStore = field(default_factory=ArticleStore)
    pages: PageRecord = field(default_factory=PageRecord)
    outputs: OutputRecord = field(default_factory=OutputRecord)
    copies: CopyRecord = field(default_factory=CopyRecord)
    search: SearchRecord = field(default_factory=SearchRecord)
    site_shape: SiteShape = field(default_factory=SiteShape)
    warnings: list[str] = field(default_factory=list)  # what was wrong with the disk copy, said once each
    # the related articles of the last assembly; the URLs found free (their digest on disk too, the articles in
    # memory only, for sitegen serve's next load); each article's picture files (in memory only)
    related: RelatedMemo = field(default_factory=RelatedMemo)
    collisions: CollisionMemo = field(default_factory=CollisionMemo)
    pictures_of: dict[str, tuple[Article, tuple[tuple[str, Path], ...]]] = field(default_factory=dict)
    site_changed: bool = False  # the site's fingerprint changed since the disk copy
    pictures: tuple[Path, ...] = ()  # where cached articles' pictures may be (content/, assets/, the image cache)
    # the index's base as on disk (incremental/journal.py): a save writes its journal against it
    base: Base | None = field(default=None, repr=False)

    def start(self, site_fingerprint: str) -> bool:
        """Begin a build: forget the articles and pages when what shapes every article changed (then True)."""
        forget = site_fingerprint != self.site_fingerprint
        if forget:
            self.articles.clear()
            self.pages.clear()
            self.site_shape.clear()
            self.site_fingerprint, self.site_changed = site_fingerprint, True
        self.site_shape.start(self.articles.by_path)
        self.articles.reused = self.pages.reused = 0
        return forget

    @property
    def changed(self) -> bool:
        """Whether the disk copy needs writing."""
        return (
            self.site_changed
            or self.related.changed
            or self.collisions.changed
            or self.site_shape.changed
            or any(store.changed for store in self._stores())
        )

    def _stores(self) -> tuple[ArticleStore | PageRecord | OutputRecord | CopyRecord | SearchRecord, ...]:
        return (self.articles, self.pages, self.outputs, self.copies, self.search)

    # -- on disk --------------------------------------------------------------------------------------------

    @classmethod
    def load(cls, folder: Path, write: bool = True, pictures: tuple[Path, ...] = ()) -> BuildCache:
        """The cache saved in `folder`, or an empty one when there is none or it cannot be read (then said in its
        `warnings`). With `write` False (sitegen check) nothing in `folder` is ever changed. `pictures`: the folders
        a cached article's pictures may be in (content/, assets/, the image cache); an article naming a file
        elsewhere is dropped (and rendered again)."""
        warnings: list[str] = []
        bodies = DiskBodyStore(folder / BODIES_FILE, write, warnings)
        collecting = gc.isenabled()
        # Unpickling makes no garbage, but Python's cycle collector, run each time enough new objects pile up, walks
        # every live one: loading 10,000 articles with it takes ten times as long as without.
        gc.disable()
        try:
            index, base = _read_index(folder, write)
            if index is not None:
                places = Places(folder / CACHE_FILE, warnings)
                shards = ShardFolder(folder, folder / CACHE_FILE, warnings, pictures, write)
                return cls(
                    site_fingerprint=index["site"],
                    articles=ArticleStore.from_index(index, places, shards, bodies),
                    pages=PageRecord.from_index(index, places),
                    outputs=OutputRecord.from_index(index, places),
                    copies=CopyRecord.from_index(index, places),
                    search=SearchRecord.from_index(index, places),
                    site_shape=SiteShape.from_index(index),
                    related=_related(index["related"]),
                    collisions=CollisionMemo(index["collisions"]),
                    warnings=warnings,
                    pictures=pictures,
                    base=base,
                )
        except _Unusable as exc:
            warnings.append(discarded(str(exc.file), exc.reason))
        finally:
            if collecting:
                gc.enable()
        bodies.clear()  # bodies rendered by another toolchain, or that no index describes: a cold build
        return cls(articles=ArticleStore(bodies=bodies, keep_sources=False), warnings=warnings, pictures=pictures)

    def save(self, folder: Path) -> None:
        """Write what changed: the article shards, then the index naming them (renamed into place), then the
        search indexes' states."""
        if self.changed:
            self._save_index(folder)
        self.search.save_states(folder)

    def _save_index(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        shards = ShardFolder(folder, folder / CACHE_FILE, self.warnings, self.pictures)
        try:
            names, table = shards.save(self.articles.by_path, self.articles.picture_keys, self.articles.saved)
        except WRITE_ERRORS:  # front matter holding values we do not cache
            (folder / CACHE_FILE).unlink(missing_ok=True)  # the last build's cache no longer describes the output
            self.base = None  # its journal names a base that is gone: the next save writes one
            return
        related = {"shape": self.related.shape, "ranks": self.related.ranks}
        index: dict[str, Any] = {"schema": _schema(), BASE_KEY: "", "site": self.site_fingerprint, "related": related}
        index["collisions"] = self.collisions.checked
        index |= self.articles.index_part(names, shards.roots, table)
        for record in (self.pages, self.outputs, self.copies, self.search, self.site_shape):
            index |= record.index_part()
        try:
            self.base = save(folder / CACHE_FILE, index, self.base)
        except WRITE_ERRORS:
            (folder / CACHE_FILE).unlink(missing_ok=True)
            self.base = None
            return
        self.site_changed = self.related.changed = self.collisions.changed = self.site_shape.changed = False
        for store in self._stores():
            store.changed = False
        shards.remove_others([*names.values(), table])


class _Unusable(Exception):
    """The cache index cannot be used: the file that says so, and why (for the warning)."""

    def __init__(self, file: Path, reason: str) -> None:
        super().__init__(file, reason)
        self.file, self.reason = file, reason


def _read_index(folder: Path, keep_base: bool) -> tuple[dict[str, Any] | None, Base | None]:
    """The index: build.pickle with its journal applied, checked; None when there is none. Also the base as read
    (for the next save's journal; None unless `keep_base`). Raises _Unusable when either file is damaged or
    foreign."""
    path = folder / CACHE_FILE
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            data = load_sealed(handle)
    except FileNotFoundError:
        return None, None
    except FormerLayout:
        raise _Unusable(path, OTHER_TOOLCHAIN) from None
    except READ_ERRORS as exc:
        raise _Unusable(path, damaged(exc)) from None
    if not isinstance(data, dict) or "schema" not in data:
        raise _Unusable(path, damaged("not a build cache"))
    if data["schema"] != _schema():  # first: another format's index may have other keys
        raise _Unusable(path, OTHER_TOOLCHAIN)
    _check(path, data)
    journal_file = journal_path(path)
    try:
        journal = read_journal(journal_file, data[BASE_KEY])
        index = applied(data, journal) if journal is not None else data
    except READ_ERRORS as exc:
        raise _Unusable(journal_file, damaged(exc)) from None
    if journal is not None:
        _check(journal_file, index)
    return index, base_of(data, size) if keep_base else None


def _check(path: Path, data: dict[str, Any]) -> None:
    """Every part of the index there, of its type (raises _Unusable)."""
    if any(key not in data for key in _INDEX):
        raise _Unusable(path, damaged("not a build cache"))
    if not all(isinstance(data[key], kind) for key, kind in _INDEX.items()):
        raise _Unusable(path, damaged("a field of the wrong type"))
    try:
        searchrecord.check_index_part(data)
    except ValueError as exc:
        raise _Unusable(path, damaged(exc)) from None


def _related(part: dict[Any, Any]) -> RelatedMemo:
    """The related articles the index holds, as data of the expected types; anything else is worked out again."""
    shape, ranks = part.get("shape"), part.get("ranks")
    if not isinstance(shape, str) or not isinstance(ranks, dict):
        return RelatedMemo()
    for rank, related in ranks.items():
        if type(rank) is not int or type(related) is not tuple or not all(type(r) is int for r in related):
            return RelatedMemo()
    return RelatedMemo(shape, ranks)


def files_fingerprint(paths: Iterable[Path], *extra: str) -> str:
    """A digest of the bytes of every file under the given files or folders, with their names."""
    digest = hashlib.sha1(toolchain.digest().encode())
    for item in extra:
        digest.update(item.encode())
    for root in paths:
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root] if root.is_file() else []
        for file in files:  # named relative to the root: `--site .` and its absolute path share a cache
            digest.update((file.relative_to(root).as_posix() if file != root else file.name).encode())
            with contextlib.suppress(OSError):
                digest.update(file.read_bytes())
    return digest.hexdigest()
