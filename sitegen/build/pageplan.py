"""The page plan: every HTML page of the source and of each edition, and how this build gets its bytes.

Each page has a digest of its template and of everything it is rendered from (sitegen.render.keys). A page is kept
when the output holds it as the last build left it, made from the same digest; taken from `sitegen serve`'s memory
or from the page store (the output lost it: a fresh CI checkout); else rendered, on every core. Which of these a
build may do is its destination's answer (sitegen.build.destination), asked here, never the mode itself.

The plan is decided whole, the pages' bytes are not: each page is handed on as it is rendered or read back, so the
writer takes it and lets it go, and no build holds its 14,000 pages at once (docs/architecture.md).
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from sitegen.build.articlesahead import ArticlesAhead
from sitegen.build.collector import kept
from sitegen.build.destination import Destination
from sitegen.build.editions import EditionView
from sitegen.build.keyplan import Keyed, KeyPlan, page_digests
from sitegen.build.load import LoadedSite
from sitegen.build.parallel import ordered_map
from sitegen.build.run import Run
from sitegen.build.staging import WorkerStaging, write_in_worker
from sitegen.incremental.pages import PageStore, compress, decompress
from sitegen.layout import TEMPLATES_DIR
from sitegen.model import BodyOf, Config, OutputFile, WrittenStat
from sitegen.render.datafiles import DATA_FILE, DataJob, data_jobs
from sitegen.render.frames import SitePart
from sitegen.render.keys import ContextKeys
from sitegen.render.pagejobs import JobList, PageJob, Stretch, page_jobs
from sitegen.render.pages import make_environment, render_page, template_digests
from sitegen.search.index import SEARCH_URL

# what a page plan does with each page
KEEP = "keep"  # in the output as the last build left it, made from the same digest: not touched
FROM_MEMORY = "memory"  # sitegen serve's in-memory pages
FROM_STORE = "store"  # lost from the output (a fresh CI checkout): its bytes come back from the page store
RENDER = "render"

T = TypeVar("T")
STORE_CHUNK = 64  # pages a worker reads back from the page store in one query and writes


@dataclass(frozen=True)
class PagePlan:
    """Every HTML page in a stable order, the digest of what it is made from, and how this build gets its bytes.
    A page's job is made when asked for: a kept page's never is (render/pagejobs.py)."""

    jobs: JobList[PageJob]
    configs: list[Config]  # the config each page renders with: the source's, or an edition's
    bodies: list[BodyOf]  # where each page's article bodies come from (an edition's are converted)
    digests: list[str]
    actions: list[str]
    data: DataPlan  # the data files, keyed with the pages

    def indexes(self, action: str) -> list[int]:
        return [i for i, done in enumerate(self.actions) if done == action]


def plan_keys(run: Run, ahead: ArticlesAhead | None = None) -> ContextKeys:
    """The keys of this build's pages and data files: each article walked once, however many pages and feeds show it,
    or not at all (the cache's digests are the bases, and those `ahead` made while the site was assembled); its
    pictures' files named by folder."""
    if ahead is not None:
        ahead.take(run.cache.articles)
    keys = ContextKeys(run.cache.articles.bases, run.cache.pictures)
    run.shapes = keys.rebase(run.cache.articles.by_path.values())
    return keys


def plan_pages(
    run: Run, loaded: LoadedSite, views: list[EditionView], env: Any, destination: Destination, keys: ContextKeys
) -> PagePlan:  # env: a Jinja Environment
    """Decide, for each page of the source and of each edition (under its prefix), whether its key matches something
    this build may reuse, or it is rendered."""
    search_url = SEARCH_URL if run.options.search else None
    jobs = page_jobs(loaded.site, search_url)
    bodies: list[BodyOf] = [loaded.body] * len(jobs)
    configs = [loaded.site.config] * len(jobs)
    owners = [0] * len(jobs)
    sites: list[SitePart] = [(loaded.site, search_url, {})]
    for view in views:
        edition_jobs = page_jobs(view.site, search_url, dict(view.shared))
        jobs = jobs + edition_jobs
        bodies += [view.body] * len(edition_jobs)
        configs += [view.site.config] * len(edition_jobs)
        owners += [len(sites)] * len(edition_jobs)
        sites.append((view.site, search_url, view.shared))
    references = dict(run.cache.pages.template_references)  # parsed by an earlier build; this one's kept
    templates = template_digests(env, set(jobs.templates), references)
    run.cache.pages.record_references(references)
    # a digest of the template and of everything the page is rendered from (its config included): nothing it shows
    # can be left out of its key, and the page store outlives a change of site.yaml or of sitegen; walked where the
    # site's frame changed, on every core (the workers inherit the articles' digests: none is walked again). The
    # data files are keyed with them, as pages whose template is their function.
    data = [data_jobs(site) for site, _, _ in sites]
    keyed: JobList[Keyed] = jobs + JobList([Stretch.made(site_data) for site_data in data])
    keyed_configs, keyed_owners = list(configs), list(owners)
    for owner, site_data in enumerate(data):
        keyed_configs += [sites[owner][0].config] * len(site_data)
        keyed_owners += [owner] * len(site_data)
    keyed_templates = {**templates, DATA_FILE: DATA_FILE}
    plan = KeyPlan(keyed, keyed_configs, keyed_owners, sites, keyed_templates, loaded.site_kept)
    digests = page_digests(plan, keys, run.cache.pages, run.cache.pictures, run.options.jobs)
    ends = list(itertools.accumulate((len(site_data) for site_data in data), initial=len(jobs)))
    data_digests = [digests[start:end] for start, end in itertools.pairwise(ends)]
    pages = digests[: len(jobs)]
    actions = plan_actions(jobs.paths, pages, destination)
    return PagePlan(jobs, configs, bodies, pages, actions, DataPlan(data, data_digests))


def taken_back(destination: Destination, action: str, digest: str, stored: Iterator[bytes | None]) -> bytes | None:
    """A page's or data file's bytes from serve's memory or the page store (`stored`: the store's rows of the plan's
    FROM_STORE files, in plan order), as `action` says; None when it is to be made (also for a damaged row)."""
    data = destination.page_in_memory(digest) if action == FROM_MEMORY else None
    if action == FROM_STORE:
        data = next(stored)
        if data is not None:
            destination.remember_page(digest, data)
    return data


def plan_actions(paths: list[str], digests: list[str], destination: Destination) -> list[str]:
    """What this build does with each file at `paths`, made from `digests` (a page or a data file): KEEP, FROM_MEMORY,
    FROM_STORE or RENDER, as `destination` allows."""
    held = destination.held_in_memory(digests)
    kept = destination.pages_kept(paths, digests)
    actions = [FROM_MEMORY if memory else KEEP if same else RENDER for memory, same in zip(held, kept, strict=True)]
    missing = [index for index, action in enumerate(actions) if action == RENDER]  # the store is asked of these alone
    stored = destination.source.digests_of([paths[i] for i in missing])
    for index in missing:
        if stored.get(paths[index]) == digests[index]:
            actions[index] = FROM_STORE
    return actions


@dataclass(frozen=True)
class DataPlan:
    """The data files of each site (the source's, then each edition's, as the page plan orders them), keyed with the
    pages (build/keyplan.py); build/dataplan.py keeps, takes back or makes them."""

    jobs: list[list[DataJob]]
    digests: list[list[str]]


@dataclass(frozen=True)
class PageFiles:
    """A page plan under way: each page's digest by its path (for `record_plan`), the data files keyed with the pages
    (for dataplan.py), and the pages, in plan order (`files`). `meanwhile`: the
    workers write the pages themselves and have started, so this process makes the other files while they do; only
    when they mostly read pages back (the CI path): beside workers rendering a cold build, the search index's memory
    and theirs would add up (the 100,000-article build's peak)."""

    digests: dict[str, str]
    data: DataPlan
    files: Iterator[OutputFile]
    meanwhile: bool
    workers: tuple[Generator[Any, None, None], ...] = ()  # the ordered maps, each holding its pool
    # the workers render and write the pages themselves and have started (a cold build): this process makes the
    # data files (feeds, sitemaps: small) while they do, and the search index once they are done
    ahead: bool = False

    def close(self) -> None:
        """Stop the workers: once a build fails, none may go on writing into a staging folder that is being
        removed, or into the next build's."""
        _close(self.workers)


def page_files(
    run: Run, loaded: LoadedSite, views: list[EditionView], destination: Destination, workers: WorkerStaging
) -> PageFiles:
    """The page plan, and its pages, in order; those to render are rendered on every core while they are handed on.
    When the writer stages into an empty folder (`workers.folder`: a cold build, a CI checkout's empty output), the
    workers write the pages they render or read back from the page store themselves, and only their stats come
    back; they start at once."""
    started = time.perf_counter()
    folder = workers.folder  # set by the writer before it asks for the first file; the workers fork later
    env = make_environment(run.site_dir / TEMPLATES_DIR, run.options.theme, run.options.disk_cache)
    with kept():  # the plan lives to the end of the build
        keys = plan_keys(run, loaded.ahead)
        plan = plan_pages(run, loaded, views, env, destination, keys)
    store = destination.store  # keeps nothing but for an output folder
    todo = plan.indexes(RENDER)
    # the bodies the workers will read, read here first: a damaged row is repaired, and said, once
    loaded.ensure_bodies(
        plan.jobs[i].variables["article"] for i in todo if plan.jobs[i].shows_body and plan.bodies[i] == loaded.body
    )
    for view in views:
        view.ensure_bodies(
            plan.jobs[i].variables["article"] for i in todo if plan.jobs[i].shows_body and plan.bodies[i] == view.body
        )

    def render(n: int) -> tuple[bytes, WrittenStat | None]:
        """In a worker: the page, compressed when the store keeps it (less crosses the pipes); written there too
        when it may be (then its stats, and nothing else when the store keeps nothing)."""
        i = todo[n]
        data = render_page(env, plan.configs[i], plan.jobs[i], plan.bodies[i])
        stat = write_in_worker(folder, plan.jobs[i].path, data) if folder is not None else None
        if store.keeps:
            return compress(data), stat
        return (b"" if stat is not None else data), stat

    rendering = ordered_map(render, len(todo), run.options.jobs)
    maps: list[Generator[Any, None, None]] = [rendering]
    rendered: Iterator[tuple[bytes, WrittenStat | None]] = rendering
    wanted = [(plan.jobs.paths[i], plan.digests[i]) for i in plan.indexes(FROM_STORE)]
    written_back: Iterator[WrittenStat | None] | None = None
    stored: Iterator[bytes | None] = iter(())
    meanwhile = folder is not None and len(todo) <= len(wanted)
    if folder is not None:  # the workers write what they render, and start now (PageFiles: meanwhile, ahead)
        chunks = (len(wanted) + STORE_CHUNK - 1) // STORE_CHUNK
        writing = ordered_map(_store_writer(destination, wanted, folder), chunks, run.options.jobs, least=2)
        maps.append(writing)
        stats: Iterator[list[WrittenStat | None]] = writing
        try:
            rendered = _started(rendering)
            stats = _started(writing) if meanwhile else stats
        except BaseException:
            _close(maps)
            raise
        written_back = (stat for chunk in stats for stat in chunk)
    else:
        stored = destination.source.read_many(wanted)
    planning = time.perf_counter() - started
    files = _pages(run, plan, env, destination, _Made(rendered, written_back, stored), planning)
    digests = dict(zip(plan.jobs.paths, plan.digests, strict=True))
    return PageFiles(digests, plan.data, files, meanwhile, tuple(maps), ahead=folder is not None and not meanwhile)


@dataclass(frozen=True)
class _Made:
    """Where the plan's pages come from: the rendered pages (bytes, or with the stats of the file a worker wrote),
    in order; the stats of those read back from the store and written by a worker (None: the workers do not
    write); the bytes of those read back here."""

    rendered: Iterator[tuple[bytes, WrittenStat | None]]
    written_back: Iterator[WrittenStat | None] | None
    stored: Iterator[bytes | None]


def _pages(
    run: Run, plan: PagePlan, env: Any, destination: Destination, made: _Made, planning: float
) -> Iterator[OutputFile]:
    """The plan's pages, in order, each rendered, read back or kept (`made`); those the workers wrote as stats."""
    store = destination.store
    rendering = planning  # the plan's time is the phase's too
    for index, (path, digest, action) in enumerate(zip(plan.jobs.paths, plan.digests, plan.actions, strict=True)):
        waited = time.perf_counter()
        if action == FROM_STORE and made.written_back is not None:
            stat = next(made.written_back)  # None: no worker wrote it; read back here, if it can be
            data = destination.source.get(path, digest) if stat is None else None
        else:
            stat, data = None, taken_back(destination, action, digest, made.stored)
        if stat is not None:  # read back from the store and written by a worker
            run.pages_reused += 1
        elif action == RENDER or (action == FROM_STORE and data is None):
            if action == RENDER:
                data, stat = next(made.rendered)
            else:
                data = render_page(env, plan.configs[index], plan.jobs[index], plan.bodies[index])
            if store.keeps:
                blob = data if action == RENDER else compress(data)
                store.put(path, digest, blob)
                data = decompress(blob) if action == RENDER and stat is None else data
            run.pages_rendered += 1
            if stat is None:
                destination.remember_page(digest, data)
        else:
            run.pages_reused += 1
        rendering += time.perf_counter() - waited
        if stat is not None:
            yield OutputFile(path, staged=stat)
        else:
            yield OutputFile(path, data, unchanged=data is None)  # None: kept in the output
        if run.options.progress is not None and index % 200 == 0:
            run.options.progress("pages", index, len(plan.jobs))
    with kept():
        run.cache.articles.record_shapes(run.shapes)
    run.cache.pages.reused = run.pages_reused
    run.timings.append(("render templates", rendering))


def _close(maps: Iterable[Generator[Any, None, None]]) -> None:
    """Close ordered maps: each pool is terminated when its map is closed."""
    for work in maps:
        work.close()


def _started(results: Iterator[T]) -> Iterator[T]:
    """The workers of `results` (ordered_map) started now, the first result awaited, not when a page is asked for."""
    first = list(itertools.islice(results, 1))
    return itertools.chain(first, results)


def _store_writer(
    destination: Destination, wanted: list[tuple[str, str]], folder: str
) -> Callable[[int], list[WrittenStat | None]]:
    """The work of a worker writing pages read back from the page store: the `n`th chunk of `wanted` (path, digest)
    read through a connection of the worker's own, and written below `folder`; each page's stats, or None when the
    store has no such row or the file could not be written (this process then renders or writes it)."""
    readers: dict[int, PageStore] = {}

    def write_back(n: int) -> list[WrittenStat | None]:
        reader = readers.get(os.getpid())
        if reader is None:
            reader = readers[os.getpid()] = destination.source.reader()
        chunk = wanted[n * STORE_CHUNK : (n + 1) * STORE_CHUNK]
        pages = zip(chunk, reader.get_many(chunk), strict=True)
        return [None if data is None else write_in_worker(folder, path, data) for (path, _), data in pages]

    return write_back


def record_plan(run: Run, digests: dict[str, str], destination: Destination) -> None:
    """What the next build needs of this build's pages and data files (`digests`: by path, the digest each was made
    from): the digests, and what the destination keeps of the files (serve: their bytes in memory)."""
    destination.record_pages(list(digests.values()))
    run.cache.pages.record(digests)
