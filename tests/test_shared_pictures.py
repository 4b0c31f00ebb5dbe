"""Loading keeps one copy of each picture: an article from a Markdown worker comes back with its own copies."""

from __future__ import annotations

import pickle
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from conftest import FIXED_NOW, PNG, MakeSite, article, build_site, load

from sitegen.build.options import BuildOptions
from sitegen.build.pipeline import load_run
from sitegen.build.run import start
from sitegen.incremental.cache import BuildCache
from sitegen.model import Article, Image, ImageVariant
from sitegen.pictures.shared import SharedPictures

CACHE = Path("/site/.sitegen-cache/images")
THUMB = Image(
    "a-64x48.png", width=64, height=48, variants=(ImageVariant("a-64x48.webp", 64, 48, "image/webp", CACHE / "t"),)
)
PICTURE = Image(
    "assets/a.png",
    source_file=Path("/site/assets/a.png"),
    width=64,
    height=48,
    variants=(ImageVariant("a-64.webp", 64, 48, "image/webp", CACHE / "s.webp"),),
    thumb=THUMB,
)


def _article(path: str, *images: Image, unplaced: tuple[Image, ...] = ()) -> Article:
    date = datetime(2026, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    return Article(path, "towns", "标题", date, "a", f"towns/{path}/", "", images=images, unplaced_images=unplaced)


def test_equal_pictures_of_two_articles_become_one_object() -> None:
    shared = SharedPictures()
    first = shared.article(pickle.loads(pickle.dumps(_article("a", PICTURE))))
    second = shared.article(pickle.loads(pickle.dumps(_article("b", PICTURE))))
    assert first.images == second.images == (PICTURE,)
    assert first.images[0] is second.images[0]


def test_a_caption_of_its_own_keeps_its_image_but_shares_the_files() -> None:
    shared = SharedPictures()
    first = shared.article(pickle.loads(pickle.dumps(_article("a", PICTURE))))
    captioned = replace(PICTURE, caption="孩子们")
    second = shared.article(pickle.loads(pickle.dumps(_article("b", captioned))))
    assert second.images == (captioned,)
    assert second.images[0] is not first.images[0]
    assert second.images[0].variants[0] is first.images[0].variants[0]
    assert second.images[0].thumb is first.images[0].thumb
    assert second.images[0].source_file is first.images[0].source_file


def test_an_unplaced_picture_stays_one_of_the_articles_pictures() -> None:
    shared = SharedPictures()
    received = shared.article(pickle.loads(pickle.dumps(_article("a", PICTURE, unplaced=(PICTURE,)))))
    assert received.unplaced_images[0] is received.images[0]


def test_an_article_without_pictures_is_handed_back_as_it_is() -> None:
    plain = _article("a")
    assert SharedPictures().article(plain) is plain


def test_articles_rendered_by_workers_share_their_pictures(make_site: MakeSite) -> None:
    """Enough articles for two Markdown workers (parallel.MIN_ITEMS_PER_WORKER each): every article shows the same
    picture, and the loaded site holds it once."""
    files: dict[str, str | bytes] = {"content/towns/a.png": PNG}
    for n in range(140):
        files[f"content/towns/a{n:03}.md"] = article(f"标题{n}", body="![图](a.png)\n\n正文。")
    site = load(make_site(files), jobs=2)
    pictures = {id(a.images[0]) for a in site.articles}
    assert len(site.articles) == 140 and len(pictures) == 1


def test_only_a_cache_kept_for_the_next_load_remembers_each_articles_picture_files(make_site: MakeSite) -> None:
    """serve's cache keeps each article's picture files for its next load, as it keeps the sources; a build's cache,
    read from disk, ends with the build: it holds no such copy of every picture reference."""
    site = make_site({"content/towns/a.png": PNG, "content/towns/a.md": article(body="![图](a.png)\n")})
    build_site(site)  # a cache on disk
    built = start(site, BuildOptions(now=FIXED_NOW))
    load_run(built)
    assert built.cache.pictures_of == {}
    served = start(site, BuildOptions(now=FIXED_NOW, cache=BuildCache()))
    load_run(served)
    assert list(served.cache.pictures_of) == ["content/towns/a.md"]
