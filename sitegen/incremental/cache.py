"""What a rebuild can reuse: rendered articles and the keys of the pages already in the output.

Everything is keyed by fingerprints, so cached work is used only where a cold build would produce the same bytes:
an article by its file's bytes, its place and the URLs its links resolve to; a page by its template (with every
template it pulls in) and the fingerprints of the articles it shows. A change to the config or to sitegen itself
clears everything.

The cache lives in memory (`sitegen serve`) and on disk between builds (`.sitegen-cache/build.pickle`, safe to
delete). It is read through an allow-list of classes, so a cache folder restored in CI is data, never code; and
every path read back from it is checked to stay where it belongs (output paths relative and inside the output,
pictures inside content/, assets/ or the image cache): a file naming anything else is dropped, with a warning.
A damaged or foreign file never fails a build: what it held is made again, and said (sitegen.cachenotes).

The search index's state (`sitegen.search.IndexState`: per article its key and the digest of its file, per shard
the digest of its file and its postings' highest ids) has a file of its own, `.sitegen-cache/search.pickle`, read
only when an article the index covers changed, never on a rebuild where nothing did. It holds plain data only
(lists, bytes, str, int), so its reader allows no class at all.
"""

from __future__ import annotations

import contextlib
import copyreg
import functools
import gc
import hashlib
import operator
import os
import pickle
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from sitegen import toolchain
from sitegen.cachenotes import OTHER_TOOLCHAIN, damaged, discarded, dropped, outside
from sitegen.content.articles import Source
from sitegen.incremental.bodies import BODIES_FILE, BodyStore, DiskBodyStore
from sitegen.model import Article, Image, ImageVariant
from sitegen.search.state import STATE_SCHEMA, IndexState, state_data, state_from_data

CACHE_FILE = "build.pickle"
SEARCH_FILE = "search.pickle"
FORMAT = 1


def _schema() -> str:
    """Changes whenever the cached classes gain, lose or retype a field: an old cache is then ignored."""
    shape = [
        (kind.__name__, [(f.name, str(f.type)) for f in fields(kind)])
        for kind in (Article, Image, ImageVariant, FileStat)
    ]
    return hashlib.sha1(f"{FORMAT}|{toolchain.digest()}|{shape!r}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class FileStat:
    mtime_ns: int
    size: int
    digest: str


@dataclass
class BuildCache:
    site_fingerprint: str = ""
    stats: dict[str, FileStat] = field(default_factory=dict)  # by source path: to skip reading unchanged files
    sources: dict[str, Source] = field(default_factory=dict)  # by source path (memory only)
    articles: dict[str, Article] = field(default_factory=dict)  # by source path, without their bodies
    bodies: BodyStore = field(default_factory=BodyStore)  # by article fingerprint
    pages: dict[str, bytes] = field(default_factory=dict)  # by page digest (memory only: sitegen serve)
    page_digests: dict[str, str] = field(default_factory=dict)  # output path -> digest of what it was built from
    outputs: tuple[str, ...] = ()  # every file of the last output, to remove what a build no longer makes
    # (mtime_ns, size) of each output file as the last build left it: a file changed by hand since is made again
    output_stats: dict[str, tuple[int, int]] = field(default_factory=dict)
    # (source file, mtime_ns, size) of each file the output copies: an unchanged copy is not read to compare it
    copies: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    search_digest: str = ""  # of what the search index was built from
    search_paths: tuple[str, ...] = ()  # the files of that index
    search_output: tuple[Any, ...] = ()  # the index itself, as OutputFiles (memory only: sitegen serve)
    search_state: IndexState | None = None  # the state of that index (serve), or one to save after the build
    # per edition's search folder ("zh-hant/search/"): the digest of what its index was built from, and its files
    edition_search: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    # the states of the editions' indexes made or updated by this build, by file name, saved after it
    edition_search_states: dict[str, IndexState] = field(default_factory=dict)
    articles_reused: int = 0
    pages_reused: int = 0
    changed: bool = False  # whether the disk copy needs writing
    warnings: list[str] = field(default_factory=list)  # what was wrong with the disk copy, said once each
    # page keys (sitegen.render.keys): the digest of each saved article, by source path, and the articles as this
    # cache gave them with those digests (the bases of this build's article digests)
    shapes: dict[str, str] = field(default_factory=dict)
    bases: dict[str, tuple[Article, str]] = field(default_factory=dict)
    keep_sources: bool = True  # sitegen serve re-reads touched files; a build on disk ends before that matters

    def start(self, site_fingerprint: str) -> None:
        """Begin a build: forget everything when what shapes every article changed."""
        if site_fingerprint != self.site_fingerprint:
            self.stats.clear()
            self.sources.clear()
            self.articles.clear()
            self.pages.clear()
            self.page_digests.clear()
            self.bodies.clear()
            self.shapes.clear()
            self.bases.clear()
            self.site_fingerprint = site_fingerprint
            self.changed = True
        self.articles_reused = self.pages_reused = 0

    def article(self, source_path: str, fingerprint_of: Callable[[Article], str], bodies: set[str]) -> Article | None:
        """The cached article when `fingerprint_of(cached)` (computed from the current source) still matches and
        its body (one of `bodies`) is still stored."""
        cached = self.articles.get(source_path)
        if cached is None or cached.fingerprint not in bodies or cached.fingerprint != fingerprint_of(cached):
            return None
        self.articles_reused += 1
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
        articles = {article.source_path: article for article in articles}
        if articles.keys() != self.articles.keys() or any(
            self.articles[path].fingerprint != article.fingerprint for path, article in articles.items()
        ):
            self.changed = True
        self.articles = articles
        if self.changed:
            fingerprints = {article.fingerprint for article in articles.values()}
            self.bodies.retain(fingerprints | (also_keep(fingerprints) if also_keep is not None else set()))
        if stats != self.stats:
            self.stats, self.changed = stats, True

    def record_shapes(self, shapes: dict[str, str]) -> None:
        """Keep the digest of each article of this build (computed for its pages' keys), for the next build."""
        self.bases = {path: (self.articles[path], digest) for path, digest in shapes.items() if path in self.articles}
        if shapes != self.shapes:
            self.shapes, self.changed = shapes, True

    def retain_pages(self, digests: Iterable[str]) -> None:
        """Keep in memory only the pages of the build just made (sitegen serve): a long editing session holds one
        build's pages, not every version of every page it ever rendered."""
        current = set(digests)
        for digest in self.pages.keys() - current:
            del self.pages[digest]

    def record_search(self, digest: str, paths: tuple[str, ...]) -> None:
        if (digest, paths) != (self.search_digest, self.search_paths):
            self.search_digest, self.search_paths, self.changed = digest, paths, True

    def record_edition_search(self, folder: str, digest: str, paths: tuple[str, ...]) -> None:
        if self.edition_search.get(folder) != (digest, paths):
            self.edition_search[folder], self.changed = (digest, paths), True

    def intact(self, output: Path, path: str) -> bool:
        """Whether the output file is still as the last build left it (by its stats)."""
        try:
            stat = os.stat(os.path.join(output, path))
        except OSError:
            return False
        return self.output_stats.get(path) == (stat.st_mtime_ns, stat.st_size)

    def copy_intact(self, output: Path, path: str, source: Path) -> bool:
        """Whether the output's copy of `source` is as the last build left it, and `source` is as it was then."""
        try:
            stat = os.stat(source)
        except OSError:
            return False
        return self.copies.get(path) == (str(source), stat.st_mtime_ns, stat.st_size) and self.intact(output, path)

    def record_copies(self, copies: Iterable[tuple[str, Path]], racy_after: int, immutable: Path) -> None:
        """Note the stats of the sources the output's copies were made from (after the build wrote them). A source
        changed after `racy_after` (ns) may have changed after it was copied: it is compared by its bytes next time;
        but files under `immutable` (the image cache: named by their content, never rewritten) are trusted."""
        recorded: dict[str, tuple[str, int, int]] = {}
        for path, source in copies:
            with contextlib.suppress(OSError):
                stat = os.stat(source)
                trusted = stat.st_mtime_ns < racy_after or source.is_relative_to(immutable)
                recorded[path] = (str(source), stat.st_mtime_ns if trusted else -1, stat.st_size)
        if recorded != self.copies:
            self.copies, self.changed = recorded, True

    def record_written(self, output: Path, outputs: Iterable[str], kept: Iterable[str]) -> None:
        """Note the stats of the output's files after a build; those it `kept` unseen keep the stats they had."""
        kept = set(kept)
        stats: dict[str, tuple[int, int]] = {}
        for path in outputs:
            if path in kept and path in self.output_stats:
                stats[path] = self.output_stats[path]
                continue
            with contextlib.suppress(OSError):
                stat = os.stat(os.path.join(output, path))
                stats[path] = (stat.st_mtime_ns, stat.st_size)
        if stats != self.output_stats:
            self.output_stats, self.changed = stats, True

    def record_output(self, page_digests: dict[str, str], outputs: Iterable[str]) -> None:
        outputs = tuple(sorted(outputs))
        if page_digests != self.page_digests or outputs != self.outputs:
            self.page_digests, self.outputs, self.changed = page_digests, outputs, True

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
            data = _read_index(folder / CACHE_FILE)
            if data is None:
                bodies.clear()  # bodies that no index describes
                return cls(bodies=bodies, keep_sources=False, warnings=warnings)
            places = _Places(folder / CACHE_FILE, warnings)
            articles = _load_articles(folder, data["articles"], pictures, warnings, write)
            shapes = {path: d for path, d in places.relative(data["shapes"]).items() if _DIGEST.fullmatch(str(d))}
            return cls(
                site_fingerprint=data["site"],
                stats=places.relative(data["stats"]),
                articles=articles,
                shapes=shapes,
                bases={path: (articles[path], digest) for path, digest in shapes.items() if path in articles},
                bodies=bodies,
                page_digests=places.relative(data["pages"]),
                outputs=tuple(places.relative(dict.fromkeys(data["outputs"]))),
                output_stats=places.relative(data["output_stats"]),
                copies=places.relative(data["copies"]),
                search_digest=data["search"][0],
                search_paths=tuple(places.relative(dict.fromkeys(data["search"][1]))),
                edition_search=_edition_search(data.get("edition_search", {})),
                keep_sources=False,
                warnings=warnings,
            )
        except _Unusable as exc:
            warnings.append(discarded(str(folder / CACHE_FILE), str(exc)))
            bodies.clear()  # bodies rendered by another toolchain, or that no index describes
            return cls(bodies=bodies, keep_sources=False, warnings=warnings)  # a cold build
        finally:
            if collecting:
                gc.enable()

    def save(self, folder: Path) -> None:
        if not self.changed:
            return
        folder.mkdir(parents=True, exist_ok=True)
        try:
            shards = _save_articles(folder, self.articles)
        except (pickle.PicklingError, TypeError, AttributeError):  # front matter holding values we do not cache
            (folder / CACHE_FILE).unlink(missing_ok=True)  # the last build's cache no longer describes the output
            return
        data = {
            "schema": _schema(),
            "site": self.site_fingerprint,
            "stats": self.stats,
            "articles": shards,
            "pages": self.page_digests,
            "outputs": self.outputs,
            "output_stats": self.output_stats,
            "copies": self.copies,
            "search": (self.search_digest, self.search_paths),
            "shapes": self.shapes,
            "edition_search": self.edition_search,
        }
        temporary = folder / f".{CACHE_FILE}.{os.getpid()}"
        try:
            with temporary.open("wb") as handle:
                _Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL).dump(data)
        except (pickle.PicklingError, TypeError, AttributeError):
            temporary.unlink(missing_ok=True)
            (folder / CACHE_FILE).unlink(missing_ok=True)
            return
        os.replace(temporary, folder / CACHE_FILE)
        self.changed = False
        for stale in folder.glob("articles-*.pickle"):  # shards of earlier builds
            if stale.name not in shards.values():
                stale.unlink(missing_ok=True)


def _edition_search(data: object) -> dict[str, tuple[str, tuple[str, ...]]]:
    """The editions' search records as saved, checked: plain text, never a path out of the output (see intact)."""
    if not isinstance(data, dict):
        raise ValueError("edition_search: not a mapping")
    for folder, record in data.items():
        digest, paths = record
        if not (isinstance(folder, str) and isinstance(digest, str) and isinstance(paths, tuple)):
            raise ValueError("edition_search: not text")
        if not all(isinstance(p, str) and p.startswith(folder) and ".." not in p.split("/") for p in paths):
            raise ValueError("edition_search: a path outside its folder")
    return data


# Articles are saved in shards, by their path: a file named by a digest of what it holds is written only when that
# changed, so a rebuild after one edit writes one shard, not every article again.
ARTICLE_SHARDS = 64
_SHARD_NAME = re.compile(r"articles-[0-9]{2}-[0-9a-f]{16}\.pickle")


def _save_articles(folder: Path, articles: dict[str, Article]) -> dict[int, str]:
    shards: dict[int, list[Article]] = {}
    for path in sorted(articles):
        shards.setdefault(zlib.crc32(path.encode()) % ARTICLE_SHARDS, []).append(articles[path])
    names = {}
    for shard, items in sorted(shards.items()):
        # what an article's cached form depends on: its fingerprint, and the build's clock and zone (see load)
        shape = [(a.source_path, a.fingerprint, a.future, a.date.isoformat()) for a in items]
        name = names[shard] = f"articles-{shard:02}-{hashlib.sha1(repr(shape).encode()).hexdigest()[:16]}.pickle"
        if not (folder / name).is_file():
            temporary = folder / f".{name}.{os.getpid()}"
            try:
                with temporary.open("wb") as handle:
                    _Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL).dump(items)
            except BaseException:
                temporary.unlink(missing_ok=True)
                raise
            os.replace(temporary, folder / name)
    return names


class _Unusable(Exception):
    """The cache index cannot be used: its text is the reason, for the warning."""


_READ_ERRORS = (OSError, EOFError, pickle.UnpicklingError, ValueError, KeyError, TypeError, AttributeError,
                IndexError, MemoryError)  # fmt: skip
_INDEX_KEYS = ("site", "stats", "articles", "pages", "outputs", "output_stats", "copies", "search", "shapes")
_DIGEST = re.compile(r"[0-9a-f]{40}")


def _read_index(path: Path) -> dict[str, Any] | None:
    """build.pickle, checked: None when there is none; raises _Unusable when it is damaged or foreign."""
    try:
        with path.open("rb") as handle:
            data = _SafeUnpickler(handle).load()
    except FileNotFoundError:
        return None
    except _READ_ERRORS as exc:
        raise _Unusable(damaged(exc)) from None
    if not isinstance(data, dict) or any(key not in data for key in ("schema", *_INDEX_KEYS)):
        raise _Unusable(damaged("not a build cache"))
    if data["schema"] != _schema():
        raise _Unusable(OTHER_TOOLCHAIN)
    shapes = (str, dict, dict, dict, tuple, dict, dict, tuple, dict)
    if not all(isinstance(data[key], kind) for key, kind in zip(_INDEX_KEYS, shapes, strict=True)):
        raise _Unusable(damaged("a field of the wrong type"))
    search = data["search"]
    if len(search) != 2 or not isinstance(search[0], str) or not isinstance(search[1], tuple):
        raise _Unusable(damaged("a field of the wrong type"))
    return data


class _Places:
    """Output and source paths read back from the cache: kept only when relative and inside their folder."""

    def __init__(self, file: Path, warnings: list[str]) -> None:
        self.file, self.warnings = file, warnings

    def relative(self, items: dict[Any, Any]) -> dict[str, Any]:
        kept = {path: value for path, value in items.items() if _relative_path(path)}
        strays = [path for path in items if path not in kept]
        if strays:  # one line for a file, however many it names
            self.warnings.append(dropped(str(self.file), outside(repr(strays[0]))))
        return kept


def _relative_path(path: object) -> bool:
    """A POSIX path inside its folder: relative, no '..' or '.' part, no empty part, no NUL."""
    if not isinstance(path, str) or not path or path.startswith("/") or "\0" in path or "\\" in path:
        return False
    return all(part not in ("", ".", "..") for part in path.split("/"))


def _load_articles(
    folder: Path, shards: dict[Any, Any], pictures: tuple[Path, ...], warnings: list[str], write: bool
) -> dict[str, Article]:
    """The articles of every readable shard; a damaged shard (removed, so that this build writes it anew), or an
    article naming a file where no picture may be, is dropped with a warning (its articles are rendered again)."""
    articles: dict[str, Article] = {}
    # as given and absolute: the image cache's files are named as its folder was spelled (`--site .` or a full path)
    spellings = {spelling for root in map(str, pictures) for spelling in (root, os.path.abspath(root))}
    roots = tuple(os.path.join(spelling, "") for spelling in spellings)
    for name in shards.values():
        if not isinstance(name, str) or not _SHARD_NAME.fullmatch(name):  # a hostile cache naming ../../etc/passwd
            warnings.append(dropped(str(folder / CACHE_FILE), outside(repr(name))))
            continue
        try:
            with (folder / name).open("rb") as handle:
                items = _SafeUnpickler(handle).load()
            if not isinstance(items, list) or not all(type(item) is Article for item in items):
                raise ValueError("not articles")
        except _READ_ERRORS as exc:
            warnings.append(dropped(str(folder / name), damaged(exc)))
            if write:
                with contextlib.suppress(OSError):
                    (folder / name).unlink()
            continue
        strays: list[object] = []
        for item in items:
            stray = next((file for file in _picture_files(item) if not _inside(file, roots)), None)
            if stray is not None or not _relative_path(item.source_path):
                strays.append(stray or item.source_path)
                continue
            articles[item.source_path] = item
        if strays:  # one line for the shard, naming the first path out of place
            warnings.append(dropped(str(folder / name), outside(f"{strays[0]} ({len(strays)} articles)")))
    return articles


def _picture_files(article: Article) -> Iterator[object]:
    for image in (*article.images, *article.unplaced_images):
        for _, file in image.files:
            yield file


def _inside(file: object, roots: tuple[str, ...]) -> bool:
    """Whether a path read back from the cache lies under one of `roots`, lexically (no '..' part to climb out)."""
    if not isinstance(file, Path):
        return False
    text = str(file)
    if "\0" in text:
        return False
    if text.startswith(roots) and "/../" not in text and "/./" not in text:
        return True
    return os.path.abspath(text).startswith(roots)  # another spelling of the same place; '..' resolved, lexically


# -- the search index's state (search.pickle) ------------------------------------------------------------------


def _search_schema() -> str:
    shape = [(name, str(kind)) for name, kind in IndexState.__annotations__.items()]
    return hashlib.sha1(f"{STATE_SCHEMA}|{toolchain.digest()}|{shape!r}".encode()).hexdigest()


def search_state_file(edition_prefix: str = "") -> str:
    """The file of a search index's state: search.pickle, or search-zh-hant.pickle for an edition's index."""
    return f"search-{edition_prefix.strip('/')}.pickle" if edition_prefix else SEARCH_FILE


def load_search_state(folder: Path, name: str = SEARCH_FILE, warnings: list[str] | None = None) -> IndexState | None:
    """The search index's state saved in `folder`, or None when there is none or it cannot be read (then said in
    `warnings`: the index is built cold)."""
    path = folder / name
    try:
        with path.open("rb") as handle:
            data = _DataUnpickler(handle).load()
        if type(data) is not dict or "schema" not in data:
            raise ValueError("not a search state")
        if data["schema"] != _search_schema():
            reason = OTHER_TOOLCHAIN
        else:
            return state_from_data(data["state"])
    except FileNotFoundError:
        return None
    except _READ_ERRORS as exc:  # a damaged, foreign or hostile file: the index is built cold
        reason = damaged(exc)
    if warnings is not None:
        warnings.append(discarded(str(path), reason))
    return None


def save_search_state(folder: Path, state: IndexState, name: str = SEARCH_FILE) -> None:
    """Written beside, then renamed into place: a reader sees the old state or the new one, never half of one."""
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{name}.{os.getpid()}"
    with temporary.open("wb") as handle:
        pickle.dump({"schema": _search_schema(), "state": state_data(state)}, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temporary, folder / name)


class _DataUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"{module}.{name}: the search state holds no objects")


# The classes a cache file may name. Anything else (os.system, builtins.eval, ...) is refused: the cache folder
# may come from a CI cache or a careless commit, so it is read as data, never as code.
_ALLOWED = {
    ("sitegen.model.article", "Article"), ("sitegen.model.article", "Image"), ("sitegen.model.article", "ImageVariant"),
    ("sitegen.model.article", "FrozenMapping"), ("sitegen.errors", "ContentError"),
    ("sitegen.incremental.cache", "FileStat"), ("markupsafe", "Markup"), ("datetime", "datetime"), ("datetime", "date"),
    ("datetime", "time"), ("datetime", "timedelta"), ("datetime", "timezone"), ("zoneinfo", "ZoneInfo"),
    ("zoneinfo._zoneinfo", "ZoneInfo"), ("pathlib", "PosixPath"), ("pathlib", "PurePosixPath"),
    ("builtins", "frozenset"), ("builtins", "set"),
    ("sitegen.incremental.cache", "_rebuild"), ("sitegen.incremental.cache", "_path"),
}  # fmt: skip


_KINDS: dict[str, type] = {"Article": Article, "Image": Image, "ImageVariant": ImageVariant}


def _rebuild(kind: str, values: tuple[Any, ...]) -> Any:
    """An Article, Image or ImageVariant from its field values (faster than dataclasses' generic __setstate__)."""
    return _KINDS[kind](*values)


@functools.lru_cache(maxsize=4096)
def _path(text: str) -> Path:
    """Articles share a few hundred pictures: one Path object each, not one per use."""
    return Path(text)


def _reduce_dataclass(obj: Any) -> tuple[Any, ...]:
    kind = type(obj)
    return _rebuild, (kind.__name__, _FIELD_VALUES[kind](obj))


# every field's value as a tuple, read in C
_FIELD_VALUES = {kind: operator.attrgetter(*(f.name for f in fields(kind))) for kind in _KINDS.values()}


class _Pickler(pickle.Pickler):
    # by exact type, looked up in C: much faster than reducer_override, which Python calls for every object
    dispatch_table: ClassVar[dict[type, Callable[[Any], Any]]] = {
        **copyreg.dispatch_table,
        **dict.fromkeys(_KINDS.values(), _reduce_dataclass),
        ZoneInfo: lambda zone: (ZoneInfo, (zone.key,)),  # its own reduction goes through getattr, refused on reading
        type(Path()): lambda path: (_path, (str(path),)),
    }


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a build cache")
        return super().find_class(module, name)


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
