"""One script for search: Traditional characters folded to Simplified, in the index and in the query alike, so that
乡村 finds 鄉村 and 鄉村 finds 乡村 in either edition.

The table is a theme asset, `assets/search-fold.js` (`window.sitegenFold = {"from": "鄉…", "to": "乡…"}`), made from
OpenCC's single-character conversions (t2s, hk2s, tw2s; see `sitegen.content.chinese.folding_pairs`): the search
page's script reads it there, and `normalize` in `sitegen.search.index` reads the same file, so both fold alike.
Folding is per character (one character to one), so positions in normalised text still map back.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping

from sitegen.render.theme import default_theme

FOLD_FILE = "search-fold.js"
_PREFIX = "window.sitegenFold = "


def fold_script(pairs: Mapping[str, str]) -> str:
    """The asset's text for a table of pairs (Traditional -> Simplified), sorted: the same pairs, the same bytes."""
    keys = sorted(pairs)
    table = {"from": "".join(keys), "to": "".join(pairs[key] for key in keys)}
    return _PREFIX + json.dumps(table, ensure_ascii=False, sort_keys=True) + ";\n"


def read_fold_script(text: str) -> dict[int, str]:
    """A str.translate table from the asset's text."""
    table = json.loads(text.removeprefix(_PREFIX).strip().removesuffix(";"))
    sources, targets = table["from"], table["to"]
    if len(sources) != len(targets):
        raise ValueError(f"{FOLD_FILE}: `from` and `to` differ in length")
    return {ord(source): target for source, target in zip(sources, targets, strict=True)}


@functools.cache
def _asset_text() -> str:
    return (default_theme().assets / FOLD_FILE).read_text(encoding="utf-8")


@functools.cache
def fold_table() -> dict[int, str]:
    """The theme's folding table (read once)."""
    return read_fold_script(_asset_text())


def fold_digest() -> str:
    """Changes with the table: a saved search state made with another table is not reused."""
    return hashlib.sha1(_asset_text().encode()).hexdigest()[:16]
