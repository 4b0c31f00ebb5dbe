"""Where article bodies live between rendering their Markdown and rendering their pages: one at a time, never all
of them in memory (at 10,000 articles their HTML and search text alone weigh about 100 MB as Python strings).

A build puts each body as its worker hands it back and takes it again for the article's page, its feed entry and
its search document. `sitegen build` keeps them in SQLite (`.sitegen-cache/bodies.sqlite`, part of the build
cache), keyed by the article's fingerprint, so a rebuild reuses them; `sitegen serve` and builds without a cache
keep them in a dict. SQLite is the standard library's, and it reads one row by key in microseconds from any
process: the forked page workers open their own connection.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sitegen.model import Body

BODIES_FILE = "bodies.sqlite"
_BATCH = 1024  # rows written per statement: bounded memory, few round trips


class BodyStore:
    """Bodies by key, in memory. Subclassed for the disk; `sitegen check` reads the disk and writes here."""

    def __init__(self) -> None:
        self._bodies: dict[str, Body] = {}

    def get(self, key: str) -> Body:
        return self._bodies[key]

    def put(self, key: str, body: Body) -> None:
        self._bodies[key] = body

    def get_many(self, keys: list[str]) -> dict[str, Body]:
        """The bodies of `keys` by key (KeyError when one is missing): one query per thousand, not one each."""
        return {key: self.get(key) for key in keys}

    def keys(self) -> set[str]:
        return set(self._bodies)

    def retain(self, keys: set[str]) -> None:
        """Forget every body but those of `keys` (the articles of the last build)."""
        for key in self._bodies.keys() - keys:
            del self._bodies[key]

    def flush(self) -> None:
        """Make every body put so far readable from other processes."""

    def clear(self) -> None:
        self._bodies.clear()


class DiskBodyStore(BodyStore):
    """Bodies in a SQLite file. With `write=False` (sitegen check) the file is only read; new bodies stay in memory."""

    def __init__(self, path: Path, write: bool = True) -> None:
        super().__init__()
        self.path = path
        self.write = write
        self._connection: sqlite3.Connection | None = None
        self._pid = 0
        self._pending: list[tuple[str, str, str]] = []
        self._usable = True  # False when the file cannot be opened or read: every body is then rendered again
        self._removed = False

    def _db(self) -> sqlite3.Connection | None:
        if not self._usable:
            return None
        if self._connection is None or self._pid != os.getpid():  # a forked worker needs a connection of its own
            try:
                if not self.write and not self.path.is_file():
                    return None
                if self.write:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                    uri = f"file:{self.path}"
                else:
                    uri = f"file:{self.path}?mode=ro"
                connection = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
                if self.write:
                    # a rollback journal, not WAL: a reader (sitegen check, the page workers) then writes no file
                    connection.execute("PRAGMA journal_mode=DELETE")
                    connection.execute("PRAGMA synchronous=OFF")  # a cache: no fsync; a damaged file is made anew
                    connection.execute(
                        "CREATE TABLE IF NOT EXISTS bodies (key TEXT PRIMARY KEY, html TEXT NOT NULL,"
                        " search TEXT NOT NULL) WITHOUT ROWID"
                    )
            except (sqlite3.Error, OSError):
                if self.write and self._start_afresh():
                    return self._db()
                self._usable = False
                return None
            self._connection, self._pid = connection, os.getpid()
        return self._connection

    def _start_afresh(self) -> bool:
        """Remove a damaged or foreign file (once), so that this build writes a new one."""
        if self._removed:
            return False
        self._removed = True
        try:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        except OSError:
            return False
        return True

    def get(self, key: str) -> Body:
        if key in self._bodies:
            return self._bodies[key]
        db = self._db()
        row = None
        if db is not None:
            try:
                row = db.execute("SELECT html, search FROM bodies WHERE key = ?", (key,)).fetchone()
            except sqlite3.Error:
                row = None
        if row is None:
            raise KeyError(key)
        return Body(row[0], row[1])

    def get_many(self, keys: list[str]) -> dict[str, Body]:
        self.flush()  # bodies put but not yet written are read back like the others
        found = {key: self._bodies[key] for key in keys if key in self._bodies}
        wanted = [key for key in keys if key not in found]
        db = self._db()
        if db is not None:
            for start in range(0, len(wanted), _BATCH):
                chunk = wanted[start : start + _BATCH]
                marks = ",".join("?" * len(chunk))
                try:
                    rows = db.execute(f"SELECT key, html, search FROM bodies WHERE key IN ({marks})", chunk)
                    found.update((key, Body(html, search)) for key, html, search in rows)
                except sqlite3.Error:
                    break
        missing = [key for key in keys if key not in found]
        if missing:
            raise KeyError(missing[0])
        return found

    def put(self, key: str, body: Body) -> None:
        if not self.write or self._db() is None:
            super().put(key, body)
            return
        self._pending.append((key, str(body.html), body.search_text))
        if len(self._pending) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        db = self._db()
        if not self._pending or db is None:
            return
        try:
            with _transaction(db):
                db.executemany("INSERT OR REPLACE INTO bodies VALUES (?, ?, ?)", self._pending)
        except sqlite3.Error:  # a full disk or a damaged file: keep them in memory instead
            self._bodies.update((key, Body(html, search)) for key, html, search in self._pending)
        self._pending.clear()

    def keys(self) -> set[str]:
        db = self._db()
        found = set(self._bodies)
        if db is not None:
            # no table (read-only and never written) or a damaged file: nothing is reused
            with contextlib.suppress(sqlite3.Error):
                found.update(key for (key,) in db.execute("SELECT key FROM bodies"))
        return found | {key for key, _, _ in self._pending}

    def retain(self, keys: set[str]) -> None:
        super().retain(keys)
        self.flush()
        db = self._db()
        if db is None or not self.write:
            return
        try:
            stale = [(key,) for (key,) in db.execute("SELECT key FROM bodies") if key not in keys]
            if stale:
                with _transaction(db):
                    db.executemany("DELETE FROM bodies WHERE key = ?", stale)
        except sqlite3.Error:
            pass  # stale rows are harmless: they are looked up by key only

    def clear(self) -> None:
        super().clear()
        self._pending.clear()
        db = self._db()
        if db is not None and self.write:
            with contextlib.suppress(sqlite3.Error):
                db.execute("DELETE FROM bodies")

    def close(self) -> None:
        if self._connection is not None and self._pid == os.getpid():
            self._connection.close()
        self._connection = None


@contextlib.contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    """BEGIN ... COMMIT around a block, ROLLBACK when it raises (the connection runs in autocommit mode)."""
    db.execute("BEGIN")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
