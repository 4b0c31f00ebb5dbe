"""One build's moving parts: its options, the caches in use, its counts and the clock of each phase."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen.build.options import BuildOptions
from sitegen.incremental.cache import BuildCache
from sitegen.layout import ASSETS_DIR, CACHE_DIR, CONTENT_DIR

IMAGES_DIR = "images"  # processed pictures, inside the cache folder


@dataclass
class Run:
    """One build: the options, the cache in use and the clock of each phase."""

    site_dir: Path
    options: BuildOptions
    cache: BuildCache
    started: float = field(default_factory=time.perf_counter)
    started_ns: int = field(default_factory=time.time_ns)  # wall clock, to tell time stamps of the build's own time
    timings: list[tuple[str, float]] = field(default_factory=list)
    pages_rendered: int = 0
    pages_reused: int = 0
    data_files: int = 0  # feeds, sitemap, robots.txt, redirects, search index
    data_files_made: int = 0  # feeds, sitemaps, robots.txt and redirects made (not kept, nor taken back)
    editions_converted: int = 0  # articles whose edition texts and bodies this build converted
    write_images: bool = True  # False for `sitegen check`, which writes nothing, not even the image cache
    write_cache: bool = True  # False for `sitegen check`: the cache is read, never written
    warnings: list[str] = field(default_factory=list)  # about the cache, besides the build cache's own
    images_removed: int = 0
    shapes: Any = None  # the articles' context digests this build walked (render.keys), kept for the next build

    @property
    def cache_folder(self) -> Path:
        return cache_folder(self.site_dir, self.options)

    @property
    def on_disk(self) -> bool:
        """Whether this build's cache is kept on disk (not serve's memory, not --no-cache)."""
        return self.options.cache is None and self.options.disk_cache

    def lap(self, phase: str, since: float) -> float:
        now = time.perf_counter()
        self.timings.append((phase, now - since))
        return now


def start(site_dir: Path, options: BuildOptions, write_cache: bool = True, write_images: bool = True) -> Run:
    """A build's run, with the cache it uses: serve's in memory, the one on disk, or an empty one."""
    started = time.perf_counter()
    cache = options.cache
    folder = cache_folder(site_dir, options)
    if cache is None:
        pictures = picture_folders(site_dir, options)
        cache = BuildCache.load(folder, write_cache, pictures) if options.disk_cache else BuildCache()
    # the page store is the destination's (destination.py): read and written for an output folder, read by serve
    run = Run(site_dir, options, cache, started=started, write_images=write_images, write_cache=write_cache)
    run.lap("read the build cache", started)
    return run


def cache_folder(site_dir: Path, options: BuildOptions) -> Path:
    return options.cache_dir or site_dir / CACHE_DIR


def picture_folders(site_dir: Path, options: BuildOptions) -> tuple[Path, Path, Path]:
    """Where a cached article's pictures may be: content/ and assets/ (as the resolver finds them), the image cache;
    in this order, which names each folder in the cache (sitegen.incremental.relocate)."""
    return (site_dir.resolve() / CONTENT_DIR, site_dir.resolve() / ASSETS_DIR, images_folder(site_dir, options))


def images_folder(site_dir: Path, options: BuildOptions) -> Path:
    """The image cache's folder, absolute: the cache names its files by it, the same for any spelling of the site
    folder and from any working directory."""
    return Path(os.path.abspath(cache_folder(site_dir, options) / IMAGES_DIR))
