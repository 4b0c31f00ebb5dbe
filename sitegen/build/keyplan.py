"""The key plan: every page's key, with work in proportion to what changed since the last build.

A page's key is its frame and the digests of the articles it names (sitegen.render.frames). The build walks the
frame of the whole site first, about a tenth of the cost of walking every page. When it is the frame the last build
recorded, every page's frame and named articles are as recorded: a page naming no article whose digest changed since
(the record keeps every article's digest by place) has the key it had, recorded with its frame; the others' keys are
made from their frames and this build's article digests (looked up: the cache gave them, or one walk per changed
article). Otherwise, and for a page the record lacks, the page is walked, on every core, and its frame recorded for
the next build.

When the source's Site is the last build's (kept: incremental/siteshape.py, its articles' shaping fields as they
were) and there is no edition, the site's frame is the recorded one as long as what it is made of besides the Site
is (`frame_inputs`: sitegen, the templates' digests, the search page and the shared variables): it is then taken
from the record, not walked, and the pages' keys are read from their recorded frames in bulk.

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
from typing import Any, Protocol, cast

from sitegen.build.parallel import ordered_map
from sitegen.incremental.pagerecord import Frame, PageRecord
from sitegen.model import Config
from sitegen.render.frames import FrameKeys, ShapingDigests, SitePart, framed_key
from sitegen.render.keys import ContextKeys
from sitegen.render.pagejobs import JobList


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

    jobs: JobList[Any]  # of Keyed, each made when asked for: a page keyed by its recorded frame never is
    configs: Sequence[Config]
    owners: Sequence[int]  # each page's site, by its place in `sites`
    sites: Sequence[SitePart]
    templates: Mapping[str, str]  # each template's digest (with everything it pulls in)
    site_kept: bool = False  # the source's Site is the last build's, its articles' shaping fields as they were


def page_digests(
    plan: KeyPlan, keys: ContextKeys, record: PageRecord, folders: Sequence[PurePath], jobs: int
) -> list[str]:
    """Every page's key, in plan order; the frames of this build go into `record` for the next one."""
    frames = FrameKeys(folders)
    shaping = ShapingDigests(keys, record.shaping)
    inputs = frames.frame_inputs(plan.sites, plan.templates)
    if plan.site_kept and len(plan.sites) == 1 and record.site_frame and record.frame_inputs == inputs:
        site_frame = record.site_frame  # the last build's Site (incremental/siteshape), templates and variables
        shaping.carry(plan.sites[0][0].articles)
    else:
        site_frame = frames.site_frame(plan.sites, plan.templates, shaping)
    places = [{id(article): n for n, article in enumerate(site.articles)} for site, _, _ in plan.sites]
    digests_of = [list(map(keys.article_digest, site.articles)) for site, _, _ in plan.sites]

    def walked(i: int) -> tuple[str, Frame | None]:
        job = plan.jobs[i]
        frame, named = frames.page_frame(plan.templates[job.template], job.rendered_from(plan.configs[i]))
        key = framed_key(frame, [keys.article_digest(article) for article in named])
        place = places[plan.owners[i]]
        if not all(id(article) in place for article in named):
            return key, None
        return key, (frame, tuple(place[id(article)] for article in named))

    kept = record.frames if record.site_frame == site_frame else {}
    changed = _changed_places(digests_of, record.article_digests) if kept else []
    sizes = [len(site.articles) for site, _, _ in plan.sites]
    todo = [i for i, path in enumerate(plan.jobs.paths) if not _fits(kept.get(path), sizes[plan.owners[i]])]
    if kept and not todo:
        digests, recorded, framed = _from_frames(plan, record, changed, digests_of)
    else:
        results = dict(zip(todo, ordered_map(lambda n: walked(todo[n]), len(todo), jobs), strict=True))
        digests, recorded, framed = [], {}, {}
        for i, path in enumerate(plan.jobs.paths):
            if i in results:
                key, frame = results[i]
            else:
                frame = kept[path]
                key = _kept_key(record, path, frame, changed[plan.owners[i]], digests_of[plan.owners[i]])
            digests.append(key)
            if frame is not None:
                recorded[path], framed[path] = frame, key
    record.record_frames(site_frame, recorded, shaping.used, framed, tuple(map(tuple, digests_of)), inputs)
    return digests


def _from_frames(
    plan: KeyPlan, record: PageRecord, changed: Sequence[frozenset[int]], digests_of: Sequence[Sequence[str]]
) -> tuple[list[str], dict[str, Frame], dict[str, str]]:
    """Every page's key from its recorded frame (the site's frame held and every page has one): the key recorded
    with it, or, for a page naming an article whose digest changed, made anew. Told in bulk: a rebuild after an edit
    of one text at 100,000 articles walked 140,000 pages one at a time."""
    paths = plan.jobs.paths
    recorded = {path: record.frames[path] for path in paths}
    digests: list[str | None] = list(map(record.framed.get, paths))
    for i, path in enumerate(paths):
        frame = recorded[path]
        owner = plan.owners[i]
        if digests[i] is None or not changed[owner].isdisjoint(frame[1]):
            digests[i] = _kept_key(record, path, frame, changed[owner], digests_of[owner])
    keys = cast(list[str], digests)
    return keys, recorded, dict(zip(paths, keys, strict=True))


def _kept_key(record: PageRecord, path: str, frame: Frame, changed: frozenset[int], digests: Sequence[str]) -> str:
    """The key of a page whose recorded frame holds: as recorded when it names no article whose digest changed
    (`changed`: their places), else made from the frame and this build's digests (`digests`, by place)."""
    known = record.framed.get(path) if changed.isdisjoint(frame[1]) else None
    if known is None:  # it names an article that changed: its key is made anew (each digest looked up)
        known = framed_key(frame[0], [digests[n] for n in frame[1]])
    return known


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
