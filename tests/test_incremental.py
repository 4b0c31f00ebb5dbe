"""An incremental build gives exactly the output of a cold build, whatever edits came before it.

Hypothesis drives random sequences of edits (add, edit, rename, delete articles and pictures; give an article an old
address; change a template; change the config, its feeds' settings, the Traditional edition's dictionary) on a small
site with a Traditional edition. After each sequence the site is built twice: incrementally, into the output of
the previous builds with the build cache they left, and cold, with no cache into an empty folder. The two trees must
match byte for byte. The development server's in-memory cache is held to the same standard, and so is the CI path:
a fresh checkout of the site (every file a new time stamp) with the cache of the last CI build restored, into an
empty output folder or into the last CI output restored (where no file whose bytes stay may be written). Edits
include changes of the toolchain: a new version of a library that shapes output, and an edit of sitegen's own code
that changes what it renders (both stand-ins, patched in: the cache must not serve what the old code made).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from conftest import FIXED_NOW, picture_bytes, tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from output_support import remove_output

from sitegen import toolchain
from sitegen.build import load
from sitegen.build.api import BuildOptions, BuildReport, build, build_in_memory
from sitegen.errors import BuildFailed
from sitegen.incremental import journal as journals
from sitegen.incremental.cache import BuildCache
from sitegen.incremental.pickles import seal
from sitegen.model import OutputFile

PNG = picture_bytes(16, 12)
EDITED_PNG = picture_bytes(16, 12, colour=(20, 160, 90))
SITE_YAML = """\
title: 测试站
base_url: https://example.org/sub/
page_size: {page_size}
columns:
  - slug: towns
    title: {towns}
  - slug: tips
    title: 身边爆料
editions:
  - language: zh-Hant-HK
"""
NAMES = ["a", "b", "c", "d", "e"]
COLUMNS = ["towns", "tips"]
WORDS = ["党建", "志愿", "防诈", "均禾", "社区"]

names = st.sampled_from(NAMES)
columns = st.sampled_from(COLUMNS)
operations = st.one_of(
    st.tuples(st.just("write"), columns, names, st.integers(1, 28), st.sampled_from(WORDS), st.booleans()),
    st.tuples(st.just("delete"), columns, names),
    st.tuples(st.just("rename"), columns, names, columns, names),
    st.tuples(st.just("picture"), columns, st.booleans()),
    st.tuples(st.just("template"), st.sampled_from(["", "<p>本站</p>", "<p>转载请注明出处</p>"])),
    st.tuples(
        st.just("config"), st.integers(1, 3), st.sampled_from(["镇街社区", "镇街"]), st.integers(1, 3), st.booleans()
    ),
    st.tuples(st.just("alias"), columns, names, names),
    st.tuples(st.just("link"), columns, names, columns, names),
    st.tuples(st.just("library"), st.sampled_from(toolchain.OUTPUT_LIBRARIES), st.integers(0, 2)),
    st.tuples(st.just("code"), st.integers(0, 2)),
    st.tuples(st.just("authors"), st.sampled_from(["", "本站记者。", "资深编辑。"]), st.booleans()),
    st.tuples(st.just("phrases"), st.sampled_from(["", "党建\n", "志愿\t志願者\n社区\t社區\n"])),
)
AUTHORS = ["张三", "章三", "李四"]  # 张三 and 章三 share a pinyin slug: who keeps it depends on the dates
TOOLCHAIN = toolchain.current()
CODE: dict[str, Any] = {"edit": 0, "libraries": dict(TOOLCHAIN.libraries)}  # the stand-in toolchain of the running test


def bytes_of(file: OutputFile) -> bytes:
    """A built file's bytes: rendered, or those of the file it is copied from."""
    if file.data is not None:
        return file.data
    assert file.copy_from is not None, file.path
    return file.copy_from.read_bytes()


def _current_toolchain() -> toolchain.Toolchain:
    libraries = tuple((name, CODE["libraries"][name]) for name, _ in TOOLCHAIN.libraries)
    code = f"{TOOLCHAIN.code}+edit{CODE['edit']}"
    return dataclasses.replace(TOOLCHAIN, code=code, picture_code=code, libraries=libraries)


def _edited_render_article(*args, **kwargs):
    """sitegen's Markdown code as an edit changed it: the bodies it renders carry a mark of that edit."""
    result = RENDER_ARTICLE(*args, **kwargs)
    if CODE["edit"] and isinstance(result, tuple):
        article, body = result
        result = article, dataclasses.replace(body, html=f"{body.html}<!-- edit {CODE['edit']} -->")
    return result


RENDER_ARTICLE = load.render_article


@contextlib.contextmanager
def stand_in_toolchain():
    CODE["edit"], CODE["libraries"] = 0, dict(TOOLCHAIN.libraries)
    with (
        mock.patch.object(toolchain, "current", _current_toolchain),
        mock.patch.object(load, "render_article", _edited_render_article),
    ):
        yield


def article(day: int, word: str, with_picture: bool, body_extra: str = "") -> str:
    picture = "\n![图](pic.png)\n" if with_picture else ""
    # authors, editors, lead stories and months of the archive all follow from the day
    portal = f"author: {AUTHORS[day % 3]}\neditor: {AUTHORS[(day + 1) % 3]}\nfeatured: {str(day % 4 == 0).lower()}\n"
    return (
        f"---\ntitle: {word}{day}\ndate: 2024-{1 + day % 2:02}-{day:02}\ntags: [{word}]\nviews: {day * 7}\n"
        f"{portal}---\n\n{word}的正文第{day}段。\n{picture}{body_extra}\n"
    )


def apply(site: Path, operation: tuple) -> None:
    kind = operation[0]
    if kind == "write":
        _, column, name, day, word, with_picture = operation
        path = site / "content" / column / f"{name}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        if with_picture and not (path.parent / "pic.png").exists():
            (path.parent / "pic.png").write_bytes(PNG)
        path.write_text(article(day, word, with_picture and (path.parent / "pic.png").exists()), encoding="utf-8")
    elif kind == "delete":
        _, column, name = operation
        (site / "content" / column / f"{name}.md").unlink(missing_ok=True)
    elif kind == "rename":
        _, column, name, new_column, new_name = operation
        source, target = site / "content" / column / f"{name}.md", site / "content" / new_column / f"{new_name}.md"
        if source.exists() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            if "pic.png" in source.read_text(encoding="utf-8") and not (target.parent / "pic.png").exists():
                (target.parent / "pic.png").write_bytes(PNG)
            source.rename(target)
    elif kind == "picture":
        _, column, present = operation
        picture = site / "content" / column / "pic.png"
        users = [p for p in picture.parent.glob("*.md") if "pic.png" in p.read_text(encoding="utf-8")]
        if present:
            picture.parent.mkdir(parents=True, exist_ok=True)
            picture.write_bytes(EDITED_PNG if picture.exists() and picture.read_bytes() == PNG else PNG)
        elif not users:  # a picture still in use stays: its removal is an error, tested elsewhere
            picture.unlink(missing_ok=True)
    elif kind == "template":
        _, notice = operation
        template = site / "templates" / "article.html"
        template.parent.mkdir(exist_ok=True)
        template.write_text(
            '{% extends "theme/article.html" %}{% block content %}' + notice + "{{ super() }}{% endblock %}",
            encoding="utf-8",
        )
    elif kind == "config":  # with the feeds' settings: feed_size and full content
        _, page_size, towns, feed_size, full = operation
        feeds = f"feed_size: {feed_size}\nfeed_full_content: {str(full).lower()}\n"
        (site / "site.yaml").write_text(SITE_YAML.format(page_size=page_size, towns=towns) + feeds, encoding="utf-8")
    elif kind == "alias":  # an old address of an article: a redirect page and a line of each map
        _, column, name, old = operation
        path = site / "content" / column / f"{name}.md"
        if path.exists():
            lines = [line for line in path.read_text(encoding="utf-8").splitlines(True) if not line.startswith("alias")]
            path.write_text("".join([lines[0], f"aliases: [/old/{old}.html]\n", *lines[1:]]), encoding="utf-8")
    elif kind == "authors":
        _, bio, with_slug = operation
        slug = "\n  slug: zhangsan" if with_slug else ""
        (site / "data").mkdir(exist_ok=True)
        (site / "data" / "authors.yaml").write_text(f"张三:\n  bio: '{bio}'{slug}\n", encoding="utf-8")
    elif kind == "phrases":  # the edition's dictionary: every converted page may change
        _, phrases = operation
        (site / "data").mkdir(exist_ok=True)
        (site / "data" / "opencc.txt").write_text(phrases, encoding="utf-8")
    elif kind == "link":
        _, column, name, target_column, target_name = operation
        path = site / "content" / column / f"{name}.md"
        if path.exists() and (site / "content" / target_column / f"{target_name}.md").exists():
            text = path.read_text(encoding="utf-8")
            path.write_text(text + f"\n见[另一篇](../{target_column}/{target_name}.md)。\n", encoding="utf-8")
    elif kind == "library":  # a new release of a library that shapes output
        _, name, release = operation
        CODE["libraries"][name] = f"{dict(TOOLCHAIN.libraries)[name]}.post{release}"
    elif kind == "code":  # sitegen's own code edited, and what it renders with it
        CODE["edit"] = operation[1]


def age(site: Path, known: dict[Path, tuple[bytes, int]], clock: int) -> None:
    """Give the site the time stamps of edits made long ago: a file whose bytes changed (or a new one) and every
    folder get `clock` (ns), an unchanged file keeps the time it had. So a build with nothing to do may end early
    (sitegen.incremental.uptodate trusts no time stamp of the last few seconds)."""
    for path in sorted(site.rglob("*")):
        data = path.read_bytes() if path.is_file() else b"<folder>"
        stamp = clock if path.is_dir() or known.get(path, (None, 0))[0] != data else known[path][1]
        if path.stat().st_mtime_ns != stamp:  # setting it moves the ctime, which sitegen compares too
            os.utime(path, ns=(stamp, stamp))
        known[path] = (data, stamp)


def remove_broken_links(site: Path) -> None:
    """Deletes and renames may leave links to missing articles, and two articles may claim one old address: errors
    by design, so the edit is undone (the alias stays with the first article in path order)."""
    claimed: set[str] = set()
    for path in sorted((site / "content").rglob("*.md")):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [
            line
            for line in lines
            if not (line.startswith("见[另一篇](../") and not (path.parent / line[len("见[另一篇](") : -3]).exists())
            and line not in claimed
        ]
        claimed.update(line for line in kept if line.startswith("aliases:"))
        if kept != lines:
            path.write_text("".join(kept), encoding="utf-8")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.lists(operations, min_size=1, max_size=4), min_size=1, max_size=4), st.booleans())
def test_incremental_builds_equal_cold_builds(tmp_path_factory, batches: list[list[tuple]], journal: bool) -> None:
    """`journal`: the cache's index and search state always saved as journals against their first base (a small
    site's journal soon outgrows a quarter of its base, and a new base is written instead)."""
    share = 1e9 if journal else journals.JOURNAL_SHARE
    with stand_in_toolchain(), mock.patch.object(journals, "JOURNAL_SHARE", share):
        _incremental_equals_cold(tmp_path_factory, batches)


def _incremental_equals_cold(tmp_path_factory, batches: list[list[tuple]]) -> None:
    root = tmp_path_factory.mktemp("incremental")
    site = root / "site"
    (site / "content" / "towns").mkdir(parents=True)
    (site / "site.yaml").write_text(SITE_YAML.format(page_size=2, towns="镇街社区"), encoding="utf-8")
    (site / "content" / "towns" / "a.md").write_text(article(1, "党建", False), encoding="utf-8")
    incremental, cache_dir, memory = root / "incremental", root / "cache", BuildCache()
    options = BuildOptions(output_dir=incremental, cache_dir=cache_dir, now=FIXED_NOW, jobs=1)
    known: dict[Path, tuple[bytes, int]] = {}
    clock = 1_600_000_000 * 10**9
    age(site, known, clock)
    build(site, options)
    for number, batch in enumerate(batches):
        restored = root / "ci-cache"  # the CI path: the cache of the last build, restored into a fresh checkout
        shutil.rmtree(restored, ignore_errors=True)
        shutil.copytree(cache_dir, restored)
        for operation in batch:
            apply(site, operation)
        remove_broken_links(site)
        clock += 10 * 10**9
        age(site, known, clock)
        build(site, options)
        cold = root / "cold"
        remove_output(cold)
        build(site, BuildOptions(output_dir=cold, disk_cache=False, now=FIXED_NOW, jobs=1))
        expected = tree(cold)
        assert tree(incremental) == expected, batch
        again = build(site, options)  # nothing changed since: it ends after comparing stats, and is still right
        assert again.timings[0][0] == "inputs unchanged" and again.files_written == 0, batch
        assert tree(incremental) == expected, batch
        _, files = build_in_memory(site, BuildOptions(cache=memory, now=FIXED_NOW, jobs=1))
        in_memory = {path: bytes_of(file) for path, file in files.items()}
        assert in_memory == {path: data for path, data in expected.items() if path != ".sitegen-output"}, batch
        checkout = root / "checkout"  # every file a new time stamp, an empty output folder
        shutil.rmtree(checkout, ignore_errors=True)
        shutil.copytree(site, checkout, copy_function=shutil.copy)
        build(checkout, BuildOptions(output_dir=root / "checkout-out", cache_dir=restored, now=FIXED_NOW, jobs=1))
        assert tree(root / "checkout-out") == expected, batch
        remove_output(root / "checkout-out")
        ci_output, _ = ci_build(site, root, restore_output=number % 2 == 1)
        assert tree(ci_output) == expected, batch


def fresh_checkout(source: Path, target: Path) -> None:
    """A fresh checkout: the same files at the same place, every one with a new time stamp."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, copy_function=shutil.copyfile)


def ci_build(site: Path, root: Path, restore_output: bool) -> tuple[Path, BuildReport]:
    """A CI run: a new checkout, the cache the last CI run saved, and an empty output (or the last one restored,
    where a file whose bytes do not change must not be written again). Returns the output folder and the report."""
    fresh_checkout(site, root / "ci" / "site")
    output = root / "ci" / "public"
    if restore_output and output.is_dir():
        fresh_checkout(output, root / "ci" / "restored")
        shutil.rmtree(output)
        (root / "ci" / "restored").rename(output)
    else:
        shutil.rmtree(output, ignore_errors=True)
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_ino) for p in output.rglob("*") if p.is_file()}
    cache_dir = root / "ci" / "cache"
    options = BuildOptions(output_dir=output, cache_dir=cache_dir, now=FIXED_NOW, jobs=1, output_mode="folder")
    report = build(root / "ci" / "site", options)
    for path, (data, mtime, inode) in before.items():
        if path.is_file() and path.read_bytes() == data:
            assert (path.stat().st_mtime_ns, path.stat().st_ino) == (mtime, inode), f"{path} was written again"
    return output, report


def test_the_ci_path_renders_and_parses_nothing_unchanged(tmp_path: Path) -> None:
    site, _ = one_article_site(tmp_path)
    (site / "content" / "tips").mkdir()
    (site / "content" / "tips" / "b.md").write_text(article(2, "志愿", False), encoding="utf-8")
    first, report = ci_build(site, tmp_path, restore_output=False)
    assert report.articles_rendered == 2 and report.pages_rendered > 0
    expected = tree(first)
    for restore in (False, True):
        output, report = ci_build(site, tmp_path, restore_output=restore)
        assert tree(output) == expected
        assert (report.articles_rendered, report.pages_rendered) == (0, 0)
        assert report.articles_reused == 2
        assert report.files_written == (0 if restore else len(expected) - 1)  # the marker is not counted


def test_a_parallel_build_equals_a_serial_one(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content" / "towns").mkdir(parents=True)
    (site / "site.yaml").write_text(SITE_YAML.format(page_size=3, towns="镇街社区"), encoding="utf-8")
    for n in range(1, 200):
        column = COLUMNS[n % 2]
        (site / "content" / column).mkdir(exist_ok=True)
        day = n % 28 + 1
        (site / "content" / column / f"a{n}.md").write_text(
            article(day, WORDS[n % 5], False, f"第{n}篇。"), encoding="utf-8"
        )
    build(site, BuildOptions(output_dir=tmp_path / "one", disk_cache=False, now=FIXED_NOW, jobs=1))
    build(site, BuildOptions(output_dir=tmp_path / "two", disk_cache=False, now=FIXED_NOW, jobs=2))
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def test_a_hostile_cache_file_is_ignored_not_executed(tmp_path: Path) -> None:
    import pickle

    site = tmp_path / "site"
    (site / "content" / "towns").mkdir(parents=True)
    (site / "site.yaml").write_text(SITE_YAML.format(page_size=3, towns="镇街社区"), encoding="utf-8")
    (site / "content" / "towns" / "a.md").write_text(article(1, "党建", False), encoding="utf-8")
    witness = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self) -> tuple:
            return (Path.touch, (witness,))

    cache_dir = site / ".sitegen-cache"
    cache_dir.mkdir()
    (cache_dir / "build.pickle").write_bytes(seal(pickle.dumps({"schema": Exploit()})))
    report = build(site, BuildOptions(output_dir=tmp_path / "out", now=FIXED_NOW))
    assert report.articles == 1
    assert not witness.exists()


def one_article_site(tmp_path: Path) -> tuple[Path, BuildOptions]:
    """A site of one article, and the options to build it into tmp_path/out with its cache in the site."""
    site = tmp_path / "site"
    (site / "content" / "towns").mkdir(parents=True)
    (site / "site.yaml").write_text(SITE_YAML.format(page_size=3, towns="镇街社区"), encoding="utf-8")
    (site / "content" / "towns" / "a.md").write_text(article(1, "党建", False), encoding="utf-8")
    return site, BuildOptions(output_dir=tmp_path / "out", now=FIXED_NOW, jobs=1)


def test_pages_rendered_again_to_the_same_bytes_are_reused_by_the_next_build(tmp_path: Path) -> None:
    site, options = one_article_site(tmp_path)
    build(site, options)
    for name in ("build.pickle", "pages.sqlite"):  # the cache is lost, the output is not
        (site / ".sitegen-cache" / name).unlink()
    lost = build(site, options)
    assert lost.pages_rendered > 0 and lost.files_written == 0
    assert build(site, options).pages_rendered == 0


@pytest.mark.parametrize("helper", [False, True])
def test_a_page_changed_by_hand_in_the_output_is_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, helper: bool
) -> None:
    """Found here, or (`helper`, as for a large output) by the helper process of build/outputcheck.py alone."""
    if helper:
        monkeypatch.setattr("sitegen.build.destination.HELPER_FILES", 1)
        monkeypatch.setattr("sitegen.build.outputcheck._stat", lambda *a: pytest.fail("stat'ed here"))
    site, options = one_article_site(tmp_path)
    build(site, options)
    home = tmp_path / "out" / "index.html"
    original = home.read_bytes()
    home.write_bytes(b"defaced")
    report = build(site, options)  # made again from the page store: no template is rendered
    assert (report.pages_rendered, report.files_written) == (0, 1)
    assert home.read_bytes() == original
    home.write_bytes(b"defaced again")
    (site / ".sitegen-cache" / "pages.sqlite").unlink()  # without the store, it is rendered again
    assert build(site, options).pages_rendered == 1
    assert home.read_bytes() == original


def test_a_cache_naming_article_shards_outside_its_folder_is_ignored(tmp_path: Path) -> None:
    import pickle

    from sitegen.incremental.cache import CACHE_FILE
    from sitegen.incremental.pickles import SafeUnpickler

    site, options = one_article_site(tmp_path)
    build(site, options)
    saved = site / ".sitegen-cache" / CACHE_FILE
    with saved.open("rb") as handle:
        data = SafeUnpickler(handle).load()
    assert next(iter(data["articles"].values())).startswith("articles-")  # one shard for one article
    data["articles"] = {0: "../../site.yaml"}
    saved.write_bytes(seal(pickle.dumps(data)))
    (site / "content" / "towns" / "a.md").write_text(article(2, "党建", False), encoding="utf-8")
    report = build(site, options)
    assert report.articles_rendered == 1 and report.articles_reused == 0


def test_the_cache_is_shared_by_any_spelling_of_the_site_folder(tmp_path: Path, monkeypatch) -> None:
    site, options = one_article_site(tmp_path)
    build(site, options)
    monkeypatch.chdir(site)
    report = build(Path("."), options)
    assert report.articles_reused == 1 and report.articles_rendered == 0


def test_a_picture_removed_after_a_build_is_an_error_in_the_next_one(tmp_path: Path) -> None:
    site, options = one_article_site(tmp_path)
    (site / "content" / "towns" / "pic.png").write_bytes(PNG)
    (site / "content" / "towns" / "a.md").write_text(article(1, "党建", True), encoding="utf-8")
    build(site, options)
    (site / "content" / "towns" / "pic.png").unlink()  # the article itself is unchanged: its cached copy is checked
    with pytest.raises(BuildFailed) as failed:
        build(site, options)
    assert [(e.path, e.field) for e in failed.value.errors] == [("content/towns/a.md", "images")]


def test_a_body_edit_takes_the_related_articles_back_from_the_cache(tmp_path: Path, monkeypatch) -> None:
    site, options = one_article_site(tmp_path)
    for day in (2, 3, 4):
        (site / "content" / "towns" / f"n{day}.md").write_text(article(day, "党建", False), encoding="utf-8")
    build(site, options)
    assert BuildCache.load(site / ".sitegen-cache").related.ranks, "saved with the cache"
    edited = site / "content" / "towns" / "n3.md"
    edited.write_text(article(3, "党建", False, "又一段。"), encoding="utf-8")

    def worked_out(*args: Any) -> None:
        raise AssertionError("the related articles were worked out again")

    with monkeypatch.context() as patched:
        patched.setattr("sitegen.site.related_ranks", worked_out)  # as site.py calls it
        report = build(site, options)
    assert report.articles_rendered == 1
    cold = build(site, dataclasses.replace(options, output_dir=tmp_path / "cold", disk_cache=False))
    assert cold.articles_rendered == 4 and tree(tmp_path / "out") == tree(tmp_path / "cold")
