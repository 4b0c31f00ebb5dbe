"""The cache is data inside its folder, and a damaged cache heals (issue 17, and issue 13 item 4).

Every path read back from the cache (meta.json's variant names, pickled articles' pictures, output paths, the body
store's file) is checked; a poisoned one is a warning naming the cache file, and no byte of the file it names reaches
the output. Every kind of cache file truncated or corrupted is detected, said, dropped and made again in the same
build: the build never fails and its output is byte for byte a cold build's.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXED_NOW, article, picture_bytes, tree
from output_support import builds_of

from sitegen.build.api import BuildOptions, BuildReport, build, build_in_memory
from sitegen.cli import main
from sitegen.incremental.bodies import BODIES_FILE
from sitegen.incremental.cache import CACHE_FILE, SEARCH_FILE, BuildCache
from sitegen.incremental.pickles import SafeUnpickler, dump_sealed, seal
from sitegen.incremental.uptodate import RECORD_FILE
from sitegen.pictures.cache import KEYS, META
from sitegen.pictures.usage import USAGE

SECRET = b"TOP-SECRET-0123456789-never-publish"
SITE_YAML = "title: 测试站\nbase_url: https://example.org/\ncolumns:\n  - slug: towns\n    title: 镇街\n"


def make_site(root: Path, name: str = "site", extra_yaml: str = "") -> Path:
    site = root / name
    (site / "content" / "towns").mkdir(parents=True)
    (site / "site.yaml").write_text(SITE_YAML + extra_yaml, encoding="utf-8")
    (site / "content" / "towns" / "pic.png").write_bytes(picture_bytes(640, 427))
    body = "正文第一段。" * 400 + "\n\n![图](pic.png)\n"  # long enough to spill over SQLite pages
    (site / "content" / "towns" / "a.md").write_text(article("甲", "2024-01-02", body, tags="[党建]"), encoding="utf-8")
    (site / "content" / "towns" / "b.md").write_text(article("乙", "2024-01-03", "又一篇。"), encoding="utf-8")
    return site


def options(root: Path) -> BuildOptions:
    return BuildOptions(output_dir=root / "out", now=FIXED_NOW, jobs=1)


def cold(site: Path, root: Path) -> dict[str, bytes]:
    drop_output(root, "cold")
    build(site, BuildOptions(output_dir=root / "cold", disk_cache=False, now=FIXED_NOW, jobs=1))
    return tree(root / "cold")


def drop_output(root: Path, name: str = "out") -> None:
    """Remove the output (the link and the builds it points into), as on a fresh CI runner."""
    output = root / name
    if output.is_symlink():
        output.unlink()
    shutil.rmtree(output, ignore_errors=True)
    shutil.rmtree(builds_of(output), ignore_errors=True)


def cache(site: Path) -> Path:
    return site / ".sitegen-cache"


def meta_files(site: Path) -> list[Path]:
    return sorted((cache(site) / "images").glob(f"*/*/{META}"))


def edit(site: Path) -> None:
    """An edit, so that the next build runs its pipeline (and updates the search index)."""
    path = site / "content" / "towns" / "b.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")


def assert_no_secret(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            assert SECRET not in path.read_bytes(), path


def warned(report: BuildReport, file: Path | str) -> bool:
    return any(str(file) in warning for warning in report.cache_warnings)


# -- the cache is data inside its folder ---------------------------------------------------------------------


@pytest.mark.parametrize("where", ["absolute", "climbing"])
def test_meta_json_naming_a_file_outside_its_entry_is_dropped_and_the_entry_made_again(tmp_path: Path, where) -> None:
    site = make_site(tmp_path)
    secret = tmp_path / "secret.webp"
    secret.write_bytes(SECRET)
    build(site, options(tmp_path))
    for meta_file in meta_files(site):
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        hops = len(meta_file.parent.relative_to(tmp_path).parts)
        name = str(secret) if where == "absolute" else "../" * hops + "secret.webp"
        for variant in meta["variants"]:
            variant["file"] = name
        meta_file.write_text(json.dumps(meta), encoding="utf-8")
    drop_output(tmp_path)  # a CI runner: the cache restored, the output not
    report = build(site, options(tmp_path))
    assert warned(report, meta_files(site)[0]) and "outside the cache folder" in " ".join(report.cache_warnings)
    assert report.images_processed == 1  # made again, in this build
    assert_no_secret(tmp_path / "out")
    assert tree(tmp_path / "out") == cold(site, tmp_path)
    assert secret.read_bytes() == SECRET


def _rewrite_pictures(site: Path, change) -> list[Path]:
    """Each picture of the shards' table changed by `change`, under its key (as a forged cache would): the shards,
    which name the pictures by key, are left as they were and returned."""
    (table,) = cache(site).glob("pictures-*.pickle")
    with table.open("rb") as handle:
        pictures = SafeUnpickler(handle).load()
    with table.open("wb") as handle:
        dump_sealed(handle, {key: change(picture) for key, picture in pictures.items()})
    return sorted(cache(site).glob("articles-*.pickle"))


@pytest.mark.parametrize("where", ["absolute", "climbing", "as text"])
def test_a_pickled_article_naming_a_picture_outside_the_site_is_dropped(tmp_path: Path, where) -> None:
    import dataclasses

    site = make_site(tmp_path)
    secret = tmp_path / "secret.png"
    secret.write_bytes(SECRET)
    build(site, options(tmp_path))
    images = cache(site) / "images"
    target: object = secret if where == "absolute" else Path(f"{images}/../../../secret.png")
    if where == "as text":  # a str where a Path belongs: copied all the same, were it not refused
        target = str(secret)

    def poison(image):
        variants = tuple(dataclasses.replace(v, file=target) for v in image.variants)
        return dataclasses.replace(image, source_file=target, variants=variants)

    shards = _rewrite_pictures(site, poison)
    drop_output(tmp_path)
    report = build(site, options(tmp_path))
    assert any(warned(report, shard) for shard in shards), report.cache_warnings
    assert report.articles_rendered == 1 and report.articles_reused == 1  # the poisoned one, rendered again
    assert_no_secret(tmp_path / "out")
    assert tree(tmp_path / "out") == cold(site, tmp_path)


def test_output_paths_read_back_from_the_cache_never_leave_the_output(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_bytes(SECRET)
    build(site, options(tmp_path))
    index = cache(site) / CACHE_FILE
    with index.open("rb") as handle:
        data = SafeUnpickler(handle).load()
    data["outputs"] = (*data["outputs"], "../victim.txt", str(victim))  # files the next build would "remove"
    data["search"] = (data["search"][0], (*data["search"][1], "../victim.txt"))
    data["output_stats"]["/etc/passwd"] = (0, 0)
    index.write_bytes(seal(pickle.dumps(data)))
    edit(site)
    report = build(site, options(tmp_path))
    assert warned(report, index)
    assert victim.read_bytes() == SECRET
    assert_no_secret(tmp_path / "out")
    assert tree(tmp_path / "out") == cold(site, tmp_path)


def test_a_body_store_that_is_a_link_to_a_file_elsewhere_is_refused_and_left_alone(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    build(site, options(tmp_path))
    elsewhere = tmp_path / "elsewhere.sqlite"
    shutil.copy(cache(site) / BODIES_FILE, elsewhere)
    with sqlite3.connect(elsewhere) as db:  # rows that would publish the secret, were they read
        db.execute("UPDATE bodies SET html = ?", (SECRET.decode(),))
    db.close()
    before = elsewhere.read_bytes()
    (cache(site) / BODIES_FILE).unlink()
    (cache(site) / BODIES_FILE).symlink_to(elsewhere)
    drop_output(tmp_path)
    report = build(site, options(tmp_path))
    assert warned(report, cache(site) / BODIES_FILE) and "not a regular file" in " ".join(report.cache_warnings)
    assert elsewhere.read_bytes() == before  # never written through the link
    assert not (cache(site) / BODIES_FILE).is_symlink()  # made anew, in its place
    assert_no_secret(tmp_path / "out")
    assert tree(tmp_path / "out") == cold(site, tmp_path)


def test_a_body_store_with_a_trigger_or_a_view_is_refused(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    build(site, options(tmp_path))
    outside = tmp_path / "attached.sqlite"
    with sqlite3.connect(cache(site) / BODIES_FILE) as db:
        db.execute("CREATE VIEW secrets AS SELECT 1")
        db.execute(f"CREATE TRIGGER t AFTER DELETE ON bodies BEGIN SELECT '{outside}'; END")
    db.close()
    edit(site)
    report = build(site, options(tmp_path))
    assert warned(report, cache(site) / BODIES_FILE) and "unexpected schema" in " ".join(report.cache_warnings)
    assert tree(tmp_path / "out") == cold(site, tmp_path)
    assert not outside.exists()


def test_the_body_store_is_found_in_a_site_folder_named_with_uri_characters(tmp_path: Path) -> None:
    site = make_site(tmp_path, name="站点 ?a=1#b%20c")
    first = build(site, options(tmp_path))
    assert (cache(site) / BODIES_FILE).is_file()
    beside = {p.name for p in tmp_path.iterdir()}
    assert beside == {"out", builds_of(tmp_path / "out").name, "站点 ?a=1#b%20c"}, beside  # no database elsewhere
    edit(site)
    again = build(site, options(tmp_path))
    assert (first.articles_rendered, again.articles_rendered, again.articles_reused) == (2, 1, 1)
    assert again.cache_warnings == ()
    assert tree(tmp_path / "out") == cold(site, tmp_path)


# -- a damaged cache heals (issue 13, item 4) ------------------------------------------------------------------


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: max(1, path.stat().st_size // 2)])


def _garbage(path: Path) -> None:
    path.write_bytes(b"\x00garbage\xff" * 64)


def _damage_one_row(path: Path) -> None:
    """Flip bytes inside the long body's text: SQLite reads the row, but its checksum no longer matches."""
    data = bytearray(path.read_bytes())
    at = data.find("正文第一段。".encode() * 20)
    assert at > 0
    data[at : at + 6] = "被篡改".encode()[:6]
    path.write_bytes(bytes(data))


def _break_one_page(path: Path) -> None:
    """Point an overflow page of the long body nowhere: reading that row fails, the other rows read fine."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    text = "正文第一段。".encode() * 20
    at = data.find(text, page)  # past the first page (the schema)
    while data[at - at % page] != 0:  # a leaf holding the row's first part: an overflow page starts with a page number
        at = data.find(text, at - at % page + page)
    start = at - at % page
    data[start : start + 4] = (0x7FFFFFFF).to_bytes(4, "big")  # the next-overflow-page pointer
    path.write_bytes(bytes(data))


def _change_text(text: str, other: str):
    """Put other characters in place of a text a pickle holds: it still unpickles, as a changed title or tag."""

    def damage(path: Path) -> None:
        data = path.read_bytes()
        assert text.encode() in data and len(text.encode()) == len(other.encode())
        path.write_bytes(data.replace(text.encode(), other.encode(), 1))

    return damage


def _flip_middle(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def _first(pattern: str):
    return lambda site: sorted(cache(site).glob(pattern))[0]


def _holding(site: Path, text: str) -> Path:
    return next(p for p in sorted(cache(site).glob("articles-*.pickle")) if text.encode() in p.read_bytes())


DAMAGE = {
    "build index truncated": (lambda site: cache(site) / CACHE_FILE, _truncate),
    "build index garbage": (lambda site: cache(site) / CACHE_FILE, _garbage),
    "article shard truncated": (_first("articles-*.pickle"), _truncate),
    "article shard garbage": (_first("articles-*.pickle"), _garbage),
    "article shard, a tag changed": (lambda site: _holding(site, "党建"), _change_text("党建", "觉醒")),
    "picture table truncated": (_first("pictures-*.pickle"), _truncate),
    "picture table garbage": (_first("pictures-*.pickle"), _garbage),
    "picture table, one byte changed": (_first("pictures-*.pickle"), _flip_middle),
    "build index, one byte changed": (lambda site: cache(site) / CACHE_FILE, _flip_middle),
    "search state, one byte changed": (lambda site: cache(site) / SEARCH_FILE, _flip_middle),
    "body store garbage": (lambda site: cache(site) / BODIES_FILE, _garbage),
    "body store truncated": (lambda site: cache(site) / BODIES_FILE, _truncate),
    "body store, one row changed": (lambda site: cache(site) / BODIES_FILE, _damage_one_row),
    "body store, one page broken": (lambda site: cache(site) / BODIES_FILE, _break_one_page),
    "search state truncated": (lambda site: cache(site) / SEARCH_FILE, _truncate),
    "image meta.json garbage": (lambda site: meta_files(site)[0], _garbage),
    "image variant truncated": (lambda site: sorted(meta_files(site)[0].parent.glob("size-*"))[0], _truncate),
    "image keys garbage": (lambda site: cache(site) / "images" / KEYS, _garbage),
    "image usage garbage": (lambda site: cache(site) / "images" / USAGE, _garbage),
    "up-to-date record garbage": (lambda site: cache(site) / RECORD_FILE, _garbage),
}


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_a_damaged_cache_file_is_said_dropped_and_rebuilt_in_the_same_build(tmp_path: Path, kind: str) -> None:
    site = make_site(tmp_path)
    build(site, options(tmp_path))
    where, damage = DAMAGE[kind]
    damaged = where(site)
    damage(damaged)
    edit(site)
    report = build(site, options(tmp_path))  # never a failed build
    assert warned(report, damaged), report.cache_warnings
    assert tree(tmp_path / "out") == cold(site, tmp_path)  # never wrong output
    edit(site)
    healed = build(site, options(tmp_path))
    assert healed.cache_warnings == (), healed.cache_warnings  # the same build made it anew
    assert tree(tmp_path / "out") == cold(site, tmp_path)


@pytest.mark.parametrize("at", [0.3, 0.5, 0.7])
def test_a_stored_page_changed_in_the_page_store_is_rendered_again(tmp_path: Path, at: float) -> None:
    """A byte changed inside a stored page's compressed bytes could still decompress, to other bytes: the CI path
    (an empty output, the cache restored) published them (found by a QA pass). Each frame now ends in a checksum."""
    site = make_site(tmp_path)
    build(site, options(tmp_path))
    page = "towns/2024/01/a/index.html"
    with sqlite3.connect(cache(site) / "pages.sqlite") as db:
        (blob,) = db.execute("SELECT data FROM pages WHERE path = ?", (page,)).fetchone()
        changed = bytearray(blob)
        changed[int(len(changed) * at)] ^= 0x04
        db.execute("UPDATE pages SET data = ? WHERE path = ?", (bytes(changed), page))
    db.close()
    drop_output(tmp_path)
    build(site, options(tmp_path))
    assert tree(tmp_path / "out") == cold(site, tmp_path)


@pytest.mark.parametrize(
    "name", ["build.pickle", "articles-*.pickle", "search.pickle", "slugs.json", "up-to-date.json",
             "up-to-date-inputs.pickle", "images/keys.json", "pictures-*.pickle", "build.journal.pickle",
             "search.journal.pickle"],
)  # fmt: skip
def test_a_folder_where_the_cache_keeps_a_file_is_removed_not_a_failed_build(tmp_path: Path, name: str) -> None:
    """Failed every later build with IsADirectoryError when the file was saved (found by a QA pass)."""
    site = make_site(tmp_path)
    b = article("乙", "2024-01-03", "又一篇。", author="张三")  # an author: slugs.json is written
    (site / "content" / "towns" / "b.md").write_text(b, encoding="utf-8")
    build(site, options(tmp_path))
    path = ([*sorted(cache(site).glob(name)), cache(site) / name])[0]  # a journal: none yet after a cold build
    path.unlink(missing_ok=True)
    (path / "inside").mkdir(parents=True)
    edit(site)
    report = build(site, options(tmp_path))
    assert warned(report, path) and not path.is_dir()
    assert path.is_file() or ".journal." in name  # a small site's journal is soon past a quarter of its base
    assert tree(tmp_path / "out") == cold(site, tmp_path)
    edit(site)
    assert build(site, options(tmp_path)).cache_warnings == ()


def test_a_body_row_damaged_when_the_page_workers_need_it_is_remade_before_they_fork(tmp_path: Path) -> None:
    """Once failed the build: the article's page is rendered (its template changed) but its body row is damaged."""
    site = make_site(tmp_path)
    build(site, options(tmp_path))
    _damage_one_row(cache(site) / BODIES_FILE)
    (site / "templates").mkdir()
    (site / "templates" / "article.html").write_text(
        '{% extends "theme/article.html" %}{% block content %}<p>转载请注明</p>{{ super() }}{% endblock %}',
        encoding="utf-8",
    )
    report = build(site, BuildOptions(output_dir=tmp_path / "out", now=FIXED_NOW, jobs=2))
    assert warned(report, cache(site) / BODIES_FILE)
    assert report.articles_rendered == 0  # the store's index was fine: one body rendered again, in place
    assert tree(tmp_path / "out") == cold(site, tmp_path)


EDITION_YAML = "editions:\n  - language: zh-Hant-HK\n"
EDITION_BODY = "发展计划"  # Simplified: the edition's rows hold it converted
EDITION_TITLE = "规划书"


def _damage_edition_row(text: str):
    """Flip bytes of an edition's row (a converted body, or an article's converted texts): SQLite reads it, but its
    checksum no longer matches. The Simplified rows do not hold the converted words."""

    def damage(path: Path) -> None:
        data = bytearray(path.read_bytes())
        at = data.find(text.encode())
        assert at > 0
        data[at : at + 3] = "壞".encode()
        path.write_bytes(bytes(data))

    return damage


def make_edition_site(root: Path) -> Path:
    site = make_site(root, extra_yaml=EDITION_YAML)
    path = site / "content" / "towns" / "c.md"
    path.write_text(article(EDITION_TITLE, "2024-01-04", EDITION_BODY * 300 + "。"), encoding="utf-8")
    return site


@pytest.mark.parametrize(
    ("row", "then"),
    [("body", "empty output"), ("texts", "empty output"), ("body", "template, two workers"), ("texts", "edit")],
)
def test_a_damaged_edition_row_is_converted_again(tmp_path: Path, row: str, then: str) -> None:
    """Failed the build (KeyError) when the page or search index needing the row was made: an edition's body had no
    way back to its source, and its texts were read without their checksums (a changed one was shown)."""
    site = make_edition_site(tmp_path)
    build(site, options(tmp_path))
    converted = "發展計劃" * 20 if row == "body" else "規劃書"
    store = cache(site) / BODIES_FILE
    _damage_edition_row(converted)(store)
    if then == "edit":
        edit(site)
    elif then == "empty output":
        drop_output(tmp_path)
    else:  # every page rendered again, its body read before the workers fork
        (site / "templates").mkdir()
        (site / "templates" / "article.html").write_text(
            '{% extends "theme/article.html" %}{% block content %}<p>转载请注明</p>{{ super() }}{% endblock %}',
            encoding="utf-8",
        )
    jobs = 2 if "two workers" in then else 1
    report = build(site, BuildOptions(output_dir=tmp_path / "out", now=FIXED_NOW, jobs=jobs))
    assert tree(tmp_path / "out") == cold(site, tmp_path)
    if then != "edit" or row == "texts":  # an edit alone reads no converted body of an unchanged article
        assert warned(report, store), report.cache_warnings
    healed = build(site, BuildOptions(output_dir=tmp_path / "out", now=FIXED_NOW, jobs=jobs))
    assert tree(tmp_path / "out") == cold(site, tmp_path)
    assert healed.cache_warnings == (), healed.cache_warnings


def test_the_cli_says_each_cache_warning_in_the_sites_language_and_profile_counts_them(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["build", "--site", str(site)]).exit_code == 0
    _garbage(cache(site) / CACHE_FILE)
    edit(site)
    result = runner.invoke(main, ["build", "--site", str(site), "--profile"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if CACHE_FILE in line]
    assert len(lines) == 1 and lines[0].startswith("提示：") and "缓存已弃用（文件已损坏" in lines[0], result.output
    assert "缓存：1 条提示" in result.output
    (site / "site.yaml").write_text(SITE_YAML + "language: en\n", encoding="utf-8")
    _garbage(cache(site) / CACHE_FILE)
    result = runner.invoke(main, ["build", "--site", str(site), "--profile"])
    assert "warning: " in result.output and "cache discarded (damaged" in result.output
    assert "cache: 1 warnings" in result.output


# -- serve holds one build; the image cache stays bounded ---------------------------------------------------


def test_serves_memory_holds_only_the_current_builds_pages(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    memory = BuildCache()
    for n in range(6):  # an editing session: every save renders the edited article's pages again
        path = site / "content" / "towns" / "b.md"
        path.write_text(article(f"乙{n}", "2024-01-03", f"第{n}次修改。"), encoding="utf-8")
        _, files = build_in_memory(site, BuildOptions(cache=memory, now=FIXED_NOW, jobs=1))
        pages = [path for path in files if path.endswith((".html", ".xml")) or path == "robots.txt"]  # and feeds
        assert len(memory.pages.in_memory) == len(pages)
        assert set(memory.pages.in_memory.values()) <= {files[path].data for path in pages}


def test_image_cache_entries_no_build_used_for_a_while_are_removed(tmp_path: Path) -> None:
    site = make_site(tmp_path, extra_yaml="image_cache_keep_builds: 2\n")
    build(site, options(tmp_path))
    first = {meta.parent.name for meta in meta_files(site)}
    assert len(first) == 1
    (site / "content" / "towns" / "pic.png").write_bytes(picture_bytes(640, 427, colour=(9, 90, 200)))
    removed = []
    for _ in range(3):
        report = build(site, options(tmp_path))
        removed.append(report.images_removed)
        (cache(site) / RECORD_FILE).unlink()  # builds with nothing to do do not count: make each one run
    now = {meta.parent.name for meta in meta_files(site)}
    assert removed == [0, 1, 0]  # the old picture's entry, unused by two builds, is gone after the second
    assert len(now) == 1 and not (now & first)
    assert tree(tmp_path / "out") == cold(site, tmp_path)


def test_the_image_cache_keeps_entries_for_twenty_builds_by_default(tmp_path: Path) -> None:
    from sitegen.config import load_config

    site = make_site(tmp_path)
    assert load_config(site).image_cache_keep_builds == 20
    (site / "site.yaml").write_text(SITE_YAML + "image_cache_keep_builds: 0\n", encoding="utf-8")
    from sitegen.errors import ConfigError

    with pytest.raises(ConfigError):
        load_config(site)
    assert os.path.isdir(site)


def test_a_failed_search_update_falls_back_to_a_cold_index_and_says_so(tmp_path: Path, monkeypatch) -> None:
    site = make_site(tmp_path)
    build(site, options(tmp_path))

    def failing_update(*args, **kwargs):
        raise ValueError("a shard of the last index changed since")

    monkeypatch.setattr("sitegen.build.searchfiles.update_index", failing_update)
    edit(site)
    report = build(site, options(tmp_path))
    assert warned(report, cache(site) / SEARCH_FILE)
    assert "the search index could not be updated (damaged: a shard" in " ".join(report.cache_warnings)
    assert tree(tmp_path / "out") == cold(site, tmp_path)


def test_an_editions_failed_search_update_falls_back_to_a_cold_index_and_says_so(tmp_path: Path, monkeypatch) -> None:
    site = make_site(tmp_path, extra_yaml="editions:\n  - language: zh-Hant-HK\n")
    build(site, options(tmp_path))
    assert (cache(site) / "search-zh-hant.pickle").is_file()

    def failing_update(*args, **kwargs):
        raise ValueError("a shard of the last index changed since")

    monkeypatch.setattr("sitegen.build.searchfiles.update_index", failing_update)
    edit(site)
    report = build(site, options(tmp_path))
    assert warned(report, cache(site) / SEARCH_FILE)
    assert warned(report, cache(site) / "search-zh-hant.pickle")  # the edition's index says so too
    assert tree(tmp_path / "out") == cold(site, tmp_path)
