"""The build pipeline: load the site, render what changed on every core, write what changed.

  load.load_site             config, sources, articles (cached or rendered in parallel) -> Site
  pageplan.page_files        Site -> one page per PageJob: kept, taken from the page store, or rendered in parallel
  dataplan.data_files        the feeds, sitemaps, robots.txt and redirects: kept, taken from the page store, or made
  searchfiles.search_files   the search indexes: kept, restored, updated from their state, or built cold
  output.write_site          changed files into a staging folder, then committed; nothing on failure

Each way in picks the destination once (destination.py): `build` an OutputFolder, `build_in_memory` serve's memory,
`check` NoOutput; the stages ask it what they may keep, never which mode they are in.

`sitegen.build.api` is the way in: it imports this module only when there is work to do.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Collection, Iterator
from functools import partial
from pathlib import Path

from sitegen import toolchain
from sitegen.build import heap, load
from sitegen.build.articlesahead import articles_ahead
from sitegen.build.collector import leave, paused, spared
from sitegen.build.dataplan import data_files
from sitegen.build.destination import Destination, NoOutput, OutputFolder, ServeMemory
from sitegen.build.diskfull import disk_errors_in
from sitegen.build.editions import EditionView, load_edition
from sitegen.build.load import LoadedSite
from sitegen.build.options import BuildOptions, BuildReport
from sitegen.build.output import WriteReport, write_site
from sitegen.build.pageplan import PageFiles, page_files, record_plan
from sitegen.build.run import Run, images_folder, start
from sitegen.build.searchfiles import SearchAhead, edition_search_files, search_ahead, search_files
from sitegen.build.staging import WorkerStaging
from sitegen.errors import BuildFailed, warning_error
from sitegen.incremental import uptodate
from sitegen.incremental.edits import SourceEdits, source_edits
from sitegen.incremental.slugs import SlugMemo, load_slugs, save_slugs
from sitegen.model import OutputFile
from sitegen.pictures.cache import ImageStore
from sitegen.stamps import RACY_NANOSECONDS


def load_run(
    run: Run, slugs: SlugMemo | None = None, edits: SourceEdits | None = None, ahead: bool = False
) -> LoadedSite:
    """The site of a run, loaded and checked (sitegen serve's lazy site loads through here too, with the author
    slugs it keeps in memory: `slugs`, and the sources its watcher saw change: `edits`). `ahead`: the pages will be
    planned (`_files`), so the articles' keys and the cache's shards may be made meanwhile (build/articlesahead.py)."""
    o = run.options
    started = time.perf_counter()
    images = ImageStore(images_folder(run.site_dir, o), write=run.write_images, reuse=o.disk_cache)
    if slugs is None:
        slugs = load_slugs(run.cache_folder, toolchain.digest(), run.warnings) if o.disk_cache else SlugMemo()
    try:
        shards = run.cache_folder if run.on_disk and run.write_cache else None
        meanwhile = partial(articles_ahead, shards=shards, jobs=o.jobs) if ahead else None
        loaded = load.load_site(
            run.site_dir, o.drafts, o.future, o.now, o.theme, run.cache, o.jobs, images, slugs, edits, meanwhile
        )
    except BuildFailed as failed:  # under --strict its warnings are errors of the same run
        if o.strict and failed.warnings:
            raise BuildFailed([*failed.errors, *failed.warnings]) from None
        raise
    if run.on_disk and run.write_cache:
        save_slugs(run.cache_folder, slugs, toolchain.digest())
    run.images_removed = images.save(loaded.site.config.image_cache_keep_builds)
    run.warnings.extend(images.warnings)
    run.lap("read and render Markdown", started)
    if o.strict and (loaded.warnings or loaded.content_warnings):
        if loaded.ahead is not None:
            loaded.ahead.close()
        raise BuildFailed([*loaded.content_warnings, *map(warning_error, loaded.warnings)])
    return loaded


def start_kept(settle: Callable[[], None], site_dir: Path, options: BuildOptions) -> Run:
    """A build's run, its cache read ahead (build/api.py: while the inputs are surveyed on the other core), for
    `build`; `settle` is the caller's, whose `spared` block holds the build."""
    return _start_kept(settle, site_dir, options)


def _start_kept(settle: Callable[[], None], site_dir: Path, options: BuildOptions, **flags: bool) -> Run:
    """A run, its cache read with the cycle collector paused and then frozen (`settle`, collector.py): re-enabled
    with the cache's objects all new, the collector would walk every one of them at its next allocation."""
    with paused():
        run = start(site_dir, options, **flags)
        settle()
    return run


def _load_kept(run: Run, settle: Callable[[], None], edits: SourceEdits | None = None) -> LoadedSite:
    """The site of a run, loaded with the cycle collector paused, then frozen (`settle`, collector.py): a build keeps
    it to its end, so the collector need not walk it again and again. What loading freed is given back to the system
    (heap.py) before the page workers fork."""
    with paused():
        loaded = load_run(run, edits=edits, ahead=True)
        settle()  # before the collector is back: else its next allocation walks every object the load made
    heap.give_back()
    return loaded


def _files(
    run: Run, loaded: LoadedSite, destination: Destination, workers: WorkerStaging | None = None
) -> Iterator[OutputFile]:
    """Every file of the site in a stable order: pages (the source edition's, then each edition's under its prefix),
    feeds, the search indexes, pictures and assets (a cold build, whose workers render the pages meanwhile: feeds,
    pictures and assets, pages, the search indexes); what may be kept or taken back is asked of `destination`.
    `workers`: where the writer lets the page workers write pages themselves (staging.WorkerStaging)."""
    started = time.perf_counter()
    views = [load_edition(loaded, edition, run.options.jobs) for edition in loaded.site.config.editions]
    run.editions_converted = sum(view.converted for view in views)
    run.lap("convert editions", started)
    # the search index's keys; its update started on the other core while the pages are planned and made
    ahead = search_ahead(run, loaded, destination) if run.options.search else None
    try:
        pages = page_files(run, loaded, views, destination, workers or WorkerStaging())
        try:
            yield from _after_plan(run, loaded, views, destination, pages, ahead)
        finally:
            pages.close()  # a build that stops early stops its workers
    finally:
        if ahead is not None:
            ahead.close()
        if loaded.ahead is not None:  # taken when the pages were planned; else stopped
            loaded.ahead.close()


def _after_plan(
    run: Run,
    loaded: LoadedSite,
    views: list[EditionView],
    destination: Destination,
    pages: PageFiles,
    ahead: SearchAhead | None = None,
) -> Iterator[OutputFile]:
    if not pages.meanwhile and not pages.ahead:
        yield from pages.files
        pages.close()  # the workers' memory is given back before the feeds and the search index are made
    # while the page workers read pages back and write them (the CI path), this process makes the rest; while they
    # render them (a cold build), the feeds, sitemaps, pictures and assets
    started = time.perf_counter()
    sites = [(loaded.site, loaded.body), *((view.site, view.body) for view in views)]
    digests = pages.digests | (yield from data_files(run, sites, pages.data, destination))
    record_plan(run, digests, destination)
    run.lap("feeds and sitemap", started)
    if pages.ahead:
        yield from _static_files(loaded, destination)
        yield from pages.files
        pages.close()  # before the search index: its memory and the rendering workers' would add up
    if run.options.search:
        started = time.perf_counter()
        yield from search_files(run, loaded, destination, ahead)
        for view in views:
            yield from edition_search_files(run, view, destination)
        run.lap("search index", started)
    if not pages.ahead:
        yield from _static_files(loaded, destination)
    if pages.meanwhile:
        yield from pages.files


def _static_files(loaded: LoadedSite, destination: Destination) -> Iterator[OutputFile]:
    """Pictures and assets: a copy whose source did not change is not read again."""
    for file in loaded.static_files:
        source = file.copy_from
        if source is not None and destination.copy_kept(file.path, source):
            yield OutputFile(file.path, unchanged=True)
        else:
            yield file


def _report(run: Run, loaded: LoadedSite, written: WriteReport, output: Path | None) -> BuildReport:
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
        content_warnings=loaded.content_warnings,
        articles_rendered=loaded.articles_rendered,
        articles_reused=loaded.articles_reused,
        pages_rendered=run.pages_rendered,
        pages_reused=run.pages_reused,
        timings=tuple(run.timings),
        images_processed=loaded.images_processed,
        images_reused=loaded.images_reused,
        images_removed=run.images_removed,
        cache_warnings=tuple(dict.fromkeys((*run.cache.warnings, *run.warnings))),  # each said once
        mourning=loaded.site.mourning,
        next_mourning=loaded.next_mourning,
        editions_converted=run.editions_converted,
        data_files_made=run.data_files_made,
    )


def load_site(site_dir: Path, options: BuildOptions | None = None) -> LoadedSite:
    """The loaded and checked site, rendered nowhere."""
    return load_run(start(site_dir, options or BuildOptions(disk_cache=False), write_cache=False))


def check(site_dir: Path, options: BuildOptions | None = None) -> BuildReport:
    """Everything a build does but writing: content, links, pictures, templates. Writes nothing, not even the cache."""
    with spared() as settle:
        run = _start_kept(settle, site_dir, options or BuildOptions(), write_cache=False, write_images=False)
        loaded = _load_kept(run, settle)
        for _ in _files(run, loaded, NoOutput()):  # every page rendered, so that every template error is found
            pass
        return _report(run, loaded, WriteReport(0, 0), None)


def build_in_memory(site_dir: Path, options: BuildOptions) -> tuple[BuildReport, dict[str, OutputFile]]:
    """The whole site as OutputFiles by path, written nowhere (for the development server)."""
    with spared() as settle:
        run = _start_kept(settle, site_dir, options)
        memory = options.cache  # serve's, kept across builds; without it, a build in memory keeps nothing
        destination: Destination = NoOutput()
        if memory is not None:
            destination = ServeMemory.open(memory, run.cache_folder, options.disk_cache)
        loaded = _load_kept(run, settle)
        files = {file.path: file for file in _files(run, loaded, destination)}
        return _report(run, loaded, WriteReport(0, 0), None), files


def build(
    site_dir: Path,
    options: BuildOptions,
    output: Path,
    changed: Collection[Path] | None = None,
    started: Run | None = None,
) -> tuple[BuildReport, LoadedSite, str]:
    """Build into `output` (checked and locked by the caller); also the output's digest (uptodate.output_digest),
    made from what the build wrote and kept, for the up-to-date record. `changed`: the input files (absolute) that
    changed since the build whose articles the cache holds, when the caller knows (incremental.inputs): when they
    are all sources, only those are looked at again, as sitegen serve does after an edit. `started`: the run, its
    cache read already (`start_kept`)."""
    with spared() as settle:
        run = started or _start_kept(settle, site_dir, options)  # the cache and, below, the site are kept to the end
        destination = OutputFolder.open(output, run.cache, run.cache_folder, options.disk_cache)
        loaded: LoadedSite | None = None
        try:
            edits = None
            if changed is not None:
                edits = source_edits(Path(os.path.abspath(site_dir)), changed, run.cache.articles.by_path.keys())
            loaded = _load_kept(run, settle, edits)
            return _build(run, loaded, destination, output)
        finally:
            destination.close()
            if loaded is not None and loaded.ahead is not None:  # a build that failed before its pages: stopped
                loaded.ahead.close()
            if not options.free_at_end:
                leave(run, loaded, destination)


def _build(
    run: Run, loaded: LoadedSite, destination: OutputFolder, output: Path
) -> tuple[BuildReport, LoadedSite, str]:
    options = run.options
    started = time.perf_counter()
    workers = WorkerStaging(jobs=options.jobs)
    files = _files(run, loaded, destination, workers)
    written = write_site(files, output, run.cache.outputs.files or None, options.output_mode, workers)
    _record_output(run, loaded, written, destination)
    state = uptodate.output_state(uptodate.link_of(output), run.cache.outputs.file_stats())
    elapsed = time.perf_counter() - started
    rendering = sum(t for phase, t in run.timings if phase in _OVERLAPPING_WRITES)
    run.timings.append(("write", elapsed - rendering))
    if run.on_disk:
        started = time.perf_counter()
        with disk_errors_in(run.cache_folder, output_kept=False):  # the output is new
            run.cache.save(run.cache_folder)  # with the search indexes' states, for the next update
        run.lap("save the build cache", started)
    return _report(run, loaded, written, output), loaded, state


def _record_output(run: Run, loaded: LoadedSite, written: WriteReport, destination: OutputFolder) -> None:
    """What the next build needs to know of this output: its files, their stats, the sources of its copies; the page
    store keeps only this output's files."""
    listed_anew = run.cache.outputs.record_files(written.paths)
    run.cache.outputs.record_written(destination.folder, written.paths, written.kept, written.stats)
    destination.store.retain(set(written.paths), listed_before=not listed_anew)
    copies = ((f.path, f.copy_from) for f in loaded.static_files if f.copy_from is not None)
    run.cache.copies.record(copies, run.started_ns - RACY_NANOSECONDS, images_folder(run.site_dir, run.options))


# the phases that run while write_site takes their files: their time is not the writing's
_OVERLAPPING_WRITES = frozenset({"convert editions", "render templates", "feeds and sitemap", "search index"})
