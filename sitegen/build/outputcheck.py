"""The output's files checked against the output record on the other core, while this process loads the site.

A build keeps a file of the last output only when its stats are those the last build left (a file changed by hand
is made again: incremental/outputs.py). That is a stat of every file of the output, asked page by page in the page
plan: 17,000 at 10,000 articles, some 0.05 s, and ten times that at 100,000, every build. They do not depend on
anything the build works out, only on the record the cache index holds; so a helper process (a fresh interpreter
with nothing imported, given the paths and stats on its input) makes them as soon as the index is read, and names
the files whose stats differ, while this process reads the articles and assembles the site. Threads would not do:
the stats and the loading both need the interpreter's lock. Small outputs, or a helper that fails, are checked
here, as before.
"""

from __future__ import annotations

import marshal
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from sitegen.helperprocess import HelperProcess

# Below this many files the stats cost less than starting an interpreter (about 10 ms of the other core).
HELPER_FILES = 4000
# The helper: on its input a line with the size of the record, then the record, marshalled (a dict of path relative
# to the folder -> (mtime_ns, size): 1 ms to make at 10,000 articles, where text took 10); read by its size, not to
# the end of the input, which a worker forked meanwhile may hold open. On its output, NUL-separated, the paths whose
# file is missing or has other stats, and an end mark. Only the interpreter's own modules, no site-packages; the
# same interpreter, so the same marshal format.
_HELPER = """
import marshal, os, sys
length = int(sys.stdin.buffer.readline())
stats = marshal.loads(sys.stdin.buffer.read(length))
folder = sys.argv[1] + "/"
differ = []
for path, recorded in stats.items():
    try:
        info = os.stat(folder + path)
    except OSError:
        differ.append(path)
        continue
    if (info.st_mtime_ns, info.st_size) != recorded:
        differ.append(path)
sys.stdout.buffer.write(("\\0".join(differ) + "\\0.").encode("utf-8", "surrogateescape"))
"""


class OutputCheck:
    """Which files of `folder` still have the stats `stats` records, found by a helper process started now."""

    def __init__(self, folder: Path, stats: Mapping[str, tuple[int, int]]) -> None:
        self.folder, self.stats = folder, stats
        self._differ: set[str] | None = None
        self._helper: HelperProcess | None = None
        try:
            payload = marshal.dumps(dict(stats))
        except ValueError:  # not plain data: checked here
            return
        self._helper = HelperProcess([sys.executable, "-I", "-S", "-c", _HELPER, str(folder)], payload)

    def intact(self, path: str) -> bool:
        """Whether the file at `path` has the stats the record holds (False when it records none)."""
        recorded = self.stats.get(path)
        if recorded is None:
            return False
        differ = self._answer()
        if differ is None:
            return _stat(self.folder, path) == recorded
        return path not in differ

    def intact_where(self, paths: Sequence[str], asked: Sequence[bool]) -> list[bool]:
        """`intact` of each of `paths` where `asked` says so (False elsewhere), told in bulk."""
        differ = self._answer()
        if differ is None:
            return [wanted and self.intact(path) for path, wanted in zip(paths, asked, strict=True)]
        recorded = self.stats
        return [wanted and path in recorded and path not in differ for path, wanted in zip(paths, asked, strict=True)]

    def close(self) -> None:
        """Stop the helper when it was never asked (a build that failed before its page plan)."""
        helper, self._helper = self._helper, None
        if helper is not None:
            helper.stop()

    def _answer(self) -> set[str] | None:
        """The paths whose stats differ, once the helper has told them; None when it could not."""
        if self._differ is None and self._helper is not None:
            helper, self._helper = self._helper, None
            said = helper.answer()
            if said is not None and said.endswith(b"\0."):
                self._differ = {path for path in said[:-2].decode("utf-8", "surrogateescape").split("\0") if path}
        return self._differ


def _stat(folder: Path, path: str) -> tuple[int, int] | None:
    try:
        info = os.stat(f"{folder}/{path}")
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size
