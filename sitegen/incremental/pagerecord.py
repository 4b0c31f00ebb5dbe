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
INDEX_PART = {
    "pages": dict,
    "template_references": dict,
    "frames": dict,
    "site_frame": str,
    "frame_inputs": str,
    "shaping": dict,
    "framed": dict,
    "article_digests": tuple,
}

# a page's frame (sitegen.render.frames) and the articles it names, by their places in its site's articles
Frame = tuple[str, tuple[int, ...]]


@dataclass
class PageRecord:
    digests: dict[str, str] = field(default_factory=dict)  # output path -> digest of what it was built from
    in_memory: dict[str, bytes] = field(default_factory=dict)  # by page digest (memory only: sitegen serve)
    # what each template's source extends, includes or imports (None: a name computed at run time), by the digest
    # of its text (render.pages.template_digests)
    template_references: dict[str, tuple[str, ...] | None] = field(default_factory=dict)
    # each page's frame, by output path, and the frame of the site they were made from (build/keyplan.py)
    frames: dict[str, Frame] = field(default_factory=dict)
    site_frame: str = ""
    frame_inputs: str = ""  # what the site's frame was made of besides the sites (render.frames.frame_inputs)
    shaping: dict[str, str] = field(default_factory=dict)  # by an article's digest, its shaping fields' digest
    framed: dict[str, str] = field(default_factory=dict)  # the key of each page with a frame, made with it
    article_digests: tuple[tuple[str, ...], ...] = ()  # each site's articles' digests, by place, as keyed
    reused: int = 0  # pages this build did not render
    changed: bool = False  # whether the disk copy needs writing

    def clear(self) -> None:
        self.digests.clear()
        self.in_memory.clear()
        self.frames, self.site_frame, self.frame_inputs, self.shaping = {}, "", "", {}
        self.framed, self.article_digests = {}, ()
        self.changed = True

    def record(self, digests: dict[str, str]) -> None:
        """Note the digest of every page of this build."""
        if digests != self.digests:
            self.digests, self.changed = digests, True

    def record_frames(
        self,
        site_frame: str,
        frames: dict[str, Frame],
        shaping: dict[str, str],
        framed: dict[str, str],
        article_digests: tuple[tuple[str, ...], ...],
        frame_inputs: str,
    ) -> None:
        """Note the frame of this build's site (and what it was made of besides the sites) and of each of its pages
        (those that have one) with the key it gave, the digests of its articles' shaping fields, and each site's
        articles' digests by place."""
        new = (site_frame, frame_inputs, frames, shaping, framed, article_digests)
        old = (self.site_frame, self.frame_inputs, self.frames, self.shaping, self.framed, self.article_digests)
        if new != old:
            self.site_frame, self.frame_inputs, self.frames, self.shaping, self.framed, self.article_digests = new
            self.changed = True

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
        return cls(
            digests=places.relative(index["pages"]),
            template_references=_references(index),
            frames=_frames(index["frames"]),
            site_frame=index["site_frame"],
            frame_inputs=index["frame_inputs"],
            shaping=_texts(index["shaping"]),
            framed=_texts(index["framed"]),
            article_digests=_article_digests(index["article_digests"]),
        )

    def index_part(self) -> dict[str, Any]:
        return {
            "pages": self.digests,
            "template_references": self.template_references,
            "frames": self.frames,
            "site_frame": self.site_frame,
            "frame_inputs": self.frame_inputs,
            "shaping": self.shaping,
            "framed": self.framed,
            "article_digests": self.article_digests,
        }


def _frames(part: dict[Any, Any]) -> dict[str, Frame]:
    """The page frames as saved, each of the expected types (a page without one is walked again)."""
    return {
        path: frame
        for path, frame in part.items()
        if type(path) is str
        and type(frame) is tuple
        and len(frame) == 2
        and type(frame[0]) is str
        and type(frame[1]) is tuple
        and _places(frame[1])
    }


def _places(numbers: tuple[Any, ...]) -> bool:
    """Whether a frame's places are all numbers of no sign (told in C: some 14,000 frames of a dozen places each)."""
    return not numbers or (set(map(type, numbers)) == {int} and min(numbers) >= 0)


def _texts(part: dict[Any, Any]) -> dict[str, str]:
    """A table of text by text as saved; another entry is dropped (made again)."""
    return {k: v for k, v in part.items() if type(k) is str and type(v) is str}


def _article_digests(part: tuple[Any, ...]) -> tuple[tuple[str, ...], ...]:
    """Each site's article digests as saved; a damaged one stands for no site (every page naming its articles is
    keyed anew)."""
    return tuple(
        digests if type(digests) is tuple and all(type(d) is str for d in digests) else () for digests in part
    )


def _references(index: dict[str, Any]) -> dict[str, tuple[str, ...] | None]:
    """The template references as saved, each of the expected types (another is parsed again)."""
    return {
        digest: names
        for digest, names in index["template_references"].items()
        if type(digest) is str and (names is None or (type(names) is tuple and all(type(n) is str for n in names)))
    }
