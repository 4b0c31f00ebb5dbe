"""An import run: find the sources, read and parse each, find its pictures, link posts to each other, write.

Every source ends up in the report: written, skipped (with the reason) or failed (with the reason and line).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from pathlib import Path
from urllib.parse import unquote

from sitegen.config import load_config
from sitegen.importers.common import decode
from sitegen.importers.foreign import pictures_from
from sitegen.importers.hugo import parse_hugo, post_keys
from sitegen.importers.jekyll import parse_jekyll, post_key
from sitegen.importers.legacy import parse_legacy
from sitegen.importers.model import (
    Failed,
    ImportedArticle,
    ImportFailed,
    ImportReport,
    Notice,
    Picture,
    PictureSource,
    Skipped,
    Written,
)
from sitegen.importers.placement import place_posts
from sitegen.importers.postlinks import Linked, Page, link_posts
from sitegen.importers.sites import MARKDOWN_EXTENSIONS, OTHER_MARKUP, hugo_files, hugo_site, jekyll_files, jekyll_site
from sitegen.importers.writer import remove_leftovers, write_article
from sitegen.layout import CONTENT_DIR
from sitegen.model import Config, output_path_for
from sitegen.urls import alias_output_path, alias_problem

LEGACY_EXTENSIONS = (".txt",)
_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)


class ImportRefused(Exception):
    """The command cannot start (unknown column, nothing to import): exit code 2."""


@dataclass(frozen=True, slots=True)
class _Parsed:
    origin: str
    article: ImportedArticle
    pictures: tuple[PictureSource, ...]
    keys: tuple[str, ...]  # names other posts may link to it by


class _Run:
    def __init__(self, site_dir: Path, column: str, dry_run: bool, aliases_last: bool | None = None) -> None:
        """`aliases_last`: how the old site settled an address that several posts claimed, the later post of the
        run's order winning: True for Hugo (it writes the pages, then the aliases over them), False for Jekyll (the
        redirect_from pages, then the posts over them), None for the first claim wins (legacy pages)."""
        self.site_dir, self.column, self.dry_run = site_dir, column, dry_run
        self.aliases_last = aliases_last
        self.config: Config = load_config(site_dir)
        if self.config.column(column) is None:
            valid = ", ".join(f"{c.slug} ({c.title})" for c in self.config.columns)
            raise ImportRefused(f"unknown column {column!r}; valid columns: {valid}")
        self.parsed: list[_Parsed] = []
        self.skipped: list[Skipped] = []
        self.failed: list[Failed] = []

    def parse(self, origin: str, path: Path, parse: Callable[[str], ImportedArticle]) -> ImportedArticle | None:
        try:
            text, encoding = decode(path.read_bytes())
            article = parse(text)
        except ImportFailed as exc:
            self.failed.append(Failed(origin, exc.line, exc.message))
            return None
        except OSError as exc:
            self.failed.append(Failed(origin, None, f"cannot be read: {exc.strerror or exc}"))
            return None
        except (ValueError, TypeError) as exc:  # a shape no parser foresaw: name the file, go on with the others
            self.failed.append(Failed(origin, None, f"cannot be read: {exc}"))
            return None
        if encoding != "utf-8-sig":
            notice = Notice(None, "read as GB18030 (GBK) text; written as UTF-8")
            article = replace(article, notices=(notice, *article.notices))
        return article

    def add(
        self, origin: str, article: ImportedArticle, pictures: Iterable[PictureSource], keys: Iterable[str] = ()
    ) -> None:
        self.parsed.append(_Parsed(origin, article, tuple(pictures), tuple(keys)))

    def owner_of(self, alias: str) -> str | None:
        """What holds the output file of the redirect page for `alias` in the new site: a page sitegen makes itself
        (the search page, a column's index...) or an imported post's page; None when it is free."""
        from sitegen.collisions import generated_owner  # not for `sitegen --help`

        path = alias_output_path(alias.strip("/") + ("/" if alias.endswith("/") else ""))
        return self.pages.get(path) or generated_owner(path, self.config)

    def served_by(self) -> dict[str, str]:
        """Old address -> the post the old site served there, when several published posts claimed it (the first
        of a post's aliases is its own address; the others are its `aliases:` or `redirect_from:`)."""
        if self.aliases_last is None:
            return {}
        served: dict[str, str] = {}
        published = [parsed for parsed in self.parsed if not parsed.article.draft]
        if self.aliases_last:  # Hugo's order of pages: their paths without the extension (`kvm` before `kvm-qemu`)
            published.sort(key=lambda parsed: posixpath.splitext(parsed.origin)[0])
        own = [(p.origin, a) for p in published for a in p.article.aliases[:1]]
        others = [(p.origin, a) for p in published for a in p.article.aliases[1:]]
        for origin, alias in (own + others) if self.aliases_last else (others + own):
            served[alias.rstrip("/")] = origin
        return served

    def finish(self) -> ImportReport:
        placements = place_posts(self.site_dir, self.config, self.column, [(p.origin, p.article) for p in self.parsed])
        by_key: dict[str, Linked] = {}
        for parsed in self.parsed:
            placement = placements[parsed.origin]
            if placement is None:
                continue
            for key in parsed.keys:
                by_key.setdefault(key, Linked(placement.target, placement.url, parsed.article.draft))
        written: list[Written] = []
        if not self.dry_run:
            remove_leftovers(self.site_dir / CONTENT_DIR / self.column)
        redirected = self.served_by()  # old address -> the source that keeps it
        self.pages = {output_path_for(p.url): p.target for p in placements.values() if p is not None}
        for parsed in self.parsed:
            placement = placements[parsed.origin]
            if placement is None:
                self.failed.append(Failed(parsed.origin, None, "no free file name: too many posts of this name"))
                continue
            # an earlier import's date stands: this one was a file's modification time (a draft in a fresh clone)
            kept = parsed.article if placement.date is None else replace(parsed.article, date=placement.date)
            page = Page(placement.target, placement.url, self.config.base_url)
            linked = link_posts(kept, page, by_key)
            article = _redirectable(linked, placement.url, parsed.origin, redirected, self.owner_of)
            try:
                outcome = write_article(
                    self.site_dir, placement.target, article, parsed.pictures, parsed.origin, self.dry_run
                )
            except OSError as exc:
                self.failed.append(Failed(parsed.origin, None, f"cannot be written: {exc.strerror or exc}"))
                continue
            if isinstance(outcome, Written):
                written.append(replace(outcome, renamed_from=placement.renamed_from, taken_by=placement.taken_by))
            else:
                self.skipped.append(outcome)
        return ImportReport(tuple(written), tuple(self.skipped), tuple(self.failed))


def _redirectable(
    article: ImportedArticle,
    url: str,
    origin: str,
    claimed: dict[str, str],
    owner_of: Callable[[str], str | None] = lambda alias: None,
) -> ImportedArticle:
    """The old URLs to redirect: not the one the article keeps (a redirect to itself is no redirect), none the build
    would refuse (not a path, or the place of a page of the new site: `owner_of`), and none another post of this
    run already redirects (the old site served only one of them)."""
    own = {"/" + url, "/" + url.rstrip("/"), "/" + url + "index.html"}
    kept, notices = [], list(article.notices)
    for alias in article.aliases:
        problem = alias_problem(alias)
        if alias in own:
            continue
        if problem:
            notices.append(Notice(None, f"the old address {alias} cannot be redirected: it must be {problem}"))
        elif owner := owner_of(alias):
            notices.append(Notice(None, f"the old address {alias} cannot be redirected: it is the place of {owner}"))
        elif claimed.get(alias.rstrip("/"), origin) != origin:
            other = claimed[alias.rstrip("/")]
            notices.append(Notice(None, f"the old address {alias} is also that of {other}: redirected there"))
        else:
            claimed[alias.rstrip("/")] = origin
            kept.append(alias)
    if tuple(kept) == article.aliases and len(notices) == len(article.notices):
        return article
    return replace(article, aliases=tuple(kept), notices=tuple(notices))


def _all_pictures(article: ImportedArticle) -> list[Picture]:
    return [*article.images, *pictures_from(article.body_markdown, article.images, 1)]


def _locate(picture: Picture, candidates: Callable[[str], Iterable[Path]], root: Path) -> PictureSource | None:
    """Where the file of a local picture is (inside `root` only); None for remote pictures, left as they are."""
    src = picture.src
    if _REMOTE.match(src):
        return None
    path = unquote(src.split("#")[0].split("?")[0])
    limit = root.resolve()
    for candidate in candidates(path):
        resolved = candidate.resolve()
        if resolved.is_relative_to(limit) and resolved.is_file():
            return PictureSource(src, resolved, resolved.name, picture.line)
    return PictureSource(src, None, posixpath.basename(path) or "picture", picture.line)


# --------------------------------------------------------------------------- legacy pages


def import_legacy(
    site_dir: Path,
    paths: Sequence[Path],
    column: str,
    images: Path | None = None,
    dry_run: bool = False,
    addresses: Path | None = None,
) -> ImportReport:
    """`addresses`: a file of `file name, old URL` lines (CSV or tab-separated), for the pages' redirects."""
    run = _Run(site_dir, column, dry_run)
    config = run.config
    navigation = [config.home_title, *(c.title for c in config.columns)]
    index = _picture_index(images) if images is not None else {}
    old_urls = read_addresses(addresses) if addresses is not None else {}
    for path in paths:
        files = sorted(f for f in path.rglob("*") if f.suffix.lower() in LEGACY_EXTENSIONS) if path.is_dir() else [path]
        if path.is_dir() and not files:
            run.failed.append(Failed(str(path), None, "holds no .txt pages"))
        for file in files:
            origin = str(file)
            old_url = old_urls.get(file.name, "")
            article = run.parse(
                origin,
                file,
                partial(parse_legacy, name=file.name, navigation=navigation, banners=[config.title], old_url=old_url),
            )
            if article is None:
                continue
            pictures = []
            for picture in article.images:
                name = posixpath.basename(unquote(picture.src.split("?")[0].split("#")[0]))
                found = index.get(name.lower())
                if found is None and _REMOTE.match(picture.src):
                    kept = Notice(picture.line, f"picture '{picture.src}' left as a URL")
                    article = replace(article, notices=(*article.notices, kept))
                    continue
                pictures.append(PictureSource(picture.src, found, found.name if found else name, picture.line))
            run.add(origin, article, pictures)
    return run.finish()


def read_addresses(path: Path) -> dict[str, str]:
    """`file name -> old URL` from lines `name,URL` or `name<TAB>URL` (a header line and blank lines are fine)."""
    try:
        text, _ = decode(path.read_bytes())
    except OSError as exc:
        raise ImportRefused(f"cannot read {path}: {exc.strerror or exc}") from None
    found: dict[str, str] = {}
    for line in text.splitlines():
        name, _, url = line.replace("\t", ",").partition(",")
        if url.strip().lower().startswith(("http:", "https:", "/")):
            found[posixpath.basename(name.strip().strip('"'))] = url.strip().strip('"')
    return found


def _picture_index(folder: Path) -> dict[str, Path]:
    """Every file under `folder` by lower-case name (the first, in sorted order, when names repeat)."""
    index: dict[str, Path] = {}
    for file in sorted(folder.rglob("*")):
        if file.is_file():
            index.setdefault(file.name.lower(), file)
    return index


# --------------------------------------------------------------------------- Hugo


def import_hugo(site_dir: Path, source: Path, column: str, dry_run: bool = False) -> ImportReport:
    """`source`: a Hugo site (its contentDir is read), its content folder, a section folder or one file."""
    run = _Run(site_dir, column, dry_run, aliases_last=True)
    hugo = hugo_site(source)
    limit, static = hugo.root, hugo.static
    files = hugo_files(source, hugo)
    if not files:
        raise ImportRefused(f"no content files under {source}: expected .md files, as in content/posts/")
    for file, origin in files:
        file = file.resolve()
        folder, language = hugo.place(file)
        relative = file.relative_to(folder).as_posix() if file.is_relative_to(folder) else file.name
        reason = _not_a_hugo_post(file, folder)
        if reason:
            run.skipped.append(Skipped(origin, None, reason))
            continue
        if file.suffix.lower() in OTHER_MARKUP:
            run.failed.append(Failed(origin, None, f"is {file.suffix} markup; only Markdown and HTML can be imported"))
            continue
        modified = date.fromtimestamp(file.stat().st_mtime)
        article = run.parse(
            origin,
            file,
            partial(
                parse_hugo,
                relative=relative,
                site_params=hugo.params,
                site=hugo.config,
                modified=modified,
                language=language,
            ),
        )
        if article is None:
            continue
        if _unpublished(article):
            run.skipped.append(Skipped(origin, None, "a headless page Hugo does not publish, not a post"))
            continue

        def candidates(path: str, folder: Path = file.parent, content: Path = folder) -> list[Path]:
            if path.startswith("/"):
                return [base / path.lstrip("/") for base in (static, content, limit) if base is not None]
            return [folder / path, *([static / path] if static else [])]

        pictures = [found for p in _all_pictures(article) if (found := _locate(p, candidates, limit))]
        run.add(origin, article, pictures, post_keys(relative))
    return run.finish()


def _unpublished(article: ImportedArticle) -> bool:
    """Hugo's `headless: true`, `build: {render: never}` (or the older `_build: {render: false}`)."""
    build = article.extra.get("build") or article.extra.get("_build")
    render = build.get("render") if isinstance(build, dict) else None
    return article.extra.get("headless") is True or render in (False, "never", "false")


def _is_index(file: Path) -> bool:
    return file.name.split(".")[0] == "index" and file.suffix.lower() in MARKDOWN_EXTENSIONS


def _not_a_hugo_post(file: Path, content: Path) -> str | None:
    """Why a content file is not a post: a section's _index, or a resource inside a page bundle."""
    if file.name.split(".")[0] == "_index":
        return "a section page (_index), not a post"
    for folder in file.parents:
        if folder == content or not folder.is_relative_to(content):
            break
        if (folder != file.parent or not _is_index(file)) and any(_is_index(f) for f in folder.iterdir()):
            return f"a resource of the page bundle {folder.name}/, not a post"
    return None


# --------------------------------------------------------------------------- Jekyll


def import_jekyll(site_dir: Path, source: Path, column: str, dry_run: bool = False) -> ImportReport:
    """`source`: a Jekyll site (its posts, drafts and output collections), its _posts or _drafts folder, or one
    post."""
    run = _Run(site_dir, column, dry_run, aliases_last=False)
    jekyll = jekyll_site(source)
    root, baseurl = jekyll.root, jekyll.baseurl
    for file, origin, collection in jekyll_files(source, jekyll):
        folder = jekyll.collections[collection].parent if collection else root
        relative = file.resolve().relative_to(folder.resolve()).as_posix()
        if file.suffix.lower() in OTHER_MARKUP:
            run.failed.append(Failed(origin, None, f"is {file.suffix} markup; only Markdown and HTML can be imported"))
            continue
        modified = date.fromtimestamp(file.stat().st_mtime)
        article = run.parse(
            origin,
            file,
            partial(parse_jekyll, relative=relative, site=jekyll.config, modified=modified, collection=collection),
        )
        if article is None:
            continue

        def candidates(path: str, folder: Path = file.parent) -> list[Path]:
            if path.startswith("/"):
                if baseurl and path.startswith(baseurl + "/"):
                    path = path[len(baseurl) :]
                return [root / path.lstrip("/")]
            return [folder / path, root / path]

        pictures = [found for p in _all_pictures(article) if (found := _locate(p, candidates, root))]
        run.add(origin, article, pictures, (post_key(file.name),))
    if not run.parsed and not run.failed and not run.skipped:
        raise ImportRefused(f"no Jekyll posts under {source}: expected _posts/YYYY-MM-DD-title.md files")
    return run.finish()
