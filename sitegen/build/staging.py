"""Staging a build: the files that differ from the current output written to a new folder, the others only named.

Both output layouts (build/generations.py, the default, and build/plainfolder.py) stage the same way; they differ in
how the staged files become the output. A file whose bytes did not change is never written again: the layouts keep
it in place (or hard-link it), so it keeps its inode and modification time (friendly to rsync and CDN uploads).
A full or read-only disk while staging stops the build with DiskProblem, saying how much the new files needed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.build.diskfull import DiskProblem, disk_errno
from sitegen.build.faults import fault_point
from sitegen.build.parallel import ordered_map
from sitegen.build.recycle import clear_way, link
from sitegen.model import OutputFile, WrittenStat

MARKER = ".sitegen-output"  # marks a folder sitegen may replace
MARKER_TEXT = "built by sitegen; safe to delete\n"


@dataclass
class WorkerStaging:
    """Where the page workers may write pages themselves: the staging folder (as text, ending in a separator) while
    a build stages into an empty folder with nothing to compare against (a cold build, a CI checkout's empty
    output), set by `stage` once the layout has chosen the folder; None otherwise. The workers fork after it is set,
    and each writes the pages it renders or reads back, in parallel, instead of handing their bytes to this
    process to write one by one (`write_in_worker`)."""

    folder: str | None = None
    jobs: int = 1  # the build's --jobs: how many processes may write (also to link unchanged files: link_same)


@dataclass(frozen=True, slots=True)
class Staged:
    paths: tuple[str, ...]  # every file of the new build, the marker first
    changed: tuple[str, ...]  # written to the staging folder
    same: tuple[str, ...]  # already in the current output with these bytes
    kept: tuple[str, ...]  # the files kept unseen, by their key (OutputFile.unchanged)
    stats: dict[str, WrittenStat] = field(default_factory=dict)  # of each file written, as its writer saw it


def stage(
    files: Iterable[OutputFile],
    staging: Path,
    current: Path | None,
    recycled: bool = False,
    workers: WorkerStaging | None = None,
) -> Staged:
    """Write to `staging` every file that `current` (the folder the output shows now, if any) does not hold.
    `recycled`: `staging` is already a copy of `current` (build/recycle.py), each file a hard link of its file:
    a changed file replaces its link, never writes through it. `workers`: told the folder when there is nothing
    to compare with, so that the page workers write there themselves (a file `staged` by them is only counted)."""
    paths, changed, same, kept = [MARKER], [], [], []
    stats: dict[str, WrittenStat] = {}  # the writer's own: the output record needs no stat of its own afterwards
    written = 0
    root = os.path.join(staging, "")  # paths joined as text: cheaper than a Path object per file (17,000 files)
    folders: set[str] = {os.path.dirname(root)}
    if workers is not None and current is None and not recycled:
        workers.folder = root
    remaining = iter(files)
    try:
        for file in remaining:
            paths.append(file.path)
            if file.unchanged:
                kept.append(file.path)
            # a file kept by its key is not looked at: no Path made for it (most files of a rebuild)
            if current is not None and (file.unchanged or _unchanged(current / file.path, file)):
                same.append(file.path)
                continue
            stat = file.staged
            if stat is None:
                stat = _stage_one(file, staging, root, folders, recycled, written, remaining, current)
            written += stat[1]
            stats[file.path] = stat
            changed.append(file.path)
            fault_point("staging", len(changed))
    finally:
        if workers is not None:
            workers.folder = None
        close = getattr(remaining, "close", None)
        if close is not None:  # a generator left early (a failed build): its page workers stop before we return
            close()
    return Staged(tuple(paths), tuple(changed), tuple(same), tuple(kept), stats)


def _stage_one(
    file: OutputFile,
    staging: Path,
    root: str,
    folders: set[str],
    recycled: bool,
    written: int,
    remaining: Iterator[OutputFile],
    current: Path | None,
) -> WrittenStat:
    """Write one file; its stats. A full or read-only disk: DiskProblem, with what the build needed (`written`:
    the bytes written so far)."""
    target = root + file.path
    try:
        if recycled:
            clear_way(staging, file.path, folders)
        return _write(file, target, folders)
    except OSError as exc:
        if disk_errno(exc) is None:
            raise
        needed = written + _size(file) + _still_to_write(remaining, current)
        raise DiskProblem(staging, needed, exc.errno == errno.EROFS) from exc


def write_in_worker(folder: str, path: str, data: bytes) -> WrittenStat | None:
    """In a page worker: `data` written at `path` below the staging folder (`WorkerStaging.folder`); its stats, or
    None when it could not be written (the page then goes to `stage` as bytes, which writes it again or reports
    the full disk with what the build needed)."""
    try:
        return _write(OutputFile(path, data), folder + path, set())
    except OSError:
        return None


def write_marker(folder: Path) -> None:
    (folder / MARKER).write_text(MARKER_TEXT, encoding="utf-8")


LINK_CHUNK = 256  # files a worker links at a time


def link_same(current: Path, staging: Path, paths: Iterable[str], jobs: int = 1) -> None:
    """Hard-link the unchanged files of `current` into `staging` (same bytes, inode and time stamps); a file
    system without hard links gets copies with the same time stamps. Many files (the first rebuild after a cold
    build, a CI output restored: every file of the site) are linked by `jobs` forked workers, a chunk each: making
    the folders and links is the kernel's time, which two processes share."""
    listed = list(paths)
    source, destination = os.path.join(current, ""), os.path.join(staging, "")

    def link_chunk(n: int) -> None:
        # joined as text: pathlib's joins and parents were half of a worker's time (17,000 files at 10,000 articles)
        folders = {""}
        for path in listed[n * LINK_CHUNK : (n + 1) * LINK_CHUNK]:
            folder = os.path.dirname(path)
            if folder not in folders:
                os.makedirs(destination + folder, exist_ok=True)  # another worker may make it at once: allowed
                folders.add(folder)
            link(source + path, destination + path)

    chunks = (len(listed) + LINK_CHUNK - 1) // LINK_CHUNK
    for _ in ordered_map(link_chunk, chunks, jobs, least=2):
        pass


def walk(root: Path) -> Iterator[str]:
    """The files below `root`, as POSIX paths relative to it."""
    for folder, _, names in os.walk(root):
        for name in names:
            yield (Path(folder) / name).relative_to(root).as_posix()


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _write(file: OutputFile, target: str, folders: set[str]) -> WrittenStat:
    """Write one file; its (mtime_ns, size) once written, which the output record keeps (no stat of its own). With
    plain system calls: a file object costs three more per file (a stat, a terminal check and a seek) and makedirs a
    stat of the parent, 17,000 times in a cold build or on the CI path."""
    folder = os.path.dirname(target)
    if folder not in folders:
        _make_folder(folder)
        folders.add(folder)
    if file.data is not None:
        handle = os.open(target, _NEW_FILE, 0o666)
        try:
            data = memoryview(file.data)
            while data:
                data = data[os.write(handle, data) :]
            stat = os.fstat(handle)  # every write is made before the stat: closing changes no time stamp
        finally:
            os.close(handle)
    elif file.copy_from is not None:
        shutil.copyfile(file.copy_from, target)
        stat = os.stat(target)
    else:
        raise FileNotFoundError(f"{file.path} was to be kept from the last build, but it is gone")
    return stat.st_mtime_ns, stat.st_size


def _make_folder(folder: str) -> None:
    """The folder of a page (its parent is most often there already); an existing one is left as it is."""
    try:
        os.mkdir(folder)
    except FileExistsError:
        pass  # a file in its place is refused by the open that follows
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)


def _unchanged(existing: Path, file: OutputFile) -> bool:
    """Whether the output already holds these bytes (a file marked `unchanged` was checked by its key)."""
    try:
        if file.unchanged:
            return True  # the build saw this file in place with the same key
        stat = existing.stat()
        if file.data is not None:
            return stat.st_size == len(file.data) and existing.read_bytes() == file.data
        if file.copy_from is not None:
            source = file.copy_from.stat()
            return stat.st_size == source.st_size and existing.read_bytes() == file.copy_from.read_bytes()
    except OSError:
        return False
    return False


def _size(file: OutputFile) -> int:
    if file.staged is not None:
        return file.staged[1]
    if file.data is not None:
        return len(file.data)
    with contextlib.suppress(OSError):
        if file.copy_from is not None:
            return file.copy_from.stat().st_size
    return 0


def _still_to_write(remaining: Iterator[OutputFile], current: Path | None) -> int:
    """Bytes of the files the build has yet to stage (rendered, not written), to say how much room it needed."""
    total = 0
    try:
        for file in remaining:
            if current is None or not _unchanged(current / file.path, file):
                total += _size(file)
    except Exception:
        pass
    return total
