"""What the file watcher says changed, as sources to look at again (sitegen serve's reload after an edit).

`sitegen serve` keeps the articles of its last load in the article store. When the watcher's changed paths are all
Markdown sources (edited, new or deleted), a reload needs to look at those alone: every other source is as the
store has it, so it is neither stat'ed, nor hashed, nor checked again for its pictures (no picture file changed).
Any other path that is an input of the site (a picture, an asset, a template, site.yaml, data/), a source that is
no longer a plain file, or a burst of changes gives None: everything is looked at again, as a build does.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from sitegen.content.links import source_link
from sitegen.layout import CONTENT_DIR, SITE_INPUTS
from sitegen.model import Article

# more changed paths than this at once (a `git checkout`, a folder copied in): everything is looked at again
MOST_EDITS = 64


@dataclass(frozen=True, slots=True)
class SourceEdits:
    """The sources (paths relative to the site) that may differ from the store's articles; all others do not."""

    paths: frozenset[str]
    listing: bool  # a source may have come or gone: the sources are found again (only the changed ones are read)


def scratch_name(name: str) -> bool:
    """An editor's scratch file (a hidden file, a backup, a swap file, vim's write test): no input of the site."""
    return name.startswith((".", "#")) or name.endswith(("~", ".swp", ".swx", ".tmp")) or name == "4913"


def source_edits(site_dir: Path, changed: Collection[Path], known: Collection[str]) -> SourceEdits | None:
    """The changed sources, from the watcher's changed paths (absolute, resolved) and the sources the store knows;
    None when a changed path is another input of the site, or there are too many to be sure of each."""
    if len(changed) > MOST_EDITS:
        return None
    paths: set[str] = set()
    listing = False
    for path in changed:
        try:
            parts = path.relative_to(site_dir).parts
        except ValueError:
            return None  # moved in from outside, or spelt another way than the site folder: not sure of it
        if not parts or parts[0] not in SITE_INPUTS:
            continue  # the output, the cache, node_modules/: the watcher ignores them too
        if parts[0] != CONTENT_DIR or len(parts) < 2:
            return None
        if not parts[-1].endswith(".md"):
            if scratch_name(parts[-1]):
                continue  # content/'s scratch files are neither sources nor pictures
            return None  # a picture, a folder: what uses it is not known here
        relative = "/".join(parts)
        kind = _kind(path)
        if kind == "missing":
            listing = True  # deleted or moved away
        elif kind != "file":
            return None  # a folder or link named .md: find_sources decides, with everything else
        elif relative not in known:
            listing = True  # a new source
        paths.add(relative)
    return SourceEdits(frozenset(paths), listing)


def _kind(path: Path) -> str:
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return "missing"
    except OSError:
        return "other"
    return "file" if stat.S_ISREG(mode) else "other"


def moved_urls(before: Mapping[str, Article], urls: Mapping[str, str]) -> set[str]:
    """The source paths whose URL is not what it was in `before` (the store's articles): moved, new or gone."""
    moved = {path for path, url in urls.items() if (old := before.get(path)) is None or old.url != url}
    return moved | (before.keys() - urls.keys())


def links_into(article: Article, moved: Collection[str]) -> bool:
    """Whether one of the article's links points to a source in `moved` (its rewritten link may differ)."""
    if not moved:
        return False
    for href, _ in article.links:
        link = source_link(article.source_path, href)
        if link is not None and link.target in moved:
            return True
    return False
