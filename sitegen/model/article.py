"""An article and what belongs to it: its pictures, its rendered body, and the files of the built site.

Frozen, slotted dataclasses with no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from sitegen.errors import ContentError


class FrozenMapping(Mapping[str, Any]):
    """A read-only mapping that, unlike MappingProxyType, can be pickled to worker processes."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        self._data = dict(data or {})

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"FrozenMapping({self._data!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self.items()) == dict(other.items())

    def __hash__(self) -> int:
        return hash(repr(sorted(self._data.items(), key=repr)))

    def __getstate__(self) -> dict[str, Any]:
        return self._data

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._data = state


EMPTY_MAPPING: Mapping[str, Any] = FrozenMapping()


@dataclass(frozen=True, slots=True)
class ImageVariant:
    """One resized, re-encoded version of a local picture."""

    url: str  # site-relative: <folder of the picture>/<stem>-<hash8>-<width>.<ext>
    width: int
    height: int
    mime: str  # "image/webp", "image/jpeg" or "image/png"
    file: Path | None = None  # where its bytes are (the image cache)


@dataclass(frozen=True, slots=True)
class Image:
    """A picture of an article. `url` is site-relative for local files, absolute for http(s).

    `width`/`height`: the displayed size in pixels (EXIF orientation applied); None for a remote picture and for
    an SVG whose size cannot be read. `variants`: narrow to wide, WebP and the fallback format (JPEG or PNG);
    empty for remote pictures, GIFs, animations and SVG, which are used as they are. `thumb`: the 4:3 crop for
    index pages, an Image of its own, or None when there are no variants.
    """

    url: str
    caption: str = ""
    alt: str = ""
    source_file: Path | None = None  # absolute path of a local file to copy, None for remote
    width: int | None = None
    height: int | None = None
    variants: tuple[ImageVariant, ...] = ()
    thumb: Image | None = None
    # what is published at `url` when it is not `source_file` itself: the file without its metadata (the GPS
    # position, the camera...), made in the image cache (sitegen.pictures.metadata); None: the file as it is
    published: Path | None = None

    @property
    def webp(self) -> tuple[ImageVariant, ...]:
        return tuple(v for v in self.variants if v.mime == "image/webp")

    @property
    def fallback(self) -> tuple[ImageVariant, ...]:
        """The variants in the picture's own format (JPEG or PNG), for browsers without WebP."""
        return tuple(v for v in self.variants if v.mime != "image/webp")

    @property
    def src(self) -> str:
        """What `<img src>` shows: the widest fallback variant, else the picture itself."""
        fallback = self.fallback
        return fallback[-1].url if fallback else self.url

    @property
    def files(self) -> tuple[tuple[str, Path], ...]:
        """(site-relative URL, file) of everything the built site needs for this picture."""
        own = ((self.url, self.published or self.source_file),) if self.source_file is not None else ()
        made = tuple((v.url, v.file) for v in self.variants if v.file is not None)
        return own + made + (self.thumb.files if self.thumb is not None else ())

    @property
    def paths(self) -> list[Path]:
        """The files of `files`, in the same order, without a tuple made per picture and thumbnail (the cache asks
        this of every picture of every article it reads back)."""
        found: list[Path] = []
        image: Image | None = self
        while image is not None:
            if image.source_file is not None:
                found.append(image.source_file)
            if image.published is not None:
                found.append(image.published)
            found.extend([v.file for v in image.variants if v.file is not None])
            image = image.thumb
        return found


# The fields of an Article that the Site's assembly (site.py) and the page jobs (render/pages.py) never read: a page
# shows them only through the article itself, which its key names (render/frames.py). An edit of an article's text
# changes nothing else. tests/test_frames.py holds the assembly and the page jobs to it.
READ_ONLY_THROUGH_THE_ARTICLE = frozenset(
    {"summary", "images", "warnings", "heading_ids", "links", "fingerprint", "char_count", "reading_minutes"}
    | {"body_html"}
)


@dataclass(frozen=True, slots=True)
class Article:
    source_path: str  # relative to the site folder, POSIX
    column: str
    title: str
    date: datetime  # aware, in the site timezone
    slug: str
    url: str  # site-relative, e.g. "towns/2022/12/junhe/"
    summary: str
    updated: datetime | None = None
    source: str = ""
    authors: tuple[str, ...] = ()
    editor: str = ""
    views: int = 0
    tags: tuple[str, ...] = ()
    images: tuple[Image, ...] = ()
    unplaced_images: tuple[Image, ...] = ()  # listed in front matter, not placed in the body
    draft: bool = False
    future: bool = False
    featured: bool = False  # a lead story (头条): front matter `featured: true` or a `weight`
    weight: int = 0  # among lead stories, a higher weight comes first
    extra: Mapping[str, Any] = field(default_factory=lambda: EMPTY_MAPPING)
    aliases: tuple[str, ...] = ()  # old site paths (site-relative) that redirect to this article
    warnings: tuple[ContentError, ...] = ()  # front-matter keys that look misspelt: errors under --strict
    heading_ids: frozenset[str] = frozenset()  # anchors other articles may link to
    links: tuple[tuple[str, int], ...] = ()  # (target as written, line) of every link in the body
    fingerprint: str = ""  # changes whenever the article's own output may change; the key of its Body
    char_count: int = 0
    reading_minutes: int = 1
    # Empty but on the article's own page and in full-content feeds: a site holds its bodies in a BodyStore (see
    # Body), so that no build holds every article's HTML at once.
    body_html: str = ""

    @property
    def thumbnail(self) -> Image | None:
        return self.images[0] if self.images else None

    @property
    def body_image_count(self) -> int:
        """How many of `images` the body shows itself (the others, `unplaced_images`, are shown after it)."""
        return len(self.images) - len(self.unplaced_images)

    @property
    def all_pictures(self) -> tuple[Image, ...]:
        """Every picture object the article holds: `images`, then `unplaced_images` (which may repeat some)."""
        return (*self.images, *self.unplaced_images)

    @property
    def output_path(self) -> str:
        return output_path_for(self.url)

    @property
    def lead(self) -> bool:
        return self.featured or self.weight != 0


@dataclass(frozen=True, slots=True)
class Body:
    """What an article's Markdown renders to beyond its Article: kept apart, one at a time, in a BodyStore."""

    html: str  # safe HTML (produced by our Markdown set-up, cleaned for untrusted columns)
    search_text: str  # everything a reader sees of the body, headings, captions and tables included


BodyOf = Callable[[Article], Body]  # an article's body, from wherever the build keeps them


# a file's (st_mtime_ns, st_size) as its writer saw it once written: the output record keeps it
WrittenStat = tuple[int, int]


@dataclass(frozen=True, slots=True)
class OutputFile:
    """A file of the built site: rendered bytes, or a source file to copy."""

    path: str  # relative to the output folder, POSIX
    data: bytes | None = None
    copy_from: Path | None = None
    unchanged: bool = False  # the output already holds it: its inputs match the cached build
    staged: WrittenStat | None = None  # when a page worker wrote it to the staging folder itself (build/staging)



def output_path_for(url: str) -> str:
    """The file a site-relative URL is served from: pretty URLs end in index.html."""
    return f"{url}index.html" if url == "" or url.endswith("/") else url


# the fields of an Article that can change what any page but its own shows (all but READ_ONLY_THROUGH_THE_ARTICLE),
# in declaration order: what the site's frame walks (render/frames.py) and a kept Site is checked by
# (incremental/siteshape.py)
SHAPING_FIELDS = tuple(f.name for f in fields(Article) if f.name not in READ_ONLY_THROUGH_THE_ARTICLE)
