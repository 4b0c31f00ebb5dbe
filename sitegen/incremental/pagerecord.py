"""The page record: the digest each page of the last build was made from, by output path.

A page whose digest is unchanged and whose file is as the last build left it (sitegen.incremental.outputs) is kept;
one the output lost comes back from the page store (sitegen.incremental.pages). `sitegen serve`, which writes
nothing, keeps the bytes of its pages here, by digest, in memory.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sitegen.incremental.places import Places

# this record's part of the build cache's index, and its type
INDEX_PART = {"pages": dict, "template_references": dict}


@dataclass
class PageRecord:
    digests: dict[str, str] = field(default_factory=dict)  # output path -> digest of what it was built from
    in_memory: dict[str, bytes] = field(default_factory=dict)  # by page digest (memory only: sitegen serve)
    # what each template's source extends, includes or imports (None: a name computed at run time), by the digest
    # of its text (render.pages.template_digests)
    template_references: dict[str, tuple[str, ...] | None] = field(default_factory=dict)
    reused: int = 0  # pages this build did not render
    changed: bool = False  # whether the disk copy needs writing

    def clear(self) -> None:
        self.digests.clear()
        self.in_memory.clear()
        self.changed = True

    def record(self, digests: dict[str, str]) -> None:
        """Note the digest of every page of this build."""
        if digests != self.digests:
            self.digests, self.changed = digests, True

    def record_references(self, references: dict[str, tuple[str, ...] | None]) -> None:
        """Keep what this build's templates refer to (the others' entries go)."""
        if references != self.template_references:
            self.template_references, self.changed = references, True

    def retain_in_memory(self, digests: Iterable[str]) -> None:
        """Keep in memory only the pages of the build just made (sitegen serve): a long editing session holds one
        build's pages, not every version of every page it ever rendered."""
        current = set(digests)
        for digest in self.in_memory.keys() - current:
            del self.in_memory[digest]

    @classmethod
    def from_index(cls, index: dict[str, Any], places: Places) -> PageRecord:
        return cls(digests=places.relative(index["pages"]), template_references=_references(index))

    def index_part(self) -> dict[str, Any]:
        return {"pages": self.digests, "template_references": self.template_references}


def _references(index: dict[str, Any]) -> dict[str, tuple[str, ...] | None]:
    """The template references as saved, each of the expected types (another is parsed again)."""
    return {
        digest: names
        for digest, names in index["template_references"].items()
        if type(digest) is str and (names is None or (type(names) is tuple and all(type(n) is str for n in names)))
    }
