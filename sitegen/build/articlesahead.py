"""What the page plan and the cache's save need of every article, made on the other core while the site is assembled.

Once the articles of a build are final (incremental.reuse.ArticleReuse.keep), the building process assembles the
Site, then keys every article the cache gave no digest for (render.keys: a walk of its fields, some 50 µs an article)
and, at the very end, pickles the article shards of the build cache (about 25 µs an article): at 100,000 articles
some 4 s on one core while the other waits, after a cold build's Markdown and once more before it exits. A forked
child makes both meanwhile: it keys the articles as the page plan would (the same bases, the same picture folders,
so the same digests) and writes the shards the save would write, which are named by what they hold: the save finds
them in place and writes nothing. The building process takes the digests when it plans the pages (`take`), as the
bases of its keys: `ContextKeys.rebase` then walks none of those articles.

Nothing here can change a byte of the output or of the cache: the digests stand only for the very article objects
they were made of, and a shard is written under the name of what it holds. When the child fails, the digests are
made here (ChildCall), and the save writes its shards itself; a shard the child wrote that the save does not name
(a build that failed later) is removed by the next save, as any stale shard (ShardFolder.remove_others).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from sitegen.build.parallel import ChildCall, in_child
from sitegen.incremental.articles import ArticleStore, ShardFolder
from sitegen.incremental.cache import CACHE_FILE, BuildCache
from sitegen.incremental.pickles import WRITE_ERRORS
from sitegen.render.keys import ContextKeys

# From this many articles without a digest of the cache's on, their walk (about 0.1 s at 2,000) outweighs a fork.
AHEAD_ARTICLES = 2_000


class ArticlesAhead:
    """The articles' digests (by source path) under way in a forked child; the shards written there too."""

    def __init__(self, call: ChildCall[dict[str, str]], store: ArticleStore) -> None:
        self._call: ChildCall[dict[str, str]] | None = call
        self._articles = dict(store.by_path)  # the objects the digests stand for

    def take(self, store: ArticleStore) -> None:
        """Make the child's digests the bases of this build's article keys: each for the very object it was made
        of (`ContextKeys.rebase` gives those digests without walking the articles)."""
        call, self._call = self._call, None
        if call is None:
            return
        for path, digest in call.result().items():
            article = self._articles.get(path)
            if article is not None and store.by_path.get(path) is article:
                store.bases[path] = (article, digest)
        self._articles = {}

    def close(self) -> None:
        """Stop the child if it still runs (a build that stopped before planning its pages)."""
        call, self._call = self._call, None
        if call is not None:
            call.cancel()
        self._articles = {}


@contextlib.contextmanager
def started_ahead(
    start: Callable[[BuildCache], ArticlesAhead | None] | None, cache: BuildCache
) -> Iterator[ArticlesAhead | None]:
    """`start(cache)`, for the block that goes on meanwhile; its child stopped when the block fails (its digests
    would never be taken)."""
    ahead = start(cache) if start is not None else None
    try:
        yield ahead
    except BaseException:
        if ahead is not None:
            ahead.close()
        raise


def articles_ahead(cache: BuildCache, shards: Path | None, jobs: int) -> ArticlesAhead | None:
    """Start keying the store's articles, and writing its shards into the cache folder `shards` (None: this build
    saves no cache), in a forked child, when enough of them lack a digest and there is another core."""
    store = cache.articles
    bases = store.bases
    walked = sum(1 for path, article in store.by_path.items() if bases.get(path, (None,))[0] is not article)
    if jobs <= 1 or walked < AHEAD_ARTICLES:
        return None
    call = in_child(_ahead, cache, shards, os.getpid())
    return ArticlesAhead(call, store)


def _ahead(cache: BuildCache, shards: Path | None, parent: int) -> dict[str, str]:
    """In the child: the digests `plan_keys` would give the store's articles, and the shards `BuildCache.save` would
    write (not when called in the building process itself: the child failed, and the save writes them)."""
    store = cache.articles
    digests = ContextKeys(store.bases, cache.pictures).rebase(store.by_path.values())
    if shards is not None and os.getpid() != parent:
        with contextlib.suppress(OSError, *WRITE_ERRORS):  # the save meets the same trouble, and says it
            folder = ShardFolder(shards, shards / CACHE_FILE, [], cache.pictures)
            folder.save(store.by_path, store.picture_keys, dict(store.saved))
    return digests
