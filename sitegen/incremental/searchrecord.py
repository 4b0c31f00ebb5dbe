"""The search record: what the last search indexes were built from, their files, and their saved states.

The build cache's index holds, for the source's index and for each edition's, the digest of what it was made from
and the paths of its files: an index whose digest is unchanged and whose files are intact is kept as it is.

The state of each index (`sitegen.search.IndexState`: per article its key and the digest of its file, per shard the
digest of its file and its postings' highest ids) has a file of its own, `.sitegen-cache/search.pickle` (an
edition's: `search-zh-hant.pickle`), read only when an article the index covers changed, never on a rebuild where
nothing did. It holds plain data only (lists, bytes, str, int), so its reader allows no class at all. Like the
cache's index it is saved as a base and a journal (sitegen.incremental.journal): an update writes the shards and
digests that changed, not the 77 MB state of a 100,000-article site.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen import toolchain
from sitegen.cachenotes import OTHER_TOOLCHAIN, damaged, discarded
from sitegen.incremental.journal import (
    BASE_KEY,
    Base,
    applied,
    base_of,
    journal_path,
    prepare,
    read_journal,
    save,
    write_prepared,
)
from sitegen.incremental.pickles import READ_ERRORS, DataUnpickler, FormerLayout, load_sealed
from sitegen.incremental.places import Places
from sitegen.search.state import STATE_SCHEMA, IndexState, state_data, state_from_data

SEARCH_FILE = "search.pickle"
# a state's save worked out but not written: the pickle of its journal (False) or of a new base (True)
PreparedState = tuple[bytes, bool]
# this record's part of the build cache's index, and its type ("edition_search", a dict, may be missing)
INDEX_PART = {"search": tuple}


@dataclass
class SearchRecord:
    digest: str = ""  # of what the source's search index was built from
    paths: tuple[str, ...] = ()  # the files of that index
    output: tuple[Any, ...] = ()  # the index itself, as OutputFiles (memory only: sitegen serve)
    state: IndexState | None = None  # the state of that index (serve), or one to save after the build
    # per edition's search folder ("zh-hant/search/"): the digest of what its index was built from, and its files
    editions: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    # the states of the editions' indexes made or updated by this build, by file name, saved after it
    edition_states: dict[str, IndexState] = field(default_factory=dict)
    # each state file's base as on disk, by file name: a save writes the journal against it
    bases: dict[str, Base] = field(default_factory=dict, repr=False)
    # the saves of states the search helper updated (`prepared_search_state`), by file name: written after the build
    prepared: dict[str, PreparedState] = field(default_factory=dict, repr=False)
    changed: bool = False  # whether the disk copy needs writing

    def record(self, digest: str, paths: tuple[str, ...]) -> None:
        if (digest, paths) != (self.digest, self.paths):
            self.digest, self.paths, self.changed = digest, paths, True

    def record_edition(self, folder: str, digest: str, paths: tuple[str, ...]) -> None:
        if self.editions.get(folder) != (digest, paths):
            self.editions[folder], self.changed = (digest, paths), True

    def save_states(self, folder: Path) -> None:
        """The states of the indexes this build made or updated, for the next build's update."""
        if self.state is not None:
            save_search_state(folder, self.state, SEARCH_FILE, self.bases)
        for name, (data, new_base) in self.prepared.items():
            folder.mkdir(parents=True, exist_ok=True)
            write_prepared(folder / name, data, new_base)
            self.bases.pop(name, None)  # the helper read it: a later save in this process writes a new base
        self.prepared.clear()  # written once: a later save has states of its own
        for name, state in self.edition_states.items():
            save_search_state(folder, state, name, self.bases)

    @classmethod
    def from_index(cls, index: dict[str, Any], places: Places) -> SearchRecord:
        """The record an index holds (checked by check_index_part)."""
        digest, paths = index["search"]
        return cls(digest=digest, paths=places.relative_paths(paths), editions=index.get("edition_search", {}))

    def index_part(self) -> dict[str, Any]:
        return {"search": (self.digest, self.paths), "edition_search": self.editions}


def check_index_part(index: dict[str, Any]) -> None:
    """Raise ValueError unless this record's part of an index is of the shape it must have: plain text, and no
    edition's path out of its folder (see OutputRecord.intact)."""
    search = index["search"]
    if len(search) != 2 or not isinstance(search[0], str) or not isinstance(search[1], tuple):
        raise ValueError("a field of the wrong type")
    data = index.get("edition_search", {})
    if not isinstance(data, dict):
        raise ValueError("edition_search: not a mapping")
    for folder, record in data.items():
        if not (isinstance(record, tuple) and len(record) == 2):
            raise ValueError("edition_search: not a record")
        digest, paths = record
        if not (isinstance(folder, str) and isinstance(digest, str) and isinstance(paths, tuple)):
            raise ValueError("edition_search: not text")
        if not all(isinstance(p, str) and p.startswith(folder) and ".." not in p.split("/") for p in paths):
            raise ValueError("edition_search: a path outside its folder")


# -- the search index's state (search.pickle) ------------------------------------------------------------------


def _search_schema() -> str:
    shape = [(name, str(kind)) for name, kind in IndexState.__annotations__.items()]
    return hashlib.sha1(f"{STATE_SCHEMA}|{toolchain.digest()}|{shape!r}".encode()).hexdigest()


def search_state_file(edition_prefix: str = "") -> str:
    """The file of a search index's state: search.pickle, or search-zh-hant.pickle for an edition's index."""
    return f"search-{edition_prefix.strip('/')}.pickle" if edition_prefix else SEARCH_FILE


def load_search_state(
    folder: Path,
    name: str = SEARCH_FILE,
    warnings: list[str] | None = None,
    bases: MutableMapping[str, Base] | None = None,
) -> IndexState | None:
    """The search index's state saved in `folder` (its base and journal), or None when there is none or it cannot be
    read (then said in `warnings`: the index is built cold). `bases`: where its base is kept, for the next save."""
    path = folder / name
    failed = path  # the file said to be damaged: the base, or its journal
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            data = load_sealed(handle, DataUnpickler)
        if type(data) is not dict or "schema" not in data:
            raise ValueError("not a search state")
        if data["schema"] != _search_schema():
            reason = OTHER_TOOLCHAIN
        else:
            if type(data.get(BASE_KEY)) is not str:
                raise ValueError("not a search state")
            failed = journal_path(path)
            journal = read_journal(failed, data[BASE_KEY], DataUnpickler)
            failed = failed if journal is not None else path
            value = applied(data, journal) if journal is not None else data
            state = state_from_data(tuple(value.get(slot) for slot in IndexState.__slots__))
            if bases is not None:
                bases[name] = base_of(data, size)
            return state
    except FileNotFoundError:
        return None
    except FormerLayout:  # written by a sitegen that sealed no search state
        reason = OTHER_TOOLCHAIN
    except READ_ERRORS as exc:  # a damaged, foreign or hostile file: the index is built cold
        reason = damaged(exc)
    if warnings is not None:
        warnings.append(discarded(str(failed), reason))
    return None


def save_search_state(
    folder: Path, state: IndexState, name: str = SEARCH_FILE, bases: MutableMapping[str, Base] | None = None
) -> None:
    """Saved as a journal against its base (`bases`, by file name), or as a new base; each written beside, then
    renamed into place: a reader sees the old state or the new one, never half of one."""
    folder.mkdir(parents=True, exist_ok=True)
    base = save(folder / name, _state_value(state), (bases or {}).get(name), pickle.Pickler)
    if bases is not None:
        bases[name] = base


def prepared_search_state(state: IndexState, name: str, bases: Mapping[str, Base]) -> PreparedState:
    """What `save_search_state` would write for `state` against its base in `bases` (as load_search_state read it),
    as plain data: the search helper works it out, the building process writes it after the build."""
    data, new_base = prepare(_state_value(state), bases.get(name), pickle.Pickler)
    return bytes(data), new_base


def _state_value(state: IndexState) -> dict[str, Any]:
    return {"schema": _search_schema(), **dict(zip(IndexState.__slots__, state_data(state), strict=True))}
