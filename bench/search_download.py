#!/usr/bin/env python3
"""What a phone downloads for one query, per index layout: the search.js algorithm replayed in Python.

The site is loaded once through its build cache (build it first, so that no Markdown is rendered here) and its
index made in this process for each layout given (shard target in KB, documents a chunk). Each query is then
answered as assets/search.js answers it with a cold cache: meta.json, the shards of its bigrams, then candidates
newest first, PAGE at a time, until ten results are shown, each document's file (format 2: one per article) or
chunk (format 3) fetched once. It prints, per layout, the index's file count and, per query and in median, the
bytes fetched, raw and gzip -6 per file (what a server sends with gzip on; search.js itself is left out, the same
in every layout).

Usage:
  python bench/search_download.py --site SITE --cache-dir CACHE [--layout 8:1 --layout 32:16 ...] [--details]
A layout `T:1` with T=8 is format 2's (a file per article); the documents of every layout are the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import statistics
from collections.abc import Mapping
from pathlib import Path

from sitegen.build.options import BuildOptions
from sitegen.build.pipeline import load_site
from sitegen.search import index as search
from sitegen.search.format import bigrams, shard_of

PAGE = 10
QUERIES = [  # bench/search_recall.py's
    "应急突击队", "突击队", "党建", "均禾", "基层治理", "治理效能", "党群应急", "务活动", "区应急", "会暨党", "队成立",
    "街开展", "群众办", "动员会", "理效", "志愿服务", "垃圾分类", "居民议事", "网格员", "最后一公里", "获得感",
    "长者饭堂", "防汛防风", "社区民警", "东莞", "大岭山镇", "湾区", "疫苗接种", "红色物业", "党员先锋", "反诈",
    "石马桃花", "舞火龙", "深中通道",
]  # fmt: skip


def drawn(documents: list[search.SearchDocument], count: int, seed: int = 1) -> list[str]:
    """Queries of three terms, each two or three characters taken from one article (so each finds something)."""
    rng = random.Random(seed)
    found: list[str] = []
    while len(found) < count:
        words = [w for w in re.split(r"[\s，。、；：！？“”（）]+", rng.choice(documents).text) if len(w) >= 3]
        if len(words) >= 3:
            terms = []
            for word in rng.sample(words, 3):
                size = rng.randint(2, 3)
                start = rng.randrange(len(word) - size + 1)
                terms.append(word[start : start + size])
            found.append(" ".join(terms))
    return found


def packed(data: bytes) -> int:
    return len(gzip.compress(data, 6, mtime=0))


def replay(files: Mapping[str, bytes], query: str) -> tuple[list[str], int]:
    """The files search.js fetches for the first page of `query`, and the results shown."""
    meta = json.loads(files["meta.json"])
    terms = search.query_terms(query)
    grams = list(dict.fromkeys(gram for term in terms for gram in bigrams(term)))
    paths = ["meta.json", *dict.fromkeys(f"shards/{shard_of(g, meta['shards'])}.bin" for g in grams)]
    lists = [postings_of(files[f"shards/{shard_of(g, meta['shards'])}.bin"], g) for g in grams]
    ids = sorted(set.intersection(*map(set, lists)), reverse=True) if lists else []
    per_chunk = meta.get("chunk", 1)
    shown, at = 0, 0
    while shown < PAGE and at < len(ids):
        batch, at = ids[at : at + PAGE - shown], at + PAGE - shown
        for doc_id in batch:
            path = f"docs/{doc_id // per_chunk}.json"
            paths += [path] if path not in paths else []
            data = json.loads(files[path])
            doc = data[doc_id % per_chunk] if isinstance(data, list) else data
            shown += all(t in search.normalize(doc["title"] + "\n" + doc["text"]) for t in terms)
    return paths, shown


def postings_of(shard: bytes, gram: str) -> list[int]:
    count = int.from_bytes(shard[:4], "little")
    head = memoryview(shard)[4 : 8 + 12 * count].cast("I")  # little-endian like the file on this machine
    body = shard[8 + 12 * count :]
    first, second = ord(gram[0]), ord(gram[1])
    for i in range(count):
        if head[2 * i] == first and head[2 * i + 1] == second:
            ids, value, shift, doc_id = [], 0, 0, 0
            for byte in body[head[2 * count + i] : head[2 * count + i + 1]]:
                value |= (byte & 0x7F) << shift
                shift += 7
                if byte < 0x80:
                    doc_id += value
                    ids.append(doc_id)
                    value = shift = 0
            return ids
    return []


def per_article(files: dict[str, bytes]) -> dict[str, bytes]:
    """Format 3's files laid out as format 2's documents: one file per article (its meta without "chunk")."""
    out = {path: data for path, data in files.items() if not path.startswith("docs/")}
    meta = json.loads(files["meta.json"])
    for path, data in files.items():
        if path.startswith("docs/"):
            first = int(path[5:-5]) * meta["chunk"]
            for offset, doc in enumerate(json.loads(data)):
                text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
                out[f"docs/{first + offset}.json"] = (text + "\n").encode()  # as format 2 wrote them
    out["meta.json"] = json.dumps({k: v for k, v in meta.items() if k != "chunk"}).encode()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, required=True)
    parser.add_argument("--cache-dir", type=Path, required=True)
    parser.add_argument("--layout", action="append", help="TARGET_KB:DOCS_PER_CHUNK, e.g. 32:16 (repeatable)")
    parser.add_argument("--details", action="store_true", help="every query's bytes, not only the medians")
    args = parser.parse_args()
    layouts = [tuple(map(int, layout.split(":"))) for layout in args.layout or ["8:1", "32:16"]]
    loaded = load_site(args.site, BuildOptions(cache_dir=args.cache_dir, disk_cache=True, jobs=1))
    documents = list(search.search_documents(loaded.site, loaded.body))
    keys = [str(i) for i in range(len(documents))]
    three_terms = drawn(documents, 30)
    print(f"{len(documents)} articles; the first page of each query (at most {PAGE} results), cold cache\n")
    print(f"{len(QUERIES)} queries of bench/search_recall.py, {len(three_terms)} of three terms drawn from articles\n")
    print(
        "| shard target / docs a file | files | one query, median raw / gzip KB | three terms, median gzip KB "
        "| max gzip KB | shards / doc files fetched, median | doc files, max |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for target_kb, chunk in layouts:
        _, made = search.new_index(keys, documents, target_kb * 1024, max(chunk, 1))
        files = {path: data for path, data in made if data is not None}
        if chunk == 1:
            files = per_article(files)
        gz = {path: packed(data) for path, data in files.items()}
        rows: list[tuple[str, int, int, int, int, int]] = []
        for query in QUERIES + three_terms:
            paths, shown = replay(files, query)
            raw, zipped = sum(len(files[p]) for p in paths), sum(gz[p] for p in paths)
            shards = sum(p.startswith("shards/") for p in paths)
            rows.append((query, raw, zipped, shards, len(paths) - 1 - shards, shown))
            if args.details:
                print(
                    f"  {target_kb}:{chunk} {query}: {shown} shown, {shards} shards, {len(paths) - 1 - shards}"
                    f" doc files, {raw / 1024:.0f} KB raw, {zipped / 1024:.0f} KB gzip"
                )
        med = statistics.median
        three = [row[2] for row in rows if row[0] in three_terms]
        print(
            f"| {target_kb} KB / {chunk} | {len(files)} | {med(r[1] for r in rows) / 1024:.0f} / "
            f"{med(r[2] for r in rows) / 1024:.0f} | {med(three) / 1024:.0f} | {max(r[2] for r in rows) / 1024:.0f}"
            f" | {med(r[3] for r in rows):.0f} / {med(r[4] for r in rows):.0f} | {max(r[4] for r in rows)} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
