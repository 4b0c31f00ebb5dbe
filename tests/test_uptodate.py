"""A build with nothing to do ends after comparing file stats (sitegen.incremental.uptodate), and only then."""

from __future__ import annotations

import os
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import FIXED_NOW, PNG, MakeSite, article, picture_bytes, tree

from sitegen.build import api as build_module
from sitegen.build.api import BuildOptions, BuildReport, build
from sitegen.cli import main
from sitegen.errors import BuildFailed
from sitegen.incremental.uptodate import RECORD_FILE, load_record, output_digest

LONG_AGO = 1_600_000_000 * 10**9  # ns: time stamps sitegen trusts (not within seconds of the last scan)
ENDED_EARLY = "inputs unchanged"
OTHER_PNG = picture_bytes(64, 48, colour=(20, 160, 90))


def age(site: Path, stamp: int = LONG_AGO) -> None:
    for path in [site, *site.rglob("*")]:
        kept = ".sitegen-cache" in path.parts or {"public", ".public-builds"} & set(path.parts)
        if not kept and path.stat().st_mtime_ns != stamp:  # setting it moves the ctime, which sitegen compares too
            os.utime(path, ns=(stamp, stamp))


def ended_early(report: BuildReport) -> bool:
    return report.timings[0][0] == ENDED_EARLY


@pytest.fixture(params=["surveyed here", "surveyed in a child", "the cache read meanwhile"])
def site(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Path:
    """The example site; its inputs surveyed in this process (a small site's builds), or in a forked child while
    this one imports the pipeline (a large site's: sitegen.build.api._survey_inputs), and reads the build cache (a
    very large site's)."""
    overlap, read_ahead = {"surveyed here": (10**9, 10**9), "surveyed in a child": (0, 10**9)}.get(
        request.param, (0, 0)
    )
    monkeypatch.setattr(build_module, "_OVERLAP_FILES", overlap)
    monkeypatch.setattr(build_module, "_READ_AHEAD_FILES", read_ahead)
    folder = make_site(
        {"content/towns/a.md": article("甲", body="正文甲。"), "content/towns/b.md": article("乙", date="2024-01-03")}
    )
    age(folder)
    return folder


def built(site: Path, **options: Any) -> BuildReport:
    options.setdefault("now", FIXED_NOW)
    return build(site, BuildOptions(**options))


def stats(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.stat().st_ino) for p in folder.rglob("*")}


def test_a_build_with_nothing_changed_ends_early_touches_nothing_and_reports_the_same_counts(site: Path) -> None:
    first = built(site)
    before = stats(site / "public")
    second = built(site)
    assert not ended_early(first) and ended_early(second)
    assert stats(site / "public") == before
    assert (second.articles, second.pages, second.files_written) == (first.articles, first.pages, 0)
    assert second.files_unchanged == first.files_written + first.files_unchanged
    assert second.pages_reused == first.pages_rendered + first.pages_reused


def test_an_edited_article_is_built_again(site: Path) -> None:
    built(site)
    (site / "content/towns/a.md").write_text(article("甲", body="改过的正文。"), encoding="utf-8")
    age(site, LONG_AGO + 10**9)
    report = built(site)
    assert not ended_early(report)
    assert "改过的正文" in (site / "public/towns/2024/01/a/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "change",
    [
        lambda site: (site / "templates").mkdir(),
        lambda site: (site / "assets").mkdir(),
        lambda site: (site / "data").mkdir(),
        lambda site: (site / "content/towns/c.md").write_text(article("丙"), encoding="utf-8"),
        lambda site: (site / "content/towns/b.md").unlink(),
        lambda site: (site / "site.yaml").write_text(
            (site / "site.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8"
        ),
    ],
    ids=["templates", "assets", "data", "new article", "removed article", "config"],
)
def test_any_change_to_what_a_build_reads_builds_again(site: Path, change) -> None:
    built(site)
    change(site)
    age(site, LONG_AGO + 10**9)
    assert not ended_early(built(site))


def test_a_file_changed_or_removed_in_the_output_is_put_back(site: Path) -> None:
    built(site)
    home = site / "public/index.html"
    original = home.read_bytes()
    home.unlink()
    assert not ended_early(built(site))
    assert home.read_bytes() == original
    home.write_bytes(b"defaced")
    assert not ended_early(built(site))
    assert home.read_bytes() == original


def test_an_article_scheduled_for_later_is_published_when_it_is_due(make_site: MakeSite) -> None:
    later = FIXED_NOW + timedelta(hours=1)
    soon = article("稍后", date=later.isoformat())
    site = make_site({"content/towns/a.md": article("现在"), "content/towns/soon.md": soon})
    age(site)
    assert built(site).articles == 1
    assert ended_early(built(site, now=FIXED_NOW + timedelta(minutes=30)))
    due = built(site, now=later + timedelta(minutes=1))
    assert not ended_early(due) and due.articles == 2


def test_other_options_build_again(site: Path) -> None:
    built(site)
    assert not ended_early(built(site, drafts=True))
    assert not ended_early(built(site, search=False))
    assert ended_early(built(site, search=False))


def test_time_stamps_of_the_last_seconds_are_not_trusted(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article("甲")})  # written just now
    built(site)
    assert not ended_early(built(site))


def test_a_damaged_or_foreign_record_is_ignored(site: Path) -> None:
    built(site)
    record = site / ".sitegen-cache" / RECORD_FILE
    for garbage in ("not json", '{"format": 1, "key": 3}', '{"format": 1, "summary": {"articles": "x"}}', "[]"):
        record.write_text(garbage, encoding="utf-8")
        assert not ended_early(built(site))
    assert ended_early(built(site))


def test_a_failed_build_leaves_no_record_behind(site: Path) -> None:
    built(site)
    source = site / "content/towns/a.md"
    good = source.read_bytes()
    source.write_text("---\ntitle: [\n---\n", encoding="utf-8")
    age(site, LONG_AGO + 10**9)
    with pytest.raises(BuildFailed):
        built(site)
    assert not (site / ".sitegen-cache" / RECORD_FILE).exists()
    source.write_bytes(good)
    age(site)  # the very stats of the last good build: still, that build is no longer what the record says
    assert not ended_early(built(site))


def test_a_changed_sitegen_checkout_builds_again(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "package"
    package.mkdir()
    (package / "module.py").write_text("a = 1\n", encoding="utf-8")
    age(package)
    monkeypatch.setattr(build_module, "_PACKAGE", package)
    built(site)
    assert ended_early(built(site))
    (package / "module.py").write_text("a = 2\n", encoding="utf-8")
    age(package, LONG_AGO + 10**9)
    assert not ended_early(built(site))


def test_a_build_removes_what_cache_writers_killed_while_saving_left_and_nothing_else(site: Path) -> None:
    built(site)
    cache = site / ".sitegen-cache"
    gone = subprocess.Popen(["true"])
    gone.wait()  # a process that has ended: its pid names no living process
    dead, alive = gone.pid, os.getpid()
    left = [f".up-to-date-inputs.pickle.{dead}", f".build.journal.pickle.{dead}", f"images/.keys.json.{dead}"]
    kept = [f".build.pickle.{alive}", f".notes.txt.{dead}", f"images/.mine.{dead}", ".up-to-date.json.x"]
    (cache / "images").mkdir(exist_ok=True)  # the image cache's folder (this site has no picture)
    for name in left + kept:
        (cache / name).write_bytes(b"half a file")
    built(site)  # whatever it finds to do: the litter goes first
    assert [name for name in left if (cache / name).exists()] == []
    assert [name for name in kept if not (cache / name).exists()] == []  # a living writer's, or not a cache file


def test_builds_without_a_disk_cache_keep_no_record(site: Path, tmp_path: Path) -> None:
    built(site, disk_cache=False, output_dir=tmp_path / "out")
    assert not ended_early(built(site, disk_cache=False, output_dir=tmp_path / "out"))
    assert not (site / ".sitegen-cache" / RECORD_FILE).exists()


def test_the_command_says_that_nothing_had_to_be_built(site: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["build", "--site", str(site)]).exit_code == 0
    result = runner.invoke(main, ["build", "--site", str(site), "--profile"])
    assert result.exit_code == 0, result.output
    assert "输入未变，无需重建" in result.output
    assert "写入 0 个文件" in result.output


def test_copied_pictures_are_compared_by_stats_not_read_again(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site({"content/towns/a.md": article("甲", body="![图](pic.png)\n"), "content/towns/pic.png": PNG})
    age(site)
    built(site)
    edited = site / "content/towns/a.md"
    edited.write_text(article("甲", body="![图](pic.png)\n\n改。\n"), encoding="utf-8")
    os.utime(edited, ns=(LONG_AGO + 10**9, LONG_AGO + 10**9))  # the article changed long ago, the picture did not
    read: list[str] = []
    original = Path.read_bytes

    def noting_read_bytes(self: Path) -> bytes:
        read.append(self.name)
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", noting_read_bytes)
    report = built(site)
    assert not ended_early(report) and report.files_written > 0
    assert not [name for name in read if name.startswith("pic")]
    monkeypatch.undo()
    (site / "content/towns/pic.png").write_bytes(OTHER_PNG)
    age(site, LONG_AGO + 2 * 10**9)
    built(site)
    assert (site / "public/towns/pic.png").read_bytes() == OTHER_PNG


def test_the_record_sees_through_the_output_link(site: Path) -> None:
    built(site)
    (site / "content/towns/a.md").write_text(article("甲", body="改过的正文。"), encoding="utf-8")
    age(site)
    built(site)
    out = site / "public"
    assert os.readlink(out) == ".public-builds/2"
    assert ended_early(built(site)) and os.readlink(out) == ".public-builds/2"
    out.unlink()
    out.symlink_to(".public-builds/1")  # someone points the output at the build before
    assert not ended_early(built(site))
    assert "改过的正文" in (out / "towns/2024/01/a/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("mode", ["link", "folder"])
def test_the_output_digest_a_build_records_is_the_one_a_walk_of_its_output_gives(site: Path, mode: str) -> None:
    """The build makes the digest from its output record, without walking the output: it must be the digest that
    the next build's walk gives, or a build with nothing to do would never end early."""
    for body in ("正文甲。", "改过的正文。"):
        (site / "content/towns/a.md").write_text(article("甲", body=body), encoding="utf-8")
        age(site)
        built(site, output_mode=mode)
        record = load_record(site / ".sitegen-cache")
        assert record is not None and record.output == output_digest(site / "public")
        assert ended_early(built(site, output_mode=mode))


def test_a_file_added_or_touched_in_the_output_builds_again(site: Path) -> None:
    built(site)
    stray = site / "public/stray.html"
    stray.write_text("<p>手工加的</p>", encoding="utf-8")
    assert not ended_early(built(site))
    assert not stray.exists()  # the output holds what the build makes, and only that
    assert ended_early(built(site))
    home = site / "public/index.html"
    os.utime(home, ns=(LONG_AGO, LONG_AGO))  # the same bytes, another time stamp
    assert not ended_early(built(site))
    assert ended_early(built(site))


def _rewritten_keeping_size_and_time(path: Path, data: bytes) -> None:
    """Other bytes of the same size written in place, and the old modification time put back (cp -p, rsync -t,
    touch -r, an archive extracted over the files): only the inode's change time (ctime) tells."""
    before = path.stat()
    assert len(data) == before.st_size and data != path.read_bytes()
    with path.open("r+b") as handle:
        handle.write(data)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)


def _same_size(first: bytes, second: bytes) -> tuple[bytes, bytes]:
    """Two pictures padded to one size (a reader stops at a PNG's end)."""
    size = max(len(first), len(second))
    return first.ljust(size, b"\0"), second.ljust(size, b"\0")


@pytest.mark.parametrize("changed", ["content/towns/a.md", "content/towns/pic.png", "assets/extra.css",
                                     "templates/article.html", "data/authors.yaml"])  # fmt: skip
def test_a_rewrite_that_keeps_the_size_and_puts_the_time_back_is_built_again(
    make_site: MakeSite, tmp_path: Path, changed: str
) -> None:
    """Was taken for the old file by every stat-based check (up to date, articles, copies, picture digests): the
    output kept the old bytes, unlike a cold build's."""
    old_picture, new_picture = _same_size(picture_bytes(64, 48), OTHER_PNG)
    template = '{%% extends "theme/article.html" %%}{%% block content %%}<p>%s</p>{{ super() }}{%% endblock %%}'
    files: dict[str, str | bytes] = {
        "content/towns/a.md": article("甲", body="正文甲。\n\n![图](pic.png)", author="张三"),
        "content/towns/pic.png": old_picture,
        "assets/extra.css": "p { color: red; }\n",
        "templates/article.html": template % "转载请注明",
        "data/authors.yaml": "张三:\n  bio: 本站记者。\n",
    }
    site = make_site(files)
    age(site)
    built(site)
    edits: dict[str, str | bytes] = {
        "content/towns/a.md": article("甲", body="正文乙。\n\n![图](pic.png)", author="张三"),
        "content/towns/pic.png": new_picture,
        "assets/extra.css": "p { color: blu; }\n",
        "templates/article.html": template % "转载请标明",
        "data/authors.yaml": "张三:\n  bio: 本站编辑。\n",
    }
    new = edits[changed]
    _rewritten_keeping_size_and_time(site / changed, new.encode() if isinstance(new, str) else new)
    report = built(site)
    assert not ended_early(report)
    cold = tmp_path / "cold"
    built(site, output_dir=cold / "public", disk_cache=False)
    assert tree(site / "public") == tree(cold / "public")
