"""The copy record: which source file each copied output file (a picture, an asset) was made from, and its stats.

A copy whose source has the stats it had when it was copied, and whose output file is intact, is not read to
compare it. A source changed within the file system's time stamp granularity of the build may change again
unseen, so its time stamp is not trusted (it is compared by its bytes next time); the image cache's files, named
by their content and never rewritten, are always trusted.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen.incremental.places import Places
from sitegen.stamps import stamp

# this record's part of the build cache's index, and its type
INDEX_PART = {"copies": dict}


@dataclass
class CopyRecord:
    # (source file, time stamp (stamps.stamp), size) of each file the output copies, by output path
    sources: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    changed: bool = False  # whether the disk copy needs writing

    def unchanged(self, path: str, source: Path) -> bool:
        """Whether `path` was copied from `source` and `source` is as it was then (by its stats)."""
        try:
            stat = os.stat(source)
        except OSError:
            return False
        return self.sources.get(path) == (str(source), stamp(stat), stat.st_size)

    def record(self, copies: Iterable[tuple[str, Path]], racy_after: int, immutable: Path) -> None:
        """Note the stats of the sources the output's copies were made from (after the build wrote them). A source
        changed after `racy_after` (ns) may have changed after it was copied: it is compared by its bytes next time;
        but files under `immutable` (the image cache: named by their content, never rewritten) are trusted."""
        recorded: dict[str, tuple[str, int, int]] = {}
        for path, source in copies:
            with contextlib.suppress(OSError):
                stat = os.stat(source)
                trusted = stat.st_mtime_ns < racy_after or source.is_relative_to(immutable)
                recorded[path] = (str(source), stamp(stat) if trusted else -1, stat.st_size)
        if recorded != self.sources:
            self.sources, self.changed = recorded, True

    @classmethod
    def from_index(cls, index: dict[str, Any], places: Places) -> CopyRecord:
        return cls(sources=places.relative(index["copies"]))

    def index_part(self) -> dict[str, Any]:
        return {"copies": self.sources}
