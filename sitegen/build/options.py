"""What a build is asked to do and what it reports: plain data, light to import (the CLI reads it first)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.build.lock import DEFAULT_TIMEOUT
from sitegen.build.parallel import default_jobs
from sitegen.errors import ContentError
from sitegen.render.theme import Theme, default_theme

if TYPE_CHECKING:
    from sitegen.incremental.cache import BuildCache


Progress = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass(frozen=True, slots=True)
class BuildOptions:
    output_dir: Path | None = None  # default: <site>/public
    drafts: bool = False
    future: bool = False
    now: datetime | None = None  # the moment that decides what is "future"; default: the clock
    theme: Theme = field(default_factory=default_theme)
    cache: BuildCache | None = None  # reuse work across builds of one process (sitegen serve)
    cache_dir: Path | None = None  # the build cache and the processed pictures; default: <site>/.sitegen-cache
    disk_cache: bool = True  # read and write the cache folder (`sitegen build`; check never writes it); when
    # False, every picture is processed again (its variants still go to the cache folder: they are copied from there)
    jobs: int = field(default_factory=default_jobs)
    progress: Progress | None = None
    search: bool = True  # the search page, its index under search/, and a search box on every page
    strict: bool = False  # warnings (misspelt front-matter keys, unknown view counts) are errors
    lock_timeout: float = DEFAULT_TIMEOUT  # seconds to wait for another build writing the same output folder
    on_lock_wait: Callable[[str], None] | None = None  # told once when this build has to wait for that one
    output_mode: str = "link"  # "link": the output a link switched atomically; "folder": a plain folder
    # False: what the build loaded is never freed, but left to the process's end (the `sitegen` command, whose
    # process ends with its build: build/collector.py); a process that goes on after the build keeps it all
    free_at_end: bool = True


@dataclass(frozen=True, slots=True)
class BuildReport:
    articles: int
    pages: int
    files_written: int
    files_unchanged: int
    seconds: float
    output_dir: Path | None
    left_out_drafts: int = 0
    left_out_future: int = 0
    next_scheduled: datetime | None = None
    warnings: tuple[str, ...] = ()
    content_warnings: tuple[ContentError, ...] = ()  # with file and line: front-matter keys that look misspelt
    articles_rendered: int = 0
    articles_reused: int = 0
    pages_rendered: int = 0
    pages_reused: int = 0
    timings: tuple[tuple[str, float], ...] = ()  # (phase, seconds), in order
    images_processed: int = 0  # pictures Pillow had to process in this build (0 when all came from the cache)
    images_reused: int = 0  # pictures found in the image cache
    images_removed: int = 0  # image-cache entries no build used for `image_cache_keep_builds` builds
    # what was wrong with the cache (another toolchain, a damaged file, a path out of place), one line each: all of it
    # was dropped and made again in this build (sitegen.cachenotes)
    cache_warnings: tuple[str, ...] = ()
    mourning: bool = False  # the pages are grey: the build's moment is inside a mourning range
    next_mourning: datetime | None = None  # when a mourning range next starts or ends (the pages change then)
    editions_converted: int = 0  # articles whose texts and body an edition converted (the others: from the cache)
    data_files_made: int = 0  # feeds, sitemaps, robots.txt and redirects made (the others: kept or from the cache)
