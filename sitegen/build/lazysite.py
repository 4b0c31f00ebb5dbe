"""`sitegen serve`'s site: loaded on every change, each file made only when it is asked for.

serve_site loads the site (only the sources that changed are read again, through serve's in-memory cache) and makes
the page jobs of the source as `sitegen build` does; the LazySite it returns maps every output path to how to make
it. A page is rendered when it is first requested (with the same environment, config, job and bodies as the build,
so with the same bytes) and remembered for that generation. What is costly and rarely requested is made on the
first request that needs it, once per generation, under a lock:

  editions      each edition converted (build/editions.py) and its page jobs: on a path under an edition's prefix
  data files    the feeds, sitemap, robots.txt and redirects (render.pages.data_files): on a path that is no page
  search        the search indexes (build/searchfiles.py): on a path under a search folder

Pictures and assets are known from loading: they are copies.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Collection, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sitegen import toolchain
from sitegen.build.collector import paused
from sitegen.build.destination import ServeMemory
from sitegen.build.editions import EditionView, load_edition
from sitegen.build.load import LoadedSite
from sitegen.build.options import BuildOptions
from sitegen.build.pipeline import load_run
from sitegen.build.run import Run
from sitegen.build.searchfiles import edition_search_files, search_files
from sitegen.incremental.cache import BuildCache
from sitegen.incremental.edits import source_edits
from sitegen.incremental.pages import PageStore
from sitegen.incremental.slugs import SlugMemo, load_slugs
from sitegen.layout import TEMPLATES_DIR
from sitegen.model import BodyOf, Config, OutputFile
from sitegen.render.pagejobs import JobList, PageJob, page_jobs
from sitegen.render.pages import data_files, make_environment, render_page
from sitegen.search.index import SEARCH_URL
from sitegen.urls import REDIRECT_MAPS, alias_output_path

# the search indexes of every generation update one state in serve's memory: made by one generation at a time
_GROUPS = threading.Lock()
# what loads the site, and what converts an edition, change the body store together: one at a time
_STORE = threading.RLock()
# one page rendered at a time: the environment's include memo (render/memo.py) traces one render at a time, and
# an environment is shared by the generations its templates did not change in (the GIL would serialise them anyway)
_RENDER = threading.Lock()
DATA, SEARCH = "data", "search"
DATA_NAMES = ("robots.txt", *REDIRECT_MAPS)  # data_files' files that are no feed or sitemap


@dataclass(frozen=True, slots=True)
class PageRecipe:
    """How one page is made: its job (made when first asked for: render/pagejobs.py), the config it renders with (the
    source's or an edition's) and its bodies."""

    jobs: JobList[PageJob]
    place: int  # the page's in `jobs`
    template: str
    config: Config
    body: BodyOf

    @property
    def job(self) -> PageJob:
        return self.jobs[self.place]


class LazySite:
    """One generation of the served site: every output path and how to make its file, made on request."""

    def __init__(
        self, run: Run, loaded: LoadedSite, env: Any, templates: Collection[Path], slugs: SlugMemo
    ) -> None:  # env: a Jinja Environment
        self.run, self.loaded, self.env, self.slugs = run, loaded, env, slugs
        # the store's articles as this generation left them: the next load trusts them only if they still are
        self.stored = run.cache.articles.by_path
        self.templates = frozenset(templates)  # the site's template files this generation's environment knows
        self.new_environment = True  # its Jinja environment is not the last generation's (set by _load)
        self.search_url = SEARCH_URL if run.options.search else None
        source = page_jobs(loaded.site, self.search_url)
        self.recipes = _recipes(source, loaded.site.config, loaded.body)
        self.static = {file.path: file for file in loaded.static_files}
        editions = loaded.site.config.editions
        self.prefixes = tuple(edition.prefix for edition in editions)
        self.search_folders = (SEARCH_URL, *(prefix + SEARCH_URL for prefix in self.prefixes))
        self._views: list[EditionView] | None = None if editions else []
        self._pages: dict[str, bytes] = {}
        self._groups: dict[str, dict[str, OutputFile]] = {}
        self._aliases: set[str] | None = None  # the output paths of the articles' redirect pages

    @property
    def rendered(self) -> frozenset[str]:
        """The pages this generation has rendered so far."""
        return frozenset(self._pages)

    def page(self, path: str) -> bytes:
        """A page's bytes, rendered on its first request in this generation; BuildFailed for a template error."""
        data = self._pages.get(path)
        if data is None:
            with _RENDER:
                data = self._pages.get(path)  # rendered meanwhile by another request
                if data is None:
                    recipe = self.recipes[path]
                    data = render_page(self.env, recipe.config, recipe.job, recipe.body)
                    self._pages[path] = data
        return data

    def file(self, path: str) -> OutputFile | None:
        """The file at an output path, or None when the site has none there."""
        if path in self.recipes:
            return OutputFile(path, self.page(path))
        if path in self.static:
            return self.static[path]
        if path.startswith(self.prefixes) and self._views is None:
            self.views()
            if path in self.recipes:
                return OutputFile(path, self.page(path))
        return self._in_group(path)

    def _in_group(self, path: str) -> OutputFile | None:
        if path.startswith(self.search_folders):
            return self.group(SEARCH).get(path)
        # a browser's own requests (favicon.ico, .well-known/...) make no feeds: only a name data_files may give
        return self.group(DATA).get(path) if self._may_be_data(path) else None

    def _may_be_data(self, path: str) -> bool:
        """Whether render.pages.data_files may make a file at `path`: a feed or sitemap (.xml), robots.txt, the
        redirect lists, or an alias's redirect page."""
        if self._aliases is None:
            self._aliases = {alias_output_path(a) for article in self.loaded.site.articles for a in article.aliases}
        name = path.rpartition("/")[2]
        return name.endswith(".xml") or name in DATA_NAMES or path in self._aliases

    def holds(self, path: str) -> bool:
        """Whether the site has a file at an output path (no page is rendered to tell)."""
        if path.startswith(self.prefixes):
            self.views()
        return path in self.recipes or path in self.static or self._in_group(path) is not None

    def views(self) -> list[EditionView]:
        """The editions, converted (only the articles converted by no earlier build) on the first call, and their
        pages added to this generation's."""
        if self._views is None:
            with _STORE:
                if self._views is None:
                    self._views = self._load_editions()
        return self._views

    def _load_editions(self) -> list[EditionView]:
        editions = self.loaded.site.config.editions
        views = [load_edition(self.loaded, edition, self.run.options.jobs) for edition in editions]
        recipes = dict(self.recipes)
        for view in views:
            jobs = page_jobs(view.site, self.search_url, dict(view.shared))
            recipes.update(_recipes(jobs, view.site.config, view.body))
        self.recipes = recipes  # one assignment: a request reads the old map or the whole new one
        return views

    def group(self, name: str) -> dict[str, OutputFile]:
        """The files of a group (DATA or SEARCH), made on the first call in this generation."""
        made = self._groups.get(name)
        if made is not None:
            return made
        views = self.views()
        with _GROUPS:
            if name not in self._groups:
                self._groups[name] = {file.path: file for file in self._make(name, views)}
            return self._groups[name]

    def _make(self, name: str, views: list[EditionView]) -> Iterator[OutputFile]:
        if name == DATA:
            for site, body in [(self.loaded.site, self.loaded.body), *((view.site, view.body) for view in views)]:
                yield from data_files(site, body)
        elif self.run.options.search:
            # the source's index is updated from the one kept in serve's memory, and kept there; an edition's is made
            memory = ServeMemory(self.run.cache, PageStore())
            yield from search_files(self.run, self.loaded, memory)
            for view in views:
                yield from edition_search_files(self.run, view, memory)

    def everything(self) -> dict[str, OutputFile]:
        """Every file of the site, each made (as `build_in_memory` gives them): for tests and tools."""
        self.views()
        files = {path: OutputFile(path, self.page(path)) for path in self.recipes}
        return files | self.group(DATA) | self.group(SEARCH) | self.static

    def check_templates(self) -> None:
        """Render one page of every template (each then compiled, once per environment): a template that does not
        compile, or is not UTF-8, fails the rebuild (BuildFailed) rather than the first request that needs it."""
        first: dict[str, str] = {}
        for path, recipe in self.recipes.items():
            first.setdefault(recipe.template, path)
        for path in first.values():
            self.page(path)


def _recipes(jobs: JobList[PageJob], config: Config, body: BodyOf) -> dict[str, PageRecipe]:
    """Each page's recipe by its path; no job is made until its page is requested."""
    return {
        path: PageRecipe(jobs, place, template, config, body)
        for place, (path, template) in enumerate(zip(jobs.paths, jobs.templates, strict=True))
    }


def serve_site(
    site_dir: Path,
    options: BuildOptions,
    previous: LazySite | None = None,
    changed: Collection[Path] | None = None,
) -> LazySite:
    """The site loaded, its pages to be made on request. `options.cache`: the cache kept in memory from one call to
    the next (only what changed is read again; an empty one when None). `previous` and `changed` (the files changed
    since it, None when unknown): its template environment is kept when no template changed. Raises BuildFailed
    (with every content error, or a template that does not compile) or ConfigError."""
    if options.cache is None:
        options = replace(options, cache=BuildCache())
    # Loading makes many objects and frees few: Python's cycle collector, run each time enough new ones pile up,
    # would walk every live one (the cache's articles, the last generation) again and again, so it is paused; then
    # the generation is frozen, so that the collections rendering pages set off (the first of them on the page the
    # browser reloads) do not walk it either. The last generation's objects are given back to the collector first:
    # what of them became garbage is collected (build/collector.py). Most of it goes by reference counting; what
    # holds cycles is mostly a replaced Jinja environment, so after a template change (the environment that
    # `previous` replaced is unreachable now) a full collection runs here rather than freezing it again.
    gc.unfreeze()
    if previous is not None and previous.new_environment:
        gc.collect()
    with paused(), _STORE:
        site = _load(site_dir, options, previous, changed)
    gc.freeze()
    return site


def _load(
    site_dir: Path, options: BuildOptions, previous: LazySite | None, changed: Collection[Path] | None
) -> LazySite:
    assert options.cache is not None
    run = Run(site_dir, options, options.cache)
    slugs = previous.slugs if previous is not None else None
    if slugs is None:
        slugs = load_slugs(run.cache_folder, toolchain.digest(), run.warnings) if options.disk_cache else SlugMemo()
    edits = None
    if previous is not None and changed is not None and previous.stored is run.cache.articles.by_path:
        edits = source_edits(site_dir.resolve(), changed, previous.stored.keys())
    loaded = load_run(run, slugs, edits)
    templates_dir = site_dir / TEMPLATES_DIR
    templates = _template_files(templates_dir)
    reuse = previous is not None and changed is not None and previous.templates == templates
    reuse = reuse and not any(_inside(path, templates_dir) for path in changed or ())
    env = previous.env if reuse and previous is not None else make_environment(templates_dir, options.theme)
    site = LazySite(run, loaded, env, templates, slugs)
    site.new_environment = previous is not None and env is not previous.env
    if not reuse:
        site.check_templates()
    return site


def _template_files(folder: Path) -> frozenset[Path]:
    return frozenset(path for path in folder.rglob("*") if path.is_file()) if folder.is_dir() else frozenset()


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents
