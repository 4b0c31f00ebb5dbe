"""Where each imported post goes: a file and a URL of its own, never those of a different article.

A post keeps `content/<column>/<yyyy>/<slug>.md` unless a different article holds that file or its URL (an
archive that calls every monthly digest `monthly`); then it gets the date in its name, `<slug>-<yyyy-mm-dd>.md`
(and `-2`, `-3`... when two such posts share a day too). A file already there is the same post when its front
matter has the same title and date, and shares an old address with the post when both have one (two archives'
posts called 通知 on one day are two posts): an import run again finds its own files and writes nothing new. A post
dated by its file's modification time (a Jekyll draft) is found by its name and title in any year, since a fresh
clone changes that time.
"""

from __future__ import annotations

import glob
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from pathlib import Path
from typing import Any

import yaml

from sitegen.importers.model import ImportedArticle, Moment
from sitegen.importers.writer import article_slug, year_of
from sitegen.layout import CONTENT_DIR
from sitegen.model import Config
from sitegen.urls import article_url

MAX_SAME_DAY = 100  # posts of one slug on one day; beyond this the source is reported, not imported


@dataclass(frozen=True, slots=True)
class Placement:
    target: str  # site-relative path of the article file
    url: str  # its site-relative URL under the site's permalink
    renamed_from: str = ""  # the path it would have had
    taken_by: str = ""  # what holds that path or URL
    date: Moment | None = None  # the date of its earlier import, kept: the post's own was a file's modification time


def local_moment(moment: Moment, timezone: tzinfo) -> datetime:
    """An imported date as an aware datetime in the site's time zone (as the build reads it)."""
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time())
    return moment.replace(tzinfo=timezone) if moment.tzinfo is None else moment.astimezone(timezone)


def place_posts(
    site_dir: Path, config: Config, column: str, posts: Sequence[tuple[str, ImportedArticle]]
) -> dict[str, Placement | None]:
    """For each (origin, article), in order, its placement; None when no free name was left."""
    site_urls = _site_urls(site_dir, config)
    taken_paths: dict[str, str] = {}  # claimed in this run -> origin
    taken_urls: dict[str, str] = {}
    placed: dict[str, Placement | None] = {}
    for origin, article in posts:
        slug = article_slug(article)
        earlier = _earlier_import(site_dir, column, slug, article) if article.dated_by_file else None
        if earlier is not None and earlier[0] not in taken_paths:
            target, when = earlier
            name = posixpath.splitext(posixpath.basename(target))[0]
            url = article_url(config.permalink, column, name, local_moment(when, config.timezone))
            placed[origin] = Placement(target, url, date=when)
            taken_paths[target] = taken_urls[url] = origin
            continue
        moment = local_moment(article.date, config.timezone)
        folder = f"{CONTENT_DIR}/{column}/{year_of(article.date, config.timezone):04d}"
        names = [slug, *(f"{slug}-{moment:%Y-%m-%d}" + (f"-{n}" if n > 1 else "") for n in range(1, MAX_SAME_DAY))]
        placed[origin] = None
        first_owner = ""
        for name in names:
            target = f"{folder}/{name}.md"
            url = article_url(config.permalink, column, name, moment)
            owner = taken_paths.get(target) or taken_urls.get(url) or _other(site_urls.get(url), target)
            if not owner and (site_dir / target).exists() and not _same_post(site_dir / target, article):
                owner = target
            if owner:
                first_owner = first_owner or owner
                continue
            renamed = f"{folder}/{slug}.md" if name != slug else ""
            placed[origin] = Placement(target, url, renamed, first_owner if renamed else "")
            taken_paths[target] = taken_urls[url] = origin
            break
    return placed


def _other(owner: str | None, target: str) -> str:
    return owner if owner is not None and owner != target else ""


def _site_urls(site_dir: Path, config: Config) -> dict[str, str]:
    """URL -> source path of every article already in the site (those that can be read)."""
    from sitegen.content.articles import read_source  # Markdown: not for `sitegen --help`
    from sitegen.content.sources import find_sources

    found, _ = find_sources(site_dir, config)
    urls: dict[str, str] = {}
    for relative, column in found:
        source = read_source(site_dir, relative, column, config)
        if not isinstance(source, list) and not source.text.problems:
            urls.setdefault(source.url, relative)
    return urls


def _front(path: Path) -> dict[str, Any] | None:
    """The front matter of the article file at `path`, None when it has none that can be read."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    if not text.startswith("---\n"):
        return None
    try:
        data = yaml.safe_load(text[4:].split("\n---\n", 1)[0])
    except yaml.YAMLError:
        return None
    return data if isinstance(data, dict) else None


def _same_post(path: Path, article: ImportedArticle) -> bool:
    """Whether the article file at `path` holds this post: the same title and date in its front matter, and an old
    address in common when both have some (an editor may add or drop one, not replace them all)."""
    data = _front(path)
    return data is not None and _same_moment(data.get("date"), article.date) and _same_identity(data, article)


def _same_identity(data: dict[str, Any], article: ImportedArticle) -> bool:
    if str(data.get("title", "")).strip() != article.title.strip():
        return False
    written = data.get("aliases")
    theirs = {str(a).rstrip("/") for a in (written if isinstance(written, list) else [written] if written else [])}
    ours = {a.rstrip("/") for a in article.aliases}
    return not theirs or not ours or bool(theirs & ours)


def _earlier_import(site_dir: Path, column: str, slug: str, article: ImportedArticle) -> tuple[str, Moment] | None:
    """(path, date) of an earlier import of a post dated by its file's modification time: a file of its name
    (`<slug>.md`, or renamed `<slug>-<yyyy-mm-dd>[-n].md`) in any year of the column, with its title."""
    named = re.compile(rf"{re.escape(slug)}(?:-\d{{4}}-\d{{2}}-\d{{2}}(?:-\d+)?)?\.md")
    for path in sorted((site_dir / CONTENT_DIR / column).glob(f"*/{glob.escape(slug)}*.md")):
        data = _front(path) if named.fullmatch(path.name) else None
        when = data.get("date") if data is not None else None
        if data is not None and isinstance(when, date) and _same_identity(data, article):
            return path.relative_to(site_dir).as_posix(), when
    return None


def _same_moment(written: object, moment: Moment) -> bool:
    if isinstance(written, datetime) and isinstance(moment, datetime):
        if (written.tzinfo is None) != (moment.tzinfo is None):
            return False
        return written == moment
    if isinstance(written, date) and not isinstance(written, datetime):
        return not isinstance(moment, datetime) and written == moment
    return False
