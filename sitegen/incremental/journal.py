"""The build cache's index saved as a base and a journal: a rebuild writes what changed, not the whole index.

The index (`build.pickle`, incremental/cache.py) is a dict of parts, most of them dicts with an entry per article,
page or output file: 54 MB at 100,000 articles, rewritten whole by every build took 1.1 s of a one-article rebuild.
Now the base is written only now and then; a build writes the journal (`build.journal.pickle`): every part that
differs from the base's, as the entries added or changed and the keys gone (a dict), the items changed by position
and the new length (a list), or whole (anything else). The journal is always made against the base, never against
the last journal, so each build replaces it whole and it grows only with what differs from the base; once it is
more than a quarter of the base's size (or a part is gone), the build writes a new base instead and removes the
journal.

A journal names its base by the token the base was written with: a journal of another base (a build that died
between writing a new base and removing the old journal) is stale and left out. Both files are sealed (a checksum)
and renamed into place, so a reader sees one build's index or the next's. The search indexes' states are saved the
same way (incremental/searchrecord.py: `search.pickle` and `search.journal.pickle`), their lists of shards, keys and
digests by position. Pure but for `read_journal`, `save` and `write_prepared`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import compress, repeat
from operator import is_not
from pathlib import Path
from typing import IO, Any

from sitegen.incremental.pickles import Pickler, SafeUnpickler, load_sealed, pickled, write_pickled

BASE_KEY = "base"  # a saved value's token: a journal names the base it applies to
_FIELDS = {"base", "replaced", "updated", "removed", "lengths"}
# a journal is written while it is at most this share of its base's size; past it, a new base (tests of a journal on
# a small site raise it)
JOURNAL_SHARE = 0.25
_MISSING = object()


def journal_path(path: Path) -> Path:
    """The journal of the base at `path`: build.pickle's is build.journal.pickle (no edition's prefix holds a dot:
    search-<prefix>.pickle is never a journal)."""
    return path.with_name(f"{path.stem}.journal{path.suffix}")


@dataclass(frozen=True)
class Journal:
    """What a value differs in from its base: parts whole (`replaced`), or a dict part's entries added or changed
    (`updated`) and gone (`removed`), or a list part's items changed by position (`updated`) and its length."""

    base: str
    replaced: dict[str, Any]
    updated: dict[str, dict[Any, Any]]
    removed: dict[str, list[Any]]
    lengths: dict[str, int]


@dataclass(frozen=True)
class Base:
    """A base as it is on disk: its token, its parts (a copy no store changes: `detached`) and its size in bytes."""

    token: str
    parts: dict[str, Any]
    size: int


def detached(value: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `value` that the stores' changes cannot reach: every dict and list in it copied (the values of a
    dict part with an entry per article are texts, tuples and frozen records: only a part's own container is)."""
    return {key: _detached(part) for key, part in value.items()}


def _detached(value: Any) -> Any:
    if isinstance(value, dict):
        kinds = set(map(type, value.values()))
        if dict in kinds or list in kinds:
            return {key: _detached(item) for key, item in value.items()}
        return dict(value)
    if isinstance(value, list):
        kinds = set(map(type, value))
        return [_detached(item) for item in value] if dict in kinds or list in kinds else list(value)
    return value


def difference(base: Mapping[str, Any], value: Mapping[str, Any]) -> Journal:
    """How `value` differs from `base` (both with the same token, `BASE_KEY`)."""
    journal = Journal(str(value[BASE_KEY]), {}, {}, {}, {})
    for key, now in value.items():
        was = base.get(key, _MISSING)
        if was is now or (type(was) is type(now) and was == now):
            continue
        if type(was) is dict and type(now) is dict:
            changes = _changed_entries(was, now)
            added = sum(1 for k in changes if k not in was)
            gone = [k for k in was if k not in now] if len(was) > len(now) - added else []
            if changes:
                journal.updated[key] = changes
            if gone:
                journal.removed[key] = gone
        elif type(was) is list and type(now) is list:
            journal.updated[key] = _changed_items(was, now)
            journal.lengths[key] = len(now)
        else:
            journal.replaced[key] = now
    return journal


def _changed_entries(was: dict[Any, Any], now: dict[Any, Any]) -> dict[Any, Any]:
    """The entries of `now` that `was` lacks or holds another value for. Most are the very objects the base was read
    as: told apart by identity in C (map, compress), so that only the others are compared, in Python."""
    others = compress(now.keys(), map(is_not, now.values(), map(was.get, now.keys(), repeat(_MISSING))))
    return {k: v for k in others if (v := now[k]) != was.get(k, _MISSING)}


def _changed_items(was: list[Any], now: list[Any]) -> dict[int, Any]:
    """The items of `now` by position where `was` has another one, or none."""
    others = compress(range(len(now)), map(is_not, now, was))  # up to the shorter's end
    changes = {i: v for i in others if (v := now[i]) != was[i]}
    changes.update((i, now[i]) for i in range(len(was), len(now)))
    return changes


def applied(base: Mapping[str, Any], journal: Journal) -> dict[str, Any]:
    """The value `journal` describes over `base` (neither changed). ValueError when it does not fit the base (a
    damaged or forged journal): it updates a part of another kind, or leaves a list with a hole."""
    value = dict(base)
    for key in journal.updated.keys() | journal.removed.keys() | journal.lengths.keys():
        part = value.get(key)
        if type(part) is dict and key not in journal.lengths:
            part = dict(part)
            for gone in journal.removed.get(key, ()):
                part.pop(gone, None)
            part.update(journal.updated.get(key, {}))
        elif type(part) is list and key not in journal.removed:
            part = _list_applied(part, journal.lengths.get(key), journal.updated.get(key, {}))
        else:
            raise ValueError(f"the journal updates '{key}' as another kind of part")
        value[key] = part
    value.update(journal.replaced)
    return value


def _list_applied(part: list[Any], length: object, changes: dict[Any, Any]) -> list[Any]:
    if type(length) is not int or length < 0:
        raise ValueError("the journal gives a list no length")
    items = part[:length] + [_MISSING] * (length - len(part))
    for at, item in changes.items():
        if type(at) is not int or not 0 <= at < length:
            raise ValueError("the journal changes an item past a list's end")
        items[at] = item
    if length > len(part) and any(item is _MISSING for item in items[len(part) :]):
        raise ValueError("the journal leaves a hole in a list")
    return items


def read_journal(
    path: Path, base: str, unpickler: Callable[[IO[bytes]], Any] = SafeUnpickler
) -> Journal | None:
    """The journal at `path` when it applies to the base with token `base`; None when there is none or it is another
    base's. Raises what reading a damaged file raises (pickles.READ_ERRORS), ValueError when it is no journal."""
    try:
        with path.open("rb") as handle:
            data = load_sealed(handle, unpickler)
    except FileNotFoundError:
        return None
    if not isinstance(data, dict) or set(data) != _FIELDS or not isinstance(data["base"], str):
        raise ValueError("not a journal of a cache file")
    if data["base"] != base:
        return None  # stale: a newer base was written after it
    parts = (data["replaced"], data["updated"], data["removed"], data["lengths"])
    if not all(type(part) is dict for part in parts):
        raise ValueError("a journal part of the wrong type")
    if not all(type(v) is dict for v in data["updated"].values()) or not all(
        type(v) is list for v in data["removed"].values()
    ):
        raise ValueError("a journal part of the wrong type")
    return Journal(base, *parts)


def base_of(value: dict[str, Any], size: int) -> Base:
    """The base `value` is, as read (with its token) from a file of `size` bytes."""
    return Base(str(value[BASE_KEY]), detached(value), size)


def save(path: Path, value: dict[str, Any], base: Base | None, pickler: Callable[..., Any] = Pickler) -> Base:
    """Save `value` (its BASE_KEY set here) as a journal against `base` (sealed, renamed into place); as a new base
    when there is none or the journal has grown past a quarter of it, then its journal removed. The base now on
    disk (`base`, or the new one)."""
    data, new_base = prepare(value, base, pickler)
    write_prepared(path, data, new_base)
    if new_base or base is None:
        return base_of(value, path.stat().st_size)
    return base


def prepare(
    value: dict[str, Any], base: Base | None, pickler: Callable[..., Any] = Pickler
) -> tuple[bytes | memoryview, bool]:
    """What `save` writes, worked out but not written (the search helper works it out, the building process writes
    it once the output is in place): the pickle of the journal against `base` (False), or of `value` as a new base
    (True; its BASE_KEY set here, as `save` sets it)."""
    if base is not None:
        value[BASE_KEY] = base.token
    if base is not None and base.parts.keys() <= value.keys():  # a journal records no part gone: else a new base
        journal = difference(base.parts, value)
        fields = {name: getattr(journal, name) for name in _FIELDS}
        data = pickled(fields, pickler)
        if len(data) <= base.size * JOURNAL_SHARE:
            return data, False
    value[BASE_KEY] = os.urandom(8).hex()
    return pickled(value, pickler), True


def write_prepared(path: Path, data: bytes | memoryview, new_base: bool) -> None:
    """Write what `prepare` worked out for the base at `path`: its journal, or a new base and no journal."""
    if not new_base:
        write_pickled(journal_path(path), data)
        return
    write_pickled(path, data)
    journal_path(path).unlink(missing_ok=True)  # a build dying just before leaves it stale: it names the old base
