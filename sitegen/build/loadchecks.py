"""Checks of a loaded site beyond each article's own: the authors' photos of data/authors.yaml (published without
their metadata) and its names, the ICP number of a public site, tags that would share one page."""

from __future__ import annotations

from dataclasses import replace

from sitegen.content.authors import AUTHORS_FILE, PHOTO_URL, AuthorInfo
from sitegen.errors import ContentError
from sitegen.model import Article, Config
from sitegen.pictures.cache import ImageStore
from sitegen.pictures.variants import UnreadablePicture
from sitegen.portal import production_problems
from sitegen.site import shared_tag_pages


def photos_published(
    people: dict[str, AuthorInfo], errors: list[ContentError], images: ImageStore
) -> tuple[dict[str, AuthorInfo], list[ContentError]]:
    """Authors' photos published without their metadata (a phone's photo says where it was taken)."""
    found = dict(people)
    for name, info in people.items():
        if info.photo_file is not None:
            try:
                found[name] = replace(info, photo_file=images.published(info.photo_file))
            except (OSError, UnreadablePicture) as exc:
                problem = f"data/{info.photo.removeprefix(PHOTO_URL)} cannot be read as a picture ({exc})"
                errors = [*errors, ContentError(AUTHORS_FILE, info.line, f"{name}.photo", problem)]
    return found, errors


def portal_warnings(config: Config, published: list[Article], people: dict[str, AuthorInfo]) -> list[str]:
    """A public site without its ICP number (an error under `sitegen check --production`); data/authors.yaml
    entries for names no published article carries (a colleague yet to write, or a typo)."""
    names = {name for a in published for name in (*a.authors, a.editor)}
    unknown = [f"{AUTHORS_FILE}: no published article names '{name}'" for name in people if name not in names]
    shared = [f"tags {', '.join(map(repr, names))} share one page, tags/{slug}/: rename one to keep them apart"
              for slug, names in shared_tag_pages(published)]  # fmt: skip
    return [*production_problems(config.base_url, config.filings), *unknown, *shared]
