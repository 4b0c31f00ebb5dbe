"""Loading a site: config, sources and articles, reusing cached work and rendering Markdown on every core."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from sitegen.build.admin import admin_files
from sitegen.build.parallel import ordered_map
from sitegen.config import load_config
from sitegen.content.articles import Source, find_sources, fingerprint, read_source, render_article
from sitegen.content.authors import AUTHORS_FILE, AuthorInfo, load_authors
from sitegen.content.links import check_links
from sitegen.content.markup import MarkdownRenderer
from sitegen.content.viewcounts import apply_view_counts, load_view_counts
from sitegen.edition import edition_keys
from sitegen.errors import BuildFailed, ContentError
from sitegen.incremental.bodies import BodyStore
from sitegen.incremental.cache import BuildCache, FileStat, files_fingerprint
from sitegen.layout import ASSETS_DIR, CONFIG_FILE
from sitegen.model import Article, Body, Config, OutputFile, Site
from sitegen.pictures.cache import ImageStore
from sitegen.pictures.resolve import Pictures, markdown_picture_srcs
from sitegen.portal import production_problems
from sitegen.render.theme import Theme
from sitegen.site import assemble, url_collisions
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
    images_processed: int = 0
    images_reused: int = 0

    def body(self, article: Article) -> Body:
        return self.bodies.get(article.fingerprint)


def content_fingerprint(site_dir: Path) -> str:
    """What shapes every article: site.yaml (permalinks, time zone, language) and sitegen's version."""
    return files_fingerprint([site_dir / CONFIG_FILE])


def load_site(
    site_dir: Path,
    drafts: bool,
    future: bool,
    now: datetime | None,
    theme: Theme,
    cache: BuildCache,
    jobs: int,
    images: ImageStore,
) -> LoadedSite:
    """Read and check everything; raise BuildFailed with every content error, or ConfigError.

    Pictures are processed here, through the image cache and before the bodies that show them are rendered, so
    that pages render from plain data. They are processed ahead, in threads, before the Markdown workers fork:
    the workers inherit the results."""
    config = load_config(site_dir)
    now = (now or datetime.now(config.timezone)).astimezone(config.timezone)
    found, errors = find_sources(site_dir, config)
    cache.start(content_fingerprint(site_dir))

    stats: dict[str, FileStat] = {}
    racy_after = time.time_ns() - RACY_NANOSECONDS
    candidates: dict[str, Article] = {}  # unchanged on disk since the cached build: reused if links still agree
    sources: dict[str, Source] = {}
    to_read: list[tuple[str, str, os.stat_result]] = []
    root = str(site_dir)
    for relative, column in found:
        try:
            stat = os.stat(os.path.join(root, relative))
        except OSError as exc:
            errors.append(ContentError(relative, None, None, f"cannot be read: {exc.strerror}"))
            continue
        known, cached = cache.stats.get(relative), cache.articles.get(relative)
        if (
            known
            and cached
            and cached.column == column
            and (known.mtime_ns, known.size) == (stat.st_mtime_ns, stat.st_size)
        ):
            candidates[relative], stats[relative] = cached, known
            continue
        to_read.append((relative, column, stat))
    read = ordered_map(  # YAML and checks cost about half a millisecond a file: on every core too
        lambda i: read_source(site_dir, to_read[i][0], to_read[i][1], config, cache.sources.get(to_read[i][0])),
        len(to_read),
        jobs,
    )
    for (relative, _, stat), result in zip(to_read, read, strict=True):
        if isinstance(result, list):
            errors.extend(result)
        else:
            sources[relative] = result
            # "racy" stats: a file changed within the file system's time stamp granularity of now could change
            # again without its time stamp moving, so it is read again next time (as git does)
            trusted = stat.st_mtime_ns < racy_after
            stats[relative] = FileStat(stat.st_mtime_ns if trusted else -1, stat.st_size, result.digest)

    urls = {path: article.url for path, article in candidates.items()} | {p: s.url for p, s in sources.items()}
    pictures = Pictures(site_dir, images)
    articles: dict[str, Article] = {}
    stored = cache.bodies.keys() if candidates or sources else set()
    for path, article in candidates.items():
        digest = stats[path].digest
        keys = pictures.keys((*article.images, *article.unplaced_images))
        current = fingerprint(digest, path, article.column, article.url, article.links, urls, keys)
        # a removed picture or variant changes the key (see Pictures.keys): the article is then rendered again
        if article.fingerprint == current and article.fingerprint in stored:
            articles[path] = article
        else:  # a linked article moved, a picture changed or its body is gone: read this one again
            result = read_source(site_dir, path, article.column, config)
            if isinstance(result, list):
                errors.extend(result)
            else:
                sources[path] = result
    for path, source in list(sources.items()):
        reused = cache.article(
            path,
            lambda old, s=source: fingerprint(
                s.digest, s.path, s.column, s.url, old.links, urls, pictures.keys((*old.images, *old.unplaced_images))
            ),
            stored,
        )
        if reused is not None:
            articles[path] = reused
            del sources[path]
    reused_count = len(articles)
    articles = {path: _in_zone(article, config, now) for path, article in articles.items()}

    to_render = [sources[path] for path in sorted(sources)]
    pictures.prefetch(
        (s.path, src)
        for s in to_render
        for src in (*(i.src for i in s.text.front_matter.images), *markdown_picture_srcs(s.text.body))
    )
    markdown = MarkdownRenderer(config.language)
    rendered = ordered_map(lambda i: render_article(to_render[i], markdown, pictures, urls, now), len(to_render), jobs)
    for source, result in zip(to_render, rendered, strict=True):
        if isinstance(result, list):
            errors.extend(result)
        else:
            article, body = result
            articles[source.path] = article
            cache.bodies.put(article.fingerprint, body)  # one body at a time: none is kept here
    cache.bodies.flush()

    everything = [articles[path] for path in sorted(articles)]
    left_out_drafts = [a for a in everything if a.draft and not drafts]
    left_out_future = [a for a in everything if a.future and not (a.draft and not drafts) and not future]
    left_out = {a.source_path for a in (*left_out_drafts, *left_out_future)}
    published = [a for a in everything if a.source_path not in left_out]
    errors.extend(url_collisions(published, config))
    errors.extend(check_links(everything, articles, {a.source_path for a in published}, urls))
    counts, count_errors = load_view_counts(site_dir)
    errors.extend(count_errors)
    people, people_errors = load_authors(site_dir)
    errors.extend(people_errors)
    if errors:
        raise BuildFailed(errors)
    warnings_of_content = tuple(w for a in published for w in a.warnings)
    cache.store(sources.values(), everything, stats, lambda fingerprints: edition_keys(fingerprints, config.editions))
    cache.articles_reused = reused_count
    published, warnings = apply_view_counts(published, counts, config)
    warnings.extend(_portal_warnings(config, published, people))
    next_article = min((a.date for a in everything if a.future), default=None)
    next_mourning = config.next_mourning_change(now)
    return LoadedSite(
        site=assemble(config, published, people, config.mourning_at(now)),
        static_files=static_files(site_dir, theme, published, people) + admin_files(site_dir, config),
        bodies=cache.bodies,
        left_out_drafts=len(left_out_drafts),
        left_out_future=len(left_out_future),
        next_scheduled=min((a.date for a in left_out_future), default=None),
        next_change=min((t for t in (next_article, next_mourning) if t is not None), default=None),
        next_mourning=next_mourning,
        warnings=tuple(warnings),
        content_warnings=warnings_of_content,
        articles_rendered=len(to_render),
        articles_reused=reused_count,
        images_processed=images.processed,
        images_reused=images.reused,
    )


def _portal_warnings(config: Config, published: list[Article], people: dict[str, AuthorInfo]) -> list[str]:
    """A public site without its ICP number (an error under `sitegen check --production`); data/authors.yaml
    entries for names no published article carries (a colleague yet to write, or a typo)."""
    names = {name for a in published for name in (*a.authors, a.editor)}
    unknown = [f"{AUTHORS_FILE}: no published article names '{name}'" for name in people if name not in names]
    return [*production_problems(config.base_url, config.filings), *unknown]


def _in_zone(article: Article, config: Config, now: datetime) -> Article:
    """A reused article, with the build's clock deciding `future` and dates in the site's zone."""
    if article.date.tzinfo is config.timezone and article.future == (article.date > now):
        return article
    updated = article.updated.astimezone(config.timezone) if article.updated else None
    date = article.date.astimezone(config.timezone)
    return replace(article, date=date, updated=updated, future=date > now)


def static_files(
    site_dir: Path, theme: Theme, articles: list[Article], people: dict[str, AuthorInfo] | None = None
) -> tuple[OutputFile, ...]:
    """Theme and site assets (the site's override the theme's), every picture the articles use, authors' photos."""
    files: dict[str, OutputFile] = {}
    for assets in (theme.assets, site_dir / ASSETS_DIR):
        if assets.is_dir():
            for path in sorted(assets.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    relative = f"{ASSETS_DIR}/{path.relative_to(assets).as_posix()}"
                    files[relative] = OutputFile(relative, copy_from=path)
    for article in articles:
        for image in (*article.images, *article.unplaced_images):
            for url, file in image.files:  # the picture as it is, its variants and its thumbnail
                files[url] = OutputFile(url, copy_from=file)
    for info in (people or {}).values():
        if info.photo_file is not None:
            files[info.photo] = OutputFile(info.photo, copy_from=info.photo_file)
    return tuple(files[path] for path in sorted(files))
