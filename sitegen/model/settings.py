"""site.yaml as data: the Config and its parts (columns, the web editor, filings, mourning ranges, editions).

Frozen, slotted dataclasses with no I/O; sitegen.config reads site.yaml into them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

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
    web_editor: EditorConfig | None = None  # the web editor (admin/), when the site has one
    editions: tuple[Edition, ...] = ()  # the site again in other scripts (site.yaml `editions:`)
    edition: Edition | None = None  # the edition this config renders (its texts converted), None for the source
    root_url: str = ""  # in an edition's config: the source's base_url, where the shared assets and pictures are

    @property
    def files_url(self) -> str:
        """The absolute URL the site's assets and pictures live under (shared by every edition)."""
        return self.root_url or self.base_url

    def mourning_at(self, moment: datetime) -> bool:
        return any(r.covers(moment) for r in self.mourning)

    def next_mourning_change(self, moment: datetime) -> datetime | None:
        """The first start or end of a mourning range after `moment`: the clock alone changes every page then."""
        return min((t for r in self.mourning for t in (r.start, r.end) if t > moment), default=None)

    def column(self, slug: str) -> Column | None:
        return next((c for c in self.columns if c.slug == slug), None)
