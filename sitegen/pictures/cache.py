"""The disk cache of processed pictures: an unchanged picture is never processed twice, across builds.

Each picture is keyed by the SHA-256 of its bytes with the processing parameters and Pillow's version (so an
edited picture, new parameters or another Pillow get a new entry). `<folder>/<key[:2]>/<key>/` holds the variants
and `meta.json`; an entry is written in a temporary folder and renamed into place, so a reader sees a whole entry
or none. `keys.json` remembers the SHA-256 of each picture file by its size and modification time, so that a
rebuild need not read unchanged pictures (a file changed within two seconds of a build is read again next time, as
git does with "racy" stats). The folder is safe to delete at any time (the next build processes every picture
again) and fine to keep between CI runs.

The folder is data, never trusted: a variant named in `meta.json` must be a plain file name of the expected form,
inside its entry, a regular file (not a link) of the size and, once its time stamp moved, the SHA-256 recorded when
it was made. An entry that fails is a warning naming the file; it is removed and made again in the same build.
Entries no build has used for `keep_builds` builds are removed (see sitegen.pictures.usage).

This module writes the cache (and `usage`, which removes what no build used for a while); the built site is written
by `output` alone.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG
from typing import cast

from sitegen import toolchain
from sitegen.cachenotes import changed, damaged, discarded, dropped, outside
from sitegen.pictures import usage
from sitegen.pictures import variants as processing
from sitegen.pictures.variants import EXTENSION, PARAMETERS, SETTINGS, ProcessedImage, UnreadablePicture, process
from sitegen.stamps import RACY_NANOSECONDS, stamp

META = "meta.json"
KEYS = "keys.json"
MAX_WORKERS = 8  # each holds a decoded picture in memory: a 24-megapixel photo is about 70 MB
_VARIANT_FILE = re.compile(r"(size|thumb|original)-[0-9]{1,5}x[0-9]{1,5}\.(webp|jpg|png)")
_DIGEST = re.compile(r"[0-9a-f]{64}")
_FORMATS = frozenset(EXTENSION)
_KINDS = frozenset({"size", "thumb", "original"})


@dataclass(frozen=True, slots=True)
class StoredVariant:
    kind: str  # "size", "thumb" or "original" (the picture without its metadata: published in its place)
    width: int
    height: int
    format: str  # "webp", "jpeg" or "png"
    file: Path  # in the cache


@dataclass(frozen=True, slots=True)
class StoredImage:
    name: str  # 8 hex digits for the variants' file names, from the picture's bytes and SETTINGS
    width: int | None
    height: int | None
    variants: tuple[StoredVariant, ...] = ()


class ImageStore:
    """Processed pictures by file, for one build: from memory, else from the cache folder, else from Pillow.

    `processed` counts the pictures Pillow had to decode in this build, `reused` the ones found in the cache.
    With `write=False` (sitegen check) nothing is written: a picture not in the cache is only decoded, to check it,
    and gets no variants. With `reuse=False` (a cold build) nothing is read: every picture is processed again.
    """

    def __init__(self, folder: Path, write: bool = True, reuse: bool = True) -> None:
        self.folder = folder
        self.write = write
        self.reuse = reuse
        self.processed = 0
        self.reused = 0
        self.warnings: list[str] = []  # a damaged or foreign entry, said once each (see sitegen.cachenotes)
        self._digests: dict[Path, str] = {}
        self._images: dict[str, StoredImage] = {}  # by digest (`<digest>|original`: a copy alone, get(decode=False))
        self._lock = threading.Lock()  # for prefetch's threads
        self._known = _read_keys(folder / KEYS, self.warnings) if reuse else {}  # path -> [stamp, size, SHA-256]
        self._used: set[str] = set()  # the entries this build used
        self._verified: dict[str, StoredImage] = {}  # entries of cached articles' pictures, checked (by digest)
        self._seen: dict[str, list[object]] = {}  # the same, for the pictures of this build
        self._racy_after = time.time_ns() - RACY_NANOSECONDS

    def key(self, file: Path) -> str:
        """What a picture's variants depend on (its bytes and SETTINGS): for fingerprints and names. Raises OSError."""
        return _sha256(f"{SETTINGS}|{self.digest(file)}")

    def digest(self, file: Path) -> str:
        """The SHA-256 of a picture file: remembered by size and time, else read and hashed. Raises OSError."""
        digest = self._digests.get(file)
        if digest is None:
            stat = file.stat()
            name = str(file)
            known = self._known.get(name)
            if known is not None and known[:2] == [stamp(stat), stat.st_size]:
                digest = cast(str, known[2])  # _read_keys kept only entries with a digest there
            else:
                digest = hashlib.sha256(file.read_bytes()).hexdigest()
            trusted = stat.st_mtime_ns < self._racy_after
            self._seen[name] = [stamp(stat) if trusted else -1, stat.st_size, digest]
            if known is not None and len(known) == 4 and known[2] == digest:
                self._seen[name].append(known[3])  # the stats of its entry when it was last checked whole
            self._digests[file] = digest
        return digest

    def save(self, keep_builds: int = usage.DEFAULT_KEEP_BUILDS) -> int:
        """Remember the keys of this build's pictures and which entries it used; remove the entries no build used
        for `keep_builds` builds. Nothing is written with `write=False`. Returns the number of entries removed."""
        if not self.write:
            return 0
        if self._seen != self._known:  # every build asks for the key of every picture it uses
            with contextlib.suppress(OSError):  # only a cache: the next build reads the pictures again
                self.folder.mkdir(parents=True, exist_ok=True)
                temporary = self.folder / f".{KEYS}.{os.getpid()}"
                temporary.write_text(json.dumps(self._seen, sort_keys=True, separators=(",", ":")), encoding="utf-8")
                os.replace(temporary, self.folder / KEYS)
        return usage.record_and_evict(self.folder, self._used, keep_builds, self.warnings)

    def verified(self, file: Path, files: Iterable[Path]) -> bool:
        """Whether the picture's entry is whole and holds `files` (its variants, as a cached article names them).
        A damaged entry is removed with a warning (the article is then rendered again, making it anew).

        Checked whole (meta.json read, every variant's size and name) once; then, while the stats of meta.json and
        of those files stay as they were, by their stats alone (remembered in keys.json): a rebuild of a site with
        thousands of pictures does not read thousands of meta.json files."""
        try:
            digest = self.digest(file)
        except OSError:
            return False
        key = _sha256(f"{PARAMETERS}|{toolchain.picture_digest()}|{digest}")
        entry = self.folder / key[:2] / key
        variants = sorted({str(f) for f in files if f != file})
        signature = _signature(entry, variants)
        remembered = self._seen.get(str(file), [])
        if signature is None:
            return False
        self._used.add(key)
        if len(remembered) == 4 and remembered[3] == signature:
            return True
        stored = self._images.get(digest) or self._verified.get(digest)
        if stored is None:
            stored = self._read_entry(entry, self.key(file)[:8])
            if stored is None:
                return False
            self._verified[digest] = stored  # not in _images: `get` counts what it finds there as reused
        made = {str(v.file) for v in stored.variants}
        if not all(f in made for f in variants):
            return False
        with self._lock:
            self._seen[str(file)] = [*remembered[:3], signature]
        return True

    def carry(self, file: Path) -> bool:
        """A picture of an article taken unchanged without a look at its pictures (sitegen serve's watcher, or the
        build's scan of its inputs, says no picture file changed): its entry counts as used, and what keys.json
        remembers of it is kept. Without this, the entries of the articles nobody edited would look unused and be
        removed after `keep_builds` such builds. False for a picture keys.json does not know, or whose entry is gone:
        check it (`verified`)."""
        name = str(file)
        if name in self._seen:
            return True
        known = self._known.get(name)
        if known is None:
            return False
        key = _sha256(f"{PARAMETERS}|{toolchain.picture_digest()}|{known[2]}")
        if not os.path.isdir(os.path.join(self.folder, key[:2], key)):  # removed by hand since: check it whole
            return False
        with self._lock:
            self._seen[name] = known
            self._used.add(key)
        return True

    def _read_entry(self, entry: Path, name: str) -> StoredImage | None:
        """The entry when it is whole; a damaged one is removed, with a warning naming its file."""
        stored, problem = _read(entry, name)
        if problem is not None:
            self.warnings.append(dropped(problem[0], problem[1]))
            if self.write:
                shutil.rmtree(entry, ignore_errors=True)
        return stored

    def get(self, file: Path, decode: bool = True) -> StoredImage:
        """The processed picture. Raises OSError (unreadable file) or images.UnreadablePicture. `decode=False`: only
        its copy without metadata, made without decoding it (variants.without_metadata_only; raises OSError only)."""
        digest = self.digest(file)
        found_as = digest if decode else f"{digest}|original"
        stored = self._images.get(found_as)
        if stored is not None:
            return stored
        parameters = PARAMETERS if decode else f"{PARAMETERS}|original only"
        key, name = _sha256(f"{parameters}|{toolchain.picture_digest()}|{digest}"), self.key(file)[:8]
        entry = self.folder / key[:2] / key
        stored = self._read_entry(entry, name) if self.reuse else None
        found = stored is not None
        if stored is None:
            processed = (process if decode else processing.without_metadata_only)(file.read_bytes(), encode=self.write)
            if self.write:
                stored = _write(entry, name, processed)
            else:
                stored = StoredImage(name, processed.width, processed.height)
        with self._lock:
            if decode:  # a copy alone is not a picture processed: the report counts pictures decoded
                self.reused += found
                self.processed += not found
            self._images[found_as] = stored
            self._used.add(key)
        return stored

    def published(self, file: Path, decode: bool = True) -> Path:
        """The file to publish for the picture `file`: its bytes without their metadata (the "original" variant),
        or the file itself where none was made (`sitegen check`, which writes nothing). Raises as `get` does."""
        return next((v.file for v in self.get(file, decode).variants if v.kind == "original"), file)

    def prefetch(self, files: Iterable[Path]) -> None:
        """Get many pictures at once, in threads (Pillow decodes, resizes and encodes outside the GIL).

        Only a head start: a picture that fails here is left for `get` to report."""
        pending: dict[str, Path] = {}
        for file in files:
            try:
                digest = self.digest(file)
            except OSError:
                continue
            if digest not in self._images:
                pending.setdefault(digest, file)  # one job per content: the same bytes under two names
        if not pending:
            return
        with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, _cpus(), len(pending))) as pool:
            for _ in pool.map(self._get_quietly, pending.values()):
                pass

    def _get_quietly(self, file: Path) -> None:
        with contextlib.suppress(OSError, UnreadablePicture):
            self.get(file)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _read_keys(path: Path, warnings: list[str]) -> dict[str, list[object]]:
    """The remembered digests of picture files; entries of the wrong shape are dropped with a warning."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        warnings.append(discarded(str(path), damaged(exc)))
        return {}
    if not isinstance(data, dict):
        warnings.append(discarded(str(path), damaged("not a mapping")))
        return {}
    kept = {
        name: known
        for name, known in data.items()
        if isinstance(known, list)
        and len(known) in (3, 4)
        and all(type(n) is int for n in known[:2])
        and isinstance(known[2], str)
        and _DIGEST.fullmatch(known[2])
        and all(isinstance(signature, str) for signature in known[3:])
    }
    if len(kept) != len(data):
        warnings.append(dropped(str(path), damaged(f"{len(data) - len(kept)} entries of the wrong shape")))
    return kept


def _read(entry: Path, name: str) -> tuple[StoredImage | None, tuple[str, str] | None]:
    """(the cached entry, None), or (None, (file, what is wrong)) when it is damaged; (None, None) when missing."""
    meta_file = entry / META
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, None
    except (OSError, ValueError) as exc:
        return None, (str(meta_file), damaged(exc))
    try:
        variants = tuple(_variant(entry, v) for v in meta["variants"])
        width, height = meta["width"], meta["height"]
        if not all(size is None or type(size) is int for size in (width, height)):
            raise ValueError("a size is not a number")
    except _Outside as exc:
        return None, (str(meta_file), outside(str(exc)))
    except _Changed as exc:
        return None, (str(exc), changed())
    except (KeyError, TypeError, ValueError, OSError) as exc:
        return None, (str(meta_file), damaged(exc))
    return StoredImage(name, width, height, variants), None


class _Outside(ValueError):
    """A name in meta.json that is not a variant file of its entry."""


class _Changed(ValueError):
    """A variant file whose bytes are not the ones the entry was made with."""


def _variant(entry: Path, v: dict[str, object]) -> StoredVariant:
    """One variant named in meta.json, checked: a plain name of the expected form, a regular file in the entry, of
    the recorded size, and of the recorded SHA-256 unless its time stamp is the one recorded when it was made."""
    name = v["file"]
    if not isinstance(name, str) or not _VARIANT_FILE.fullmatch(name):
        raise _Outside(repr(name))  # an absolute path, ../, a link to elsewhere: refused before it is touched
    kind, width, height, form = v["kind"], v["width"], v["height"], v["format"]
    if kind not in _KINDS or form not in _FORMATS or type(width) is not int or type(height) is not int:
        raise ValueError(f"variant {name} is of the wrong shape")
    file = entry / name
    stat = os.lstat(file)
    if not S_ISREG(stat.st_mode):
        raise _Outside(f"{name} is not a regular file")
    if stat.st_size != v.get("size", stat.st_size) or (
        stat.st_mtime_ns != v.get("mtime_ns") and "sha256" in v and _file_sha256(file) != v["sha256"]
    ):
        raise _Changed(str(file))
    return StoredVariant(kind, width, height, form, file)


def _signature(entry: Path, variants: list[str]) -> str | None:
    """The stats of an entry's meta.json and of the variant files an article names (None when one is missing or
    not a regular file): while they stay the same, an entry checked whole need not be read again."""
    stats = []
    for path in (str(entry / META), *variants):
        try:
            info = os.lstat(path)
        except OSError:
            return None
        if not S_ISREG(info.st_mode):
            return None
        stats.append((path, info.st_size, info.st_mtime_ns, info.st_ino))
    return hashlib.sha1(repr(stats).encode("utf-8", "surrogateescape")).hexdigest()[:20]


def _file_sha256(file: Path) -> str:
    return hashlib.sha256(file.read_bytes()).hexdigest()


def _write(entry: Path, name: str, processed: ProcessedImage) -> StoredImage:
    entry.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{entry.name[:8]}-", dir=entry.parent))
    try:
        variants = []
        for v in processed.variants:
            file_name = f"{v.kind}-{v.width}x{v.height}.{EXTENSION[v.format]}"
            (staging / file_name).write_bytes(v.data)
            made = (staging / file_name).stat()  # a later change of its bytes moves its time stamp: then it is hashed
            variants.append(
                {"kind": v.kind, "width": v.width, "height": v.height, "format": v.format, "file": file_name,
                 "size": len(v.data), "mtime_ns": made.st_mtime_ns, "sha256": hashlib.sha256(v.data).hexdigest()}
            )  # fmt: skip
        meta = {"width": processed.width, "height": processed.height, "variants": variants}
        (staging / META).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
        os.chmod(staging, 0o755)
        if entry.exists():  # incomplete (a file went missing): replace it
            shutil.rmtree(entry, ignore_errors=True)
        try:
            staging.rename(entry)
        except OSError:  # another build wrote the same entry first: theirs is as good as ours
            shutil.rmtree(staging, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    stored, _ = _read(entry, name)
    if stored is None:
        raise OSError(f"cannot write the image cache at {entry}")
    return stored
