"""The page store: every rendered file of the last build, compressed, by its output path and the digest it was made
from (`.sitegen-cache/pages.sqlite`, part of the build cache).

A page whose digest is unchanged is normally left in the output as it is. When the output lost it (a fresh CI
checkout, where `public/` is empty and only `.sitegen-cache/` was restored, or a file deleted by hand) the store gives
its bytes back, so no template is rendered again. The search index's files are kept as rows of their own, with a
mark row naming the index they make up, so that an update rewrites only the files it changed. Data is compressed
with Zstandard at level 1 (zlib's fastest level took five times as long for the same size: 3 s of a cold 10,000-article
build's CPU, a sixth of what the page workers did besides rendering); the page workers compress, so less crosses
their pipes.

`sitegen check` reads the store and never writes it; builds without a disk cache use `PageStore`, which keeps
nothing (a development server keeps its pages in memory already).
"""

from __future__ import annotations

import contextlib
import operator
import os
import sqlite3
import threading
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import zstandard

from sitegen.incremental.bodies import _transaction

PAGES_FILE = "pages.sqlite"
LEVEL = 1  # Zstandard's fastest standard level: as small as zlib's fastest, five times faster
_BATCH = 2048  # rows written per transaction: bounded memory (some 12 MB), few commits
# A rowid table: its rows are appended in the order put, and only the index on `path` (some 50 bytes a row) is
# written in place. The former layout (WITHOUT ROWID) kept each page's bytes in the path's B-tree, so every put
# rewrote a leaf of the whole file at a random place: 13 s for 140,000 pages against 5 s (a 100,000-article site).
_TABLE = "CREATE TABLE pages (path TEXT PRIMARY KEY, digest TEXT NOT NULL, data BLOB NOT NULL)"
_FORMER_TABLE = f"{_TABLE} WITHOUT ROWID"  # an older sitegen's file: made anew
_CHUNK = 256  # rows read per query (SQLite allows 32,766 parameters)
_PATH = operator.itemgetter(0)  # of a row
_FEW_PATHS = 4096  # up to this many paths asked about, they are looked up; more, and every digest is read at once
_MARK = "\0"  # the path of a mark row begins with a character no output path holds


def _decompressed(blobs: list[bytes | None]) -> list[bytes | None]:
    found: list[bytes | None] = []
    for blob in blobs:
        try:
            found.append(None if blob is None else decompress(blob))
        except DAMAGED:
            found.append(None)  # a damaged row: the page is rendered again
    return found


# what reading back a damaged row raises (or a row of a store written before Zstandard: never asked for, since the
# page keys of another sitegen differ, but refused all the same)
DAMAGED = (zstandard.ZstdError,)


class _Codecs(threading.local):
    """A compressor and a decompressor per thread of each process: neither may be used by two at once (the store
    decompresses in a thread of its own, the page workers are forked)."""

    pid = -1
    compressor: zstandard.ZstdCompressor
    decompressor: zstandard.ZstdDecompressor

    def ready(self) -> _Codecs:
        if self.pid != os.getpid():
            self.pid = os.getpid()
            # each frame ends in a checksum of its bytes, checked as it is read back: a byte changed in a stored page
            # (which may still decompress) is a damaged row, rendered again, not a wrong page in the output
            self.compressor = zstandard.ZstdCompressor(level=LEVEL, write_checksum=True)
            self.decompressor = zstandard.ZstdDecompressor()
        return self


_CODECS = _Codecs()


def compress(data: bytes) -> bytes:
    """Streamed through a compressobj: the one-shot `compress` left the building process some 30 MB larger at a cold
    10,000-article build's peak (it compresses the search index's files and the feeds); the same bytes, as fast."""
    streaming = _CODECS.ready().compressor.compressobj(size=len(data))
    return streaming.compress(data) + streaming.flush()


def decompress(blob: bytes) -> bytes:
    return _CODECS.ready().decompressor.decompress(blob)


class PageStore:
    """Keeps nothing: a build without a disk cache."""

    keeps = False  # whether put() stores anything: the renderers then hand back compressed bytes

    def get(self, path: str, digest: str) -> bytes | None:
        """The stored bytes of `path` when they were made from `digest`, else None."""
        return None

    def digests(self) -> dict[str, str]:
        """The digest of every stored file, by its path."""
        return {}

    def digests_of(self, paths: list[str]) -> dict[str, str]:
        """The digests of those of `paths` that are stored (a rebuild asks about the few files it cannot keep)."""
        stored = self.digests()
        return {path: stored[path] for path in paths if path in stored}

    def read_many(self, wanted: list[tuple[str, str]]) -> Iterator[bytes | None]:
        """The stored bytes of each (path, digest) in `wanted`, in order; None where `get` would give None."""
        return (self.get(path, digest) for path, digest in wanted)

    def reader(self) -> PageStore:
        """A store to read this one from another process (a forked page worker): its own connection."""
        return self

    def get_many(self, wanted: list[tuple[str, str]]) -> list[bytes | None]:
        """`get` of each (path, digest), in one query where the store can."""
        return [self.get(path, digest) for path, digest in wanted]

    def holds(self, paths: tuple[str, ...], digest: str) -> bool:
        """Whether every one of `paths` is stored, made from `digest`."""
        stored = self.digests_of(list(paths))
        return all(stored.get(path) == digest for path in paths)

    def mark(self, name: str, digest: str) -> None:
        """Record that the files of a set (the search index) are those made from `digest` ("" while they change)."""
        self.put(_MARK + name, digest, b"")

    def marked(self, name: str) -> str | None:
        """The digest a set of files was last marked with."""
        return self.digests_of([_MARK + name]).get(_MARK + name)

    def put(self, path: str, digest: str, compressed: bytes) -> None:
        """Keep `path`'s bytes (compressed by `compress`), made from `digest`."""

    def retain(self, paths: set[str], listed_before: bool = False) -> None:
        """Forget every file but those of `paths` (the output of this build). `listed_before`: they are the very files
        of the last build's output, so no other file's row can be here but one a build that died left: harmless (rows
        are looked up by path and digest), and not looked for (135,000 rows read at 100,000 articles, 0.18 s)."""

    def flush(self) -> None:
        """Write what was put."""


class DiskPageStore(PageStore):
    """Pages in a SQLite file. With `write=False` (sitegen check) the file is only read."""

    def __init__(self, path: Path, write: bool = True) -> None:
        self.path = path
        self.write = write
        self.keeps = write
        self._connection: sqlite3.Connection | None = None
        self._opened = False
        self._pending: list[tuple[str, str, bytes]] = []
        self._failed = False  # a write failed: rows may be stale, so every row goes at the end of the build
        self._digests: dict[str, str] | None = None

    def reader(self) -> PageStore:
        return DiskPageStore(self.path, write=False)  # opened when first read, in the process that reads

    def get_many(self, wanted: list[tuple[str, str]]) -> list[bytes | None]:
        return _decompressed(self._fetch(wanted))

    def _db(self) -> sqlite3.Connection | None:
        if self._opened:
            return self._connection
        self._opened = True
        try:
            if not self.write:
                if not self.path.is_file():
                    return None
                self._connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, isolation_level=None)
                return self._connection
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._connection = self._open_for_writing()
        except (sqlite3.Error, OSError):
            self._connection = self._open_afresh() if self.write else None
        return self._connection

    def _open_for_writing(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, isolation_level=None)
        connection.execute("PRAGMA journal_mode=DELETE")  # a reader (sitegen check) then writes no file
        connection.execute("PRAGMA synchronous=OFF")  # a cache: no fsync; a damaged file is made anew
        if connection.execute("SELECT sql FROM sqlite_master WHERE name = 'pages'").fetchall() == [(_FORMER_TABLE,)]:
            connection.close()
            raise sqlite3.DatabaseError("the page store of an older sitegen")  # made anew by _open_afresh
        connection.execute(_TABLE.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS"))
        return connection

    def _open_afresh(self) -> sqlite3.Connection | None:
        """A damaged or foreign file: removed, so that this build writes a new one."""
        try:
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            return self._open_for_writing()
        except (sqlite3.Error, OSError):
            self.keeps = False
            return None

    def get(self, path: str, digest: str) -> bytes | None:
        db = self._db()
        if db is None:
            return None
        try:
            row = db.execute("SELECT data FROM pages WHERE path = ? AND digest = ?", (path, digest)).fetchone()
            return None if row is None else decompress(row[0])
        except (sqlite3.Error, *DAMAGED):
            return None  # a damaged row: the page is rendered again

    def digests(self) -> dict[str, str]:
        if self._digests is None:
            db = self._db()
            self._digests = {}
            if db is not None:
                with contextlib.suppress(sqlite3.Error):  # no table yet (read-only) or a damaged file: nothing stored
                    self._digests = dict(db.execute("SELECT path, digest FROM pages"))
        return self._digests

    def digests_of(self, paths: list[str]) -> dict[str, str]:
        if self._digests is not None or len(paths) > _FEW_PATHS:
            return super().digests_of(paths)
        db = self._db()
        found: dict[str, str] = {}
        if db is not None:
            with contextlib.suppress(sqlite3.Error):  # no table yet (read-only) or a damaged file: nothing stored
                for start in range(0, len(paths), _CHUNK):
                    chunk = paths[start : start + _CHUNK]
                    marks = ",".join("?" * len(chunk))
                    found.update(db.execute(f"SELECT path, digest FROM pages WHERE path IN ({marks})", chunk))
        return found

    def read_many(self, wanted: list[tuple[str, str]]) -> Iterator[bytes | None]:
        """Fetched a chunk per query, and decompressed in a thread (Zstandard lets go of the GIL) while the caller
        writes the files before: tens of thousands of files come back from a fresh CI checkout's store."""
        chunks = [wanted[start : start + _CHUNK] for start in range(0, len(wanted), _CHUNK)]
        with ThreadPoolExecutor(1) as pool:
            pending: deque[Future[list[bytes | None]]] = deque()
            for chunk in chunks:
                pending.append(pool.submit(_decompressed, self._fetch(chunk)))
                if len(pending) > 2:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()

    def _fetch(self, chunk: list[tuple[str, str]]) -> list[bytes | None]:
        db = self._db()
        rows: dict[str, tuple[str, bytes]] = {}
        if db is not None:
            marks = ",".join("?" * len(chunk))
            with contextlib.suppress(sqlite3.Error):  # a damaged file: those pages are rendered again
                query = f"SELECT path, digest, data FROM pages WHERE path IN ({marks})"
                rows = {path: (digest, data) for path, digest, data in db.execute(query, [p for p, _ in chunk])}
        return [rows[path][1] if rows.get(path, ("",))[0] == digest else None for path, digest in chunk]

    def put(self, path: str, digest: str, compressed: bytes) -> None:
        if not self.keeps:
            return
        self._pending.append((path, digest, compressed))
        if len(self._pending) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        self._digests = None
        db = self._db()
        if not self._pending or db is None or not self.write:
            self._pending.clear()
            return
        try:
            with _transaction(db):  # in path order: the index's pages are then written a few times each, not once a row
                db.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?, ?)", sorted(self._pending, key=_PATH))
        except sqlite3.Error:  # a full disk: those pages are rendered again next time
            self._failed = True
        self._pending.clear()

    def retain(self, paths: set[str], listed_before: bool = False) -> None:
        self.flush()
        db = self._db()
        if db is None or not self.write:
            return
        with contextlib.suppress(sqlite3.Error):  # stale rows are harmless: they are looked up by path and digest
            if self._failed:  # an older row may stand where a newer one failed to go
                db.execute("DELETE FROM pages")
                return
            if listed_before:
                return
            rows = db.execute("SELECT path FROM pages")
            stale = [(path,) for (path,) in rows if path not in paths and not path.startswith(_MARK)]
            if stale:
                with _transaction(db):
                    db.executemany("DELETE FROM pages WHERE path = ?", stale)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
        self._connection, self._opened = None, False
