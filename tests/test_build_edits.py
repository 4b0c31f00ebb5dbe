"""A build after an edit looks at the changed sources alone (sitegen.incremental.inputs): the up-to-date scan's
entries, kept beside its record, tell which input files changed since the last complete build; when they are all
Markdown sources, the other sources are neither stat'ed again, nor hashed, nor checked for their pictures, and the
output is still, byte for byte, a cold build's. Also: the pictures of the articles taken without a look stay in use
in the image cache (they used to look unused to serve's reloads, and would have been removed)."""

from __future__ import annotations

import json
import os
import pickle
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXED_NOW, REPO_ROOT, article, copy_example_site, picture_bytes, tree

from sitegen.build import api as api_module
from sitegen.build import load as load_module
from sitegen.build.api import BuildOptions, BuildReport, build
from sitegen.incremental.edits import SourceEdits
from sitegen.incremental.inputs import INPUTS_FILE, MOST_CHANGED, changed_inputs, load_inputs, save_inputs
from sitegen.incremental.uptodate import RECORD_FILE, Scan, load_record, scan

LONG_AGO = 1_600_000_000 * 10**9  # ns: time stamps the scan trusts (not within seconds of it)
FESTIVAL = "content/towns/2023/shima-peach-blossom-festival.md"  # shows shima-peach-blossom.png
PICTURE = "content/towns/2023/shima-peach-blossom.png"
NEW = "content/tips/2024/new-lantern-market.md"


def age(site: Path) -> None:
    """Files and folders changed since the last call get LONG_AGO; the others are left alone (setting a time stamp
    moves the ctime, which sitegen compares too: sitegen.stamps)."""
    for path in [site, *site.rglob("*")]:
        kept = {".sitegen-cache", "public", ".public-builds"} & set(path.parts)
        if not kept and os.lstat(path).st_mtime_ns != LONG_AGO:
            os.utime(path, ns=(LONG_AGO, LONG_AGO), follow_symlinks=False)


# --------------------------------------------------------------------------- two scans -> the changed files


def lines(*entries: tuple[str, str, int]) -> tuple[str, ...]:
    return tuple(f"{path}\0{kind}\0{size}\0{LONG_AGO}\0{size}\0{33188}\n" for path, kind, size in entries)


def test_the_changed_files_are_the_entries_that_came_went_or_changed_and_folders_are_left_out() -> None:
    a, b, c = "/s/content/a.md", "/s/content/b.md", "/s/content/c.md"
    before = Scan("d1", 0, 0, lines(("/s/content", "dir", 1), (a, "file", 1), (b, "file", 1)))
    now = Scan("d2", 0, 0, lines(("/s/content", "dir", 2), (a, "file", 2), (c, "file", 1)))
    assert changed_inputs(before, now) == [Path("/s/content/a.md"), Path("/s/content/b.md"), Path("/s/content/c.md")]
    assert changed_inputs(before, before) == []


def test_files_racy_at_the_last_scan_count_as_changed_and_too_many_changes_are_not_told_apart() -> None:
    same = lines(("/s/content/a.md", "file", 1), ("/s/content/b.md", "file", 1))
    racy_b = Scan("d", 0, 0, same, ("/s/content/b.md",))
    assert changed_inputs(racy_b, Scan("d", 0, 0, same)) == [Path("/s/content/b.md")]
    many = lines(*((f"/s/content/{i}.md", "file", 1) for i in range(MOST_CHANGED + 1)))
    assert changed_inputs(Scan("d", 0, 0, ()), Scan("e", 0, 0, many)) is None
    racy = tuple(f"/s/content/{i}.md" for i in range(MOST_CHANGED + 1))
    assert changed_inputs(Scan("d", 0, 0, many, racy), Scan("d", 0, 0, many)) is None


def test_a_scan_tells_its_racy_files_but_not_its_folders(tmp_path: Path) -> None:
    (tmp_path / "old.md").write_text("old")
    os.utime(tmp_path / "old.md", ns=(LONG_AGO, LONG_AGO))
    (tmp_path / "new.md").write_text("new")
    taken = scan([tmp_path])
    assert taken.racy == (str(tmp_path / "new.md"),)
    assert len(taken.entries) == 3


def test_the_kept_scan_is_read_back_only_with_the_digest_the_record_names(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("a")
    taken = scan([tmp_path])
    save_inputs(tmp_path / "cache", taken)
    assert load_inputs(tmp_path / "cache", taken.digest) == Scan(taken.digest, 0, 0, taken.entries, taken.racy)
    assert load_inputs(tmp_path / "cache", "another digest") is None
    assert load_inputs(tmp_path / "nowhere", taken.digest) is None


def test_a_damaged_forged_or_hostile_inputs_file_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("a")
    taken = scan([tmp_path])
    file = tmp_path / INPUTS_FILE
    file.write_bytes(b"\x80\x05 not a pickle")
    assert load_inputs(tmp_path, taken.digest) is None
    forged = {"format": 1, "digest": taken.digest, "entries": ["/elsewhere\0file\n"], "racy": []}
    file.write_bytes(pickle.dumps(forged))
    assert load_inputs(tmp_path, taken.digest) is None, "entries that do not give the digest are another scan's"

    class Hostile:
        def __reduce__(self) -> tuple[Any, ...]:
            return (os.remove, (str(tmp_path / "a.md"),))

    file.write_bytes(pickle.dumps({"format": 1, "digest": taken.digest, "entries": [Hostile()], "racy": []}))
    assert load_inputs(tmp_path, taken.digest) is None
    assert (tmp_path / "a.md").exists()


# --------------------------------------------------------------------------- builds of the example site


@pytest.fixture
def example(tmp_path: Path) -> Path:
    site = copy_example_site(tmp_path)
    age(site)
    return site


class Builds:
    """`sitegen build` of one site into one output, again and again; what the loader was told to look at."""

    def __init__(self, site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.site = site
        self.edits: list[SourceEdits | None] = []
        self.stat_looked_at: list[int] = []
        self.site_kept: list[bool] = []  # whether the loader had the last build's Site (incremental/siteshape)
        real_load, real_cached = load_module.load_site, load_module.ArticleReuse.cached

        def load_site(*args: Any, **kwargs: Any) -> Any:
            self.edits.append(args[9] if len(args) > 9 else kwargs.get("edits"))
            loaded = real_load(*args, **kwargs)
            self.site_kept.append(loaded.site_kept)
            return loaded

        def cached(reuse: Any, found: list[Any]) -> Any:
            self.stat_looked_at.append(len(found))
            return real_cached(reuse, found)

        monkeypatch.setattr(load_module, "load_site", load_site)
        monkeypatch.setattr(load_module.ArticleReuse, "cached", cached)

    def __call__(self) -> BuildReport:
        self.stat_looked_at.clear()
        age(self.site)  # as if every edit were made seconds before: time stamps the scan trusts (sizes tell edits)
        return build(self.site, BuildOptions(now=FIXED_NOW, jobs=1))

    def output(self) -> dict[str, bytes]:
        return tree(self.site / "public")


def cold(site: Path, folder: Path) -> dict[str, bytes]:
    build(site, BuildOptions(now=FIXED_NOW, output_dir=folder / "public", cache_dir=folder / "cache", jobs=1))
    return tree(folder / "public")


def edit(site: Path, relative: str, added: str) -> None:
    with (site / relative).open("a", encoding="utf-8") as file:
        file.write(f"\n{added}\n")


@pytest.mark.parametrize(
    ("overlap_files", "read_ahead_files"),
    [(10**9, 10**9), (0, 10**9), (0, 0)],
    ids=["surveyed here", "surveyed in a child", "the cache read meanwhile"],
)
def test_after_an_edit_only_the_edited_source_is_looked_at_and_the_output_is_a_cold_builds(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, overlap_files: int, read_ahead_files: int
) -> None:
    """Also when the changed inputs come from the forked child that surveys a large site's inputs, and when the
    build cache was read meanwhile (sitegen.build.api._survey_inputs)."""
    monkeypatch.setattr(api_module, "_OVERLAP_FILES", overlap_files)
    monkeypatch.setattr(api_module, "_READ_AHEAD_FILES", read_ahead_files)
    builds = Builds(example, monkeypatch)
    first = builds()
    assert builds.edits == [None]
    edit(example, FESTIVAL, "灯会期间加开夜间公交。")
    report = builds()
    assert builds.edits[-1] == SourceEdits(frozenset({FESTIVAL}), listing=False)
    assert builds.stat_looked_at == [1], "the other sources were not stat'ed again"
    assert report.articles_rendered == 1 and report.articles_reused == first.articles - 1
    assert builds.site_kept == [False, True], "an edit of the text: the last build's Site, not assembled again"
    assert builds.output() == cold(example, tmp_path / "cold-1")

    (example / NEW).parent.mkdir(parents=True, exist_ok=True)
    (example / NEW).write_text(article("元宵灯市开张", "2024-02-20", "元宵灯市今晚开张。"), encoding="utf-8")
    builds()
    assert builds.edits[-1] == SourceEdits(frozenset({NEW}), listing=True)
    assert builds.site_kept[-1] is False  # another article published: assembled
    assert builds.output() == cold(example, tmp_path / "cold-2")

    (example / NEW).unlink()
    builds()
    assert builds.edits[-1] == SourceEdits(frozenset({NEW}), listing=True)
    assert builds.output() == cold(example, tmp_path / "cold-3")


@pytest.mark.parametrize("change", ["picture", "template", "site.yaml", "data"])
def test_any_other_changed_input_has_every_source_looked_at(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    builds = Builds(example, monkeypatch)
    first = builds()
    if change == "picture":
        (example / PICTURE).write_bytes(picture_bytes(96, 64, colour=(10, 120, 200)))
    elif change == "template":
        (example / "templates").mkdir(exist_ok=True)
        (example / "templates" / "base.html").write_text(
            (REPO_ROOT / "templates" / "base.html").read_text(encoding="utf-8") + "<!-- 改 -->\n", encoding="utf-8"
        )
    elif change == "site.yaml":
        edit(example, "site.yaml", "# 改")
    else:
        (example / "data").mkdir(exist_ok=True)
        (example / "data" / "views.yaml").write_text("{}\n", encoding="utf-8")
    edit(example, FESTIVAL, "灯会期间加开夜间公交。")
    builds()
    assert builds.edits[-1] is None
    assert builds.stat_looked_at and builds.stat_looked_at[0] == first.articles
    assert builds.output() == cold(example, tmp_path / "cold")


def test_without_the_record_or_its_inputs_every_source_is_looked_at(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds = Builds(example, monkeypatch)
    first = builds()
    cache = example / ".sitegen-cache"
    (cache / INPUTS_FILE).unlink()
    edit(example, FESTIVAL, "一")
    builds()
    assert builds.edits[-1] is None and builds.stat_looked_at[0] == first.articles
    record = load_record(cache)
    assert record is not None and load_inputs(cache, record.inputs) is not None, "kept again by that build"
    (cache / RECORD_FILE).unlink()
    edit(example, FESTIVAL, "二")
    builds()
    assert builds.edits[-1] is None


def test_a_build_with_other_options_is_not_told_what_changed(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    builds = Builds(example, monkeypatch)
    builds()
    edit(example, FESTIVAL, "一")
    build(example, BuildOptions(now=FIXED_NOW, jobs=1, drafts=True))
    assert builds.edits[-1] is None


def test_the_pictures_of_articles_taken_without_a_look_stay_in_the_image_cache(
    make_site: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    pictures = {f"content/towns/{name}.png": picture_bytes(80, 60, colour=colour)
                for name, colour in (("a", (200, 10, 10)), ("b", (10, 200, 10)))}  # fmt: skip
    site = make_site(
        {
            "content/towns/a.md": article("甲", body="![甲图](a.png)\n\n正文甲。"),
            "content/towns/b.md": article("乙", "2024-01-03", body="![乙图](b.png)\n\n正文乙。"),
            **pictures,
        }
    )
    (site / "site.yaml").write_text((site / "site.yaml").read_text(encoding="utf-8") + "image_cache_keep_builds: 2\n")
    age(site)
    builds = Builds(site, monkeypatch)
    builds()
    images = site / ".sitegen-cache" / "images"
    entries = {meta.parent.name for meta in images.rglob("meta.json")}
    keys = (images / "keys.json").read_text(encoding="utf-8")
    assert len(entries) == 2
    for round_ in range(4):
        edit(site, "content/towns/a.md", f"第{round_}次修改。")
        report = builds()
        assert builds.edits[-1] == SourceEdits(frozenset({"content/towns/a.md"}), listing=False)
        assert report.images_removed == 0
    assert {meta.parent.name for meta in images.rglob("meta.json")} == entries
    remembered = json.loads((images / "keys.json").read_text(encoding="utf-8"))
    assert remembered.keys() == json.loads(keys).keys(), "b.png's digest is still remembered"
    assert any(name.endswith("b.png") for name in remembered)


def test_the_scan_is_kept_only_by_builds_that_keep_a_record(example: Path, tmp_path: Path) -> None:
    build(example, BuildOptions(now=FIXED_NOW, jobs=1, disk_cache=False, output_dir=tmp_path / "out"))
    assert not (example / ".sitegen-cache" / INPUTS_FILE).exists()
    cache = example / ".sitegen-cache"
    *_, changed = api_module._survey([example], [cache], tmp_path / "out", cache, api_module._last(None, "key"))
    assert changed is None  # no record: which inputs changed is not known


@pytest.mark.parametrize("removed", ["the image cache", "one entry"])
def test_pictures_removed_from_the_image_cache_are_made_again(
    make_site: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, removed: str
) -> None:
    site = make_site(
        {
            "content/towns/a.md": article("甲", body="正文甲。"),
            "content/towns/b.md": article("乙", "2024-01-03", body="![乙图](b.png)\n\n正文乙。"),
            "content/towns/b.png": picture_bytes(80, 60, colour=(10, 200, 10)),
        }
    )
    builds = Builds(site, monkeypatch)
    builds()
    images = site / ".sitegen-cache" / "images"
    if removed == "one entry":
        (entry,) = (meta.parent for meta in images.rglob("meta.json"))
        shutil.rmtree(entry)
    else:
        shutil.rmtree(images)
    edit(site, "content/towns/a.md", "改。")
    report = builds()
    assert builds.edits[-1] == SourceEdits(frozenset({"content/towns/a.md"}), listing=False)
    assert report.images_processed == 1 and report.articles_rendered == 2
    assert builds.output() == cold(site, tmp_path / "cold")


def test_serve_reloads_keep_the_pictures_of_the_articles_nobody_edited(make_site: Any) -> None:
    """sitegen serve's reloads after an edit count as builds of the image cache: before ImageStore.carry, the
    entries of every article but the edited one looked unused and were removed after `keep_builds` reloads."""
    from sitegen.build.api import serve_site
    from sitegen.incremental.cache import BuildCache

    site = make_site(
        {
            "content/towns/a.md": article("甲", body="正文甲。"),
            "content/towns/b.md": article("乙", "2024-01-03", body="![乙图](b.png)\n\n正文乙。"),
            "content/towns/b.png": picture_bytes(80, 60, colour=(10, 200, 10)),
        }
    )
    (site / "site.yaml").write_text((site / "site.yaml").read_text(encoding="utf-8") + "image_cache_keep_builds: 2\n")
    options = BuildOptions(now=FIXED_NOW, jobs=1, cache=BuildCache())
    generation = serve_site(site, options)
    images = site / ".sitegen-cache" / "images"
    entries = {meta.parent.name for meta in images.rglob("meta.json")}
    assert len(entries) == 1
    for round_ in range(4):
        edit(site, "content/towns/a.md", f"第{round_}次修改。")
        generation = serve_site(site, options, generation, [site / "content/towns/a.md"])
        assert generation.loaded.images_processed == 0
    assert {meta.parent.name for meta in images.rglob("meta.json")} == entries
    copies = [f.copy_from for f in generation.loaded.static_files if f.copy_from is not None]
    assert copies and all(path.is_file() for path in copies)


def test_a_url_taken_twice_after_a_good_build_is_still_an_error(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build cache keeps a digest of the URLs last found free (site.CollisionMemo): a new article on an
    article's URL changes it, so the check runs and says so."""
    from sitegen.errors import BuildFailed

    builds = Builds(example, monkeypatch)
    builds()
    edit(example, FESTIVAL, "灯会期间加开夜间公交。")
    builds()  # the places are those found free: not checked again
    twin = example / "content/towns/2023/twin.md"
    twin.write_text(article("同名", "2023-03-05 09:30", slug="shima-peach-blossom-festival"), encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        builds()
    assert any("is already taken by" in str(error.message) for error in failed.value.errors)
