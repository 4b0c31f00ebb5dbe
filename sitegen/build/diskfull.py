"""A full or read-only disk, told as one clear message: which folder, how much the build needed, how much is free.

ENOSPC (no space left), EDQUOT (over quota) and EROFS (read-only file system) stop a build wherever they happen: in
the output's staging folder, the output itself or the cache folder. The writer (build/output.py) knows exactly how
many bytes the new files needed; for the cache folder the message gives its present size, which a build rewrites
at most once more (files are written beside the old ones, then renamed).
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DISK_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS})


class DiskProblem(Exception):
    """The disk holding `folder` is full or read-only (exit code 2); the message says what was kept."""

    def __init__(self, folder: Path, needed: int, read_only: bool, output_kept: bool = True) -> None:
        self.folder, self.needed, self.read_only, self.output_kept = folder, needed, read_only, output_kept
        self.free = free_bytes(folder)
        super().__init__(self.text())

    def text(self) -> str:
        needed = size(self.needed)
        if self.read_only:
            what = f"cannot write {self.folder}: its file system is read-only (the build needed at least {needed})"
        else:
            what = f"no space left in {self.folder}: the build needed at least {needed}, {size(self.free)} is free"
        kept = (
            "the output folder was left as it was"
            if self.output_kept
            else "the output folder holds the new build whole; only the build cache was not saved"
        )
        return f"{what}; {kept}. Make room or make it writable, then build again"


def disk_errno(exc: BaseException) -> int | None:
    """The errno of a full or read-only disk behind `exc`, or None when it is another error."""
    if isinstance(exc, OSError) and exc.errno in DISK_ERRNOS:
        return exc.errno
    return None


def free_bytes(folder: Path) -> int:
    """Bytes an unprivileged writer may still use on the file system of `folder` (its nearest existing parent)."""
    for candidate in (folder, *folder.parents):
        try:
            stats = os.statvfs(candidate)
        except OSError:
            continue
        return stats.f_bavail * stats.f_frsize
    return 0


def folder_size(folder: Path) -> int:
    """Bytes of the files below `folder` (0 when there is none)."""
    total = 0
    for root, _, names in os.walk(folder):
        for name in names:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                continue
    return total


def size(count: int) -> str:
    """A byte count as people read it: 980 B, 12.3 KB, 4.0 MB, 1.2 GB."""
    value = float(count)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{count} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{count} B"  # pragma: no cover - the loop always returns


@contextmanager
def disk_errors_in(folder: Path, output_kept: bool = True, *others: Path) -> Iterator[None]:
    """Tell a full or read-only disk met in the block as DiskProblem naming the folder: the file the error names,
    else the first of `folder` and `others` whose file system is read-only or full, else `folder`."""
    try:
        yield
    except OSError as exc:
        code = disk_errno(exc)
        if code is None:
            raise
        named = Path(os.fsdecode(exc.filename)) if exc.filename else None
        if named is not None and named.is_absolute():
            where = named.parent
        else:
            where = next((f for f in (folder, *others) if _suspect(f, code == errno.EROFS)), folder)
        raise DiskProblem(where, folder_size(where), code == errno.EROFS, output_kept) from exc


def _suspect(folder: Path, read_only: bool) -> bool:
    for candidate in (folder, *folder.parents):
        try:
            stats = os.statvfs(candidate)
        except OSError:
            continue
        if read_only:
            return bool(stats.f_flag & os.ST_RDONLY)
        return stats.f_bavail * stats.f_frsize < FULL_BELOW
    return False


FULL_BELOW = 1 << 20  # a file system with less free than this is taken for the full one
