"""A cache restored where the site now is, not where the build that saved it was (a CI checkout elsewhere).

The cached articles name their pictures' files by absolute path; the cache says in which folders it saved them, and a
build elsewhere renames them under its own folders (sitegen.incremental.relocate) and keys pages by folder, not by
absolute path (sitegen.render.keys). So a moved site renders no article and no page again, says nothing about its
cache, and writes what a cold build writes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import FIXED_NOW, article, picture_bytes, tree

from sitegen.build.api import BuildOptions, build
from sitegen.incremental.relocate import moved, relocated, root_prefixes
from sitegen.model import Article, Image, ImageVariant
from sitegen.render.keys import ContextKeys

SITE_YAML = "title: 测试站\nbase_url: https://example.org/\ncolumns:\n  - slug: towns\n    title: 镇街\n"


def make_site(site: Path) -> Path:
    (site / "content" / "towns").mkdir(parents=True)
    (site / "assets" / "images").mkdir(parents=True)
    (site / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    (site / "content" / "towns" / "near.png").write_bytes(picture_bytes(640, 427))
    (site / "assets" / "images" / "shared.png").write_bytes(picture_bytes(800, 600))
    for n in range(6):
        picture = "near.png" if n % 2 else "images/shared.png"
        body = f"第{n}篇的正文。\n\n![图{n}]({picture})\n"
        text = article(f"文章{n}", f"2024-01-0{n + 1}", body, tags="[党建]")
        (site / "content" / "towns" / f"a{n}.md").write_text(text, encoding="utf-8")
    return site


def build_at(site: Path, output: Path, cache_dir: Path | None = None) -> tuple[int, int, int, int, tuple[str, ...]]:
    report = build(site, BuildOptions(output_dir=output, cache_dir=cache_dir, now=FIXED_NOW, jobs=1))
    return (
        report.articles_rendered,
        report.articles_reused,
        report.pages_rendered,
        report.pages_reused,
        report.cache_warnings,
    )


def test_a_moved_site_reuses_every_article_and_page(tmp_path: Path) -> None:
    first = make_site(tmp_path / "runner-a" / "site")
    rendered, _, pages, _, _ = build_at(first, tmp_path / "out-a")
    assert rendered == 6 and pages > 6
    moved_site = tmp_path / "runner-b" / "checkout" / "site"
    moved_site.parent.mkdir(parents=True)
    shutil.move(first, moved_site)  # the site with its .sitegen-cache/, as a restored CI cache

    again = build_at(moved_site, tmp_path / "out-b")

    assert again == (0, 6, 0, pages, ())
    cold = tmp_path / "cold"
    build(moved_site, BuildOptions(output_dir=cold, disk_cache=False, now=FIXED_NOW, jobs=1))
    assert tree(tmp_path / "out-b") == tree(cold)
    # the cache now names the new folders: the next build elsewhere again reuses everything
    third = tmp_path / "runner-c" / "site"
    shutil.move(moved_site, third)
    assert build_at(third, tmp_path / "out-c") == (0, 6, 0, pages, ())


def test_a_cache_folder_outside_the_site_moves_with_it(tmp_path: Path) -> None:
    site = make_site(tmp_path / "a" / "site")
    _, _, pages, _, _ = build_at(site, tmp_path / "a" / "out", tmp_path / "a" / "cache")
    shutil.move(tmp_path / "a", tmp_path / "b")
    site = tmp_path / "b" / "site"
    assert build_at(site, tmp_path / "b" / "out2", tmp_path / "b" / "cache") == (0, 6, 0, pages, ())


def _article(source: Path | None, variant: Path | None) -> Article:
    variants = (ImageVariant("p-1-480.webp", 480, 320, "image/webp", variant),) if variant is not None else ()
    image = Image("towns/p.png", source_file=source, width=480, height=320, variants=variants)
    return Article("content/towns/a.md", "towns", "甲", FIXED_NOW, "a", "towns/a/", "", images=(image,), fingerprint="")


def test_relocated_renames_files_under_saved_folders_only() -> None:
    saved = root_prefixes([Path("/old/site/content"), Path("/old/site/assets"), Path("/old/cache/images")])
    current = root_prefixes([Path("/new/site/content"), Path("/new/site/assets"), Path("/new/cache/images")])
    renames = moved(saved, current)
    item = _article(Path("/old/site/content/towns/p.png"), Path("/old/cache/images/ab/p-1-480.webp"))

    moved_item = relocated(item, renames)

    image = moved_item.images[0]
    assert image.source_file == Path("/new/site/content/towns/p.png")
    assert image.variants[0].file == Path("/new/cache/images/ab/p-1-480.webp")
    assert (moved_item.source_path, moved_item.fingerprint) == (item.source_path, item.fingerprint)
    elsewhere = _article(Path("/etc/p.png"), None)
    assert relocated(elsewhere, renames) is elsewhere  # left for the loader to drop
    assert relocated(item, {}) is item


def test_a_picture_many_articles_show_is_relocated_once_and_stays_one_object() -> None:
    renames = moved(root_prefixes([Path("/old/content")]), root_prefixes([Path("/new/content")]))
    first = _article(Path("/old/content/towns/p.png"), None)
    second = _article(Path("/old/content/towns/p.png"), None)  # an equal picture, another object (another shard)
    assert first.images[0] is not second.images[0]
    done: dict[Image, Image] = {}

    a, b = relocated(first, renames, done), relocated(second, renames, done)

    assert a.images[0] is b.images[0] and len(done) == 1
    assert a.images[0].source_file == Path("/new/content/towns/p.png")


def test_moved_needs_the_same_folders_absolute() -> None:
    current = root_prefixes([Path("/new/content"), Path("/new/assets")])
    assert moved(["/new/content/", "/new/assets/"], current) == {}
    assert moved(["/old/content/"], current) == {}  # another number of folders: not trusted to pair
    assert moved(["relative/", "/old/assets/"], current) == {}
    assert moved([7, "/old/assets/"], current) == {}
    assert moved(["/old/content/", "/old/assets/"], current) == {
        "/old/content/": "/new/content/",
        "/old/assets/": "/new/assets/",
    }


def test_page_keys_name_files_by_folder() -> None:
    old = _article(Path("/old/site/content/towns/p.png"), Path("/old/cache/images/p-1-480.webp"))
    new = _article(Path("/new/x/content/towns/p.png"), Path("/new/y/images/p-1-480.webp"))
    old_keys = ContextKeys(folders=[Path("/old/site/content"), Path("/old/site/assets"), Path("/old/cache/images")])
    new_keys = ContextKeys(folders=[Path("/new/x/content"), Path("/new/x/assets"), Path("/new/y/images")])
    assert old_keys.page_key("t", {"article": old}) == new_keys.page_key("t", {"article": new})
    # another file, or the same name in another folder, is another key
    other = _article(Path("/new/x/assets/towns/p.png"), Path("/new/y/images/p-1-480.webp"))
    assert new_keys.page_key("t", {"article": other}) != new_keys.page_key("t", {"article": new})
    assert ContextKeys().page_key("t", {"article": old}) != ContextKeys().page_key("t", {"article": new})
