"""Links between articles: `[文](../brands/x.md#anchor)` written against source files becomes the target's URL."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote

from sitegen.errors import ContentError
from sitegen.model import Article
from sitegen.urls import relative_url

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass(frozen=True, slots=True)
class SourceLink:
    target: str  # the linked source file, relative to the site folder
    fragment: str


def source_link(from_source: str, href: str) -> SourceLink | None:
    """The source file a Markdown link points at, when it is a link to a .md file of this site."""
    if href.startswith(("#", "/")) or _SCHEME.match(href):
        return None
    path, _, fragment = href.partition("#")
    path = unquote(path.split("?")[0])
    if not path.endswith(".md"):
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(from_source), path))
    return SourceLink(joined, unquote(fragment))


def rewrite(from_source: str, from_url: str, href: str, urls: Mapping[str, str]) -> str:
    """The output link for `href`; links to unknown sources stay as written (check_links reports them)."""
    link = source_link(from_source, href)
    if link is None or link.target not in urls:
        return href
    return relative_url(from_url, urls[link.target] + (f"#{link.fragment}" if link.fragment else ""))


_MISSING_HINT = "check the file name; the path is relative to this article's folder"


def check_links(
    articles: Iterable[Article], by_path: Mapping[str, Article], built: set[str], sources: Iterable[str] = ()
) -> list[ContentError]:
    """Every article link must reach an article this build publishes, and an existing heading when it names one.

    `built` holds the source paths of the articles this build publishes; `sources` those of every source read,
    so that a link to a source with errors of its own is not reported as a link to nothing.
    """
    errors = []
    readable = set(sources)
    for article in articles:
        if article.source_path not in built:
            continue
        for href, line in article.links:
            link = source_link(article.source_path, href)
            if link is None:
                continue
            target = by_path.get(link.target)
            if target is None and link.target in readable:
                continue  # that source failed: its own errors are reported
            if target is None:
                problem = f"'{href}' points to {link.target}, which does not exist"
                hint = _MISSING_HINT
            elif target.draft and not article.draft:
                problem, hint = f"'{href}' points to a draft", "publish that article first, or remove the link"
            elif link.target not in built:
                problem = f"'{href}' points to an article not published yet (dated {target.date:%Y-%m-%d %H:%M})"
                hint = "publish that article first, or remove the link"
            elif link.fragment and link.fragment not in target.heading_ids:
                problem = f"'{href}': {link.target} has no heading '#{link.fragment}'"
                hint = f"headings there: {', '.join(sorted(target.heading_ids)) or 'none'}"
            else:
                continue
            errors.append(ContentError(article.source_path, line, "link", problem, hint))
    return errors
