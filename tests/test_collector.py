"""The cycle collector during a build (sitegen.build.collector): what a build loads is frozen before the collector
runs again, so that no collection walks it."""

from __future__ import annotations

import gc
from pathlib import Path

from conftest import FIXED_NOW, MakeSite, article, build_site

from sitegen.build.api import BuildOptions
from sitegen.build.collector import spared
from sitegen.build.pipeline import _start_kept
from sitegen.build.run import Run


def test_the_cache_is_read_with_the_collector_paused_and_frozen_before_it_runs_again(make_site: MakeSite) -> None:
    site: Path = make_site({f"content/towns/{n}.md": article(f"第{n}篇", body="正文。" * 50) for n in range(30)})
    build_site(site)  # a cache to read
    gc.collect()
    frozen_before = gc.get_freeze_count()
    collections: list[int] = []

    def counted(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(counted)
    threshold = gc.get_threshold()
    gc.set_threshold(50, *threshold[1:])  # a collection after any fifty new objects: the cache has thousands
    try:
        with spared() as settle:
            run = _start_kept(settle, site, BuildOptions(now=FIXED_NOW))
            assert collections == []  # reading the cache ran no collection, and left it none to run
            _check(run, frozen_before)
    finally:
        gc.callbacks.remove(counted)
        gc.set_threshold(*threshold)
    assert gc.get_freeze_count() == frozen_before  # given back when the build ends


def _check(run: Run, frozen_before: int) -> None:
    assert gc.isenabled()
    assert len(run.cache.articles.by_path) == 30
    assert gc.get_freeze_count() > frozen_before + 1000  # the cache's objects, left out of every collection
    assert gc.get_count()[0] < 200  # none of them waits for the next young collection
