"""`sitegen serve`'s reload after an edit (sitegen.incremental.edits): only the sources the watcher saw change are
looked at again, and what it serves is still, byte for byte, what `sitegen build` writes for the edited site.

Unit tests of the watcher's paths -> SourceEdits (and each fall-back to a full reload), of ArticleReuse trusting an
unchanged article unless a source it links to moved, of the URL-collision memo; then the example site (with its
繁體版 edition) through a run of edits, each compared with a cold build: a body edit, a renamed tag, a new article
linking to another, that article's URL moved, a picture replaced, an article deleted.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import PNG, REPO_ROOT, SITE_YAML, article, copy_example_site, picture_bytes
from test_reuse import OLD, _article, cache_of, write
from test_serve import ARTICLES, assert_same_as_a_cold_build, change, fetch, save

from sitegen import collisions as site_module
from sitegen.build import lazysite
from sitegen.build import load as load_module
from sitegen.build.api import BuildOptions, build, serve_site
from sitegen.build.lazysite import LazySite
from sitegen.build.staging import MARKER
from sitegen.collisions import CollisionMemo
from sitegen.config import load_config
from sitegen.content.articles import fingerprint
from sitegen.errors import BuildFailed
from sitegen.incremental.articles import DIGEST
from sitegen.incremental.bodies import BODIES_FILE, BodyStore, DiskBodyStore
from sitegen.incremental.cache import BuildCache
from sitegen.incremental.edits import MOST_EDITS, SourceEdits, links_into, moved_urls, source_edits
from sitegen.incremental.reuse import ArticleReuse, _OneByOne
from sitegen.model import Body
from sitegen.pictures.resolve import Pictures
from sitegen.serve import DevServer

A, B = "content/towns/2024/a.md", "content/towns/2024/b.md"

# --------------------------------------------------------------------------- the watcher's paths -> SourceEdits


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path.resolve() / "site"
    for relative in (A, B, "content/towns/2024/one.png", "assets/x.css", "templates/base.html", "site.yaml"):
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_bytes(b"x")
    return root


def edits_of(site: Path, *relative: str) -> SourceEdits | None:
    return source_edits(site, [site / path for path in relative], {A, B})


def test_an_edited_source_is_the_only_one_looked_at_again(site: Path) -> None:
    assert edits_of(site, A) == SourceEdits(frozenset({A}), listing=False)
    assert edits_of(site, A, B) == SourceEdits(frozenset({A, B}), listing=False)


def test_a_new_or_deleted_source_has_the_sources_found_again(site: Path) -> None:
    (site / "content/towns/2024/c.md").write_text("新", encoding="utf-8")
    assert edits_of(site, "content/towns/2024/c.md") == SourceEdits(frozenset({"content/towns/2024/c.md"}), True)
    (site / B).unlink()
    assert edits_of(site, B) == SourceEdits(frozenset({B}), listing=True)
    assert edits_of(site, A, B) == SourceEdits(frozenset({A, B}), listing=True)


def test_editors_scratch_files_and_paths_outside_the_inputs_are_no_edit(site: Path) -> None:
    scratch = ("content/towns/2024/b.md~", "content/towns/2024/4913", "content/towns/2024/.b.md.swp")
    assert edits_of(site, A, *scratch) == SourceEdits(frozenset({A}), listing=False)
    assert edits_of(site, A, "public/index.html", ".sitegen-cache/x", "notes.txt") == SourceEdits(
        frozenset({A}), listing=False
    )


@pytest.mark.parametrize(
    "relative",
    [
        "content/towns/2024/one.png",  # a picture: which articles show it is not known here
        "content/towns/2024",  # a folder: moved, made or removed with what is in it
        "content",
        "assets/x.css",
        "templates/base.html",
        "site.yaml",
        "data/views.json",
        "data/authors.yaml",
        "content/towns/2024/notes.txt",  # no source, no scratch file: not sure what it is
    ],
)
def test_any_other_input_of_the_site_gives_a_full_reload(site: Path, relative: str) -> None:
    assert edits_of(site, A, relative) is None


def test_a_source_that_is_no_plain_file_a_path_outside_or_a_burst_gives_a_full_reload(site: Path) -> None:
    (site / "content/towns/2024/folder.md").mkdir()
    assert edits_of(site, "content/towns/2024/folder.md") is None
    (site / "content/towns/2024/link.md").symlink_to(site / A)
    assert edits_of(site, "content/towns/2024/link.md") is None
    assert source_edits(site, [site.parent / "elsewhere.md"], {A}) is None
    many = [site / f"content/towns/2024/n{n}.md" for n in range(MOST_EDITS + 1)]
    assert source_edits(site, many, {A}) is None
    deleted = {path.relative_to(site).as_posix() for path in many[:MOST_EDITS]}
    assert source_edits(site, many[:MOST_EDITS], {A}) == SourceEdits(frozenset(deleted), listing=True)


def test_moved_urls_and_the_articles_whose_links_reach_them() -> None:
    before = {A: _article(A, "1"), B: _article(B, "2")}  # both at towns/a/
    assert moved_urls(before, {A: "towns/a/", B: "towns/a/"}) == set()
    assert moved_urls(before, {A: "towns/a/", B: "towns/bee/"}) == {B}
    assert moved_urls(before, {A: "towns/a/", "content/towns/2024/c.md": "towns/c/"}) == {
        B,
        "content/towns/2024/c.md",
    }
    linking = _article(A, "1")
    object.__setattr__(linking, "links", (("b.md#top", 3), ("https://example.org/b.md", 4)))
    assert links_into(linking, {B}) and not links_into(linking, {"content/tips/2024/b.md"})
    assert not links_into(linking, set()) and not links_into(_article(A, "1"), {B})


# --------------------------------------------------------------------------- ArticleReuse: trusting the unchanged


def test_an_unchanged_article_is_kept_without_its_pictures_unless_a_source_it_links_to_moved(tmp_path: Path) -> None:
    write(tmp_path, A, "甲", OLD)
    store = cache_of(tmp_path, A)
    kept = _article(A, "0" * 40)  # a fingerprint no check would pass: only trust keeps it
    store.by_path[A] = kept
    digest = store.stats[A][DIGEST]
    store.bodies.put(fingerprint(digest, A, "towns", "towns/a/", (), {}, ()), None)  # type: ignore[arg-type]
    reuse = ArticleReuse(store, tmp_path, racy_after_ns=OLD + 10**9)
    assert reuse.unchanged(A) is kept and reuse.stats[A] == store.stats[A], "its stats carried over, not stat'ed"
    assert reuse.unchanged(B) is None

    def no_pictures(article: Any) -> tuple[str, ...]:
        raise AssertionError("an unchanged article's pictures were looked up")

    assert reuse.current({A: kept}, {A: "towns/a/"}, no_pictures, {A}) == ({A: kept}, [])
    linking = _article(A, "0" * 40)
    object.__setattr__(linking, "links", (("b.md", 1),))
    store.by_path[B] = _article(B, "1" * 40)  # at towns/a/ in the store, elsewhere now
    asked: list[str] = []

    def picture_keys(article: Any) -> tuple[str, ...]:
        asked.append(article.source_path)
        return ()

    assert reuse.current({A: linking}, {A: "towns/a/", B: "towns/b/"}, picture_keys, {A}) == ({}, [A])
    assert asked == [A], "the linking article is checked (its rewritten link changed), pictures and all"
    checked = _article(A, fingerprint(store.stats[A][DIGEST], A, "towns", "towns/a/", (), {}, ()))
    assert reuse.current({A: checked}, {A: "towns/a/"}, lambda article: (), set()) == ({A: checked}, [])
    assert reuse.current({A: kept}, {A: "towns/a/"}, lambda article: (), set()) == ({}, [A]), "checked as before"


@pytest.mark.parametrize("on_disk", [False, True], ids=["memory", "disk"])
def test_a_body_is_looked_up_alone_when_few_sources_were_read(tmp_path: Path, on_disk: bool) -> None:
    bodies = DiskBodyStore(tmp_path / BODIES_FILE) if on_disk else BodyStore()
    bodies.put("pending", Body("<p>甲</p>", "甲"))
    assert bodies.has("pending") and not bodies.has("missing")
    bodies.flush()
    assert bodies.has("pending") and not bodies.has("missing")
    if on_disk:
        assert DiskBodyStore(tmp_path / BODIES_FILE, write=False).has("pending"), "read back from the file"
    assert "pending" in _OneByOne(bodies) and "missing" not in _OneByOne(bodies)


# --------------------------------------------------------------------------- the URL collision memo


def test_url_collisions_are_checked_again_only_when_a_place_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, first, second, checked = _two_placed(tmp_path, monkeypatch)
    memo = CollisionMemo()
    assert memo.collisions([first, second], config) == [] and checked == [2]
    assert memo.collisions([first, second], config) == [] and checked == [2], "the same articles: not again"
    edited = _placed("content/towns/2024/b.md", "towns/b/")  # another object, in the same place
    assert memo.collisions([first, edited], config) == [] and checked == [2]
    clash = _placed("content/towns/2024/b.md", "towns/a/")
    errors = memo.collisions([first, clash], config)
    assert checked == [2, 2] and len(errors) == 1 and "towns/a/" in errors[0].message
    assert memo.collisions([first, clash], config) == errors and checked == [2, 2, 2], "an error is checked again"


def _two_placed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any, Any, list[int]]:
    """The example's config, two articles in places of their own, and the sizes url_collisions is called with."""
    (tmp_path / "site.yaml").write_text((REPO_ROOT / "site.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    config = load_config(tmp_path)
    first, second = _placed("content/towns/2024/a.md", "towns/a/"), _placed("content/towns/2024/b.md", "towns/b/")
    checked: list[int] = []
    real = site_module.url_collisions

    def counted(articles: Any, config: Any) -> Any:
        checked.append(len(articles))
        return real(articles, config)

    monkeypatch.setattr(site_module, "url_collisions", counted)
    return config, first, second, checked


def _placed(path: str, url: str) -> Any:
    placed = _article(path, "1")
    object.__setattr__(placed, "url", url)  # output_path: url + index.html
    object.__setattr__(placed, "aliases", ())
    return placed


# --------------------------------------------------------------------------- the example site through edits

FESTIVAL = "content/towns/2023/shima-peach-blossom-festival.md"  # shows shima-peach-blossom.png
FIRE_DRAGON = "content/towns/2023/junhe-fire-dragon-mid-autumn.md"  # tagged 火龙文化
NEW = "content/tips/2024/new-lantern-market.md"


class Reloads:
    """serve_site as DevServer calls it: one cache kept in memory, the last good generation and the changed paths;
    what source_edits answered each time, and how often every source was found and every picture looked up."""

    def __init__(self, site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.site = site
        self.options = BuildOptions(drafts=True, future=True, jobs=1, cache=BuildCache())
        self.edits: list[SourceEdits | None] = []
        self.found = self.keys = 0
        real_edits, real_find, real_keys = lazysite.source_edits, load_module.find_sources, Pictures.keys

        def edits(*args: Any) -> SourceEdits | None:
            self.edits.append(real_edits(*args))
            return self.edits[-1]

        def find(*args: Any) -> Any:
            self.found += 1
            return real_find(*args)

        def keys(pictures: Pictures, images: Any) -> tuple[str, ...]:
            self.keys += 1
            return real_keys(pictures, images)

        monkeypatch.setattr(lazysite, "source_edits", edits)
        monkeypatch.setattr(load_module, "find_sources", find)
        monkeypatch.setattr(Pictures, "keys", keys)
        self.generation = serve_site(site, self.options)

    def after(self, changed: Collection[str]) -> LazySite:
        self.found = self.keys = 0
        self.generation = serve_site(self.site, self.options, self.generation, [self.site / p for p in changed])
        return self.generation


def served(generation: LazySite) -> dict[str, bytes]:
    """Every file the generation serves, as bytes."""
    files = generation.everything()
    return {path: f.data if f.data is not None else f.copy_from.read_bytes() for path, f in files.items()}  # type: ignore[union-attr]


def cold_build(site: Path, folder: Path) -> dict[str, bytes]:
    """What `sitegen build` writes for the site as it is now, with a cache of its own (so, from nothing)."""
    output = folder / "public"
    build(site, BuildOptions(output_dir=output, drafts=True, future=True, cache_dir=folder / "cache"))
    files = {p.relative_to(output).as_posix(): p.read_bytes() for p in sorted(output.rglob("*")) if p.is_file()}
    del files[MARKER]
    return files


def assert_served_as_built(generation: LazySite, site: Path, folder: Path) -> None:
    got, expected = served(generation), cold_build(site, folder)
    assert sorted(got) == sorted(expected)
    different = [path for path in expected if got[path] != expected[path]]
    assert different == [], f"served unlike a cold build: {different[:10]}"


def edit(site: Path, relative: str, old: str, new: str) -> None:
    text = (site / relative).read_text(encoding="utf-8")
    assert old in text, (relative, old)
    (site / relative).write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def example(tmp_path: Path) -> Path:
    return copy_example_site(tmp_path)


def test_edits_through_the_fast_path_serve_the_bytes_of_a_cold_build(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reloads = Reloads(example, monkeypatch)
    sources = len(reloads.options.cache.articles.by_path)  # type: ignore[union-attr]

    edit(example, FESTIVAL, "\n---\n", "\n---\n\n灯会期间加开夜间公交。\n")
    generation = reloads.after([FESTIVAL, FESTIVAL + "~"])
    assert reloads.edits[-1] == SourceEdits(frozenset({FESTIVAL}), listing=False)
    assert reloads.found == 0, "the sources were not found again"
    assert reloads.keys <= 2, "only the edited article's pictures were looked up (the stored one, the new one)"
    assert generation.loaded.articles_reused == sources - 1
    assert "灯会期间加开夜间公交。" in generation.page("towns/2023/03/shima-peach-blossom-festival/index.html").decode()
    assert_served_as_built(generation, example, tmp_path / "body")

    edit(example, FIRE_DRAGON, "tags: [火龙文化,", "tags: [火龙非遗,")
    generation = reloads.after([FIRE_DRAGON])
    assert reloads.edits[-1] == SourceEdits(frozenset({FIRE_DRAGON}), listing=False) and reloads.found == 0
    assert any(path.startswith("tags/") and "index.html" in path for path in generation.recipes)
    assert_served_as_built(generation, example, tmp_path / "tag")

    (example / NEW).write_text(
        article("元宵灯市开张", "2024-02-20", "详见[桃花节](../../towns/2023/shima-peach-blossom-festival.md)。"),
        encoding="utf-8",
    )
    generation = reloads.after([NEW])
    assert reloads.edits[-1] == SourceEdits(frozenset({NEW}), listing=True) and reloads.found == 1
    assert_served_as_built(generation, example, tmp_path / "new")


def test_a_moved_url_a_replaced_picture_and_a_deleted_article_serve_the_bytes_of_a_cold_build(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (example / NEW).write_text(
        article("元宵灯市开张", "2024-02-20", "详见[桃花节](../../towns/2023/shima-peach-blossom-festival.md)。"),
        encoding="utf-8",
    )
    reloads = Reloads(example, monkeypatch)
    new_page = "tips/2024/02/new-lantern-market/index.html"
    assert "shima-peach-blossom-festival/" in reloads.generation.page(new_page).decode()

    edit(example, FESTIVAL, "\ntags:", "\nslug: peach-festival\ntags:")
    generation = reloads.after([FESTIVAL])
    assert reloads.edits[-1] == SourceEdits(frozenset({FESTIVAL}), listing=False) and reloads.found == 0
    assert "peach-festival/" in generation.page(new_page).decode(), "the article linking to it is made again"
    assert_served_as_built(generation, example, tmp_path / "moved")

    picture = example / "content/towns/2023/shima-peach-blossom.png"
    before = {path for path in generation.static if "shima-peach-blossom" in path}
    picture.write_bytes(picture_bytes(80, 60, colour=(20, 90, 200)))
    generation = reloads.after([picture.relative_to(example).as_posix()])
    assert reloads.edits[-1] is None and reloads.found == 1, "a picture: everything looked at again"
    after = {path for path in generation.static if "shima-peach-blossom" in path}
    assert after != before, "the new picture's variants have new names"
    assert_served_as_built(generation, example, tmp_path / "picture")

    (example / NEW).unlink()
    generation = reloads.after([NEW])
    assert reloads.edits[-1] == SourceEdits(frozenset({NEW}), listing=True)
    assert new_page not in generation.recipes
    assert_served_as_built(generation, example, tmp_path / "deleted")


@pytest.mark.parametrize(
    ("relative", "change"),
    [
        ("data/views.json", '{"content/towns/2023/shima-peach-blossom-festival.md": 54321}\n'),
        ("data/authors.yaml", "李嘉欣:\n  bio: 均禾街道的记者。\n"),
        ("assets/images/logo-extra.png", PNG),
        ("templates/404.html", '{% extends "theme/404.html" %}{% block content %}<p>别处</p>{% endblock %}\n'),
    ],
    ids=["views", "authors", "asset", "template"],
)
def test_every_other_input_changed_falls_back_to_a_full_reload_with_the_bytes_of_a_cold_build(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, relative: str, change: str | bytes
) -> None:
    reloads = Reloads(example, monkeypatch)
    (example / relative).parent.mkdir(parents=True, exist_ok=True)
    if isinstance(change, bytes):
        (example / relative).write_bytes(change)
    else:
        (example / relative).write_text(change, encoding="utf-8")
    edit(example, FESTIVAL, "\n---\n", "\n---\n\n同时改了正文。\n")
    generation = reloads.after([relative, FESTIVAL])
    assert reloads.edits[-1] is None and reloads.found == 1
    assert_served_as_built(generation, example, tmp_path / "other")


def test_a_store_changed_by_a_failed_load_is_not_trusted(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A load that fails after the store took its articles (a template that does not compile) leaves the last good
    generation served: the next reload, whatever the watcher says, looks at every source."""
    reloads = Reloads(example, monkeypatch)
    good = reloads.generation
    (example / "templates/404.html").write_text("{% block content %}{% endblock", encoding="utf-8")
    edit(example, FESTIVAL, "\n---\n", "\n---\n\n第一稿。\n")
    with pytest.raises(BuildFailed):
        reloads.after(["templates/404.html", FESTIVAL])
    reloads.generation = good
    (example / "templates/404.html").unlink()
    edit(example, FESTIVAL, "第一稿。", "第二稿。")
    generation = reloads.after([FESTIVAL])
    assert reloads.found == 1 and reloads.edits == [None], "not asked: the store is not the served generation's"
    assert "第二稿。" in generation.page("towns/2023/03/shima-peach-blossom-festival/index.html").decode()


# --------------------------------------------------------------------------- through the watcher


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[DevServer, Path]]:
    site = tmp_path.resolve() / "site"
    files: dict[str, str | bytes] = {
        "site.yaml": SITE_YAML,
        **ARTICLES,
        "content/towns/2024/a.md": article("甲文", "2024-01-01", "甲。\n\n![图](one.png)\n"),
        "content/towns/2024/one.png": PNG,
    }
    for relative, text in files.items():
        save(site, relative, text)
    started = DevServer(site, port=0)
    started.start()
    yield started, site
    started.stop()


def test_through_the_watcher_an_edit_takes_the_fast_path_and_a_replaced_picture_the_full_one(
    server: tuple[DevServer, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    dev, site = server
    answers: list[SourceEdits | None] = []
    real = lazysite.source_edits

    def edits(*args: Any) -> SourceEdits | None:
        answers.append(real(*args))
        return answers[-1]

    monkeypatch.setattr(lazysite, "source_edits", edits)
    change(dev, lambda: save(site, "content/towns/2024/b.md", article("乙文", "2024-01-02", "乙的新正文。")))
    assert answers == [SourceEdits(frozenset({"content/towns/2024/b.md"}), listing=False)]
    assert "乙的新正文。" in fetch(dev, "towns/2024/01/b/")[1]
    assert_same_as_a_cold_build(dev)

    before = fetch(dev, "towns/2024/01/a/")[1]
    change(dev, lambda: save(site, "content/towns/2024/one.png", picture_bytes(90, 70, colour=(10, 200, 90))))
    assert answers[-1] is None, "a picture changed: every source looked at again"
    after = fetch(dev, "towns/2024/01/a/")[1]
    assert 'width="90"' in after and 'width="90"' not in before, "the page shows the new picture"
    assert_same_as_a_cold_build(dev)


def test_site_yaml_changed_behind_the_watchers_back_still_has_every_source_read(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """site.yaml is read on every load: when it changed, the store forgets its articles whatever the watcher said."""
    reloads = Reloads(example, monkeypatch)
    edit(example, "site.yaml", "page_size: ", "related_count: 2\npage_size: ")
    edit(example, FESTIVAL, "\n---\n", "\n---\n\n改了设置之后。\n")
    generation = reloads.after([FESTIVAL])
    assert reloads.edits[-1] == SourceEdits(frozenset({FESTIVAL}), listing=False), "the watcher saw the article only"
    assert reloads.found == 1 and generation.loaded.articles_reused == 0, "every source found and read again"
    assert_served_as_built(generation, example, tmp_path / "config")


def test_the_cache_says_when_it_forgot_its_articles() -> None:
    cache = BuildCache()
    assert cache.start("site-v1") and not cache.start("site-v1") and cache.start("site-v2")


def test_the_digest_of_places_found_free_spares_the_next_build_the_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, first, second, checked = _two_placed(tmp_path, monkeypatch)
    last = CollisionMemo()
    assert last.collisions([first, second], config) == [] and last.changed and checked == [1 + 1]
    again = CollisionMemo(last.checked)  # the next build, from the build cache: other objects, the same places
    copies = [_placed("content/towns/2024/a.md", "towns/a/"), _placed("content/towns/2024/b.md", "towns/b/")]
    assert again.collisions(copies, config) == [] and checked == [2] and not again.changed
    clash = _placed("content/towns/2024/b.md", "towns/a/")
    later = CollisionMemo(last.checked)
    errors = later.collisions([first, clash], config)
    assert checked == [2, 2] and len(errors) == 1 and later.checked == "" and later.changed
