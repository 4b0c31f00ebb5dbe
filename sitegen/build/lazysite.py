"""`sitegen serve`'s site: loaded on every change, each file made only when it is asked for.

serve_site loads the site (only the sources that changed are read again, through serve's in-memory cache), converts
its editions and makes the page jobs of the source and of each edition, as `sitegen build` does; the LazySite it
returns maps every output path to how to make it. A page is rendered when it is first requested (with the same
environment, config, job and bodies as the build, so with the same bytes) and remembered for that generation.
Files that are costly and rarely requested are made as a group, once per generation, on the first request for a
path that is no page: the feeds, sitemap, robots.txt and redirects (render.pages.data_files); the search indexes
(only for a path in a search folder). Pictures and assets are known from loading: they are copies.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sitegen.build.editions import EditionView, load_edition
from sitegen.build.load import LoadedSite
from sitegen.build.options import BuildOptions
from sitegen.build.pipeline import load_run
from sitegen.build.run import Run
from sitegen.build.searchfiles import edition_search_files, search_files
from sitegen.incremental.cache import BuildCache
from sitegen.incremental.pages import PageStore
from sitegen.layout import TEMPLATES_DIR
from sitegen.model import BodyOf, Config, OutputFile
from sitegen.render.pages import PageJob, data_files, make_environment, page_jobs, render_page
from sitegen.search.index import SEARCH_URL

# the search indexes of every generation update one state in serve's memory: made by one generation at a time
_GROUPS = threading.Lock()
DATA, SEARCH = "data", "search"


@dataclass(frozen=True, slots=True)
class PageRecipe:
    """How one page is made: the job, the config it renders with (the source's or an edition's) and its bodies."""

    job: PageJob
    config: Config
    body: BodyOf


class LazySite:
    """One generation of the served site: every output path and how to make its file, made on request."""

    def __init__(
        self, run: Run, loaded: LoadedSite, views: list[EditionView], env: Any, templates: Collection[Path]
    ) -> None:  # env: a Jinja Environment
        self.run, self.loaded, self.views, self.env = run, loaded, views, env
        self.templates = frozenset(templates)  # the site's template files this generation's environment knows
        self.recipes = _recipes(loaded, views, SEARCH_URL if run.options.search else None)
        self.static = {file.path: file for file in loaded.static_files}
        self.search_folders = (SEARCH_URL, *(view.edition.prefix + SEARCH_URL for view in views))
        self._pages: dict[str, bytes] = {}
        self._groups: dict[str, dict[str, OutputFile]] = {}

    @property
    def rendered(self) -> frozenset[str]:
        """The pages this generation has rendered so far."""
        return frozenset(self._pages)

    def page(self, path: str) -> bytes:
        """A page's bytes, rendered on its first request in this generation; BuildFailed for a template error."""
        data = self._pages.get(path)
        if data is None:
            recipe = self.recipes[path]
            data = render_page(self.env, recipe.config, recipe.job, recipe.body)
            self._pages[path] = data  # two requests at once may both render it: the same bytes
        return data

    def file(self, path: str) -> OutputFile | None:
        """The file at an output path, or None when the site has none there."""
        if path in self.recipes:
            return OutputFile(path, self.page(path))
        if path in self.static:
            return self.static[path]
        return self.group(SEARCH if path.startswith(self.search_folders) else DATA).get(path)

    def holds(self, path: str) -> bool:
        """Whether the site has a file at an output path (nothing is rendered to tell)."""
        if path in self.recipes or path in self.static:
            return True
        return path in self.group(SEARCH if path.startswith(self.search_folders) else DATA)

    def group(self, name: str) -> dict[str, OutputFile]:
        """The files of a group (DATA or SEARCH), made on the first call in this generation."""
        made = self._groups.get(name)
        if made is not None:
            return made
        with _GROUPS:
            if name not in self._groups:
                self._groups[name] = {file.path: file for file in self._make(name)}
            return self._groups[name]

    def _make(self, name: str) -> Iterator[OutputFile]:
        sites = [(self.loaded.site, self.loaded.body), *((view.site, view.body) for view in self.views)]
        if name == DATA:
            for site, body in sites:
                yield from data_files(site, body)
        elif self.run.options.search:
            yield from search_files(self.run, self.loaded, None)
            for view in self.views:
                yield from edition_search_files(self.run, view, None)

    def everything(self) -> dict[str, OutputFile]:
        """Every file of the site, each made (as `build_in_memory` gives them): for tests and tools."""
        files = {path: OutputFile(path, self.page(path)) for path in self.recipes}
        files |= self.group(DATA) | self.group(SEARCH) | self.static
        return files

    def check_templates(self) -> None:
        """Render one page of every template (each then compiled, once per environment): a template that does not
        compile, or is not UTF-8, fails the rebuild (BuildFailed) rather than the first request that needs it."""
        first: dict[str, str] = {}
        for path, recipe in self.recipes.items():
            first.setdefault(recipe.job.template, path)
        for path in first.values():
            self.page(path)


def _recipes(loaded: LoadedSite, views: list[EditionView], search_url: str | None) -> dict[str, PageRecipe]:
    """Every page of the source, then of each edition under its prefix, as the build's page plan makes them."""
    recipes = {job.path: PageRecipe(job, loaded.site.config, loaded.body) for job in page_jobs(loaded.site, search_url)}
    for view in views:
        for job in page_jobs(view.site, search_url, dict(view.shared)):
            recipes[job.path] = PageRecipe(job, view.site.config, view.body)
    return recipes


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
    assert options.cache is not None
    run = Run(site_dir, options, options.cache, PageStore())
    loaded = load_run(run)
    views = [load_edition(loaded, edition, options.jobs) for edition in loaded.site.config.editions]
    templates_dir = site_dir / TEMPLATES_DIR
    templates = _template_files(templates_dir)
    reuse = previous is not None and changed is not None and previous.templates == templates
    reuse = reuse and not any(_inside(path, templates_dir) for path in changed or ())
    env = previous.env if reuse and previous is not None else make_environment(templates_dir, options.theme)
    site = LazySite(run, loaded, views, env, templates)
    if not reuse:
        site.check_templates()
    return site


def _template_files(folder: Path) -> frozenset[Path]:
    return frozenset(path for path in folder.rglob("*") if path.is_file()) if folder.is_dir() else frozenset()


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents
