"""The data sitegen works on: frozen, slotted dataclasses with no I/O."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
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


DEFAULT_KEEP_BUILDS = 20  # site.yaml image_cache_keep_builds: see sitegen.pictures.usage

@dataclass(frozen=True, slots=True)
class Column:
    """A navigation column: a folder under content/ and a URL segment."""

    slug: str
    title: str
    description: str = ""
    untrusted: bool = False  # its articles come from readers: raw HTML in their bodies is cleaned with nh3

    @property
    def url(self) -> str:
        return f"{self.slug}/"


@dataclass(frozen=True, slots=True)
class EditorConfig:
    """site.yaml's `web_editor:`: the web editor written to admin/ by the build, and where it saves articles."""

    backend: str  # "github", "gitlab", "gitea", "forgejo" or "local" (this machine only)
    repo: str = ""  # owner/name on the git host
    branch: str = "main"
    api_root: str = ""  # a self-hosted GitLab, Gitea or Forgejo: its API address
    auth_url: str = ""  # the OAuth server (Decap's base_url)
    app_id: str = ""  # the OAuth application's client id (GitLab, Gitea, Forgejo)
    local_port: int | None = None  # decap-server on this machine: the editor uses it when opened on localhost
    files: str = ""  # the editor's JavaScript, site-relative (config.py: layout.EDITOR_FILES unless set)
    review: bool = False  # Decap's editorial workflow: every change is a pull request, published when merged


@dataclass(frozen=True, slots=True)
class Filings:
    """What a website in mainland China shows in its footer (site.yaml `filings:`); empty texts are not shown."""

    icp: str = ""  # ICP 备案号, e.g. 粤ICP备2023012345号-1, linked to beian.miit.gov.cn
    police: str = ""  # 公安机关备案号, e.g. 粤公网安备44011102000123号, with its badge
    police_code: str = ""  # its 14 digits, for the link to the filing's record
    conac_id: str = ""  # 党政机关网站标识: the site's id at bszs.conac.cn (32 hexadecimal digits)
    government_code: str = ""  # 政府网站标识码, e.g. 4401110001

    @property
    def any(self) -> bool:
        return bool(self.icp or self.police or self.conac_id or self.government_code)


@dataclass(frozen=True, slots=True)
class MourningRange:
    """A time during which every page is grey (全站变灰): from `start` up to, not including, `end`."""

    start: datetime  # aware, in the site's time zone
    end: datetime

    def covers(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


@dataclass(frozen=True, slots=True)
class Edition:
    """The site again in another script under a URL prefix (the Traditional edition, 繁體版), converted from the
    Simplified source at build time by OpenCC's `conversion` and the site's own dictionary."""

    language: str  # BCP 47, the pages' lang: "zh-Hant-HK"
    conversion: str  # an OpenCC configuration: "s2hk", "s2twp", "s2tw" or "s2t"
    prefix: str  # site-relative, one segment ending in "/": "zh-hant/"
    label: str  # the switch's name for it: "繁體"
    source_label: str = "简体"  # the switch's name for the source edition
    phrases: tuple[tuple[str, str], ...] = ()  # the site's dictionary: Simplified -> as the edition writes it

    @property
    def key(self) -> str:
        """What decides its converted pages, as a name for the cache ("zh-Hant-HK.s2hk.<digest of the rest>")."""
        digest = hashlib.sha1(repr((self.prefix, self.label, self.source_label, self.phrases)).encode()).hexdigest()[
            :12
        ]
        return f"{self.language}.{self.conversion}.{digest}"


@dataclass(frozen=True, slots=True)
class Config:
    """The validated contents of site.yaml."""

    title: str
    base_url: str  # absolute, ends with "/"
    language: str  # "zh-CN" or "en"
    timezone: tzinfo
    timezone_name: str
    page_size: int
    permalink: str
    home_title: str
    columns: tuple[Column, ...]
    description: str = ""
    home_per_column: int = 5
    most_read_count: int = 10
    latest_count: int = 10
    feed_size: int = 20
    feed_full_content: bool = False
    related_count: int = 5
    image_cache_keep_builds: int = DEFAULT_KEEP_BUILDS  # processed pictures unused for this many builds are removed
    filings: Filings = field(default_factory=Filings)
    mourning: tuple[MourningRange, ...] = ()
    accessibility_toolbar: bool = True  # the elder-mode and accessibility toolbar on every page
    lead_count: int = 3  # lead stories (头条) at the top of the home page and of a column

    def mourning_at(self, moment: datetime) -> bool:
        return any(r.covers(moment) for r in self.mourning)

    def next_mourning_change(self, moment: datetime) -> datetime | None:
        """The first start or end of a mourning range after `moment`: the clock alone changes every page then."""
        return min((t for r in self.mourning for t in (r.start, r.end) if t > moment), default=None)
    web_editor: EditorConfig | None = None  # the web editor (admin/), when the site has one
    editions: tuple[Edition, ...] = ()  # the site again in other scripts (site.yaml `editions:`)
    edition: Edition | None = None  # the edition this config renders (its texts converted), None for the source
    root_url: str = ""  # in an edition's config: the source's base_url, where the shared assets and pictures are

    @property
    def files_url(self) -> str:
        """The absolute URL the site's assets and pictures live under (shared by every edition)."""
        return self.root_url or self.base_url

    def column(self, slug: str) -> Column | None:
        return next((c for c in self.columns if c.slug == slug), None)


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
        own = ((self.url, self.source_file),) if self.source_file is not None else ()
        made = tuple((v.url, v.file) for v in self.variants if v.file is not None)
        return own + made + (self.thumb.files if self.thumb is not None else ())


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


@dataclass(frozen=True, slots=True)
class OutputFile:
    """A file of the built site: rendered bytes, or a source file to copy."""

    path: str  # relative to the output folder, POSIX
    data: bytes | None = None
    copy_from: Path | None = None
    unchanged: bool = False  # the output already holds it: its inputs match the cached build


def output_path_for(url: str) -> str:
    """The file a site-relative URL is served from: pretty URLs end in index.html."""
    return f"{url}index.html" if url == "" or url.endswith("/") else url


@dataclass(frozen=True, slots=True)
class PageLink:
    number: int
    url: str


@dataclass(frozen=True, slots=True)
class Tag:
    name: str  # as editors wrote it (the first spelling met, in source order)
    slug: str
    count: int = 0

    @property
    def url(self) -> str:
        return f"tags/{self.slug}/"


@dataclass(frozen=True, slots=True)
class Author:
    """A 作者 or 编辑 with a page of their articles at `authors/<slug>/` (bio and photo from data/authors.yaml)."""

    name: str
    slug: str
    url: str  # site-relative: urls.author_url
    bio: str = ""
    photo: str = ""  # site-relative URL of a picture under assets/, or ""
    count: int = 0


@dataclass(frozen=True, slots=True)
class ArchivePeriod:
    """A year (`month` 0) or a month of the date archive."""

    year: int
    month: int  # 0 for a whole year
    url: str  # site-relative: urls.archive_url
    count: int = 0


@dataclass(frozen=True, slots=True)
class Listing:
    """One page of an index: a column's, or (`column` None) a tag's, an author's or an archive period's."""

    column: Column | None
    articles: tuple[Article, ...]
    number: int
    total: int
    url: str
    pages: tuple[PageLink, ...]
    tag: Tag | None = None
    author: Author | None = None
    period: ArchivePeriod | None = None

    @property
    def previous_url(self) -> str | None:
        return self.pages[self.number - 2].url if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.pages[self.number].url if self.number < self.total else None


@dataclass(frozen=True, slots=True)
class ArticlePage:
    article: Article
    column: Column
    previous: Article | None
    next: Article | None
    related: tuple[Article, ...] = ()
    authors: tuple[Author, ...] = ()  # the article's 作者, in order, each with their page
    editor: Author | None = None  # its 编辑 with their page


@dataclass(frozen=True, slots=True)
class ColumnBlock:
    column: Column
    articles: tuple[Article, ...]


@dataclass(frozen=True, slots=True)
class HomePage:
    latest: tuple[Article, ...]
    column_blocks: tuple[ColumnBlock, ...]
    most_read: tuple[Article, ...]
    leads: tuple[Article, ...] = ()  # lead stories (头条), first to show first


@dataclass(frozen=True, slots=True)
class Site:
    """Everything a build renders, assembled once."""

    config: Config
    articles: tuple[Article, ...]  # newest first
    article_pages: tuple[ArticlePage, ...]
    listings: tuple[Listing, ...]
    home: HomePage
    tags: tuple[Tag, ...] = ()  # by name
    tag_listings: tuple[Listing, ...] = ()
    column_leads: Mapping[str, tuple[Article, ...]] = field(default_factory=lambda: EMPTY_MAPPING)  # by slug
    authors: tuple[Author, ...] = ()  # by slug
    author_listings: tuple[Listing, ...] = ()
    archive: tuple[ArchivePeriod, ...] = ()  # years, newest first, each followed by its months, newest first
    archive_listings: tuple[Listing, ...] = ()
    mourning: bool = False  # the build's moment is inside a mourning range: every page is grey


@dataclass(frozen=True, slots=True)
class Picture:
    """How one `<img>` is written: its src and, when known, its size and alternatives as srcset strings
    ("a-480.png 480w, a-640.png 640w"); WebP alternatives make it a `<picture>` with a WebP `<source>`."""

    src: str
    width: int | None = None
    height: int | None = None
    srcset: str = ""
    webp_srcset: str = ""
