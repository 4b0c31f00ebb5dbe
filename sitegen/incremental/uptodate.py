"""Whether the output is still what a build of the current inputs would write, told from file stats alone.

A build records, in `.sitegen-cache/up-to-date.json`, a digest of the stats (path, type, size, modification time,
inode, link target) of every file it reads: site.yaml, content/, templates/, assets/, data/ and the theme; the
options and sitegen version that shaped it; a digest of the stats of every file it left in the output folder; and
the next moment at which the clock alone would change the site (an article dated in the future). The next build
compares: when all of it is the same, nothing has to be read, rendered or written, and the build ends there, the
way `make` skips an up-to-date target. Anything else (an edited, added, removed or touched file, a changed output
file, a scheduled article now due, another option) runs the build as usual.

Time stamps are trusted the way git trusts them ("racy" entries): a file changed less than RACY_NANOSECONDS before the
recorded scan could have changed again without its time stamp moving, so then the build runs.

This module reads stats and its own record; it imports nothing heavy, so that a build with nothing to do starts and
ends in a fraction of a second.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import stat
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sitegen.cachenotes import damaged, discarded
from sitegen.stamps import RACY_NANOSECONDS, stamp

RECORD_FILE = "up-to-date.json"
FORMAT = 1


@dataclass(frozen=True, slots=True)
class Scan:
    digest: str  # of every entry's stats
    newest_ns: int  # the latest modification time met (to tell racy entries)
    taken_ns: int  # when the scan started
    entries: tuple[str, ...] = ()  # every entry's line, in scan order (the digest is of these)
    racy: tuple[str, ...] = ()  # the files whose modification time was too close to the scan to be trusted


@dataclass(frozen=True, slots=True)
class Record:
    """What the last complete build read, how, and what it left in the output folder."""

    key: str  # sitegen's version and the options that shape the output
    inputs: str  # Scan.digest
    scanned_ns: int  # Scan.taken_ns
    output: str  # digest of the output folder's stats after the build
    changes_at: str | None  # ISO time when an article dated in the future becomes due; None when none is
    summary: dict[str, Any]  # the counts the build reported, reported again by a build that ends here


def scan(roots: Iterable[Path], skip: Iterable[Path] = ()) -> Scan:
    """The stats of every file and link under `roots` (files or folders; missing ones count as missing)."""
    taken = time.time_ns()
    skipped = {os.path.abspath(path) for path in skip}
    digest = hashlib.sha1()
    newest = 0
    lines: list[str] = []
    racy: list[str] = []
    for root in roots:
        for line, mtime in _entries(os.path.abspath(root), skipped):
            digest.update(line.encode("utf-8", "surrogateescape"))
            lines.append(line)
            newest = max(newest, mtime)
            if mtime >= taken - RACY_NANOSECONDS:
                path, _, rest = line.partition("\0")
                if not rest.startswith("dir\0"):  # what came or went in a folder has an entry of its own
                    racy.append(path)
    return Scan(digest.hexdigest(), newest, taken, tuple(lines), tuple(racy))


def _entries(root: str, skipped: set[str]) -> Iterable[tuple[str, int]]:
    """One line per file, folder or link: its path and stats; folders in sorted order, links followed once."""
    seen: set[tuple[int, int]] = set()  # folders by device and inode: a realpath per folder cost a stat per part
    pending = [root]
    while pending:
        path = pending.pop()
        try:
            info = os.lstat(path)
        except OSError:
            yield f"{path}\0missing\n", 0
            continue
        target = ""
        if stat.S_ISLNK(info.st_mode):
            try:
                target = os.readlink(path)
                followed = os.stat(path)
            except OSError:
                yield f"{path}\0broken\0{target}\n", info.st_mtime_ns
                continue
            yield f"{path}\0link\0{target}\0{info.st_mtime_ns}\n", info.st_mtime_ns
            info = followed
        kind = "dir" if stat.S_ISDIR(info.st_mode) else "file"
        yield f"{path}\0{kind}\0{info.st_size}\0{stamp(info)}\0{info.st_ino}\0{info.st_mode}\n", info.st_mtime_ns
        if kind == "dir" and path not in skipped:
            folder = (info.st_dev, info.st_ino)
            if folder in seen:  # a link back up the tree
                continue
            seen.add(folder)
            try:
                names = sorted(os.listdir(path), reverse=True)  # popped from the end: visited in sorted order
            except OSError:
                continue
            names = [name for name in names if name != "__pycache__"]  # Python's own, rewritten at will
            pending.extend(os.path.join(path, name) for name in names)


def output_digest(output: Path) -> str:
    """Where the output links to, and the path, modification time and size of every file it holds (what the output
    record keeps of each: sitegen.incremental.outputs); a file added, removed or changed after the build changes
    this. A build makes it from its output record (`output_state`), without walking the output again."""
    return output_state(link_of(output), _files(os.path.realpath(output)))


def output_state(link: str, files: Iterable[tuple[str, int, int]]) -> str:
    """The digest of an output: the target of its link ("" for a folder) and each file's (path, mtime_ns, size)."""
    digest = hashlib.sha1(f"{link}\n".encode("utf-8", "surrogateescape"))
    for path, mtime, size in sorted(files):
        digest.update(f"{path}\0{mtime}\0{size}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def link_of(output: Path) -> str:
    try:
        return os.readlink(output)
    except OSError:
        return ""


def _files(root: str) -> Iterable[tuple[str, int, int]]:
    """(POSIX path relative to `root`, mtime_ns, size) of every file and link below it; folders are not listed."""
    pending = [""]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(os.path.join(root, folder)) as entries:
                found = list(entries)
        except OSError:
            continue
        for entry in found:
            path = folder + entry.name
            if entry.is_dir(follow_symlinks=False):
                pending.append(path + "/")
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            yield path, info.st_mtime_ns, info.st_size


def still_valid(
    record: Record | None, key: str, inputs: Scan, output: Path, now: datetime, output_state: str | None = None
) -> bool:
    """Whether the output of the recorded build is what a build now would write. `output_state`: the output's
    digest, when it was taken already (else the output is walked, when it comes to that)."""
    if record is None or record.key != key or record.inputs != inputs.digest:
        return False
    if inputs.newest_ns >= record.scanned_ns - RACY_NANOSECONDS:
        return False  # a file changed so close to the last scan that a later change may not show in its stats
    if record.changes_at is not None and now >= datetime.fromisoformat(record.changes_at):
        return False  # an article scheduled for later is due now
    return record.output == (output_state if output_state is not None else output_digest(output))


def load_record(folder: Path, warnings: list[str] | None = None) -> Record | None:
    """The last build's record; None when there is none, or when it is damaged or of another format (then said in
    `warnings`): the build runs."""
    path = folder / RECORD_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.pop("format") != FORMAT:
            raise ValueError(f"format {data.get('format')!r}")
        record = Record(**data)
        counts = [
            record.summary.get(name)
            for name in ("articles", "pages", "files", "html_pages", "left_out_drafts", "left_out_future")
        ]
        fields = (record.key, record.inputs, record.output)
        if not all(type(count) is int for count in counts) or not all(isinstance(f, str) for f in fields):
            raise ValueError("a field of the wrong type")
        if type(record.scanned_ns) is not int or not isinstance(record.changes_at, str | None):
            raise ValueError("a field of the wrong type")
        return record
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        if warnings is not None:
            warnings.append(discarded(str(path), damaged(exc)))
        return None


def save_record(folder: Path, record: Record | None) -> None:
    """Write the record atomically; None removes it (the next build runs in full)."""
    path = folder / RECORD_FILE
    if record is None:
        with contextlib.suppress(OSError):
            path.unlink()
        return
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{RECORD_FILE}.{os.getpid()}"
    temporary.write_text(json.dumps({"format": FORMAT, **asdict(record)}, sort_keys=True), encoding="utf-8")
    os.replace(temporary, path)


# the files of the build cache (sitegen.incremental, pictures' records): never folders
_CACHE_FILES = re.compile(
    r"(?:build|search(?:-[^/.]+)?)(?:\.journal)?\.pickle"
    r"|(?:up-to-date-inputs|articles-\d+-[0-9a-f]+|pictures-[0-9a-f]+)\.pickle"
    r"|(?:slugs|up-to-date)\.json"
    r"|(?:bodies|pages)\.sqlite|images/(?:keys|usage)\.json"
)


def remove_folders_named_as_files(folder: Path, warnings: list[str]) -> None:
    """A folder where the cache keeps a file (a careless or hostile restore) failed every build when it saved that
    file: it is removed, said as damage, and the file made again."""
    names: list[str] = []
    for prefix in ("", "images/"):
        with contextlib.suppress(OSError):
            names += (prefix + name for name in os.listdir(folder / prefix))
    for name in names:
        path = folder / name
        if _CACHE_FILES.fullmatch(name) and not path.is_symlink() and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
            warnings.append(discarded(str(path), damaged("a folder where a file belongs")))


# a cache writer's temporary file (`.<file>.<pid>`), renamed into place once whole
_TEMPORARY = re.compile(r"\.(?P<name>[^/]+)\.(?P<pid>[0-9]+)")


def remove_dead_writers_files(folder: Path) -> None:
    """The temporary files of cache writers whose process is gone (a build killed while it saved the cache):
    removed, so that none is left beside the cache for ever. A living process's file is left to it."""
    for prefix in ("", "images/"):
        try:
            names = os.listdir(folder / prefix)
        except OSError:
            continue
        for name in names:
            found = _TEMPORARY.fullmatch(name)
            if found and _CACHE_FILES.fullmatch(prefix + found["name"]) and not _alive(int(found["pid"])):
                with contextlib.suppress(OSError):
                    (folder / prefix / name).unlink()


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)  # no signal sent: only whether the process exists
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):  # another user's process (EPERM), or no pid at all: left alone
        return True
    return True
