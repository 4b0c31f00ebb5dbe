"""The page jobs of a portal's extra pages: author pages (authors/), the date archive (archive/). Pure.

`page_jobs` (render/pagejobs.py) hands over its `job` maker, so that these pages are made (and keyed by their whole
context, render/keys.py) the same way as every other page."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from sitegen.model import Site
from sitegen.render.labels import labels_for
from sitegen.render.seo import collection_page
from sitegen.urls import ARCHIVE_URL, AUTHORS_URL

JobMaker = Callable[..., Any]  # pagejobs.page_jobs' `job`: (template, url, current, structured, **variables)


def period_title(labels: Mapping[str, str], year: int, month: int) -> str:
    """2024年, 2024年3月 (or March 2024): the heading of an archive page."""
    return labels["archive_month"].format(year, month) if month else labels["archive_year"].format(year)


def portal_jobs(site: Site, job: JobMaker) -> list[Any]:
    config = site.config
    labels = labels_for(config.language)
    jobs = []
    if site.authors:
        jobs.append(job("authors.html", AUTHORS_URL, None, authors=site.authors))
    for listing in site.author_listings:
        author = listing.author
        assert author is not None
        structured = partial(collection_page, config, author.name, listing.url, listing.articles)
        jobs.append(job("author.html", listing.url, None, structured, author=author, listing=listing))
    jobs.append(job("archives.html", ARCHIVE_URL, None, archive=site.archive))
    for listing in site.archive_listings:
        period = listing.period
        assert period is not None
        year = next(p for p in site.archive if p.year == period.year and not p.month)
        months = tuple(p for p in site.archive if p.year == period.year and p.month)
        title = period_title(labels, period.year, period.month)
        structured = partial(collection_page, config, title, listing.url, listing.articles)
        jobs.append(
            job(
                "archive.html",
                listing.url,
                None,
                structured,
                period=period,
                year=year,
                months=months,
                listing=listing,
            )
        )
    return jobs
