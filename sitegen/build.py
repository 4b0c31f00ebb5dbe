"""The build pipeline: load the site, render what changed on every core, write what changed.

build(site_dir, options)
  load.load_site      config, sources, articles (cached or rendered in parallel) -> Site
  render.page_jobs    Site -> one PageJob per page, each with a key of everything it shows
  render.render_page  the pages whose key changed since the cached build, in parallel
  output.write_site   changed files into a staging folder, then committed; nothing on failure
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sitegen import load
from sitegen.cache import BuildCache, load_search_state, save_search_state
from sitegen.errors import BuildFailed, ContentError
from sitegen.imagecache import ImageStore
from sitegen.load import LoadedSite
from sitegen.lock import DEFAULT_TIMEOUT, output_lock
from sitegen.output import WriteReport, check_output_dir, write_site
from sitegen.parallel import default_jobs, ordered_map
from sitegen.render import OutputFile, PageJob, data_files, make_environment, page_jobs, render_page, template_digests
from sitegen.search import (
    SEARCH_URL,
    Previous,
    column_titles,
    document_key,
    new_index,
    search_document,
    update_index,
)
from sitegen.theme import Theme, default_theme

TEMPLATES_DIR = "templates"
OUTPUT_DIR = "public"
CACHE_DIR = ".sitegen-cache"
IMAGES_DIR = "images"  # processed pictures, inside the cache folder

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
    lock_timeout: float = DEFAULT_TIMEOUT  # seconds to wait for another build writing the same output folder
    on_lock_wait: Callable[[str], None] | None = None  # told once when this build has to wait for that one


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
    articles_rendered: int = 0
    articles_reused: int = 0
    pages_rendered: int = 0
    pages_reused: int = 0
    timings: tuple[tuple[str, float], ...] = ()  # (phase, seconds), in order
    images_processed: int = 0  # pictures Pillow had to process in this build (0 when all came from the cache)
    images_reused: int = 0  # pictures found in the image cache


@dataclass
class _Run:
    """One build's moving parts: the options, the cache in use and the clock of each phase."""

    site_dir: Path
    options: BuildOptions
    cache: BuildCache
    started: float = field(default_factory=time.perf_counter)
    timings: list[tuple[str, float]] = field(default_factory=list)
    pages_rendered: int = 0
    pages_reused: int = 0
    data_files: int = 0  # feeds, sitemap, robots.txt, search index
    write_images: bool = True  # False for `sitegen check`, which writes nothing, not even the image cache

    def lap(self, phase: str, since: float) -> float:
        now = time.perf_counter()
        self.timings.append((phase, now - since))
        return now


def _start(site_dir: Path, options: BuildOptions) -> _Run:
    cache = options.cache
    if cache is None:
        folder = options.cache_dir or site_dir / CACHE_DIR
        cache = BuildCache.load(folder) if options.disk_cache else BuildCache()
    return _Run(site_dir, options, cache)


def _load(run: _Run) -> LoadedSite:
    o = run.options
    started = time.perf_counter()
    folder = (o.cache_dir or run.site_dir / CACHE_DIR) / IMAGES_DIR
    images = ImageStore(folder, write=run.write_images, reuse=o.disk_cache)
    loaded = load.load_site(run.site_dir, o.drafts, o.future, o.now, o.theme, run.cache, o.jobs, images)
    images.save()
    run.lap("read and render Markdown", started)
    return loaded


def _files(run: _Run, loaded: LoadedSite, output: Path | None) -> Iterator[OutputFile]:
    """Every file of the site in a stable order; a page whose key matches the cached build is not rendered."""
    started = time.perf_counter()
    env = make_environment(run.site_dir / TEMPLATES_DIR, run.options.theme)
    config = loaded.site.config
    jobs = page_jobs(loaded.site, SEARCH_URL if run.options.search else None)
    templates = template_digests(env, {job.template for job in jobs})
    digests = [_page_digest(templates[job.template], job) for job in jobs]
    memory, previous = run.options.cache, run.cache.page_digests
    todo = [
        i
        for i, (job, digest) in enumerate(zip(jobs, digests, strict=True))
        if not (memory is not None and digest in memory.pages)
        and not (output is not None and previous.get(job.path) == digest and (output / job.path).is_file())
    ]
    rendered = ordered_map(lambda n: render_page(env, config, jobs[todo[n]]), len(todo), run.options.jobs)
    pending = iter(todo)
    next_todo = next(pending, None)
    progress = run.options.progress
    rendering = time.perf_counter() - started
    for index, (job, digest) in enumerate(zip(jobs, digests, strict=True)):
        if index == next_todo:
            waited = time.perf_counter()
            data = next(rendered)
            rendering += time.perf_counter() - waited
            next_todo = next(pending, None)
            run.pages_rendered += 1
            if memory is not None:
                memory.pages[digest] = data
            yield OutputFile(job.path, data)
        elif memory is not None and digest in memory.pages:
            run.pages_reused += 1
            yield OutputFile(job.path, memory.pages[digest])
        else:
            run.pages_reused += 1
            yield OutputFile(job.path, unchanged=True)
        if progress is not None and index % 200 == 0:
            progress("pages", index, len(jobs))
    run.cache.record_output(dict(zip((job.path for job in jobs), digests, strict=True)), run.cache.outputs)
    run.cache.pages_reused = run.pages_reused
    run.timings.append(("render templates", rendering))
    started = time.perf_counter()
    for file in data_files(loaded.site):
        run.data_files += 1
        yield file
    run.lap("feeds and sitemap", started)
    if run.options.search:
        started = time.perf_counter()
        yield from _search_files(run, loaded, output)
        run.lap("search index", started)
    yield from loaded.static_files


def _search_files(run: _Run, loaded: LoadedSite, output: Path | None) -> Iterator[OutputFile]:
    """The search index: kept when no article it covers changed, else updated from the last index's state."""
    columns = column_titles(loaded.site)
    keys = [document_key(article, columns) for article in reversed(loaded.site.articles)]  # ids: oldest first
    digest = hashlib.sha1(repr(keys).encode()).hexdigest()
    cache, memory = run.cache, run.options.cache
    paths = cache.search_paths
    reusable = output is not None and memory is None and digest == cache.search_digest and paths
    if reusable and (output / paths[0]).is_file():  # type: ignore[operator]
        run.data_files += len(paths)
        yield from (OutputFile(path, unchanged=True) for path in paths)
        return
    if memory is not None and digest == memory.search_digest and memory.search_output:
        files = memory.search_output  # sitegen serve keeps the index in memory
    else:
        files = _search_index(run, loaded, keys, output)
    run.data_files += len(files)
    cache.record_search(digest, tuple(file.path for file in files))
    if memory is not None:
        memory.search_output = files
    yield from files


def _search_index(run: _Run, loaded: LoadedSite, keys: list[str], output: Path | None) -> tuple[OutputFile, ...]:
    """Updated from the last index, its state and the files the update changes (in the output, or for sitegen serve
    in memory), so that only the articles whose key changed are read again; else built cold."""
    memory, state, on_disk = run.options.cache, None, False
    kept = {file.path: file.data for file in memory.search_output} if memory is not None else {}
    previous = _in_memory(kept)
    if memory is not None:
        state = memory.search_state  # the index of memory.search_output
    elif output is not None and run.options.disk_cache:
        on_disk, previous = True, _on_disk(output / SEARCH_URL)
        state = load_search_state(run.options.cache_dir or run.site_dir / CACHE_DIR)
        if state is not None and previous("meta.json") != state.meta():
            state = None  # the output holds another index (a --no-cache build, a copy, a hand edit)
    articles = loaded.site.articles[::-1]
    columns = column_titles(loaded.site)
    changes: list[tuple[str, bytes | None]] | None = None
    if state is not None:
        try:
            changes = update_index(state, keys, lambda doc_id: search_document(articles[doc_id], columns), previous)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            changes = None  # a file of the last index changed since, or a damaged state: build cold
    if changes is None:
        state, changes = new_index(keys, [search_document(article, columns) for article in articles])
    if memory is not None:
        memory.search_state = state
        return tuple(OutputFile(SEARCH_URL + p, kept[SEARCH_URL + p] if data is None else data) for p, data in changes)
    if on_disk:
        run.cache.search_state = state  # saved once the output is written
    return tuple(OutputFile(SEARCH_URL + path, data, unchanged=data is None) for path, data in changes)


def _in_memory(files: dict[str, bytes | None]) -> Previous:
    def previous(path: str) -> bytes | None:
        return files.get(SEARCH_URL + path)

    return previous


def _on_disk(folder: Path) -> Previous:
    def previous(path: str) -> bytes | None:
        try:
            return (folder / path).read_bytes()
        except OSError:
            return None

    return previous


def _page_digest(template_digest: str, job: PageJob) -> str:
    return hashlib.sha1(repr((template_digest, job.path, job.key)).encode()).hexdigest()


def _report(run: _Run, loaded: LoadedSite, written: WriteReport, output: Path | None) -> BuildReport:
    return BuildReport(
        articles=len(loaded.site.articles),
        pages=run.pages_rendered + run.pages_reused + run.data_files,
        files_written=written.written,
        files_unchanged=written.unchanged,
        seconds=time.perf_counter() - run.started,
        output_dir=output,
        left_out_drafts=loaded.left_out_drafts,
        left_out_future=loaded.left_out_future,
        next_scheduled=loaded.next_scheduled,
        warnings=loaded.warnings,
        articles_rendered=loaded.articles_rendered,
        articles_reused=loaded.articles_reused,
        pages_rendered=run.pages_rendered,
        pages_reused=run.pages_reused,
        timings=tuple(run.timings),
        images_processed=loaded.images_processed,
        images_reused=loaded.images_reused,
    )


def load_site(site_dir: Path, options: BuildOptions | None = None) -> LoadedSite:
    """The loaded and checked site, rendered nowhere."""
    return _load(_start(site_dir, options or BuildOptions(disk_cache=False)))


def check(site_dir: Path, options: BuildOptions | None = None) -> BuildReport:
    """Everything a build does but writing: content, links, pictures, templates. Writes nothing, not even the cache."""
    run = _start(site_dir, options or BuildOptions())
    run.write_images = False
    run.cache.page_digests = {}  # render every page, so that every template error is found
    loaded = _load(run)
    for _ in _files(run, loaded, None):
        pass
    return _report(run, loaded, WriteReport(0, 0), None)


def build_in_memory(site_dir: Path, options: BuildOptions) -> tuple[BuildReport, dict[str, OutputFile]]:
    """The whole site as OutputFiles by path, written nowhere (for the development server)."""
    run = _start(site_dir, options)
    loaded = _load(run)
    files = {file.path: file for file in _files(run, loaded, None)}
    return _report(run, loaded, WriteReport(0, 0), None), files


def build(site_dir: Path, options: BuildOptions | None = None) -> BuildReport:
    options = options or BuildOptions()
    output = (options.output_dir or site_dir / OUTPUT_DIR).resolve()
    check_output_dir(output, site_dir)
    # one build per output folder at a time, from reading the cache to saving it: the cache describes the output
    with output_lock(output, options.lock_timeout, options.on_lock_wait):
        run = _start(site_dir, options)
        loaded = _load(run)
        started = time.perf_counter()
        written = write_site(_files(run, loaded, output), output, run.cache.outputs or None)
        run.cache.record_output(run.cache.page_digests, written.paths)
        elapsed = time.perf_counter() - started
        rendering = sum(t for phase, t in run.timings if phase != "read and render Markdown")
        run.timings.append(("write", elapsed - rendering))
        if options.cache is None and options.disk_cache:
            run.cache.save(options.cache_dir or site_dir / CACHE_DIR)
            if run.cache.search_state is not None:  # an index was built or updated: its state, for the next one
                started = time.perf_counter()
                save_search_state(options.cache_dir or site_dir / CACHE_DIR, run.cache.search_state)
                run.lap("save search index", started)
    return _report(run, loaded, written, output)


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
