"""An in-memory memo of the work a rebuild can reuse: rendered articles and pages (used by `sitegen serve`).

Everything is keyed by fingerprints, so a cached result is used only where a cold build would produce the same:
an article by its file's bytes and the URLs its links resolve to; a page by the fingerprints of every article it
shows; both under a site fingerprint (config, templates, theme, options, sitegen's version) whose change clears all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sitegen import __version__
from sitegen.content import Source
from sitegen.model import Article


@dataclass
class BuildCache:
    site_fingerprint: str = ""
    sources: dict[str, Source] = field(default_factory=dict)  # by source path
    articles: dict[str, Article] = field(default_factory=dict)  # by source path
    pages: dict[tuple[object, ...], bytes] = field(default_factory=dict)
    articles_reused: int = 0
    pages_reused: int = 0

    def start(self, site_fingerprint: str) -> None:
        """Begin a build: forget everything when what shapes every page changed."""
        if site_fingerprint != self.site_fingerprint:
            self.sources.clear()
            self.articles.clear()
            self.pages.clear()
            self.site_fingerprint = site_fingerprint
        self.articles_reused = self.pages_reused = 0

    def article(self, source_path: str, fingerprint_of: Callable[[Article], str]) -> Article | None:
        """The cached article when `fingerprint_of(cached)` (computed from the current source) still matches."""
        cached = self.articles.get(source_path)
        if cached is None or cached.fingerprint != fingerprint_of(cached):
            return None
        if any(
            i.source_file is not None and not i.source_file.is_file() for i in (*cached.images, *cached.unplaced_images)
        ):
            return None  # a picture was removed: render again so that the error is reported
        self.articles_reused += 1
        return cached

    def store(self, sources: Iterable[Source], articles: Iterable[Article]) -> None:
        self.sources = {source.path: source for source in sources}
        self.articles = {article.source_path: article for article in articles}

    def page(self, key: tuple[object, ...], render: Callable[[], bytes]) -> bytes:
        data = self.pages.get(key)
        if data is None:
            data = self.pages[key] = render()
        else:
            self.pages_reused += 1
        return data


def files_fingerprint(paths: Iterable[Path], *extra: str) -> str:
    """A digest of the bytes of every file under the given files or folders, with their names."""
    digest = hashlib.sha1(__version__.encode())
    for item in extra:
        digest.update(item.encode())
    for root in paths:
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root] if root.is_file() else []
        for file in files:
            digest.update(str(file).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()
