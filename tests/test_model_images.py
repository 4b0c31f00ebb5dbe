"""Image.paths: the files of Image.files, in order, without their URLs (read for every cached picture)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.model import Image, ImageVariant

CACHE = Path("/site/.sitegen-cache/images")
THUMB = Image(
    "a-thumb.jpg",
    source_file=None,
    variants=(ImageVariant("a-thumb-320.webp", 320, 240, "image/webp", CACHE / "t.webp"),),
)
IMAGES = [
    Image("https://example.org/remote.png"),  # remote: no file
    Image("towns/a.gif", source_file=Path("/site/content/towns/a.gif")),  # used as it is
    Image(
        "towns/b.jpg",
        source_file=Path("/site/content/towns/b.jpg"),
        variants=(
            ImageVariant("towns/b-480.webp", 480, 360, "image/webp", CACHE / "b-480.webp"),
            ImageVariant("towns/b-480.jpg", 480, 360, "image/jpeg", None),  # not made yet
            ImageVariant("towns/b-960.jpg", 960, 720, "image/jpeg", CACHE / "b-960.jpg"),
        ),
        thumb=THUMB,
    ),
]


@pytest.mark.parametrize("image", IMAGES)
def test_paths_are_the_files_of_files_in_order(image: Image) -> None:
    assert image.paths == [file for _, file in image.files]


def test_a_thumbnails_files_come_after_the_pictures_own() -> None:
    assert IMAGES[2].paths == [
        Path("/site/content/towns/b.jpg"), CACHE / "b-480.webp", CACHE / "b-960.jpg", CACHE / "t.webp"
    ]
