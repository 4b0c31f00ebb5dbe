"""Where a site's article sources are: every .md file under content/, and the links that would lead out of it."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from sitegen.errors import ContentError
from sitegen.layout import CONTENT_DIR, LINKED_FOLDERS
from sitegen.model import Config


def find_sources(site_dir: Path, config: Config) -> tuple[list[tuple[str, str]], list[ContentError]]:
    """(relative path, column slug) of every article, sorted; .md files outside a column are errors."""
    content = site_dir / CONTENT_DIR
    columns = {c.slug for c in config.columns}
    found: list[tuple[str, str]] = []
    errors = links_out(site_dir)
    if not content.is_dir() or errors:
        return found, errors
    root = content.resolve()
    for relative, link_problem, is_file in sorted(_markdown_files(content, root)):
        parts = PurePosixPath(relative).parts[1:]  # below content/
        if link_problem is not None:
            errors.append(ContentError(relative, None, None, link_problem.replace("%s", "content/"), _LINK_HINT))
            continue
        if len(parts) < 2 or parts[0] not in columns:
            errors.append(
                ContentError(
                    relative,
                    None,
                    None,
                    "is not inside a column folder",
                    f"move it under content/<column>/; columns: {', '.join(sorted(columns))}",
                )
            )
        elif is_file:
            found.append((relative, parts[0]))
    return found, errors


def _markdown_files(content: Path, root: Path) -> Iterable[tuple[str, str | None, bool]]:
    """(path relative to the site, why it must not be read or None, whether it is a file) of every .md file below
    content/ (a folder named x.md is no source).

    os.scandir, not rglob: a large site has tens of thousands of files and folders. A link (to a source or a
    folder) is followed only when it resolves inside content/; otherwise it is reported where it stands.
    """
    prefix = len(str(content)) + 1
    pending = [str(content)]
    seen: set[str] = set()
    while pending:
        folder = pending.pop()
        real = os.path.realpath(folder)
        if real in seen:  # a link back up the tree
            continue
        seen.add(real)
        with os.scandir(folder) as entries:
            for entry in entries:
                relative = f"{CONTENT_DIR}/" + entry.path[prefix:].replace(os.sep, "/")
                is_markdown = entry.name.endswith(".md")
                # a linked source or folder is reported here; a linked picture where an article uses it
                if entry.is_symlink() and (is_markdown or entry.is_dir()):
                    problem = _link_problem(Path(entry.path), root)
                    if problem is not None:
                        yield relative, problem, False
                        continue
                if entry.is_dir():
                    pending.append(entry.path)
                elif is_markdown:
                    yield relative, None, entry.is_file()  # from the directory entry: no stat for a plain file


_LINK_HINT = "copy the file into the site instead of linking to it"


def _link_problem(path: Path, root: Path) -> str | None:
    """Why the symbolic link `path` must not be read, with %s for the folder it must stay in; or None."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # RuntimeError: a loop of links (Python < 3.13)
        return "is a broken link or a loop of links"
    return None if target.is_relative_to(root) else "is a link that points outside %s"


def links_out(site_dir: Path) -> list[ContentError]:
    """Symbolic links that would make a build read outside the site: content/ and the folders in LINKED_FOLDERS
    themselves, and any link inside those folders. (Links inside content/ are checked by find_sources.)"""
    site = site_dir.resolve()
    errors = []
    for name in (CONTENT_DIR, *LINKED_FOLDERS):
        folder = site_dir / name
        if folder.is_symlink() and (problem := _link_problem(folder, site)):
            errors.append(ContentError(name, None, None, problem.replace("%s", "the site folder"), _LINK_HINT))
        elif name != CONTENT_DIR and folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_symlink() and (problem := _link_problem(path, site)):
                    where = path.relative_to(site_dir).as_posix()
                    errors.append(ContentError(where, None, None, problem.replace("%s", "the site folder"), _LINK_HINT))
    return errors
