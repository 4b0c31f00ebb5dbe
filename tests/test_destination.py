"""Where a build's files go (sitegen.build.destination): each mode's answers to what may be kept, where else bytes
may come from, and what is kept for the next build."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.build.destination import LastIndex, NoOutput, OutputFolder, ServeMemory
from sitegen.incremental.cache import BuildCache
from sitegen.incremental.pages import PAGES_FILE, DiskPageStore, PageStore, compress
from sitegen.incremental.searchrecord import SEARCH_FILE, save_search_state, search_state_file
from sitegen.model import OutputFile
from sitegen.search.index import SEARCH_URL, IndexState, SearchDocument, build_new_index

EDITION_STATE = search_state_file("zh-hant/")
OLD = 1_600_000_000 * 10**9


def index_state(key: str = "k") -> IndexState:
    """The state of a one-article index, as a cold build leaves it (the cache reads back only a well-formed one)."""
    files = build_new_index([key], lambda _: SearchDocument("甲文", "towns/a/", "镇街", "2024-01-01", "甲的正文。"))
    while True:
        try:
            next(files)
        except StopIteration as done:
            state: IndexState = done.value
            return state


def output_folder(tmp_path: Path) -> tuple[Path, BuildCache]:
    """An output holding index.html, a copied asset and the search index's meta.json, each as the last build left it
    (by the cache's records)."""
    output, source = tmp_path / "public", tmp_path / "site/assets/a.css"
    for path, data in (("index.html", b"<p>home</p>"), ("assets/a.css", b"a{}"), ("search/meta.json", b"{}")):
        (output / path).parent.mkdir(parents=True, exist_ok=True)
        (output / path).write_bytes(data)
    source.parent.mkdir(parents=True)
    source.write_bytes(b"a{}")
    cache = BuildCache()
    cache.pages.record({"index.html": "home-digest"})
    paths = ["index.html", "assets/a.css", "search/meta.json"]
    cache.outputs.record_written(output, paths, [])
    cache.copies.record([("assets/a.css", source)], racy_after=OLD * 10, immutable=tmp_path / "images")
    return output, cache


def test_no_output_keeps_nothing_reads_nothing_and_remembers_nothing(tmp_path: Path) -> None:
    _, cache = output_folder(tmp_path)  # an output as a build left it: a check still renders every page
    nowhere = NoOutput()
    assert not nowhere.page_kept("index.html", "home-digest")
    assert nowhere.pages_kept(["index.html"], ["home-digest"]) == [False]
    assert nowhere.held_in_memory(["home-digest"]) == [False]
    assert not nowhere.files_kept(["index.html"]) and not nowhere.files_kept([])
    assert not nowhere.copy_kept("assets/a.css", tmp_path / "site/assets/a.css")
    assert nowhere.source.digests() == {} and not nowhere.store.keeps
    nowhere.remember_page("home-digest", b"<p>home</p>")
    assert nowhere.page_in_memory("home-digest") is None
    assert nowhere.search_in_memory("any") is None
    assert nowhere.last_index(SEARCH_URL, SEARCH_FILE, []) == LastIndex()
    files = [OutputFile("search/meta.json", b"{}")]
    assert list(nowhere.keep_search_files(files)) == files
    assert cache.pages.in_memory == {} and cache.search.state is None


def test_an_output_folder_keeps_a_page_only_as_the_last_build_left_it_and_from_the_same_digest(tmp_path: Path) -> None:
    output, cache = output_folder(tmp_path)
    folder = OutputFolder(output, cache, PageStore(), states=None)
    assert folder.page_kept("index.html", "home-digest")
    assert not folder.page_kept("index.html", "another-digest")  # its inputs changed
    assert not folder.page_kept("about/index.html", "home-digest")  # not in the last build
    asked = (["index.html", "index.html", "about/index.html"], ["home-digest", "another-digest", "home-digest"])
    assert folder.pages_kept(*asked) == [True, False, False]  # in bulk (a page plan's): the same answers
    (output / "index.html").write_bytes(b"<p>edited by hand</p>")
    assert not folder.page_kept("index.html", "home-digest")
    assert folder.pages_kept(*asked) == [False, False, False]
    assert folder.files_kept(["assets/a.css", "search/meta.json"])
    assert not folder.files_kept(["assets/a.css", "search/gone.json"])
    assert folder.page_in_memory("home-digest") is None  # an output folder holds no page in memory
    assert folder.held_in_memory(["home-digest"]) == [False]


def test_an_output_folder_keeps_a_copy_while_its_source_and_the_copy_are_as_they_were(tmp_path: Path) -> None:
    output, cache = output_folder(tmp_path)
    folder = OutputFolder(output, cache, PageStore(), states=None)
    source = tmp_path / "site/assets/a.css"
    assert folder.copy_kept("assets/a.css", source)
    assert not folder.copy_kept("assets/a.css", tmp_path / "site/assets/other.css")
    source.write_bytes(b"a{color:red}")
    assert not folder.copy_kept("assets/a.css", source)


def test_an_output_folder_reads_and_writes_the_page_store_of_its_disk_cache(tmp_path: Path) -> None:
    output, cache = output_folder(tmp_path)
    folder = OutputFolder.open(output, cache, tmp_path / "cache", disk_cache=True)
    assert folder.source is folder.store and folder.store.keeps and folder.states == tmp_path / "cache"
    folder.store.put("index.html", "home-digest", compress(b"<p>home</p>"))
    folder.store.retain({"index.html"})  # what the build wrote: written through
    assert (tmp_path / "cache" / PAGES_FILE).is_file()
    assert folder.source.digests() == {"index.html": "home-digest"}
    assert list(folder.source.read_many([("index.html", "home-digest")])) == [b"<p>home</p>"]
    assert isinstance(folder.store, DiskPageStore)
    folder.store.close()
    uncached = OutputFolder.open(output, cache, tmp_path / "cache", disk_cache=False)  # --no-cache
    assert uncached.source.digests() == {} and not uncached.store.keeps and uncached.states is None


def test_an_output_folder_updates_the_index_its_output_and_the_saved_state_hold(tmp_path: Path) -> None:
    output, cache = output_folder(tmp_path)
    states = tmp_path / "cache"
    states.mkdir()
    save_search_state(states, index_state())
    folder = OutputFolder(output, cache, PageStore(), states)
    last = folder.last_index(SEARCH_URL, SEARCH_FILE, [])
    assert last.state == index_state() and last.in_output and last.where == str(states / SEARCH_FILE)
    assert last.files("meta.json") == b"{}" and last.files("shards/0.bin") is None  # read from the output
    assert last.file(SEARCH_URL, "meta.json", None) == OutputFile("search/meta.json", unchanged=True)
    assert last.file(SEARCH_URL, "docs/0.json", b"[]") == OutputFile("search/docs/0.json", b"[]")
    assert folder.last_index("zh-hant/search/", EDITION_STATE).state is None  # no edition state saved


def test_an_output_folder_says_a_damaged_state_of_the_source_index_only(tmp_path: Path) -> None:
    output, cache = output_folder(tmp_path)
    states = tmp_path / "cache"
    states.mkdir()
    (states / SEARCH_FILE).write_bytes(b"not a pickle")
    (states / EDITION_STATE).write_bytes(b"not a pickle")
    folder = OutputFolder(output, cache, PageStore(), states)
    warnings: list[str] = []
    assert folder.last_index(SEARCH_URL, SEARCH_FILE, warnings).state is None
    assert len(warnings) == 1 and SEARCH_FILE in warnings[0]
    assert folder.last_index("zh-hant/search/", EDITION_STATE).state is None


def test_an_output_folder_keeps_the_states_to_save_only_with_the_disk_cache(tmp_path: Path) -> None:
    output, cache = output_folder(tmp_path)
    folder = OutputFolder(output, cache, PageStore(), tmp_path / "cache")
    folder.keep_index_state(SEARCH_FILE, index_state("source"))
    folder.keep_index_state(EDITION_STATE, index_state("edition"))
    assert cache.search.state == index_state("source")
    assert cache.search.edition_states == {EDITION_STATE: index_state("edition")}
    uncached = BuildCache()
    no_cache = OutputFolder(output, uncached, PageStore(), states=None)
    no_cache.keep_index_state(SEARCH_FILE, index_state())
    assert uncached.search.state is None and uncached.search.edition_states == {}
    assert no_cache.last_index(SEARCH_URL, SEARCH_FILE, []) == LastIndex()  # every index built cold
    files = [OutputFile("search/meta.json", b"{}")]
    assert list(folder.keep_search_files(files)) == files and cache.search.output == ()  # nothing held in memory


def test_serve_takes_pages_from_its_memory_and_keeps_only_the_last_builds(tmp_path: Path) -> None:
    memory = BuildCache()
    memory.pages.in_memory["old"] = b"<p>old</p>"
    serve = ServeMemory(memory, PageStore())
    assert serve.page_in_memory("old") == b"<p>old</p>" and serve.page_in_memory("new") is None
    assert serve.held_in_memory(["new", "old"]) == [False, True]
    serve.remember_page("new", b"<p>new</p>")
    assert serve.page_in_memory("new") == b"<p>new</p>"
    serve.record_pages(["new"])
    assert memory.pages.in_memory == {"new": b"<p>new</p>"}
    _, cache = output_folder(tmp_path)  # serve writes no output: nothing there is ever kept
    memory.pages.digests, memory.outputs = dict(cache.pages.digests), cache.outputs
    assert not serve.page_kept("index.html", "home-digest") and not serve.files_kept(["index.html"])
    assert serve.pages_kept(["index.html"], ["home-digest"]) == [False]


def test_serve_reads_the_page_store_a_build_left_in_its_first_build_only_and_writes_none(tmp_path: Path) -> None:
    built = DiskPageStore(tmp_path / PAGES_FILE)
    built.put("index.html", "home-digest", compress(b"<p>home</p>"))
    built.retain({"index.html"})
    built.close()
    memory = BuildCache()
    first = ServeMemory.open(memory, tmp_path, disk_cache=True)
    assert first.source.digests() == {"index.html": "home-digest"}
    assert list(first.source.read_many([("index.html", "home-digest")])) == [b"<p>home</p>"]
    assert not first.source.keeps and not first.store.keeps  # read only
    first.remember_page("home-digest", b"<p>home</p>")
    later = ServeMemory.open(memory, tmp_path, disk_cache=True)  # its pages are in memory now
    assert later.source.digests() == {} and later.page_in_memory("home-digest") == b"<p>home</p>"
    assert ServeMemory.open(BuildCache(), tmp_path, disk_cache=False).source.digests() == {}
    assert isinstance(first.source, DiskPageStore)
    first.source.close()


def test_serve_keeps_the_source_search_index_and_its_state_in_memory() -> None:
    memory = BuildCache()
    serve = ServeMemory(memory, PageStore())
    assert serve.last_index(SEARCH_URL, SEARCH_FILE, []).state is None  # the first build: cold
    files = [OutputFile("search/meta.json", b"{}"), OutputFile("search/docs/0.json", b"[]")]
    handed_on = serve.keep_search_files(files)
    assert next(handed_on) == files[0] and memory.search.output == ()  # kept once all are handed on
    assert list(handed_on) == files[1:] and memory.search.output == tuple(files)
    serve.keep_index_state(SEARCH_FILE, index_state())
    memory.search.record("index-digest", ("search/meta.json", "search/docs/0.json"))
    assert serve.search_in_memory("index-digest") == tuple(files)
    assert serve.search_in_memory("another-digest") is None
    last = serve.last_index(SEARCH_URL, SEARCH_FILE, [])
    assert last.state == index_state() and not last.in_output and last.where == "memory"
    assert last.files("docs/0.json") == b"[]" and last.files("docs/1.json") is None
    assert last.file(SEARCH_URL, "docs/0.json", None) == OutputFile("search/docs/0.json", b"[]")  # from memory
    with pytest.raises(KeyError):
        last.file(SEARCH_URL, "docs/1.json", None)


def test_serve_makes_an_editions_index_anew_and_keeps_nothing_of_it() -> None:
    memory = BuildCache()
    memory.search.state = index_state("source")
    serve = ServeMemory(memory, PageStore())
    assert serve.last_index("zh-hant/search/", EDITION_STATE).state is None
    serve.keep_index_state(EDITION_STATE, index_state("edition"))
    assert memory.search.state == index_state("source") and memory.search.edition_states == {}

