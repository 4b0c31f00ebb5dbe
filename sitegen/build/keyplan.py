"""The key plan: every page's key, with work in proportion to what changed since the last build.

A page's key is its frame and the digests of the articles it names (sitegen.render.frames). The build walks the
frame of the whole site first, about a tenth of the cost of walking every page. When it is the frame the last build
recorded, every page's frame and named articles are as recorded: a page naming no article whose digest changed since
(the record keeps every article's digest by place) has the key it had, recorded with its frame; the others' keys are
made from their frames and this build's article digests (looked up: the cache gave them, or one walk per changed
article). Otherwise, and for a page the record lacks, the page is walked, on every core, and its frame recorded for
the next build.

A page's named articles are kept as places in its site's articles (newest first): the same site frame means the
same articles in the same order. A page naming an article object that is not its site's (none does today) has no
frame recorded and is always walked.

The data files (feeds, sitemaps, robots.txt, redirects: render/datafiles.py) are keyed here with the pages, as pages
whose template is their function: a rebuild whose site frame held keeps the key of each one that names no changed
article without making its arguments (the sitemap's list every page of the site).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, Protocol

from sitegen.build.parallel import ordered_map
from sitegen.incremental.pagerecord import Frame, PageRecord
from sitegen.model import Article, Config
from sitegen.render.frames import FrameKeys, ShapingDigests, SitePart, framed_key
from sitegen.render.keys import ContextKeys


class Keyed(Protocol):
    """A page (render.pages.PageJob) or a data file (render.datafiles.DataJob), as the key plan sees it."""

    @property
    def path(self) -> str: ...

    @property
    def template(self) -> str: ...

    def rendered_from(self, config: Config) -> dict[str, Any]: ...


@dataclass(frozen=True)
class KeyPlan:
    """What a page plan keys: its pages and data files, the config each renders with, and the site each belongs
    to."""

    jobs: Sequence[Keyed]
    configs: Sequence[Config]
    owners: Sequence[int]  # each page's site, by its place in `sites`
    sites: Sequence[SitePart]
    templates: Mapping[str, str]  # each template's digest (with everything it pulls in)


def page_digests(
    plan: KeyPlan, keys: ContextKeys, record: PageRecord, folders: Sequence[PurePath], jobs: int
) -> list[str]:
    """Every page's key, in plan order; the frames of this build go into `record` for the next one."""
    frames = FrameKeys(folders)
    shaping = ShapingDigests(keys, record.shaping)
    site_frame = frames.site_frame(plan.sites, plan.templates, shaping)
    places = [{id(article): n for n, article in enumerate(site.articles)} for site, _, _ in plan.sites]
    digests_of = [[_digest(keys, article) for article in site.articles] for site, _, _ in plan.sites]

    def walked(i: int) -> tuple[str, Frame | None]:
        job = plan.jobs[i]
        frame, named = frames.page_frame(plan.templates[job.template], job.rendered_from(plan.configs[i]))
        key = framed_key(frame, [_digest(keys, article) for article in named])
        place = places[plan.owners[i]]
        if not all(id(article) in place for article in named):
            return key, None
        return key, (frame, tuple(place[id(article)] for article in named))

    kept = record.frames if record.site_frame == site_frame else {}
    changed = _changed_places(digests_of, record.article_digests) if kept else []
    sizes = [len(site.articles) for site, _, _ in plan.sites]
    todo = [i for i, job in enumerate(plan.jobs) if not _fits(kept.get(job.path), sizes[plan.owners[i]])]
    results = dict(zip(todo, ordered_map(lambda n: walked(todo[n]), len(todo), jobs), strict=True))
    digests, recorded, framed = [], {}, {}
    for i, job in enumerate(plan.jobs):
        if i in results:
            key, frame = results[i]
        else:
            frame = kept[job.path]
            owner = plan.owners[i]
            known = record.framed.get(job.path) if changed[owner].isdisjoint(frame[1]) else None
            if known is None:  # it names an article that changed: its key is made anew (each digest looked up)
                named = digests_of[owner]
                known = framed_key(frame[0], [named[n] for n in frame[1]])
            key = known
        digests.append(key)
        if frame is not None:
            recorded[job.path], framed[job.path] = frame, key
    record.record_frames(site_frame, recorded, shaping.used, framed, tuple(map(tuple, digests_of)))
    return digests


def _changed_places(now: Sequence[Sequence[str]], before: Sequence[Sequence[str]]) -> list[frozenset[int]]:
    """For each site, the places whose article's digest is not the one the last build recorded: a page naming none
    of them is keyed as that build keyed it (its frame holds: the site's frame is the same). A site whose record
    lacks or differs in length has every place changed."""
    changed = []
    for k, digests in enumerate(now):
        last = before[k] if k < len(before) else ()
        if len(last) != len(digests):
            changed.append(frozenset(range(len(digests))))
        else:
            changed.append(frozenset(n for n, (a, b) in enumerate(zip(digests, last, strict=True)) if a != b))
    return changed


def _fits(frame: Frame | None, articles: int) -> bool:
    """Whether a recorded frame can stand for its page (a damaged record may name places its site lacks)."""
    return frame is not None and (not frame[1] or max(frame[1]) < articles)


def _digest(keys: ContextKeys, article: Article) -> str:
    """An article's digest: a look-up for the cache's and the pages' articles (walked once otherwise)."""
    digest = keys.value(article)
    assert isinstance(digest, str)  # an Article has fields of many kinds: never one of plain fields only
    return digest
