"""The search index's text rules and files, without the postings' arithmetic (sitegen.search.postings). Pure.

Chinese readers expect substring matches (突击队 finds 应急突击队), which word segmentation cannot promise, so
the index knows no words: it maps every pair of adjacent characters (a bigram) to the articles containing it.

Files, all under `search/` (`search/index.html` itself is rendered from `search.html`):

- `meta.json`: `{"chunk": C, "documents": D, "format": 3, "shards": N, "version": "<hash>"}`; the version is the
  SHA-256 of the SHA-256 digests of every other file (of its path, a NUL byte and its bytes), in the order below:
  shards by number, then document chunks by number. A digest per file lets an update hash only the files it changed.
- `shards/<i>.bin`: the postings of the bigrams whose FNV-1a hash (32 bit, over the UTF-8 bytes) is `i` modulo N, N
  a power of two chosen so that a shard holds about TARGET_SHARD_BYTES. Little-endian, read in the browser as typed
  arrays over one ArrayBuffer:

      uint32   K                    the number of bigrams
      uint32   keys[2K]             each bigram as its two code points, in code point order
      uint32   offsets[K + 1]       where each bigram's posting starts in `postings` (bytes); the last: its length
      uint8    postings[]           per bigram, its document ids ascending, as gaps (first id, then differences),
                                    each an unsigned LEB128 varint (7 bits a byte, low bits first)

- `docs/<c>.json`: the documents with ids `c*C` to `c*C + C - 1` (the last chunk may hold fewer), a JSON array of
  `{"column", "date", "text", "title", "url"}`, one document a line; ids count from the oldest article (0), so a new
  article rewrites only the last chunk and an edit only its own. C is DOCS_PER_CHUNK (32).

The query (assets/search.js; tests/test_search.py holds the same logic in Python): normalise (NFKC, lower case,
Traditional folded to Simplified: search/fold.py), split into terms at
white space, take the bigrams of every term of two or more characters, intersect their postings: the candidates,
newest first. A two-character term is matched exactly by its posting; for longer ones a candidate may hold the
bigrams without the term, so every result shown is first checked by a substring test on its document's normalised
title and text. Nothing is shown that does not contain every term.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from sitegen.search.fold import fold_digest, fold_table

SEARCH_URL = "search/"
FORMAT = 3
# Fewer, larger files cost a build less (each file a write, on disks where opening one costs) and a reader more
# bytes per query; bench/search.md weighs the layouts (bench/search_download.py). 16 KB of postings a shard, about
# 6 KB over gzip: 512 shards at 10,000 articles, a typical query fetches 3.
TARGET_SHARD_BYTES = 16 * 1024
# 32 documents a chunk, about 120 KB raw and 17 KB over gzip: 313 files at 10,000 articles; a first page of ten
# results fetches 2 in the median (the newest hits of a common query are neighbours), 13 when they lie far apart.
DOCS_PER_CHUNK = 32
MAX_SHARDS = 4096
SHARD_OVERHEAD = 8  # a shard file's bytes besides its entries: the count and the last offset
ENTRY_OVERHEAD = 12  # an entry's bytes besides its posting: two code points and an offset
# white space after NFKC (which already turns U+00A0, U+2000-U+200A and U+3000 into " "); the same class in search.js
SEPARATOR_CLASS = r"\t\n\x0b\x0c\r \x85\u1680\u2028\u2029\ufeff"
SEPARATOR_CODES = tuple(map(ord, "\t\n\x0b\x0c\r \x85\u1680\u2028\u2029\ufeff"))
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
    def unfolded(self) -> str:
        """The text searched, before `normalize`."""
        return f"{self.title}\n{self.text}"

    @property
    def searched(self) -> str:
        return normalize(self.unfolded)


class _CharacterTable(dict[int, str]):
    """str.translate table: each character's NFKC form, lower-cased, Traditional folded to Simplified (search.fold:
    乡村 finds 鄉村 and the other way, in either edition); filled as characters are met."""

    def __missing__(self, code: int) -> str:
        self[code] = unicodedata.normalize("NFKC", chr(code)).lower().translate(fold_table())
        return self[code]


_NORMAL_FORMS = _CharacterTable()  # a memo of a pure function: a few thousand distinct characters in a site
# Raise it whenever `normalize` folds differently: a saved index state (its postings, the bigrams of its old
# documents read back) holds text folded the old way, and is then dropped for a cold index.
NORMALIZE_VERSION = f"2-{fold_digest()}"  # 2: Traditional folded to Simplified, by the table of that digest


def normalize(text: str) -> str:
    """NFKC, lower case and Traditional folded to Simplified, one character at a time (so that positions map back,
    and search.js does the same).
    The one place the index and the query fold text: search.js's `normalize` must stay its twin, and it must stay a
    mapping of each character on its own (postings.fold applies it to each distinct character of a site)."""
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
    """FNV-1a (32 bit) of the UTF-8 bytes, modulo the number of shards (postings.shards_of: the same, vectorised)."""
    value = 0x811C9DC5
    for byte in gram.encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value % shards


def shard_count(size: int, target_shard_bytes: int) -> int:
    """The smallest power of two of shards that holds `size` bytes of entries at about `target_shard_bytes` each."""
    shards = 1
    while size > shards * target_shard_bytes and shards < MAX_SHARDS:
        shards *= 2
    return shards


def document_bytes(document: SearchDocument) -> bytes:
    """One document as JSON: a line of its chunk's file (JSON escapes every line break inside its strings)."""
    fields = {"column": document.column, "date": document.date, "text": document.text}
    fields |= {"title": document.title, "url": document.url}
    return _json(fields).encode("utf-8")


def chunk_bytes(documents: Sequence[bytes]) -> bytes:
    """A chunk's file: the `document_bytes` of its documents as a JSON array, one a line."""
    return b"[" + b",\n".join(documents) + b"]\n"


def chunk_documents(data: bytes) -> list[SearchDocument]:
    """The documents of a chunk's file (ValueError when it is not one)."""
    try:
        return [SearchDocument(**fields) for fields in json.loads(data)]
    except (TypeError, UnicodeDecodeError) as exc:
        raise ValueError("not a chunk of search documents") from exc


def chunk_count(documents: int, per_chunk: int) -> int:
    return -(-documents // per_chunk)


def shard_path(number: int) -> str:
    return f"shards/{number}.bin"


def chunk_path(chunk: int) -> str:
    return f"docs/{chunk}.json"


def digest(path: str, data: bytes) -> bytes:
    return hashlib.sha256(path.encode() + b"\0" + data).digest()


def meta_bytes(documents: int, shards: int, per_chunk: int, digests: Sequence[bytes]) -> bytes:
    """meta.json: its version hashes the digests of every other file, so an update hashes only what it changed."""
    version = hashlib.sha256(b"".join(digests)).hexdigest()[:16]
    meta = {"chunk": per_chunk, "documents": documents, "format": FORMAT, "shards": shards, "version": version}
    return (_json(meta) + "\n").encode("utf-8")


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
