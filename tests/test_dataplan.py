"""The data files (feeds, sitemaps, robots.txt, redirects) keyed by what they are made from (render/datafiles.py), and
kept, taken from the page store or made as the pages are (build/dataplan.py): the keys follow what each file shows,
the decisions follow the keys and the destination, and the bytes are those a cold build makes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import FIXED_NOW, SITE_YAML, article, load, tree
from output_support import remove_output

from sitegen.build.api import BuildOptions, BuildReport, build, build_in_memory
from sitegen.build.pipeline import load_site
from sitegen.incremental.cache import BuildCache
from sitegen.incremental.pages import PAGES_FILE, DiskPageStore
from sitegen.model import Site
from sitegen.render.datafiles import DATA_FILE, data_files, data_jobs
from sitegen.render.feeds import robots_txt, site_feeds, site_map
from sitegen.render.keys import ContextKeys

ALIASED = "[/old/a.html, /old/b/]"
ARTICLES = {
    "content/towns/a.md": article("甲", "2024-01-02", "甲的正文。", author="张三", aliases=ALIASED),
    "content/towns/b.md": article("乙", "2024-01-03", "乙的正文。", author="李四"),
    "content/tips/c.md": article("丙", "2024-01-04", "丙的正文。", author="张三"),
    "content/tips/d.md": article("丁", "2024-01-05", "丁的正文。", author="王五", aliases="[/old/d.html]"),
}
FEEDS = {"feed.xml", "towns/feed.xml", "tips/feed.xml"}


def write(site: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_text(text, encoding="utf-8")
    return site


def make(tmp_path: Path, site_yaml: str = SITE_YAML) -> Path:
    return write(tmp_path / "site", {"site.yaml": site_yaml, **ARTICLES})


def data_keys(site: Site) -> dict[str, str]:
    """Each data file's key, as a build's keys give it (a new ContextKeys: an article walked in full)."""
    keys = ContextKeys()
    return {job.path: keys.page_key(DATA_FILE, job.made_from()) for job in data_jobs(site)}


def author_feed(site: Site, name: str) -> str:
    return next(f"{author.url}feed.xml" for author in site.authors if author.name == name)


def changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


# -- the keys ---------------------------------------------------------------------------------------------------------


def test_the_data_files_of_a_site_are_its_feeds_sitemap_robots_and_redirects(tmp_path: Path) -> None:
    site = load(make(tmp_path))
    authors = {author_feed(site, name) for name in ("张三", "李四", "王五")}
    redirects = {"old/a.html", "old/b/index.html", "old/d.html", "_redirects", "redirects.map"}
    assert set(data_keys(site)) == FEEDS | authors | {"sitemap.xml", "robots.txt"} | redirects


def test_a_body_edited_changes_the_keys_of_the_feeds_that_show_the_article_and_no_other(tmp_path: Path) -> None:
    folder = make(tmp_path)
    site = load(folder)
    before = data_keys(site)
    write(folder, {"content/tips/c.md": article("丙", "2024-01-04", "丙的正文，又一段。", author="张三")})
    after = data_keys(load(folder))
    # the site's feed, its column's, its author's; the sitemap shows its date, which stayed
    assert changed(before, after) == {"feed.xml", "tips/feed.xml", author_feed(site, "张三")}


def test_a_new_date_changes_the_sitemap_and_a_new_alias_the_redirects(tmp_path: Path) -> None:
    folder = make(tmp_path)
    site = load(folder)
    before = data_keys(site)
    updated = article("乙", "2024-01-03", "乙的正文。", author="李四", updated="2024-02-01")
    write(folder, {"content/towns/b.md": updated})
    after = data_keys(load(folder))
    assert changed(before, after) == {"feed.xml", "towns/feed.xml", author_feed(site, "李四"), "sitemap.xml"}
    write(folder, {"content/towns/b.md": article("乙", "2024-01-03", "乙的正文。", author="李四", aliases="[/old/e/]")})
    moved = data_keys(load(folder))
    assert {"old/e/index.html", "_redirects", "redirects.map", "sitemap.xml"} <= changed(after, moved)
    assert {"old/a.html", "old/b/index.html", "old/d.html", "tips/feed.xml", "robots.txt"}.isdisjoint(
        changed(after, moved)
    )


def test_a_redirect_page_follows_its_article_and_the_maps_follow_the_addresses(tmp_path: Path) -> None:
    folder = make(tmp_path)
    before = data_keys(load(folder))
    write(folder, {"content/towns/a.md": ARTICLES["content/towns/a.md"].replace("title: 甲", "title: 甲新")})
    after = data_keys(load(folder))
    assert {"old/a.html", "old/b/index.html"} <= changed(before, after)
    assert {"old/d.html", "_redirects", "redirects.map", "robots.txt", "sitemap.xml"}.isdisjoint(changed(before, after))


def test_a_config_change_changes_every_key_and_feed_size_every_feeds(tmp_path: Path) -> None:
    folder = make(tmp_path)
    before = data_keys(load(folder))
    write(folder, {"site.yaml": SITE_YAML + "feed_size: 2\n"})
    smaller = data_keys(load(folder))
    assert changed(before, smaller) >= FEEDS
    write(folder, {"site.yaml": SITE_YAML.replace("测试站", "另一个站")})
    assert changed(before, data_keys(load(folder))) == set(before)


def test_full_content_feeds_are_keyed_by_their_articles_bodies(tmp_path: Path) -> None:
    folder = make(tmp_path, SITE_YAML + "feed_full_content: true\n")
    before = data_keys(load(folder))
    write(folder, {"content/towns/b.md": article("乙", "2024-01-03", "乙的正文，改了。", author="李四")})
    site = load(folder)
    assert changed(before, data_keys(site)) == {"feed.xml", "towns/feed.xml", author_feed(site, "李四")}


def test_the_same_content_gives_the_same_keys_in_another_build(tmp_path: Path) -> None:
    folder = make(tmp_path)
    assert data_keys(load(folder)) == data_keys(load(folder))


def test_a_data_file_is_the_bytes_its_function_makes(tmp_path: Path) -> None:
    folder = make(tmp_path)
    loaded = load_site(folder, BuildOptions(disk_cache=False, now=FIXED_NOW))
    files = {file.path: file.data for file in data_files(loaded.site, loaded.body)}
    assert {path: files[path] for path, _ in site_feeds(loaded.site, loaded.body)} == dict(
        site_feeds(loaded.site, loaded.body)
    )
    assert files["sitemap.xml"] == site_map(loaded.site)
    assert files["robots.txt"] == robots_txt(loaded.site.config)


# -- what a build does with them --------------------------------------------------------------------------------------


def options(tmp_path: Path, **more: object) -> BuildOptions:
    more.setdefault("output_dir", tmp_path / "public")
    more.setdefault("cache_dir", tmp_path / "cache")
    return BuildOptions(now=FIXED_NOW, jobs=1, **more)  # type: ignore[arg-type]  # the options a test sets


def rebuild(folder: Path, tmp_path: Path, **more: object) -> BuildReport:
    (tmp_path / "cache" / "up-to-date.json").unlink(missing_ok=True)  # the pipeline runs, whatever the stats say
    return build(folder, options(tmp_path, **more))


def stamps(output: Path) -> dict[str, tuple[int, int]]:
    """Each file's time stamp and inode: a file the build wrote has new ones (a plain output folder)."""
    return {p.relative_to(output).as_posix(): (p.stat().st_mtime_ns, p.stat().st_ino) for p in output.rglob("*")}


def cold(folder: Path, tmp_path: Path) -> dict[str, bytes]:
    remove_output(tmp_path / "cold")
    build(folder, BuildOptions(output_dir=tmp_path / "cold", disk_cache=False, now=FIXED_NOW, jobs=1))
    return tree(tmp_path / "cold")


def test_one_edit_makes_the_feeds_that_show_it_and_keeps_every_other_data_file(tmp_path: Path) -> None:
    folder = make(tmp_path)
    first = build(folder, options(tmp_path, output_mode="folder"))
    assert first.data_files_made == len(data_keys(load(folder)))
    before = stamps(tmp_path / "public")
    write(folder, {"content/tips/c.md": article("丙", "2024-01-04", "丙的正文，又一段。", author="张三")})
    report = rebuild(folder, tmp_path, output_mode="folder")
    assert report.data_files_made == 3
    after = stamps(tmp_path / "public")
    site = load(folder)
    kept = {path for path in data_keys(site) if after[path] == before[path]}
    assert kept == set(data_keys(site)) - {"feed.xml", "tips/feed.xml", author_feed(site, "张三")}
    assert tree(tmp_path / "public") == cold(folder, tmp_path)


def test_a_rebuild_whose_site_frame_held_keeps_the_sitemap_key_unlisted(tmp_path: Path, monkeypatch) -> None:
    """The data files are keyed with the pages (build/keyplan.py): an edit of a text leaves the site's frame as it
    was, and the sitemap, which names no article, keeps its recorded key; its list of every page is never made."""
    from sitegen.render import datafiles

    listed: list[int] = []
    real = datafiles.sitemap_pages
    def counted(site: Site) -> tuple[tuple[str, str | None], ...]:
        listed.append(1)
        return real(site)

    monkeypatch.setattr(datafiles, "sitemap_pages", counted)
    folder = make(tmp_path)
    build(folder, options(tmp_path))
    assert listed  # made (and keyed) by the first build
    listed.clear()
    write(folder, {"content/tips/c.md": article("丙", "2024-01-04", "丙的正文，又一段。", author="张三")})
    report = rebuild(folder, tmp_path)
    assert (listed, report.data_files_made) == ([], 3)  # the three feeds showing the article
    assert tree(tmp_path / "public") == cold(folder, tmp_path)
    listed.clear()
    write(folder, {"content/tips/c.md": article("丙", "2024-01-09", "丙的正文，又一段。", author="张三")})
    report = rebuild(folder, tmp_path)  # a new date moves the article: the frame changed, every file keyed anew
    assert listed and report.data_files_made > 3
    assert tree(tmp_path / "public") == cold(folder, tmp_path)


def test_a_template_edit_makes_no_data_file(tmp_path: Path) -> None:
    folder = make(tmp_path)
    build(folder, options(tmp_path))
    write(folder, {"templates/article.html": '{% extends "theme/article.html" %}'})
    report = rebuild(folder, tmp_path)
    assert report.pages_rendered > 0 and report.data_files_made == 0
    assert tree(tmp_path / "public") == cold(folder, tmp_path)


def test_the_ci_path_takes_every_data_file_from_the_page_store(tmp_path: Path) -> None:
    folder = make(tmp_path)
    build(folder, options(tmp_path))
    checkout = tmp_path / "checkout"  # every file a new time stamp, the cache restored, an empty output
    shutil.copytree(folder, checkout, copy_function=shutil.copyfile)
    shutil.copytree(tmp_path / "cache", tmp_path / "restored")
    report = build(checkout, options(tmp_path, output_dir=tmp_path / "ci", cache_dir=tmp_path / "restored"))
    assert (report.pages_rendered, report.data_files_made) == (0, 0)
    assert tree(tmp_path / "ci") == cold(folder, tmp_path)


def test_a_data_file_changed_by_hand_comes_back_from_the_store_and_a_damaged_row_is_made_again(
    tmp_path: Path,
) -> None:
    folder = make(tmp_path)
    build(folder, options(tmp_path))
    expected = tree(tmp_path / "public")
    feed = (tmp_path / "public" / "towns" / "feed.xml").resolve()
    feed.write_bytes(b"<feed>changed by hand</feed>")
    os.utime(feed, ns=(1, 1))
    assert rebuild(folder, tmp_path).data_files_made == 0
    assert tree(tmp_path / "public") == expected
    store = DiskPageStore(tmp_path / "cache" / PAGES_FILE)
    digest = store.digests()["towns/feed.xml"]
    store.put("towns/feed.xml", digest, b"not compressed")
    store.flush()
    store.close()
    remove_output(tmp_path / "public")
    report = rebuild(folder, tmp_path)
    assert report.data_files_made == 1 and tree(tmp_path / "public") == expected


@pytest.mark.parametrize("edition", [False, True])
def test_every_data_file_is_made_without_a_cache_and_kept_when_nothing_changed(tmp_path: Path, edition: bool) -> None:
    folder = make(tmp_path, SITE_YAML + ("editions:\n  - language: zh-Hant-HK\n" if edition else ""))
    report = build(folder, options(tmp_path, disk_cache=False))
    source = data_keys(load(folder))  # an edition has its own feeds and sitemap
    assert report.data_files_made == len(source) + (sum(path.endswith(".xml") for path in source) if edition else 0)
    assert (tmp_path / "public" / "zh-hant" / "feed.xml").is_file() == edition
    build(folder, options(tmp_path))
    again = rebuild(folder, tmp_path)
    assert (again.pages_rendered, again.data_files_made) == (0, 0)
    assert tree(tmp_path / "public") == cold(folder, tmp_path)


def test_serve_memory_keeps_the_data_files_of_its_last_build(tmp_path: Path) -> None:
    folder = make(tmp_path)
    memory = BuildCache()
    first, files = build_in_memory(folder, BuildOptions(cache=memory, now=FIXED_NOW, jobs=1))
    again, same = build_in_memory(folder, BuildOptions(cache=memory, now=FIXED_NOW, jobs=1))
    assert first.data_files_made > 0 and again.data_files_made == 0
    assert {p: f.data for p, f in files.items() if p.endswith(".xml")} == {
        p: f.data for p, f in same.items() if p.endswith(".xml")
    }


def test_a_check_makes_every_data_file(tmp_path: Path) -> None:
    from sitegen.build.api import check

    folder = make(tmp_path)
    build(folder, options(tmp_path, output_dir=tmp_path / "public", cache_dir=folder / ".sitegen-cache"))
    report = check(folder, BuildOptions(now=FIXED_NOW, jobs=1))
    assert report.data_files_made == len(data_keys(load(folder)))


def test_an_edition_feed_follows_its_converted_article(tmp_path: Path) -> None:
    folder = make(tmp_path, SITE_YAML + "editions:\n  - language: zh-Hant-HK\n")
    build(folder, options(tmp_path))
    write(folder, {"content/towns/b.md": article("乙", "2024-01-03", "乙的正文，改了。", author="李四")})
    report = rebuild(folder, tmp_path)
    # the source's three feeds that show it and the edition's three
    assert report.data_files_made == 6
    assert tree(tmp_path / "public") == cold(folder, tmp_path)
    # the edition's dictionary: in every site's config (the source's lists its editions), so every data file's key
    write(folder, {"data/opencc.txt": "乙\t乙乙\n"})
    report = rebuild(folder, tmp_path)
    assert tree(tmp_path / "public") == cold(folder, tmp_path)
    source = data_keys(load(folder))
    assert report.data_files_made == len(source) + sum(path.endswith(".xml") for path in source)


def test_the_profile_says_how_many_data_files_were_made(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from sitegen.cli import main

    folder = make(tmp_path)
    command = ["build", "--site", str(folder), "--output", str(tmp_path / "public"), "--profile", "--jobs", "1"]
    assert "订阅源、站点地图与跳转：生成 13 个" in CliRunner().invoke(main, command).output
    write(folder, {"content/tips/c.md": article("丙", "2024-01-04", "丙的正文，又一段。", author="张三")})
    built = CliRunner().invoke(main, command)
    assert built.exit_code == 0 and "订阅源、站点地图与跳转：生成 3 个" in built.output, built.output
