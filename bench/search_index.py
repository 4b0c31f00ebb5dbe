#!/usr/bin/env python3
"""The search index alone, in one process: how long it takes to build cold and to update, and its size on disk.

The site is loaded once through its build cache (build it first, so that no Markdown is rendered here), its search
documents made, then each measure is run --runs times and the fastest kept, as CPU seconds of this process (the
machine is shared: CPU time is steadier than the wall clock) and wall seconds:

  documents       every article's SearchDocument (text extraction; the same in every version)
  cold index      new_index over every document: normalising, bigrams, postings, every file's bytes
  one edit        update_index after a paragraph is appended to the middle article (its old file at hand)
  new article     update_index after a new newest article
  CI path         update_index with nothing changed and no output at hand, then every file restored from the state
                  and the articles (what a build into an empty folder with the cache restored does); `--` where the
                  version has no such path (it built the index cold)

Sizes: the bytes of the shard files and of the document files, raw and gzip -6 per file, summed.

With --output, it instead builds the site once into that folder (with the cache folder given, in this process)
and prints the CPU seconds spent inside the build's search phase (the pipeline's `search_files` generator, without
the writer's time between its files), beside the build's own --profile: the wall clock of a shared machine says
little about one phase. Empty the output folder first for the CI path (with the cache restored), delete both for
a cold build.

Usage:
  python bench/search_index.py --site SITE --cache-dir CACHE [--runs 3]
  python bench/search_index.py --site SITE --cache-dir CACHE --output OUT
Run it with PYTHONPATH pointing at the sitegen to measure (an older commit exported with `git archive` works too:
it only needs sitegen.search.index's new_index, update_index and search_documents).
"""

from __future__ import annotations

import argparse
import gzip
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sitegen.build.options import BuildOptions
from sitegen.build.pipeline import load_site
from sitegen.search import index as search


def fastest(runs: int, work: Callable[..., Any], setup: Callable[[], Any] | None = None) -> tuple[float, float, Any]:
    """(CPU seconds, wall seconds, result) of the fastest run by CPU time; `setup`'s result (untimed) goes to work."""
    best: tuple[float, float, Any] | None = None
    for _ in range(runs):
        given = (setup(),) if setup is not None else ()
        cpu, wall = time.process_time(), time.perf_counter()
        result = work(*given)
        timing = (time.process_time() - cpu, time.perf_counter() - wall, result)
        if best is None or timing[0] < best[0]:
            best = timing
    assert best is not None
    return best


def sizes(files: dict[str, bytes], prefix: str) -> tuple[int, int, int]:
    chosen = [data for path, data in files.items() if path.startswith(prefix)]
    return len(chosen), sum(map(len, chosen)), sum(len(gzip.compress(data, 6, mtime=0)) for data in chosen)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, required=True)
    parser.add_argument("--cache-dir", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    if args.output is not None:
        return build_phase(args.site, args.cache_dir, args.output)

    loaded = load_site(args.site, BuildOptions(cache_dir=args.cache_dir, disk_cache=True, jobs=1))
    site = loaded.site
    columns = search.column_titles(site)
    keys = [search.document_key(article, columns) for article in reversed(site.articles)]
    rows: list[tuple[str, float, float]] = []
    cpu, wall, documents = fastest(args.runs, lambda: list(search.search_documents(site, loaded.body)))
    rows.append(("documents", cpu, wall))
    cpu, wall, (_, cold) = fastest(args.runs, lambda: search.new_index(keys, documents))
    rows.append(("cold index", cpu, wall))
    files = dict(cold)

    middle = len(documents) // 2
    edited = list(documents)
    old = edited[middle]
    edited[middle] = type(old)(old.title, old.url, old.column, old.date, old.text + "\n新增的段落。")
    edited_keys = [*keys[:middle], "edited", *keys[middle + 1 :]]
    newest = type(old)("最新文章", "new/", old.column, old.date, "均禾街道开展防汛防风演练，居民踊跃参加。")

    def state() -> Any:
        return search.new_index(keys, documents)[0]

    for name, new_keys, docs in (
        ("one edit", edited_keys, edited),
        ("new article", [*keys, "new"], [*documents, newest]),
    ):
        cpu, wall, _ = fastest(
            args.runs, lambda s, k=new_keys, d=docs: search.update_index(s, k, d.__getitem__, files.get), state
        )
        rows.append((name, cpu, wall))
    if hasattr(search, "restored"):

        def ci_path(state: Any) -> None:
            changes = search.update_index(state, keys, documents.__getitem__, lambda path: None)
            for path, data in changes:
                if data is None:
                    search.restored(state, path, documents.__getitem__)

        cpu, wall, _ = fastest(args.runs, ci_path, state)
        rows.append(("CI path", cpu, wall))
    else:
        rows.append(("CI path", float("nan"), float("nan")))

    print(f"{len(documents)} articles, best of {args.runs} runs\n")
    print("| measure | CPU s | wall s |\n| --- | ---: | ---: |")
    for name, cpu, wall in rows:
        shown = ("--", "--") if cpu != cpu else (f"{cpu:.2f}", f"{wall:.2f}")
        print(f"| {name} | {shown[0]} | {shown[1]} |")
    print("\n| files | count | raw MB | gzip MB |\n| --- | ---: | ---: | ---: |")
    for label, prefix in (("shards", "shards/"), ("documents", "docs/"), ("meta.json", "meta.json")):
        count, raw, packed = sizes(files, prefix)
        print(f"| {label} | {count} | {raw / 1e6:.2f} | {packed / 1e6:.2f} |")
    count, raw, packed = sizes(files, "")
    print(f"| all | {count} | {raw / 1e6:.2f} | {packed / 1e6:.2f} |")
    return 0


def build_phase(site: Path, cache_dir: Path, output: Path) -> int:
    from sitegen.build import api, pipeline

    spent = [0.0]
    search_files = pipeline.search_files

    def timed(*args: Any, **kwargs: Any) -> Any:
        files = search_files(*args, **kwargs)
        while True:
            started = time.process_time()
            try:
                file = next(files)
            except StopIteration:
                spent[0] += time.process_time() - started
                return
            spent[0] += time.process_time() - started
            yield file

    pipeline.search_files = timed  # type: ignore[assignment]
    cpu, wall = time.process_time(), time.perf_counter()
    report = api.build(site, BuildOptions(output_dir=output, cache_dir=cache_dir))
    print(f"{report.articles} articles: build {time.perf_counter() - wall:.2f} s wall, {time.process_time() - cpu:.2f}"
          f" s CPU in this process; search phase {spent[0]:.2f} s CPU (its files' writing left out)")
    for phase, seconds in report.timings:
        print(f"  {phase}: {seconds:.2f} s wall")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
