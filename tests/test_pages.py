"""The page store (sitegen.incremental.pages): rendered files by output path and digest, compressed, in SQLite."""

from __future__ import annotations

import contextlib
import multiprocessing
import sqlite3
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from conftest import MakeSite, article, build_site

from sitegen.incremental.pages import PAGES_FILE, DiskPageStore, PageStore, compress, decompress


def filled(folder: Path) -> DiskPageStore:
    store = DiskPageStore(folder / PAGES_FILE)
    store.put("index.html", "d1", compress(b"<p>home</p>"))
    store.put("towns/index.html", "d2", compress(b"<p>towns</p>"))
    store.flush()
    return store


def test_a_file_comes_back_only_with_the_digest_it_was_made_from(tmp_path: Path) -> None:
    store = filled(tmp_path)
    assert store.get("index.html", "d1") == b"<p>home</p>"
    assert store.get("index.html", "other") is None
    assert store.get("missing.html", "d1") is None
    assert store.digests() == {"index.html": "d1", "towns/index.html": "d2"}
    assert store.holds(("index.html",), "d1") and not store.holds(("index.html", "towns/index.html"), "d1")


def test_many_files_come_back_in_the_order_asked(tmp_path: Path) -> None:
    store = filled(tmp_path)
    for n in range(600):  # more than one chunk
        store.put(f"p{n}.html", "d", compress(f"<p>{n}</p>".encode()))
    store.flush()
    wanted = [("towns/index.html", "d2"), ("index.html", "stale"), *((f"p{n}.html", "d") for n in range(600))]
    found = list(store.read_many(wanted))
    assert found[:2] == [b"<p>towns</p>", None]
    assert found[2:] == [f"<p>{n}</p>".encode() for n in range(600)]


def test_pages_put_twice_in_a_batch_keep_the_last_and_rows_go_in_path_order(tmp_path: Path) -> None:
    store = DiskPageStore(tmp_path / PAGES_FILE)
    for name, text in (("c", "c"), ("a", "first"), ("b", "b"), ("a", "second")):
        store.put(f"{name}.html", "d", compress(f"<p>{text}</p>".encode()))
    store.flush()
    store.close()
    assert DiskPageStore(tmp_path / PAGES_FILE).get("a.html", "d") == b"<p>second</p>"  # the later put wins
    with contextlib.closing(sqlite3.connect(tmp_path / PAGES_FILE)) as db:
        rows = [path for (path,) in db.execute("SELECT path FROM pages ORDER BY rowid")]
    assert rows == ["a.html", "b.html", "c.html"]


def test_a_store_of_the_former_layout_is_read_but_made_anew_by_a_writer(tmp_path: Path) -> None:
    """The former table kept each page's bytes in its path's B-tree (WITHOUT ROWID): slow to write at scale."""
    path = tmp_path / PAGES_FILE
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute(
            "CREATE TABLE pages (path TEXT PRIMARY KEY, digest TEXT NOT NULL, data BLOB NOT NULL) WITHOUT ROWID"
        )
        db.execute("INSERT INTO pages VALUES ('index.html', 'd1', ?)", (compress(b"<p>old</p>"),))
        db.commit()
    assert DiskPageStore(path, write=False).get("index.html", "d1") == b"<p>old</p>"  # `sitegen check` reads it
    store = DiskPageStore(path)
    assert store.get("index.html", "d1") is None  # a writer makes the file anew: an older sitegen's pages
    store.put("towns/index.html", "d2", compress(b"<p>towns</p>"))
    store.flush()
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert "WITHOUT ROWID" not in db.execute("SELECT sql FROM sqlite_master WHERE name = 'pages'").fetchone()[0]
    assert DiskPageStore(path).digests() == {"towns/index.html": "d2"}


def test_a_second_store_on_the_file_reads_what_the_first_wrote_and_retain_forgets_the_rest(tmp_path: Path) -> None:
    filled(tmp_path).retain({"index.html"})
    again = DiskPageStore(tmp_path / PAGES_FILE)
    assert again.digests() == {"index.html": "d1"}
    again.mark("search", "d3")
    again.retain({"index.html"})  # a mark is no output file, and stays
    assert DiskPageStore(tmp_path / PAGES_FILE).marked("search") == "d3"
    assert DiskPageStore(tmp_path / PAGES_FILE).marked("other") is None


def test_retaining_the_last_outputs_files_writes_what_was_put_and_reads_no_row(tmp_path: Path) -> None:
    """A build whose output lists the same files as the last one's: no row of another file can be in the store but
    one a build that died left (harmless: rows are looked up by path and digest), so the rows are not read (0.3 s at
    100,000 articles); what was put is still written, and a store whose write failed is still emptied."""
    store = filled(tmp_path)
    store.put("tips/index.html", "d4", compress(b"<p>tips</p>"))  # not yet written
    store.retain({"index.html", "tips/index.html"}, listed_before=True)
    assert DiskPageStore(tmp_path / PAGES_FILE).digests() == {
        "index.html": "d1", "towns/index.html": "d2", "tips/index.html": "d4"
    }  # fmt: skip
    store.retain({"index.html", "tips/index.html"})  # another list: the rows of files it lacks go
    assert DiskPageStore(tmp_path / PAGES_FILE).digests() == {"index.html": "d1", "tips/index.html": "d4"}
    store._failed = True  # a write that failed (a full disk): an older row may stand where a newer one did not go
    store.retain({"index.html"}, listed_before=True)
    assert DiskPageStore(tmp_path / PAGES_FILE).digests() == {}


def test_a_damaged_row_or_file_gives_nothing_and_a_damaged_file_is_made_anew(tmp_path: Path) -> None:
    store = filled(tmp_path)
    store.put("bad.html", "d", b"not compressed")
    store.flush()
    assert store.get("bad.html", "d") is None and list(store.read_many([("bad.html", "d")])) == [None]
    store.close()
    (tmp_path / PAGES_FILE).write_bytes(b"not a database" * 100)
    fresh = DiskPageStore(tmp_path / PAGES_FILE)
    assert fresh.get("index.html", "d1") is None
    fresh.put("index.html", "d1", compress(b"x"))
    fresh.flush()
    assert fresh.get("index.html", "d1") == b"x"


def test_a_read_only_store_writes_nothing_and_the_null_store_keeps_nothing(tmp_path: Path) -> None:
    filled(tmp_path).close()
    before = (tmp_path / PAGES_FILE).read_bytes()
    reader = DiskPageStore(tmp_path / PAGES_FILE, write=False)
    assert not reader.keeps and reader.get("index.html", "d1") == b"<p>home</p>"
    reader.put("new.html", "d", compress(b"x"))
    reader.retain(set())
    reader.close()
    assert (tmp_path / PAGES_FILE).read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == [PAGES_FILE]
    assert DiskPageStore(tmp_path / "none.sqlite", write=False).get("index.html", "d1") is None
    assert not (tmp_path / "none.sqlite").exists()
    null = PageStore()
    null.put("index.html", "d1", compress(b"x"))
    assert not null.keeps and null.get("index.html", "d1") is None and list(null.read_many([("a", "b")])) == [None]


def test_the_page_store_is_asked_about_a_few_paths_without_reading_every_digest(tmp_path: Path) -> None:
    from sitegen.incremental import pages as pages_module
    from sitegen.incremental.pages import DiskPageStore, compress

    store = DiskPageStore(tmp_path / "pages.sqlite")
    for index in range(300):  # more than a query's chunk
        store.put(f"p/{index}/index.html", f"d{index}", compress(b"x"))
    store.mark("search", "s1")
    store.flush()
    wanted = [f"p/{index}/index.html" for index in range(0, 300, 2)] + ["absent.html"]
    again = DiskPageStore(tmp_path / "pages.sqlite")
    found = again.digests_of(wanted)
    assert again._digests is None, "not every digest read"
    assert found == {path: again.digests()[path] for path in wanted if path != "absent.html"}
    assert again.marked("search") == "s1" and again.holds(("p/1/index.html",), "d1")
    assert not again.holds(("p/1/index.html", "absent.html"), "d1")
    many = [f"q/{index}" for index in range(pages_module._FEW_PATHS + 1)]
    assert DiskPageStore(tmp_path / "pages.sqlite").digests_of([*many, "p/3/index.html"]) == {"p/3/index.html": "d3"}


def test_a_row_of_a_store_written_with_zlib_is_damaged_not_a_failed_build(tmp_path: Path) -> None:
    """The store's rows were zlib's before Zstandard: such a row (never asked for, since another sitegen's page keys
    differ) gives nothing, and the page is rendered again."""
    store = filled(tmp_path)
    store.put("old.html", "d", zlib.compress(b"<p>old</p>", 1))
    store.flush()
    assert store.get("old.html", "d") is None and list(store.read_many([("old.html", "d")])) == [None]


def test_pages_compressed_in_forked_workers_and_threads_read_back_the_same() -> None:
    """The compressor of each process and thread is its own (a forked page worker's, the store's reading thread)."""
    pages = [f"<p>第{n}页</p>".encode() * (n + 1) for n in range(200)]
    with multiprocessing.get_context("fork").Pool(2) as pool:
        blobs = pool.map(compress, pages)
    with ThreadPoolExecutor(4) as threads:
        assert list(threads.map(decompress, blobs)) == pages
    assert [decompress(compress(page)) for page in pages] == pages
    assert len(compress(pages[-1])) < len(pages[-1]) // 10


def test_a_build_forgets_the_rows_of_pages_it_no_longer_makes_and_keeps_the_rest(make_site: MakeSite) -> None:
    """The rows of the page store are read to find stale ones only when the output's list of files changed."""
    site = make_site({f"content/towns/a{n}.md": article(f"第{n}篇", f"2024-01-0{n + 1}") for n in range(3)})
    build_site(site)
    pages = site / ".sitegen-cache" / PAGES_FILE
    before = DiskPageStore(pages).digests()
    gone = [path for path in before if path.endswith("/index.html") and "a2" in path]
    assert gone
    (site / "content" / "towns" / "a1.md").write_text(article("第1篇", "2024-01-02", "改过的正文。"), encoding="utf-8")
    build_site(site)  # the same files: rows kept, the edited page's row replaced
    assert DiskPageStore(pages).digests().keys() == before.keys()
    (site / "content" / "towns" / "a2.md").unlink()
    build_site(site)
    after = DiskPageStore(pages).digests()
    assert not any(path in after for path in gone) and "index.html" in after
