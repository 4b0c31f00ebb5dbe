"""What a rebuild can reuse: rendered articles and the keys of the pages already in the output.

Everything is keyed by fingerprints, so cached work is used only where a cold build would produce the same bytes:
an article by its file's bytes, its place and the URLs its links resolve to; a page by its template (with every
template it pulls in) and the fingerprints of the articles it shows. A change to the config or to sitegen itself
clears everything.

The cache lives in memory (`sitegen serve`) and on disk between builds (`.sitegen-cache/build.json`, safe to delete).
It is JSON read through an allow-list of types, never pickle: a cache folder restored in CI is data, not code.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any

from markupsafe import Markup

from sitegen import __version__
from sitegen.content import Source
from sitegen.model import Article, FrozenMapping, Image

CACHE_FILE = "build.json"
FORMAT = 1
_TYPES: dict[str, type] = {"Article": Article, "Image": Image}


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
    articles: dict[str, Article] = field(default_factory=dict)  # by source path
    pages: dict[str, bytes] = field(default_factory=dict)  # by page digest (memory only: sitegen serve)
    page_digests: dict[str, str] = field(default_factory=dict)  # output path -> digest of what it was built from
    outputs: tuple[str, ...] = ()  # every file of the last output, to remove what a build no longer makes
    articles_reused: int = 0
    pages_reused: int = 0
    changed: bool = False  # whether the disk copy needs writing

    def start(self, site_fingerprint: str) -> None:
        """Begin a build: forget everything when what shapes every article changed."""
        if site_fingerprint != self.site_fingerprint:
            self.stats.clear()
            self.sources.clear()
            self.articles.clear()
            self.pages.clear()
            self.page_digests.clear()
            self.site_fingerprint = site_fingerprint
            self.changed = True
        self.articles_reused = self.pages_reused = 0

    def article(self, source_path: str, fingerprint_of: Callable[[Article], str]) -> Article | None:
        """The cached article when `fingerprint_of(cached)` (computed from the current source) still matches."""
        cached = self.articles.get(source_path)
        if cached is None or cached.fingerprint != fingerprint_of(cached):
            return None
        if not pictures_exist(cached):
            return None  # a picture was removed: render again so that the error is reported
        self.articles_reused += 1
        return cached

    def store(self, sources: Iterable[Source], articles: Iterable[Article], stats: dict[str, FileStat]) -> None:
        self.sources = {source.path: source for source in sources}
        articles = {article.source_path: article for article in articles}
        if articles.keys() != self.articles.keys() or any(
            self.articles[path].fingerprint != article.fingerprint for path, article in articles.items()
        ):
            self.changed = True
        self.articles = articles
        if stats != self.stats:
            self.stats, self.changed = stats, True

    def page(self, digest: str, render: Callable[[], bytes]) -> bytes:
        data = self.pages.get(digest)
        if data is None:
            data = self.pages[digest] = render()
        else:
            self.pages_reused += 1
        return data

    def record_output(self, page_digests: dict[str, str], outputs: Iterable[str]) -> None:
        outputs = tuple(sorted(outputs))
        if page_digests != self.page_digests or outputs != self.outputs:
            self.page_digests, self.outputs, self.changed = page_digests, outputs, True

    # -- on disk --------------------------------------------------------------------------------------------

    @classmethod
    def load(cls, folder: Path) -> BuildCache:
        """The cache saved in `folder`, or an empty one when there is none or it cannot be read."""
        try:
            data = json.loads((folder / CACHE_FILE).read_text(encoding="utf-8"), object_hook=_decode)
            if data.get("format") != FORMAT or data.get("version") != __version__:
                return cls()
            return cls(
                site_fingerprint=data["site"],
                stats={path: FileStat(*stat) for path, stat in data["stats"].items()},
                articles={article.source_path: article for article in data["articles"]},
                page_digests=data["pages"],
                outputs=tuple(data["outputs"]),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return cls()  # a damaged or foreign cache is just a cold build

    def save(self, folder: Path) -> None:
        if not self.changed:
            return
        articles = []
        for article in self.articles.values():
            try:
                articles.append(_plain(article))
            except TypeError:
                continue  # front matter with values JSON cannot carry: render it again next time
        data = {
            "format": FORMAT,
            "version": __version__,
            "site": self.site_fingerprint,
            "stats": {path: [s.mtime_ns, s.size, s.digest] for path, s in sorted(self.stats.items())},
            "articles": articles,
            "pages": dict(sorted(self.page_digests.items())),
            "outputs": list(self.outputs),
        }
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f".{CACHE_FILE}.{os.getpid()}"
        temporary.write_text(json.dumps(data, default=_encode_value, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, folder / CACHE_FILE)
        self.changed = False


def pictures_exist(article: Article) -> bool:
    return all(i.source_file is None or i.source_file.is_file() for i in (*article.images, *article.unplaced_images))


def _encode_value(value: Any) -> Any:
    if isinstance(value, Markup):
        return {"$markup": str(value)}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, Path):
        return {"$path": str(value)}
    if isinstance(value, tuple | frozenset):
        return {"$tuple" if isinstance(value, tuple) else "$frozenset": [_plain(v) for v in value]}
    if isinstance(value, FrozenMapping):
        return {"$mapping": {k: _plain(v) for k, v in value.items()}}
    name = type(value).__name__
    if name in _TYPES and isinstance(value, _TYPES[name]):
        return {"$type": name, **{f.name: _plain(getattr(value, f.name)) for f in fields(value)}}
    raise TypeError(f"cannot cache {type(value).__name__}")


def _plain(value: Any) -> Any:
    """Containers JSON would flatten (tuples) are tagged so that they come back as they were."""
    if isinstance(value, Markup | datetime | date):  # subclasses of str and date that json would flatten
        return _encode_value(value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return _encode_value(value)


def _decode(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        ((tag, value),) = obj.items()
        decoders: dict[str, Callable[[Any], Any]] = {
            "$markup": Markup, "$datetime": datetime.fromisoformat, "$date": date.fromisoformat, "$path": Path,
            "$tuple": tuple, "$frozenset": frozenset, "$mapping": FrozenMapping,
        }  # fmt: skip
        if tag in decoders:
            return decoders[tag](value)
    if "$type" in obj:
        kind = _TYPES.get(obj.pop("$type"))
        if kind is None:
            raise ValueError("unknown type in cache")
        return kind(**obj)
    return obj


def files_fingerprint(paths: Iterable[Path], *extra: str) -> str:
    """A digest of the bytes of every file under the given files or folders, with their names."""
    digest = hashlib.sha1(__version__.encode())
    for item in extra:
        digest.update(item.encode())
    for root in paths:
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root] if root.is_file() else []
        for file in files:
            digest.update(str(file).encode())
            with contextlib.suppress(OSError):
                digest.update(file.read_bytes())
    return digest.hexdigest()
