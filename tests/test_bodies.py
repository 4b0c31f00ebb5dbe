"""Article bodies live in a BodyStore (SQLite on disk for `sitegen build`), one at a time, never all in memory."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

import pytest
from conftest import FIXED_NOW, MakeSite, article, build_site, tree

from sitegen.build.api import BuildOptions, build, load_site
from sitegen.build.parallel import ordered_map
from sitegen.incremental.bodies import BODIES_FILE, BodyStore, DiskBodyStore
from sitegen.model import Body

ONE = Body("<p>一</p>", "一")
TWO = Body("<p>二</p>", "二")


@pytest.mark.parametrize("make", [lambda tmp: BodyStore(), lambda tmp: DiskBodyStore(tmp / BODIES_FILE)])
def test_a_store_gives_back_what_was_put_and_forgets_what_is_not_retained(make, tmp_path: Path) -> None:
    store = make(tmp_path)
    store.put("a", ONE)
    store.put("b", TWO)
    store.flush()
    assert (store.get("a"), store.get("b")) == (ONE, TWO)
    assert store.keys() == {"a", "b"}
    store.retain({"b"})
    assert store.keys() == {"b"}
    with pytest.raises(KeyError):
        store.get("a")
    if isinstance(store, DiskBodyStore):  # gone from the file too, not only from this store's memory
        assert DiskBodyStore(tmp_path / BODIES_FILE).keys() == {"b"}
    store.clear()
    assert store.keys() == set()


def test_bodies_on_disk_outlive_the_process_and_are_read_from_forked_workers(tmp_path: Path) -> None:
    path = tmp_path / BODIES_FILE
    writer = DiskBodyStore(path)
    for n in range(600):  # more than one batch
        writer.put(f"k{n}", Body(f"<p>{n}</p>", str(n)))
    writer.flush()
    reader = DiskBodyStore(path)
    assert reader.get("k599") == Body("<p>599</p>", "599") and len(reader.keys()) == 600
    pids = list(ordered_map(lambda n: (reader.get(f"k{n}").html, os.getpid()), 128, 2))  # workers inherit it
    assert [html for html, _ in pids] == [f"<p>{n}</p>" for n in range(128)]
    assert os.getpid() not in {pid for _, pid in pids}


def test_a_read_only_store_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "cache" / BODIES_FILE
    store = DiskBodyStore(path, write=False)
    store.put("a", ONE)
    store.flush()
    store.retain(set())
    assert store.keys() == set() and not path.parent.exists()
    writer = DiskBodyStore(path)
    writer.put("b", TWO)
    writer.flush()
    writer.close()
    before = {file.name: file.read_bytes() for file in path.parent.iterdir()}
    reading = DiskBodyStore(path, write=False)
    assert reading.get("b") == TWO
    reading.put("c", ONE)
    reading.flush()
    reading.clear()
    assert {file.name: file.read_bytes() for file in path.parent.iterdir()} == before  # no journal, no -shm


def test_a_damaged_file_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / BODIES_FILE
    path.write_bytes(b"not a database at all" * 100)
    store = DiskBodyStore(path)
    store.put("a", ONE)
    store.flush()
    assert DiskBodyStore(path).get("a") == ONE


def test_bodies_are_appended_in_the_order_they_are_put_whatever_their_keys(tmp_path: Path) -> None:
    # random keys (fingerprints) go to the small index of keys; the rows themselves are appended, so that a put
    # never lands in the middle of a tree of large rows that grows with the site
    path = tmp_path / BODIES_FILE
    store = DiskBodyStore(path)
    keys = [f"{(n * 7919) % 1000:03}" for n in range(1000)]
    for key in keys:
        store.put(key, Body(f"<p>{key}</p>", key))
    store.flush()
    store.close()
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert [key for (key,) in db.execute("SELECT key FROM bodies ORDER BY rowid")] == keys
    assert DiskBodyStore(path).get("123") == Body("<p>123</p>", "123")


def test_a_file_of_the_former_layout_is_made_anew_without_a_warning(tmp_path: Path) -> None:
    path = tmp_path / BODIES_FILE
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute(
            "CREATE TABLE bodies (key TEXT PRIMARY KEY, html TEXT NOT NULL, search TEXT NOT NULL,"
            " checksum TEXT NOT NULL) WITHOUT ROWID"
        )
        db.execute("INSERT INTO bodies VALUES ('old', '<p>旧</p>', '旧', 'x')")
        db.commit()
    assert DiskBodyStore(path, write=False).keys() == set()  # `sitegen check` reads nothing from it, changes nothing
    store = DiskBodyStore(path)
    assert store.keys() == set()
    store.put("a", ONE)
    store.flush()
    assert DiskBodyStore(path).get("a") == ONE and store.warnings == []


def test_a_row_on_a_damaged_page_put_again_makes_the_file_anew_once(tmp_path: Path) -> None:
    path = tmp_path / BODIES_FILE
    long = "正文第一段。" * 2000  # spills over into overflow pages
    store = DiskBodyStore(path)
    for key in ("a", "b"):
        store.put(key, Body(f"<p>{key}{long}</p>", key))
    store.flush()
    store.close()
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    overflow = next(
        n
        for n in range(1, len(data) // page)
        if data[n * page] == 0 and long[:20].encode() in data[n * page : (n + 1) * page]
    )
    data[overflow * page : overflow * page + 4] = (0x7FFFFFFF).to_bytes(4, "big")  # its next page: nowhere
    path.write_bytes(bytes(data))
    damaged = DiskBodyStore(path)
    with pytest.raises(KeyError):
        damaged.get("a")  # said in warnings; the article is rendered again and put
    damaged.put("a", Body("<p>again</p>", "a"))
    damaged.flush()
    assert any(warning.startswith(f"{path}: cache discarded") for warning in damaged.warnings)
    healed = DiskBodyStore(path)
    assert healed.get("a") == Body("<p>again</p>", "a") and healed.keys() == {"a"}  # "b" is rendered again
    healed.put("a", ONE)
    healed.flush()
    assert healed.warnings == []


def test_the_loaded_site_holds_no_body(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article(body="## 小标题\n\n正文。\n")})
    loaded = load_site(site, BuildOptions(now=FIXED_NOW))
    (only,) = loaded.site.articles
    assert only.body_html == ""
    assert '<h2 id="小标题">小标题</h2>' in loaded.body(only).html
    assert "小标题" in loaded.body(only).search_text


def test_a_build_keeps_bodies_on_disk_and_rebuilds_what_the_store_lost(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site({f"content/towns/{n}.md": article(f"标题{n}", body=f"正文{n}。") for n in "abc"})
    first = build_site(site)
    bodies = site / ".sitegen-cache" / BODIES_FILE
    assert len(DiskBodyStore(bodies).keys()) == 3
    expected = tree(site / "public")
    bodies.unlink()
    again = build_site(site)
    assert (first.articles_rendered, again.articles_rendered) == (3, 3)
    assert tree(site / "public") == expected
    (site / "content/towns/c.md").unlink()
    build_site(site)
    assert len(DiskBodyStore(bodies).keys()) == 2  # a removed article's body goes too
    build(site, BuildOptions(now=FIXED_NOW, output_dir=tmp_path / "cold", disk_cache=False))
    assert tree(site / "public") == tree(tmp_path / "cold")


def test_get_many_reads_bodies_in_batches_from_disk_and_memory(tmp_path: Path) -> None:
    store = DiskBodyStore(tmp_path / "bodies.sqlite")
    for n in range(2500):
        store.put(f"k{n}", Body(f"<p>{n}</p>", str(n)))
    store.flush()
    store.put("pending", Body("<p>p</p>", "p"))  # not yet flushed: still found
    keys = [f"k{n}" for n in range(0, 2500, 3)] + ["pending"]
    found = store.get_many(keys)
    assert sorted(found) == sorted(keys)
    assert found["k2499"] == Body("<p>2499</p>", "2499") and found["pending"].search_text == "p"
    with pytest.raises(KeyError):
        store.get_many(["k1", "missing"])


def test_unreadable_names_the_missing_and_damaged_rows_of_many_keys_and_trusts_what_it_wrote(tmp_path: Path) -> None:
    """What the page workers will read is checked in bulk before they fork (LoadedSite.ensure_bodies): a row that is
    missing or fails its checksum is named, in the order asked; a body this process wrote a moment ago (a cold
    build's) is not read back; in memory, whatever was put is there."""
    path = tmp_path / BODIES_FILE
    writer = DiskBodyStore(path)
    for n in range(2500):
        writer.put(f"k{n}", Body(f"<p>{n}正文</p>", f"{n}正文"))
    writer.put("pending", Body("<p>p</p>", "p"))  # not yet flushed: written by the check first
    keys = ["k7", "missing", "k2499", "pending", "gone"]
    assert writer.unreadable(keys) == ["missing", "gone"]
    data = bytearray(path.read_bytes())
    at = data.find("<p>1234正文</p>".encode())
    data[at + 3 : at + 7] = b"4321"  # still text, but not what its checksum says
    path.write_bytes(bytes(data))
    assert writer.unreadable(["k1234"]) == []  # this process wrote it: read back as written
    reader = DiskBodyStore(path, write=False)  # another build's: it reads the rows
    assert reader.unreadable([*keys, "k1234", "k1235"]) == ["missing", "gone", "k1234"]
    with pytest.raises(KeyError):
        reader.get("k1234")  # `get` says which row is damaged
    assert any("k1234" in warning for warning in reader.warnings)
    memory = BodyStore()
    memory.put("a", ONE)
    assert memory.unreadable(["a", "b"]) == ["b"]


def test_a_body_checksum_tells_a_changed_character_in_either_text_and_where_they_meet() -> None:
    from sitegen.incremental.bodies import _checksum

    base = _checksum("<p>均禾街道</p>", "均禾街道")
    assert _checksum("<p>均禾街道</p>", "均禾街道") == base
    assert _checksum("<p>均和街道</p>", "均禾街道") != base
    assert _checksum("<p>均禾街道</p>", "均和街道") != base
    assert _checksum("ab", "c") != _checksum("a", "bc")
