"""One object per distinct picture among the articles a build loads.

An article rendered by a Markdown worker comes back pickled, with a copy of every picture it shows: the Image, its
variants, its thumbnail and their files (each Path with a list of its parts). A few hundred pictures shown by
100,000 articles were so held 200,000 times, about 6 KB an article, in the process that keeps the site and in every
page worker that touches it. Equal pictures render the same bytes, so each article is given the first equal copy.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from sitegen.model import Article, Image, ImageVariant

_T = TypeVar("_T", Image, ImageVariant, Path)


class SharedPictures:
    """Hands each article the copies of its pictures that an earlier article brought (equal ones: `==`)."""

    __slots__ = ("_known",)

    def __init__(self) -> None:
        self._known: dict[object, object] = {}  # Image, ImageVariant and Path, each by itself

    def article(self, article: Article) -> Article:
        if not article.images and not article.unplaced_images:
            return article
        # the unplaced pictures are some of `images`: the same object stays the same object
        images = tuple(self.image(image) for image in article.images)
        unplaced = tuple(self.image(image) for image in article.unplaced_images)
        return replace(article, images=images, unplaced_images=unplaced)

    def image(self, image: Image) -> Image:
        known = self._known.get(image)
        if known is not None:
            return known  # type: ignore[return-value]  # an Image is known by an equal Image only
        shared = replace(
            image,
            source_file=self._one(image.source_file) if image.source_file is not None else None,
            published=self._one(image.published) if image.published is not None else None,
            variants=tuple(self._one(variant) for variant in image.variants),
            thumb=self.image(image.thumb) if image.thumb is not None else None,
        )
        self._known[shared] = shared
        return shared

    def _one(self, value: _T) -> _T:
        return self._known.setdefault(value, value)  # type: ignore[return-value]  # known by an equal value only
