"""Where a build's files go, and what that lets it reuse: one object per mode, chosen once where the pipeline starts.

  OutputFolder  `sitegen build`: into an output folder. A page, search file or copy is kept when the output holds it
                as the last build left it; the page store (read and written, with the disk cache) gives back what the
                output lost and keeps this build's pages and search files; the search indexes' states are saved.
  ServeMemory   `sitegen serve`: into memory. A page comes from serve's memory, by its digest, or (in serve's first
                build) from the page store a `sitegen build` left, read only; the pages and the source's search index
                (its files and state) stay in memory for the next build. An edition's index is made anew.
  NoOutput      `sitegen check` (and a build in memory without serve's cache): nowhere. Every page is rendered, every
                search index built cold, nothing kept for another build.

The page plan (pageplan.py), the search files (searchfiles.py) and the copies (pipeline.py) ask these questions;
none of them asks which mode it is in.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from sitegen.build.outputcheck import HELPER_FILES, OutputCheck
from sitegen.incremental.cache import BuildCache
from sitegen.incremental.pages import PAGES_FILE, DiskPageStore, PageStore
from sitegen.incremental.searchrecord import SEARCH_FILE, PreparedState, load_search_state
from sitegen.model import OutputFile
from sitegen.search.index import IndexState, Previous


def _none(path: str) -> bytes | None:
    return None


@dataclass(frozen=True)
class LastIndex:
    """The search index the last build left where this build's goes: what an update starts from."""

    state: IndexState | None = None  # None: there is none (or none this destination may use): built cold
    files: Previous = _none  # its files' bytes, by path inside the index's folder (None: not there)
    where: str = ""  # where its state was kept, named when it cannot be used
    # whether its files are in the output folder: those an update leaves as they were then stay there (and the ones
    # the output lacks are made again); else their bytes are handed on from `files`
    in_output: bool = False

    def file(self, folder: str, path: str, data: bytes | None) -> OutputFile:
        """A file of the updated index under `folder`; `data` None: the last index's, as it was."""
        if data is not None or self.in_output:
            return OutputFile(folder + path, data, unchanged=data is None)
        kept = self.files(path)
        if kept is None:  # an update leaves as it was only a file the last index had
            raise KeyError(f"{folder}{path}: not in the last search index")
        return OutputFile(folder + path, kept)


class Destination:
    """The answers of a build that goes nowhere (NoOutput's): nothing held, nothing read back, nothing kept."""

    def __init__(self, source: PageStore | None = None, store: PageStore | None = None) -> None:
        # where a page the output lacks may be read back from, by its path and digest (only read)
        self.source = source if source is not None else PageStore()
        # where this build's pages and search files are kept for the next build (read and written)
        self.store = store if store is not None else PageStore()

    def page_kept(self, path: str, digest: str) -> bool:
        """Whether the output holds the page at `path` as the last build left it, made from `digest`."""
        return False

    def pages_kept(self, paths: Sequence[str], digests: Sequence[str]) -> list[bool]:
        """`page_kept` of each page, told in bulk (a plan asks it of every page of the site)."""
        return [self.page_kept(path, digest) for path, digest in zip(paths, digests, strict=True)]

    def files_kept(self, paths: Iterable[str]) -> bool:
        """Whether the output holds every one of `paths` as the last build left it."""
        return False

    def copy_kept(self, path: str, source: Path) -> bool:
        """Whether the output's copy of `source` at `path` is as the last build left it, and `source` as it was."""
        return False

    def page_in_memory(self, digest: str) -> bytes | None:
        """The bytes of a page made from `digest` that this destination holds from its last build."""
        return None

    def held_in_memory(self, digests: Sequence[str]) -> list[bool]:
        """Whether `page_in_memory` holds each page, told in bulk."""
        return [False] * len(digests)

    def remember_page(self, digest: str, data: bytes) -> None:
        """A page of this build, read back or rendered: held for the next build where the destination is memory."""

    def record_pages(self, digests: list[str]) -> None:
        """Once the plan's pages are handed on: what the destination keeps of them (their digests, in plan order)."""

    def search_in_memory(self, digest: str) -> tuple[OutputFile, ...] | None:
        """The source's search index held from the last build, when it was made from `digest`."""
        return None

    def last_index(self, folder: str, state_file: str, warnings: list[str] | None = None) -> LastIndex:
        """The search index under `folder` (its state saved as `state_file`) that this build may update; an unreadable
        state is said in `warnings`, when given."""
        return LastIndex()

    def keep_index_state(self, state_file: str, state: IndexState) -> None:
        """The state of the index this build made, kept for the next build's update."""

    def helper_paths(self, folder: str, state_file: str) -> tuple[Path, Path] | None:
        """Where a search helper (incremental/searchhelper.py) finds the index under `folder`: its saved state and
        the last output's folder of it; None: no state on disk to update there."""
        return None

    def keep_prepared_state(self, state_file: str, prepared: PreparedState) -> None:
        """The save of the state of an index the search helper updated: written after the build, as
        `keep_index_state`'s state would be."""

    def keep_search_files(self, files: Iterable[OutputFile]) -> Iterator[OutputFile]:
        """The source's search index files, handed on as they come; memory keeps them for the next build."""
        yield from files


class NoOutput(Destination):
    """`sitegen check`: every page rendered (so that every template error is found), nothing kept."""


class OutputFolder(Destination):
    """`sitegen build` into `folder`. `states`: the cache folder holding the search indexes' states (None: the disk
    cache is off, and every index is built cold)."""

    def __init__(self, folder: Path, cache: BuildCache, store: PageStore, states: Path | None) -> None:
        super().__init__(source=store, store=store)
        self.folder, self.cache, self.states = folder, cache, states
        self._check: OutputCheck | None = None

    @classmethod
    def open(cls, folder: Path, cache: BuildCache, cache_folder: Path, disk_cache: bool) -> OutputFolder:
        """With the disk cache: the page store of `cache_folder`, read and written, and the indexes' states there;
        without it, a store that keeps nothing and no state. A large output's files are checked against their
        record from now on, in a helper process (outputcheck.py); `close` ends it."""
        if not disk_cache:
            return cls(folder, cache, PageStore(), states=None)
        opened = cls(folder, cache, DiskPageStore(cache_folder / PAGES_FILE), cache_folder)
        if len(cache.outputs.stats) >= HELPER_FILES and opened._present:
            opened._check = OutputCheck(folder, cache.outputs.stats)
        return opened

    def close(self) -> None:
        if self._check is not None:
            self._check.close()

    def page_kept(self, path: str, digest: str) -> bool:
        return self.cache.pages.digests.get(path) == digest and self._intact(path)

    def pages_kept(self, paths: Sequence[str], digests: Sequence[str]) -> list[bool]:
        # the record's digest compared in C; only the pages made from the same digest are looked up in the output
        same = list(map(operator.eq, map(self.cache.pages.digests.get, paths), digests))
        if self._check is None:
            return [kept and self._intact(path) for path, kept in zip(paths, same, strict=True)]
        return self._check.intact_where(paths, same)

    def files_kept(self, paths: Iterable[str]) -> bool:
        return all(self._intact(path) for path in paths)

    def copy_kept(self, path: str, source: Path) -> bool:
        return self.cache.copies.unchanged(path, source) and self._intact(path)

    def _intact(self, path: str) -> bool:
        if self._check is not None:
            return self._check.intact(path)
        return self._present and self.cache.outputs.intact(self.folder, path)

    @functools.cached_property
    def _present(self) -> bool:
        """Whether there is an output to keep files of: a CI checkout's is absent (its cache restored, its record
        naming every file), and then no file is looked for. Asked once: only this build writes the output, and
        it commits after the last file is planned."""
        return self.folder.is_dir()

    def last_index(self, folder: str, state_file: str, warnings: list[str] | None = None) -> LastIndex:
        if self.states is None:
            return LastIndex()
        state = load_search_state(self.states, state_file, warnings, self.cache.search.bases)
        return LastIndex(state, _on_disk(self.folder / folder), str(self.states / state_file), in_output=True)

    def keep_index_state(self, state_file: str, state: IndexState) -> None:
        if self.states is None:
            return
        if state_file == SEARCH_FILE:
            self.cache.search.state = state  # saved once the output is written
        else:
            self.cache.search.edition_states[state_file] = state

    def helper_paths(self, folder: str, state_file: str) -> tuple[Path, Path] | None:
        if self.states is None or not (self.states / state_file).is_file():
            return None
        return self.states / state_file, self.folder / folder

    def keep_prepared_state(self, state_file: str, prepared: PreparedState) -> None:
        if self.states is not None:
            self.cache.search.prepared[state_file] = prepared


class ServeMemory(Destination):
    """`sitegen serve`: `memory` is the cache it keeps across builds; `source` the page store its first build reads
    (read only; later builds find their pages in memory)."""

    def __init__(self, memory: BuildCache, source: PageStore) -> None:
        super().__init__(source=source)
        self.memory = memory

    @classmethod
    def open(cls, memory: BuildCache, cache_folder: Path, disk_cache: bool) -> ServeMemory:
        """Serve's first build (no page in memory yet) reads the page store a `sitegen build` left in `cache_folder`,
        read only; later builds find their pages in memory."""
        first = disk_cache and not memory.pages.in_memory
        return cls(memory, DiskPageStore(cache_folder / PAGES_FILE, write=False) if first else PageStore())

    def page_in_memory(self, digest: str) -> bytes | None:
        return self.memory.pages.in_memory.get(digest)

    def held_in_memory(self, digests: Sequence[str]) -> list[bool]:
        held = self.memory.pages.in_memory
        return [digest in held for digest in digests]

    def remember_page(self, digest: str, data: bytes) -> None:
        self.memory.pages.in_memory[digest] = data

    def record_pages(self, digests: list[str]) -> None:
        self.memory.pages.retain_in_memory(digests)  # one build's pages, not every version ever rendered

    def search_in_memory(self, digest: str) -> tuple[OutputFile, ...] | None:
        search = self.memory.search
        return search.output if digest == search.digest and search.output else None

    def last_index(self, folder: str, state_file: str, warnings: list[str] | None = None) -> LastIndex:
        if state_file != SEARCH_FILE:
            return LastIndex()  # an edition's index is made anew
        kept = {file.path: file.data for file in self.memory.search.output}
        return LastIndex(self.memory.search.state, _in_memory(kept, folder), "memory")

    def keep_index_state(self, state_file: str, state: IndexState) -> None:
        if state_file == SEARCH_FILE:
            self.memory.search.state = state  # the state of memory.search.output

    def keep_search_files(self, files: Iterable[OutputFile]) -> Iterator[OutputFile]:
        kept: list[OutputFile] = []
        for file in files:
            kept.append(file)
            yield file
        self.memory.search.output = tuple(kept)


def _in_memory(files: dict[str, bytes | None], folder: str) -> Previous:
    def previous(path: str) -> bytes | None:
        return files.get(folder + path)

    return previous


def _on_disk(folder: Path) -> Previous:
    def previous(path: str) -> bytes | None:
        try:
            return (folder / path).read_bytes()
        except OSError:
            return None

    return previous
