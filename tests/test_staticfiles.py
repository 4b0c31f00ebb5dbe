"""build/staticfiles.py: the picture files a build copies, each picture walked once; the same files as serve's
article-by-article walk, whose memo keeps each article's files between loads."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from sitegen.build.staticfiles import _files_of, _pictures_shown, _remembered_copies
from sitegen.model import Article, Image, ImageVariant

DATE = datetime(2024, 1, 2)
# a few pictures, some giving the same URL from other files (the last one shown must win, as in a walk)
PICTURES = [
    Image("a.png", source_file=Path("/s/a.png")),
    Image("a.png", source_file=Path("/s/other-a.png")),
    Image("b.jpg", source_file=Path("/s/b.jpg"), published=Path("/c/b-clean.jpg")),
    Image(
        "c.jpg",
        source_file=Path("/s/c.jpg"),
        variants=(ImageVariant("c-480.webp", 480, 360, "image/webp", Path("/c/c-480.webp")),),
        thumb=Image("c-thumb.jpg", source_file=Path("/c/c-thumb.jpg")),
    ),
    Image("https://example.org/d.png"),
]


def _article(n: int, images: list[int], unplaced: list[int]) -> Article:
    return Article(
        f"content/towns/a{n}.md", "towns", f"标题{n}", DATE, f"a{n}", f"towns/a{n}/", "摘要",
        images=tuple(PICTURES[i] for i in images), unplaced_images=tuple(PICTURES[i] for i in unplaced),
    )  # fmt: skip


shown = st.lists(st.integers(min_value=0, max_value=len(PICTURES) - 1), max_size=4)


@given(st.lists(st.tuples(shown, shown), max_size=12))
def test_each_picture_walked_once_gives_the_files_of_a_walk_of_every_article(
    pictures: list[tuple[list[int], list[int]]],
) -> None:
    articles = [_article(n, images, unplaced) for n, (images, unplaced) in enumerate(pictures)]
    walked: dict[str, Path] = {}
    memo: dict[str, tuple[Article, tuple[tuple[str, Path], ...]]] = {}
    _remembered_copies(articles, memo, walked)
    once: dict[str, Path] = {}
    for picture in _pictures_shown(articles):
        once.update(_files_of(picture))
    assert once == walked
    assert len(_pictures_shown(articles)) == len({id(p) for a in articles for p in a.all_pictures})
    assert set(memo) == {a.source_path for a in articles}
