"""The build pipeline: config -> sources -> articles -> site -> pages -> output folder."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from sitegen.cache import BuildCache, files_fingerprint
from sitegen.config import CONFIG_FILE, load_config
from sitegen.content import find_sources, fingerprint, read_source, render_article
from sitegen.errors import BuildFailed, ContentError
from sitegen.imagecache import ImageStore
from sitegen.links import check_links
from sitegen.markup import MarkdownRenderer
from sitegen.model import Article, Site
from sitegen.output import WriteReport, check_output_dir, write_site
from sitegen.pictures import ASSETS_DIR, Pictures, markdown_picture_srcs
from sitegen.render import OutputFile, make_environment, render_site
from sitegen.site import assemble, url_collisions
from sitegen.theme import Theme, default_theme
from sitegen.viewcounts import apply_view_counts, load_view_counts

TEMPLATES_DIR = "templates"
OUTPUT_DIR = "public"
CACHE_DIR = ".sitegen-cache"


@dataclass(frozen=True, slots=True)
class BuildOptions:
    output_dir: Path | None = None  # default: <site>/public
    drafts: bool = False
    future: bool = False
    now: datetime | None = None  # the moment that decides what is "future"; default: the clock
    theme: Theme = field(default_factory=default_theme)
    cache: BuildCache | None = None  # reuse work across builds of one process (sitegen serve)
    cache_dir: Path | None = None  # processed pictures, kept across builds; default: <site>/.sitegen-cache


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
    images_processed: int = 0  # pictures Pillow had to process in this build (0 when all came from the cache)
    images_reused: int = 0  # pictures found in the image cache


@dataclass(frozen=True, slots=True)
class LoadedSite:
    site: Site
    static_files: tuple[OutputFile, ...]
    left_out_drafts: int
    left_out_future: int
    next_scheduled: datetime | None
    warnings: tuple[str, ...] = ()
    images_processed: int = 0
    images_reused: int = 0


def load_site(site_dir: Path, options: BuildOptions, write_images: bool = True) -> LoadedSite:
    """Read and check everything; raise BuildFailed with every content error, or ConfigError.

    Pictures are processed here (through the image cache, which `write_images=False` leaves untouched), before the
    bodies that show them are rendered, so that pages can be rendered from plain data.
    """
    config = load_config(site_dir)
    now = (options.now or datetime.now(config.timezone)).astimezone(config.timezone)
    found, errors = find_sources(site_dir, config)
    cache = options.cache
    if cache is not None:
        cache.start(_site_fingerprint(site_dir, options))
    sources = []
    for relative, column in found:
        result = read_source(site_dir, relative, column, config, cache.sources.get(relative) if cache else None)
        if isinstance(result, list):
            errors.extend(result)
        else:
            sources.append(result)
    markdown = MarkdownRenderer(config.language)
    store = ImageStore(image_cache_dir(site_dir, options), write=write_images)
    pictures = Pictures(site_dir, store)
    pictures.prefetch(
        (s.path, src)
        for s in sources
        for src in (*(i.src for i in s.text.front_matter.images), *markdown_picture_srcs(s.text.body))
    )
    articles: list[Article] = []
    urls = {source.path: source.url for source in sources}
    for source in sources:
        reused = cache and cache.article(
            source.path,
            lambda cached, s=source: fingerprint(
                s, urls, cached.links, pictures.keys((*cached.images, *cached.unplaced_images))
            ),
        )
        result = (
            replace(reused, future=reused.date > now)
            if reused
            else render_article(source, markdown, pictures, urls, now)
        )
        if isinstance(result, list):
            errors.extend(result)
        else:
            articles.append(result)
    drafts = [a for a in articles if a.draft and not options.drafts]
    future = [a for a in articles if a.future and not (a.draft and not options.drafts) and not options.future]
    left_out = {a.source_path for a in (*drafts, *future)}
    published = [a for a in articles if a.source_path not in left_out]
    errors.extend(url_collisions(published, config))
    errors.extend(check_links(articles, {a.source_path: a for a in articles}, {a.source_path for a in published}))
    counts, count_errors = load_view_counts(site_dir)
    errors.extend(count_errors)
    if errors:
        raise BuildFailed(errors)
    if cache is not None:
        cache.store(sources, articles)
    published, warnings = apply_view_counts(published, counts, config)
    site = assemble(config, published)
    return LoadedSite(
        site=site,
        static_files=_static_files(site_dir, options.theme, published),
        left_out_drafts=len(drafts),
        left_out_future=len(future),
        next_scheduled=min((a.date for a in future), default=None),
        warnings=tuple(warnings),
        images_processed=store.processed,
        images_reused=store.reused,
    )


def image_cache_dir(site_dir: Path, options: BuildOptions) -> Path:
    return (options.cache_dir or site_dir / CACHE_DIR) / "images"


def _site_fingerprint(site_dir: Path, options: BuildOptions) -> str:
    """What shapes every page: config, templates, theme, options."""
    return files_fingerprint(
        [site_dir / CONFIG_FILE, site_dir / TEMPLATES_DIR, options.theme.templates],
        f"drafts={options.drafts} future={options.future}",
    )


def _static_files(site_dir: Path, theme: Theme, articles: list[Article]) -> tuple[OutputFile, ...]:
    files: dict[str, OutputFile] = {}
    for assets in (theme.assets, site_dir / ASSETS_DIR):  # the site's own assets override the theme's
        if assets.is_dir():
            for path in sorted(assets.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    relative = f"{ASSETS_DIR}/{path.relative_to(assets).as_posix()}"
                    files[relative] = OutputFile(relative, copy_from=path)
    for article in articles:
        for image in (*article.images, *article.unplaced_images):
            for url, file in image.files:  # the picture as it is, its variants and thumbnail
                files[url] = OutputFile(url, copy_from=file)
    return tuple(files[path] for path in sorted(files))


def _all_files(site_dir: Path, loaded: LoadedSite, options: BuildOptions) -> Iterator[OutputFile]:
    env = make_environment(site_dir / TEMPLATES_DIR, options.theme)
    yield from render_site(loaded.site, env, options.cache)
    yield from loaded.static_files


def check(site_dir: Path, options: BuildOptions | None = None) -> BuildReport:
    """Everything a build does but writing: content, links, pictures, templates."""
    options = options or BuildOptions()
    started = time.perf_counter()
    loaded = load_site(site_dir, options, write_images=False)
    pages = sum(1 for file in _all_files(site_dir, loaded, options) if file.data is not None)
    return _report(loaded, pages, WriteReport(0, 0), started, None)


def build_in_memory(site_dir: Path, options: BuildOptions) -> tuple[BuildReport, dict[str, OutputFile]]:
    """The whole site as OutputFiles by path, written nowhere (for the development server)."""
    started = time.perf_counter()
    loaded = load_site(site_dir, options)
    files = {file.path: file for file in _all_files(site_dir, loaded, options)}
    pages = sum(1 for file in files.values() if file.data is not None)
    return _report(loaded, pages, WriteReport(0, 0), started, None), files


def build(site_dir: Path, options: BuildOptions | None = None) -> BuildReport:
    options = options or BuildOptions()
    started = time.perf_counter()
    output = (options.output_dir or site_dir / OUTPUT_DIR).resolve()
    check_output_dir(output, site_dir)
    loaded = load_site(site_dir, options)
    pages = 0

    def counted() -> Iterator[OutputFile]:
        nonlocal pages
        for file in _all_files(site_dir, loaded, options):
            pages += file.data is not None
            yield file

    written = write_site(counted(), output)
    return _report(loaded, pages, written, started, output)


def _report(loaded: LoadedSite, pages: int, written: WriteReport, started: float, output: Path | None) -> BuildReport:
    return BuildReport(
        articles=len(loaded.site.articles),
        pages=pages,
        files_written=written.written,
        files_unchanged=written.unchanged,
        seconds=time.perf_counter() - started,
        output_dir=output,
        left_out_drafts=loaded.left_out_drafts,
        left_out_future=loaded.left_out_future,
        next_scheduled=loaded.next_scheduled,
        warnings=loaded.warnings,
        images_processed=loaded.images_processed,
        images_reused=loaded.images_reused,
    )


__all__ = [
    "BuildFailed",
    "BuildOptions",
    "BuildReport",
    "ContentError",
    "build",
    "build_in_memory",
    "check",
    "load_site",
]
