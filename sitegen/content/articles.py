"""Find the article sources of a site and turn each into an Article or ContentErrors."""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path, PurePosixPath

from sitegen import toolchain
from sitegen.content.frontmatter import FrontMatter, SourceText, read_body
from sitegen.content.links import rewrite
from sitegen.content.markup import MarkdownRenderer, MarkupError, Picture, Rendered, Targets
from sitegen.content.sourcefile import read_limited
from sitegen.content.text import character_count, reading_minutes, summarize
from sitegen.errors import ContentError, printable
from sitegen.model import Article, Body, Config, Image
from sitegen.pictures.resolve import REMOTE, Pictures, picture_markup
from sitegen.urls import DATA_PICTURE, article_url, segment_problem, unsafe_scheme

# A long article is 100 KB; R Markdown and blogdown posts that carry their pictures as data: URIs reach several MB.
# Dense HTML renders at about 3 s per MB, data: pictures at about 0.1 s per MB (bench/limits.py).
MAX_SOURCE_BYTES = 8 * 1024 * 1024


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
    body_pictures: tuple[str, ...] = ()  # what the body shows, once the loader dropped it (content/rereading.py)


@dataclass(frozen=True, slots=True)
class Flawed:
    """A source whose body rendered but which has errors of its own (its front matter, a picture, a link): never
    published, but its article is checked with the others (its links, the links to it), so that all of a file's
    errors come in one run. Its wrong fields hold their defaults; `url_known`: its URL's fields are right."""

    article: Article
    errors: tuple[ContentError, ...]
    url_known: bool


def read_source(
    site_dir: Path, relative: str, column: str, config: Config, previous: Source | None = None
) -> Source | list[ContentError]:
    """Read and parse one source; `previous` (the same file in an earlier build) is reused when unchanged."""
    try:
        raw = read_limited(site_dir / relative, MAX_SOURCE_BYTES + 1)
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
    parsed = read_body(relative, raw, config.timezone)  # front-matter errors ride along: see render_article
    if isinstance(parsed, list):
        return parsed
    slug = parsed.front_matter.slug or default_slug(relative)
    slug_written = any(problem.field == "slug" for problem in parsed.problems)  # wrong: its own error says so
    if not slug_written and (problem := segment_problem(slug)):
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


def render_article(
    source: Source,
    markdown: MarkdownRenderer,
    pictures: Pictures,
    urls: Mapping[str, str],
    now: datetime,
) -> tuple[Article, Body] | Flawed | list[ContentError]:
    """The article and its body (kept apart: see Body); with errors, the article as Flawed when its body rendered
    (its links are checked with the others'), else every error found in it."""
    errors: list[ContentError] = list(source.text.problems)  # the body is checked too: all of a file's errors at once
    try:
        rendered = _render_body(source, markdown, pictures, urls)
    except MarkupError as exc:
        return [*errors, ContentError(source.path, _markup_line(source, exc), "body", exc.message, exc.hint)]
    if not source.untrusted:  # in an untrusted column such links are removed with the rest of the raw HTML
        errors.extend(_unsafe_links(source, rendered))
    images, unplaced_images = _pictures(source, pictures, rendered, errors)
    links = tuple((href, _body_line(source, href)) for href in dict.fromkeys(rendered.link_targets))
    if errors:  # no fingerprint: it is never stored
        article = _article(source, rendered, images, unplaced_images, links, "", now)
        return Flawed(article, tuple(errors), source.text.url_known)
    key = fingerprint(
        source.digest, source.path, source.column, source.url, links, urls, pictures.keys((*images, *unplaced_images))
    )
    article = _article(source, rendered, images, unplaced_images, links, key, now)
    return article, Body(rendered.html, rendered.full_text)


def _render_body(source: Source, markdown: MarkdownRenderer, pictures: Pictures, urls: Mapping[str, str]) -> Rendered:
    """The body's Markdown rendered, its pictures and links pointed at their files and URLs; raises MarkupError."""
    front: FrontMatter = source.text.front_matter
    sizes = {same_picture(e.src): (e.width, e.height) for e in front.images if e.width and e.height}

    def picture(src: str) -> Picture:
        found = pictures.find(source.path, src, source.untrusted)
        if not isinstance(found, Image):
            return Picture(src)  # the error is reported by _pictures
        return picture_markup(_sized(found, *sizes.get(same_picture(src), (None, None))), source.url)

    def resolve_link(href: str) -> str:
        return rewrite(source.path, source.url, href, urls)

    return markdown.render(
        source.text.body,
        Targets(
            picture=picture,
            link_url=resolve_link,
            captions=_Captions({same_picture(i.src): i.caption for i in front.images}),
        ),
        untrusted=source.untrusted,
    )


def _unsafe_links(source: Source, rendered: Rendered) -> list[ContentError]:
    """An error for every link in the body that a browser would run (javascript:) or open as data."""
    return [
        ContentError(
            source.path,
            _body_line(source, href),
            "link",
            f"'{printable(href)}' is a {scheme}: link, which browsers would run or open as data",
            "link to http(s), mailto or tel addresses, or to files of the site",
        )
        for href in dict.fromkeys(rendered.link_targets)
        if (scheme := unsafe_scheme(href))
    ]


def _pictures(
    source: Source, pictures: Pictures, rendered: Rendered, errors: list[ContentError]
) -> tuple[tuple[Image, ...], tuple[Image, ...]]:
    """(the article's pictures: the front matter's, then those only the body shows; the front matter's that the
    body does not place). A picture that cannot be used is left out and added to `errors`."""
    front: FrontMatter = source.text.front_matter
    # in an untrusted column a javascript: or data: "picture" is no file to look for: nh3 has removed it
    body_srcs = [src for src in dict.fromkeys(rendered.image_srcs) if not (source.untrusted and unsafe_scheme(src))]
    body_images = [_image(source, pictures, src, "", "", errors, _body_line(source, src)) for src in body_srcs]
    listed = [
        _image(source, pictures, e.src, e.caption, e.alt, errors, e.line, (e.width, e.height)) for e in front.images
    ]
    placed = {same_picture(src) for src in rendered.image_srcs}
    unplaced = tuple(
        image for entry, image in zip(front.images, listed, strict=True) if same_picture(entry.src) not in placed
    )
    listed_srcs = {same_picture(e.src) for e in front.images}
    body_only = [
        image for src, image in zip(body_srcs, body_images, strict=True) if same_picture(src) not in listed_srcs
    ]
    images = tuple(i for i in listed if i is not None) + tuple(i for i in body_only if i is not None)
    return images, tuple(i for i in unplaced if i is not None)


def _article(
    source: Source,
    rendered: Rendered,
    images: tuple[Image, ...],
    unplaced_images: tuple[Image, ...],
    links: tuple[tuple[str, int], ...],
    key: str,
    now: datetime,
) -> Article:
    """The Article of a source whose body rendered without errors; `key` is its fingerprint."""
    front: FrontMatter = source.text.front_matter
    body_text = rendered.text
    return Article(
        source_path=source.path,
        column=source.column,
        title=front.title,
        date=front.date,
        slug=source.slug,
        url=source.url,
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
        featured=front.featured,
        weight=front.weight,
        extra=front.extra,
        aliases=front.aliases,
        warnings=source.text.warnings,
        heading_ids=rendered.heading_ids,
        links=links,
        fingerprint=key,
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
    its pictures (their variants' names carry a hash of them), and the toolchain that renders it."""
    rewritten = [rewrite(path, url, href, urls) for href, _ in links]
    shape = f"{toolchain.digest()}|{digest}|{path}|{column}|{url}|{rewritten!r}|{picture_keys!r}"
    return hashlib.sha1(shape.encode()).hexdigest()


def same_picture(src: str) -> str:
    """One spelling per picture: `./a.png` and `a.png` are the same file."""
    return src if REMOTE.match(src) or DATA_PICTURE.match(src) else posixpath.normpath(src)


class _Captions(dict[str, str]):
    """Captions by picture, looked up under any spelling of its path."""

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]  # not overloaded
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
    found = pictures.find(source.path, src, source.untrusted)
    if isinstance(found, Image):
        return replace(_sized(found, *size), caption=caption, alt=alt or caption)
    if found.startswith("cannot be decoded"):
        hint = "save it again as JPEG, PNG, WebP, GIF or SVG"
    elif found in ("not found", "leaves the site folder", "is outside content/ and assets/"):
        hint = "put the file beside the article or under assets/, or fix the path"
    else:
        hint = ""
    errors.append(ContentError(source.path, line, "images", f"picture '{printable(src)}' {found}", hint))
    return None


def _sized(image: Image, width: int | None, height: int | None) -> Image:
    """The size the front matter gives, for a picture that cannot be measured (remote); a measured one keeps its."""
    if image.width is None and width and height:
        return replace(image, width=width, height=height)
    return image


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
