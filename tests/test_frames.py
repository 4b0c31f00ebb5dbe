"""Page frames (sitegen.render.frames) and the key plan (sitegen.build.keyplan).

The key plan makes a page's key from its recorded frame whenever the site's frame is unchanged. That is sound only
while the Site's assembly and the page jobs never read the fields an edit of an article's text changes
(model.READ_ONLY_THROUGH_THE_ARTICLE): these tests hold them to it on the example site (tags, authors, pictures, an
edition's settings), field by field.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from conftest import FIXED_NOW, REPO_ROOT

from sitegen.build.api import BuildOptions, load_site
from sitegen.build.keyplan import Keyed, KeyPlan, page_digests
from sitegen.content.authors import load_authors
from sitegen.errors import ContentError
from sitegen.incremental.pagerecord import PageRecord
from sitegen.model import READ_ONLY_THROUGH_THE_ARTICLE, Article, Image, Site
from sitegen.render.datafiles import data_jobs
from sitegen.render.frames import FrameKeys, ShapingDigests, framed_key
from sitegen.render.keys import ContextKeys
from sitegen.render.pagejobs import page_jobs
from sitegen.search.index import SEARCH_URL
from sitegen.site import assemble

# a different value of each field an edit of the text may change
TEXT_EDITS: dict[str, Any] = {
    "summary": lambda a: a.summary + "（改）",
    "images": lambda a: (*a.images, Image("assets/images/new.png", "新图")),
    "warnings": lambda a: (*a.warnings, ContentError(a.source_path, 1, "titel", "misspelt")),
    "heading_ids": lambda a: a.heading_ids | {"new-heading"},
    "links": lambda a: (*a.links, ("other.md", 9)),
    "fingerprint": lambda a: "f" * 40,
    "char_count": lambda a: a.char_count + 100,
    "reading_minutes": lambda a: a.reading_minutes + 3,
    "body_html": lambda a: "<p>新的正文</p>",
}


@pytest.fixture(scope="module")
def example() -> tuple[Site, dict[str, Any]]:
    loaded = load_site(REPO_ROOT, BuildOptions(disk_cache=False, now=FIXED_NOW))
    people, errors = load_authors(REPO_ROOT)
    assert not errors
    return loaded.site, people


def _assembled(site: Site, people: dict[str, Any], articles: tuple[Article, ...]) -> Site:
    return assemble(site.config, articles, people, site.mourning)


def _whole(site: Site) -> object:
    """Every part of the Site, the derived ones too, each article named."""
    return FrameKeys().value(site)


def _page_frames(site: Site) -> list[tuple[str, str, tuple[str, ...]]]:
    """The frame of every page and data file (keyed with the pages, build/keyplan.py) and the articles it names."""
    frames = FrameKeys()
    found = []
    jobs: list[Keyed] = [*page_jobs(site, SEARCH_URL), *data_jobs(site)]
    for job in jobs:
        frame, named = frames.page_frame("template", job.rendered_from(site.config))
        found.append((job.path, frame, tuple(article.source_path for article in named)))
    return found


def test_every_field_an_edit_of_the_text_changes_has_a_test() -> None:
    assert set(TEXT_EDITS) == READ_ONLY_THROUGH_THE_ARTICLE


@pytest.mark.parametrize("field", sorted(READ_ONLY_THROUGH_THE_ARTICLE))
def test_the_assembly_and_the_page_jobs_never_read_a_field_of_the_text(example, field: str) -> None:
    site, people = example
    before = _assembled(site, people, site.articles)
    edited = tuple(replace(a, **{field: TEXT_EDITS[field](a)}) for a in site.articles)
    assert all(getattr(a, field) != getattr(b, field) for a, b in zip(edited, site.articles, strict=True))
    after = _assembled(site, people, edited)
    assert _whole(after) == _whole(before)  # listings, article pages, home, tags, authors, archive
    assert _page_frames(after) == _page_frames(before)
    assert FrameKeys().site_frame([(after, None, {})], {}) == FrameKeys().site_frame([(before, None, {})], {})


@pytest.mark.parametrize(
    "edit",
    [
        lambda a: replace(a, date=a.date - timedelta(days=400)),  # moves across listings and the archive
        lambda a: replace(a, title=a.title + "（改）"),
        lambda a: replace(a, tags=(*a.tags, "新标签")),
        lambda a: replace(a, unplaced_images=(Image("assets/images/new.png"),)),  # its own page lists them
        lambda a: replace(a, views=a.views + 1),
    ],
)
def test_any_other_field_changes_the_sites_frame(example, edit) -> None:
    site, people = example
    edited = (edit(site.articles[3]), *site.articles[:3], *site.articles[4:])
    sites = (site, _assembled(site, people, edited))
    frames = [FrameKeys().site_frame([(s, SEARCH_URL, {})], {"a.html": "1"}) for s in sites]
    assert frames[0] != frames[1]


def test_the_sites_frame_covers_templates_the_search_page_and_the_shared_variables(example) -> None:
    site, _ = example
    frame = FrameKeys().site_frame([(site, SEARCH_URL, {})], {"a.html": "1"})
    assert FrameKeys().site_frame([(site, SEARCH_URL, {})], {"a.html": "1"}) == frame
    assert FrameKeys().site_frame([(site, SEARCH_URL, {})], {"a.html": "2"}) != frame
    assert FrameKeys().site_frame([(site, None, {})], {"a.html": "1"}) != frame
    assert FrameKeys().site_frame([(site, SEARCH_URL, {"label": "繁"})], {"a.html": "1"}) != frame


def _plan(site: Site, site_kept: bool = False, template_digest: str = "digest") -> KeyPlan:
    jobs = page_jobs(site, SEARCH_URL)
    templates = {job.template: f"{template_digest} of {job.template}" for job in jobs}
    return KeyPlan(jobs, [site.config] * len(jobs), [0] * len(jobs), [(site, SEARCH_URL, {})], templates, site_kept)


def test_keys_made_from_recorded_frames_equal_keys_walked_afresh(example) -> None:
    site, people = example
    record = PageRecord()
    first = page_digests(_plan(site), ContextKeys(), record, (), 1)
    assert record.site_frame and len(record.frames) == len(first)
    # an edit of one article's text: the site's frame holds, so every key is made from the recorded frames
    target = site.articles[2]
    edited_article = replace(target, summary="新摘要", fingerprint="e" * 40, char_count=target.char_count + 1)
    edited = _assembled(site, people, tuple(edited_article if a is target else a for a in site.articles))
    recorded_frames = dict(record.frames)
    from_record = page_digests(_plan(edited), ContextKeys(), record, (), 1)
    walked = page_digests(_plan(edited), ContextKeys(), PageRecord(), (), 1)
    assert from_record == walked
    changed = {job.path for job, old, new in zip(_plan(edited).jobs, first, walked, strict=True) if old != new}
    assert f"{target.url}index.html" in changed and "index.html" in changed  # its page and the home page show it
    assert len(changed) < len(first) // 2  # the others do not show it
    assert record.frames == recorded_frames


def test_a_recorded_frame_stands_only_for_its_sites_frame_and_places(example) -> None:
    site, _ = example
    plan = _plan(site)
    record = PageRecord()
    keys = page_digests(plan, ContextKeys(), record, (), 1)
    # a frame recorded for another site's frame is not used: every page is walked again
    stale = PageRecord(frames={path: ("0" * 40, ()) for path in record.frames}, site_frame="another")
    assert page_digests(plan, ContextKeys(), stale, (), 1) == keys
    # a damaged record naming an article the site lacks: that page is walked
    damaged = PageRecord(frames=dict(record.frames), site_frame=record.site_frame)
    path = plan.jobs[0].path
    damaged.frames[path] = (damaged.frames[path][0], (len(site.articles) + 5,))
    assert page_digests(plan, ContextKeys(), damaged, (), 1) == keys
    # the key is the frame and the named articles' digests: a forged frame gives another key
    forged = PageRecord(frames=dict(record.frames), site_frame=record.site_frame)
    forged.frames[path] = ("0" * 40, forged.frames[path][1])
    assert page_digests(plan, ContextKeys(), forged, (), 1)[0] == framed_key("0" * 40, _digests(site, forged, path))


def test_a_page_naming_no_changed_article_keeps_the_key_recorded_with_its_frame(example) -> None:
    site, people = example
    record = PageRecord()
    first = page_digests(_plan(site), ContextKeys(), record, (), 1)
    assert record.framed == {job.path: key for job, key in zip(_plan(site).jobs, first, strict=True)}
    assert record.article_digests == (tuple(str(ContextKeys().value(a)) for a in site.articles),)
    # recorded keys are used as they are, not made again (forged ones show it) ...
    forged = PageRecord(
        frames=dict(record.frames),
        site_frame=record.site_frame,
        framed=dict.fromkeys(record.framed, "forged"),
        article_digests=record.article_digests,
    )
    assert set(page_digests(_plan(site), ContextKeys(), forged, (), 1)) == {"forged"}
    # ... but only by a page naming no article whose digest changed: those are keyed anew
    target = site.articles[2]
    edited_article = replace(target, summary="新摘要", fingerprint="e" * 40, char_count=target.char_count + 1)
    edited = _assembled(site, people, tuple(edited_article if a is target else a for a in site.articles))
    forged = PageRecord(
        frames=dict(record.frames),
        site_frame=record.site_frame,
        framed=dict.fromkeys(record.framed, "forged"),
        article_digests=record.article_digests,
    )
    keys = page_digests(_plan(edited), ContextKeys(), forged, (), 1)
    walked = page_digests(_plan(edited), ContextKeys(), PageRecord(), (), 1)
    naming = {job.path for job in _plan(edited).jobs if 2 in record.frames[job.path][1]}
    assert f"{target.url}index.html" in naming and "index.html" in naming
    for job, key, fresh in zip(_plan(edited).jobs, keys, walked, strict=True):
        assert key == (fresh if job.path in naming else "forged"), job.path
    # a record without the articles' digests (or of another length) trusts the key of no page naming an article
    for digests in ((), (record.article_digests[0][:-1],)):
        damaged = PageRecord(
            frames=dict(record.frames),
            site_frame=record.site_frame,
            framed=dict.fromkeys(record.framed, "forged"),
            article_digests=digests,
        )
        keys = page_digests(_plan(site), ContextKeys(), damaged, (), 1)
        for job, key, fresh in zip(_plan(site).jobs, keys, first, strict=True):
            assert key == (fresh if record.frames[job.path][1] else "forged"), job.path


def _digests(site: Site, record: PageRecord, path: str) -> list[str]:
    keys = ContextKeys()
    return [str(keys.value(site.articles[n])) for n in record.frames[path][1]]


def test_shaping_digests_are_remembered_by_each_articles_digest(example) -> None:
    site, _ = example
    first = ShapingDigests(ContextKeys())
    frame = FrameKeys().site_frame([(site, None, {})], {}, first)
    assert len(first.used) == len(site.articles)
    assert FrameKeys().site_frame([(site, None, {})], {}, ShapingDigests(ContextKeys(), first.used)) == frame
    # remembered digests are used, not walked again (forged ones show it)
    forged = ShapingDigests(ContextKeys(), dict.fromkeys(first.used, "forged"))
    assert FrameKeys().site_frame([(site, None, {})], {}, forged) != frame
    assert set(forged.used.values()) == {"forged"}


def test_a_kept_site_has_the_recorded_frame_without_a_walk_unless_the_templates_changed(example, monkeypatch) -> None:
    site, people = example
    record = PageRecord()
    page_digests(_plan(site), ContextKeys(), record, (), 1)
    shaping = dict(record.shaping)
    target = site.articles[2]
    edited_article = replace(target, summary="新摘要", fingerprint="e" * 40, char_count=target.char_count + 1)
    edited = _assembled(site, people, tuple(edited_article if a is target else a for a in site.articles))
    walked = page_digests(_plan(edited), ContextKeys(), PageRecord(), (), 1)
    real_frame = FrameKeys.site_frame
    walks: list[int] = []

    def counted(keys: FrameKeys, *args: Any) -> str:
        walks.append(1)
        return real_frame(keys, *args)

    monkeypatch.setattr(FrameKeys, "site_frame", counted)
    # the Site kept (incremental/siteshape): its frame is the recorded one, and the keys those a walk gives
    assert page_digests(_plan(edited, site_kept=True), ContextKeys(), record, (), 1) == walked
    assert walks == []
    # every article's shaping digest carried for the next build but the edited one's (its digest is new)
    assert record.shaping.items() <= shaping.items() and len(record.shaping) == len(shaping) - 1
    # other templates: the frame is walked, whether the Site was kept or not
    other = page_digests(_plan(edited, site_kept=True, template_digest="other"), ContextKeys(), record, (), 1)
    assert walks == [1]
    assert other == page_digests(_plan(edited, template_digest="other"), ContextKeys(), PageRecord(), (), 1)
    assert other != walked
