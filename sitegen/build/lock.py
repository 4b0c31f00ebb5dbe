"""One build at a time writes an output folder: an exclusive lock on `.<name>.lock` beside the folder.

Two CI jobs building into the same folder would otherwise swap folders under each other's feet. The second
waits (up to a timeout, telling why through a callback) and then gives up with OutputBusy, naming the build that
holds the lock. The lock is `flock(2)` on an open file, so it is released by the kernel when its holder exits,
however it exits: there are no stale locks to clean up (a crashed build may leave the file, which is harmless).
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock; builds there are not guarded
    fcntl = None  # type: ignore[assignment]  # a module or None: lock() checks

DEFAULT_TIMEOUT = 120.0  # seconds a build waits for another one writing the same folder
POLL_SECONDS = 0.05


class OutputBusy(Exception):
    """Another build kept the output folder locked for longer than we were willing to wait (exit code 2)."""


def lock_path(output: Path) -> Path:
    """The lock file of an output folder: beside it, never inside (the folder itself is swapped whole)."""
    return output.parent / f".{output.name}.lock"


@contextmanager
def output_lock(
    output: Path, timeout: float = DEFAULT_TIMEOUT, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the lock of `output` for the duration of the block.

    When another build holds it, `on_wait` gets one message saying whose it is, and we try again until
    `timeout` seconds have passed; then OutputBusy. The holder removes the lock file before it lets go, so no
    file is left behind; a waiter that locked a file removed meanwhile notices and tries again.
    """
    if fcntl is None:  # pragma: no cover
        yield
        return
    path = lock_path(output)
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + timeout
    told = False
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            if time.monotonic() >= deadline:
                raise OutputBusy(
                    f"gave up after {timeout:g} s: another build ({holder}) is still writing {output}"
                ) from None
            if not told and on_wait is not None:
                on_wait(f"waiting for another build ({holder}) to finish writing {output}")
                told = True
            time.sleep(POLL_SECONDS)
            continue
        if _same_file(fd, path):
            break
        os.close(fd)  # we locked a file its holder removed as it let go: lock the current one
    try:
        me = f"process {os.getpid()} on {socket.gethostname()}, since {time.strftime('%Y-%m-%d %H:%M:%S')}"
        with suppress(OSError):  # who holds it is for the waiters' message; a full disk must not stop the build
            os.ftruncate(fd, 0)
            os.pwrite(fd, me.encode("utf-8"), 0)
        yield
    finally:
        with suppress(OSError):
            path.unlink()  # still holding the lock: nobody else can hold this file now
        os.close(fd)  # releases the lock


def _same_file(fd: int, path: Path) -> bool:
    try:
        current = path.stat()
    except OSError:
        return False
    mine = os.fstat(fd)
    return (mine.st_dev, mine.st_ino) == (current.st_dev, current.st_ino)


def _holder(fd: int) -> str:
    """Who holds the lock, as its holder wrote it (it may not have written yet)."""
    try:
        text = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    return text or "a process that has just started"
