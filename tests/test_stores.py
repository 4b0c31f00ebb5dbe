"""The build cache's stores (sitegen.incremental): each keeps one kind of reused work, and BuildCache loads and saves
them together, through one index that is written whole or not at all."""

from __future__ import annotations

import os
import pickle
from multiprocessing.reduction import ForkingPickler
from pathlib import Path

from conftest import articles_with_bodies, copy_example_site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.incremental.articles import DIGEST
from sitegen.incremental.cache import CACHE_FILE, BuildCache
from sitegen.incremental.copies import CopyRecord
from sitegen.incremental.journal import journal_path
from sitegen.incremental.outputs import OutputRecord
from sitegen.incremental.pagerecord import PageRecord
from sitegen.incremental.pickles import Pickler, SafeUnpickler, dump_sealed, seal, send_by_value
from sitegen.incremental.places import Places, all_relative, folder_prefixes, inside, relative_path
from sitegen.incremental.searchrecord import SearchRecord
from sitegen.related import RelatedMemo

OLD = 1_600_000_000 * 10**9


def filled_cache() -> BuildCache:
    cache = BuildCache()
    cache.start("site-v1")
    cache.articles.stats["content/towns/a.md"] = (OLD, 3, "d" * 40)
    cache.articles.shapes = {"content/towns/a.md": "e" * 40}
    cache.pages.record({"index.html": "digest-of-home"})
    cache.pages.record_references({"a" * 40: ("theme/base.html",), "b" * 40: None})
    cache.outputs.record_files(["index.html", "search/meta.json"])
    cache.outputs.stats = {"index.html": (OLD, 10)}
    cache.copies.sources = {"assets/a.css": ("/site/assets/a.css", OLD, 4)}
    cache.search.record("search-digest", ("search/meta.json",))
    cache.search.record_edition("zh-hant/search/", "edition-digest", ("zh-hant/search/meta.json",))
    cache.related = RelatedMemo("f" * 40, {0: (1,), 1: (0,)})
    return cache


def test_the_stores_are_saved_together_and_loaded_back(tmp_path: Path) -> None:
    cache = filled_cache()
    assert cache.changed
    cache.save(tmp_path)
    assert not cache.changed  # every store's part is on disk
    loaded = BuildCache.load(tmp_path)
    assert loaded.warnings == []
    assert loaded.site_fingerprint == "site-v1"
    assert loaded.articles.stats == cache.articles.stats and loaded.articles.shapes == cache.articles.shapes
    assert loaded.pages.digests == {"index.html": "digest-of-home"}
    assert loaded.outputs.files == ("index.html", "search/meta.json") and loaded.outputs.stats == cache.outputs.stats
    assert loaded.copies.sources == cache.copies.sources
    assert (loaded.search.digest, loaded.search.paths) == ("search-digest", ("search/meta.json",))
    assert loaded.search.editions == {"zh-hant/search/": ("edition-digest", ("zh-hant/search/meta.json",))}
    assert (loaded.related.shape, loaded.related.ranks) == ("f" * 40, {0: (1,), 1: (0,)})
    assert loaded.pages.template_references == {"a" * 40: ("theme/base.html",), "b" * 40: None}
    assert not loaded.changed and not loaded.articles.keep_sources  # a build on disk keeps no sources


def test_template_references_of_the_wrong_types_are_parsed_again_not_a_failed_build(tmp_path: Path) -> None:
    filled_cache().save(tmp_path)
    with (tmp_path / CACHE_FILE).open("rb") as handle:
        index = pickle.load(handle)
    index["template_references"] |= {3: ("x.html",), "c" * 40: "x.html", "d" * 40: (3,), "e" * 40: ["x.html"]}
    (tmp_path / CACHE_FILE).write_bytes(seal(pickle.dumps(index)))
    loaded = BuildCache.load(tmp_path)
    assert loaded.pages.template_references == {"a" * 40: ("theme/base.html",), "b" * 40: None}
    assert loaded.warnings == []


def test_related_articles_of_the_wrong_types_are_worked_out_again_not_a_failed_build(tmp_path: Path) -> None:
    filled_cache().save(tmp_path)
    for related in ({"shape": 3, "ranks": {}}, {"shape": "f" * 40, "ranks": {"0": (1,)}}, {"shape": "f" * 40,
                    "ranks": {0: [1]}}, {"shape": "f" * 40, "ranks": {0: ("1",)}}, {}):  # fmt: skip
        with (tmp_path / CACHE_FILE).open("rb") as handle:
            index = pickle.load(handle)
        index["related"] = related
        (tmp_path / CACHE_FILE).write_bytes(seal(pickle.dumps(index)))
        loaded = BuildCache.load(tmp_path)
        assert (loaded.related.shape, loaded.related.ranks) == (None, {}), related
        assert loaded.warnings == [] and loaded.pages.digests == {"index.html": "digest-of-home"}


def test_nothing_is_written_when_no_store_changed(tmp_path: Path) -> None:
    filled_cache().save(tmp_path)
    os.utime(tmp_path / CACHE_FILE, ns=(OLD, OLD))
    loaded = BuildCache.load(tmp_path)
    loaded.start("site-v1")
    loaded.pages.record({"index.html": "digest-of-home"})  # as it was
    loaded.save(tmp_path)
    assert (tmp_path / CACHE_FILE).stat().st_mtime_ns == OLD
    assert not journal_path(tmp_path / CACHE_FILE).exists()
    loaded.copies.record([], OLD, tmp_path)  # one store changed: what differs from the base is written
    assert loaded.changed
    loaded.save(tmp_path)
    assert journal_path(tmp_path / CACHE_FILE).exists() or (tmp_path / CACHE_FILE).stat().st_mtime_ns != OLD
    assert BuildCache.load(tmp_path).copies.sources == {}


def test_another_site_fingerprint_clears_the_articles_and_pages_but_not_the_record_of_the_output() -> None:
    cache = filled_cache()
    cache.pages.in_memory["digest-of-home"] = b"<html>"
    cache.start("site-v2")
    assert cache.articles.stats == {} and cache.articles.shapes == {}
    assert cache.pages.digests == {} and cache.pages.in_memory == {}
    assert cache.outputs.files and cache.copies.sources and cache.search.digest  # still describe the output


def test_an_index_of_the_former_layout_is_another_toolchains_not_a_damaged_one(tmp_path: Path) -> None:
    # what format 1 wrote: the cache's classes named in sitegen.incremental.cache
    (tmp_path / CACHE_FILE).write_bytes(b"\x80\x04csitegen.incremental.cache\nFileStat\n.")
    loaded = BuildCache.load(tmp_path)
    assert len(loaded.warnings) == 1 and "made by another version of sitegen" in loaded.warnings[0]
    assert loaded.site_fingerprint == "" and loaded.articles.by_path == {}


def test_a_class_outside_the_allow_list_is_refused_and_said(tmp_path: Path) -> None:
    (tmp_path / CACHE_FILE).write_bytes(seal(b"\x80\x04cos\nsystem\n."))
    loaded = BuildCache.load(tmp_path)
    assert len(loaded.warnings) == 1 and "os.system is not allowed" in loaded.warnings[0]


def test_a_malformed_edition_search_record_discards_the_index_instead_of_failing(tmp_path: Path) -> None:
    filled_cache().save(tmp_path)
    for record in ("garbage", ("digest", ("../../etc/passwd",)), ("digest", "not paths")):
        with (tmp_path / CACHE_FILE).open("rb") as handle:
            index = pickle.load(handle)
        index["edition_search"] = {"zh-hant/search/": record}
        (tmp_path / CACHE_FILE).write_bytes(seal(pickle.dumps(index)))
        loaded = BuildCache.load(tmp_path)
        assert len(loaded.warnings) == 1 and "cache discarded (damaged: edition_search" in loaded.warnings[0], record
        assert loaded.search.editions == {} and loaded.outputs.files == ()


def test_the_output_record_trusts_a_file_by_its_stats(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_bytes(b"<html>")
    record = OutputRecord()
    record.record_written(tmp_path, ["index.html", "gone.html"], kept=[])
    assert record.changed and set(record.stats) == {"index.html"}  # a file that is not there has no stats
    assert record.intact(tmp_path, "index.html") and not record.intact(tmp_path, "gone.html")
    (tmp_path / "index.html").write_bytes(b"<html>changed by hand")
    assert not record.intact(tmp_path, "index.html")
    before = dict(record.stats)
    record.record_written(tmp_path, ["index.html"], kept=["index.html"])  # kept unseen: its stats as they were
    assert record.stats == before


def test_the_copy_record_trusts_no_time_stamp_of_a_file_changed_during_the_build(tmp_path: Path) -> None:
    source, cached = tmp_path / "a.css", tmp_path / "images" / "b.webp"
    cached.parent.mkdir()
    for file in (source, cached):
        file.write_bytes(b"x")
        os.utime(file, ns=(OLD, OLD))
    record = CopyRecord()
    record.record([("assets/a.css", source), ("images/b.webp", cached)], racy_after=OLD + 1, immutable=cached.parent)
    assert record.unchanged("assets/a.css", source) and record.unchanged("images/b.webp", cached)
    record.record([("assets/a.css", source), ("images/b.webp", cached)], racy_after=OLD, immutable=cached.parent)
    assert not record.unchanged("assets/a.css", source)  # racy: compared by its bytes next time
    assert record.unchanged("images/b.webp", cached)  # the image cache's files never change
    assert not record.unchanged("assets/a.css", tmp_path / "other.css")


def test_serve_keeps_only_the_pages_of_its_last_build_in_memory() -> None:
    record = PageRecord(in_memory={"old": b"1", "current": b"2"})
    record.retain_in_memory(["current", "new"])
    assert record.in_memory == {"current": b"2"}


def test_the_search_record_notes_a_change_only_when_there_is_one() -> None:
    record = SearchRecord(digest="d", paths=("search/meta.json",))
    record.record("d", ("search/meta.json",))
    record.record_edition("zh-hant/search/", "e", ())
    assert record.changed  # the edition's record is new
    record.changed = False
    record.record_edition("zh-hant/search/", "e", ())
    assert not record.changed


def _relative_by_parts(path: object) -> bool:
    """relative_path's rule spelt out part by part (it is one regular expression)."""
    if not isinstance(path, str) or not path or path.startswith("/") or "\0" in path or "\\" in path:
        return False
    return all(part not in ("", ".", "..") for part in path.split("/"))


@given(st.lists(st.sampled_from(["a", "b.md", ".", "..", "...", "/", "\\", "\0", "\n", " ", "é"]), max_size=8))
def test_the_relative_path_rule_is_the_rule_spelt_out_part_by_part(pieces: list[str]) -> None:
    path = "".join(pieces)
    assert relative_path(path) == _relative_by_parts(path), repr(path)


_PIECES = st.sampled_from(["a", "b.md", ".", "..", "...", "/", "\\", "\0", "\n", " ", "é"])


@given(st.lists(st.lists(_PIECES, max_size=6).map("".join), max_size=5))
def test_many_paths_at_once_pass_only_where_each_passes_alone(paths: list[str]) -> None:
    """The one match over many paths (the cache's common case) never lets through a path the rule refuses; it
    refuses all of them only where one is refused, or holds a line break (then each is checked alone)."""
    if all_relative(paths):
        assert all(relative_path(path) for path in paths), paths
    elif all(relative_path(path) for path in paths):
        assert any("\n" in path for path in paths), paths
    mixed: list[object] = [*paths, 3]
    assert not all_relative(mixed) and all_relative([])


def test_page_frames_read_back_are_kept_only_when_of_the_expected_types(tmp_path: Path) -> None:
    index = {**filled_cache().pages.index_part(), "site_frame": "s"}
    index["frames"] = {
        "a.html": ("f", (0, 3, 2)),
        "b.html": ("f", ()),
        "c.html": ("f", (1, -1)),
        "d.html": ("f", (1, True)),
        "e.html": ("f", ("1",)),
        "f.html": ("f", [1]),
        "g.html": (b"f", (1,)),
    }
    record = PageRecord.from_index(index, Places(tmp_path / CACHE_FILE, []))
    assert record.frames == {"a.html": ("f", (0, 3, 2)), "b.html": ("f", ())}


def test_paths_read_back_stay_inside_their_folder(tmp_path: Path) -> None:
    assert relative_path("towns/a/index.html")
    for path in ("/etc/passwd", "../x", "a/../b", "a//b", "./a", "a\\b", "", "a\0b", 3):
        assert not relative_path(path), path
    warnings: list[str] = []
    kept = Places(tmp_path / CACHE_FILE, warnings).relative({"a.html": 1, "../b": 2, "/c": 3})
    assert kept == {"a.html": 1} and len(warnings) == 1 and "'../b'" in warnings[0]  # one line for the file
    roots = folder_prefixes((tmp_path / "content",))
    assert inside(tmp_path / "content" / "a.png", roots)
    assert not inside(Path(f"{tmp_path}/content/../secret.png"), roots)
    assert not inside(str(tmp_path / "content" / "a.png"), roots)  # not a Path: not what the cache holds


def test_a_sources_stats_of_another_kind_are_dropped_not_a_failed_build(tmp_path: Path) -> None:
    filled_cache().save(tmp_path)
    with (tmp_path / CACHE_FILE).open("rb") as handle:
        index = SafeUnpickler(handle).load()
    assert index["stats"] == {"content/towns/a.md": (OLD, 3, "d" * 40)}  # saved as a plain tuple
    for wrong in ("not stats", (OLD, 3), (OLD, "3", "d" * 40), (OLD, 3, None), [OLD, 3, "d" * 40], (True, 3, "d")):
        index["stats"]["content/towns/b.md"] = wrong  # would fail the reuse check's `.size` or compare wrongly
        with (tmp_path / CACHE_FILE).open("wb") as handle:
            dump_sealed(handle, index)
        loaded = BuildCache.load(tmp_path)
        assert list(loaded.articles.stats) == ["content/towns/a.md"]
        assert type(loaded.articles.stats["content/towns/a.md"]) is tuple
        assert loaded.articles.stats["content/towns/a.md"][DIGEST] == "d" * 40
        assert len(loaded.warnings) == 1 and "'content/towns/b.md'" in loaded.warnings[0]


def test_cached_objects_are_made_from_their_field_values_as_their_constructor_makes_them() -> None:
    import pickle as pickle_module
    from io import BytesIO
    from pathlib import Path as PathType

    import pytest

    from sitegen.incremental.pickles import SafeUnpickler, _rebuild
    from sitegen.model import Image, ImageVariant

    variant = ImageVariant("a/b-480.webp", 480, 320, "image/webp", PathType("/cache/b-480.webp"))
    image = Image("a/b.png", "说明", "替代", PathType("/site/a/b.png"), 960, 640, (variant,), None)
    buffer = BytesIO()
    Pickler(buffer, protocol=pickle_module.HIGHEST_PROTOCOL).dump([image, variant])
    read = SafeUnpickler(BytesIO(buffer.getvalue())).load()
    assert read == [image, variant] and type(read[0]) is Image and type(read[1]) is ImageVariant
    assert hash(read[1]) == hash(variant)
    with pytest.raises(TypeError):
        _rebuild("ImageVariant", ("a", 1, 2, "image/webp"))  # one value short: refused, as the class refuses it
    with pytest.raises(TypeError):
        _rebuild("ImageVariant", ("a", 1, 2, "image/webp", None, "extra"))


def test_articles_from_the_markdown_workers_are_pickled_by_their_fields_and_paths_as_text(tmp_path: Path) -> None:
    """Once `send_by_value` has run (before the Markdown pool forks), multiprocessing's pickler saves an article, its
    pictures and their paths as the cache's Pickler does, and reads the same article back."""
    site = copy_example_site(tmp_path)
    articles = articles_with_bodies(site)
    pictured = [a for a in articles if a.images]
    assert pictured
    send_by_value()
    for article in pictured:
        blob = bytes(ForkingPickler.dumps(article))
        assert b"_rebuild" in blob and b"_path" in blob and b"PosixPath" not in blob
        assert pickle.loads(blob) == article


_HEX = "0123456789abcdef"
_DIGEST_LIKE = st.one_of(
    st.text(_HEX, min_size=40, max_size=40),  # a digest
    st.text(_HEX + "\nG ", min_size=0, max_size=82),  # near misses: short, long, two digests joined by a line break
    st.integers(),
    st.none(),
)


@given(st.dictionaries(st.text(min_size=1, max_size=8), _DIGEST_LIKE, max_size=6))
def test_the_articles_digests_are_checked_at_once_keeping_exactly_what_one_at_a_time_keeps(saved: dict) -> None:
    """The shapes of 100,000 articles are checked by one match over them all: it must keep exactly the entries whose
    value is 40 hex digits, as checking each alone does."""
    from sitegen.incremental.articles import _digests

    alone = {
        path: value
        for path, value in saved.items()
        if isinstance(value, str) and len(value) == 40 and all(c in _HEX for c in value)
    }
    assert _digests(dict(saved)) == alone
    two = "a" * 40 + "\n" + "b" * 40
    assert _digests({"x": two, "y": "c" * 40}) == {"y": "c" * 40}  # one value holding two digests is not one


@given(
    recorded=st.dictionaries(st.sampled_from("abcdefgh"), st.tuples(st.integers(0, 9), st.integers(0, 9)), max_size=8),
    present=st.sets(st.sampled_from("abcdefgh")),
    kept=st.sets(st.sampled_from("abcdefgh")),
    written=st.dictionaries(st.sampled_from("abcdefgh"), st.tuples(st.integers(10, 19), st.integers(0, 9))),
)
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
def test_the_output_records_stats_are_the_kept_files_as_they_were_the_others_as_written_or_found(
    tmp_path: Path,
    recorded: dict[str, tuple[int, int]],
    present: set[str],
    kept: set[str],
    written: dict[str, tuple[int, int]],
) -> None:
    """A file kept unseen keeps its recorded stats; another has its writer's, else its own from the disk, else none."""
    folder = tmp_path / f"out-{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    for name in present:
        (folder / name).write_text(name, encoding="utf-8")
    paths = sorted(present | kept | set(written) | {"z"})
    record = OutputRecord(stats=dict(recorded))
    record.record_written(folder, paths, sorted(kept), written)
    on_disk = {name: (os.stat(folder / name).st_mtime_ns, os.stat(folder / name).st_size) for name in present}
    expected = {}
    for path in paths:
        if path in kept and path in recorded:
            expected[path] = recorded[path]
        elif path in written:
            expected[path] = written[path]
        elif path in on_disk:
            expected[path] = on_disk[path]
    assert record.stats == expected
    assert record.changed == (expected != recorded)
