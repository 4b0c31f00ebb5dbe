"""Cached articles of a site that moved: their pictures' files named under the folders where they are now.

A cached article names its pictures' files by absolute path (content/ and assets/ of the site, the image cache). A
fresh CI checkout may put the site somewhere else than the build that saved the cache did (GitLab names its build
folders by runner, a self-hosted runner by its own working folder), so the cache keeps the folders it was saved
with, and a file under one of them is renamed under the same folder of this build. What still lies elsewhere is
dropped by the caller, as before.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from pathlib import Path

from sitegen.model import Article, Image, ImageVariant


def root_prefixes(roots: Sequence[Path]) -> tuple[str, ...]:
    """Each folder as a prefix of the paths under it, in order (the order names a folder across builds)."""
    return tuple(os.path.join(str(root), "") for root in roots)


def moved(saved: Sequence[object], current: tuple[str, ...]) -> dict[str, str]:
    """The saved folders' prefixes that differ from this build's, paired with this build's: empty when the site did
    not move, or when the cache does not say where it was (an index without them is used as it is)."""
    if len(saved) != len(current) or not all(isinstance(prefix, str) and prefix.startswith("/") for prefix in saved):
        return {}
    return {str(old): new for old, new in zip(saved, current, strict=True) if old != new}


# pictures relocated so far, by value: a picture many articles show (one object in memory, pictures/shared.py; one
# per shard in the cache) is relocated once, and is one object again once relocated
Relocations = dict[Image, Image]


def relocated(article: Article, renames: dict[str, str], done: Relocations | None = None) -> Article:
    """`article` with each picture file under a saved folder named under this build's; the same object when none
    is. `done`: the pictures relocated for the articles before, shared by one load."""
    done = {} if done is None else done
    images = tuple(_shared(image, renames, done) for image in article.images)
    unplaced = tuple(_shared(image, renames, done) for image in article.unplaced_images)
    before = (*article.images, *article.unplaced_images)
    if all(new is old for new, old in zip((*images, *unplaced), before, strict=True)):
        return article
    return dataclasses.replace(article, images=images, unplaced_images=unplaced)


def _shared(image: Image, renames: dict[str, str], done: Relocations) -> Image:
    known = done.get(image)
    if known is None:
        known = done[image] = _image(image, renames)
    return known


def _image(image: Image, renames: dict[str, str]) -> Image:
    source = _path(image.source_file, renames)
    published = _path(image.published, renames)
    variants = tuple(_variant(variant, renames) for variant in image.variants)
    thumb = _image(image.thumb, renames) if image.thumb is not None else None
    if (
        source is image.source_file
        and published is image.published
        and thumb is image.thumb
        and all(new is old for new, old in zip(variants, image.variants, strict=True))
    ):
        return image
    return dataclasses.replace(image, source_file=source, published=published, variants=variants, thumb=thumb)


def _variant(variant: ImageVariant, renames: dict[str, str]) -> ImageVariant:
    file = _path(variant.file, renames)
    return variant if file is variant.file else dataclasses.replace(variant, file=file)


def _path(file: Path | None, renames: dict[str, str]) -> Path | None:
    if file is None:
        return None
    text = str(file)
    for old, new in renames.items():
        if text.startswith(old):
            return Path(new + text[len(old) :])  # the caller checks it lies inside this build's folders
    return file
