"""The one module of the importers that writes: an ImportedArticle -> content/<column>/<yyyy>/<slug>.md + pictures.

Never overwrites: the article is created only where no file is (`_create`); a picture whose name is taken by a
different file is copied under a new name (`<slug>-<name>`) and the article points to it. An import killed halfway
leaves each file whole or absent, and an article only once its pictures are there: a run again writes what is
missing (a half-written article was kept as "edited since", and the pictures after an article never copied).
"""

from __future__ import annotations

import contextlib
import json
import os
import posixpath
import re
from collections.abc import Sequence
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

import yaml

from sitegen.content.frontmatter import SEPARATORS
from sitegen.importers.common import plain_value, replace_picture_srcs, safe_file_name, safe_slug
from sitegen.importers.model import ImportedArticle, Moment, Notice, PictureSource, Skipped, Written
from sitegen.layout import CONTENT_DIR
from sitegen.scaffold import slugify

KNOWN = ("title", "date", "source", "author", "editor", "views", "tags", "summary", "draft", "updated", "images",
         "aliases")  # fmt: skip


def year_of(moment: Moment, timezone: tzinfo) -> int:
    """The year folder of an article: its date's year in the site's time zone (as the permalink's {yyyy})."""
    if isinstance(moment, datetime) and moment.tzinfo is not None:
        return moment.astimezone(timezone).year
    return moment.year


def article_slug(article: ImportedArticle) -> str:
    return safe_slug(article.slug) or slugify(article.title)


def target_path(column: str, article: ImportedArticle, timezone: tzinfo) -> str:
    """Site-relative POSIX path the article is written to."""
    return f"{CONTENT_DIR}/{column}/{year_of(article.date, timezone):04d}/{article_slug(article)}.md"


def front_matter(article: ImportedArticle, srcs: dict[str, str] | None = None) -> dict[str, Any]:
    """The front matter as an ordered mapping, picture sources renamed through `srcs`."""
    srcs = srcs or {}
    blank = set(article.blank_fields)
    data: dict[str, Any] = {"title": article.title, "date": article.date}
    if article.source or "source" in blank:
        data["source"] = article.source
    if article.authors or "author" in blank:
        # one name as text, unless it holds a separator that would split it (`author: Smith, John`)
        one = len(article.authors) == 1 and not SEPARATORS.search(article.authors[0])
        data["author"] = article.authors[0] if one else list(article.authors) or ""
    if article.editor or "editor" in blank:
        data["editor"] = article.editor
    if article.views is not None:
        data["views"] = article.views
    if article.tags:
        data["tags"] = list(article.tags)
    if article.summary:
        data["summary"] = article.summary
    if article.draft:
        data["draft"] = True
    if article.updated is not None and article.updated != article.date:
        data["updated"] = article.updated
    if article.aliases:
        data["aliases"] = list(article.aliases)
    if article.images:
        data["images"] = [
            {"src": srcs.get(p.src, p.src), **({"caption": p.caption} if p.caption else {}), **_alt(p.alt, p.caption)}
            for p in article.images
        ]
    for key, value in article.extra.items():
        if key not in KNOWN and key not in data:
            data[key] = plain_value(value)
    return data


def _alt(alt: str, caption: str) -> dict[str, str]:
    return {"alt": alt} if alt and alt != caption else {}


def render(article: ImportedArticle, srcs: dict[str, str] | None = None) -> str:
    """The source file's text: YAML front matter between --- lines, a blank line, the Markdown body."""
    yaml_text = yaml.safe_dump(
        front_matter(article, srcs), allow_unicode=True, sort_keys=False, width=10_000, default_flow_style=False
    )
    body = article.body_markdown
    if srcs:
        body = replace_picture_srcs(body, srcs.get)
    return f"---\n{yaml_text}---\n\n{body.strip()}\n"


def write_article(
    site_dir: Path,
    target: str,
    article: ImportedArticle,
    pictures: Sequence[PictureSource],
    origin: str,
    dry_run: bool = False,
) -> Written | Skipped:
    """Create `target` under `site_dir` and copy its pictures beside it; never overwrite anything."""
    folder = site_dir / posixpath.dirname(target)
    slug = posixpath.splitext(posixpath.basename(target))[0]
    notices = list(article.notices)
    missing: list[str] = []
    srcs, copies = _place_pictures(folder, slug, pictures, notices, missing)
    text = render(article, srcs)
    path = site_dir / target
    if path.exists() or dry_run:
        existing = _read(path)
        if existing == text:
            return Skipped(origin, target, "already imported; unchanged")
        if existing is not None:  # the same post (placement.py decided), edited since it was imported
            return Skipped(origin, target, "already imported; edited since, not overwritten")
        copied = tuple(f"{posixpath.dirname(target)}/{name}" for name, _ in copies)
        return Written(origin, target, copied, tuple(notices), tuple(missing))
    folder.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    for name, file in copies:  # first: an article is never there without its pictures
        if _create(folder / name, file.read_bytes()):
            written.append(f"{posixpath.dirname(target)}/{name}")
    if not _create(path, text.encode("utf-8")):  # created since we looked
        return Skipped(origin, target, "already exists; not overwritten", clash=True)
    return Written(origin, target, tuple(written), tuple(notices), tuple(missing))


_TEMPORARY = re.compile(r"\..+\.(\d+)\.importing")


def remove_leftovers(folder: Path) -> None:
    """Remove the hidden files under `folder` that an import killed while writing them left (`_create`): those whose
    process is gone."""
    for parent, _, names in os.walk(folder):
        for name in names:
            found = _TEMPORARY.fullmatch(name)
            if found and not _alive(int(found.group(1))):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(parent, name))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return pid != 0
    return True


def _create(path: Path, data: bytes) -> bool:
    """A new file at `path` holding `data`, whole or not at all: written beside under a hidden name (a scratch name
    no build reads), then linked into place, which fails where a file already is (False then)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.importing")
    try:
        temporary.write_bytes(data)
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links: created in place (a kill may cut it short there)
            try:
                with path.open("xb") as handle:
                    handle.write(data)
            except FileExistsError:
                return False
    finally:
        temporary.unlink(missing_ok=True)
    return True


def write_report(path: Path, data: dict[str, Any]) -> None:
    """The report of a run as JSON (`sitegen import --report FILE`): a file of the user's choosing, replaced."""
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None if not path.exists() else ""


def _place_pictures(
    folder: Path, slug: str, pictures: Sequence[PictureSource], notices: list[Notice], missing: list[str]
) -> tuple[dict[str, str], list[tuple[str, Path]]]:
    """({src as written: file name beside the article}, [(file name, file to copy)])."""
    srcs: dict[str, str] = {}
    claimed: dict[str, Path | None] = {}  # names taken by this article's pictures
    copies: list[tuple[str, Path]] = []
    for picture in pictures:
        if picture.src in srcs:
            continue
        name = safe_file_name(picture.name)
        if picture.file is None:
            if name in claimed:
                srcs[picture.src] = name
                continue
            claimed[name] = None
            srcs[picture.src] = name
            if not (folder / name).is_file():
                missing.append(name)
                where = "" if name == picture.src else f"; referenced as {name}"
                notices.append(
                    Notice(picture.line, f"picture '{picture.src}' not found{where}: put the file beside the article")
                )
            continue
        chosen = _free_name(folder, slug, name, picture.file, claimed)
        if chosen != name:
            renamed = f"picture '{picture.src}' saved as {chosen}: {name} is taken by another picture"
            notices.append(Notice(picture.line, renamed))
        if chosen not in claimed:
            claimed[chosen] = picture.file
            if not (folder / chosen).exists():
                copies.append((chosen, picture.file))
        srcs[picture.src] = chosen
    return srcs, copies


def _free_name(folder: Path, slug: str, name: str, file: Path, claimed: dict[str, Path | None]) -> str:
    """`name`, or `<slug>-name`, `<slug>-2-name`...: the first that is free or already holds the same bytes."""
    data = file.read_bytes()
    candidates = [name, f"{slug}-{name}", *(f"{slug}-{n}-{name}" for n in range(2, 1000))]
    for candidate in candidates:
        if candidate in claimed:
            holder = claimed[candidate]
            if holder is not None and holder.read_bytes() == data:
                return candidate
            continue
        existing = folder / candidate
        if not existing.exists() or (existing.is_file() and existing.read_bytes() == data):
            return candidate
    raise OSError(f"no free file name for {name} in {folder}")
