"""Picture paths answered from directory listings: the same answers as resolving each path on disk (safe_join)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.pictures.resolve import ImageResolver
from sitegen.urls import safe_join


def _tree(root: Path) -> Path:
    """A site with folders, pictures, a hidden folder, links inside and out, and a file where a folder might be."""
    site = root / "site"
    for folder in ("content/towns/2019/images", "content/towns/.drafts", "assets/images", "templates"):
        (site / folder).mkdir(parents=True)
    for file in ("content/towns/2019/images/a.png", "content/towns/2019/b.png", "content/towns/.drafts/c.png",
                 "assets/images/a.png", "assets/images/d.jpg", "site.yaml", "templates/x.png"):  # fmt: skip
        (site / file).write_bytes(b"x")
    (root / "outside").mkdir()
    (root / "outside" / "a.png").write_bytes(b"x")
    os.symlink(root / "outside", site / "content/towns/2019/out")  # a folder link out of the site
    os.symlink(site / "assets/images", site / "content/towns/2019/pics")  # a folder link inside it
    os.symlink(site / "assets/images/a.png", site / "content/towns/2019/linked.png")  # a file link inside
    os.symlink(root / "outside/a.png", site / "assets/images/escape.png")  # a file link out
    os.symlink(site / "nowhere.png", site / "assets/images/broken.png")
    return site


NAMES = ["content", "towns", "2019", "images", "a.png", "b.png", ".drafts", "c.png", "assets", "d.jpg", "site.yaml",
         "templates", "x.png", "out", "pics", "linked.png", "escape.png", "broken.png", "missing", "A.PNG", "..", ".",
         ""]  # fmt: skip
RELATIVE = st.lists(st.sampled_from(NAMES), min_size=1, max_size=7).map("/".join)


@pytest.fixture(scope="module")
def site() -> object:
    with tempfile.TemporaryDirectory() as root:
        yield _tree(Path(root))


@given(relative=st.lists(RELATIVE, min_size=1, max_size=12))
@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_listings_answer_as_safe_join_does(site: Path, relative: list[str]) -> None:
    resolver = ImageResolver(site)  # a fresh one: its listings are filled in the order of these paths
    for path in relative:
        joined = resolver._join(path)
        assert joined == safe_join(site.resolve(), path), path
        if joined is not None:
            assert resolver._is_file(joined) == joined.is_file(), path


@pytest.mark.parametrize(
    ("src", "found"),
    [
        ("images/a.png", "towns/2019/images/a.png"),  # beside the article first
        ("./b.png", "towns/2019/b.png"),
        ("images/d.jpg", "assets/images/d.jpg"),  # then assets/
        ("pics/a.png", "assets/images/a.png"),  # through a link inside the site: where it points
        ("linked.png", "assets/images/a.png"),
        ("out/a.png", None),  # a link out of the site
        ("images/escape.png", None),
        ("images/broken.png", None),
        (".drafts/c.png", None),  # hidden
        ("../.drafts/c.png", None),
        ("missing.png", None),
    ],
)
def test_locate(site: Path, src: str, found: str | None) -> None:
    resolver = ImageResolver(site)
    located = resolver.locate("content/towns/2019/post.md", src)
    assert (located[0] if located else None) == found
    assert resolver.locate("content/towns/2019/other.md", src) == located  # the folder's answer, remembered


def test_a_picture_added_after_the_folder_was_listed_is_found_by_the_next_build(site: Path) -> None:
    resolver = ImageResolver(site)
    assert resolver.locate("content/towns/2019/post.md", "new.png") is None
    (site / "content/towns/2019/new.png").write_bytes(b"x")
    try:
        assert ImageResolver(site).locate("content/towns/2019/post.md", "new.png") == (
            "towns/2019/new.png",
            site.resolve() / "content/towns/2019/new.png",
        )
    finally:
        (site / "content/towns/2019/new.png").unlink()
