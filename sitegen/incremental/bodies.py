"""Where article bodies live between rendering their Markdown and rendering their pages: one at a time, never all
of them in memory (at 10,000 articles their HTML and search text alone weigh about 100 MB as Python strings).

A build puts each body as its worker hands it back and takes it again for the article's page, its feed entry and
its search document. `sitegen build` keeps them in SQLite (`.sitegen-cache/bodies.sqlite`, part of the build
cache), keyed by the article's fingerprint, so a rebuild reuses them; `sitegen serve` and builds without a cache
keep them in a dict. SQLite (the standard library's) reads a row by key in microseconds from any process.

The file is data, never trusted: it must be a regular file (not a link to elsewhere) holding the one table this
module makes and nothing else (no trigger, no view), each row two texts. A file that is not, or a row that cannot be
read, is a warning naming the file; the file is made anew (or the row's article rendered again) in the same build.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
import stat
import threading
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar, cast
from urllib.parse import quote

from sitegen.cachenotes import damaged, discarded, dropped, outside
from sitegen.model import Body

BODIES_FILE = "bodies.sqlite"
_BATCH = 1024  # rows written per statement: bounded memory, few round trips
# `checksum` of html and search: SQLite notices a damaged page, not a changed byte inside a text; this does
# A rowid table: rows are appended in the order they are put, and only the small index of keys takes them in random
# (fingerprint) order. Keyed by the fingerprint itself (WITHOUT ROWID, the former layout), each put landed in a random
# leaf of a tree of 10 KB rows: 30 to 40 page reads and 26 KB written (the rollback journal) per body, growing with the
# site (0.5 GB at 40,000 articles), where a rowid table reads none and writes 14 KB.
_TABLE = "CREATE TABLE bodies (key TEXT PRIMARY KEY, html TEXT NOT NULL, search TEXT NOT NULL, checksum TEXT NOT NULL)"
_FORMER_TABLE = f"{_TABLE} WITHOUT ROWID"  # an older sitegen's file: made anew, without a warning


class BodyStore:
    """Bodies by key, in memory. Subclassed for the disk; `sitegen check` reads the disk and writes here."""

    def __init__(self) -> None:
        self._bodies: dict[str, Body] = {}

    def get(self, key: str) -> Body:
        return self._bodies[key]

    def reader(self) -> BodyStore:
        """A store a forked worker reads this one's bodies from, writing nothing: this one (the fork inherits it)."""
        return self

    def put(self, key: str, body: Body) -> None:
        self._bodies[key] = body

    def get_many(self, keys: list[str]) -> dict[str, Body]:
        """The bodies of `keys` by key (KeyError when one is missing): one query per thousand, not one each."""
        return {key: self.get(key) for key in keys}

    def keys(self) -> set[str]:
        return set(self._bodies)

    def unreadable(self, keys: list[str]) -> list[str]:
        """Those of `keys` whose bodies cannot be read back (`get` then says why)."""
        return [key for key in keys if key not in self._bodies]

    def ensure(self, keys: list[str], read: Callable[[str], object]) -> None:
        """Before page workers fork: each of `keys` that cannot be read back is read through `read` (made again here,
        and said once), the others asked in bulk."""
        for key in self.unreadable(keys):
            read(key)
        self.flush()

    def has(self, key: str) -> bool:
        """Whether a body of `key` is stored: one lookup, for a few keys (`keys` lists them all)."""
        return key in self._bodies

    def retain(self, keys: set[str]) -> None:
        """Forget every body but those of `keys` (the articles of the last build)."""
        for key in self._bodies.keys() - keys:
            del self._bodies[key]

    def flush(self) -> None:
        """Make every body put so far readable from other processes."""

    def clear(self) -> None:
        self._bodies.clear()


_Method = TypeVar("_Method", bound=Callable[..., Any])


def _locked(method: _Method) -> _Method:
    @functools.wraps(method)
    def locked(self: DiskBodyStore, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)

    return cast("_Method", locked)


class DiskBodyStore(BodyStore):
    """Bodies in a SQLite file. With `write=False` (sitegen check) the file is only read; new bodies stay in memory."""

    def __init__(self, path: Path, write: bool = True, warnings: list[str] | None = None) -> None:
        super().__init__()
        self.path = path
        self.write = write
        self.warnings = warnings if warnings is not None else []  # what was wrong with the file, said once each
        self._connection: sqlite3.Connection | None = None
        self._pid = 0
        self._pending: list[tuple[str, str, str, str]] = []
        self._usable = True  # False when the file cannot be opened or read: every body is then rendered again
        self._removed = False
        self._written: set[str] = set()  # keys whose rows this process wrote: read back as written
        # sitegen serve reads bodies from its request threads while a rebuild reads and puts: one query at a time
        self._lock = threading.RLock()

    def _db(self) -> sqlite3.Connection | None:
        if not self._usable:
            return None
        if self._connection is None or self._pid != os.getpid():  # a forked worker needs a connection of its own
            forked = self._connection is not None
            try:
                connection = self._connect(checked=forked)
            except (sqlite3.Error, OSError) as exc:
                return self._give_up(discarded(str(self.path), damaged(exc)))
            except _Foreign as exc:
                return self._give_up(discarded(str(self.path), str(exc)))
            except _FormerLayout:  # bodies an older sitegen rendered: of no use to this one
                if self.write and self._start_afresh():
                    return self._db()
                self._usable = False
                return None
            if connection is None:
                self._usable = False
                return None
            self._connection, self._pid = connection, os.getpid()
        return self._connection

    def _connect(self, checked: bool) -> sqlite3.Connection | None:
        """A connection to the file, once it is known to be a regular file holding our table alone (`checked`: the
        parent process checked it already). None when reading and there is no file."""
        try:
            info = os.lstat(self.path)
        except FileNotFoundError:
            if not self.write:
                return None
        else:
            if not stat.S_ISREG(info.st_mode):
                raise _Foreign(outside(f"{self.path} is not a regular file"))
        if self.write:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        # quoted: a site folder named with ?, # or % would otherwise put the database elsewhere
        uri = f"file:{quote(str(self.path.absolute()))}{'' if self.write else '?mode=ro'}"
        connection = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        try:
            if not checked:
                self._check_schema(connection)
            if self.write:
                # a rollback journal, not WAL: a reader (sitegen check, the page workers) then writes no file
                connection.execute("PRAGMA journal_mode=DELETE")
                connection.execute("PRAGMA synchronous=OFF")  # a cache: no fsync; a damaged file is made anew
                connection.execute(_TABLE.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS"))
        except BaseException:
            connection.close()
            raise
        return connection

    @staticmethod
    def _check_schema(connection: sqlite3.Connection) -> None:
        """Our table and nothing else: a trigger or view in a restored file could act on our statements."""
        found = connection.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
        if found == [("table", "bodies", _FORMER_TABLE)]:
            raise _FormerLayout
        if found and found != [("table", "bodies", _TABLE)] and not _is_autoindex(found):
            raise _Foreign(damaged(f"unexpected schema: {[row[:2] for row in found]}"))

    def _give_up(self, warning: str) -> sqlite3.Connection | None:
        """Say what is wrong with the file; when writing, remove it (once) so that this build makes it anew."""
        if self._connection is not None and self._pid == os.getpid():
            self._connection.close()
        self._connection = None
        if warning not in self.warnings:
            self.warnings.append(warning)
        if self.write and self._start_afresh():
            return self._db()
        self._usable = False
        return None

    def _start_afresh(self) -> bool:
        """Remove a damaged or foreign file (once), so that this build writes a new one."""
        if self._removed:
            return False
        self._removed = True
        self._written.clear()  # the rows this process wrote go with the file
        try:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        except OSError:
            return False
        return True

    def reader(self) -> BodyStore:
        """What was put, written; then a store that only reads the file (a worker's own connection, opened there):
        one that could not read a body never removes the file to make it anew, as a writing store does."""
        if not self.write:
            return self  # never removes the file; its bodies kept in memory are inherited
        self.flush()
        return DiskBodyStore(self.path, write=False)

    @_locked
    def get(self, key: str) -> Body:
        """The body of `key`; KeyError when there is none or its row cannot be read (said in `warnings`)."""
        if key in self._bodies:
            return self._bodies[key]
        db = self._db()
        row = None
        if db is not None:
            try:
                row = db.execute("SELECT html, search, checksum FROM bodies WHERE key = ?", (key,)).fetchone()
            except sqlite3.Error as exc:  # a damaged page of the file: this row is lost, the others may be fine
                self.warnings.append(dropped(str(self.path), damaged(exc)))
                row = None
            if row is not None and not _intact(*row):
                self.warnings.append(dropped(str(self.path), damaged(f"the row of {key} does not match its checksum")))
                row = None
        if row is None:
            raise KeyError(key)
        return Body(row[0], row[1])

    @_locked
    def get_many(self, keys: list[str]) -> dict[str, Body]:
        self.flush()  # bodies put but not yet written are read back like the others
        found = {key: self._bodies[key] for key in keys if key in self._bodies}
        wanted = [key for key in keys if key not in found]
        db = self._db()
        if db is not None:  # a row failing its checksum is left out: the KeyError below (`get` then says which)
            found.update((key, Body(html, search)) for key, html, search in _intact_rows(db, wanted))
        missing = [key for key in keys if key not in found]
        if missing:
            raise KeyError(missing[0])
        return found

    @_locked
    def unreadable(self, keys: list[str]) -> list[str]:
        """Those of `keys` with no row or one failing its checksum, one query per thousand keys (one each took 5 s of
        a cold 100,000-article build before its workers forked); a body this process wrote or holds is readable."""
        self.flush()
        todo = [key for key in keys if key not in self._bodies and key not in self._written]
        db = self._db()
        readable = {key for key, _, _ in _intact_rows(db, todo)} if db is not None else set()
        return [key for key in todo if key not in readable]

    @_locked
    def put(self, key: str, body: Body) -> None:
        if not self.write or self._db() is None:
            super().put(key, body)
            return
        html = str(body.html)
        self._pending.append((key, html, body.search_text, _checksum(html, body.search_text)))
        if len(self._pending) >= _BATCH:
            self.flush()

    @_locked
    def flush(self) -> None:
        db = self._db()
        if not self._pending or db is None:
            return
        try:
            with _transaction(db):
                db.executemany("INSERT OR REPLACE INTO bodies VALUES (?, ?, ?, ?)", self._pending)
            self._written.update(row[0] for row in self._pending)
        except sqlite3.Error as exc:  # a full disk or a damaged file: keep them in memory instead
            # a damaged page under a row replaced here would fail every later put of it: the file is made anew
            # (once), its other rows then rendered again as missing ones
            if _corrupt(exc) and self._give_up(discarded(str(self.path), damaged(exc))) is not None:
                self.flush()
                return
            self.warnings.append(dropped(str(self.path), damaged(exc)))
            self._bodies.update((key, Body(html, search)) for key, html, search, _ in self._pending)
        self._pending.clear()

    @_locked
    def keys(self) -> set[str]:
        db = self._db()
        found = set(self._bodies)
        if db is not None:
            try:
                found.update(key for (key,) in db.execute("SELECT key FROM bodies") if type(key) is str)
            except sqlite3.Error as exc:  # no table (read-only, never written) or a damaged file: nothing is reused
                if self.path.is_file():
                    self._give_up(discarded(str(self.path), damaged(exc)))
                found = set(self._bodies)
        return found | {row[0] for row in self._pending}

    @_locked
    def has(self, key: str) -> bool:
        if key in self._bodies or any(row[0] == key for row in self._pending):
            return True
        db = self._db()
        if db is None:
            return False
        try:
            return db.execute("SELECT 1 FROM bodies WHERE key = ?", (key,)).fetchone() is not None
        except sqlite3.Error:  # as if it were not stored: the article is rendered again (and the store says why)
            return False

    @_locked
    def retain(self, keys: set[str]) -> None:
        super().retain(keys)
        self._written &= keys
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

    @_locked
    def clear(self) -> None:
        super().clear()
        self._pending.clear()
        self._written.clear()
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


class _Foreign(Exception):
    """The file is not a body store of ours: its text is the reason, for the warning."""


class _FormerLayout(Exception):
    """The file is a body store of an older sitegen's layout."""


def _is_autoindex(found: list[tuple[str, str, str | None]]) -> bool:
    """Our table with the automatic index SQLite makes for its primary key (and nothing else)."""
    tables = [row for row in found if row[0] == "table"]
    others = [row for row in found if row[0] != "table"]
    return tables == [("table", "bodies", _TABLE)] and all(
        row[0] == "index" and row[1].startswith("sqlite_autoindex_bodies") and row[2] is None for row in others
    )


def _corrupt(exc: sqlite3.Error) -> bool:
    """Whether SQLite says the file is damaged (not full, not locked)."""
    return getattr(exc, "sqlite_errorcode", None) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def _intact_rows(db: sqlite3.Connection, keys: list[str]) -> Iterator[tuple[str, str, str]]:
    """(key, html, search) of the rows of `keys` that pass `_intact`, a query per thousand keys; none after a database
    error (the others are then asked one by one: `get` says what is wrong)."""
    for start in range(0, len(keys), _BATCH):
        chunk = keys[start : start + _BATCH]
        query = f"SELECT key, html, search, checksum FROM bodies WHERE key IN ({','.join('?' * len(chunk))})"
        try:
            rows = db.execute(query, chunk).fetchall()
        except sqlite3.Error:
            return
        yield from ((key, html, search) for key, html, search, checksum in rows if _intact(html, search, checksum))


def _intact(html: object, search: object, checksum: object) -> bool:
    """Whether a row read back holds two texts that match their checksum."""
    return type(html) is str and type(search) is str and checksum == _checksum(html, search)


def _checksum(html: str, search: str) -> str:
    """CRC-32 of both texts, as the cache's pickles are sealed (pickles.py): it tells a changed byte, which is all a
    cache needs (nothing here is a secret), at about 40 µs a 46 KB body where BLAKE2b took 80 to 100 (some 20 of
    either are the encoding), put and read back once per article of a cold build."""
    crc = zlib.crc32(html.encode("utf-8", "surrogatepass") + b"\0")
    return f"{zlib.crc32(search.encode('utf-8', 'surrogatepass'), crc):08x}"
