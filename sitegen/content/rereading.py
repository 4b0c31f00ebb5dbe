"""A source kept without its body until its article is rendered, and the body read again by the renderer.

Every URL must be known before any body is rendered (links between articles), so a load reads every source first.
Holding each one's text until it was rendered cost about 6 KB an article in the process that loads the site, and
the Markdown workers it forks copied the pages holding the sources they rendered: the load's peak grew by some
17 KB an article (the tree's PSS, 10,000 and 30,000 articles). Kept without its body, a source is its front matter,
its URL, its digest and the pictures its body shows (which are processed ahead); the worker rendering it reads the
file again, and takes the body only from the bytes that were read first (the digest says so).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from sitegen.content.articles import MAX_SOURCE_BYTES, Flawed, Source, read_source, render_article
from sitegen.content.markup import MarkdownRenderer
from sitegen.content.sourcefile import decode, read_limited, split
from sitegen.errors import ContentError
from sitegen.model import Article, Body, Config
from sitegen.pictures.resolve import Pictures, markdown_picture_srcs


def without_body(source: Source | list[ContentError]) -> Source | list[ContentError]:
    """`source` without its body's text, with the pictures that text shows (errors are passed on)."""
    if isinstance(source, list) or not source.text.body:
        return source
    pictures = tuple(markdown_picture_srcs(source.text.body))
    return replace(source, text=replace(source.text, body=""), body_pictures=pictures)


def read_kept(
    site_dir: Path, relative: str, column: str, config: Config, previous: Source | None = None
) -> Source | list[ContentError]:
    """`read_source`, kept without its body."""
    return without_body(read_source(site_dir, relative, column, config, previous))


def with_body(site_dir: Path, source: Source) -> Source | list[ContentError]:
    """`source` with its body read again; an error when its file is no longer the one read (edited meanwhile: the
    next build reads it anew)."""
    try:
        raw = read_limited(site_dir / source.path, MAX_SOURCE_BYTES + 1)
    except OSError as exc:
        return [ContentError(source.path, None, None, f"cannot be read: {exc.strerror}")]
    if hashlib.sha1(raw).hexdigest() != source.digest:
        return [ContentError(source.path, None, None, "changed while the site was loaded", "build again")]
    text, errors = decode(source.path, raw)
    parts = split(source.path, text) if text is not None else None
    if isinstance(parts, ContentError):
        errors = [parts]
    if parts is None or isinstance(parts, ContentError):  # cannot be: these bytes were decoded and split before
        return errors
    return replace(source, text=replace(source.text, body=parts[1]))


def render_kept(
    source: Source, markdown: MarkdownRenderer, pictures: Pictures, urls: Mapping[str, str], now: datetime
) -> tuple[Article, Body] | Flawed | list[ContentError]:
    """`render_article` of a source kept without its body (its file is below `pictures.site_dir`)."""
    whole = with_body(pictures.site_dir, source)
    return whole if isinstance(whole, list) else render_article(whole, markdown, pictures, urls, now)
