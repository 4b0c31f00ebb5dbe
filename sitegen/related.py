"""Related articles: for each article, the articles sharing its tags (most shared first), then its column's
neighbours; and a memo of them kept from one assembly of the site to the next. Pure but for the memo."""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Sequence

from sitegen.model import Article
from sitegen.urls import tag_slug

RELATED_WINDOW = 20  # per tag: related articles come from the newest few sharing it, which bounds the work


def related_index(ordered: Sequence[Article]) -> dict[str, list[int]]:
    """For each tag slug, the ranks (positions in `ordered`, newest first) of its articles."""
    postings: dict[str, list[int]] = {}
    for rank, article in enumerate(ordered):
        for slug in dict.fromkeys(tag_slug(name) for name in article.tags):
            postings.setdefault(slug, []).append(rank)
    return postings


def related_ranks(
    rank: int,
    ordered: Sequence[Article],
    postings: dict[str, list[int]],
    column_ranks: Sequence[int],
    position: int,
    count: int,
) -> tuple[int, ...]:
    """The ranks (in `ordered`) of an article's related articles: shared tags first (most shared first), then the
    same column; newer first within each. Deterministic.

    Candidates are the article's column neighbours and, for each of its tags, the newest RELATED_WINDOW
    articles carrying it other than itself: linear in the number of articles however large a tag grows.
    """
    if count <= 0:
        return ()
    article = ordered[rank]
    shared: dict[int, int] = {}
    for slug in dict.fromkeys(tag_slug(name) for name in article.tags):
        taken = 0
        for other in postings.get(slug, ()):
            if other != rank:
                shared[other] = shared.get(other, 0) + 1
                taken += 1
                if taken == RELATED_WINDOW:
                    break
    for other in (
        *column_ranks[max(0, position - count) : position],
        *column_ranks[position + 1 : position + 1 + count],
    ):
        shared.setdefault(other, 0)
    # order by (most shared tags, same column first, newest) as one integer: compared in C, without a key function
    size, most = len(ordered), max(shared.values(), default=0)
    column = article.column
    keys = [((most - n) * 2 + (ordered[r].column != column)) * size + r for r, n in shared.items()]
    return tuple(key % size for key in heapq.nsmallest(count, keys))


class RelatedMemo:
    """Every article's related ranks, kept from one assembly of the site to the next (sitegen serve in memory,
    a build in its cache): they depend only on the order of the articles, their columns and tags, and
    related_count, which an edit of a body or a title leaves as they were, so they are then not worked out again.
    `shape`: a digest of those; `ranks`: by rank, the ranks of its related articles."""

    def __init__(self, shape: str | None = None, ranks: dict[int, tuple[int, ...]] | None = None) -> None:
        self.shape = shape
        self.ranks: dict[int, tuple[int, ...]] = ranks if ranks is not None else {}
        self.changed = False  # ranks worked out since the memo was made or saved
        self._checked = not self.ranks  # read from a file: every rank must point into the articles

    def start(self, ordered: Sequence[Article], count: int) -> None:
        text = repr((count, [(a.source_path, a.column, a.tags) for a in ordered]))
        shape = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()
        if shape != self.shape or not (self._checked or self._fits(len(ordered))):
            self.shape, self.ranks, self.changed = shape, {}, True
        self._checked = True

    def _fits(self, size: int) -> bool:
        return all(0 <= rank < size and all(0 <= r < size for r in related) for rank, related in self.ranks.items())

    def remember(self, rank: int, related: tuple[int, ...]) -> None:
        self.ranks[rank] = related
        self.changed = True
