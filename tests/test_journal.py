"""The build cache's index as a base and a journal (sitegen.incremental.journal, incremental/cache.py)."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_stores import OLD, filled_cache

from sitegen.incremental.cache import CACHE_FILE, BuildCache
from sitegen.incremental.journal import (
    BASE_KEY,
    Journal,
    applied,
    detached,
    difference,
    prepare,
    read_journal,
    save,
    write_prepared,
)
from sitegen.incremental.pickles import READ_ERRORS, load_sealed, seal

JOURNAL_FILE = "build.journal.pickle"

_keys = st.text("abc/", min_size=1, max_size=4)
_values = st.one_of(st.text("xyz", max_size=3), st.tuples(st.integers(0, 3), st.integers(0, 3)))
_parts = st.dictionaries(_keys, _values, max_size=8)


@st.composite
def _indexes(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A base and the index a later build saves: dict parts with entries added, changed and gone, parts that are no
    dicts changed or not, a part added or turned into another type."""
    base: dict[str, Any] = {BASE_KEY: "token", "one": draw(_parts), "two": draw(_parts), "flat": draw(_values)}
    base["list"] = draw(st.lists(_values, max_size=6))
    now: dict[str, Any] = {BASE_KEY: "token", "flat": draw(st.one_of(st.just(base["flat"]), _values))}
    now["list"] = [draw(st.one_of(st.just(v), _values)) for v in base["list"]][: draw(st.integers(0, 6))]
    now["list"] += draw(st.lists(_values, max_size=3))
    for name in ("one", "two"):
        part = {k: v for k, v in base[name].items() if draw(st.booleans())}
        part |= draw(_parts)
        now[name] = draw(st.one_of(st.just(part), _values)) if name == "two" else part
    if draw(st.booleans()):
        now["new"] = draw(_parts)
    return base, now


@given(_indexes())
def test_a_journal_over_its_base_is_the_index_it_was_made_from(pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    base, now = pair
    kept = detached(base)
    journal = difference(base, now)
    assert applied(base, journal) == now
    assert base == kept  # neither is changed
    if base == now:
        assert journal == Journal("token", {}, {}, {}, {})


def test_a_journal_holds_only_what_changed() -> None:
    base = {BASE_KEY: "t", "stats": {f"a{n}": (n, n) for n in range(1000)}, "outputs": ("a", "b"), "site": "s"}
    now = detached(base)
    now["stats"]["a5"] = (5, 6)
    del now["stats"]["a7"]
    now["stats"]["new"] = (0, 0)
    journal = difference(base, now)
    assert journal == Journal("t", {}, {"stats": {"a5": (5, 6), "new": (0, 0)}}, {"stats": ["a7"]}, {})
    now["outputs"] = ("a",)
    assert difference(base, now).replaced == {"outputs": ("a",)}


def test_the_base_kept_is_detached_from_the_stores_parts() -> None:
    """A store that changes the dict it was loaded with in place (the related articles' memo does) must not change
    the base the next journal is made against: the change would be lost."""
    index: dict[str, Any] = {BASE_KEY: "t", "related": {"shape": "s", "ranks": {0: (1,)}}, "roots": ["a"],
                             "copies": {"x": ("y", 1)}}  # fmt: skip
    base = detached(index)
    index["related"]["ranks"][1] = (0,)
    index["roots"].append("b")
    index["copies"]["z"] = ("w", 2)
    assert base == {BASE_KEY: "t", "related": {"shape": "s", "ranks": {0: (1,)}}, "roots": ["a"],
                    "copies": {"x": ("y", 1)}}  # fmt: skip
    assert applied(base, difference(base, index)) == index


def test_a_list_part_is_journalled_by_position() -> None:
    base = {BASE_KEY: "t", "shards": [b"a", b"b", b"c"], "keys": ["k1", "k2"]}
    now = {BASE_KEY: "t", "shards": [b"a", b"B"], "keys": ["k1", "k2", "k3"]}
    journal = difference(base, now)
    assert journal.updated == {"shards": {1: b"B"}, "keys": {2: "k3"}} and journal.lengths == {"shards": 2, "keys": 3}
    assert applied(base, journal) == now
    with pytest.raises(ValueError, match="hole"):
        applied(base, Journal("t", {}, {"keys": {3: "k4"}}, {}, {"keys": 4}))
    with pytest.raises(ValueError, match="past a list's end"):
        applied(base, Journal("t", {}, {"keys": {5: "k4"}}, {}, {"keys": 4}))
    with pytest.raises(ValueError, match="no length"):
        applied(base, Journal("t", {}, {"keys": {"a": 1}}, {}, {}))
    with pytest.raises(ValueError, match="another kind"):
        applied(base, Journal("t", {}, {}, {"keys": ["k1"]}, {}))
    with pytest.raises(ValueError, match="another kind"):
        applied(base, Journal("t", {}, {BASE_KEY: {"a": 1}}, {}, {}))


def test_a_journal_of_another_base_is_left_out_and_a_damaged_one_refused(tmp_path: Path) -> None:
    path = tmp_path / JOURNAL_FILE
    assert read_journal(path, "t") is None  # none
    fields = {"base": "t", "replaced": {"site": "s"}, "updated": {}, "removed": {}, "lengths": {}}
    path.write_bytes(seal(pickle.dumps(fields)))
    assert read_journal(path, "t") == Journal("t", {"site": "s"}, {}, {}, {})
    assert read_journal(path, "other") is None  # stale: a newer base
    path.write_bytes(seal(pickle.dumps({**fields, "replaced": []})))
    with pytest.raises(ValueError, match="wrong type"):
        read_journal(path, "t")
    path.write_bytes(seal(pickle.dumps({"base": "t"})))
    with pytest.raises(ValueError, match="not a journal"):
        read_journal(path, "t")
    path.write_bytes(path.read_bytes()[:-3])
    with pytest.raises(READ_ERRORS):
        read_journal(path, "t")


def test_a_journal_past_a_quarter_of_its_base_gives_a_new_base(tmp_path: Path) -> None:
    path = tmp_path / "build.pickle"
    value: dict[str, Any] = {"stats": {str(n): "x" * 40 for n in range(100)}}
    base = save(path, value, None)
    assert base.token == value[BASE_KEY] and base.size == path.stat().st_size and base.parts == value
    assert save(path, {**value, "stats": {**value["stats"], "1": "y"}}, base) == base  # a journal: the same base
    assert (tmp_path / JOURNAL_FILE).is_file()
    renewed = save(path, {"stats": {str(n): "z" * 40 for n in range(100)}}, base)
    assert renewed.token != base.token and not (tmp_path / JOURNAL_FILE).exists()
    parts = {key: part for key, part in renewed.parts.items() if key != BASE_KEY}  # the token is save's to set
    save(path, {**parts, "new": 1}, renewed)  # a part more: journalled
    assert (tmp_path / JOURNAL_FILE).is_file()
    assert save(path, {"new": 1}, renewed).token != renewed.token  # a part gone: a new base
    assert not (tmp_path / JOURNAL_FILE).exists()


def test_a_save_worked_out_ahead_writes_what_save_writes(tmp_path: Path) -> None:
    """`prepare` (the search helper's part) and `write_prepared` (the building process's) give the files `save`
    gives: the same journal against the same base; a new base with its journal gone."""
    value: dict[str, Any] = {"stats": {str(n): "x" * 40 for n in range(100)}}
    saved, ahead = tmp_path / "saved" / "build.pickle", tmp_path / "ahead" / "build.pickle"
    saved.parent.mkdir()
    ahead.parent.mkdir()
    base = save(saved, dict(value), None)
    ahead.write_bytes(saved.read_bytes())
    edited = {**value, "stats": {**value["stats"], "1": "y"}}
    save(saved, dict(edited), base)
    data, new_base = prepare(dict(edited), base)
    assert not new_base
    write_prepared(ahead, data, new_base)
    assert (ahead.parent / JOURNAL_FILE).read_bytes() == (saved.parent / JOURNAL_FILE).read_bytes()
    assert ahead.read_bytes() == saved.read_bytes()  # the base left as it was
    renewed: dict[str, Any] = {"stats": {str(n): "z" * 40 for n in range(100)}}
    data, new_base = prepare(renewed, base)  # past a quarter of the base: a new one, with a token of its own
    assert new_base and renewed[BASE_KEY] != base.token
    write_prepared(ahead, data, new_base)
    assert not (ahead.parent / JOURNAL_FILE).exists()
    with ahead.open("rb") as handle:
        assert load_sealed(handle) == renewed


def _large_cache() -> BuildCache:
    """filled_cache with the pages of a site: a base that a few entries are a small part of."""
    cache = filled_cache()
    cache.pages.record({f"page-{n}.html": f"{n:040x}" for n in range(200)})
    return cache


def test_a_rebuild_writes_the_journal_and_the_next_load_reads_base_and_journal(tmp_path: Path) -> None:
    _large_cache().save(tmp_path)
    base_bytes = (tmp_path / CACHE_FILE).read_bytes()
    loaded = BuildCache.load(tmp_path)
    loaded.start("site-v1")
    loaded.articles.stats = {**loaded.articles.stats, "content/towns/b.md": (OLD, 4, "c" * 40)}
    loaded.articles.changed = True
    loaded.related.remember(2, (0, 1))  # changes its dict in place
    loaded.save(tmp_path)
    assert (tmp_path / CACHE_FILE).read_bytes() == base_bytes  # the base is left alone
    assert (tmp_path / JOURNAL_FILE).exists()
    again = BuildCache.load(tmp_path)
    assert again.warnings == []
    assert again.articles.stats["content/towns/b.md"] == (OLD, 4, "c" * 40)
    assert again.related.ranks == {0: (1,), 1: (0,), 2: (0, 1)}
    # a second rebuild's journal is still made against the base: it holds both changes
    again.start("site-v1")
    again.copies.record([], OLD, tmp_path)
    again.save(tmp_path)
    third = BuildCache.load(tmp_path)
    assert third.copies.sources == {} and "content/towns/b.md" in third.articles.stats
    assert third.related.ranks[2] == (0, 1)


def test_a_journal_grown_past_a_quarter_of_the_base_gives_a_new_base(tmp_path: Path) -> None:
    filled_cache().save(tmp_path)
    loaded = BuildCache.load(tmp_path)
    loaded.start("site-v1")
    loaded.pages.record({f"page-{n}.html": "d" * 40 for n in range(200)})
    loaded.save(tmp_path)
    assert not (tmp_path / JOURNAL_FILE).exists()
    assert len(BuildCache.load(tmp_path).pages.digests) == 200


def _journalled(tmp_path: Path) -> BuildCache:
    """A cache saved, loaded, changed (its copies forgotten) and saved again: a base and its journal."""
    _large_cache().save(tmp_path)
    loaded = BuildCache.load(tmp_path)
    loaded.start("site-v1")
    loaded.copies.record([], OLD, tmp_path)
    loaded.save(tmp_path)
    assert (tmp_path / CACHE_FILE).exists() and (tmp_path / JOURNAL_FILE).exists()
    return loaded


def test_a_stale_journal_is_left_out_and_a_damaged_one_discards_the_cache(tmp_path: Path) -> None:
    _journalled(tmp_path)
    journal = (tmp_path / JOURNAL_FILE).read_bytes()
    # a build died between writing a new base and removing the journal: the journal is another base's
    _large_cache().save(tmp_path)
    (tmp_path / JOURNAL_FILE).write_bytes(journal)
    stale = BuildCache.load(tmp_path)
    assert stale.warnings == [] and stale.copies.sources == filled_cache().copies.sources
    # a damaged journal: the index it completes is unknown, so the whole cache is made again, and said
    _journalled(tmp_path)
    data = bytearray((tmp_path / JOURNAL_FILE).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (tmp_path / JOURNAL_FILE).write_bytes(bytes(data))
    damaged = BuildCache.load(tmp_path)
    assert damaged.site_fingerprint == "" and damaged.copies.sources == {}
    assert len(damaged.warnings) == 1 and JOURNAL_FILE in damaged.warnings[0] and "damaged" in damaged.warnings[0]


def test_a_journal_naming_a_part_of_the_wrong_type_discards_the_cache(tmp_path: Path) -> None:
    filled_cache().save(tmp_path)
    with (tmp_path / CACHE_FILE).open("rb") as handle:
        token = pickle.load(handle)[BASE_KEY]
    empty: dict[str, Any] = {"base": token, "replaced": {}, "updated": {}, "removed": {}, "lengths": {}}
    (tmp_path / JOURNAL_FILE).write_bytes(seal(pickle.dumps(empty)))
    assert BuildCache.load(tmp_path).warnings == []  # a journal of nothing: well formed
    for forged, reason in (({"replaced": {"outputs": "not a tuple"}}, "a field of the wrong type"),
                           ({"updated": {"site": {"a": 1}}}, "another kind of part")):  # fmt: skip
        (tmp_path / JOURNAL_FILE).write_bytes(seal(pickle.dumps({**empty, **forged})))
        loaded = BuildCache.load(tmp_path)
        assert loaded.outputs.files == () and loaded.site_fingerprint == ""
        assert len(loaded.warnings) == 1 and JOURNAL_FILE in loaded.warnings[0] and reason in loaded.warnings[0]


def test_a_save_that_cannot_pickle_leaves_no_journal_naming_a_removed_base(tmp_path: Path) -> None:
    loaded = _journalled(tmp_path)
    loaded.related.remember(5, (lambda: 0,))  # type: ignore[arg-type]  # what a cache cannot hold
    loaded.save(tmp_path)
    assert not (tmp_path / CACHE_FILE).exists() and loaded.base is None  # the last cache no longer describes it
    assert BuildCache.load(tmp_path).site_fingerprint == ""
    loaded.related.ranks.pop(5)
    loaded.related.changed = True
    loaded.save(tmp_path)  # a new base, and a stale journal of the old one removed
    assert (tmp_path / CACHE_FILE).exists() and not (tmp_path / JOURNAL_FILE).exists()
    assert BuildCache.load(tmp_path).related.ranks == {0: (1,), 1: (0,)}
