"""The build before the shown one, recycled into the next build: output work in proportion to what changed.

Every build of the link layout is a whole folder (build/generations.py). Staging each build in a new folder costs a
file-system operation per file of the site, however little changed: a hard link per unchanged file and a folder
per page made, and the removal of the build before the last, file by file. At 10,000 articles that is some 80,000
operations a build, seconds on a disk that discards blocks online. So the spare (the build numbered just before the
shown one, kept for readers that resolved the link a moment ago) becomes the next build instead:

    <n-1>.differs    written when build n was switched in: the paths at which the spare differs from build n
                     (the files build n wrote and the files it removed), and every file of build n (so that the
                     next build knows which files it removes without walking the site)

Relinking those paths from the shown build makes the spare a copy of it (every file a hard link of the shown
build's); then the build writes only the files that change, each replacing its link, never writing through it.
A spare whose record is missing, unreadable or about another build is not recycled: the build stages afresh.
The spare is thus kept until the next build starts, not until it ends.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeGuard

RECORD_SUFFIX = ".differs"


class CannotRecycle(Exception):
    """The spare could not be made a copy of the shown build; the caller stages afresh."""


def record_name(build: str) -> str:
    return f"{build}{RECORD_SUFFIX}"


@dataclass(frozen=True, slots=True)
class Record:
    """Build `spare` holds the files of build `shown` except at `differs`; `files`: every file of build `shown`."""

    spare: str
    shown: str
    differs: tuple[str, ...]
    files: tuple[str, ...]


def write_record(builds: Path, record: Record) -> None:
    data = {"differs": sorted(set(record.differs)), "files": sorted(record.files), "shown": record.shown}
    temporary = builds / f"{record_name(record.spare)}.tmp"
    temporary.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    os.replace(temporary, builds / record_name(record.spare))


def read_record(shown: Path) -> Record | None:
    """The record of the spare of build folder `shown`, when there is one about that build."""
    if not shown.name.isdigit():
        return None
    spare = str(int(shown.name) - 1)
    try:
        data = json.loads((shown.parent / record_name(spare)).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("shown") != shown.name:
        return None
    differs, files = data.get("differs"), data.get("files")
    if not _paths(differs) or not _paths(files):
        return None
    return Record(spare, shown.name, tuple(differs), tuple(files))


def _paths(value: object) -> TypeGuard[list[str]]:
    """A list of relative paths, none empty, none starting with '/', none with an empty or '..' part: told of the
    whole list at once (145,000 files at 100,000 articles, read back by every build), joined a line each and searched
    for what may not be in a line, in C, not a split of each path. A path holding a line break is refused: none of
    ours does."""
    if not isinstance(value, list):
        return False
    if not value:
        return True
    try:
        text = "\n" + "\n".join(value) + "\n"  # a TypeError for anything but text
    except TypeError:
        return False
    return text.count("\n") == len(value) + 1 and not any(part in text for part in _NOT_IN_A_PATH)


# each line framed by line breaks: an empty line, a '/' first or last, an empty part, a '..' part first, inside, last
_NOT_IN_A_PATH = ("\n\n", "\n/", "/\n", "//", "\n../", "/../", "/..\n", "\n..\n")


def recycle(shown: Path, staging: Path, record: Record) -> bool:
    """Move the spare of `shown` to `staging` and make it a copy of `shown`; False, with nothing moved, when there
    is no spare folder. Raises CannotRecycle (the spare is then in `staging`, to be removed) when relinking fails."""
    builds = shown.parent
    spare = builds / record.spare
    if spare.is_symlink() or not spare.is_dir():
        return False
    (builds / record_name(record.spare)).unlink()  # first: a spare renamed away must not keep a record
    os.rename(spare, staging)
    try:
        shown_files = {path for path in record.differs if (shown / path).is_file()}
        remove_all(staging, (path for path in record.differs if path not in shown_files))
        folders: set[str] = set()
        for path in sorted(shown_files):
            clear_way(staging, path, folders)
            link(shown / path, staging / path)
    except OSError as exc:
        raise CannotRecycle(str(exc)) from exc
    return True


def remove_all(root: Path, paths: Iterable[str]) -> None:
    """Remove these files of the build in `root`, the deepest first, and the folders left empty."""
    for path in sorted(paths, key=lambda p: (-p.count("/"), p)):
        remove(root, path)


def remove(root: Path, path: str) -> None:
    """Remove a file of the build in `root`, and the folders its removal leaves empty. A folder at `path` is left:
    it holds files of the new build (a path that was a file became a folder)."""
    target = root / path
    if target.is_dir() and not target.is_symlink():
        return
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):  # or a file stands where its folder was
        target.unlink()
    folder = target.parent
    while folder != root:
        try:
            folder.rmdir()
        except OSError:
            break  # not empty (or gone): the folders above it are not empty either
        folder = folder.parent


def clear_way(root: Path, path: str, folders: set[str] | None = None) -> None:
    """Make room for a file at `path`: a file (or link) where the path needs a folder, or a folder (or file) at the
    path itself, is removed (in a build, a path is a file or a folder, never both). `folders`: the folders below
    `root` already seen to be folders in this pass, kept by the caller: a template edit clears the way for 10,000
    pages, twice (recycling, then staging), and their parents are shared. With plain system calls on text paths:
    pathlib's two stats per folder of the path took a third of such a build's writing."""
    known = folders if folders is not None else set()
    base = os.fspath(root)
    folder = base
    for part in path.split("/")[:-1]:
        folder = os.path.join(folder, part)
        if folder in known:
            continue
        try:
            mode = os.lstat(folder).st_mode
        except (FileNotFoundError, NotADirectoryError):
            break  # made below, with every folder under it
        if not stat.S_ISDIR(mode):
            os.unlink(folder)
            break
        known.add(folder)
    target = os.path.join(base, path)
    try:
        found: int | None = os.lstat(target).st_mode
    except (FileNotFoundError, NotADirectoryError):
        found = None
    if found is not None and stat.S_ISDIR(found):
        shutil.rmtree(target)
    elif found is not None:
        os.unlink(target)
    parent = os.path.dirname(target)
    if parent not in known:
        os.makedirs(parent, exist_ok=True)
        known.add(parent)


def link(source: Path | str, target: Path | str) -> None:
    """A hard link (same bytes, inode and time stamps); a copy with the same time stamps where there are none."""
    try:
        os.link(source, target)
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EXDEV, errno.EMLINK, errno.EOPNOTSUPP):
            raise
        shutil.copy2(source, target)
