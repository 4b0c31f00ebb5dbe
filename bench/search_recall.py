#!/usr/bin/env python3
"""Site search in Chinese, measured: Pagefind (extended) against sitegen's own bigram index.

For two sites, the repository's example site and the example site plus a generated corpus (make_corpus.py,
1,000 articles by default), it builds the site with sitegen, runs ~30 Chinese substring queries in headless
Chromium through each engine's own JavaScript, and compares the articles found with the truth: a plain substring
search over every article's normalised title and text (sitegen.search.SearchDocument.searched). It prints, per
engine and site: recall, total index size, and the bytes a phone downloads for one query with a cold cache (the
search runtime, the index pieces and the first ten results; raw and gzip -6).

Needs, besides sitegen itself (`pip install -e '.[test]'`, which brings Playwright):
- Debian's Chromium at /usr/bin/chromium (`playwright install` is never run);
- for the Pagefind figures, Pagefind with its extended binary, which segments Chinese:
  `pip install 'pagefind[extended]'` into the same or any venv, then pass `--pagefind PATH/TO/pagefind_extended`
  (found by itself when the `pagefind_bin_extended` package is importable). Without it only sitegen is measured.

Usage:
    python bench/search_recall.py [--articles 1000] [--corpus-script ../shared/bench/make_corpus.py]
                                  [--pagefind BIN] [--work DIR] [--details]
"""

from __future__ import annotations

import argparse
import functools
import gzip
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from sitegen.build.api import BuildOptions, build, load_site
from sitegen.search.index import query_terms, search_documents

REPO_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]  # fmt: skip
SHOWN = 10  # results a reader sees first: the bytes per query include their excerpts

QUERIES = [
    # from the issue
    "应急突击队", "突击队", "党建", "均禾", "基层治理", "治理效能", "党群应急",
    # across word boundaries
    "务活动", "区应急", "会暨党", "队成立", "街开展", "群众办", "动员会", "理效",
    # words, places and names
    "志愿服务", "垃圾分类", "居民议事", "网格员", "最后一公里", "获得感", "长者饭堂", "防汛防风", "社区民警",
    "东莞", "大岭山镇", "湾区", "疫苗接种", "红色物业", "党员先锋", "反诈", "石马桃花", "舞火龙", "深中通道",
]  # fmt: skip


@dataclass
class Outcome:
    found: dict[str, set[str]] = field(default_factory=dict)  # query -> article URLs found
    bytes_raw: dict[str, int] = field(default_factory=dict)  # query -> bytes fetched for it
    bytes_gzip: dict[str, int] = field(default_factory=dict)
    index_raw: int = 0
    index_gzip: int = 0


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def sizes(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    return len(data), min(len(data), len(gzip.compress(data, 6)))


def fetched_sizes(folder: Path, urls: list[str], prefixes: tuple[str, ...]) -> tuple[int, int]:
    raw = packed = 0
    for url in dict.fromkeys(urls):
        path = unquote(urlsplit(url).path)
        if path.startswith(prefixes) and (folder / path.lstrip("/")).is_file():
            r, g = sizes(folder / path.lstrip("/"))
            raw, packed = raw + r, packed + g
    return raw, packed


def make_corpus_site(work: Path, articles: int, script: Path) -> Path:
    corpus, site = work / "corpus", work / "corpus-site"
    subprocess.run([sys.executable, str(script), str(corpus), "--articles", str(articles), "--images"], check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    shutil.copytree(REPO_ROOT / "content", site / "content")
    for column in ("bay-area", "towns", "brands", "tips"):
        shutil.copytree(corpus / column, site / "content" / column, dirs_exist_ok=True)
    shutil.copytree(corpus / "images", site / "assets" / "images")
    shutil.copy(REPO_ROOT / "site.yaml", site / "site.yaml")
    return site


def truth(site: Path) -> tuple[dict[str, set[str]], int]:
    loaded = load_site(site, BuildOptions())
    documents = search_documents(loaded.site, loaded.body)
    searched = [(d.url, d.searched) for d in documents]
    found = {q: {"/" + url for url, text in searched if all(t in text for t in query_terms(q))} for q in QUERIES}
    return found, len(documents)


def measure_sitegen(browser, public: Path) -> Outcome:
    outcome = Outcome()
    for path in sorted(p for p in (public / "search").rglob("*") if p.suffix in (".json", ".bin")):
        r, g = sizes(path)
        outcome.index_raw, outcome.index_gzip = outcome.index_raw + r, outcome.index_gzip + g
    with serve(public) as base:
        for query in QUERIES:
            context = browser.new_context()
            page = context.new_page()
            urls: list[str] = []
            page.on("request", lambda request, urls=urls: urls.append(request.url))
            page.goto(f"{base}/search/?q={quote(query)}")
            page.wait_for_function("document.getElementById('search-results').dataset.state === 'done'")
            # the page itself (/search/ is a folder here) and the stylesheet are not counted: the runtime and data are
            raw, packed = fetched_sizes(public, urls, ("/search/", "/assets/search.js"))
            outcome.bytes_raw[query], outcome.bytes_gzip[query] = raw, packed
            everything = page.evaluate(
                """async (q) => {
                  const s = window.sitegenSearch, index = new s.Index('./'), terms = s.queryTerms(q);
                  const c = await index.candidates(terms);
                  const docs = await Promise.all((c ? c.ids : []).map(id => index.doc(id)));
                  return docs.filter(d => s.matches(d, terms)).map(d => '/' + d.url);
                }""",
                query,
            )
            outcome.found[query] = set(everything)
            context.close()
    return outcome


def pagefind_site(public: Path, work: Path, binary: Path, article_urls: set[str]) -> Path:
    """A copy of the built site whose article pages mark their <article> as Pagefind's body, indexed."""
    folder = work / "pagefind-site"
    shutil.copytree(public, folder, ignore=shutil.ignore_patterns("search"))
    for url in article_urls:
        page = folder / url.lstrip("/") / "index.html"
        html = page.read_text(encoding="utf-8")
        page.write_text(html.replace('<article class="article">', '<article class="article" data-pagefind-body>', 1),
                        encoding="utf-8")  # fmt: skip
    subprocess.run([str(binary), "--site", str(folder), "--quiet"], check=True)
    return folder


def measure_pagefind(browser, folder: Path) -> Outcome:
    outcome = Outcome()
    for path in sorted((folder / "pagefind").rglob("*")):
        if path.is_file() and "-ui" not in path.name and "highlight" not in path.name:
            r, g = sizes(path)
            outcome.index_raw, outcome.index_gzip = outcome.index_raw + r, outcome.index_gzip + g
    with serve(folder) as base:
        for query in QUERIES:
            context = browser.new_context()
            page = context.new_page()
            page.goto(f"{base}/404.html")
            urls: list[str] = []
            page.on("request", lambda request, urls=urls: urls.append(request.url))
            page.evaluate(
                """async ([q, shown]) => {
                  const pagefind = await import('/pagefind/pagefind.js');
                  await pagefind.init();
                  window.found = await pagefind.search(q);
                  await Promise.all(window.found.results.slice(0, shown).map(r => r.data()));
                }""",
                [query, SHOWN],
            )
            outcome.bytes_raw[query], outcome.bytes_gzip[query] = fetched_sizes(folder, urls, ("/pagefind/",))
            everything = page.evaluate(
                "async () => (await Promise.all(window.found.results.map(r => r.data()))).map(d => d.url)"
            )
            outcome.found[query] = {u if u.endswith("/") else u.rsplit("/", 1)[0] + "/" for u in everything}
            context.close()
    return outcome


def report(name: str, documents: int, expected: dict[str, set[str]], outcomes: dict[str, Outcome], details: bool):
    print(f"\n## {name}: {documents} articles, {len(QUERIES)} queries\n")
    print("| engine | recall (hits found / hits) | queries fully answered | wrong hits | index (raw / gzip) "
          "| one query, median (raw / gzip) | one query, max (gzip) |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    total = sum(len(v) for v in expected.values())
    for engine, o in outcomes.items():
        hits = sum(len(o.found[q] & expected[q]) for q in QUERIES)
        wrong = sum(len(o.found[q] - expected[q]) for q in QUERIES)
        full = sum(expected[q] <= o.found[q] for q in QUERIES)
        med_raw = statistics.median(o.bytes_raw.values())
        med_gz = statistics.median(o.bytes_gzip.values())
        worst = max(o.bytes_gzip.values())
        print(
            f"| {engine} | {hits / total:.1%} ({hits}/{total}) | {full}/{len(QUERIES)} | {wrong} "
            f"| {kb(o.index_raw)} / {kb(o.index_gzip)} | {kb(med_raw)} / {kb(med_gz)} | {kb(worst)} |"
        )
    if details:
        engines = list(outcomes)
        print("\nfound: articles found that contain the query / others found, and the gzip bytes fetched for the query")
        heads = " | ".join(f"{e}: found / others (bytes)" for e in engines)
        print(f"\n| query | articles containing it | {heads} |")
        print("| --- | ---: |" + " ---: |" * len(engines))
        for q in QUERIES:
            cells = [
                f"{len(outcomes[e].found[q] & expected[q])} / {len(outcomes[e].found[q] - expected[q])} "
                f"({kb(outcomes[e].bytes_gzip[q])})"
                for e in engines
            ]
            print(f"| {q} | {len(expected[q])} | " + " | ".join(cells) + " |")


def kb(n: float) -> str:
    return f"{n / 1024:.1f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.2f} MB"


def find_pagefind() -> Path | None:
    try:
        import pagefind_bin_extended  # type: ignore[import-not-found]
    except ImportError:
        return None
    binary = Path(pagefind_bin_extended.__file__).parent / "pagefind_extended"
    return binary if binary.is_file() else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--corpus-script", type=Path, default=REPO_ROOT.parent / "shared/bench/make_corpus.py")
    parser.add_argument("--pagefind", type=Path, default=None, help="the pagefind_extended binary")
    parser.add_argument("--work", type=Path, default=None, help="a scratch folder (default: a temporary one)")
    parser.add_argument("--details", action="store_true", help="a line per query")
    args = parser.parse_args()
    binary = args.pagefind or find_pagefind()
    if binary is None:
        print("pagefind_extended not found: measuring sitegen only (pip install 'pagefind[extended]')", file=sys.stderr)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as scratch, sync_playwright() as playwright:
        work = args.work or Path(scratch)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        sites = {"example site": REPO_ROOT}
        if args.articles:
            sites[f"example site + {args.articles} generated articles"] = make_corpus_site(
                work / "corpus", args.articles, args.corpus_script
            )
        for number, (name, site) in enumerate(sites.items()):
            folder = work / f"site-{number}"
            public = folder / "public"
            build(site, BuildOptions(output_dir=public))
            expected, documents = truth(site)
            outcomes = {}
            if binary is not None:
                indexed = pagefind_site(public, folder, binary, set().union(*expected.values()) | all_urls(site))
                version = subprocess.run([str(binary), "--version"], capture_output=True, text=True).stdout.strip()
                outcomes[f"{version} extended"] = measure_pagefind(browser, indexed)
            outcomes["sitegen bigrams"] = measure_sitegen(browser, public)
            report(name, documents, expected, outcomes, args.details)
        browser.close()


def all_urls(site: Path) -> set[str]:
    return {"/" + a.url for a in load_site(site, BuildOptions()).site.articles}


if __name__ == "__main__":
    main()
