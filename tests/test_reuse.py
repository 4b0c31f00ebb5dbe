"""ArticleReuse (sitegen.incremental.reuse): the one place that decides which cached articles a build may skip."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from sitegen.content.articles import fingerprint
from sitegen.incremental.articles import DIGEST, MTIME_NS, ArticleStore
from sitegen.incremental.reuse import ArticleReuse
from sitegen.model import Article
from sitegen.stamps import stamp


class _Cached:
    """Stands for a cached Article: ArticleReuse reads only its column."""

    def __init__(self, column: str) -> None:
        self.column = column


def cache_of(site: Path, relative: str, column: str = "towns", trusted: bool = True) -> ArticleStore:
    data = (site / relative).read_bytes()
    stat = os.stat(site / relative)
    cache = ArticleStore()
    cache.stats[relative] = (stamp(stat) if trusted else -1, stat.st_size, hashlib.sha1(data).hexdigest())
    cache.by_path[relative] = _Cached(column)  # type: ignore[assignment]  # a stand-in Article
    return cache


def found(site: Path, relative: str, column: str = "towns") -> list[tuple[str, str, os.stat_result]]:
    return [(relative, column, os.stat(site / relative))]


def write(site: Path, relative: str, text: str, mtime_ns: int) -> None:
    (site / relative).parent.mkdir(parents=True, exist_ok=True)
    (site / relative).write_text(text, encoding="utf-8")
    os.utime(site / relative, ns=(mtime_ns, mtime_ns))


OLD = 1_600_000_000 * 10**9


def test_a_source_whose_stats_match_is_reused_without_reading_it(tmp_path: Path) -> None:
    write(tmp_path, "content/towns/a.md", "甲", OLD)
    cache = cache_of(tmp_path, "content/towns/a.md")
    reuse = ArticleReuse(cache, tmp_path, racy_after_ns=OLD + 10**9)
    articles = reuse.cached(found(tmp_path, "content/towns/a.md"))
    assert articles == [cache.by_path["content/towns/a.md"]] and reuse.hashed == 0  # not even hashed
    assert reuse.stats["content/towns/a.md"] == cache.stats["content/towns/a.md"]


def test_a_fresh_checkout_is_recognised_by_the_bytes_and_its_new_stats_are_recorded(tmp_path: Path) -> None:
    write(tmp_path, "content/towns/a.md", "甲", OLD)
    cache = cache_of(tmp_path, "content/towns/a.md")
    write(tmp_path, "content/towns/a.md", "甲", OLD + 5 * 10**9)  # the same bytes, a new time stamp
    reuse = ArticleReuse(cache, tmp_path, racy_after_ns=OLD + 10 * 10**9)
    assert reuse.cached(found(tmp_path, "content/towns/a.md")) == [cache.by_path["content/towns/a.md"]]
    recorded = reuse.stats["content/towns/a.md"][MTIME_NS]
    assert reuse.hashed == 1 and recorded == stamp(os.stat(tmp_path / "content/towns/a.md"))
    racy = ArticleReuse(cache, tmp_path, racy_after_ns=OLD)  # a time stamp too recent to trust: hashed next time
    racy.cached(found(tmp_path, "content/towns/a.md"))
    assert racy.stats["content/towns/a.md"][MTIME_NS] == -1


def test_changed_bytes_a_new_column_or_an_unknown_file_are_read_again(tmp_path: Path) -> None:
    write(tmp_path, "content/towns/a.md", "甲", OLD)
    cache = cache_of(tmp_path, "content/towns/a.md")
    write(tmp_path, "content/towns/a.md", "乙", OLD + 5 * 10**9)  # same size, other bytes
    write(tmp_path, "content/towns/b.md", "丙", OLD)
    reuse = ArticleReuse(cache, tmp_path, racy_after_ns=OLD + 10 * 10**9)
    entries = [*found(tmp_path, "content/towns/a.md"), *found(tmp_path, "content/towns/b.md")]
    assert reuse.cached(entries) == [None, None] and reuse.stats == {}
    write(tmp_path, "content/towns/a.md", "甲", OLD)
    assert reuse.cached(found(tmp_path, "content/towns/a.md", column="tips")) == [None]


def test_a_candidate_is_current_while_its_fingerprint_holds_and_its_body_is_stored(tmp_path: Path) -> None:
    write(tmp_path, "content/towns/a.md", "甲", OLD)
    cache = cache_of(tmp_path, "content/towns/a.md")
    reuse = ArticleReuse(cache, tmp_path, racy_after_ns=OLD + 10**9)
    reuse.cached(found(tmp_path, "content/towns/a.md"))
    digest = cache.stats["content/towns/a.md"][DIGEST]
    current = fingerprint(digest, "content/towns/a.md", "towns", "towns/a/", (), {}, ("pic-key",))
    article = _article("content/towns/a.md", current)
    assert reuse.still_current(article, {}, ("pic-key",), stored={current})
    assert not reuse.still_current(article, {}, ("another picture",), stored={current})  # a picture changed
    assert not reuse.still_current(article, {}, ("pic-key",), stored=set())  # its body is gone


def _article(path: str, print_: str) -> Article:
    article = Article.__new__(Article)  # only the fields the checks read
    for name, value in (("source_path", path), ("column", "towns"), ("url", "towns/a/"), ("links", ()),
                        ("fingerprint", print_), ("images", ()), ("unplaced_images", ())):  # fmt: skip
        object.__setattr__(article, name, value)
    return article


def test_the_loader_is_told_which_candidates_stay_and_which_it_reads_again(tmp_path: Path) -> None:
    write(tmp_path, "content/towns/a.md", "甲", OLD)
    store = cache_of(tmp_path, "content/towns/a.md")
    reuse = ArticleReuse(store, tmp_path, racy_after_ns=OLD + 10**9)
    reuse.cached(found(tmp_path, "content/towns/a.md"))
    digest = store.stats["content/towns/a.md"][DIGEST]
    current = fingerprint(digest, "content/towns/a.md", "towns", "towns/a/", (), {}, ())
    store.bodies.put(current, None)  # type: ignore[arg-type]  # a stored body: only its key is asked for
    kept_one, moved = _article("content/towns/a.md", current), _article("content/towns/a.md", "0" * 40)
    store.by_path["content/towns/a.md"] = kept_one
    assert reuse.current({"content/towns/a.md": kept_one}, {}, lambda article: ()) == (
        {"content/towns/a.md": kept_one},
        [],
    )
    assert reuse.current({"content/towns/a.md": moved}, {}, lambda article: ()) == ({}, ["content/towns/a.md"])
    assert reuse.reused == 1
    reuse.keep([], [kept_one], lambda prints: set())
    assert store.by_path == {"content/towns/a.md": kept_one} and store.reused == 1
    assert store.stats == reuse.stats  # the stats this build recorded, for the next one
    assert reuse.previous_source("content/towns/a.md") is None  # a build on disk keeps no sources


def test_a_source_is_hashed_as_read_source_reads_it_however_long(tmp_path: Path) -> None:
    from sitegen.content.articles import MAX_SOURCE_BYTES

    reuse = ArticleReuse(ArticleStore(), tmp_path, racy_after_ns=0)
    for size in (0, 5, 70_000, 200_001, MAX_SOURCE_BYTES + 10):
        data = os.urandom(size)
        (tmp_path / "a.md").write_bytes(data)
        assert reuse._digest("a.md") == hashlib.sha1(data[: MAX_SOURCE_BYTES + 1]).hexdigest(), size
    assert reuse._digest("missing.md") is None
