"""Full-text search without a server: a character-bigram index, sharded so a query fetches only what it needs. Pure.

Chinese readers expect substring matches (突击队 finds 应急突击队), which word segmentation cannot promise, so
the index knows no words: it maps every pair of adjacent characters (a bigram) to the articles containing it.

Files, all under `search/` (`search/index.html` itself is rendered from `search.html`):

- `meta.json`: `{"documents": D, "format": 1, "shards": N, "version": "<hash>"}`; the version is the SHA-256 of the
  SHA-256 digests of every other file (of its path, a NUL byte and its bytes), in the order below: shards by number,
  then documents by id. A digest per file lets an update hash only the files it changed.
- `shards/<i>.json`: `{"<bigram>": [first id, gap, gap, ...], ...}` for the bigrams whose FNV-1a hash (32 bit, over
  the UTF-8 bytes) is `i` modulo N; N is a power of two chosen so that a shard holds about TARGET_SHARD_BYTES.
- `docs/<id>.json`: `{"column", "date", "text", "title", "url"}` of one article; ids count from the oldest article
  (0), so a new article leaves the other files as they were.

Incremental updates: `new_index` builds the index cold and returns an `IndexState` besides the files; `update_index`
brings that state to a new list of documents and returns only the files whose bytes changed. The state keeps, per
document, a key (what determines its SearchDocument) and its distinct bigrams, and per bigram the gaps of its
posting, so that an edited article touches only the postings of the bigrams it gained or lost, and a new newest
article appends one id to each of its bigrams. The files are the same bytes as a cold build of the same documents.

The query (assets/search.js; tests/test_search.py holds the same logic in Python): normalise (per character: NFKC,
then lower case), split into terms at white space, take the bigrams of every term of two or more characters, intersect
their postings: the candidates, newest first. A two-character term is matched exactly by its posting; for longer
ones a candidate may hold the bigrams without the term, so every result shown is first checked by a substring test on
its document's normalised title and text. Nothing is shown that does not contain every term.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import operator
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from sitegen.model import Article, Site
from sitegen.text import SEARCH_SKIPPED, html_to_text

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
    gaps: Mapping[str, bytes] | None = None  # bigram -> its posting as gaps (see _gaps), when already made


@dataclass(slots=True)
class IndexState:
    """What `update_index` needs of the last index: no document text, only what locates the changes and the bytes
    of the postings. Plain lists, dicts, bytes, str and int, so that it is saved as data (see `state_data`)."""

    target: int  # the TARGET_SHARD_BYTES it was built for
    keys: list[str]  # by document id: what determines the document (see `document_key`)
    grams: list[bytes]  # by document id: its distinct bigrams, concatenated, in UTF-16-LE (compact, no table)
    shards: list[dict[str, bytes]]  # by shard: bigram -> its posting as gaps, ASCII "first,gap,gap"
    last: dict[str, int]  # bigram -> the highest id of its posting: a new newest document is appended, not parsed
    size: int  # the bytes of every entry with its separator: decides the number of shards
    shard_digests: list[bytes]  # by shard: _digest of its file
    doc_digests: list[bytes]  # by document id: _digest of its file

    def meta(self) -> bytes:
        return _meta(len(self.keys), len(self.shards), self.shard_digests + self.doc_digests)


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


def search_text(article: Article) -> str:
    """What a reader sees of an article besides its title: body (with headings, captions, tables), pictures, tags."""
    body = article.search_text if article.search_text is not None else html_to_text(article.body_html, SEARCH_SKIPPED)
    lines = [body]
    lines += [image.caption for image in article.unplaced_images if image.caption]
    if article.tags:
        lines.append(" ".join(article.tags))
    return "\n".join(line for line in lines if line)


def column_titles(site: Site) -> dict[str, str]:
    return {column.slug: column.title for column in site.config.columns}


def search_document(article: Article, columns: Mapping[str, str]) -> SearchDocument:
    return SearchDocument(
        title=article.title,
        url=article.url,
        column=columns.get(article.column, article.column),
        date=article.date.strftime("%Y-%m-%d"),
        text=search_text(article),
    )


def document_key(article: Article, columns: Mapping[str, str]) -> str:
    """Changes whenever `search_document` may: the fingerprint covers the article's bytes (title, body, captions,
    tags), its URL, its links and pictures; the column's title and the day in the site's zone come from elsewhere."""
    return f"{article.fingerprint}|{article.date.toordinal()}|{columns.get(article.column, article.column)}"


def search_documents(site: Site) -> tuple[SearchDocument, ...]:
    columns = column_titles(site)
    return tuple(search_document(article, columns) for article in reversed(site.articles))  # newest first


def build_index(documents: Sequence[SearchDocument], target_shard_bytes: int = TARGET_SHARD_BYTES) -> SearchIndex:
    postings = _postings(documents)
    gaps = {gram: _gaps(ids) for gram, ids in postings.items()}
    shards = _shard_count(_size(gaps), target_shard_bytes)
    return SearchIndex(tuple(documents), {gram: tuple(ids) for gram, ids in postings.items()}, shards, gaps)


def index_files(index: SearchIndex) -> Iterator[tuple[str, bytes]]:
    """(path under search/, bytes) of every index file; the same index always gives the same bytes."""
    gaps = index.gaps or {gram: _gaps(ids) for gram, ids in index.postings.items()}
    shards = [_shard_bytes(entries) for entries in _bucket(gaps, index.shards)]
    documents = [_document_bytes(document) for document in index.documents]
    digests = _digests(shards, _shard_path) + _digests(documents, _doc_path)
    yield "meta.json", _meta(len(documents), len(shards), digests)
    yield from _numbered(shards, _shard_path)
    yield from _numbered(documents, _doc_path)


def new_index(
    keys: Sequence[str], documents: Sequence[SearchDocument], target_shard_bytes: int = TARGET_SHARD_BYTES
) -> tuple[IndexState, list[tuple[str, bytes | None]]]:
    """The index of `documents` (keyed by `keys`), built cold: its state, and its files as `index_files` gives them."""
    if len(keys) != len(documents):
        raise ValueError("one key per document")
    packed: list[bytes] = []
    postings = _postings(documents, packed)
    gaps = {gram: _gaps(ids) for gram, ids in postings.items()}
    size = _size(gaps)
    entries = _bucket(gaps, _shard_count(size, target_shard_bytes))
    shards = [_shard_bytes(shard) for shard in entries]
    texts = [_document_bytes(document) for document in documents]
    last = {gram: ids[-1] for gram, ids in postings.items()}
    digests = _digests(shards, _shard_path), _digests(texts, _doc_path)
    state = IndexState(target_shard_bytes, list(keys), packed, entries, last, size, *digests)
    files: list[tuple[str, bytes | None]] = [("meta.json", state.meta())]
    files += _numbered(shards, _shard_path)
    files += _numbered(texts, _doc_path)
    return state, files


def update_index(
    state: IndexState, keys: Sequence[str], document_at: Callable[[int], SearchDocument]
) -> list[tuple[str, bytes | None]]:
    """Bring `state` to the documents keyed by `keys` (id = position); `document_at(id)` is asked only for the ids
    whose key changed or that are new. Every file of the new index, in `index_files` order, with its bytes, or None
    when they are the bytes of the last index (meta.json always has them). The same bytes as `new_index`."""
    old_count, count = len(state.keys), len(keys)
    old_keys = state.keys
    changed = [doc_id for doc_id in range(min(old_count, count)) if old_keys[doc_id] != keys[doc_id]]
    changed += range(old_count, count)
    documents = [document_at(doc_id) for doc_id in changed]  # first: an error here leaves the state as it was
    grams = [text_bigrams(document.searched) for document in documents]

    # only the bigrams a document gained or lost change postings; ids ascend in each list
    added: defaultdict[str, list[int]] = defaultdict(list)
    removed: defaultdict[str, set[int]] = defaultdict(set)
    for doc_id, new in zip(changed, grams, strict=True):
        old = _unpack(state.grams[doc_id]) if doc_id < old_count else set()
        for gram in new - old:
            added[gram].append(doc_id)
        for gram in old - new:
            removed[gram].add(doc_id)
    for doc_id in range(count, old_count):  # documents gone from the end
        for gram in _unpack(state.grams[doc_id]):
            removed[gram].add(doc_id)

    touched: set[int] = set()
    shard_count = len(state.shards)
    for gram in added.keys() | removed.keys():
        number = shard_of(gram, shard_count)
        shard = state.shards[number]
        old_gaps = shard.get(gram)
        new_gaps, last = _apply(old_gaps, state.last.get(gram, -1), added.get(gram, []), removed.get(gram, set()))
        state.size += _entry_size(gram, new_gaps) - _entry_size(gram, old_gaps)
        if new_gaps is None:
            shard.pop(gram, None)
            state.last.pop(gram, None)
        else:
            shard[gram], state.last[gram] = new_gaps, last
        touched.add(number)

    texts: dict[int, bytes] = {}
    del state.keys[count:], state.grams[count:], state.doc_digests[count:]
    for doc_id, document, new in zip(changed, documents, grams, strict=True):
        data = _document_bytes(document)
        digest = _digest(_doc_path(doc_id), data)
        if doc_id < old_count:
            if digest != state.doc_digests[doc_id]:
                texts[doc_id] = data
            state.keys[doc_id], state.grams[doc_id], state.doc_digests[doc_id] = keys[doc_id], _pack(new), digest
        else:  # appended in id order
            texts[doc_id] = data
            state.keys.append(keys[doc_id])
            state.grams.append(_pack(new))
            state.doc_digests.append(digest)

    old_digests = state.shard_digests
    shard_count = _shard_count(state.size, state.target)
    if shard_count != len(state.shards):  # the index crossed a size threshold: every bigram moves
        state.shards = _bucket({g: gaps for shard in state.shards for g, gaps in shard.items()}, shard_count)
        state.shard_digests = [b""] * shard_count
        touched = set(range(shard_count))
    shards: dict[int, bytes] = {}
    for number in touched:
        data = _shard_bytes(state.shards[number])
        digest = _digest(_shard_path(number), data)
        if number >= len(old_digests) or digest != old_digests[number]:
            shards[number] = data
        state.shard_digests[number] = digest

    files: list[tuple[str, bytes | None]] = [("meta.json", state.meta())]
    files += ((_shard_path(number), shards.get(number)) for number in range(shard_count))
    files += ((_doc_path(doc_id), texts.get(doc_id)) for doc_id in range(count))
    return files


def state_data(state: IndexState) -> tuple[object, ...]:
    """The state as plain data, to be saved."""
    return tuple(getattr(state, name) for name in IndexState.__slots__)


def state_from_data(data: object) -> IndexState:
    """The state saved by `state_data`; ValueError when the data does not have its shape (a damaged file)."""
    if type(data) is not tuple or len(data) != len(IndexState.__slots__):
        raise ValueError("not an index state")
    state = IndexState(*data)
    lists = (state.keys, state.grams, state.shards, state.shard_digests, state.doc_digests)
    if not (all(type(values) is list for values in lists) and type(state.last) is dict):
        raise ValueError("not an index state")
    count, shard_count = len(state.keys), len(state.shards)
    if not (
        type(state.target) is int
        and type(state.size) is int
        and state.target > 0
        and len(state.grams) == len(state.doc_digests) == count
        and len(state.shard_digests) == shard_count
        and 0 < shard_count <= MAX_SHARDS
        and shard_count & (shard_count - 1) == 0  # a power of two
        and _of(state.keys, str)
        and _of(state.grams, bytes)
        and _of(state.shard_digests, bytes)
        and _of(state.doc_digests, bytes)
        and _of(state.shards, dict)
        and all(_of(shard, str) and _of(shard.values(), bytes) for shard in state.shards)
        and _of(state.last, str)
        and _of(state.last.values(), int)
    ):
        raise ValueError("not an index state")
    return state


def _of(values: Iterable[object], kind: type) -> bool:
    return all(type(value) is kind for value in values)


def _postings(documents: Sequence[SearchDocument], packed: list[bytes] | None = None) -> dict[str, list[int]]:
    """Bigram -> ascending ids; each document's bigrams packed onto `packed` when given. One document at a time:
    holding every document's bigram set at once (millions of small strings) costs more than making them."""
    postings: defaultdict[str, list[int]] = defaultdict(list)
    for doc_id, document in enumerate(documents):
        grams = text_bigrams(document.searched)
        for gram in grams:
            postings[gram].append(doc_id)
        if packed is not None:
            packed.append(_pack(grams))
    return postings


def _apply(gaps: bytes | None, last: int, add: list[int], remove: set[int]) -> tuple[bytes | None, int]:
    """A posting (as gaps, with its highest id) with `add` (ascending) and without `remove`. The common updates
    work at its end without parsing it: new newest documents are appended, the newest ones removed are cut off."""
    pending = len(remove)
    while gaps and pending and last in remove:
        cut = gaps.rfind(b",")
        gaps, last = (gaps[:cut], last - int(gaps[cut + 1 :])) if cut >= 0 else (None, -1)
        pending -= 1
    if not pending and (gaps is None or not add or add[0] > last):
        if not add:
            return gaps, last
        return (gaps + b"," + _gaps(add, last) if gaps else _gaps(add)), add[-1]
    ids = list(itertools.accumulate(map(int, gaps.split(b",")))) if gaps else []
    if pending:
        ids = [doc_id for doc_id in ids if doc_id not in remove]
    if add:
        ids = sorted(ids + add)  # two ascending runs: a merge
    return (_gaps(ids), ids[-1]) if ids else (None, -1)


def _gaps(ids: Sequence[int], before: int = 0) -> bytes:
    """A posting as gaps, `first id,gap,gap,...` (ids as gaps keep shards small); `before`: the id that precedes."""
    return ",".join(map(str, map(operator.sub, ids, [before, *ids[:-1]]))).encode("ascii")


def _pack(grams: set[str]) -> bytes:
    return "".join(grams).encode("utf-16-le")


def _unpack(data: bytes) -> set[str]:
    text = data.decode("utf-16-le")
    return set(map(operator.add, text[0::2], text[1::2]))  # every bigram is two code points


def _shard_count(size: int, target_shard_bytes: int) -> int:
    """The smallest power of two of shards that holds `size` bytes at about `target_shard_bytes` a shard."""
    shards = 1
    while size > shards * target_shard_bytes and shards < MAX_SHARDS:
        shards *= 2
    return shards


def _size(gaps: Mapping[str, bytes]) -> int:
    return sum(_entry_size(gram, posting) for gram, posting in gaps.items())


def _entry_size(gram: str, gaps: bytes | None) -> int:
    return len(_key(gram)) + len(gaps) + 4 if gaps else 0  # "<gram>":[<gaps>] and its comma


def _bucket(gaps: Mapping[str, bytes], shards: int) -> list[dict[str, bytes]]:
    by_shard: list[dict[str, bytes]] = [{} for _ in range(shards)]
    for gram, posting in gaps.items():
        by_shard[shard_of(gram, shards)][gram] = posting
    return by_shard


_ESCAPED = re.compile(r'["\\\x00-\x1f]')  # what JSON escapes in a string (non-ASCII is written as it is)


def _key(gram: str) -> bytes:
    """The bigram as a JSON string: most need no escaping, and json.dumps per bigram would dominate big shards."""
    return _json(gram).encode("utf-8") if _ESCAPED.search(gram) else b'"' + gram.encode("utf-8") + b'"'


def _shard_bytes(entries: Mapping[str, bytes]) -> bytes:
    """`{"<bigram>":[first id,gap,...],...}` in bigram order."""
    return b"{" + b",".join(_key(gram) + b":[" + entries[gram] + b"]" for gram in sorted(entries)) + b"}\n"


def _document_bytes(document: SearchDocument) -> bytes:
    fields = {"column": document.column, "date": document.date, "text": document.text}
    fields |= {"title": document.title, "url": document.url}
    return (_json(fields) + "\n").encode("utf-8")


def _shard_path(number: int) -> str:
    return f"shards/{number}.json"


def _doc_path(doc_id: int) -> str:
    return f"docs/{doc_id}.json"


def _digest(path: str, data: bytes) -> bytes:
    return hashlib.sha256(path.encode() + b"\0" + data).digest()


def _digests(files: Sequence[bytes], path: Callable[[int], str]) -> list[bytes]:
    return [_digest(path(number), data) for number, data in enumerate(files)]


def _numbered(files: Sequence[bytes], path: Callable[[int], str]) -> list[tuple[str, bytes]]:
    return [(path(number), data) for number, data in enumerate(files)]


def _meta(documents: int, shards: int, digests: Sequence[bytes]) -> bytes:
    """meta.json: its version hashes the digests of every other file, so an update hashes only what it changed."""
    version = hashlib.sha256(b"".join(digests)).hexdigest()[:16]
    meta = {"documents": documents, "format": FORMAT, "shards": shards, "version": version}
    return (_json(meta) + "\n").encode("utf-8")


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
