"""Links between imported posts ({% post_url %}, {% link %}, {{< ref >}}), resolved once every post is placed. Pure.

A tag's marker becomes what works where it stands: a Markdown link's target becomes the linked article's source
file (the build turns it into its URL, whatever the permalink); inside an HTML tag (`<a href="...">`), which the
build leaves alone, the linked article's URL relative to this one; in running text, a link showing that URL.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from sitegen.importers.foreign import keep_visibly, unconverted
from sitegen.importers.model import ImportedArticle, Notice
from sitegen.urls import relative_url

_MARKER = re.compile(r"sitegen-import-link-\d+(?!\d)")
_MARKDOWN_TARGET = re.compile(r"\]\(\s*<?$|^ {0,3}\[[^\]\n]+\]:[ \t]*<?$", re.MULTILINE)
_IN_HTML_TAG = re.compile(r"<[A-Za-z][^<>]*$")


@dataclass(frozen=True, slots=True)
class Linked:
    """Where a post that others may link to was placed."""

    target: str  # site-relative path of its article file
    url: str  # its site-relative URL
    draft: bool


@dataclass(frozen=True, slots=True)
class Page:
    """The article holding the links: its file, its URL, and the site's base URL (for URLs shown as text)."""

    target: str
    url: str
    base_url: str


def link_posts(article: ImportedArticle, page: Page, by_key: Mapping[str, Linked]) -> ImportedArticle:
    """Every marker of a link to another post replaced (see the module's docstring).

    A link to a post that is not imported, or from a published post to a draft (sitegen refuses those), is kept
    as written and reported."""
    if not article.post_links:
        return article
    links = {link.marker: link for link in article.post_links}
    notices = list(article.notices)
    text = article.body_markdown

    def swap(match: re.Match[str]) -> str:
        link = links.get(match.group(0))
        if link is None:
            return match.group(0)
        fragment = link.fragment
        linked = by_key.get(link.key)
        if (link.label is not None or link.target_only) and (linked is None or (linked.draft and not article.draft)):
            # a Markdown link to a content file that is not there to link
            what = "a draft" if linked is not None else "a page that was not imported"
            flat = " ".join(link.original.split())
            if link.target_only:
                notices.append(Notice(link.line, f"links to {what}, kept as written: {flat}"))
                return link.original
            notices.append(Notice(link.line, f"links to {what}; its text kept without the link: {flat}"))
            return link.label or ""
        if linked is None:
            notices.append(unconverted(link.original, link.line or 0))
            return keep_visibly(link.original, False)
        if linked.draft and not article.draft:
            flat = " ".join(link.original.split())
            notices.append(Notice(link.line, f"links to a draft, kept as written: {flat}"))
            return keep_visibly(link.original, False)
        before = text[: match.start()]
        source = posixpath.relpath(linked.target, posixpath.dirname(page.target)) + fragment
        url = relative_url(page.url, linked.url + fragment)
        shown = page.base_url + linked.url + fragment
        if link.label is not None:
            return f"[{link.label}]({source})"
        if _IN_HTML_TAG.search(before) and not link.target_only:
            return html.escape(url)
        if link.html:  # running text of a body kept as raw HTML, where Markdown is not read
            return f'<a href="{html.escape(url)}">{html.escape(shown)}</a>'
        if _MARKDOWN_TARGET.search(before):
            return source
        return f"[{shown}]({source})"

    body = _MARKER.sub(swap, text)
    return replace(article, body_markdown=body, post_links=(), notices=tuple(notices))
