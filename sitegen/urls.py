"""The one URL and output-path scheme: permalinks, pagination, relative links, safe joins."""

from __future__ import annotations

import functools
import posixpath
import re
import unicodedata
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

PERMALINK_FIELDS = ("column", "slug", "yyyy", "mm", "dd")
DEFAULT_PERMALINK = "/{column}/{yyyy}/{mm}/{slug}/"
_FIELD = re.compile(r"\{([^{}]*)\}")
SLUG_PATTERN = re.compile(r"^[A-Za-z0-9\u4e00-\u9fff][A-Za-z0-9\u4e00-\u9fff._-]*$")


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


def relative_url(from_url: str, target: str) -> str:
    """A link from the page at site-relative `from_url` to site-relative `target`.

    Relative links keep the output working under any sub-path and on any host.
    Absolute URLs (http:, https:, mailto:, //...) and fragments pass through.
    """
    if not target.startswith("#") and ("://" in target or target.startswith(("mailto:", "//", "data:"))):
        return target
    from_dir = from_url if from_url.endswith("/") or from_url == "" else posixpath.dirname(from_url) + "/"
    if target.startswith("#"):
        return target
    path, hash_sign, fragment = target.partition("#")
    return _relative_path(from_dir, path) + (hash_sign + fragment if hash_sign else "")


def _relative_path(from_dir: str, path: str) -> str:
    """Segment arithmetic, not posixpath.relpath: site-relative paths hold no '.' or '..' (a hot path)."""
    from_parts = from_dir.split("/")[:-1]
    to_parts = path.split("/")
    common = 0
    for mine, theirs in zip(from_parts, to_parts[:-1], strict=False):
        if mine != theirs:
            break
        common += 1
    rel = "../" * (len(from_parts) - common) + "/".join(to_parts[common:])
    return quote(rel, safe="/:.-_~%") if rel else "./"


def absolute_url(base_url: str, target: str) -> str:
    if "://" in target:
        return target
    return base_url + quote(target, safe="/:.-_~%#")


def safe_join(root: Path, relative: str) -> Path | None:
    """`root / relative` resolved, or None when it would leave `root` (../, absolute paths, links out)."""
    if "\x00" in relative or relative.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", relative):
        return None
    candidate = (root / relative).resolve()
    return candidate if candidate.is_relative_to(root.resolve()) else None


@functools.lru_cache(maxsize=65536)  # a memo of a pure function: every page and article asks for the same few
def tag_slug(name: str) -> str:
    """A readable URL segment for a tag: Chinese stays Chinese, Latin is lower-cased, separators become '-'."""
    folded = unicodedata.normalize("NFKC", name).strip().lower()
    slug = re.sub(r"[\s/\\?#%&+:;.,'\"<>|*]+", "-", folded).strip("-")
    return slug[:80] or "tag"
