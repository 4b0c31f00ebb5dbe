"""Find the article sources of a site and turn each into an Article or ContentErrors."""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from markupsafe import Markup

from sitegen.errors import ContentError, printable
from sitegen.frontmatter import FrontMatter, SourceText, parse_source
from sitegen.links import rewrite
from sitegen.markup import MarkdownRenderer, MarkupError, Rendered, Targets
from sitegen.model import Article, Config, Image
from sitegen.text import character_count, reading_minutes, summarize
from sitegen.urls import article_url, path_problem, relative_url, safe_join, segment_problem, unsafe_scheme

CONTENT_DIR = "content"
ASSETS_DIR = "assets"
LINKED_FOLDERS = ("assets", "templates", "data")  # besides content/: folders whose files a build reads
REMOTE = re.compile(r"^(https?:)?//", re.IGNORECASE)
NOT_IN_URLS = re.compile(r"[\s\"<>\\^`{|}]")  # characters a URL cannot hold unescaped (RFC 3986)
MAX_SOURCE_BYTES = 1024 * 1024  # a long article is 100 KB; pictures are files of their own
# What a local picture may be: it is copied into the public site, where an .html or .js "picture" would run.
PICTURE_TYPES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg")
SCRIPTABLE_PICTURES = (".svg",)  # an SVG opened on its own runs its scripts: not from untrusted columns


@dataclass(frozen=True, slots=True)
class Source:
    """A parsed source file whose URL is known, before its body is rendered."""

    path: str  # relative to the site folder
    column: str
    text: SourceText
    slug: str
    url: str
    digest: str  # of the file's bytes
    untrusted: bool = False  # its column is marked `untrusted: true`: raw HTML in the body is cleaned


def find_sources(site_dir: Path, config: Config) -> tuple[list[tuple[str, str]], list[ContentError]]:
    """(relative path, column slug) of every article, sorted; .md files outside a column are errors."""
    content = site_dir / CONTENT_DIR
    columns = {c.slug for c in config.columns}
    found: list[tuple[str, str]] = []
    errors = links_out(site_dir)
    if not content.is_dir() or errors:
        return found, errors
    root = content.resolve()
    for relative, link_problem in sorted(_markdown_files(content, root)):
        parts = PurePosixPath(relative).parts[1:]  # below content/
        if link_problem is not None:
            errors.append(ContentError(relative, None, None, link_problem.replace("%s", "content/"), _LINK_HINT))
            continue
        if len(parts) < 2 or parts[0] not in columns:
            errors.append(
                ContentError(
                    relative,
                    None,
                    None,
                    "is not inside a column folder",
                    f"move it under content/<column>/; columns: {', '.join(sorted(columns))}",
                )
            )
        elif (site_dir / relative).is_file():
            found.append((relative, parts[0]))
    return found, errors


def _markdown_files(content: Path, root: Path) -> Iterable[tuple[str, str | None]]:
    """(path relative to the site, why it must not be read or None) of every .md file below content/.

    os.scandir, not rglob: a large site has tens of thousands of files and folders. A link (to a source or a
    folder) is followed only when it resolves inside content/; otherwise it is reported where it stands.
    """
    prefix = len(str(content)) + 1
    pending = [str(content)]
    seen: set[str] = set()
    while pending:
        folder = pending.pop()
        real = os.path.realpath(folder)
        if real in seen:  # a link back up the tree
            continue
        seen.add(real)
        with os.scandir(folder) as entries:
            for entry in entries:
                relative = f"{CONTENT_DIR}/" + entry.path[prefix:].replace(os.sep, "/")
                is_markdown = entry.name.endswith(".md")
                # a linked source or folder is reported here; a linked picture where an article uses it
                if entry.is_symlink() and (is_markdown or entry.is_dir()):
                    problem = _link_problem(Path(entry.path), root)
                    if problem is not None:
                        yield relative, problem
                        continue
                if entry.is_dir():
                    pending.append(entry.path)
                elif is_markdown:
                    yield relative, None


_LINK_HINT = "copy the file into the site instead of linking to it"


def _link_problem(path: Path, root: Path) -> str | None:
    """Why the symbolic link `path` must not be read, with %s for the folder it must stay in; or None."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # RuntimeError: a loop of links (Python < 3.13)
        return "is a broken link or a loop of links"
    return None if target.is_relative_to(root) else "is a link that points outside %s"


def links_out(site_dir: Path) -> list[ContentError]:
    """Symbolic links that would make a build read outside the site: content/ and the folders in LINKED_FOLDERS
    themselves, and any link inside those folders. (Links inside content/ are checked by find_sources.)"""
    site = site_dir.resolve()
    errors = []
    for name in (CONTENT_DIR, *LINKED_FOLDERS):
        folder = site_dir / name
        if folder.is_symlink() and (problem := _link_problem(folder, site)):
            errors.append(ContentError(name, None, None, problem.replace("%s", "the site folder"), _LINK_HINT))
        elif name != CONTENT_DIR and folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_symlink() and (problem := _link_problem(path, site)):
                    where = path.relative_to(site_dir).as_posix()
                    errors.append(ContentError(where, None, None, problem.replace("%s", "the site folder"), _LINK_HINT))
    return errors


def read_source(
    site_dir: Path, relative: str, column: str, config: Config, previous: Source | None = None
) -> Source | list[ContentError]:
    """Read and parse one source; `previous` (the same file in an earlier build) is reused when unchanged."""
    try:
        with (site_dir / relative).open("rb") as file:
            raw = file.read(MAX_SOURCE_BYTES + 1)
    except OSError as exc:
        return [ContentError(relative, None, None, f"cannot be read: {exc.strerror}")]
    if len(raw) > MAX_SOURCE_BYTES:
        return [
            ContentError(
                relative,
                None,
                None,
                f"is larger than {MAX_SOURCE_BYTES // 1024} KB",
                "split it into several articles; pictures belong in files of their own",
            )
        ]
    digest = hashlib.sha1(raw).hexdigest()
    if previous is not None and previous.digest == digest and previous.column == column:
        return previous
    parsed = parse_source(relative, raw, config.timezone)
    if isinstance(parsed, list):
        return parsed
    slug = parsed.front_matter.slug or default_slug(relative)
    if problem := segment_problem(slug):
        return [
            ContentError(
                relative,
                None,
                "slug",
                f"the file name gives the slug '{slug}', which must be {problem}",
                "rename the file or set a shorter `slug:` in the front matter",
            )
        ]
    url = article_url(config.permalink, column, slug, parsed.front_matter.date)
    untrusted = any(c.untrusted for c in config.columns if c.slug == column)
    return Source(relative, column, parsed, slug, url, digest, untrusted)


def default_slug(relative: str) -> str:
    """The file name without .md; `post/index.md` (a page bundle) takes its folder's name."""
    path = PurePosixPath(relative)
    stem = path.parent.name if path.stem == "index" else path.stem
    return re.sub(r"[^\w.-]+", "-", stem).strip("-.") or "article"


class ImageResolver:
    """Local picture paths -> site-relative output URLs, resolved against the article's folder, then assets/."""

    def __init__(self, site_dir: Path) -> None:
        self.site_dir = site_dir.resolve()
        self._found: dict[tuple[str, str], tuple[str, Path] | None] = {}  # pictures are shared across articles

    def locate(self, source_path: str, src: str) -> tuple[str, Path] | None:
        """(site-relative URL, file) of a local picture, or None when missing or outside the site."""
        folder = PurePosixPath(source_path).parent.as_posix()
        key = (folder, src)
        if key not in self._found:
            self._found[key] = self._locate(folder, src.split("#")[0].split("?")[0])
        return self._found[key]

    def leaves_site(self, source_path: str, src: str) -> bool:
        """Whether `src` (from the article at `source_path`) points outside the site, lexically or through a link."""
        folder = PurePosixPath(source_path).parent.as_posix()
        return safe_join(self.site_dir, f"{folder}/{src}") is None

    def elsewhere(self, source_path: str, src: str) -> bool:
        """Whether `src` names a file of the site that is no picture source: outside content/ and assets/
        (site.yaml, templates/, .git/...) or in a hidden folder."""
        folder = PurePosixPath(source_path).parent.as_posix()
        file = safe_join(self.site_dir, f"{folder}/{src.split('#')[0].split('?')[0]}")
        return file is not None and file.is_file() and not _picture_place(file.relative_to(self.site_dir).as_posix())

    def _locate(self, folder: str, src: str) -> tuple[str, Path] | None:
        for base in (folder, ASSETS_DIR):
            file = safe_join(self.site_dir, f"{base}/{src}")
            if file is not None and file.is_file() and _picture_place(file.relative_to(self.site_dir).as_posix()):
                relative = file.relative_to(self.site_dir).as_posix()
                content_prefix = CONTENT_DIR + "/"
                url = relative[len(content_prefix) :] if relative.startswith(content_prefix) else relative
                return url, file
        return None


def _picture_place(relative: str) -> bool:
    """Pictures come from content/ and assets/, never from a hidden file or folder."""
    parts = relative.split("/")
    return parts[0] in (CONTENT_DIR, ASSETS_DIR) and not any(part.startswith(".") for part in parts)


def picture_type_problem(src: str, untrusted: bool) -> str | None:
    """Why a local picture path cannot be a picture copied into the site, or None."""
    suffix = PurePosixPath(src.split("#")[0].split("?")[0]).suffix.lower()
    if suffix not in PICTURE_TYPES:
        return f"is not a picture file ({', '.join(PICTURE_TYPES)})"
    if untrusted and suffix in SCRIPTABLE_PICTURES:
        return "is an SVG file, which can carry scripts: not allowed in an untrusted column"
    return None


def render_article(
    source: Source,
    markdown: MarkdownRenderer,
    images: ImageResolver,
    urls: Mapping[str, str],
    now: datetime,
) -> Article | list[ContentError]:
    front: FrontMatter = source.text.front_matter
    errors: list[ContentError] = []

    def image_url(src: str) -> str:
        if REMOTE.match(src):
            return src
        located = images.locate(source.path, src)
        return relative_url(source.url, located[0]) if located else src

    def resolve_link(href: str) -> str:
        return rewrite(source.path, source.url, href, urls)

    try:
        rendered = markdown.render(
            source.text.body,
            Targets(
                image_url=image_url,
                link_url=resolve_link,
                captions=_Captions({same_picture(i.src): i.caption for i in front.images}),
            ),
            untrusted=source.untrusted,
        )
    except MarkupError as exc:
        return [ContentError(source.path, _markup_line(source, exc), "body", exc.message, exc.hint)]
    if not source.untrusted:  # in an untrusted column such links are removed with the rest of the raw HTML
        errors.extend(
            ContentError(
                source.path,
                _body_line(source, href),
                "link",
                f"'{printable(href)}' is a {scheme}: link, which browsers would run or open as data",
                "link to http(s), mailto or tel addresses, or to files of the site",
            )
            for href in dict.fromkeys(rendered.link_targets)
            if (scheme := unsafe_scheme(href))
        )
    # in an untrusted column a javascript: or data: "picture" is no file to look for: nh3 has removed it
    body_srcs = [src for src in dict.fromkeys(rendered.image_srcs) if not (source.untrusted and unsafe_scheme(src))]
    body_images = [_image(source, images, src, "", "", errors, _body_line(source, src)) for src in body_srcs]
    listed = [_image(source, images, e.src, e.caption, e.alt, errors, e.line) for e in front.images]
    if errors:
        return errors
    links = tuple((href, _body_line(source, href)) for href in dict.fromkeys(rendered.link_targets))
    body_text = rendered.text
    placed = {same_picture(src) for src in rendered.image_srcs}
    unplaced = tuple(
        image for entry, image in zip(front.images, listed, strict=True) if same_picture(entry.src) not in placed
    )
    listed_srcs = {same_picture(e.src) for e in front.images}
    body_only = [
        image for src, image in zip(body_srcs, body_images, strict=True) if same_picture(src) not in listed_srcs
    ]
    return Article(
        source_path=source.path,
        column=source.column,
        title=front.title,
        date=front.date,
        slug=source.slug,
        url=source.url,
        body_html=Markup(rendered.html),  # produced by our Markdown set-up, not by the editor's text alone
        summary=front.summary or _summary(rendered),
        updated=front.updated,
        source=front.source,
        authors=front.authors,
        editor=front.editor,
        views=front.views,
        tags=front.tags,
        images=tuple(i for i in listed if i is not None) + tuple(i for i in body_only if i is not None),
        unplaced_images=tuple(i for i in unplaced if i is not None),
        draft=front.draft,
        future=front.date > now,
        extra=front.extra,
        heading_ids=rendered.heading_ids,
        links=links,
        fingerprint=fingerprint(source.digest, source.path, source.column, source.url, links, urls),
        search_text=rendered.full_text,
        char_count=character_count(body_text),
        reading_minutes=reading_minutes(body_text),
    )


def fingerprint(
    digest: str, path: str, column: str, url: str, links: tuple[tuple[str, int], ...], urls: Mapping[str, str]
) -> str:
    """What an article's rendering depends on: its bytes, its place, and the URLs its links point to."""
    rewritten = [rewrite(path, url, href, urls) for href, _ in links]
    return hashlib.sha1(f"{digest}|{path}|{column}|{url}|{rewritten!r}".encode()).hexdigest()


def same_picture(src: str) -> str:
    """One spelling per picture: `./a.png` and `a.png` are the same file."""
    return src if REMOTE.match(src) else posixpath.normpath(src)


class _Captions(dict[str, str]):
    """Captions by picture, looked up under any spelling of its path."""

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        return super().get(same_picture(key), default)


def _summary(rendered: Rendered) -> str:
    if rendered.text_before_more and (text := " ".join(rendered.text_before_more.split())):
        return text
    return summarize(rendered.text)


def _image(
    source: Source, images: ImageResolver, src: str, caption: str, alt: str, errors: list[ContentError], line: int
) -> Image | None:
    if REMOTE.match(src) and (bad := NOT_IN_URLS.search(src)):
        errors.append(
            ContentError(
                source.path, line, "images", f"picture '{printable(src)}' is not a valid URL: it holds {bad.group(0)!r}"
            )
        )
        return None
    if REMOTE.match(src):
        return Image(url=src, caption=caption, alt=alt or caption)
    problem = (
        path_problem(src)
        or ("leaves the site folder" if images.leaves_site(source.path, src) else None)
        or picture_type_problem(src, source.untrusted)
    )
    located = None if problem else images.locate(source.path, src)
    if located is None:
        problem = problem or ("is outside content/ and assets/" if images.elsewhere(source.path, src) else "not found")
        errors.append(
            ContentError(
                source.path,
                line,
                "images",
                f"picture '{printable(src)}' {problem}",
                "put the file beside the article or under assets/, or fix the path",
            )
        )
        return None
    url, file = located
    return Image(url=url, caption=caption, alt=alt or caption, source_file=file)


def _markup_line(source: Source, error: MarkupError) -> int:
    """The line of the body a MarkupError is about: its own, or where its text starts."""
    if error.line is not None:
        return source.text.body_line + error.line - 1
    index = source.text.body.find(error.snippet.lstrip()[:40]) if error.snippet.strip() else -1
    return source.text.body_line + (source.text.body.count("\n", 0, index) if index >= 0 else 0)


def _body_line(source: Source, target: str) -> int:
    """The line of a link or picture target: where it stands as a target, `(x.md)` or `<x.md>` or `: x.md`."""
    body = source.text.body
    match = re.search(r"(?:\(|<|:[ \t]*)" + re.escape(target) + r"(?=[)>\s\"']|$)", body, re.M)
    index = match.start() if match else body.find(target)
    return source.text.body_line + (body.count("\n", 0, index) if index >= 0 else 0)
