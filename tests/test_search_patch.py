"""search/patch.py: shards patched for a few changed documents hold the bytes a cold build makes (format.py)."""

from __future__ import annotations

import struct

from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.search.format import SearchDocument, shard_of, text_bigrams
from sitegen.search.index import new_index
from sitegen.search.patch import PATCH_BUDGET, Change, Patched, _edited, _varints, changes_of, patched
from sitegen.search.state import IndexState

# few characters, so that documents share bigrams; beyond the basic plane, folding to several (…, ①) and spaces
TEXTS = st.text(alphabet="均禾社区街道党建治理 \n𠀀𠀁é…①", max_size=24)


def document(text: str) -> SearchDocument:
    return SearchDocument("", "a/", "栏目", "2024-01-01", text)


def index(texts: list[str], target: int) -> IndexState:
    state, _ = new_index([str(i) for i in range(len(texts))], [document(text) for text in texts], target, 4)
    return state


def patch(before: list[str], after: list[str], target: int, budget: int = PATCH_BUDGET) -> Patched | None:
    """Patch the index of `before` into that of `after`, told each changed document's bigrams as update.py tells
    them (none before: new; none after: gone)."""
    state = index(before, target)
    grams = {
        doc_id: (
            text_bigrams(document(before[doc_id]).searched) if doc_id < len(before) else set(),
            text_bigrams(document(after[doc_id]).searched) if doc_id < len(after) else set(),
        )
        for doc_id in range(max(len(before), len(after)))
        if before[doc_id : doc_id + 1] != after[doc_id : doc_id + 1]
    }
    return patched(state.shards, state.size, state.target, changes_of(grams), budget)


def assert_cold(before: list[str], after: list[str], done: Patched | None, target: int) -> None:
    state, cold = index(before, target), index(after, target)
    assert done is not None
    assert done.size == cold.size
    assert [done.files.get(number, data) for number, data in enumerate(state.shards)] == cold.shards


def entries(shard: bytes) -> list[str]:
    """The bigrams of a shard file, in its order."""
    (count,) = struct.unpack_from("<I", shard)
    codes = struct.unpack_from(f"<{2 * count}I", shard, 4)
    return [chr(codes[2 * i]) + chr(codes[2 * i + 1]) for i in range(count)]


def posting(shard: bytes, gram: str) -> bytes:
    """The raw bytes of one bigram's posting in a shard file."""
    count = len(entries(shard))
    offsets = struct.unpack_from(f"<{count + 1}I", shard, 4 + 8 * count)
    at = entries(shard).index(gram)
    return shard[8 + 12 * count :][offsets[at] : offsets[at + 1]]


@settings(max_examples=200, deadline=None)
@given(
    before=st.lists(TEXTS, max_size=12),
    edits=st.lists(st.tuples(st.integers(0, 15), TEXTS), min_size=1, max_size=3),
    cut=st.integers(0, 2),
    target=st.sampled_from([24, 96, 1 << 20]),
)
def test_patched_shards_are_a_cold_builds_or_declined_for_another_shard_count(
    before: list[str], edits: list[tuple[int, str]], cut: int, target: int
) -> None:
    """Texts edited, added past the end, and the last ones gone: every shard is the cold build's, the size too;
    declined only when the size asks for another number of shards."""
    after = list(before)
    for doc_id, text in edits:
        if doc_id < len(after):
            after[doc_id] = text
        else:
            after.append(text)
    after = after[: max(0, len(after) - cut)]
    done = patch(before, after, target)
    if done is None:
        assert len(index(after, target).shards) != len(index(before, target).shards)
    else:
        assert_cold(before, after, done, target)


def test_a_bigram_new_to_its_shard_gets_an_entry_and_one_that_lost_its_last_document_none() -> None:
    before = ["均禾街道", "社区治理", "党建"]
    after = ["均禾街道", "社区", "党建龘靐"]  # 区治, 治理 gone from the site; 建龘, 龘靐 new to it
    done = patch(before, after, 1 << 20)
    assert_cold(before, after, done, 1 << 20)
    assert done is not None
    assert "区治" in entries(index(before, 1 << 20).shards[0])
    assert entries(done.files[0]) == ["党建", "均禾", "建龘", "社区", "禾街", "街道", "龘靐"]


def test_gaps_of_several_bytes_are_read_and_written() -> None:
    before = ["均禾" if doc_id in (0, 200, 399) else "社区" for doc_id in range(400)]
    after = list(before)
    after[300], after[200] = "均禾", "社区"  # ids 0, 300, 399: gaps of 300 and 99
    done = patch(before, after, 1 << 20)
    assert_cold(before, after, done, 1 << 20)
    assert done is not None
    assert posting(done.files[0], "均禾") == bytes([0, 0xAC, 0x02, 99])  # 300 = 0b10_0101100


def test_changes_beyond_the_budget_are_declined() -> None:
    before = ["均禾社区" * 3 for _ in range(50)]
    after = [*before[:10], "党建引领", *before[11:]]
    assert patch(before, after, 1 << 20, budget=0) is None  # the postings of 均禾, 禾社, 社区, 区均: 50 bytes each
    assert patch(before, after, 1 << 20, budget=199) is None
    assert_cold(before, after, patch(before, after, 1 << 20, budget=200), 1 << 20)


def test_only_the_shards_of_the_changed_bigrams_are_patched() -> None:
    before = ["均禾街道社区党建治理" for _ in range(40)]
    after = [*before[:5], "均禾街道社区党建治理龘", *before[6:]]
    state = index(before, 24)
    done = patch(before, after, 24)
    assert done is not None
    assert set(done.files) == {shard_of("理龘", len(state.shards))}
    assert_cold(before, after, done, 24)


def test_a_document_id_beyond_the_format_is_declined() -> None:
    """The whole-shard path refuses it with its error (postings.MAX_DOCUMENTS)."""
    state = index(["均禾"], 1 << 20)
    grams: dict[int, tuple[set[str], set[str]]] = {1 << 22: (set(), {"均禾"})}
    assert patched(state.shards, state.size, state.target, changes_of(grams)) is None


@settings(max_examples=300, deadline=None)
@given(
    documents=st.sets(st.integers(0, 400), max_size=120),
    added=st.sets(st.integers(0, 400), max_size=8),
    removed=st.sets(st.integers(0, 400), max_size=8),
)
def test_an_edited_posting_holds_the_documents_after_the_change(
    documents: set[int], added: set[int], removed: set[int]
) -> None:
    """Spliced (every gap one byte) or made whole (some longer): the varints of the documents after the change."""
    change = Change(frozenset(added - documents), frozenset(removed & documents - added))
    after = sorted((documents - change.removed) | change.added)
    before = _varints(sorted(documents)) if documents else b""
    assert _edited(before, change) == (_varints(after) if after else b"")
