"""Python's cycle collector during a build.

A build loads the site once (the cache's articles, the Site, the page jobs: about a million objects at 10,000
articles) and keeps it to its end. The collector, run each time enough new objects pile up, would walk all of them
again and again: 2 of the 5 CPU seconds of a one-article rebuild at 10,000 articles. So the collector is paused while
the site loads, and what was loaded is frozen (gc.freeze): left out of its walks; objects made later are collected as
usual. Forked workers inherit the frozen objects and
leave their pages shared too (the gc module's advice for a process that forks). The page plan is kept likewise
(`kept`): its jobs, keys and the articles' digests, some 400,000 objects at 100,000 articles, had the collector walk
them in full a dozen times while they were made (0.8 s of a one-article rebuild at that size).

A `sitegen build` process ends with its build, so what the build loaded is left to the end of the process (`leave`),
never freed: freeing a million objects one by one, and the interpreter's last collection walking them, cost
0.06-0.08 s of a one-article rebuild at 10,000 articles (sixteen pairs, either order); the operating system takes
the memory back at once. The library's builds free theirs as usual (BuildOptions.free_at_end).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No collection while loading, which makes many objects and frees few (`settle` them after)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


_open = 0  # `spared` blocks open in this process: a build's, and the parallel maps' within it
# What builds left to the end of the process. It holds itself: once frozen, neither the teardown of the modules
# (which drops their names) nor the interpreter's last collection (which never looks at frozen objects) frees it.
_LEFT: list[object] = []
_LEFT.append(_LEFT)


@contextlib.contextmanager
def spared() -> Iterator[Callable[[], None]]:
    """Yields `settle`: freeze every object alive now (call it once something long-lived is loaded). On leaving,
    the objects are given back to the collector, unless an enclosing `spared` (or `sitegen serve`'s loaded site)
    froze first: it gives them back. (gc.get_freeze_count walks every frozen object, 8 ms at 10,000 articles: asked
    only of the outermost block.)"""
    global _open
    enclosed = _open > 0 or gc.get_freeze_count() > 0
    _open += 1
    try:
        yield gc.freeze
    finally:
        _open -= 1
        if not enclosed:
            gc.unfreeze()


@contextlib.contextmanager
def kept() -> Iterator[None]:
    """Make objects kept to the end of a build: no collection meanwhile, and then they are frozen like the loaded
    site, when a build's `spared` holds (its end gives them back); elsewhere only the pause. Frozen before the
    collector is back: its next allocation would otherwise walk every one of them (0.19 s of a one-article rebuild
    at 100,000 articles)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if _open > 0:
            gc.freeze()
        if collecting:
            gc.enable()


def leave(*objects: object) -> None:
    """Keep `objects` until the process ends, never freed (`left_to_exit` freezes them with the rest)."""
    _LEFT.extend(objects)


def left_to_exit() -> None:
    """Freeze every object alive now, what `leave` holds among them: the last thing a process does before it ends."""
    gc.freeze()
