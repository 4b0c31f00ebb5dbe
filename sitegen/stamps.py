"""When a file's time stamp can be trusted: git's rule for "racy" entries, shared by every stat-based check."""

from __future__ import annotations

import os

RACY_NANOSECONDS = 2_000_000_000  # a time stamp is trusted only if it is at least this much older than the look


def stamp(info: os.stat_result) -> int:
    """The time stamp that tells an unchanged file (with its size): the later of its modification time and its inode's
    change time (ctime), as git also compares (core.trustctime). Every write and every change of the time stamps
    moves the ctime to now, and nothing sets it back: a rewrite that keeps the size and puts the old modification
    time back (cp -p, rsync -t, touch -r, an archive extracted over the files, a tool that fixes every time stamp)
    is a change, where the modification time alone took it for the old file. Whether a time stamp is too recent to
    trust (RACY_NANOSECONDS) is still told by the modification time."""
    return max(info.st_mtime_ns, info.st_ctime_ns)
