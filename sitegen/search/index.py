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
brings that state to a new list of documents and returns only the files whose bytes changed, the same bytes as a cold
build. The state is small: per document a key (what determines its SearchDocument) and the digest of its file, per
shard the digest of its file and the highest id of each posting. Everything else comes from the last index's files,
only those an update changes, each checked against its digest: an edited document's old file gives the bigrams it
had (only those it gained or lost change postings), and a touched shard's file gives its postings. A new newest
document appends its id to its bigrams' postings, and removing the newest cuts it off, without parsing them.

The query (assets/search.js; tests/test_search.py holds the same logic in Python): normalise (per character: NFKC,
then lower case, then Traditional folded to Simplified: see search/fold.py), split into terms at white space, take
the bigrams of every term of two or more characters, intersect their postings: the candidates, newest first. A
two-character term is matched exactly by its posting; for longer ones a candidate may hold the bigrams without the
term, so every result shown is first checked by a substring test on its document's normalised title and text.
Nothing is shown that does not contain every term.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import json
import operator
import re
import sys
import unicodedata
from array import array
from collections import defaultdict
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass

from sitegen.model import Article, Body, BodyOf, Site
from sitegen.search.fold import fold_digest, fold_table

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


Entries = dict[str, tuple[bytes, int]]  # bigram -> (its posting as gaps, ASCII "first,gap,gap", its highest id)
Previous = Callable[[str], bytes | None]  # a file of the last index by its path under search/ (None: not there)
# What a saved state means besides sitegen's version: NFKC's tables (they decide the bigrams of an old document read
# back) and the machine's ints (IndexState.lasts).
STATE_SCHEMA = f"{FORMAT}|1|{unicodedata.unidata_version}|{sys.byteorder}|{array('I').itemsize}|{fold_digest()}"


@dataclass(slots=True)
class IndexState:
    """What `update_index` needs of the last index besides the files it changes. Plain lists, bytes, str and int
    (see `state_data`), and small: no text and no postings, so it is read and written in milliseconds."""

    target: int  # the TARGET_SHARD_BYTES it was built for
    keys: list[str]  # by document id: what determines the document (see `document_key`)
    lasts: list[bytes]  # by shard: the highest id of each of its postings, in file order, as array("I") bytes
    size: int  # the bytes of every entry with its separator: decides the number of shards
    shard_digests: list[bytes]  # by shard: _digest of its file
    doc_digests: list[bytes]  # by document id: _digest of its file

    def meta(self) -> bytes:
        return _meta(len(self.keys), len(self.shard_digests), self.shard_digests + self.doc_digests)


class _CharacterTable(dict[int, str]):
    """str.translate table: each character's NFKC form, lower-cased; filled as characters are met."""

    def __missing__(self, code: int) -> str:
        self[code] = unicodedata.normalize("NFKC", chr(code)).lower().translate(fold_table())  # see search.fold
        return self[code]


_NORMAL_FORMS = _CharacterTable()  # a memo of a pure function: a few thousand distinct characters in a site


def normalize(text: str) -> str:
    """NFKC, lower case and Traditional folded to Simplified, one character at a time (so that positions map back,
    and search.js does the same)."""
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


def column_titles(site: Site) -> dict[str, str]:
    return {column.slug: column.title for column in site.config.columns}


def search_document(article: Article, columns: Mapping[str, str], body: Body) -> SearchDocument:
    return SearchDocument(
        title=article.title,
        url=article.url,
        column=columns.get(article.column, article.column),
        date=article.date.strftime("%Y-%m-%d"),
        text=search_text(article, body),
    )


def document_key(article: Article, columns: Mapping[str, str]) -> str:
    """Changes whenever `search_document` may: the fingerprint covers the article's bytes (title, body, captions,
    tags), its URL, its links and pictures; the column's title and the day in the site's zone come from elsewhere."""
    return f"{article.fingerprint}|{article.date.toordinal()}|{columns.get(article.column, article.column)}"


def search_documents(site: Site, body_of: BodyOf) -> tuple[SearchDocument, ...]:
    """Every article's document, ids oldest first (site.articles is newest first)."""
    columns = column_titles(site)
    return tuple(search_document(article, columns, body_of(article)) for article in reversed(site.articles))


def new_index(
    keys: Sequence[str], documents: Sequence[SearchDocument], target_shard_bytes: int = TARGET_SHARD_BYTES
) -> tuple[IndexState, list[tuple[str, bytes | None]]]:
    """The index of `documents` (keyed by `keys`), built cold: its state, and its files (meta.json, the shards by
    number, the documents by id)."""
    if len(keys) != len(documents):
        raise ValueError("one key per document")
    made = build_new_index(keys, documents.__getitem__, target_shard_bytes)
    files: list[tuple[str, bytes | None]] = []
    while True:
        try:
            files.append(next(made))
        except StopIteration as done:
            state: IndexState = done.value
            break
    meta, shards, docs = files[-1:], files[len(documents) : -1], files[: len(documents)]
    return state, meta + shards + docs


def build_new_index(
    keys: Sequence[str], document: Callable[[int], SearchDocument], target_shard_bytes: int = TARGET_SHARD_BYTES
) -> Generator[tuple[str, bytes], None, IndexState]:
    """`new_index` one document at a time: each document's file is handed out before the next document is asked
    for, so that a cold build never holds every article's text at once (about 100 MB at 10,000 articles). The shards
    and meta.json come last; the generator returns the state."""
    postings: defaultdict[str, array[int]] = defaultdict(lambda: array("I"))  # 4 bytes an id, not a Python object
    doc_digests = []
    for doc_id in range(len(keys)):
        doc = document(doc_id)
        for gram in text_bigrams(doc.searched):
            postings[gram].append(doc_id)
        data = _document_bytes(doc)
        doc_digests.append(_digest(_doc_path(doc_id), data))
        yield _doc_path(doc_id), data
    entries = _entries(postings)
    del postings
    size = _size(entries)
    shards = [_shard(shard) for shard in _bucket(entries, _shard_count(size, target_shard_bytes))]
    shard_files = [data for data, _ in shards]
    state = IndexState(
        target_shard_bytes, list(keys), [lasts for _, lasts in shards], size, _digests(shard_files, _shard_path),
        doc_digests,
    )  # fmt: skip
    yield from _numbered(shard_files, _shard_path)
    yield "meta.json", state.meta()
    return state


def update_index(
    state: IndexState, keys: Sequence[str], document_at: Callable[[int], SearchDocument], previous: Previous
) -> list[tuple[str, bytes | None]]:
    """Bring `state` to the documents keyed by `keys` (id = position). `document_at(id)` is asked only for the ids
    whose key changed or that are new; `previous(path)` only for the last index's files this update changes: the old
    files of documents that changed or went, and the shards of the bigrams they gained or lost. Every file of the
    new index, in `new_index` order, with its bytes, or None where they are the last index's (meta.json always has
    them): the same bytes as `new_index`. ValueError when a file `previous` gives is not the one the state describes;
    the state is changed only when the update succeeds."""
    old_count, count = len(state.keys), len(keys)
    changed = [doc_id for doc_id in range(min(old_count, count)) if state.keys[doc_id] != keys[doc_id]]
    changed += range(old_count, count)
    documents = [document_at(doc_id) for doc_id in changed]
    texts = [_document_bytes(document) for document in documents]
    doc_digests = state.doc_digests[:count]
    doc_files: dict[int, bytes] = {}

    # only the bigrams a document gained or lost change postings; ids ascend in each list
    added: defaultdict[str, list[int]] = defaultdict(list)
    removed: defaultdict[str, set[int]] = defaultdict(set)
    for doc_id, document, text in zip(changed, documents, texts, strict=True):
        digest = _digest(_doc_path(doc_id), text)
        if doc_id < old_count and digest == state.doc_digests[doc_id]:
            continue  # the same file (the key changed for something search does not show): the same bigrams
        old = _old_bigrams(state, previous, doc_id) if doc_id < old_count else set()
        new = text_bigrams(document.searched)
        for gram in new - old:
            added[gram].append(doc_id)
        for gram in old - new:
            removed[gram].add(doc_id)
        doc_files[doc_id] = text
        if doc_id < old_count:
            doc_digests[doc_id] = digest
        else:  # appended in id order
            doc_digests.append(digest)
    for doc_id in range(count, old_count):  # documents gone from the end
        for gram in _old_bigrams(state, previous, doc_id):
            removed[gram].add(doc_id)

    shard_count = len(state.shard_digests)
    touched: defaultdict[int, list[str]] = defaultdict(list)
    for gram in added.keys() | removed.keys():
        touched[shard_of(gram, shard_count)].append(gram)
    size = state.size
    shards: dict[int, tuple[bytes, bytes]] = {}  # the touched: (file, highest ids)
    for number, grams in touched.items():
        data = _previous(previous, _shard_path(number), state.shard_digests[number])
        data, highest, change = _update_shard(data, state.lasts[number], grams, added, removed)
        shards[number], size = (data, highest), size + change
    new_count = _shard_count(size, state.target)
    if new_count != shard_count:  # the index crossed a size threshold: every bigram moves
        every: Entries = {}
        for number in range(shard_count):
            if number not in shards:
                data = _previous(previous, _shard_path(number), state.shard_digests[number])
                shards[number] = data, state.lasts[number]
            every.update(_parse(*shards[number]))
        shards = {number: _shard(entries) for number, entries in enumerate(_bucket(every, new_count))}

    lasts = state.lasts[:] if new_count == shard_count else [b""] * new_count
    shard_digests = state.shard_digests[:] if new_count == shard_count else [b""] * new_count
    shard_files: dict[int, bytes] = {}
    for number, (data, highest) in shards.items():
        lasts[number], shard_digests[number] = highest, _digest(_shard_path(number), data)
        if number >= shard_count or shard_digests[number] != state.shard_digests[number]:
            shard_files[number] = data

    state.keys, state.lasts, state.size = list(keys), lasts, size
    state.shard_digests, state.doc_digests = shard_digests, doc_digests
    files: list[tuple[str, bytes | None]] = [("meta.json", state.meta())]
    files += ((_shard_path(number), shard_files.get(number)) for number in range(new_count))
    files += ((_doc_path(doc_id), doc_files.get(doc_id)) for doc_id in range(count))
    return files


def state_data(state: IndexState) -> tuple[object, ...]:
    """The state as plain data, to be saved."""
    return tuple(getattr(state, name) for name in IndexState.__slots__)


def state_from_data(data: object) -> IndexState:
    """The state saved by `state_data`; ValueError when the data does not have its shape (a damaged file)."""
    if type(data) is not tuple or len(data) != len(IndexState.__slots__):
        raise ValueError("not an index state")
    state = IndexState(*data)
    lists = (state.keys, state.lasts, state.shard_digests, state.doc_digests)
    if not all(type(values) is list for values in lists):
        raise ValueError("not an index state")
    shard_count = len(state.shard_digests)
    if not (
        type(state.target) is int
        and type(state.size) is int
        and state.target > 0
        and len(state.doc_digests) == len(state.keys)
        and len(state.lasts) == shard_count
        and 0 < shard_count <= MAX_SHARDS
        and shard_count & (shard_count - 1) == 0  # a power of two
        and all(type(key) is str for key in state.keys)
        and all(type(value) is bytes for values in lists[1:] for value in values)
    ):
        raise ValueError("not an index state")
    return state


def _entries(postings: Mapping[str, Sequence[int]]) -> Entries:
    return {gram: (_gaps(ids), ids[-1]) for gram, ids in postings.items()}


def _previous(previous: Previous, path: str, digest: bytes) -> bytes:
    """A file of the last index, checked: only then do its bigrams or postings describe the state."""
    data = previous(path)
    if data is None or _digest(path, data) != digest:
        raise ValueError(f"{SEARCH_URL}{path} is not the file of the last index")
    return data


def _old_bigrams(state: IndexState, previous: Previous, doc_id: int) -> set[str]:
    path = _doc_path(doc_id)
    fields = json.loads(_previous(previous, path, state.doc_digests[doc_id]))
    return text_bigrams(SearchDocument(**fields).searched)


_ENTRY = re.compile(rb'"((?:[^"\\]|\\.)*)":\[([0-9,]+)\]')  # "<bigram>":[<gaps>] in a shard file
_KEYS = re.compile(rb'"([^"]*)":\[')  # the bigrams of a shard file without escapes, in order


def _parse(data: bytes, lasts: bytes) -> Entries:
    """A shard file's postings, as they are written, with their highest ids."""
    highest = array("I")
    highest.frombytes(lasts)
    entries: Entries = {}
    for match, last in zip(_ENTRY.finditer(data), highest, strict=True):
        key = match[1]
        gram = key.decode("utf-8") if b"\\" not in key else json.loads(b'"' + key + b'"')
        entries[gram] = (match[2], last)
    return entries


def _update_shard(
    data: bytes, lasts: bytes, grams: list[str], added: Mapping[str, list[int]], removed: Mapping[str, set[int]]
) -> tuple[bytes, bytes, int]:
    """A shard file with the postings of `grams` updated, its highest ids, and how many bytes its entries grew.

    Edited in place, as bytes: in a big vocabulary a shard holds hundreds of bigrams, and parsing and writing them
    all again for the one or two an update changes would cost more than everything else. Its bigrams are in order,
    and without escapes their UTF-8 bytes sort as they do (a file with escapes is parsed and written whole)."""
    if b"\\" in data or any(_ESCAPED.search(gram) for gram in grams):
        entries = _parse(data, lasts)
        change = 0
        for gram in grams:
            old = entries.pop(gram, None)
            entry = _apply(old, added.get(gram, []), removed.get(gram, set()))
            change += _entry_size(gram, entry) - _entry_size(gram, old)
            if entry is not None:
                entries[gram] = entry
        return (*_shard(entries), change)
    highest = array("I")
    highest.frombytes(lasts)
    if len(highest) != data.count(b'":['):
        raise ValueError("the highest ids do not match the shard")
    keys: list[bytes] | None = None  # the shard's bigrams in order, made when one must be inserted
    change = 0
    for gram in grams:
        key = gram.encode("utf-8")
        start = data.find(b'"' + key + b'":[')  # only keys are quoted: this is its entry, or it has none
        if start < 0:
            entry = _apply(None, added.get(gram, []), removed.get(gram, set()))
            if entry is None:
                continue
            keys = _KEYS.findall(data) if keys is None else keys
            index = bisect.bisect(keys, key)
            text = b'"' + key + b'":[' + entry[0] + b"]"
            if index < len(keys):  # before the entry that follows it in order
                at = data.find(b'"' + keys[index] + b'":[')
                data = data[:at] + text + b"," + data[at:]
            else:  # last, before "}\n"
                data = data[:-2] + (b"," if keys else b"") + text + data[-2:]
            keys.insert(index, key)
            highest.insert(index, entry[1])
            change += len(text) + 1
            continue
        index = data.count(b'":[', 0, start)
        begin = start + len(key) + 4  # its gaps
        end = data.index(b"]", begin)
        entry = _apply((data[begin:end], highest[index]), added.get(gram, []), removed.get(gram, set()))
        if entry is None:  # the entry goes, with the comma on one side of it
            if index > 0:
                data = data[: start - 1] + data[end + 1 :]
            else:
                data = data[:start] + data[end + 2 if data[end + 1 : end + 2] == b"," else end + 1 :]
            del highest[index]
            if keys is not None:
                del keys[index]
            change -= len(key) + end - begin + 6
        else:
            data = data[:begin] + entry[0] + data[end:]
            highest[index] = entry[1]
            change += len(entry[0]) - (end - begin)
    return data, highest.tobytes(), change


def _apply(entry: tuple[bytes, int] | None, add: list[int], remove: set[int]) -> tuple[bytes, int] | None:
    """A posting (gaps, highest id) with `add` (ascending) and without `remove`; None when it is left empty. The
    common updates work at its end without parsing it: new newest documents are appended, the newest removed cut off.
    """
    gaps, last = entry if entry is not None else (b"", -1)
    pending = len(remove)
    while gaps and pending and last in remove:
        cut = gaps.rfind(b",")
        gaps, last = (gaps[:cut], last - int(gaps[cut + 1 :])) if cut >= 0 else (b"", -1)
        pending -= 1
    if not pending and (not gaps or not add or add[0] > last):
        if add:
            gaps, last = (gaps + b"," + _gaps(add, last) if gaps else _gaps(add)), add[-1]
        return (gaps, last) if gaps else None
    ids = list(itertools.accumulate(map(int, gaps.split(b",")))) if gaps else []
    if pending:
        ids = [doc_id for doc_id in ids if doc_id not in remove]
    if add:
        ids = sorted(ids + add)  # two ascending runs: a merge
    return (_gaps(ids), ids[-1]) if ids else None


def _gaps(ids: Sequence[int], before: int = 0) -> bytes:
    """A posting as gaps, `first id,gap,gap,...` (ids as gaps keep shards small); `before`: the id that precedes."""
    return ",".join(map(str, map(operator.sub, ids, [before, *ids[:-1]]))).encode("ascii")


def _shard_count(size: int, target_shard_bytes: int) -> int:
    """The smallest power of two of shards that holds `size` bytes at about `target_shard_bytes` a shard."""
    shards = 1
    while size > shards * target_shard_bytes and shards < MAX_SHARDS:
        shards *= 2
    return shards


def _size(entries: Entries) -> int:
    return sum(_entry_size(gram, entry) for gram, entry in entries.items())


def _entry_size(gram: str, entry: tuple[bytes, int] | None) -> int:
    return len(_key(gram)) + len(entry[0]) + 4 if entry else 0  # "<gram>":[<gaps>] and its comma


def _bucket(entries: Entries, shards: int) -> list[Entries]:
    by_shard: list[Entries] = [{} for _ in range(shards)]
    for gram, entry in entries.items():
        by_shard[shard_of(gram, shards)][gram] = entry
    return by_shard


_ESCAPED = re.compile(r'["\\\x00-\x1f]')  # what JSON escapes in a string (non-ASCII is written as it is)


def _key(gram: str) -> bytes:
    """The bigram as a JSON string: most need no escaping, and json.dumps per bigram would dominate big shards."""
    return _json(gram).encode("utf-8") if _ESCAPED.search(gram) else b'"' + gram.encode("utf-8") + b'"'


def _shard(entries: Entries) -> tuple[bytes, bytes]:
    """A shard file, `{"<bigram>":[first id,gap,...],...}` in bigram order, and the highest ids in that order."""
    grams = sorted(entries)
    data = b"{" + b",".join(_key(gram) + b":[" + entries[gram][0] + b"]" for gram in grams) + b"}\n"
    return data, array("I", [entries[gram][1] for gram in grams]).tobytes()


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
