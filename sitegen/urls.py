"""The one URL and output-path scheme: permalinks, pagination, relative links, safe joins."""

from __future__ import annotations

import functools
import html
import os
import posixpath
import re
import unicodedata
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, unquote

PERMALINK_FIELDS = ("column", "slug", "yyyy", "mm", "dd")
DEFAULT_PERMALINK = "/{column}/{yyyy}/{mm}/{slug}/"
_FIELD = re.compile(r"\{([^{}]*)\}")
MAX_SEGMENT_BYTES = 200  # file systems allow 255 bytes per name; an output name may add ".html"
MAX_PATH_CHARS = 1000  # a path from content longer than this is an error, not an OSError
_PERMALINK_TEXT = re.compile(r"^[A-Za-z0-9\u4e00-\u9fff._~/-]*$")  # what a permalink may hold besides its fields
_DRIVE = re.compile(r"^[A-Za-z]:")


# Schemes a browser runs as code (javascript, vbscript and Netscape's old names for JavaScript) or opens as a
# document made of the link itself (data): a link to them is an attack, never an archive's ordinary link. Every
# other scheme (ftp, magnet, weixin, sms, geo...) only asks the browser or an app to fetch or open something.
UNSAFE_SCHEMES = frozenset({"javascript", "vbscript", "data", "livescript", "mocha"})
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]+")  # browsers drop tabs and line breaks anywhere in a URL
DATA_PICTURE = re.compile(r"^data:image/[a-z0-9.+-]+(?:;[a-z0-9=.+-]+)*(?:;base64)?,", re.IGNORECASE)


def unsafe_scheme(href: str) -> str | None:
    """The scheme of a link target that runs code or is a document in itself (`javascript`, `vbscript`, `data`),
    as a browser would read it through entities and white space; or None."""
    match = _SCHEME.match(_IGNORED_IN_URLS.sub("", html.unescape(href)).lower())
    return match.group(1) if match and match.group(1) in UNSAFE_SCHEMES else None


def segment_problem(name: str) -> str | None:
    """Why `name` cannot be one file or folder name of the output, or None."""
    if "\x00" in name:
        return "no NUL byte"
    if len(name.encode("utf-8")) > MAX_SEGMENT_BYTES:
        return f"at most {MAX_SEGMENT_BYTES} bytes (a Chinese character takes 3)"
    return None


_ALIAS_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f\\\"<>?#]")


def alias_problem(alias: str) -> str | None:
    """Why `alias` (an old address kept as a redirect) cannot be a path of the site, or None.

    An alias is a path from the site's base, with or without its leading '/', percent-encoded or not: no scheme,
    host, query or fragment, no '.' or '..' segment, not the home page.
    """
    text = alias.strip()
    if _SCHEME.match(text.lower()) or text.startswith("//"):
        return "a path of the site, not a full URL"
    decoded = unquote(text)
    if _ALIAS_FORBIDDEN.search(decoded):
        return "a path without '?', '#', quotes, '<', '>', backslashes or control characters"
    parts = decoded.strip("/").split("/")
    if decoded.strip("/") == "" or any(part in ("", ".", "..") for part in parts):
        return "a path of the site other than the home page, without empty, '.' or '..' segments"
    if any(segment_problem(part) for part in parts):
        return f"a path whose every segment is at most {MAX_SEGMENT_BYTES} bytes"
    return None


REDIRECT_MAPS = ("_redirects", "redirects.map")  # Netlify / Cloudflare Pages, and nginx's `map`


def alias_output_path(alias: str) -> str:
    """The output file of a redirect page: the file itself for an `.html`/`.htm` alias, else `<alias>/index.html`
    (servers answer `/old/page` from `/old/page/index.html`, after a redirect to `/old/page/`)."""
    if alias.lower().endswith((".html", ".htm")):
        return alias
    return alias.rstrip("/") + "/index.html"


def path_problem(relative: str) -> str | None:
    """Why a path written in content (a picture's src) can never name a file of the site, or None.

    Lexical only: `..` and links that lead out of the site are found by `safe_join`.
    """
    if "\x00" in relative:
        return "contains a NUL byte"
    if relative.startswith(("/", "\\")):
        return "is an absolute path"
    if _DRIVE.match(relative):
        return "names a drive"
    if "\\" in relative:
        return "contains a backslash"
    if len(relative) > MAX_PATH_CHARS:
        return f"is longer than {MAX_PATH_CHARS} characters"
    if any(len(part.encode("utf-8")) > 255 for part in relative.split("/")):
        return "has a name longer than 255 bytes"
    return None


def permalink_problem(pattern: str) -> str | None:
    """Why a permalink pattern is unusable, or None when it is fine."""
    unknown = [f for f in _FIELD.findall(pattern) if f not in PERMALINK_FIELDS]
    if unknown:
        return f"unknown field {{{unknown[0]}}}; use {', '.join('{' + f + '}' for f in PERMALINK_FIELDS)}"
    if "{slug}" not in pattern:
        return "must contain {slug} so that every article gets its own URL"
    if not (pattern.endswith("/") or pattern.endswith(".html")):
        return "must end with '/' (pretty URLs) or '.html'"
    if ".." in pattern.split("/") or "\\" in pattern:
        return "must not contain '..' or backslashes"
    if "." in pattern.split("/") or "//" in pattern.lstrip("/"):
        return "must not contain empty or '.' segments"
    if not _PERMALINK_TEXT.match(_FIELD.sub("", pattern)):
        return "may hold only letters, digits, Chinese characters, '-', '_', '.', '~' and '/' besides its fields"
    return None


def article_url(pattern: str, column: str, slug: str, date: datetime) -> str:
    """Site-relative URL (no leading slash) of an article."""
    values = {
        "column": column,
        "slug": slug,
        "yyyy": f"{date.year:04d}",
        "mm": f"{date.month:02d}",
        "dd": f"{date.day:02d}",
    }
    return _FIELD.sub(lambda m: values[m.group(1)], pattern).lstrip("/")


def listing_url(base: str, number: int) -> str:
    """Page `number` of the index at site-relative `base` (a column's or a tag's URL, or a bare column slug)."""
    base = base if base.endswith("/") else base + "/"
    return base if number == 1 else f"{base}page/{number}/"


def passes_through(target: str) -> bool:
    """Whether `relative_url` gives `target` as it is: a full URL (http:, mailto:, //...) or a fragment."""
    return target.startswith("#") or "://" in target or target.startswith(("mailto:", "//", "data:"))


def relative_url(from_url: str, target: str) -> str:
    """A link from the page at site-relative `from_url` to site-relative `target`.

    Relative links keep the output working under any sub-path and on any host.
    Absolute URLs (http:, https:, mailto:, //...) and fragments pass through.
    """
    if passes_through(target):
        return target
    if "#" in target:
        path, _, fragment = target.partition("#")
        return _relative_path(_page_folders(from_url), path) + "#" + fragment
    return _relative_path(_page_folders(from_url), target)


@functools.lru_cache(maxsize=1 << 12)  # a page's folders, for every link the page makes
def _page_folders(from_url: str) -> tuple[str, ...]:
    from_dir = from_url if from_url.endswith("/") or from_url == "" else posixpath.dirname(from_url) + "/"
    return tuple(from_dir.split("/")[:-1])


def relative_depth(from_url: str, folders: tuple[str, ...]) -> tuple[int, int]:
    """What `relative_url(from_url, target)` depends on besides the target, for a target in `folders` (its path's
    segments but the last): how deep the page's folder is, and how many folders the two share. Two pages with the
    same pair get the same link to that target."""
    from_parts = _page_folders(from_url)
    common = 0
    for mine, theirs in zip(from_parts, folders, strict=False):
        if mine != theirs:
            break
        common += 1
    return len(from_parts), common


def _relative_path(from_parts: tuple[str, ...], path: str) -> str:
    """Segment arithmetic, not posixpath.relpath: site-relative paths hold no '.' or '..' (a hot path)."""
    if from_parts and path.partition("/")[0] == from_parts[0]:
        to_parts = path.split("/")
        common = 0
        for mine, theirs in zip(from_parts, to_parts[:-1], strict=False):
            if mine != theirs:
                break
            common += 1
        rel = "../" * (len(from_parts) - common) + "/".join(to_parts[common:])
    else:  # most links share no folder with the page: the path as it is, below as many ../ as the page is deep
        rel = "../" * len(from_parts) + path
    return _quoted(rel) if rel else "./"


@functools.lru_cache(maxsize=1 << 14)  # the same few links (columns, tags, home) on every page at one depth
def _quoted(path: str) -> str:
    return quote(path, safe="/:.-_~%")


def absolute_url(base_url: str, target: str) -> str:
    if "://" in target:
        return target
    return base_url + quote(target, safe="/:.-_~%#")


def safe_join(root: Path, relative: str) -> Path | None:
    """`root / relative` resolved, or None when it would leave `root` (../, absolute paths, links out) or is no
    possible path (NUL bytes, drive letters, over-long names, a loop of symbolic links)."""
    if path_problem(relative) is not None:
        return None
    try:  # os.path.realpath on text: Path.resolve does the same work through many more objects
        candidate = os.path.realpath(os.path.join(root, relative), strict=True)
    except FileNotFoundError:
        candidate = os.path.realpath(os.path.join(root, relative))  # a missing file: resolve what exists
    except (OSError, RuntimeError):  # a loop of links, a name too long, ...
        return None
    real_root = os.path.realpath(root)
    inside = candidate == real_root or candidate.startswith(real_root.rstrip(os.sep) + os.sep)
    return Path(candidate) if inside else None


@functools.lru_cache(maxsize=65536)  # a memo of a pure function: every page and article asks for the same few
def tag_slug(name: str) -> str:
    """A readable URL segment for a tag: Chinese stays Chinese, Latin is lower-cased, separators become '-'."""
    folded = unicodedata.normalize("NFKC", name).strip().lower()
    slug = re.sub(r"[\s/\\?#%&+:;.,'\"<>|*]+", "-", folded).strip("-")
    return slug[:80] or "tag"


ADMIN_URL = "admin/"  # the web editor (site.yaml's web_editor:): no column, edition or article may use it
AUTHORS_URL = "authors/"  # the list of authors; each has authors/<slug>/
ARCHIVE_URL = "archive/"  # the date archive; archive/<yyyy>/ and archive/<yyyy>/<mm>/


def author_url(slug: str) -> str:
    """The page of a 作者 or 编辑 (its pinyin slug)."""
    return f"{AUTHORS_URL}{slug}/"


def archive_url(year: int, month: int = 0) -> str:
    """The archive of a year, or of one of its months (1-12)."""
    return f"{ARCHIVE_URL}{year:04d}/" + (f"{month:02d}/" if month else "")
def in_edition(prefix: str, target: str) -> str:
    """A site-relative target as an edition's page links to it: the edition's own pages, feeds and sitemap under its
    `prefix`; the assets and pictures, which every edition shares, where they are. No prefix: the target itself."""
    if not prefix or "://" in target or target.startswith(("#", "mailto:", "tel:", "//", "data:")):
        return target
    path = target.partition("#")[0].partition("?")[0]
    if path.startswith("assets/"):
        return target
    if path == "" or path.endswith(("/", ".html", ".xml")):
        return prefix + target
    return target
