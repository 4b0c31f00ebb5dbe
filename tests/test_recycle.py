"""The spare build recycled into the next one (build/recycle.py): the same output as a build staged afresh, with
file-system work that follows what changed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from output_support import builds_of, litter

from sitegen.build import generations, recycle
from sitegen.build.output import MARKER, write_site
from sitegen.build.recycle import RECORD_SUFFIX
from sitegen.model import OutputFile


def files(pages: dict[str, str]) -> list[OutputFile]:
    return [OutputFile(path, text.encode("utf-8")) for path, text in sorted(pages.items())]


def shown_files(out: Path) -> dict[str, bytes]:
    found = tree(out)
    found.pop(MARKER)
    return found


def encoded(pages: dict[str, str]) -> dict[str, bytes]:
    return {path: text.encode("utf-8") for path, text in pages.items()}


def test_the_third_build_is_the_first_builds_folder_made_a_copy_of_the_second(tmp_path: Path) -> None:
    out = tmp_path / "public"
    write_site(files({"a": "甲", "b/index.html": "乙", "c/index.html": "丙"}), out)
    first_folder = (builds_of(out) / "1").stat().st_ino
    write_site(files({"a": "甲", "b/index.html": "乙二", "d/index.html": "丁"}), out)  # c removed, d added
    b_of_two = (builds_of(out) / "2" / "b/index.html").stat().st_ino
    report = write_site(files({"a": "甲三", "b/index.html": "乙二", "d/index.html": "丁"}), out)
    builds = builds_of(out)
    assert os.readlink(out) == ".public-builds/3" and (builds / "3").stat().st_ino == first_folder
    assert shown_files(out) == encoded({"a": "甲三", "b/index.html": "乙二", "d/index.html": "丁"})
    assert not (builds / "3" / "c").exists()  # the folder the removed page left empty went with it
    assert (out / "b/index.html").stat().st_ino == b_of_two  # unchanged: a link of the build before's file
    assert (report.written, report.unchanged, report.removed) == (1, 2, 0)
    assert shown_files(builds / "2") == encoded({"a": "甲", "b/index.html": "乙二", "d/index.html": "丁"})
    assert (builds / f"2{RECORD_SUFFIX}").is_file() and litter(out) == []


def test_a_spare_whose_record_is_not_to_be_trusted_is_not_recycled(tmp_path: Path) -> None:
    out = tmp_path / "public"
    for text in ("一", "二"):
        write_site(files({"a": text, "b": "乙"}), out)
    spare = builds_of(out) / "1"
    (builds_of(out) / f"1{RECORD_SUFFIX}").write_text('{"shown": "9", "paths": []}', encoding="utf-8")
    spare_folder = spare.stat().st_ino
    write_site(files({"a": "三", "b": "乙"}), out)
    assert (builds_of(out) / "3").stat().st_ino != spare_folder  # staged afresh
    assert shown_files(out) == encoded({"a": "三", "b": "乙"}) and litter(out) == []


def test_a_build_that_changes_nothing_leaves_the_spare_a_spare(tmp_path: Path) -> None:
    out = tmp_path / "public"
    for text in ("一", "二", "二"):
        write_site(files({"a": text, "b": "乙"}), out)
    builds = builds_of(out)
    assert os.readlink(out) == ".public-builds/2"
    assert sorted(p.name for p in builds.iterdir()) == ["1", f"1{RECORD_SUFFIX}", "2"]
    assert shown_files(builds / "1") == encoded({"a": "二", "b": "乙"})  # made a copy of the shown build
    write_site(files({"a": "三", "b": "乙"}), out)
    assert shown_files(out) == encoded({"a": "三", "b": "乙"}) and litter(out) == []


def test_a_file_may_become_a_folder_and_back(tmp_path: Path) -> None:
    out = tmp_path / "public"
    sites = [{"x": "文件", "y/z": "深"}, {"x/index.html": "目录", "y": "浅"}, {"x": "又是文件", "y/z": "深"}]
    for pages in sites + sites:
        write_site(files(pages), out)
        assert shown_files(out) == encoded(pages)
    assert litter(out) == []


PATHS = st.sampled_from(["a", "b", "a/x", "a/y/z", "c/index.html", "c", "d/e/f.html", "tags/t/index.html"])
SITES = st.lists(st.dictionaries(PATHS, st.sampled_from(["甲", "乙", "丙"]), min_size=1, max_size=6), min_size=1,
                 max_size=6)  # fmt: skip


def consistent(pages: dict[str, str]) -> dict[str, str]:
    """A site can hold `a` or `a/x`, not both: keep the shorter paths."""
    kept: dict[str, str] = {}
    for path in sorted(pages, key=len):
        if not any(path.startswith(f"{other}/") or other.startswith(f"{path}/") for other in kept):
            kept[path] = pages[path]
    return kept


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(SITES)
def test_any_sequence_of_builds_shows_exactly_the_last_one(
    tmp_path_factory: pytest.TempPathFactory, sites: list[dict[str, str]]
) -> None:
    out = tmp_path_factory.mktemp("recycle") / "public"
    previous: dict[str, str] | None = None
    for raw in sites:
        pages = consistent(raw)
        write_site(files(pages), out)
        assert shown_files(out) == encoded(pages)
        builds = builds_of(out)
        spare = builds / str(int(os.readlink(out).rsplit("/", 1)[1]) - 1)
        if previous is not None and previous != pages:
            assert shown_files(spare) == encoded(previous)
        previous = pages
        assert litter(out) == []


def test_a_build_with_a_record_knows_the_shown_files_without_walking_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "public"
    for text in ("一", "二"):
        write_site(files({"a": text, "b/index.html": "乙", "c/index.html": "丙"}), out)

    def walked(folder: Path | None) -> set[str]:
        raise AssertionError(f"{folder} walked")

    monkeypatch.setattr(generations, "_files", walked)
    report = write_site(files({"a": "三", "b/index.html": "乙"}), out)
    assert report.removed == 1 and shown_files(out) == encoded({"a": "三", "b/index.html": "乙"})
    assert litter(out) == []


def test_clear_way_removes_a_file_or_link_where_a_folder_is_needed_and_makes_the_folders(tmp_path: Path) -> None:
    root, outside = tmp_path / "build", tmp_path / "outside"
    (root / "towns").mkdir(parents=True)
    outside.mkdir()
    (outside / "keep.html").write_text("not the build's", encoding="utf-8")
    (root / "a").write_text("a file where a folder is needed", encoding="utf-8")
    (root / "towns" / "link").symlink_to(outside)
    folders: set[str] = set()
    recycle.clear_way(root, "a/b/index.html", folders)
    recycle.clear_way(root, "towns/link/index.html", folders)
    assert (root / "a" / "b").is_dir() and not (root / "a" / "b" / "index.html").exists()
    assert (root / "towns" / "link").is_dir() and not (root / "towns" / "link").is_symlink()
    assert (outside / "keep.html").read_text(encoding="utf-8") == "not the build's"  # the link was not followed
    assert {os.path.join(root, "a", "b"), os.path.join(root, "towns", "link")} <= folders


def test_clear_way_removes_what_stands_at_the_path_and_leaves_its_other_links(tmp_path: Path) -> None:
    root, shown = tmp_path / "build", tmp_path / "shown"
    (root / "tags" / "old" / "deep").mkdir(parents=True)
    (root / "tags" / "old" / "deep" / "index.html").write_text("x", encoding="utf-8")
    (root / "towns").mkdir()
    shown.mkdir()
    (shown / "index.html").write_text("the shown build's page", encoding="utf-8")
    os.link(shown / "index.html", root / "towns" / "index.html")
    folders: set[str] = set()
    recycle.clear_way(root, "tags/old", folders)  # a folder where the new build has a file
    recycle.clear_way(root, "towns/index.html", folders)  # a hard link of the shown build's file
    recycle.clear_way(root, "towns/new/index.html", folders)  # nothing there yet
    assert not (root / "tags" / "old").exists() and (root / "tags").is_dir()
    assert not (root / "towns" / "index.html").exists()
    assert (shown / "index.html").read_text(encoding="utf-8") == "the shown build's page"
    assert (root / "towns" / "new").is_dir()


def _one_relative(path: str) -> bool:
    """What a record's path must be, one path at a time (the definition `recycle._paths` tells of a whole list)."""
    parts = path.split("/")
    return bool(path) and not path.startswith("/") and ".." not in parts and "" not in parts and "\n" not in path


_PATH_PARTS = st.sampled_from(["a", "b.html", "..", ".", "", "中文", "x\ny", "...", "a..b"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_PATH_PARTS, min_size=1, max_size=4).map("/".join), max_size=6))
def test_a_records_paths_are_told_as_each_path_alone_would_be(paths: list[str]) -> None:
    assert recycle._paths(paths) == all(_one_relative(path) for path in paths)


def test_a_record_holding_anything_but_a_list_of_text_is_refused() -> None:
    assert recycle._paths([])
    assert not recycle._paths(["a", 1]) and not recycle._paths("a") and not recycle._paths(None)
    assert not recycle._paths(["a", "/etc/passwd"]) and not recycle._paths(["a/../../b"])
