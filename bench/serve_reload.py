#!/usr/bin/env python3
"""How long an editor waits in `sitegen serve`: from saving an article to the browser showing the change.

Generates a site of N synthetic articles (the shared `make_corpus.py`), starts a DevServer on a free port and measures
the first page: from starting the server to the home page received (the server loads the site, then renders each page
when it is first requested). Then it listens to the live-reload event stream like a browser, edits one article at a
time (appending a paragraph) and measures, from the moment of the save:

- reload: until the `reload` event arrives on the stream;
- page:   until the served page contains the new paragraph (fetched on the event, as the browser does).

Usage: python bench/serve_reload.py [--articles 1000] [--edits 5] [--corpus-script PATH] [--related-count N] [--keep]
                                   [--built]
With --built, `sitegen build` runs first, so the server's first load reuses what it left in .sitegen-cache/.
Targets (issue 11): the first page within 2x Hugo's cold build; the page reloaded within 1 s of the save.
"""

from __future__ import annotations

import argparse
import http.client
import os
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from sitegen.build.api import BuildOptions, build  # noqa: E402
from sitegen.serve import EVENTS_PATH, DevServer  # noqa: E402

TARGET_SECONDS = 1.0
TIMEOUT = 30.0


def make_site(site: Path, articles: int, corpus_script: Path, related_count: int | None = None) -> None:
    """content/<column>/<yyyy>/*.md and assets/images/ from the corpus, site.yaml like the repository's."""
    corpus = site.parent / "corpus"
    subprocess.run(
        [sys.executable, str(corpus_script), str(corpus), "--articles", str(articles), "--images"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    for column in sorted(p for p in corpus.iterdir() if p.is_dir() and p.name != "images"):
        shutil.copytree(column, site / "content" / column.name)
    shutil.copytree(corpus / "images", site / "assets" / "images")
    config = (REPO_ROOT / "site.yaml").read_text(encoding="utf-8")
    config = re.sub(r"(?m)^page_size: \d+$", "page_size: 20", config)
    if related_count is not None:
        config = re.sub(r"(?m)^columns:", f"related_count: {related_count}\ncolumns:", config)
    (site / "site.yaml").write_text(config, encoding="utf-8")
    shutil.rmtree(corpus)


class EventStream:
    """The server's event stream, read as a browser's EventSource does; events timestamped on arrival."""

    def __init__(self, server: DevServer) -> None:
        host, port = server._http.server_address[:2]
        self.connection = http.client.HTTPConnection(host, port, timeout=TIMEOUT * 2)
        self.connection.request("GET", EVENTS_PATH)
        self.response = self.connection.getresponse()
        self.response.fp.readline()  # ": connected": from here on every rebuild is an event
        self.events: queue.Queue[tuple[str, float]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            while line := self.response.fp.readline():
                if line.startswith(b"event:"):
                    self.events.put((line[6:].strip().decode(), time.perf_counter()))
        except (OSError, ValueError):
            pass

    def drain(self) -> None:
        while not self.events.empty():
            self.events.get_nowait()

    def next_reload(self) -> float:
        while True:
            name, moment = self.events.get(timeout=TIMEOUT)
            if name == "reload":
                return moment

    def close(self) -> None:
        self.connection.close()


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
        return response.read().decode("utf-8")


def describe(name: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return f"{name:<16} median {statistics.median(ms):7.0f} ms   min {min(ms):7.0f} ms   max {max(ms):7.0f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument(
        "--corpus-script",
        type=Path,
        default=REPO_ROOT / ".." / "shared" / "bench" / "make_corpus.py",
        help="make_corpus.py  [default: ../shared/bench/make_corpus.py from the repository root]",
    )
    parser.add_argument(
        "--related-count",
        type=int,
        default=None,
        help="set related_count in site.yaml (0 leaves out related articles: shows what they cost)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated site and print where it is")
    parser.add_argument(
        "--built",
        action="store_true",
        help="run `sitegen build` first (untimed), so that the server's first build reuses .sitegen-cache/",
    )
    args = parser.parse_args()
    if not args.corpus_script.is_file():
        parser.error(f"no corpus script at {args.corpus_script}")

    workdir = Path(tempfile.mkdtemp(prefix="sitegen-serve-bench-"))
    site = workdir / "site"
    try:
        started = time.perf_counter()
        make_site(site, args.articles, args.corpus_script.resolve(), args.related_count)
        print(f"site: {args.articles} articles generated in {time.perf_counter() - started:.1f} s ({site})")

        if args.built:
            started = time.perf_counter()
            build(site, BuildOptions(output_dir=workdir / "public"))
            print(f"sitegen build (to fill .sitegen-cache/): {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        server = DevServer(site, port=0)  # reads .sitegen-cache/: part of the time to the first page
        server.start()
        loaded = time.perf_counter() - started
        home = fetch(server.url) if not server.state.errors else ""
        first = time.perf_counter() - started
        print(f"server: first page {first:.2f} s (cache read and site loaded: {loaded:.2f} s; {len(home)} characters)")
        if server.state.errors:
            print(f"the site has {len(server.state.errors)} errors, e.g. {server.state.errors[0]}", file=sys.stderr)
            server.stop()
            return 1
        cache = server.options.cache
        assert cache is not None
        sources = sorted(cache.articles.by_path)
        stream = EventStream(server)

        to_reload: list[float] = []
        to_page: list[float] = []
        rebuilds: list[float] = []
        try:
            for n in range(args.edits):
                source = sources[(n * 2 + 1) * len(sources) // (args.edits * 2)]  # spread over the site
                url = server.url + cache.articles.by_path[source].url
                marker = f"基准测试追加的第 {n + 1} 段：居民反映的问题已经解决。"
                path = site / source
                text = path.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{marker}\n"
                stream.drain()
                saved = time.perf_counter()
                path.write_text(text, encoding="utf-8")
                reloaded = stream.next_reload() - saved
                while marker not in fetch(url):
                    if time.perf_counter() - saved > TIMEOUT:
                        raise TimeoutError(f"{url} never showed the edit")
                    time.sleep(0.005)
                shown = time.perf_counter() - saved
                to_reload.append(reloaded)
                to_page.append(shown)
                rebuilds.append(server.state.last_rebuild_seconds)
                print(
                    f"edit {n + 1}: {source}: reload {reloaded * 1000:.0f} ms, page {shown * 1000:.0f} ms "
                    f"(rebuild {server.state.last_rebuild_seconds * 1000:.0f} ms; reused {cache.articles.reused}/"
                    f"{len(sources)} articles)"
                )
                time.sleep(0.3)  # let the watcher settle before the next edit
        finally:
            stream.close()
            server.stop()

        print()
        print(describe("save -> reload", to_reload))
        print(describe("save -> new page", to_page))
        print(describe("rebuild itself", rebuilds))
        met = max(to_page) <= TARGET_SECONDS
        print(f"target (page within {TARGET_SECONDS:.0f} s of the save): {'met' if met else 'NOT met'}")
        print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
        return 0 if met else 1
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
