"""The article shards' pictures, saved once in a table the shards name them from (sitegen.incremental.picturetable).

Each of the 64 shards held its own copy of every picture its articles show; at 10,000 articles that was 70,000
picture objects read back for 3,200 distinct pictures. What must hold: a picture is saved once however many shards
show it, and read back as one object; a table is written only when a picture changed; a table that is missing,
damaged, foreign or named outside the cache folder costs the articles' rendering again, never a failed build or
wrong output.
"""

from __future__ import annotations

import dataclasses
import gc
import io
import pickle
import weakref
from pathlib import Path

import pytest
from conftest import FIXED_NOW, article, picture_bytes, tree

from sitegen.build.api import BuildOptions, BuildReport, build
from sitegen.incremental.cache import CACHE_FILE, BuildCache
from sitegen.incremental.pickles import SafeUnpickler, ShardUnpickler, dump_sealed, seal, shard_pickler
from sitegen.model import Image

SITE_YAML = "title: 测试站\nbase_url: https://example.org/\ncolumns:\n  - slug: towns\n    title: 镇街\n"
ARTICLES = 12


def make_site(site: Path) -> Path:
    (site / "content" / "towns").mkdir(parents=True)
    (site / "assets" / "images").mkdir(parents=True)
    (site / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    (site / "content" / "towns" / "near.png").write_bytes(picture_bytes(640, 427))
    (site / "assets" / "images" / "shared.png").write_bytes(picture_bytes(800, 600))
    for n in range(ARTICLES):  # every article shows the shared picture; half of them another
        extra = "\n![近处](near.png)\n" if n % 2 else ""
        body = f"第{n}篇的正文。\n\n![共用](images/shared.png)\n{extra}"
        text = article(f"文章{n}", f"2024-01-{n + 1:02}", body, tags="[党建]")
        (site / "content" / "towns" / f"a{n:02}.md").write_text(text, encoding="utf-8")
    return site


def options(root: Path) -> BuildOptions:
    return BuildOptions(output_dir=root / "out", now=FIXED_NOW, jobs=1)


def cache(site: Path) -> Path:
    return site / ".sitegen-cache"


def tables(site: Path) -> list[Path]:
    return sorted(cache(site).glob("pictures-*.pickle"))


def cold(site: Path, root: Path) -> dict[str, bytes]:
    build(site, BuildOptions(output_dir=root / "cold", disk_cache=False, now=FIXED_NOW, jobs=1))
    return tree(root / "cold")


def read_index(site: Path) -> dict:
    with (cache(site) / CACHE_FILE).open("rb") as handle:
        return SafeUnpickler(handle).load()


def warned(report: BuildReport, file: Path | str) -> bool:
    return any(str(file) in warning for warning in report.cache_warnings)


def test_a_picture_shown_in_many_shards_is_saved_once_and_read_back_as_one_object(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    build(site, options(tmp_path))
    shards = sorted(cache(site).glob("articles-*.pickle"))
    assert len(shards) > 2  # the articles are spread over several shards
    (table,) = tables(site)
    assert read_index(site)["pictures"] == table.name
    with table.open("rb") as handle:
        pictures = SafeUnpickler(handle).load()
    assert sorted(picture.url for picture in pictures.values()) == ["assets/images/shared.png", "towns/near.png"]
    for shard in shards:  # a shard names its pictures: no file of theirs is in its bytes
        assert b"shared.png" not in shard.read_bytes() and b"near.png" not in shard.read_bytes()

    loaded = BuildCache.load(cache(site), pictures=(site / "content", site / "assets", cache(site) / "images"))

    assert loaded.warnings == []
    articles = list(loaded.articles.by_path.values())
    assert len(articles) == ARTICLES
    shown = {id(article.images[0]) for article in articles}
    assert len(shown) == 1  # one object for the shared picture, across every shard
    (shared,) = (picture for picture in pictures.values() if picture.url == "assets/images/shared.png")
    assert articles[0].images[0] == shared


def test_a_table_is_written_only_when_a_picture_changed_and_the_last_one_removed(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    build(site, options(tmp_path))
    (first,) = tables(site)
    stamp = first.stat().st_mtime_ns
    source = site / "content" / "towns" / "a03.md"
    source.write_text(source.read_text(encoding="utf-8") + "\n又一段。\n", encoding="utf-8")
    build(site, options(tmp_path))
    assert tables(site) == [first] and first.stat().st_mtime_ns == stamp  # a text edit: the table kept as it was

    (site / "content" / "towns" / "far.png").write_bytes(picture_bytes(320, 240))
    source.write_text(source.read_text(encoding="utf-8").replace("(near.png)", "(far.png)"), encoding="utf-8")
    report = build(site, options(tmp_path))

    (second,) = tables(site)
    assert second != first and report.cache_warnings == ()
    with second.open("rb") as handle:
        urls = sorted(p.url for p in SafeUnpickler(handle).load().values())
    assert urls == ["assets/images/shared.png", "towns/far.png", "towns/near.png"]
    again = build(site, options(tmp_path))
    assert (again.articles_rendered, again.cache_warnings) == (0, ())
    assert tree(tmp_path / "out") == cold(site, tmp_path)


@pytest.mark.parametrize("name", ["../../site.yaml", "/etc/passwd", 7, "pictures-0123456789abcdef.pickle"])
def test_an_index_naming_another_table_costs_the_articles_not_the_build(tmp_path: Path, name: object) -> None:
    site = make_site(tmp_path / "site")
    build(site, options(tmp_path))
    index = read_index(site)
    index["pictures"] = name  # outside the folder, not a name, or a table that is not there
    (cache(site) / CACHE_FILE).write_bytes(seal(pickle.dumps(index)))
    (site / "content" / "towns" / "a00.md").write_text(article("改", "2024-02-01", "改过。"), encoding="utf-8")

    report = build(site, options(tmp_path))

    assert report.articles_rendered == ARTICLES and report.cache_warnings != ()
    assert tree(tmp_path / "out") == cold(site, tmp_path)
    assert build(site, options(tmp_path)).cache_warnings == ()  # the same build saved a whole cache again


def test_a_shard_naming_a_picture_its_table_lacks_is_dropped_and_its_articles_rendered(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    build(site, options(tmp_path))
    (table,) = tables(site)
    with table.open("rb") as handle:
        pictures = SafeUnpickler(handle).load()
    near = next(key for key, picture in pictures.items() if picture.url == "towns/near.png")
    with table.open("wb") as handle:  # as a forged cache would: the name kept, a picture gone
        dump_sealed(handle, {key: picture for key, picture in pictures.items() if key != near})
    (cache(site) / "up-to-date.json").unlink()

    report = build(site, options(tmp_path))

    assert report.articles_rendered > 0 and any(warned(report, shard) for shard in cache(site).glob("articles-*"))
    assert "not in the picture table" in " ".join(report.cache_warnings)
    assert tree(tmp_path / "out") == cold(site, tmp_path)


def test_a_picture_reference_is_resolved_only_by_a_shards_reader() -> None:
    picture = Image("towns/p.png", caption="说明", width=4, height=3)
    buffer = io.BytesIO()
    shard_pickler({id(picture): "0" * 20})(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump([picture, picture])
    data = buffer.getvalue()
    assert b"towns/p.png" not in data

    with pytest.raises(pickle.UnpicklingError, match="outside an article shard"):
        SafeUnpickler(io.BytesIO(data)).load()
    with pytest.raises(pickle.UnpicklingError, match="not in the picture table"):
        ShardUnpickler(io.BytesIO(data), {}).load()
    first, second = ShardUnpickler(io.BytesIO(data), {"0" * 20: picture}).load()
    assert first is picture and second is picture
    other = Image("towns/q.png")  # a picture without a key is saved by value
    buffer = io.BytesIO()
    shard_pickler({})(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(other)
    assert SafeUnpickler(io.BytesIO(buffer.getvalue())).load() == other


def test_a_shards_reader_is_freed_when_it_is_done_not_kept_by_a_cycle() -> None:
    """A reader whose memo held a method of its own stayed alive, and kept every object of its shard alive, until the
    collector's next full pass: for a build, the exit, 0.9 s at 100,000 articles. Freed now by reference counting."""
    picture = Image("towns/p.png", caption="说明", width=4, height=3)
    buffer = io.BytesIO()
    shard_pickler({id(picture): "0" * 20})(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump([picture, ["正文"]])
    reader = ShardUnpickler(io.BytesIO(buffer.getvalue()), {"0" * 20: picture})
    shown, text = reader.load()
    assert shown is picture
    gone = weakref.ref(reader)
    collecting = gc.isenabled()
    gc.disable()  # no collection may free it: reference counting alone
    try:
        del reader
        assert gone() is None
    finally:
        if collecting:
            gc.enable()
    assert text == ["正文"]


def test_a_shard_holding_the_articles_it_was_read_with_keeps_the_name_its_shape_gives(tmp_path: Path) -> None:
    """A rebuild takes the name of a shard whose articles are the very objects read back, without working out its
    shape: the name must be the one the shape gives."""
    from sitegen.incremental.articles import ShardFolder

    site = make_site(tmp_path / "site")
    build(site, options(tmp_path))
    folders = (site / "content", site / "assets", cache(site) / "images")
    loaded = BuildCache.load(cache(site), pictures=folders)
    store = loaded.articles
    assert len(store.saved) == len(list(cache(site).glob("articles-*.pickle")))  # every shard read back whole
    edited = next(iter(store.by_path))
    by_path = dict(store.by_path)
    by_path[edited] = dataclasses.replace(by_path[edited], title="改过的标题", fingerprint="0" * 40)  # as an edit

    shortcut = ShardFolder(cache(site), cache(site) / CACHE_FILE, [], folders)
    names, table = shortcut.save(by_path, store.picture_keys, dict(store.saved))
    worked_out = ShardFolder(cache(site), cache(site) / CACHE_FILE, [], folders)
    assert worked_out.save(by_path, store.picture_keys, {}) == (names, table)
    unchanged = set(read_index(site)["articles"].values()) & set(names.values())
    assert len(unchanged) == len(names) - 1  # the edited article's shard alone under a new name


def test_a_table_whose_picture_is_not_of_our_kinds_is_dropped_not_a_crash(tmp_path: Path) -> None:
    """The loader walks each picture's variants and thumbnail for its files: a forged variant (a text where a
    variant belongs) must make the table unreadable, not fail the build."""
    site = make_site(tmp_path / "site")
    build(site, options(tmp_path))
    (table,) = tables(site)
    with table.open("rb") as handle:
        pictures = SafeUnpickler(handle).load()
    forged = {key: dataclasses.replace(p, variants=("/etc/passwd",)) for key, p in pictures.items()}
    with table.open("wb") as handle:
        dump_sealed(handle, forged)
    (cache(site) / "up-to-date.json").unlink()

    report = build(site, options(tmp_path))

    assert warned(report, table) and "not a picture table" in " ".join(report.cache_warnings)
    assert report.articles_rendered == ARTICLES
    assert tree(tmp_path / "out") == cold(site, tmp_path)


def test_a_shard_holding_a_picture_of_its_own_is_dropped(tmp_path: Path) -> None:
    """A shard names its pictures from the table, whose pictures were checked; one it holds by value was not."""
    site = make_site(tmp_path / "site")
    build(site, options(tmp_path))
    shard = sorted(cache(site).glob("articles-*.pickle"))[0]
    folders = (site / "content", site / "assets", cache(site) / "images")
    articles = [a for a in BuildCache.load(cache(site), pictures=folders).articles.by_path.values()]
    in_shard = [a for a in articles if a.source_path.encode() in shard.read_bytes()]
    assert in_shard
    own = Image("towns/x.png", source_file=Path("/etc/passwd"))
    with shard.open("wb") as handle:  # no key for it: saved by value
        dump_sealed(handle, [dataclasses.replace(a, images=(own,)) for a in in_shard], shard_pickler({}))
    (cache(site) / "up-to-date.json").unlink()

    report = build(site, options(tmp_path))

    assert warned(report, shard) and "a picture outside the picture table" in " ".join(report.cache_warnings)
    assert report.articles_rendered == len(in_shard)
    assert tree(tmp_path / "out") == cold(site, tmp_path)


def test_keys_forgotten_when_they_pile_up_keep_every_picture_object_shown() -> None:
    """sitegen serve's keys are pruned; a picture equal to the table's but another object must keep its key, or
    its shard would save it by value (and the next build drop the shard)."""
    from sitegen.incremental.picturetable import PictureKeys, table_of
    from sitegen.model import Article

    def shown(picture: Image, n: int) -> Article:
        return Article(f"content/towns/{n}.md", "towns", "甲", FIXED_NOW, str(n), f"towns/{n}/", "", images=(picture,))

    first, equal = Image("towns/p.png", width=4), Image("towns/p.png", width=4)
    keys = PictureKeys()
    stale = [Image(f"towns/old-{n}.png") for n in range(1200)]
    for picture in stale:
        keys.key(picture)
    table = table_of([shown(first, 1), shown(equal, 2)], keys)
    assert len(table) == 1 and len(keys.by_id) == 2  # the stale keys gone, both objects kept
    assert {keys.by_id[id(first)][1], keys.by_id[id(equal)][1]} == set(table)
