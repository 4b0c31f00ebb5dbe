"""The output record: every file of the last build's output, and the stats each had when that build left it.

A build removes the files it no longer makes (the writer is given the last list), and leaves a file alone, unread,
when its stats show it is as the last build left it (`intact`): a file changed by hand since is made again.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen.incremental.places import Places

# this record's part of the build cache's index, and the type of each
INDEX_PART = {"outputs": tuple, "output_stats": dict}


@dataclass
class OutputRecord:
    files: tuple[str, ...] = ()  # every file of the last output, to remove what a build no longer makes
    # (mtime_ns, size) of each output file as the last build left it: a file changed by hand since is made again
    stats: dict[str, tuple[int, int]] = field(default_factory=dict)
    changed: bool = False  # whether the disk copy needs writing

    def intact(self, output: Path, path: str) -> bool:
        """Whether the output file is still as the last build left it (by its stats)."""
        try:
            stat = os.stat(f"{output}/{path}")  # joined as text: asked of every page of every build
        except OSError:
            return False
        return self.stats.get(path) == (stat.st_mtime_ns, stat.st_size)

    def record_files(self, paths: Iterable[str]) -> bool:
        """Keep the output's files; whether they are others than the last build's."""
        files = tuple(sorted(paths))
        if files == self.files:
            return False
        self.files, self.changed = files, True
        return True

    def record_written(
        self,
        output: Path,
        paths: Iterable[str],
        kept: Iterable[str],
        written: Mapping[str, tuple[int, int]] | None = None,
    ) -> None:
        """Note the stats of the output's files after a build; those it `kept` unseen keep the stats they had, those
        it wrote the stats their writer saw (`written`: renaming a file or its folder into place keeps them)."""
        kept, written = set(kept), written or {}
        stats: dict[str, tuple[int, int]] = {}
        for path in paths:
            if path in kept and path in self.stats:
                stats[path] = self.stats[path]
                continue
            known = written.get(path)
            if known is not None:
                stats[path] = known
                continue
            with contextlib.suppress(OSError):
                stat = os.stat(f"{output}/{path}")  # joined as text: asked of every page of every build
                stats[path] = (stat.st_mtime_ns, stat.st_size)
        if stats != self.stats:
            self.stats, self.changed = stats, True

    def file_stats(self) -> Iterator[tuple[str, int, int]]:
        """(path, mtime_ns, size) of each file of the output as this record has it (uptodate.output_state)."""
        stats = self.stats
        for path in self.files:
            stat = stats.get(path)
            if stat is not None:
                yield path, stat[0], stat[1]

    @classmethod
    def from_index(cls, index: dict[str, Any], places: Places) -> OutputRecord:
        return cls(files=places.relative_paths(index["outputs"]), stats=places.relative(index["output_stats"]))

    def index_part(self) -> dict[str, Any]:
        return {"outputs": self.files, "output_stats": self.stats}
