"""Loading a site: config, sources and articles, rendering Markdown on every core.

The loader reads; what it may reuse of the last build's articles, and what it must read or render again, it asks of
an `ArticleReuse` (sitegen.incremental.reuse), which also records what this build read for the next one.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from pathlib import Path

from sitegen.build.admin import admin_files
from sitegen.build.articlesahead import ArticlesAhead, started_ahead
from sitegen.build.loadchecks import photos_published, portal_warnings
from sitegen.build.parallel import ordered_map
from sitegen.build.staticfiles import static_files
from sitegen.config import load_config
from sitegen.content.articles import Flawed, Source, read_source, render_article
from sitegen.content.authors import load_authors
from sitegen.content.links import check_links
from sitegen.content.markup import MarkdownRenderer
from sitegen.content.rereading import read_kept, render_kept
from sitegen.content.sources import find_sources
from sitegen.content.viewcounts import apply_view_counts, load_view_counts
from sitegen.edition import edition_keys
from sitegen.errors import BuildFailed, ContentError, warning_error
from sitegen.incremental.bodies import BodyStore
from sitegen.incremental.cache import BuildCache, files_fingerprint
from sitegen.incremental.edits import SourceEdits
from sitegen.incremental.pickles import send_by_value
from sitegen.incremental.reuse import ArticleReuse
from sitegen.layout import CONFIG_FILE
from sitegen.model import Article, Body, Config, OutputFile, Site
from sitegen.pictures.cache import ImageStore
from sitegen.pictures.resolve import Pictures
from sitegen.pictures.shared import SharedPictures
from sitegen.portal import production_problems
from sitegen.render.theme import Theme
from sitegen.site import Chosen, author_slug
from sitegen.stamps import RACY_NANOSECONDS


@dataclass(frozen=True, slots=True)
class LoadedSite:
    site: Site
    static_files: tuple[OutputFile, ...]
    bodies: BodyStore  # every article's Body, by its fingerprint
    left_out_drafts: int
    left_out_future: int
    next_scheduled: datetime | None
    next_change: datetime | None = None  # when the clock alone changes the site: an article due, a mourning range
    next_mourning: datetime | None = None  # the next start or end of a mourning range
    warnings: tuple[str, ...] = ()
    content_warnings: tuple[ContentError, ...] = ()  # of front matter: misspelt keys
    articles_rendered: int = 0
    articles_reused: int = 0
    rendered: frozenset[str] = frozenset()  # the source paths of the articles rendered by this build
    images_processed: int = 0
    images_reused: int = 0
    site_kept: bool = False  # the last build's Site, with this build's articles in it (incremental/siteshape)
    # renders an article's body again when its stored copy is lost or damaged (see body)
    remake: Callable[[Article], Body] | None = field(default=None, compare=False)
    ahead: ArticlesAhead | None = field(default=None, compare=False)  # the articles' keys made meanwhile (pageplan)

    def body(self, article: Article) -> Body:
        """The article's body: from the store, or, when its row there is lost or damaged (a warning says so),
        rendered again from its source, which gives the same bytes."""
        try:
            return self.bodies.get(article.fingerprint)
        except KeyError:
            if self.remake is None:
                raise
            return self.remake(article)

    def ensure_bodies(self, articles: Iterable[Article]) -> None:
        """Read the bodies the page workers will read, here, before they fork: a damaged row is then repaired and
        said once, in this process, rather than found by a worker whose warnings nobody would hear."""
        if self.remake is None:
            return
        by_key = {article.fingerprint: article for article in articles}
        self.bodies.ensure(list(by_key), lambda key: self.body(by_key[key]))


def load_site(
    site_dir: Path,
    drafts: bool,
    future: bool,
    now: datetime | None,
    theme: Theme,
    cache: BuildCache,
    jobs: int,
    images: ImageStore,
    slug_of: Callable[[str], str] = author_slug,
    edits: SourceEdits | None = None,
    ahead: Callable[[BuildCache], ArticlesAhead | None] | None = None,
) -> LoadedSite:
    """Read and check everything; raise BuildFailed with every content error, or ConfigError. What may be reused is
    asked of an ArticleReuse (incremental/reuse.py); this function reads. Pictures are processed here, through the
    image cache, in threads ahead of the Markdown workers (which inherit them): pages render from plain data. `edits`:
    the only sources that may differ from the store's articles (serve's watcher, incremental/edits.py; None: every
    source is looked at). `ahead`: started once the articles are final (build/articlesahead.py)."""
    config = load_config(site_dir)
    now = (now or datetime.now(config.timezone)).astimezone(config.timezone)
    if cache.start(files_fingerprint([site_dir / CONFIG_FILE])):  # what shapes every article: site.yaml, sitegen
        edits = None  # the store forgot its articles: every source is looked at
    reuse = ArticleReuse(cache.articles, site_dir, time.time_ns() - RACY_NANOSECONDS)
    pictures = Pictures(site_dir, images)
    read = _read_articles(site_dir, config, now, reuse, pictures, jobs, edits)
    checked = read.articles | {path: flawed.article for path, flawed in read.flawed.items()}
    chosen = Chosen.of(checked, drafts, future)
    counts, count_errors = load_view_counts(site_dir)
    people, people_errors = photos_published(*load_authors(site_dir), images)
    errors = [*read.errors, *_site_errors(read, chosen, checked, cache, config), *count_errors, *people_errors]
    content_warnings = tuple(w for a in chosen.published for w in a.warnings)
    published, warnings = apply_view_counts(chosen.published, counts, config)
    warnings.extend(portal_warnings(config, published, people))
    if errors:
        raise _failed(errors, read, content_warnings, warnings, config)
    reuse.keep(read.sources.values(), chosen.everything, lambda prints: edition_keys(prints, config.editions))
    memo = cache.pictures_of if cache.articles.keep_sources else None  # for serve's next load, as its sources are
    next_article = min((a.date for a in chosen.everything if a.future), default=None)
    next_mourning = config.next_mourning_change(now)
    with started_ahead(ahead, cache) as started:  # the site assembled meanwhile
        site, kept = cache.site_shape.site(config, published, people, config.mourning_at(now), slug_of, cache.related)
        return LoadedSite(
            site=site,
            site_kept=kept,
            static_files=static_files(site_dir, theme, published, people, memo, images) + admin_files(site_dir, config),
            bodies=cache.articles.bodies,
            left_out_drafts=len(chosen.drafts),
            left_out_future=len(chosen.future),
            next_scheduled=min((a.date for a in chosen.future), default=None),
            next_change=min((t for t in (next_article, next_mourning) if t is not None), default=None),
            next_mourning=next_mourning,
            warnings=tuple(warnings),
            content_warnings=content_warnings,
            articles_rendered=read.rendered, rendered=frozenset(read.sources), articles_reused=reuse.reused,
            images_processed=images.processed, images_reused=images.reused,
            # only for a damaged body
            remake=partial(_remake_body, site_dir, config, pictures, read.urls, now, cache.articles.bodies),
            ahead=started,
        )


def _failed(
    errors: list[ContentError],
    read: _Read,
    content_warnings: tuple[ContentError, ...],
    warnings: list[str],
    config: Config,
) -> BuildFailed:
    """The build's errors, with its warnings: --strict makes them errors of this run, else they are printed with the
    errors."""
    if not read.complete or any(not flawed.url_known for flawed in read.flawed.values()):
        warnings = production_problems(config.base_url, config.filings)  # not data files' "names no article"
    return BuildFailed(errors, (*read.warnings, *content_warnings, *map(warning_error, warnings)))


def _site_errors(
    read: _Read, chosen: Chosen, checked: dict[str, Article], cache: BuildCache, config: Config
) -> list[ContentError]:
    """URLs taken twice and links to nothing; an article with errors of its own is checked too (its links, the
    links to it), its URL only when known: a wrong slug or date gives none, and no second, misleading error."""
    unknown_urls = {path for path, flawed in read.flawed.items() if not flawed.url_known}
    placed = [a for a in chosen.published if a.source_path not in unknown_urls]
    published = {a.source_path for a in chosen.published}
    links = check_links(chosen.everything, checked, published, read.urls)
    return [*cache.collisions.collisions(placed, config), *links]


@dataclass(frozen=True)
class _Read:
    """Every article of the site, reused or rendered, by source path, and what reading them found."""

    articles: dict[str, Article]
    sources: dict[str, Source]  # the sources read as text this build (the rendered ones)
    urls: dict[str, str]  # every article's URL, by source path
    errors: list[ContentError]
    rendered: int
    flawed: dict[str, Flawed]  # articles with errors of their own, by source path
    warnings: list[ContentError]  # of the sources whose body could not be rendered (their articles carry the rest)
    complete: bool  # every source found gave an article (flawed or not)


def _read_articles(
    site_dir: Path,
    config: Config,
    now: datetime,
    reuse: ArticleReuse,
    pictures: Pictures,
    jobs: int,
    edits: SourceEdits | None,
) -> _Read:
    """Every source found: its cached article when the reuse rules allow it, else read and rendered. With `edits`,
    the sources are the store's (found again only when one may have come or gone)."""
    if edits is None or edits.listing:
        found, errors = find_sources(site_dir, config)
    else:
        found, errors = [(path, article.column) for path, article in sorted(reuse.store.by_path.items())], []
    candidates, sources, unchanged = _read_sources(site_dir, config, found, reuse, jobs, errors, edits)
    urls = {path: article.url for path, article in candidates.items()} | {p: s.url for p, s in sources.items()}
    articles = _reusable(site_dir, config, candidates, sources, reuse, urls, pictures, errors, unchanged)
    articles = {path: _in_zone(article, config, now) for path, article in articles.items()}
    to_render = [sources[path] for path in sorted(sources)]
    flawed: dict[str, Flawed] = {}
    warnings: list[ContentError] = []
    articles.update(_render(to_render, config, pictures, urls, now, reuse.store.bodies, jobs, errors, flawed, warnings))
    complete = len(articles) + len(flawed) == len(found)
    return _Read(articles, sources, urls, errors, len(to_render), flawed, warnings, complete)


def _read_sources(
    site_dir: Path,
    config: Config,
    found: list[tuple[str, str]],
    reuse: ArticleReuse,
    jobs: int,
    errors: list[ContentError],
    edits: SourceEdits | None,
) -> tuple[dict[str, Article], dict[str, Source], set[str]]:
    """(cached articles whose source holds the same bytes, sources read and parsed as text, the paths of the
    cached articles that `edits` leaves out: not even stat'ed)."""
    candidates: dict[str, Article] = {}  # unchanged on disk since the cached build: reused if links still agree
    unchanged: set[str] = set()
    to_read: list[tuple[str, str, os.stat_result]] = []
    stats: list[tuple[str, str, os.stat_result]] = []
    root = str(site_dir)
    for relative, column in found:
        stored = reuse.unchanged(relative) if edits is not None and relative not in edits.paths else None
        if stored is not None:
            candidates[relative] = stored
            unchanged.add(relative)
            continue
        try:
            stats.append((relative, column, os.stat(os.path.join(root, relative))))
        except OSError as exc:
            errors.append(ContentError(relative, None, None, f"cannot be read: {exc.strerror}"))
    for entry, cached in zip(stats, reuse.cached(stats), strict=True):
        if cached is not None:
            candidates[entry[0]] = cached
        else:
            to_read.append(entry)
    read = ordered_map(  # YAML and checks cost about half a millisecond a file: on every core too
        lambda i: read_kept(site_dir, to_read[i][0], to_read[i][1], config, reuse.previous_source(to_read[i][0])),
        len(to_read),
        jobs,
    )
    sources: dict[str, Source] = {}
    for (relative, _, stat), result in zip(to_read, read, strict=True):
        if isinstance(result, list):
            errors.extend(result)
        else:
            sources[relative] = result
            reuse.record(relative, stat, result.digest)
    return candidates, sources, unchanged


def _reusable(
    site_dir: Path,
    config: Config,
    candidates: dict[str, Article],
    sources: dict[str, Source],
    reuse: ArticleReuse,
    urls: dict[str, str],
    pictures: Pictures,
    errors: list[ContentError],
    unchanged: set[str],
) -> dict[str, Article]:
    """The cached articles that rendering again would give unchanged (as `reuse` says); `sources` keeps those to
    render, with the candidates that are no longer current read again. `unchanged`: candidates the watcher vouches
    for (their pictures are not looked up again)."""

    def keys_of(article: Article) -> tuple[str, ...]:
        return pictures.keys(article.all_pictures)

    def carried(article: Article) -> bool:  # pictures not looked at: in use all the same, if still cached
        return pictures.carry(article.all_pictures)

    articles, again = reuse.current(candidates, urls, keys_of, unchanged, carried)
    for path in again:
        result = read_kept(site_dir, path, candidates[path].column, config)
        if isinstance(result, list):
            errors.extend(result)
        else:
            sources[path] = result
    reused = reuse.reused_after_reading(sources, urls, keys_of)
    for path, article in reused.items():
        articles[path] = article
        del sources[path]
    return articles


def _render(
    to_render: list[Source],
    config: Config,
    pictures: Pictures,
    urls: dict[str, str],
    now: datetime,
    bodies: BodyStore,
    jobs: int,
    errors: list[ContentError],
    flawed: dict[str, Flawed],
    warnings: list[ContentError],
) -> dict[str, Article]:
    """Markdown on every core; each body goes to the body store as it comes back (none is kept here). The articles
    with errors go to `flawed`; the warnings of the sources that gave no article at all, to `warnings`."""
    pictures.prefetch(
        (s.path, src)
        for s in to_render
        for src in (*(i.src for i in s.text.front_matter.images), *s.body_pictures)
    )
    markdown = MarkdownRenderer(config.language)
    send_by_value()  # the articles the workers send back, pickled by their fields (read back far faster)
    rendered = ordered_map(lambda i: render_kept(to_render[i], markdown, pictures, urls, now), len(to_render), jobs)
    articles: dict[str, Article] = {}
    shared = SharedPictures()  # a worker's article brings its own copy of each picture: one copy for all
    for source, result in zip(to_render, rendered, strict=True):
        if isinstance(result, list):
            errors.extend(result)
            warnings.extend(source.text.warnings)
        elif isinstance(result, Flawed):
            errors.extend(result.errors)
            flawed[source.path] = result
        else:
            article, body = result
            articles[source.path] = shared.article(article)
            bodies.put(article.fingerprint, body)
    bodies.flush()
    return articles


def _remake_body(
    site_dir: Path,
    config: Config,
    pictures: Pictures,
    urls: dict[str, str],
    now: datetime,
    bodies: BodyStore,
    article: Article,
) -> Body:
    """An article's body rendered again, for one whose stored copy was lost or damaged (said by the store). Its
    source is unchanged since it was checked (its fingerprint says so), so the body is the one it was."""
    source = read_source(site_dir, article.source_path, article.column, config)
    markdown = MarkdownRenderer(config.language)  # made here: most builds never need it
    result = render_article(source, markdown, pictures, urls, now) if not isinstance(source, list) else source
    if isinstance(result, list | Flawed):  # cannot be: it was checked, and is unchanged
        raise BuildFailed(result.errors if isinstance(result, Flawed) else result)
    remade, body = result
    if remade.fingerprint != article.fingerprint:  # changed since this build read it: no body for this article
        raise KeyError(article.fingerprint)
    bodies.put(article.fingerprint, body)
    return body


def _in_zone(article: Article, config: Config, now: datetime) -> Article:
    """A reused article, with the build's clock deciding `future` and dates in the site's zone."""
    if article.date.tzinfo is config.timezone and article.future == (article.date > now):
        return article
    updated = article.updated.astimezone(config.timezone) if article.updated else None
    date = article.date.astimezone(config.timezone)
    return replace(article, date=date, updated=updated, future=date > now)
