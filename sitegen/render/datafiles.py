"""The data files of a site: its Atom feeds, sitemap.xml, robots.txt and the redirects from old addresses. Pure.

Each is a `DataJob`: the pure function that makes its bytes and the arguments it makes them from. A build keys the
file by those (sitegen.render.keys: the function's name and every argument walked, articles by their digests) and
makes only the files whose key changed (sitegen.build.dataplan); a key cannot leave out what the file shows, since
the arguments are all the function is given. A feed's article bodies (full-content feeds) are the articles': each
article's fingerprint, in its digest, is its body's key.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sitegen.model import BodyOf, Config, OutputFile, Site
from sitegen.render.feeds import atom_feed, feed_arguments, robots_txt, sitemap, sitemap_pages
from sitegen.render.redirects import netlify_map, nginx_map, redirect_page, redirects
from sitegen.urls import REDIRECT_MAPS, alias_output_path

# stands where a page's key has its template's digest: a data file has none (its function is in its key)
DATA_FILE = "data file"


@dataclass(frozen=True, slots=True)
class DataJob:
    """One data file: its bytes are `function(*arguments)`; a feed's (`feed`) also get the bodies and the entries
    the feeds of one site share (see `make_data_file`). `given`: the arguments, or what makes them when they are
    first asked for (the sitemap's list every page: a rebuild whose key plan keeps the file never makes it)."""

    path: str
    function: Callable[..., bytes]
    given: tuple[Any, ...] | Callable[[], tuple[Any, ...]]
    feed: bool = False

    @property
    def arguments(self) -> tuple[Any, ...]:
        return self.given() if callable(self.given) else self.given

    @property
    def template(self) -> str:
        """Where a page has its template, for the key plan (build/keyplan.py), which keys data files with pages."""
        return DATA_FILE

    def made_from(self) -> dict[str, Any]:
        """What the file is made from, for its key."""
        return {"function": self.function, "arguments": self.arguments}

    def rendered_from(self, config: Config) -> dict[str, Any]:
        """As a page's, for the key plan: what the file is made from (its site's config is among its arguments)."""
        return self.made_from()


def data_jobs(site: Site) -> list[DataJob]:
    """The feeds (the site's, one per column, one per author), the sitemap, robots.txt, and a redirect page per alias
    with the two maps of them, in a stable order. An edition's feeds and sitemap are under its prefix, and it has
    neither robots.txt nor redirects of its own (the old addresses were the source's)."""
    config = site.config
    prefix = config.edition.prefix if config.edition is not None else ""
    jobs = [DataJob(prefix + path, atom_feed, arguments, feed=True) for path, arguments in feed_arguments(site)]
    jobs.append(DataJob(prefix + "sitemap.xml", sitemap, functools.cache(lambda: (config, sitemap_pages(site)))))
    if prefix:
        return jobs
    jobs.append(DataJob("robots.txt", robots_txt, (config,)))
    pairs = redirects(site)
    if pairs:  # a site without aliases has no redirect files
        jobs += [DataJob(alias_output_path(alias), redirect_page, (config, alias, a)) for alias, a in pairs]
        targets = tuple((alias, article.url) for alias, article in pairs)
        netlify_file, nginx_file = REDIRECT_MAPS
        jobs.append(DataJob(netlify_file, netlify_map, (config, targets)))
        jobs.append(DataJob(nginx_file, nginx_map, (config, targets)))
    return jobs


def make_data_file(job: DataJob, body_of: BodyOf, entries: dict[str, list[str]]) -> bytes:
    """The bytes of `job`. `entries`: each article's feed entry by source path, filled as feeds are made, shared by
    the feeds of one site (an article is in the site's feed, its column's and each of its authors')."""
    if job.feed:
        return job.function(*job.arguments, body_of=body_of, entries=entries)
    return job.function(*job.arguments)


def data_files(site: Site, body_of: BodyOf) -> Iterator[OutputFile]:
    """Every data file of `site`, made."""
    entries: dict[str, list[str]] = {}
    for job in data_jobs(site):
        yield OutputFile(job.path, make_data_file(job, body_of, entries))
