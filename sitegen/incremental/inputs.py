"""Which input files changed since the last build, told from the up-to-date scan (sitegen.incremental.uptodate).

The up-to-date check stats every input of the site anyway. Its entries (one line of stats per file) are kept beside
the record, so that the next build, when it has to run, can tell which files changed since the last complete build:
those whose line is new or gone, and those whose time stamp was too close to that scan to be trusted ("racy"). The
pipeline turns them into the sources to look at again (incremental.edits.source_edits, as sitegen serve does with
its watcher's paths): after an edit of one article, the other sources are neither stat'ed again, nor hashed, nor
checked for their pictures.

The file is data, never trusted: it is read without classes, and only when the digest of its entries is the one
the record names (the record is written after the build it describes, and removed before a build starts).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from pathlib import Path

from sitegen.incremental.pickles import READ_ERRORS, DataUnpickler
from sitegen.incremental.uptodate import Scan

INPUTS_FILE = "up-to-date-inputs.pickle"
FORMAT = 1
# more changed files than this at once (a checkout, a folder copied in): not worth telling apart
MOST_CHANGED = 64


def save_inputs(folder: Path, scan: Scan) -> None:
    """Keep the scan's entries for the next build (beside the record that names their digest)."""
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{INPUTS_FILE}.{os.getpid()}"
    data = {"format": FORMAT, "digest": scan.digest, "entries": list(scan.entries), "racy": list(scan.racy)}
    try:
        with temporary.open("wb") as handle:
            pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, folder / INPUTS_FILE)
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()


def load_inputs(folder: Path, digest: str) -> Scan | None:
    """The kept scan whose entries have `digest` (the record's); None when there is none, or it is another scan's,
    damaged or of another format: then every source is looked at, as without it."""
    try:
        with (folder / INPUTS_FILE).open("rb") as handle:
            data = DataUnpickler(handle).load()
        entries, racy = data["entries"], data["racy"]
        if data["format"] != FORMAT or data["digest"] != digest:
            return None
        if not all(type(line) is str for line in (*entries, *racy)):
            return None
        check = hashlib.sha1()
        for line in entries:
            check.update(line.encode("utf-8", "surrogateescape"))
        if check.hexdigest() != digest:
            return None
        return Scan(digest, 0, 0, tuple(entries), tuple(racy))
    except (*READ_ERRORS, UnicodeError):
        return None


def changed_inputs(before: Scan, now: Scan) -> list[Path] | None:
    """The files (absolute paths) added, removed or changed between two scans, and those that were racy at the
    first; folders are left out (an entry that came or went inside one is listed itself). None when there are more
    than MOST_CHANGED."""
    if len(before.racy) > MOST_CHANGED:
        return None
    paths: set[str] = set(before.racy)
    for line in set(before.entries).symmetric_difference(now.entries):
        path, _, rest = line.partition("\0")
        if not rest.startswith("dir\0"):
            paths.add(path)
        if len(paths) > MOST_CHANGED:
            return None
    return [Path(path) for path in sorted(paths)]
