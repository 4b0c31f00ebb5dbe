"""The only writer: a staging folder committed whole, unchanged files left untouched, dangerous folders refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import tree
from output_support import litter

from sitegen.build.output import MARKER, OutputRefused, check_output_dir, write_site
from sitegen.model import OutputFile


def files(**pages: str) -> list[OutputFile]:
    return [OutputFile(path.replace("__", "/"), text.encode("utf-8")) for path, text in pages.items()]


def test_writes_every_file_and_the_marker(tmp_path: Path) -> None:
    picture = tmp_path / "pic.png"
    picture.write_bytes(b"png")
    out = tmp_path / "public"
    report = write_site(
        [*files(index_html="首页", towns__index_html="栏目"), OutputFile("a/p.png", copy_from=picture)], out
    )
    assert tree(out) == {
        MARKER: (out / MARKER).read_bytes(),
        "a/p.png": b"png",
        "index_html": "首页".encode(),
        "towns/index_html": "栏目".encode(),
    }
    assert (report.written, report.unchanged) == (3, 0)
    assert litter(out) == []  # no staging folder left behind


def test_a_new_build_replaces_the_old_output_whole(tmp_path: Path) -> None:
    out = tmp_path / "public"
    write_site(files(index_html="旧", old__index_html="删掉的文章"), out)
    write_site(files(index_html="新"), out)
    assert tree(out) == {MARKER: (out / MARKER).read_bytes(), "index_html": "新".encode()}


def test_a_failed_write_leaves_the_previous_output_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "public"
    write_site(files(index_html="旧", a__index_html="甲"), out)
    before = tree(out)

    def broken() -> Iterator[OutputFile]:
        yield OutputFile("index.html", "新".encode())
        raise RuntimeError("template exploded")

    with pytest.raises(RuntimeError):
        write_site(broken(), out)
    assert tree(out) == before
    assert litter(out) == []  # the staging folder is gone too


def test_unchanged_files_keep_their_inode_and_time(tmp_path: Path) -> None:
    out = tmp_path / "public"
    write_site(files(same_html="不变", changed_html="旧"), out)
    same_before = (out / "same_html").stat()
    report = write_site(files(same_html="不变", changed_html="新"), out)
    same_after = (out / "same_html").stat()
    assert (same_after.st_ino, same_after.st_mtime_ns) == (same_before.st_ino, same_before.st_mtime_ns)
    assert (report.written, report.unchanged) == (1, 1)
    assert (out / "changed_html").read_text(encoding="utf-8") == "新"


# --------------------------------------------------------------------------- refusing dangerous folders


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    for folder in ("content/towns", "templates", "assets"):
        (site / folder).mkdir(parents=True)
    (site / "site.yaml").write_text("title: t\n", encoding="utf-8")
    return site


@pytest.mark.parametrize(
    "relative",
    [".", "content", "content/towns", "content/towns/new", "templates", "templates/out", "assets", "assets/public",
     "..", "../.."],
)  # fmt: skip
def test_folders_holding_the_site_or_its_sources_are_refused(site: Path, relative: str) -> None:
    with pytest.raises(OutputRefused, match="refusing to build into"):
        check_output_dir(site / relative, site)


def test_root_and_home_are_refused(site: Path) -> None:
    for folder in (Path("/"), Path.home()):
        with pytest.raises(OutputRefused):
            check_output_dir(folder, site)


def test_a_file_is_refused(site: Path) -> None:
    (site / "public").write_text("x", encoding="utf-8")
    with pytest.raises(OutputRefused, match="it is a file"):
        check_output_dir(site / "public", site)


def test_a_non_empty_folder_not_made_by_sitegen_is_refused(site: Path, tmp_path: Path) -> None:
    mine = tmp_path / "my-documents"
    mine.mkdir()
    (mine / "thesis.docx").write_bytes(b"years of work")
    with pytest.raises(OutputRefused, match="not empty and was not made by sitegen"):
        check_output_dir(mine, site)
    assert (mine / "thesis.docx").read_bytes() == b"years of work"


def test_new_empty_and_earlier_output_folders_are_accepted(site: Path, tmp_path: Path) -> None:
    check_output_dir(site / "public", site)  # does not exist yet
    (tmp_path / "empty").mkdir()
    check_output_dir(tmp_path / "empty", site)
    write_site(files(index_html="x"), tmp_path / "www")
    check_output_dir(tmp_path / "www", site)


def test_output_inside_assets_is_refused_so_builds_never_nest(site: Path) -> None:
    """Assets are copied into the output: an output folder inside assets/ would be copied into itself."""
    with pytest.raises(OutputRefused, match="it is inside assets/"):
        check_output_dir(site / "assets" / "out", site)
