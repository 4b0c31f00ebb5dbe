"""Find the article sources of a site and turn each into an Article or ContentErrors."""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path, PurePosixPath

from markupsafe import Markup

from sitegen.errors import ContentError, printable
from sitegen.frontmatter import FrontMatter, SourceText, parse_source
from sitegen.links import rewrite
from sitegen.markup import MarkdownRenderer, Picture, Rendered, Targets
from sitegen.model import Article, Config, Image
from sitegen.pictures import CONTENT_DIR, REMOTE, Pictures, picture_markup
from sitegen.text import character_count, reading_minutes, summarize
from sitegen.urls import article_url


@dataclass(frozen=True, slots=True)
class Source:
    """A parsed source file whose URL is known, before its body is rendered."""

    path: str  # relative to the site folder
    column: str
    text: SourceText
    slug: str
    url: str
    digest: str  # of the file's bytes


def find_sources(site_dir: Path, config: Config) -> tuple[list[tuple[str, str]], list[ContentError]]:
    """(relative path, column slug) of every article, sorted; .md files outside a column are errors."""
    content = site_dir / CONTENT_DIR
    columns = {c.slug for c in config.columns}
    found: list[tuple[str, str]] = []
    errors: list[ContentError] = []
    if not content.is_dir():
        return found, errors
    root = content.resolve()
    for relative, is_link in sorted(_markdown_files(site_dir, content)):
        parts = PurePosixPath(relative).parts[1:]  # below content/
        # only a link can lead outside: resolving every file would cost a system call per folder level
        if is_link and not (site_dir / relative).resolve().is_relative_to(root):
            errors.append(
                ContentError(
                    relative,
                    None,
                    None,
                    "is a link that points outside content/",
                    "copy the file into the site instead of linking to it",
                )
            )
        elif len(parts) < 2 or parts[0] not in columns:
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


def _markdown_files(site_dir: Path, content: Path) -> Iterable[tuple[str, bool]]:
    """(path relative to the site, whether a link is on the way) of every .md file below content/."""
    prefix = len(str(content)) + 1
    pending = [(str(content), False)]
    seen: set[str] = set()
    while pending:
        folder, linked = pending.pop()
        real = os.path.realpath(folder) if linked else folder
        if real in seen:  # a link back up the tree
            continue
        seen.add(real)
        with os.scandir(folder) as entries:
            for entry in entries:
                is_link = linked or entry.is_symlink()
                if entry.is_dir():
                    pending.append((entry.path, is_link))
                elif entry.name.endswith(".md"):
                    yield f"{CONTENT_DIR}/" + entry.path[prefix:].replace(os.sep, "/"), is_link


def read_source(
    site_dir: Path, relative: str, column: str, config: Config, previous: Source | None = None
) -> Source | list[ContentError]:
    """Read and parse one source; `previous` (the same file in an earlier build) is reused when unchanged."""
    try:
        raw = (site_dir / relative).read_bytes()
    except OSError as exc:
        return [ContentError(relative, None, None, f"cannot be read: {exc.strerror}")]
    digest = hashlib.sha1(raw).hexdigest()
    if previous is not None and previous.digest == digest and previous.column == column:
        return previous
    parsed = parse_source(relative, raw, config.timezone)
    if isinstance(parsed, list):
        return parsed
    slug = parsed.front_matter.slug or default_slug(relative)
    url = article_url(config.permalink, column, slug, parsed.front_matter.date)
    return Source(relative, column, parsed, slug, url, digest)


def default_slug(relative: str) -> str:
    """The file name without .md; `post/index.md` (a page bundle) takes its folder's name."""
    path = PurePosixPath(relative)
    stem = path.parent.name if path.stem == "index" else path.stem
    return re.sub(r"[^\w.-]+", "-", stem).strip("-.") or "article"


def render_article(
    source: Source,
    markdown: MarkdownRenderer,
    pictures: Pictures,
    urls: Mapping[str, str],
    now: datetime,
) -> Article | list[ContentError]:
    front: FrontMatter = source.text.front_matter
    errors: list[ContentError] = []
    sizes = {same_picture(e.src): (e.width, e.height) for e in front.images if e.width and e.height}

    def picture(src: str) -> Picture:
        found = pictures.find(source.path, src)
        if not isinstance(found, Image):
            return Picture(src)  # the error is reported below
        return picture_markup(_sized(found, *sizes.get(same_picture(src), (None, None))), source.url)

    def resolve_link(href: str) -> str:
        return rewrite(source.path, source.url, href, urls)

    rendered = markdown.render(
        source.text.body,
        Targets(
            picture=picture,
            link_url=resolve_link,
            captions=_Captions({same_picture(i.src): i.caption for i in front.images}),
        ),
    )
    body_images = [
        _image(source, pictures, src, "", "", errors, _body_line(source, src))
        for src in dict.fromkeys(rendered.image_srcs)
    ]
    listed = [
        _image(source, pictures, e.src, e.caption, e.alt, errors, e.line, (e.width, e.height)) for e in front.images
    ]
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
        image
        for src, image in zip(dict.fromkeys(rendered.image_srcs), body_images, strict=True)
        if same_picture(src) not in listed_srcs
    ]
    images = tuple(i for i in listed if i is not None) + tuple(i for i in body_only if i is not None)
    unplaced_images = tuple(i for i in unplaced if i is not None)
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
        images=images,
        unplaced_images=unplaced_images,
        draft=front.draft,
        future=front.date > now,
        extra=front.extra,
        heading_ids=rendered.heading_ids,
        links=links,
        fingerprint=fingerprint(
            source.digest,
            source.path,
            source.column,
            source.url,
            links,
            urls,
            pictures.keys((*images, *unplaced_images)),
        ),
        search_text=rendered.full_text,
        char_count=character_count(body_text),
        reading_minutes=reading_minutes(body_text),
    )


def fingerprint(
    digest: str,
    path: str,
    column: str,
    url: str,
    links: tuple[tuple[str, int], ...],
    urls: Mapping[str, str],
    picture_keys: tuple[str, ...],
) -> str:
    """What an article's rendering depends on: its bytes, its place, the URLs its links point to, and the bytes of
    its pictures (their variants' names carry a hash of them)."""
    rewritten = [rewrite(path, url, href, urls) for href, _ in links]
    return hashlib.sha1(f"{digest}|{path}|{column}|{url}|{rewritten!r}|{picture_keys!r}".encode()).hexdigest()


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
    source: Source,
    pictures: Pictures,
    src: str,
    caption: str,
    alt: str,
    errors: list[ContentError],
    line: int,
    size: tuple[int | None, int | None] = (None, None),
) -> Image | None:
    found = pictures.find(source.path, src)
    if isinstance(found, Image):
        return replace(_sized(found, *size), caption=caption, alt=alt or caption)
    hint = (
        "save it again as JPEG, PNG, WebP, GIF or SVG"
        if found.startswith("cannot be decoded")
        else "put the file beside the article or under assets/, or fix the path"
    )
    errors.append(ContentError(source.path, line, "images", f"picture '{printable(src)}' {found}", hint))
    return None


def _sized(image: Image, width: int | None, height: int | None) -> Image:
    """The size the front matter gives, for a picture that cannot be measured (remote); a measured one keeps its."""
    if image.width is None and width and height:
        return replace(image, width=width, height=height)
    return image


def _body_line(source: Source, target: str) -> int:
    """The line of a link or picture target: where it stands as a target, `(x.md)` or `<x.md>` or `: x.md`."""
    body = source.text.body
    match = re.search(r"(?:\(|<|:[ \t]*)" + re.escape(target) + r"(?=[)>\s\"']|$)", body, re.M)
    index = match.start() if match else body.find(target)
    return source.text.body_line + (body.count("\n", 0, index) if index >= 0 else 0)
