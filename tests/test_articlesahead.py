"""The articles' keys and the cache's shards made in a forked child while the site is assembled
(build/articlesahead.py): the same output and the same cache as a build that makes them itself."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeSite, article, build_site, tree

from sitegen.build import articlesahead, parallel
from sitegen.build.articlesahead import ArticlesAhead
from sitegen.errors import BuildFailed
from sitegen.incremental import articles as shard_store
from sitegen.incremental.pickles import load_sealed
from sitegen.model import Article
from sitegen.render.keys import ContextKeys


def news_site(make_site: MakeSite, extra: dict[str, str] | None = None) -> Path:
    """Six articles in two columns."""
    files = {
        f"content/{'towns' if i % 2 else 'tips'}/{name}.md": article(
            f"标题{name}", f"2024-0{i + 1}-01", f"正文{name}。"
        )
        for i, name in enumerate("abcdef")
    }
    return make_site({**files, **(extra or {})})


def cache_files(site: Path) -> dict[str, bytes]:
    """The article shards and picture tables of a site's cache, by name."""
    folder = site / ".sitegen-cache"
    return {
        p.name: p.read_bytes() for p in sorted(folder.glob("*.pickle")) if p.name.startswith(("articles-", "pictures-"))
    }


def index_part(site: Path, key: str) -> Any:
    with (site / ".sitegen-cache" / "build.pickle").open("rb") as handle:
        return load_sealed(handle)[key]


@pytest.fixture
def ahead(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """A child for every build with another core, however few its articles; what this process saw of it: the
    children started, the shards it wrote itself, the articles it walked for their keys."""
    monkeypatch.setattr(articlesahead, "AHEAD_ARTICLES", 1)
    seen: dict[str, list[Any]] = {"children": [], "shards written here": [], "walked here": [], "closed": []}
    real_in_child, real_write, real_fields = articlesahead.in_child, shard_store.write_sealed, ContextKeys._fields
    real_close = ArticlesAhead.close
    parent = os.getpid()

    def in_child(*args: Any) -> Any:
        call = real_in_child(*args)
        seen["children"].append(call)
        return call

    def write_sealed(path: Path, *args: Any) -> None:
        if os.getpid() == parent and path.name.startswith("articles-"):
            seen["shards written here"].append(path.name)
        real_write(path, *args)

    def walk_fields(self: ContextKeys, value: Any, values: tuple[Any, ...]) -> object:
        if os.getpid() == parent and type(value) is Article:
            seen["walked here"].append(value.source_path)
        return real_fields(self, value, values)

    def close(self: ArticlesAhead) -> None:
        seen["closed"].append(self)
        real_close(self)

    monkeypatch.setattr(articlesahead, "in_child", in_child)
    monkeypatch.setattr(shard_store, "write_sealed", write_sealed)
    monkeypatch.setattr(ContextKeys, "_fields", walk_fields)
    monkeypatch.setattr(ArticlesAhead, "close", close)
    return seen


def made_here(site: Path, seen: dict[str, list[Any]], output: Path) -> tuple[dict[str, bytes], ...]:
    """The site built by a process that makes every key and shard itself (one core: no child), into `output`: its
    files, its cache's shards and picture table, the keys and shard names its index holds. The cache is then
    removed, so that the next build is cold as well (its shards are named by the site's folders too)."""
    build_site(site, jobs=1, output_dir=output)
    assert not seen["children"] and len(seen["walked here"]) == 6 and seen["shards written here"]
    made = (tree(output), cache_files(site), index_part(site, "shapes"), index_part(site, "articles"))
    shutil.rmtree(site / ".sitegen-cache")
    for kind in seen.values():
        kind.clear()
    return made


def test_a_cold_builds_keys_and_shards_are_made_in_the_child(
    make_site: MakeSite, tmp_path: Path, ahead: dict[str, list[Any]]
) -> None:
    site = news_site(make_site)
    files, shards, keys, names = made_here(site, ahead, tmp_path / "here")
    build_site(site, jobs=2, output_dir=tmp_path / "ahead")
    assert len(ahead["children"]) == 1
    # neither the page plan nor the save did the child's work again: no article keyed here by a walk of its
    # fields, no shard written here
    assert not ahead["walked here"] and not ahead["shards written here"]
    assert tree(tmp_path / "ahead") == files
    assert cache_files(site) == shards  # the same shards and picture table, written by the child
    assert index_part(site, "shapes") == keys and index_part(site, "articles") == names


def test_a_rebuild_after_an_edit_starts_no_child(
    make_site: MakeSite, ahead: dict[str, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = news_site(make_site)
    build_site(site, jobs=2)
    (site / "content/towns/b.md").write_text(article("标题b", "2024-02-01", "改过的正文。"), encoding="utf-8")
    monkeypatch.setattr(articlesahead, "AHEAD_ARTICLES", 2)  # one article lacks a key of the cache's: fewer
    build_site(site, jobs=2)
    assert len(ahead["children"]) == 1


def test_a_failed_child_leaves_the_work_to_this_process(
    make_site: MakeSite, tmp_path: Path, ahead: dict[str, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = os.getpid()
    real_rebase = ContextKeys.rebase

    def rebase(self: ContextKeys, articles: Any) -> dict[str, str]:
        if os.getpid() != parent:
            os._exit(3)  # the child dies without a word
        return real_rebase(self, articles)

    site = news_site(make_site)
    files, shards, _, _ = made_here(site, ahead, tmp_path / "here")
    monkeypatch.setattr(ContextKeys, "rebase", rebase)
    build_site(site, jobs=2, output_dir=tmp_path / "ahead")
    assert len(ahead["children"]) == 1
    written = [name for name in cache_files(site) if name.startswith("articles-")]
    assert sorted(ahead["shards written here"]) == written  # the save wrote them: the child did not
    assert len(ahead["walked here"]) == 6  # keyed here when the pages were planned
    assert tree(tmp_path / "ahead") == files and cache_files(site) == shards


def test_a_build_failing_before_its_pages_are_planned_stops_the_child(
    make_site: MakeSite, ahead: dict[str, list[Any]]
) -> None:
    misspelt = article("标题z", "2024-07-01", "正文。", autor="某人")
    site = news_site(make_site, {"content/towns/z.md": misspelt})
    with pytest.raises(BuildFailed):  # --strict: the misspelt key is an error, found once the site is loaded
        build_site(site, jobs=2, strict=True)
    assert len(ahead["children"]) == 1 and len(ahead["closed"]) >= 1
    call = ahead["children"][0]
    assert call.pid is None and call.memory is None  # stopped and waited for
    assert not (site / "public").exists()


def test_no_child_with_one_core_or_few_articles(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[object] = []
    monkeypatch.setattr(parallel, "in_child", lambda *args: started.append(args))
    monkeypatch.setattr(articlesahead, "in_child", lambda *args: started.append(args))
    site = news_site(make_site)
    build_site(site, jobs=2)  # six articles, fewer than AHEAD_ARTICLES
    build_site(site, jobs=1, output_dir=site / "one")
    assert not started
