"""Which pages a site has, in a stable order: every page's path and template at hand, its job (everything it is
rendered from) made only when asked for. Pure: Site in, jobs out.

A rebuild after an edit keys most pages by their recorded frames (build/keyplan.py) and keeps them: it needs their
paths, never what they show. So `page_jobs` lists each kind of page as a `Stretch`, the paths of its pages and how
to make the job of the n-th, and a `JobList` makes a job the first time it is asked for: an edit at 100,000
articles made 136,000 jobs for the dozen pages it renders (half a second).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Generic, Protocol, TypeVar, overload

from sitegen.model import Config, Listing, Site, output_path_for
from sitegen.render.portal import portal_jobs
from sitegen.render.seo import collection_page, news_article, website


class Placed(Protocol):
    """A page job or a data file's job (render.datafiles.DataJob): where it goes and what renders it."""

    @property
    def path(self) -> str: ...

    @property
    def template(self) -> str: ...


J = TypeVar("J", bound=Placed)


@dataclass(frozen=True)
class Stretch(Generic[J]):
    """Jobs of one kind, in order: their paths and templates, and what makes the n-th job. Each job is made once and
    kept (`job`): every list joined from this stretch has the same object (the key plan's list and the page plan's)."""

    paths: Sequence[str]
    templates: Sequence[str]
    make: Callable[[int], J]
    made_jobs: dict[int, J] = field(default_factory=dict, compare=False, repr=False)

    def job(self, index: int) -> J:
        job = self.made_jobs.get(index)
        if job is None:
            job = self.made_jobs[index] = self.make(index)
            if job.path != self.paths[index]:  # the paths and the jobs are made apart: they must agree
                raise AssertionError(f"a job for {job.path} where {self.paths[index]} was listed")
        return job

    @classmethod
    def made(cls, jobs: Sequence[J]) -> Stretch[J]:
        """Jobs made already (the few pages of their kind, the data files)."""
        return cls([job.path for job in jobs], [job.template for job in jobs], jobs.__getitem__)


class JobList(Sequence[J]):
    """Jobs in order, each made when first asked for and then kept (the same object every time, in every list
    joined from the same stretches); `paths` and `templates` list every job's without making any."""

    def __init__(self, stretches: Sequence[Stretch[J]]) -> None:
        self._stretches = tuple(stretches)
        self._starts = list(itertools.accumulate((len(s.paths) for s in self._stretches), initial=0))
        self.paths: list[str] = [path for stretch in self._stretches for path in stretch.paths]
        self.templates: list[str] = [name for stretch in self._stretches for name in stretch.templates]

    def __len__(self) -> int:
        return len(self.paths)

    @overload
    def __getitem__(self, index: int) -> J: ...

    @overload
    def __getitem__(self, index: slice) -> list[J]: ...

    def __getitem__(self, index: int | slice) -> J | list[J]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        stretch = bisect.bisect_right(self._starts, index) - 1  # an empty stretch shares its start: skipped
        return self._stretches[stretch].job(index - self._starts[stretch])

    def __iter__(self) -> Iterator[J]:
        return map(self.__getitem__, range(len(self)))

    def __add__(self, other: JobList[Any]) -> JobList[Any]:
        """This list then `other` (the same stretches: a job made through either is the joined list's)."""
        return JobList((*self._stretches, *other._stretches))


@dataclass(frozen=True, slots=True)
class PageJob:
    """One page to render: where it goes and everything it is rendered from (its key is a digest of that)."""

    path: str
    template: str
    url: str | None  # None for 404.html, which is served at any URL
    current: str | None  # the navigation item to mark
    variables: dict[str, Any]
    structured: Callable[[], object] | None = None  # JSON-LD, made only when the page is rendered
    shows_body: bool = False  # the page shows its `article` variable's body, fetched when the page is rendered

    def rendered_from(self, config: Config) -> dict[str, Any]:
        """Everything `render_page` renders this page from, for its key: the body is the article's (its fingerprint
        is the body's key); the rest of the template's context (labels, nav, canonical URL) derives from these."""
        return {
            "page": (config, self.path, self.template, self.url, self.current, self.structured, self.shows_body),
            "variables": self.variables,
        }


Maker = Callable[..., PageJob]  # _job_maker's `job`: (template, url, current, structured, **variables)


def edition_prefix(config: Config) -> str:
    """Where an edition's pages go (its prefix); the source's at the top ("")."""
    return config.edition.prefix if config.edition is not None else ""


def page_path(prefix: str, url: str | None) -> str:
    """The file a page at `url` is written to (404.html for the page served at any URL: None)."""
    return prefix + (output_path_for(url) if url is not None else "404.html")


def page_jobs(site: Site, search_url: str | None = None, shared: dict[str, Any] | None = None) -> JobList[PageJob]:
    """Every HTML page of the site, in a stable order. With `search_url`, every page links to the search page.

    An edition's site (`config.edition` set) puts every page under the edition's prefix; `shared`: variables of
    every page (an edition's converted labels). The listings' and the articles' jobs are made when asked for."""
    job = _job_maker(site, search_url, shared)
    prefix = edition_prefix(site.config)

    def stretch(template: str, urls: list[str], make: Callable[[int], PageJob]) -> Stretch[PageJob]:
        return Stretch([page_path(prefix, url) for url in urls], [template] * len(urls), make)

    columns, tags, articles = site.listings, site.tag_listings, site.article_pages
    last = [*portal_jobs(site, job), *([job("search.html", search_url, None)] if search_url is not None else [])]
    return JobList(
        [
            Stretch.made([_home_job(site, job)]),
            stretch("column.html", [c.url for c in columns], lambda n: _column_job(site, job, columns[n])),
            Stretch.made([job("tags.html", "tags/", None, tags=site.tags)] if site.tags else []),
            stretch("tag.html", [t.url for t in tags], lambda n: _tag_job(site, job, tags[n])),
            stretch("article.html", [a.article.url for a in articles], lambda n: _article_job(site, job, n)),
            Stretch.made([*last, job("404.html", None, None)]),
        ]
    )


def _job_maker(site: Site, search_url: str | None, shared: dict[str, Any] | None) -> Maker:
    """The `job` that every page is made with: under the edition's prefix, with the variables of every page."""
    prefix = edition_prefix(site.config)

    def job(
        template: str,
        url: str | None,
        current: str | None,
        structured: Callable[[], object] | None = None,
        **variables: Any,
    ) -> PageJob:
        path = page_path(prefix, url)
        url = prefix + url if url is not None else None
        # grey pages (mourning) come and go by the clock; an edition's converted labels are shared by its pages
        variables = {"search_url": search_url, "mourning": site.mourning, **(shared or {}), **variables}
        return PageJob(path, template, url, current, variables, structured, "article" in variables)

    return job


def _home_job(site: Site, job: Maker) -> PageJob:
    home = site.home
    return job(
        "home.html",
        "",
        "",
        partial(website, site.config),
        leads=home.leads,
        latest=home.latest,
        column_blocks=home.column_blocks,
        most_read=home.most_read,
    )


def _column_job(site: Site, job: Maker, listing: Listing) -> PageJob:
    assert listing.column is not None
    structured = partial(collection_page, site.config, listing.column.title, listing.url, listing.articles)
    leads = site.column_leads.get(listing.column.slug, ()) if listing.number == 1 else ()
    return job(
        "column.html", listing.url, listing.column.slug, structured, column=listing.column, listing=listing, leads=leads
    )


def _tag_job(site: Site, job: Maker, listing: Listing) -> PageJob:
    assert listing.tag is not None
    structured = partial(collection_page, site.config, listing.tag.name, listing.url, listing.articles)
    return job("tag.html", listing.url, None, structured, tag=listing.tag, listing=listing)


def _article_job(site: Site, job: Maker, index: int) -> PageJob:
    item = site.article_pages[index]
    article = item.article
    return job(
        "article.html",
        article.url,
        article.column,
        partial(news_article, article, site.config),
        article=article,
        column=item.column,
        previous=item.previous,
        next=item.next,
        extra_images=article.unplaced_images,
        related=item.related,
        authors=item.authors,
        editor=item.editor,
    )
