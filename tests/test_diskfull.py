"""A full or read-only disk, for real: a small tmpfs filled up. The build stops with one message naming the folder
and what it needed, the output stays as it was, and the next build (with room) succeeds with nothing removed by hand."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import PNG, MakeSite, article, build_site, tree
from output_support import fill, litter, remount, small_disk

from sitegen.build.diskfull import DiskProblem
from sitegen.cli import main


@pytest.fixture
def site(make_site: MakeSite) -> Path:
    body = "正文。" * 40
    files = {f"content/towns/2024/a{n}.md": article(f"文章{n}", f"2024-01-{n + 1:02d}", body) for n in range(8)}
    return make_site(files)


def add_article(site: Path, name: str = "new") -> None:
    (site / f"content/towns/2024/{name}.md").write_text(article("新文章", "2024-02-01", "新的正文。" * 200), "utf-8")


def new_bytes(output: Path) -> int:
    """Bytes of the files the shown build wrote itself (not hard links of the build before)."""
    files = [p for p in output.rglob("*") if p.is_file() and p.stat().st_nlink == 1 and p.name != ".sitegen-output"]
    return sum(p.stat().st_size for p in files)


def test_a_full_output_disk_stops_the_build_and_keeps_the_output(site: Path, tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", "4m") as disk:
        out = disk / "public"
        build_site(site, output_dir=out, cache_dir=tmp_path / "cache")
        before = tree(out)
        add_article(site)
        filler = fill(disk)
        with pytest.raises(DiskProblem) as stopped:
            build_site(site, output_dir=out, cache_dir=tmp_path / "cache")
        problem = stopped.value
        assert problem.folder == disk / ".public-builds/2" and not problem.read_only and problem.free < 4096
        assert tree(out) == before and litter(out) == []
        filler.unlink()
        build_site(site, output_dir=out, cache_dir=tmp_path / "cache")
        assert problem.needed == new_bytes(out)  # what the build needed is what it wrote once there was room
        build_site(site, output_dir=tmp_path / "cold", disk_cache=False, cache_dir=tmp_path / "cold-cache")
        assert tree(out) == tree(tmp_path / "cold") and litter(out) == []


def test_a_read_only_output_disk_stops_the_build_and_keeps_the_output(site: Path, tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", "4m") as disk:
        out = disk / "public"
        build_site(site, output_dir=out, cache_dir=tmp_path / "cache")
        before = tree(out)
        add_article(site)
        remount(disk, "ro")
        with pytest.raises(DiskProblem) as stopped:
            build_site(site, output_dir=out, cache_dir=tmp_path / "cache")
        assert stopped.value.read_only and stopped.value.folder.is_relative_to(disk)
        assert tree(out) == before
        remount(disk, "rw")
        build_site(site, output_dir=out, cache_dir=tmp_path / "cache")
        assert "新文章" in (out / "towns/2024/02/new/index.html").read_text(encoding="utf-8")
        assert litter(out) == []


def test_plain_folder_mode_on_a_full_disk_keeps_the_output(site: Path, tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", "4m") as disk:
        out = disk / "public"
        build_site(site, output_dir=out, cache_dir=tmp_path / "cache", output_mode="folder")
        before = tree(out)
        add_article(site)
        filler = fill(disk)
        with pytest.raises(DiskProblem) as stopped:
            build_site(site, output_dir=out, cache_dir=tmp_path / "cache", output_mode="folder")
        assert stopped.value.folder.name.startswith(".public-building-") and stopped.value.needed > 0
        assert tree(out) == before and litter(out) == []
        filler.unlink()
        build_site(site, output_dir=out, cache_dir=tmp_path / "cache", output_mode="folder")
        assert (out / "towns/2024/02/new/index.html").is_file() and litter(out) == []


@pytest.mark.parametrize("fault", ["full", "read-only"])
def test_a_full_or_read_only_cache_stops_the_build_before_the_output_changes(
    site: Path, tmp_path: Path, fault: str
) -> None:
    out = site / "public"
    with small_disk(tmp_path / "disk", "2m") as disk:
        cache = disk / "cache"
        build_site(site, cache_dir=cache)
        before = tree(out)
        (site / "content/towns/2024/photo.png").write_bytes(PNG)  # a new picture: the image cache must grow
        add_article(site)
        with (site / "content/towns/2024/new.md").open("a", encoding="utf-8") as text:
            text.write("\n![新图](photo.png)\n\n新图说明\n")
        filler = fill(disk) if fault == "full" else None
        if fault == "read-only":
            remount(disk, "ro")
        with pytest.raises(DiskProblem) as stopped:
            build_site(site, cache_dir=cache)
        assert stopped.value.folder.is_relative_to(cache) and stopped.value.output_kept
        assert tree(out) == before and litter(out) == []
        if filler is not None:
            filler.unlink()
        else:
            remount(disk, "rw")
        build_site(site, cache_dir=cache)
        assert (out / "towns/2024/02/new/index.html").is_file() and litter(out) == []


def test_the_command_says_which_folder_is_full_and_how_much_it_needed(site: Path, tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", "4m") as disk:
        out = disk / "public"
        runner = CliRunner()
        args = ["build", "--site", str(site), "--output", str(out), "--cache-dir", str(tmp_path / "cache")]
        assert runner.invoke(main, args).exit_code == 0
        add_article(site)
        fill(disk)
        result = runner.invoke(main, args)
        assert result.exit_code == 2
        lines = result.output.strip().splitlines()
        assert len(lines) == 1, lines  # one message, no traceback
        assert lines[0].startswith(f"磁盘空间不足，无法写入 {disk / '.public-builds/2'}：本次构建至少需要 ")
        assert "输出文件夹保持原样" in lines[0]
        assert os.readlink(out) == ".public-builds/1"
