"""Full-text search without a server: a character-bigram index, sharded so a query fetches only what it needs. Pure.

Chinese readers expect substring matches (突击队 finds 应急突击队), which word segmentation cannot promise, so
the index knows no words: it maps every pair of adjacent characters (a bigram) to the articles containing it.

Files, all under `search/` (`search/index.html` itself is rendered from `search.html`):

- `meta.json`: `{"documents": D, "format": 1, "shards": N, "version": "<hash of the index>"}`.
- `shards/<i>.json`: `{"<bigram>": [first id, gap, gap, ...], ...}` for the bigrams whose FNV-1a hash (32 bit, over
  the UTF-8 bytes) is `i` modulo N; N is a power of two chosen so that a shard holds about TARGET_SHARD_BYTES.
- `docs/<id>.json`: `{"column", "date", "text", "title", "url"}` of one article; ids count from the oldest article
  (0), so a new article leaves the other files as they were.

The query (assets/search.js; tests/test_search.py holds the same logic in Python): normalise (per character: NFKC,
then lower case), split into terms at white space, take the bigrams of every term of two or more characters, intersect
their postings: the candidates, newest first. A two-character term is matched exactly by its posting; for longer
ones a candidate may hold the bigrams without the term, so every result shown is first checked by a substring test on
its document's normalised title and text. Nothing is shown that does not contain every term.
"""

from __future__ import annotations

import hashlib
import json
import operator
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from sitegen.model import Article, Body, BodyOf, OutputFile, Site

SEARCH_URL = "search/"
FORMAT = 1
TARGET_SHARD_BYTES = 16 * 1024  # uncompressed; about a third of that over gzip for Chinese text
MAX_SHARDS = 4096
# white space after NFKC (which already turns U+00A0, U+2000-U+200A and U+3000 into " "); the same class in search.js
SEPARATOR_CLASS = r"\t\n\x0b\x0c\r \x85\u1680\u2028\u2029\ufeff"
SEPARATORS = re.compile(f"[{SEPARATOR_CLASS}]+")
_BIGRAM = re.compile(f"(?=([^{SEPARATOR_CLASS}][^{SEPARATOR_CLASS}]))")


@dataclass(frozen=True, slots=True)
class SearchDocument:
    """What the search page shows of an article, and the text searched (title + `text`)."""

    title: str
    url: str  # site-relative
    column: str  # the column's title
    date: str  # YYYY-MM-DD
    text: str  # running text, headings, captions and tags, one line per block

    @property
    def searched(self) -> str:
        return normalize(f"{self.title}\n{self.text}")


@dataclass(frozen=True, slots=True)
class SearchIndex:
    documents: tuple[SearchDocument, ...]  # id = position; oldest first
    postings: Mapping[str, tuple[int, ...]]  # bigram -> ascending document ids
    shards: int
    entries: Mapping[str, str] | None = None  # bigram -> its serialised posting, when already made


class _CharacterTable(dict[int, str]):
    """str.translate table: each character's NFKC form, lower-cased; filled as characters are met."""

    def __missing__(self, code: int) -> str:
        self[code] = unicodedata.normalize("NFKC", chr(code)).lower()
        return self[code]


_NORMAL_FORMS = _CharacterTable()  # a memo of a pure function: a few thousand distinct characters in a site


def normalize(text: str) -> str:
    """NFKC and lower case, one character at a time (so that positions map back, and search.js does the same)."""
    return text.translate(_NORMAL_FORMS)


def query_terms(query: str) -> tuple[str, ...]:
    """The distinct normalised terms of a query, in order."""
    return tuple(dict.fromkeys(term for term in SEPARATORS.split(normalize(query)) if term))


def bigrams(term: str) -> list[str]:
    return [term[i : i + 2] for i in range(len(term) - 1)]


def text_bigrams(text: str) -> set[str]:
    """The bigrams of normalised text: pairs of adjacent characters, never across white space."""
    return set(_BIGRAM.findall(text))  # overlapping pairs of non-separators, found in one pass in C


def shard_of(gram: str, shards: int) -> int:
    """FNV-1a (32 bit) of the UTF-8 bytes, modulo the number of shards."""
    value = 0x811C9DC5
    for byte in gram.encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value % shards


def search_text(article: Article, body: Body) -> str:
    """What a reader sees of an article besides its title: body (with headings, captions, tables), pictures, tags."""
    lines = [body.search_text]
    lines += [image.caption for image in article.unplaced_images if image.caption]
    if article.tags:
        lines.append(" ".join(article.tags))
    return "\n".join(line for line in lines if line)


def search_documents(site: Site, body_of: BodyOf) -> tuple[SearchDocument, ...]:
    columns = {column.slug: column.title for column in site.config.columns}
    return tuple(
        SearchDocument(
            title=article.title,
            url=article.url,
            column=columns.get(article.column, article.column),
            date=article.date.strftime("%Y-%m-%d"),
            text=search_text(article, body_of(article)),
        )
        for article in reversed(site.articles)  # site.articles is newest first
    )


def build_index(documents: Sequence[SearchDocument], target_shard_bytes: int = TARGET_SHARD_BYTES) -> SearchIndex:
    postings: defaultdict[str, list[int]] = defaultdict(list)
    for doc_id, document in enumerate(documents):
        for gram in text_bigrams(document.searched):
            postings[gram].append(doc_id)
    entries = {gram: _entry(gram, ids) for gram, ids in postings.items()}
    size = sum(len(entry.encode("utf-8")) + 1 for entry in entries.values())
    shards = 1
    while size > shards * target_shard_bytes and shards < MAX_SHARDS:
        shards *= 2
    return SearchIndex(tuple(documents), {gram: tuple(ids) for gram, ids in postings.items()}, shards, entries)


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _entry(gram: str, ids: Iterable[int]) -> str:
    """`"<bigram>":[first id, gap, gap, ...]`: ids as gaps keep shards small."""
    ids = list(ids)
    gaps = map(operator.sub, ids, [0, *ids[:-1]])
    return f"{_json(gram)}:[{','.join(map(str, gaps))}]"


def index_files(index: SearchIndex) -> Iterator[tuple[str, bytes]]:
    """(path under search/, bytes) of every index file; the same index always gives the same bytes."""
    by_shard: list[list[str]] = [[] for _ in range(index.shards)]
    entries = index.entries or {gram: _entry(gram, ids) for gram, ids in index.postings.items()}
    for gram in sorted(index.postings):
        by_shard[shard_of(gram, index.shards)].append(entries[gram])
    files = [(f"shards/{i}.json", ("{" + ",".join(entries) + "}\n").encode()) for i, entries in enumerate(by_shard)]
    for doc_id, document in enumerate(index.documents):
        fields = {"column": document.column, "date": document.date, "text": document.text}
        fields |= {"title": document.title, "url": document.url}
        files.append((f"docs/{doc_id}.json", (_json(fields) + "\n").encode("utf-8")))
    digest = hashlib.sha256()
    for path, data in files:
        digest.update(path.encode() + b"\0" + data)
    meta = {"documents": len(index.documents), "format": FORMAT, "shards": index.shards}
    yield "meta.json", (_json(meta | {"version": digest.hexdigest()[:16]}) + "\n").encode("utf-8")
    yield from files


def search_files(site: Site, body_of: BodyOf) -> tuple[OutputFile, ...]:
    """The search index of a site as output files (the search page itself is rendered with the other pages)."""
    index = build_index(search_documents(site, body_of))
    return tuple(OutputFile(SEARCH_URL + path, data) for path, data in index_files(index))
