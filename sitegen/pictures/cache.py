"""The disk cache of processed pictures: an unchanged picture is never processed twice, across builds.

Each picture is keyed by the SHA-256 of its bytes with the processing parameters and Pillow's version (so an
edited picture, new parameters or another Pillow get a new entry). `<folder>/<key[:2]>/<key>/` holds the variants
and `meta.json`; an entry is written in a temporary folder and renamed into place, so a reader sees a whole entry
or none. `keys.json` remembers the SHA-256 of each picture file by its size and modification time, so that a
rebuild need not read unchanged pictures (a file changed within two seconds of a build is read again next time, as
git does with "racy" stats). The folder is safe to delete at any time (the next build processes every picture
again) and fine to keep between CI runs. Nothing is pruned: entries of pictures that changed stay until the folder
is deleted.

This module is the only one that writes the cache; the built site is written by `output` alone.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sitegen import toolchain
from sitegen.pictures.variants import EXTENSION, PARAMETERS, SETTINGS, ProcessedImage, UnreadablePicture, process
from sitegen.stamps import RACY_NANOSECONDS

META = "meta.json"
KEYS = "keys.json"
MAX_WORKERS = 8  # each holds a decoded picture in memory: a 24-megapixel photo is about 70 MB


@dataclass(frozen=True, slots=True)
class StoredVariant:
    kind: str  # "size" or "thumb"
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
        self._digests: dict[Path, str] = {}
        self._images: dict[str, StoredImage] = {}  # by digest
        self._lock = threading.Lock()  # for prefetch's threads
        self._known = _read_keys(folder / KEYS) if reuse else {}  # path -> [mtime_ns, size, SHA-256]
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
            if known is not None and known[:2] == [stat.st_mtime_ns, stat.st_size] and isinstance(known[2], str):
                digest = known[2]
            else:
                digest = hashlib.sha256(file.read_bytes()).hexdigest()
            trusted = stat.st_mtime_ns < self._racy_after
            self._seen[name] = [stat.st_mtime_ns if trusted else -1, stat.st_size, digest]
            self._digests[file] = digest
        return digest

    def save(self) -> None:
        """Remember the keys of this build's pictures (nothing is written with `write=False`)."""
        if not self.write or self._seen == self._known:  # every build asks for the key of every picture it uses
            return
        with contextlib.suppress(OSError):  # only a cache: the next build reads the pictures again
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = self.folder / f".{KEYS}.{os.getpid()}"
            temporary.write_text(json.dumps(self._seen, sort_keys=True, separators=(",", ":")), encoding="utf-8")
            os.replace(temporary, self.folder / KEYS)

    def get(self, file: Path) -> StoredImage:
        """The processed picture. Raises OSError (unreadable file) or images.UnreadablePicture."""
        digest = self.digest(file)
        stored = self._images.get(digest)
        if stored is not None:
            return stored
        key, name = _sha256(f"{PARAMETERS}|{toolchain.picture_digest()}|{digest}"), self.key(file)[:8]
        entry = self.folder / key[:2] / key
        stored = _read(entry, name) if self.reuse else None
        found = stored is not None
        if stored is None:
            processed = process(file.read_bytes(), encode=self.write)
            if self.write:
                stored = _write(entry, name, processed)
            else:
                stored = StoredImage(name, processed.width, processed.height)
        with self._lock:
            self.reused += found
            self.processed += not found
            self._images[digest] = stored
        return stored

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


def _read_keys(path: Path) -> dict[str, list[object]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _read(entry: Path, name: str) -> StoredImage | None:
    """The cached entry, or None when it is missing or incomplete."""
    try:
        meta = json.loads((entry / META).read_text(encoding="utf-8"))
        variants = tuple(
            StoredVariant(v["kind"], v["width"], v["height"], v["format"], entry / v["file"]) for v in meta["variants"]
        )
        if not all(v.file.is_file() for v in variants):
            return None
        return StoredImage(name, meta["width"], meta["height"], variants)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write(entry: Path, name: str, processed: ProcessedImage) -> StoredImage:
    entry.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{entry.name[:8]}-", dir=entry.parent))
    try:
        variants = []
        for v in processed.variants:
            file_name = f"{v.kind}-{v.width}x{v.height}.{EXTENSION[v.format]}"
            (staging / file_name).write_bytes(v.data)
            variants.append(
                {"kind": v.kind, "width": v.width, "height": v.height, "format": v.format, "file": file_name}
            )
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
    stored = _read(entry, name)
    if stored is None:
        raise OSError(f"cannot write the image cache at {entry}")
    return stored
