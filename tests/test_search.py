"""The search index (sitegen/search.py) and, in Python, the query of assets/search.js: candidates from the
intersected bigram postings of the shards a query needs, then a substring check on each candidate's text."""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import os
import pickle
import random
import re
import shutil
import sqlite3
import struct
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import FIXED_NOW, REPO_ROOT, SITE_YAML, MakeSite, article, build_site, load, page, tree
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.build import searchfiles
from sitegen.build.api import BuildOptions, build_in_memory, check
from sitegen.cli import main
from sitegen.config import parse_config
from sitegen.errors import BuildFailed, ConfigError
from sitegen.incremental.cache import BuildCache
from sitegen.incremental.pickles import seal
from sitegen.search import postings, update
from sitegen.search.format import DOCS_PER_CHUNK, FORMAT, TARGET_SHARD_BYTES
from sitegen.search.index import (
    SearchDocument,
    bigrams,
    new_index,
    normalize,
    query_terms,
    restored,
    shard_of,
    state_data,
    state_from_data,
    text_bigrams,
    update_index,
)
from sitegen.search.patch import PATCH_BUDGET, Change

SEED_TITLE = "白云均禾"


class Reference:
    """The query algorithm of assets/search.js, step for step, over the index files (paths under search/)."""

    def __init__(self, files: Mapping[str, bytes]) -> None:
        self.files = files
        self.meta = self.json("meta.json")
        self.fetched: list[str] = []
        self.chunks: dict[str, list[dict]] = {}

    def json(self, path: str) -> dict:
        return json.loads(self.files[path].decode("utf-8"))

    def chunk(self, number: int) -> list[dict]:
        path = f"docs/{number}.json"
        if path not in self.chunks:  # search.js fetches a chunk once
            self.fetched.append(path)
            self.chunks[path] = json.loads(self.files[path].decode("utf-8"))
        return self.chunks[path]

    def shard(self, path: str) -> dict[str, list[int]]:
        return read_shard(self.files[path])

    def candidates(self, terms: tuple[str, ...]) -> tuple[list[int], bool] | None:
        grams = list(dict.fromkeys(gram for term in terms for gram in bigrams(term)))
        if not grams:
            return None
        exact = all(len(term) == 2 for term in terms)
        lists = []
        for gram in grams:
            path = f"shards/{shard_of(gram, self.meta['shards'])}.bin"
            self.fetched.append(path)
            lists.append(self.shard(path).get(gram, []))
        lists.sort(key=len)
        ids = lists[0]
        for other in lists[1:]:
            ids = sorted(set(ids) & set(other))
        return ids[::-1], exact  # newest first

    def doc(self, doc_id: int) -> dict:
        return self.chunk(doc_id // self.meta["chunk"])[doc_id % self.meta["chunk"]]

    def search(self, query: str) -> list[str] | None:
        """URLs of the articles containing every term, newest first; None when no term has two characters."""
        terms = query_terms(query)
        found = self.candidates(terms)
        if found is None:
            return None
        docs = [self.doc(doc_id) for doc_id in found[0]]
        return [d["url"] for d in docs if all(t in normalize(d["title"] + "\n" + d["text"]) for t in terms)]


def read_shard(data: bytes) -> dict[str, list[int]]:
    """A shard file as format.py documents it, read plainly: {bigram: ids}, in file order."""
    (count,) = struct.unpack_from("<I", data)
    codes = struct.unpack_from(f"<{2 * count}I", data, 4)
    offsets = struct.unpack_from(f"<{count + 1}I", data, 4 + 8 * count)
    body = data[8 + 12 * count :]
    assert offsets[-1] == len(body)
    postings: dict[str, list[int]] = {}
    for i in range(count):
        ids, value, shift, doc_id = [], 0, 0, 0
        for byte in body[offsets[i] : offsets[i + 1]]:
            value |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                doc_id += value
                ids.append(doc_id)
                value = shift = 0
        assert value == shift == 0  # the posting ends with a whole varint
        postings[chr(codes[2 * i]) + chr(codes[2 * i + 1])] = ids
    return postings


def files_of(
    documents: list[SearchDocument], target: int = TARGET_SHARD_BYTES, per_chunk: int = DOCS_PER_CHUNK
) -> dict[str, bytes]:
    keys = [str(doc_id) for doc_id in range(len(documents))]
    _, files = new_index(keys, documents, target, per_chunk)
    return {path: data for path, data in files if data is not None}


def truth(documents: list[SearchDocument], query: str) -> list[str]:
    """Plain substring search, newest (last) first."""
    terms = query_terms(query)
    return [d.url for d in reversed(documents) if all(t in d.searched for t in terms)]


# --------------------------------------------------------------------------- a generated corpus

VOCABULARY = [
    "应急突击队", "党群应急突击队", "党建引领", "基层治理", "治理效能", "均禾街道", "白云区", "志愿服务", "垃圾分类",
    "居民议事会", "网格员", "长者饭堂", "防汛防风", "社区民警", "石马桃花", "舞火龙", "深中通道", "疫苗接种",
    "红色物业", "党员先锋岗", "反诈宣传", "最后一公里", "获得感", "幸福感", "安全感", "5G基站", "AI", "2024年",
    "ＡＢＣ", "第一书记", "河长制", "三防", "演练", "街坊", "桃花", "突击", "应急", "党群",
]  # fmt: skip
PUNCTUATION = [*"，。、；：！？“”（）", " ", "\n"]


def corpus(count: int, seed: int) -> list[SearchDocument]:
    rng = random.Random(seed)

    def text(words: int) -> str:
        return "".join(
            rng.choice(VOCABULARY) + (rng.choice(PUNCTUATION) if rng.random() < 0.3 else "") for _ in range(words)
        )

    return [
        SearchDocument(
            title=text(4).replace("\n", ""), url=f"a/{i}/", column="镇街社区", date="2024-01-01", text=text(80)
        )
        for i in range(count)
    ]


ISSUE_QUERIES = ["应急突击队", "突击队", "党建", "均禾", "基层治理", "治理效能", "党群应急"]


def queries(documents: list[SearchDocument], count: int, seed: int) -> list[str]:
    """The issue's queries, substrings of 2-5 characters of the documents, and unlikely pairs and triples."""
    rng = random.Random(seed)
    found = list(ISSUE_QUERIES)
    while len(found) < count:
        doc = rng.choice(documents)
        text = doc.title + "\n" + doc.text
        size = rng.randint(2, 5)
        start = rng.randrange(max(1, len(text) - size))
        found.append(text[start : start + size])
        found.append("".join(rng.choice("".join(VOCABULARY)) for _ in range(rng.randint(2, 3))))
    return found


def test_recall_is_total_on_a_generated_corpus_and_nothing_else_is_found() -> None:
    documents = corpus(300, seed=1)
    reference = Reference(files_of(documents, target=2048))
    assert reference.meta["shards"] >= 16
    for query in queries(documents, 400, seed=2):
        if reference.search(query) is None:
            assert all(len(term) < 2 for term in query_terms(query)), query
            continue
        assert reference.search(query) == truth(documents, query), query


def test_two_character_terms_are_answered_exactly_by_their_postings() -> None:
    documents = corpus(200, seed=3)
    reference = Reference(files_of(documents))
    for query in ["党建", "突击", "均禾 白云", "ab", "20"]:
        found = reference.candidates(query_terms(query))
        assert found is not None and found[1] is True
        assert [documents[i].url for i in found[0]] == truth(documents, query)


def test_longer_terms_are_checked_against_the_text() -> None:
    # both documents hold 突击 and 击队; only the second holds 突击队
    documents = [
        SearchDocument("突击", "a/", "栏目", "2024-01-01", "击队"),
        SearchDocument("标题", "b/", "栏目", "2024-01-02", "应急突击队"),
    ]
    reference = Reference(files_of(documents))
    assert reference.candidates(("突击队",)) == ([1, 0], False)
    assert reference.search("突击队") == ["b/"]


def test_a_query_needs_two_characters() -> None:
    reference = Reference(files_of(corpus(5, seed=4)))
    assert reference.search("党") is None
    assert reference.search("  ") is None
    assert reference.search("党 建") is None
    assert reference.search("均禾 街") is not None  # one long term is enough; 街 is still checked


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(st.text(alphabet="均禾党建突击队应急aBＣ1２ -·\n。", max_size=40), min_size=1, max_size=8),
    query=st.text(alphabet="均禾党建突击队应急abＢc1２ ", min_size=1, max_size=6),
)
def test_any_text_and_query_agree_with_substring_search(texts: list[str], query: str) -> None:
    documents = [SearchDocument(f"t{i}", f"d/{i}/", "栏目", "2024-01-01", text) for i, text in enumerate(texts)]
    found = Reference(files_of(documents, target=64)).search(query)
    if found is not None:
        assert found == truth(documents, query)


# --------------------------------------------------------------------------- normalisation and grams


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(exclude_categories=["Cs"])))
def test_normalisation_maps_each_character_on_its_own(text: str) -> None:
    """The index folds each distinct character once (postings.fold): normalize must stay per character."""
    assert normalize(text) == "".join(normalize(char) for char in text)


def test_characters_that_fold_to_several_are_indexed_as_the_query_sees_them() -> None:
    texts = ["会议……结束", "①号楼", "ﬁnal 检查", "面积120㎡", "ＡＢＣ街道", "普通的文字"]
    documents = [SearchDocument(f"t{i}", f"d/{i}/", "栏目", "2024-01-01", text) for i, text in enumerate(texts)]
    reference = Reference(files_of(documents, target=64))
    for query in ["议..", "...", "1号", "final", "m2", "0m", "abc街", "文字", "议……"]:
        assert reference.search(query) == truth(documents, query) != [], query


def test_normalisation_is_nfkc_and_lower_case_per_character() -> None:
    assert normalize("ＡＢＣ１２３") == "abc123"
    assert normalize("AI 助力，5G") == "ai 助力,5g"
    assert normalize("\u3000") == " "
    assert query_terms("  ＡＩ\u3000AI  均禾 ") == ("ai", "均禾")


def test_bigrams_never_cross_white_space() -> None:
    assert text_bigrams("均禾 街道\n党建") == {"均禾", "街道", "党建"}
    assert bigrams("应急突击队") == ["应急", "急突", "突击", "击队"]


def test_shard_of_is_fnv1a_of_utf8() -> None:
    assert shard_of("a", 1 << 32) == 0xE40C292C  # the published FNV-1a test vector
    assert shard_of("foobar", 1 << 32) == 0xBF9CF968
    assert all(0 <= shard_of(g, 8) < 8 for g in ["均禾", "ab", "𠀀x"])


# --------------------------------------------------------------------------- the files


def test_shards_hold_exactly_their_bigrams_with_every_document_containing_them() -> None:
    documents = corpus(120, seed=5)
    files = files_of(documents, target=1024)
    shards = json.loads(files["meta.json"])["shards"]
    assert shards & (shards - 1) == 0 and shards > 1  # a power of two
    seen: dict[str, list[int]] = {}
    for number in range(shards):
        postings = read_shard(files[f"shards/{number}.bin"])
        assert list(postings) == sorted(postings)  # code point order
        for gram, ids in postings.items():
            assert shard_of(gram, shards) == number, gram
            assert len(gram) == 2 and ids == sorted(set(ids)) and ids
            seen[gram] = ids
    expected: dict[str, list[int]] = {}
    for doc_id, document in enumerate(documents):
        for gram in text_bigrams(document.searched):
            expected.setdefault(gram, []).append(doc_id)
    assert seen == expected
    assert {p for p in files if p.startswith("shards/")} == {f"shards/{i}.bin" for i in range(shards)}


def test_postings_of_characters_beyond_the_basic_plane_and_large_gaps() -> None:
    texts = ["x" if i % 300 else "均禾 é𠀂" for i in range(901)]
    documents = [SearchDocument("𠀀𠀁", f"d/{i}/", "栏目", "2024-01-01", text) for i, text in enumerate(texts)]
    postings = read_shard(files_of(documents, target=1 << 20)["shards/0.bin"])
    assert postings["𠀀𠀁"] == list(range(901))
    assert postings["均禾"] == postings["é𠀂"] == [0, 300, 600, 900]  # gaps of two varint bytes


def test_shard_count_grows_with_the_index() -> None:
    small = json.loads(files_of(corpus(3, seed=6))["meta.json"])
    large = json.loads(files_of(corpus(400, seed=6))["meta.json"])
    assert small["shards"] == 1
    assert large["shards"] > 1


def test_a_query_fetches_only_the_shards_of_its_bigrams() -> None:
    documents = corpus(300, seed=7)
    reference = Reference(files_of(documents, target=1024))
    reference.candidates(query_terms("应急突击队"))
    shards = reference.meta["shards"]
    assert sorted(reference.fetched) == sorted(f"shards/{shard_of(g, shards)}.bin" for g in bigrams("应急突击队"))
    assert len(set(reference.fetched)) <= 4 < shards


def test_a_query_fetches_each_chunk_of_documents_once() -> None:
    documents = corpus(300, seed=7)
    reference = Reference(files_of(documents, target=1024, per_chunk=16))
    candidates = reference.candidates(query_terms("应急突击队"))
    assert candidates is not None
    reference.fetched.clear()
    assert reference.search("应急突击队") == truth(documents, "应急突击队") != []
    chunks = [path for path in reference.fetched if path.startswith("docs/")]
    assert sorted(chunks) == sorted({f"docs/{doc_id // 16}.json" for doc_id in candidates[0]})
    assert 1 < len(chunks) < len(candidates[0])
    assert reference.doc(17)["url"] == "a/17/"


def test_documents_hold_what_results_show() -> None:
    documents = corpus(3, seed=8)
    files = files_of(documents, per_chunk=2)
    assert json.loads(files["docs/1.json"]) == [
        {
            "column": "镇街社区",
            "date": "2024-01-01",
            "text": documents[2].text,
            "title": documents[2].title,
            "url": "a/2/",
        }
    ]
    assert [doc["url"] for doc in json.loads(files["docs/0.json"])] == ["a/0/", "a/1/"]
    assert json.loads(files["meta.json"]) == {
        "chunk": 2,
        "documents": 3,
        "format": 3,
        "shards": 1,
        "version": json.loads(files["meta.json"])["version"],
    }
    assert set(files) == {"meta.json", "shards/0.bin", "docs/0.json", "docs/1.json"}


def test_the_same_documents_give_the_same_bytes() -> None:
    documents = corpus(50, seed=9)
    assert files_of(documents) == files_of(list(documents))
    texts = [data for path, data in files_of(documents).items() if not path.startswith("shards/")]
    assert all(data.endswith(b"\n") and b"\r" not in data for data in texts)


def varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def plain_files(documents: list[SearchDocument], target: int, per_chunk: int) -> dict[str, bytes]:
    """The index files as format.py documents them, made one bigram at a time in plain Python, meta.json's version
    left out: the format is fixed, however the code that makes it changes."""
    postings: dict[str, list[int]] = {}
    for doc_id, document in enumerate(documents):
        for gram in text_bigrams(document.searched):
            postings.setdefault(gram, []).append(doc_id)
    encoded = {g: b"".join(varint(b - a) for a, b in itertools.pairwise([0, *ids])) for g, ids in postings.items()}
    size = sum(12 + len(data) for data in encoded.values())
    shards = 1
    while size > shards * target and shards < 4096:
        shards *= 2
    by_shard: list[list[str]] = [[] for _ in range(shards)]
    for gram in sorted(postings):
        by_shard[shard_of(gram, shards)].append(gram)
    files = {}
    for number, grams in enumerate(by_shard):
        codes = [ord(c) for gram in grams for c in gram]
        offsets = list(itertools.accumulate((len(encoded[g]) for g in grams), initial=0))
        head = struct.pack(f"<I{len(codes)}I{len(offsets)}I", len(grams), *codes, *offsets)
        files[f"shards/{number}.bin"] = head + b"".join(encoded[g] for g in grams)
    as_json = functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    lines = [
        as_json({"column": d.column, "date": d.date, "text": d.text, "title": d.title, "url": d.url}) for d in documents
    ]
    for chunk in range(0, len(documents), per_chunk):
        files[f"docs/{chunk // per_chunk}.json"] = ("[" + ",\n".join(lines[chunk : chunk + per_chunk]) + "]\n").encode()
    meta = {"chunk": per_chunk, "documents": len(documents), "format": 3, "shards": shards}
    files["meta.json"] = (as_json(meta) + "\n").encode()
    return files


def without_version(files: Mapping[str, bytes]) -> dict[str, bytes]:
    meta = json.loads(files["meta.json"])
    assert re.fullmatch("[0-9a-f]{16}", meta.pop("version"))
    return {**files, "meta.json": (json.dumps(meta, ensure_ascii=False, separators=(",", ":")) + "\n").encode()}


@pytest.mark.parametrize(
    ("count", "target", "per_chunk"), [(0, 16384, 16), (3, 16384, 16), (120, 1024, 16), (300, 2048, 7), (40, 64, 1)]
)
def test_the_files_have_the_documented_format(count: int, target: int, per_chunk: int) -> None:
    documents = corpus(count, seed=count)
    assert without_version(files_of(documents, target, per_chunk)) == plain_files(documents, target, per_chunk)
    _, files = new_index([str(i) for i in range(count)], documents, target, per_chunk)
    assert dict(files) == files_of(documents, target, per_chunk)


@pytest.mark.parametrize("part", [1, 3, 64])
def test_parts_indexed_elsewhere_with_documents_they_could_not_read_give_the_same_index(
    monkeypatch: pytest.MonkeyPatch, part: int
) -> None:
    """A build indexes a cold index's parts in its workers, and makes its postings a range of bigrams each; a
    document a worker cannot read (its body's row damaged) is made by the caller. The index is the one made in one
    piece."""
    from sitegen.search import build as cold

    documents = corpus(70, seed=part)
    keys = [str(doc_id) for doc_id in range(len(documents))]
    whole, files = new_index(keys, documents, 2048, 5)
    monkeypatch.setattr(cold, "PART_DOCUMENTS", part)
    asked: list[int] = []

    def parts(count: int, numbers: range) -> Iterator[cold.Part]:
        asked.extend(numbers)
        return (cold.index_part(n, count, lambda i: None if i % 3 == 0 else documents[i]) for n in numbers)

    def encoded(batches: list[postings.Pairs]) -> postings.Encoded:
        bounds = postings.gram_bounds(batches, 3)
        pieces = [postings.encoded(postings.between(batches, low, high)) for low, high in itertools.pairwise(bounds)]
        return postings.joined(pieces)

    made = cold.build_new_index(keys, documents.__getitem__, 2048, 5, cold.Spread(parts, encoded))
    found: list[tuple[str, bytes]] = []
    while True:
        try:
            found.append(next(made))
        except StopIteration as done:
            state = done.value
            break
    assert asked == list(range((len(documents) + part - 1) // part))
    assert dict(found) == {path: data for path, data in files if data is not None}
    assert state_data(state) == state_data(whole)


@given(
    st.lists(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 9)), max_size=60), max_size=6),
    st.integers(1, 5),
)
@settings(max_examples=60, deadline=None)
def test_postings_made_a_range_of_bigrams_at_a_time_and_joined_are_those_made_at_once(
    runs: list[list[tuple[int, int]]], pieces: int
) -> None:
    """A few bigrams over many runs (`(bigram, document)` pairs; each document in one run): ranges cut where a
    bigram's posting spans several runs."""
    small = []
    for number, run in enumerate(runs):
        pairs = {(gram << 21 | gram) << postings.DOC_BITS | (doc * 8 + number) for gram, doc in run}
        small.append(np.array(sorted(pairs), dtype=np.uint64))
    whole = postings.encoded(list(small))
    bounds = postings.gram_bounds(small, pieces)
    assert bounds[0] == 0 and bounds[-1] == 1 << 64 and len(bounds) <= pieces + 1
    split = [postings.encoded(postings.between(small, low, high)) for low, high in itertools.pairwise(bounds)]
    together = postings.joined(split)
    assert together.keys.tolist() == whole.keys.tolist()
    assert together.data.tobytes() == whole.data.tobytes()
    assert together.offsets.tolist() == whole.offsets.tolist()


def test_the_version_hashes_the_digest_of_every_other_file() -> None:
    documents = corpus(30, seed=10)
    files = files_of(documents, 1024, 4)
    meta = json.loads(files["meta.json"])
    order = [f"shards/{i}.bin" for i in range(meta["shards"])] + [f"docs/{i}.json" for i in range(8)]
    digests = b"".join(hashlib.sha256(path.encode() + b"\0" + files[path]).digest() for path in order)
    assert meta["version"] == hashlib.sha256(digests).hexdigest()[:16]
    edited = [*documents[:-1], SearchDocument("标题", "a/29/", "镇街社区", "2024-01-01", documents[-1].text)]
    assert json.loads(files_of(edited, 1024, 4)["meta.json"])["version"] != meta["version"]


# --------------------------------------------------------------------------- incremental updates

TEXTS = st.text(alphabet='均禾党建突击队应急aBＣ1２ -·\n。"\\', max_size=30)
EDITS = st.one_of(
    st.tuples(st.just("edit"), st.integers(0, 50), TEXTS),  # an article's text changes (same id)
    st.tuples(st.just("touch"), st.integers(0, 50)),  # its key changes, not its document (a picture's bytes)
    st.tuples(st.just("append"), st.lists(TEXTS, min_size=1, max_size=3)),  # new newest articles
    st.tuples(st.just("delete"), st.integers(0, 50)),  # ids after it move down
    st.tuples(st.just("move"), st.integers(0, 50), st.integers(0, 50)),  # a date changed: the order changes
    st.tuples(st.just("retitle"), st.integers(0, 50), st.sampled_from(["栏目", "其他栏目"])),  # a column renamed
)


def apply_edit(documents: list[tuple[str, SearchDocument]], edit: tuple, serials: Iterator[int]) -> None:
    """Apply one edit to (key, document) pairs; `serials` makes each new key unique, as fingerprints are."""
    kind, *args = edit
    if kind == "append":
        for text in args[0]:
            documents.append(
                (f"k{next(serials)}", SearchDocument(text[:5], f"d/{len(documents)}/", "栏目", "2024", text))
            )
        return
    if not documents:
        return
    i = args[0] % len(documents)
    document = documents[i][1]
    if kind == "edit":
        documents[i] = (f"k{next(serials)}", SearchDocument(document.title, document.url, "栏目", "2024", args[1]))
    elif kind == "touch":
        documents[i] = (f"k{next(serials)}", document)
    elif kind == "delete":
        del documents[i]
    elif kind == "move":
        documents.insert(args[1] % len(documents), documents.pop(i))
    elif kind == "retitle":
        documents[i] = (
            f"k{next(serials)}",
            SearchDocument(document.title, document.url, args[1], "2024", document.text),
        )


class Reads:
    """A `previous` for update_index over the last index's files, that notes what it was asked for."""

    def __init__(self, files: Mapping[str, bytes | None]) -> None:
        self.files = dict(files)
        self.paths: list[str] = []

    def __call__(self, path: str) -> bytes | None:
        self.paths.append(path)
        return self.files.get(path)


@settings(max_examples=150, deadline=None)
@given(
    start=st.lists(TEXTS, max_size=6),
    batches=st.lists(st.lists(EDITS, min_size=1, max_size=4), min_size=1, max_size=5),
    target=st.sampled_from([32, 128, 16384]),
    per_chunk=st.sampled_from([1, 3, 16]),
    at_hand=st.lists(st.booleans(), min_size=5, max_size=5),
    budget=st.sampled_from([0, 40, PATCH_BUDGET]),
)
def test_updates_give_the_files_and_state_of_a_cold_build(
    start: list[str], batches: list, target: int, per_chunk: int, at_hand: list[bool], budget: int
) -> None:
    """`at_hand` False: the output is empty (the CI path); the update reads nothing, and the files it leaves as they
    were are restored from the state and the documents. `budget` 0: every shard made with numpy; else changed
    postings patched (search/patch.py) within that many bytes, the others with numpy."""
    documents: list[tuple[str, SearchDocument]] = []
    serials = itertools.count()
    if start:
        apply_edit(documents, ("append", start), serials)
    state, files = new_index([k for k, _ in documents], [d for _, d in documents], target, per_chunk)
    output = dict(files)
    for batch, in_output in zip(batches, at_hand, strict=False):
        old_keys = list(state.keys)
        for edit in batch:
            apply_edit(documents, edit, serials)
        keys, current = [k for k, _ in documents], [d for _, d in documents]
        asked: list[int] = []

        def document_at(
            doc_id: int, asked: list[int] = asked, current: list[SearchDocument] = current
        ) -> SearchDocument:
            asked.append(doc_id)
            return current[doc_id]

        reads = Reads(output if in_output else {})
        changes = update_index(state, keys, document_at, reads, budget)
        cold_state, cold_files = new_index(keys, current, target, per_chunk)
        assert [path for path, _ in changes] == [path for path, _ in cold_files]
        # the documents whose key changed, or that are new, were made, and with no old chunk at hand the others of
        # the chunks they rewrite; only the old chunks of those that changed or went were read
        changed = [i for i, key in enumerate(keys) if i >= len(old_keys) or old_keys[i] != key]
        assert asked[: len(changed)] == changed
        rewritten = {int(path[5:-5]) for path, data in changes if path.startswith("docs/") and data is not None}
        assert in_output or set(asked[len(changed) :]) <= {i for i in range(len(keys)) if i // per_chunk in rewritten}
        ids = range(max(len(keys), len(old_keys)))
        gone = {f"docs/{i // per_chunk}.json" for i in ids if keys[i : i + 1] != old_keys[i : i + 1]}
        assert set(reads.paths) <= gone
        if in_output:
            output = {path: output[path] if data is None else data for path, data in changes}
        else:
            made = {path: restored(state, path, current.__getitem__) for path, data in changes if data is None}
            output = {path: made.get(path, data) for path, data in changes}
        assert output == dict(cold_files)
        assert state_data(state) == state_data(cold_state)


def test_an_edit_rewrites_only_the_shards_of_the_bigrams_it_gains_or_loses() -> None:
    documents = corpus(200, seed=11)
    keys = [str(i) for i in range(200)]
    state, files = new_index(keys, documents, 256, 16)
    shards = len(state.shards)
    old = documents[120]
    new = SearchDocument(old.title, old.url, old.column, old.date, old.text + "\n龘靐齉 新增的段落")
    reads = Reads(dict(files))
    changes = update_index(state, [*keys[:120], "edited", *keys[121:]], lambda doc_id: new, reads)
    written = {path for path, data in changes if data is not None}
    grams = text_bigrams(new.searched) ^ text_bigrams(old.searched)
    assert written == {"meta.json", "docs/7.json"} | {f"shards/{shard_of(g, shards)}.bin" for g in grams}
    assert 0 < len(written) - 2 <= len(grams) < shards
    assert reads.paths == ["docs/7.json"]  # the old chunk (document 120 of 16 a chunk); the shards are the state's


def test_a_new_newest_document_rewrites_its_shards_and_its_own_file() -> None:
    documents = corpus(100, seed=12)
    state, files = new_index([str(i) for i in range(100)], documents, 1 << 20, 16)  # one shard: its count stays
    newest = corpus(101, seed=13)[100]
    reads = Reads(dict(files))
    changes = update_index(state, [*map(str, range(100)), "new"], lambda doc_id: newest, reads)
    assert {path for path, data in changes if data is not None} == {"meta.json", "shards/0.bin", "docs/6.json"}
    assert dict(changes)["shards/0.bin"] == files_of([*documents, newest], 1 << 20, 16)["shards/0.bin"]
    assert dict(changes)["docs/6.json"] == files_of([*documents, newest], 1 << 20, 16)["docs/6.json"]
    assert reads.paths == ["docs/6.json"]  # the last chunk's other documents, 96 to 99


def test_a_new_document_that_begins_a_chunk_reads_no_old_one() -> None:
    documents = corpus(96, seed=12)
    state, files = new_index([str(i) for i in range(96)], documents, 1 << 20, 16)
    newest = corpus(97, seed=13)[96]
    reads = Reads(dict(files))
    changes = update_index(state, [*map(str, range(96)), "new"], lambda doc_id: newest, reads)
    assert {path for path, data in changes if data is not None} == {"meta.json", "shards/0.bin", "docs/6.json"}
    assert json.loads(dict(changes)["docs/6.json"] or b"") == [json.loads(files_of([newest])["docs/0.json"])[0]]
    assert reads.paths == []


def test_removing_the_newest_document_cuts_it_off_its_postings() -> None:
    documents = corpus(101, seed=13)
    state, files = new_index([*map(str, range(101))], documents, 1 << 20, 16)
    changes = update_index(
        state, [*map(str, range(100))], lambda doc_id: pytest.fail("no document is needed"), Reads(dict(files))
    )
    assert {path for path, data in changes if data is not None} == {"meta.json", "shards/0.bin", "docs/6.json"}
    assert [path for path, _ in changes if path.startswith("docs/")] == [f"docs/{i}.json" for i in range(7)]
    assert dict(changes)["shards/0.bin"] == files_of(documents[:100], 1 << 20, 16)["shards/0.bin"]
    assert dict(changes)["docs/6.json"] == files_of(documents[:100], 1 << 20, 16)["docs/6.json"]  # 96 to 99


def test_nothing_changed_gives_no_bytes_but_meta_and_reads_nothing() -> None:
    documents = corpus(20, seed=14)
    keys = [str(i) for i in range(20)]
    state, files = new_index(keys, documents, 512)
    reads = Reads(dict(files))
    changes = update_index(state, keys, lambda doc_id: pytest.fail("no document is needed"), reads)
    assert [(path, data) for path, data in changes if data is not None] == [("meta.json", dict(files)["meta.json"])]
    assert reads.paths == []


def test_a_failing_document_leaves_the_state_as_it_was_and_a_restored_document_is_checked() -> None:
    documents = corpus(10, seed=15)
    keys = [str(i) for i in range(10)]
    state, files = new_index(keys, documents, 512)
    before = state_data(state)

    def broken(doc_id: int) -> SearchDocument:
        if doc_id == 9:
            raise RuntimeError("body store unreadable")
        return corpus(1, seed=doc_id)[0]

    with pytest.raises(RuntimeError):
        update_index(state, ["a", *keys[1:9], "b", "c"], broken, Reads(dict(files)))
    assert state_data(state) == before
    with pytest.raises(ValueError, match="is not the file of the last index"):
        restored(state, "docs/0.json", lambda doc_id: corpus(1, seed=99)[0])  # not the documents it was
    assert restored(state, "docs/0.json", documents.__getitem__) == dict(files)["docs/0.json"]
    other = [corpus(1, seed=98)[0], *documents[1:3], corpus(1, seed=99)[0], *documents[4:]]
    with pytest.raises(ValueError, match="document 3 is not the one of the last index"):
        update_index(state, ["a", *keys[1:]], other.__getitem__, Reads({}))  # chunk 0 made again, no old one
    assert state_data(state) == before


def test_an_old_document_not_at_hand_is_dropped_from_every_shard() -> None:
    documents = corpus(60, seed=17)
    keys = [str(i) for i in range(60)]
    state, files = new_index(keys, documents, 512)
    first_chunk = dict(files)["docs/0.json"]
    assert first_chunk is not None
    edited = {**dict(files), "docs/0.json": first_chunk.replace(b"}", b',"x":1}', 1)}
    new = SearchDocument("新", "a/7/", "镇街社区", "2024-01-01", "全新的内容")
    current = [*documents[:7], new, *documents[8:]]
    for stale in (edited, {}):
        state, _ = new_index(keys, documents, 512)
        changes = update_index(state, [*keys[:7], "new", *keys[8:]], current.__getitem__, Reads(stale))
        output = {path: dict(files)[path] if data is None else data for path, data in changes}
        assert output == dict(new_index([*keys[:7], "new", *keys[8:]], current, 512)[1])


def test_a_state_survives_its_plain_data_and_a_damaged_one_is_refused() -> None:
    state, _ = new_index(["a", "b"], corpus(2, seed=16), 512)
    assert state_data(state_from_data(state_data(state))) == state_data(state)
    data = state_data(state)
    damaged = [
        None,
        [*data],
        data[:-1],
        (*data[:2], "keys", *data[3:]),
        (*data[:2], [1, 2], *data[3:]),
        (data[0], 0, *data[2:]),  # no documents a chunk
        (data[0], "16", *data[2:]),
        (*data[:7], []),  # no file for the one shard
        (*data[:7], [b"x"]),  # a shard file that is not its digest's
        (*data[:7], ["x"]),
        (*data[:4], [b"x"] * 3, *data[5:7], [b"x"] * 3),  # not a power of two of shards
        (*data[:5], [b"x"], *data[6:]),  # one digest for two documents
        (*data[:6], [b"x", b"y"], data[7]),  # two chunks of two documents 16 a chunk
        (*data[:6], [], data[7]),
    ]
    for bad in damaged:
        with pytest.raises(ValueError):
            state_from_data(bad)


# --------------------------------------------------------------------------- the build


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    output = tmp_path_factory.mktemp("search") / "public"
    build_site(REPO_ROOT, output_dir=output, cache_dir=output.parent / "cache")  # not in the repository
    return tree(output)


def test_the_example_site_finds_the_seed_article_by_the_issues_queries(example: dict[str, bytes]) -> None:
    reference = Reference({p.removeprefix("search/"): data for p, data in example.items() if p.startswith("search/")})
    seed = next(i for i in range(reference.meta["documents"]) if SEED_TITLE in reference.doc(i)["title"])
    for query in ISSUE_QUERIES:
        found = reference.search(query)
        assert found is not None
        assert reference.doc(seed)["url"] in found, query


def test_the_index_covers_headings_captions_and_tags(example: dict[str, bytes]) -> None:
    docs = [doc for path, data in example.items() if path.startswith("search/docs/") for doc in json.loads(data)]
    seed = next(d for d in docs if SEED_TITLE in d["title"])
    assert "全面推行五项措施" in seed["text"]  # a heading
    assert "党群应急突击队员杜律治" in seed["text"]  # a caption
    assert "<" not in seed["text"]


def test_every_page_has_a_search_form_leading_to_the_search_page(example: dict[str, bytes]) -> None:
    home = example["index.html"].decode()
    assert '<form class="site-search" role="search" action="search/"' in home
    assert '<input id="site-search-q" type="search" name="q"' in home
    article_page = example["towns/2022/12/junhe-party-building/index.html"].decode()
    assert 'action="../../../../search/"' in article_page
    search = example["search/index.html"].decode()
    assert 'role="status" aria-live="polite"' in search
    assert "<noscript>" in search and "JavaScript" in search
    assert 'src="../assets/search.js"' in search
    assert "search/meta.json" in example


def test_builds_are_identical(example: dict[str, bytes], tmp_path: Path) -> None:
    build_site(REPO_ROOT, output_dir=tmp_path / "again", cache_dir=tmp_path / "cache")
    again = tree(tmp_path / "again")
    assert {p: d for p, d in again.items() if p.startswith("search/")} == {
        p: d for p, d in example.items() if p.startswith("search/")
    }


def test_a_cold_index_made_on_every_core_equals_one_made_on_one_and_a_damaged_body_is_made_again(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from sitegen.incremental.bodies import BODIES_FILE
    from sitegen.search import build as cold

    monkeypatch.setattr(cold, "PART_DOCUMENTS", 2)  # parts of two documents, one worker for as few as one each
    monkeypatch.setattr(searchfiles, "PARTS_PER_WORKER", 1)
    monkeypatch.setattr(searchfiles, "SPREAD_PAIRS", 0)  # the postings made by ranges of bigrams too
    files = {f"content/towns/a{i}.md": article(f"第{i}篇", f"2024-01-01 08:{i:02}", f"正文{i}。") for i in range(11)}
    site = make_site({**files, "site.yaml": SITE_YAML + "feed_size: 1\n"})  # the feed reads the newest body alone
    build_site(site, jobs=1, output_dir=tmp_path / "one", cache_dir=tmp_path / "one-cache")
    build_site(site, jobs=2, output_dir=tmp_path / "two", cache_dir=tmp_path / "two-cache")
    assert tree(tmp_path / "two") == tree(tmp_path / "one")
    # a new article, every stored body damaged and no search state: the index is built cold from the stored bodies
    # (the pages rendered again read theirs first); the workers leave a body they cannot read to the build, which
    # renders it again and says so
    (site / "content/towns/a11.md").write_text(article("第11篇", "2024-01-01 08:11", "正文11，均禾。"))
    (tmp_path / "two-cache" / "search.pickle").unlink()
    with sqlite3.connect(tmp_path / "two-cache" / BODIES_FILE) as db:
        db.execute("UPDATE bodies SET search = search || '损坏'")
    noted = tmp_path / "parts"

    def noting(number: int, count: int, document: Callable[[int], SearchDocument | None]) -> cold.Part:
        part = cold.index_part(number, count, document)
        with noted.open("a") as notes:  # appended by the worker processes
            notes.write(f"{os.getpid()} {part.documents.count(None)}\n")
        return part

    monkeypatch.setattr(searchfiles, "index_part", noting)
    report = build_site(site, jobs=2, output_dir=tmp_path / "two", cache_dir=tmp_path / "two-cache")
    notes = [tuple(map(int, line.split())) for line in noted.read_text().splitlines()]
    assert len(notes) == 6 and all(pid != os.getpid() for pid, _ in notes)  # 12 documents, in the workers
    assert sum(unread for _, unread in notes) > 0  # those whose pages were not rendered again (and read it) first
    build_site(site, jobs=1, output_dir=tmp_path / "cold", disk_cache=False)
    assert report.articles_reused == 11
    assert tree(tmp_path / "two") == tree(tmp_path / "cold")
    damaged = [warning for warning in report.cache_warnings if BODIES_FILE in warning and "checksum" in warning]
    assert len(damaged) == 11, report.cache_warnings  # a0 to a10, each said once


def test_no_search_leaves_out_the_page_the_index_and_the_box(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article("均禾街道")})
    build_site(site, search=False)
    out = tree(site / "public")
    assert not any(p.startswith("search/") for p in out)
    assert "site-search" not in page(site / "public", "")


def test_cli_no_search_flag(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article("均禾街道")})
    result = CliRunner().invoke(main, ["build", "--site", str(site), "--no-search"])
    assert result.exit_code == 0, result.output
    assert not (site / "public" / "search").exists()
    result = CliRunner().invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 0, result.output
    assert (site / "public" / "search" / "index.html").is_file()


def test_a_new_article_rewrites_only_the_last_chunk_of_documents(make_site: MakeSite) -> None:
    per_chunk = DOCS_PER_CHUNK
    site = make_site(
        {f"content/towns/a{i}.md": article(f"第{i}篇", f"2024-01-01 08:{i:02}") for i in range(per_chunk + 1)}
    )
    build_site(site)
    before = tree(site / "public")
    first = site / "public/search/docs/0.json"
    stamp = first.stat().st_mtime_ns
    (site / "content/towns/new.md").write_text(article("最新", "2024-03-01"), encoding="utf-8")
    build_site(site)
    after = tree(site / "public")
    assert [doc["title"] for doc in json.loads(after["search/docs/0.json"])] == [f"第{i}篇" for i in range(per_chunk)]
    assert first.stat().st_mtime_ns == stamp and after["search/docs/0.json"] == before["search/docs/0.json"]
    assert [doc["title"] for doc in json.loads(after["search/docs/1.json"])] == [f"第{per_chunk}篇", "最新"]
    assert not any(path.startswith("search/docs/2") for path in after)


# --------------------------------------------------------------------------- incremental builds

BODIES = ["均禾街道开展防诈宣传。", "党建引领基层治理。", "长者饭堂开业了。", "垃圾分类志愿服务。", "防汛防风演练。"]


def news_site(make_site: MakeSite) -> Path:
    """Five articles, oldest first a.md ... e.md (ids 0-4), in two columns."""
    return make_site(
        {
            f"content/{'towns' if i % 2 else 'tips'}/{name}.md": article(f"标题{name}", f"2024-0{i + 1}-01", body)
            for i, (name, body) in enumerate(zip("abcde", BODIES, strict=True))
        }
    )


def searched(data: bytes, doc_id: int) -> set[str]:
    document = json.loads(data)[doc_id % DOCS_PER_CHUNK]
    return text_bigrams(normalize(f"{document['title']}\n{document['text']}"))


def cold_tree(site: Path, output: Path) -> dict[str, bytes]:
    build_site(site, output_dir=output, disk_cache=False)
    return tree(output)


def test_an_edit_rewrites_only_the_search_files_it_changes_and_equals_a_cold_build(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = news_site(make_site)
    build_site(site)
    assert (site / ".sitegen-cache" / "search.pickle").is_file()
    output = site / "public"
    before = tree(output)
    stamps = {p: (output / p).stat().st_mtime_ns for p in before if p.startswith("search/")}
    with (site / "content/towns/b.md").open("a", encoding="utf-8") as handle:
        handle.write("\n新增的段落，社区志愿者参与清洁。\n")
    cold_index = "sitegen.build.searchfiles.build_new_index"
    monkeypatch.setattr(cold_index, lambda *a, **k: pytest.fail("the index was built cold"))
    build_site(site)
    after = tree(output)
    shards = json.loads(after["search/meta.json"])["shards"]
    grams = searched(before["search/docs/0.json"], 1) ^ searched(after["search/docs/0.json"], 1)
    expected = {"search/meta.json", "search/docs/0.json"} | {f"search/shards/{shard_of(g, shards)}.bin" for g in grams}
    changed = {p for p in after if p.startswith("search/") and after[p] != before.get(p)}
    assert changed == expected
    assert all((output / p).stat().st_mtime_ns == stamp for p, stamp in stamps.items() if p not in changed)
    monkeypatch.undo()
    assert after == cold_tree(site, tmp_path / "cold")


def test_a_new_newest_article_and_a_deleted_one_equal_a_cold_build(make_site: MakeSite, tmp_path: Path) -> None:
    site = news_site(make_site)
    build_site(site)
    (site / "content/towns/f.md").write_text(article("最新", "2024-09-01", "社区志愿者参与清洁。"), encoding="utf-8")
    build_site(site)
    assert tree(site / "public") == cold_tree(site, tmp_path / "cold1")
    (site / "content/tips/a.md").unlink()  # every id moves down by one
    build_site(site)
    assert tree(site / "public") == cold_tree(site, tmp_path / "cold2")


def test_a_rebuild_with_no_article_changed_does_not_read_the_search_state(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = news_site(make_site)
    build_site(site)
    state = site / ".sitegen-cache" / "search.pickle"
    written = state.stat().st_mtime_ns
    never = lambda *args, **kwargs: pytest.fail("the state was read")  # noqa: E731
    monkeypatch.setattr("sitegen.build.destination.load_search_state", never)
    (site / "templates").mkdir()
    (site / "templates/article.html").write_text('{% extends "theme/article.html" %}', encoding="utf-8")
    report = build_site(site)
    assert report.files_written == 0 and state.stat().st_mtime_ns == written


def test_no_cache_and_check_leave_the_search_state_alone(make_site: MakeSite) -> None:
    site = news_site(make_site)
    build_site(site, disk_cache=False)
    assert not (site / ".sitegen-cache" / "search.pickle").exists()
    check(site, BuildOptions(now=FIXED_NOW))
    assert not (site / ".sitegen-cache" / "search.pickle").exists()


class Exploit:
    def __init__(self, witness: Path) -> None:
        self.witness = witness

    def __reduce__(self) -> tuple:
        return (Path.touch, (self.witness,))


@pytest.mark.parametrize(
    "damage", ["garbage", "truncated", "hostile", "wrong shape", "wrong shard", "journal", "hostile journal"]
)
def test_a_damaged_or_hostile_search_state_gives_a_cold_index(
    make_site: MakeSite, tmp_path: Path, damage: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sitegen.incremental import journal as journals

    monkeypatch.setattr(journals, "JOURNAL_SHARE", 100)  # a journal however small the site's state
    site = news_site(make_site)
    build_site(site)
    state = site / ".sitegen-cache" / "search.pickle"
    journal = site / ".sitegen-cache" / "search.journal.pickle"
    data = pickle.loads(state.read_bytes())
    witness = tmp_path / "pwned"
    if damage == "garbage":
        state.write_bytes(b"\x80\x05not a pickle")
    elif damage == "truncated":
        state.write_bytes(state.read_bytes()[:-100])
    elif damage == "hostile":
        state.write_bytes(seal(pickle.dumps({**data, "keys": Exploit(witness)})))
    elif damage == "wrong shape":
        state.write_bytes(seal(pickle.dumps({key: value for key, value in data.items() if key != "shards"})))
    elif damage == "wrong shard":  # the right shape, a shard file that is not the one its digest describes
        shards = [shard[:-1] for shard in data["shards"]]
        assert shards and all(type(shard) is bytes for shard in shards)
        state.write_bytes(seal(pickle.dumps({**data, "shards": shards})))
    else:  # an update's journal, damaged or naming a class
        (site / "content/towns/d.md").write_text(article("初改", "2024-04-01", "改过一次的内容。"), encoding="utf-8")
        build_site(site)
        assert journal.is_file() and pickle.loads(state.read_bytes()) == data  # the base is left as it was
        kept = pickle.loads(journal.read_bytes())
        if damage == "journal":
            journal.write_bytes(journal.read_bytes()[:-1] + b"x")
        else:
            journal.write_bytes(seal(pickle.dumps({**kept, "replaced": {"keys": Exploit(witness)}})))
    (site / "content/towns/d.md").write_text(article("改写", "2024-04-01", "全新的内容。"), encoding="utf-8")
    report = build_site(site)
    assert not witness.exists()
    assert tree(site / "public") == cold_tree(site, tmp_path / "cold")
    if damage.endswith("journal"):
        assert any("search.journal.pickle" in warning for warning in report.cache_warnings)


def test_a_search_state_of_format_2_is_discarded_and_the_index_built_cold_once(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache from before the documents were put in chunks: its state (per article a file) cannot update chunks."""
    from sitegen.incremental import searchrecord
    from sitegen.search import state as search_state

    site = news_site(make_site)
    format_2 = search_state.STATE_SCHEMA.replace(f"{FORMAT}|{TARGET_SHARD_BYTES}|{DOCS_PER_CHUNK}|", "2|2|", 1)
    assert format_2 != search_state.STATE_SCHEMA
    monkeypatch.setattr(searchrecord, "STATE_SCHEMA", format_2)
    build_site(site)  # saved under format 2's schema
    monkeypatch.undo()
    (site / "content/towns/d.md").write_text(article("改写", "2024-04-01", "全新的内容。"), encoding="utf-8")
    cold: list[int] = []
    build_new_index = searchfiles.build_new_index

    def noting_build_new_index(*args: Any, **kwargs: Any) -> Any:
        cold.append(1)
        return build_new_index(*args, **kwargs)

    monkeypatch.setattr(searchfiles, "build_new_index", noting_build_new_index)
    report = build_site(site)
    assert cold == [1]
    assert any("search.pickle: cache discarded (made by another version" in note for note in report.cache_warnings)
    (site / "content/towns/b.md").write_text(article("乙", "2024-02-01", "又改了。"), encoding="utf-8")
    report = build_site(site)  # the state saved by the cold index is this format's: updated, not built cold
    assert cold == [1] and not any("search.pickle" in note for note in report.cache_warnings)
    monkeypatch.undo()
    assert tree(site / "public") == cold_tree(site, tmp_path / "cold")


def test_an_output_another_build_wrote_is_not_updated_from_the_state(make_site: MakeSite, tmp_path: Path) -> None:
    site = news_site(make_site)
    build_site(site)  # the state describes this output
    (site / "content/towns/b.md").write_text(article("乙", "2024-02-01", "另一个版本。"), encoding="utf-8")
    build_site(site, disk_cache=False)  # same output, state and build cache left as they were
    (site / "content/towns/b.md").write_text(article("乙", "2024-02-01", "第三个版本。"), encoding="utf-8")
    build_site(site)
    assert tree(site / "public") == cold_tree(site, tmp_path / "cold")


@pytest.mark.parametrize("edit", ["shard", "document", "deleted"])
def test_an_index_file_changed_in_the_output_is_made_again(make_site: MakeSite, tmp_path: Path, edit: str) -> None:
    site = news_site(make_site)
    build_site(site)
    search = site / "public" / "search"
    if edit == "shard":  # every shard: whichever the update needs
        for shard in (search / "shards").iterdir():
            shard.write_bytes(shard.read_bytes()[:-1] + b"\x7f")
    elif edit == "document":
        (search / "docs/0.json").write_text('[{"title": "改过"}]', encoding="utf-8")
    else:
        (search / "docs/0.json").unlink()
    (site / "content/towns/d.md").write_text(article("改写", "2024-04-01", "全新的内容。"), encoding="utf-8")
    build_site(site)
    assert tree(site / "public") == cold_tree(site, tmp_path / "cold")


@pytest.mark.parametrize("commit", ["nothing", "an edit", "a new article", "a deletion"])
def test_the_ci_path_makes_the_index_from_the_cache_without_indexing_every_article(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, commit: str
) -> None:
    """A fresh checkout (every file a new time stamp), .sitegen-cache/ restored, an empty output folder: the index
    comes from the saved state and the articles, and only the articles the commit changed are indexed."""
    site = news_site(make_site)
    build_site(site)
    checkout = tmp_path / "checkout"
    shutil.copytree(site, checkout, ignore=shutil.ignore_patterns("public"), copy_function=shutil.copy)
    if commit == "an edit":
        with (checkout / "content/towns/b.md").open("a", encoding="utf-8") as handle:
            handle.write("\n新增的段落，社区志愿者参与清洁。\n")
    elif commit == "a new article":
        (checkout / "content/towns/f.md").write_text(article("最新", "2024-09-01", "舞火龙。"), encoding="utf-8")
    elif commit == "a deletion":
        (checkout / "content/tips/c.md").unlink()
    indexed: list[int] = []  # the documents whose text was indexed, on either path of the update
    pairs_of, changes_of = postings.pairs_of, update.changes_of

    def noting_pairs_of(texts: Sequence[str], ids: Sequence[int]) -> postings.Pairs:
        indexed.extend(ids)
        return pairs_of(texts, ids)

    def noting_changes_of(grams: dict[int, tuple[set[str], set[str]]]) -> dict[str, Change]:
        indexed.extend(doc_id for doc_id, (_, now) in grams.items() if now)
        return changes_of(grams)

    monkeypatch.setattr("sitegen.build.searchfiles.build_new_index", lambda *a, **k: pytest.fail("built cold"))
    monkeypatch.setattr(postings, "pairs_of", noting_pairs_of)
    monkeypatch.setattr(update, "changes_of", noting_changes_of)
    build_site(checkout)
    monkeypatch.undo()
    changed = {"nothing": [], "an edit": [1], "a new article": [5], "a deletion": [2, 3]}[commit]
    assert indexed == changed
    assert tree(checkout / "public") == cold_tree(checkout, tmp_path / "cold")


def test_the_development_server_updates_its_index_in_memory(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = news_site(make_site)
    memory = BuildCache()
    options = BuildOptions(cache=memory, now=FIXED_NOW, jobs=1)
    build_in_memory(site, options)
    (site / "content/tips/c.md").write_text(article("丙", "2024-03-01", "长者饭堂扩建。"), encoding="utf-8")
    (site / "content/towns/f.md").write_text(article("最新", "2024-09-01", "社区志愿者参与清洁。"), encoding="utf-8")
    cold_index = "sitegen.build.searchfiles.build_new_index"
    monkeypatch.setattr(cold_index, lambda *a, **k: pytest.fail("the index was built cold"))
    _, files = build_in_memory(site, options)
    monkeypatch.undo()
    cold = cold_tree(site, tmp_path / "cold")
    assert {p: f.data for p, f in files.items() if p.startswith("search/")} == {
        p: data for p, data in cold.items() if p.startswith("search/")
    }
    assert not (site / ".sitegen-cache" / "search.pickle").exists()


def test_an_article_on_the_search_page_url_is_an_error(make_site: MakeSite) -> None:
    site = make_site(
        {
            "site.yaml": SITE_YAML + "permalink: /{slug}/\n",
            "content/towns/a.md": article("搜索", slug="search"),
        }
    )
    for search in (True, False):  # reserved either way, like tags/: turning search on must not break a site
        with pytest.raises(BuildFailed) as caught:
            load(site, search=search)
        assert "sitegen makes itself" in caught.value.errors[0].message


def test_search_is_not_a_column_slug() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(SITE_YAML.replace("slug: tips", "slug: search"))
    assert caught.value.errors[0].field == "columns[1].slug"
