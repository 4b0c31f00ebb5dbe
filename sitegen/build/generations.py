"""The default output layout: every build in a folder of its own, the output a symbolic link switched atomically.

    public -> .public-builds/8        the output: a link, replaced by one rename(2) when a build is complete
    .public-builds/8/                 the current build
    .public-builds/7/                 the one before (the spare), kept for readers that resolved the link a moment ago
    .public-builds/7.differs          where the spare differs from the current build (build/recycle.py)

A build stages into `.public-builds/<n+1>/`: the files that changed are written, the others are hard links of the
current build's (same inode, bytes and time stamps: rsync and CDN uploads see no change, and they take no room).
The spare is recycled into that folder when its record allows (build/recycle.py), so a build's file-system work
follows what changed, not the size of the site; otherwise the folder is made afresh and every unchanged file
linked. Then a new link is renamed over `public`: a reader sees the old build or the new one, never a mixture,
whenever the build dies. Other builds are removed; so are the folders of builds that died (the output lock tells
that no live build is writing them). A build that changes nothing makes no folder and leaves the link alone.

The first build into a plain `public/` folder (an earlier sitegen, or `--output-mode folder`) swaps it for the link
in one step (renameat2 RENAME_EXCHANGE on Linux; elsewhere two renames, with a moment without `public`).
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from sitegen.build import recycle
from sitegen.build.faults import fault_point
from sitegen.build.staging import MARKER, Staged, WorkerStaging, link_same, stage, walk, write_marker
from sitegen.model import OutputFile

SWITCH_PREFIX = ".switch-"  # a new link, or a swapped-out folder, on its way in or out


def builds_folder(output: Path) -> Path:
    return output.parent / f".{output.name}-builds"


def linked_build(output: Path) -> Path | None:
    """The build folder the output links to, when the output is a link this layout made."""
    try:
        target = Path(os.readlink(output))
    except OSError:
        return None
    if target.parent.as_posix() != builds_folder(output).name or not target.name.isdigit():
        return None
    return builds_folder(output) / target.name


def current_folder(output: Path) -> Path | None:
    """The folder whose files the output shows now: the linked build, a plain folder, or None (no output yet)."""
    linked = linked_build(output)
    if linked is not None:
        return linked if linked.is_dir() else None
    return output if output.is_dir() and not output.is_symlink() else None


def write(
    files: Iterable[OutputFile], output: Path, previous: Iterable[str] | None, workers: WorkerStaging | None = None
) -> tuple[Staged, int]:
    """Stage the build in a new folder (the spare build recycled, when it can be) and switch the output link to it;
    (what was staged, files removed). `previous` is not needed: the files of the current build are those its spare's
    record lists, or else walked."""
    linked = linked_build(output)
    current = current_folder(output)
    number = int(linked.name) + 1 if linked is not None else 1
    builds = builds_folder(output)
    builds.mkdir(exist_ok=True)
    staging = builds / str(number)
    if staging.exists():
        shutil.rmtree(staging)  # a dead build's, when prune could not run
    record = recycle.read_record(current) if linked is not None and current is not None else None
    recycled = _recycled(current, staging, record)
    if not recycled:
        staging.mkdir()
    switched = False
    try:
        staged = stage(files, staging, current, recycled, workers)
        # the files of the shown build as it recorded them (never from the cache: it may describe another build)
        gone = (set(record.files) if record is not None else _files(current)) - set(staged.paths)
        if linked is not None and current is not None and not staged.changed and not gone:
            if recycled and record is not None:  # still a copy of the shown build: the spare again
                os.rename(staging, builds / record.spare)
                recycle.write_record(builds, recycle.Record(record.spare, record.shown, (), record.files))
            return staged, 0  # nothing changed: no new build folder, the link stays
        if recycled:
            recycle.remove_all(staging, gone)
        elif current is not None:  # the marker too, so that it keeps its time stamp
            marker = (MARKER,) if (current / MARKER).is_file() else ()
            link_same(current, staging, (*marker, *staged.same), workers.jobs if workers is not None else 1)
        if not (staging / MARKER).is_file():
            write_marker(staging)
        fault_point("staged")
        _switch(output, staging, linked is None and current is not None)
        switched = True
        fault_point("switched")
    finally:
        if not switched and staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    if current is not None:  # the build shown until now is the spare: say where it differs from the new one
        differs = (*staged.changed, *gone)
        recycle.write_record(builds, recycle.Record(str(number - 1), str(number), differs, staged.paths))
    prune(output)
    return staged, len(gone)


def _recycled(current: Path | None, staging: Path, record: recycle.Record | None) -> bool:
    """Whether `staging` is now a copy of `current` made from the spare build (build/recycle.py)."""
    if current is None or record is None:
        return False
    try:
        return recycle.recycle(current, staging, record)
    except recycle.CannotRecycle:
        shutil.rmtree(staging, ignore_errors=True)
        return False


def prune(output: Path) -> None:
    """Keep the linked build and the one before it; remove every other entry of the builds folder."""
    builds = builds_folder(output)
    if not builds.is_dir():
        return
    linked = linked_build(output)
    keep = {linked.name, str(int(linked.name) - 1)} if linked is not None else set()
    keep |= {recycle.record_name(name) for name in keep}
    for entry in builds.iterdir():
        if entry.name in keep:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
    if not keep:
        builds.rmdir()


def _switch(output: Path, staging: Path, replacing_a_folder: bool) -> None:
    """Point the output at `staging` with one atomic rename (a plain folder is swapped out, then kept as build 0)."""
    builds = staging.parent
    link = builds / f"{SWITCH_PREFIX}{staging.name}"
    link.unlink(missing_ok=True)
    os.symlink(f"{builds.name}/{staging.name}", link)
    if not replacing_a_folder:
        os.replace(link, output)
        return
    if exchange(link, output):  # `link` now names the old folder
        os.rename(link, builds / str(int(staging.name) - 1))
        return
    os.rename(output, builds / str(int(staging.name) - 1))
    os.replace(link, output)


def exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False where the system cannot."""
    import ctypes  # only for this rare step: the first build into a plain folder, or back

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_cwd, rename_exchange = -100, 2
    if renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def _files(folder: Path | None) -> set[str]:
    return set(walk(folder)) if folder is not None else set()
