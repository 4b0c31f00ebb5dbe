"""What an importer produces and what an import run reports: frozen dataclasses, no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sitegen.model import EMPTY_MAPPING

Moment = date | datetime  # a date alone, or a date and time (naive: the site's time zone)


@dataclass(frozen=True, slots=True)
class Notice:
    """Something an editor should look at: a guess made, a tag kept unconverted, a picture missing."""

    line: int | None  # in the source file, 1-based
    message: str  # English; the CLI translates through sitegen.messages


@dataclass(frozen=True, slots=True)
class Picture:
    """A picture the article shows. `src` is written exactly as it appears in `body_markdown`."""

    src: str
    caption: str = ""
    alt: str = ""
    line: int | None = None


@dataclass(frozen=True, slots=True)
class PostLink:
    """A link to another imported post (`{% post_url %}`, `{{< ref >}}`), resolved once every post is placed.

    `marker` stands in the body for the link target; `original` is the tag as written, kept when unresolved.
    """

    marker: str
    key: str  # what the tag named, e.g. "2008-11-23-hello" or "posts/bundle"
    original: str
    line: int | None
    html: bool = False  # it stands in a body kept as raw HTML, where Markdown links are not read
    fragment: str = ""  # "#heading" of the linked post, or ""
    label: str | None = None  # a whole Markdown link `[text](../b.md)` stands for the marker: its text
    target_only: bool = False  # a Markdown link's target (`[id]: b.md`): kept as written when unresolved


@dataclass(frozen=True, slots=True)
class ImportedArticle:
    title: str
    date: Moment
    body_markdown: str
    source: str = ""  # 文章出处
    authors: tuple[str, ...] = ()
    editor: str = ""
    views: int | None = None  # None: the source said nothing, so the front matter says nothing
    images: tuple[Picture, ...] = ()  # front-matter pictures (with captions), in order
    tags: tuple[str, ...] = ()
    summary: str = ""
    updated: Moment | None = None
    draft: bool = False
    dated_by_file: bool = False  # the date is the source file's modification time: no part of the post's identity
    slug: str = ""  # empty: from the title, in pinyin
    aliases: tuple[str, ...] = ()  # the post's old URLs (site paths such as /2008/11/23/hello.html), redirected
    blank_fields: tuple[str, ...] = ()  # fields written even when empty (placeholders for the editor)
    extra: Mapping[str, Any] = field(default_factory=lambda: EMPTY_MAPPING)
    post_links: tuple[PostLink, ...] = ()
    notices: tuple[Notice, ...] = ()


class ImportFailed(ValueError):
    """A source that cannot become an article; `line` points at the problem when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.message, self.line = message, line
        super().__init__(message if line is None else f"line {line}: {message}")


# --------------------------------------------------------------------------- the report of a run


@dataclass(frozen=True, slots=True)
class Written:
    origin: str  # the source file, as the user named it
    target: str  # site-relative POSIX path of the new article
    pictures: tuple[str, ...] = ()  # site-relative paths of the pictures copied
    notices: tuple[Notice, ...] = ()
    missing: tuple[str, ...] = ()  # pictures referenced but not found: the build names them until they are added
    renamed_from: str = ""  # the path it would have had, taken by a different article ("" when not renamed)
    taken_by: str = ""  # that different article (its source or site path)


@dataclass(frozen=True, slots=True)
class Skipped:
    origin: str
    target: str | None
    reason: str
    clash: bool = False  # True: the source could not be imported (kept for scripts; never set by a rename)


@dataclass(frozen=True, slots=True)
class Failed:
    origin: str
    line: int | None
    reason: str


@dataclass(frozen=True, slots=True)
class ImportReport:
    written: tuple[Written, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    failed: tuple[Failed, ...] = ()

    @property
    def complete(self) -> bool:
        """True when every source was imported or was already there unchanged."""
        return not self.failed and not any(s.clash for s in self.skipped)


@dataclass(frozen=True, slots=True)
class PictureSource:
    """Where the file of a picture reference was found (None: not found) and the name it should get."""

    src: str
    file: Path | None
    name: str  # the file name beside the article, before clash handling
    line: int | None = None  # where the source refers to it
