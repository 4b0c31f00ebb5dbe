"""The pictures of the article shards, saved once: `pictures-<digest>.pickle` in the cache folder.

Articles share a few hundred pictures, and each of the 64 shards held its own copy of every picture its articles
show, with its variants and its thumbnail: at 10,000 articles some 70,000 picture objects read back for 3,200
distinct pictures, half of every shard's bytes. The table holds each distinct picture once, keyed by a digest of its
value; a shard names its pictures by key (pickles.shard_pickler, pickles.ShardUnpickler). Like a shard, the table
is named by a digest of what it holds, so it is written only when a picture changed; the build cache's index names
it beside the shards.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.cachenotes import damaged, dropped, outside
from sitegen.incremental.pickles import READ_ERRORS, load_sealed, write_sealed
from sitegen.model import Article, Image, ImageVariant

TABLE_NAME = re.compile(r"pictures-[0-9a-f]{16}\.pickle")
_KEY = re.compile(r"[0-9a-f]{20}")


@dataclass
class PictureKeys:
    """The key of each picture object met, by its id (the object kept with it, so that the id stays its own): a
    rebuild keys the pictures it read back without looking at their values again."""

    by_id: dict[int, tuple[Image, str]] = field(default_factory=dict)

    def key(self, picture: Image) -> str:
        known = self.by_id.get(id(picture))
        if known is not None and known[0] is picture:
            return known[1]
        key = hashlib.sha1(repr(picture).encode()).hexdigest()[:20]  # a dataclass's repr tells every field
        self.by_id[id(picture)] = (picture, key)
        return key

    def learn(self, table: dict[str, Image]) -> None:
        """Key the pictures of a table read back by the keys they were saved under."""
        self.by_id.update((id(picture), (picture, key)) for key, picture in table.items())


def table_of(articles: Collection[Article], keys: PictureKeys) -> dict[str, Image]:
    """Every picture the articles show, by key, in a stable order (asked of every article of a rebuild: a picture
    read back is looked up by id, inline). `keys` forgets the pictures no article shows when they have piled up
    (sitegen serve's keys do not grow with every edit)."""
    table: dict[str, Image] = {}
    by_id = keys.by_id
    for article in articles:
        for picture in article.all_pictures:
            known = by_id.get(id(picture))
            table[known[1] if known is not None and known[0] is picture else keys.key(picture)] = picture
    if len(by_id) > 2 * len(table) + 1000:  # every picture object shown keeps its key: shards name them all
        shown = (picture for article in articles for picture in article.all_pictures)
        keys.by_id = {id(picture): by_id[id(picture)] for picture in shown}
    return dict(sorted(table.items()))


def table_name(table: dict[str, Image]) -> str:
    return f"pictures-{hashlib.sha1(' '.join(table).encode()).hexdigest()[:16]}.pickle"


def save_table(folder: Path, table: dict[str, Image]) -> str:
    """Write the table unless a file of its name is there already; its name."""
    name = table_name(table)
    if not (folder / name).is_file():
        write_sealed(folder / name, table)
    return name


def load_table(
    folder: Path, name: object, index_file: Path, warnings: list[str], write: bool
) -> dict[str, Image] | None:
    """The table the index names; None when it is missing or damaged (then said, and removed when `write`): the
    shards naming its pictures cannot be read."""
    if not isinstance(name, str) or not TABLE_NAME.fullmatch(name):  # a hostile cache naming ../../etc/passwd
        warnings.append(dropped(str(index_file), outside(repr(name))))
        return None
    try:
        with (folder / name).open("rb") as handle:
            table = load_sealed(handle)
        if not isinstance(table, dict) or not all(
            type(key) is str and _KEY.fullmatch(key) and _well_formed(picture) for key, picture in table.items()
        ):
            raise ValueError("not a picture table")
    except READ_ERRORS as exc:
        warnings.append(dropped(str(folder / name), damaged(exc)))
        if write:
            with contextlib.suppress(OSError):
                (folder / name).unlink()
        return None
    return table


def _well_formed(picture: object) -> bool:
    """A picture of the expected kinds all the way down: what reads it walks its variants and its thumbnail (its
    files are checked where they are, incremental.places)."""
    for _ in range(_THUMB_DEPTH):
        if type(picture) is not Image or type(picture.variants) is not tuple:
            return False
        if not all(type(variant) is ImageVariant for variant in picture.variants):
            return False
        picture = picture.thumb
        if picture is None:
            return True
    return False


_THUMB_DEPTH = 4  # a picture, its thumbnail, never deeper: a longer chain is not ours
