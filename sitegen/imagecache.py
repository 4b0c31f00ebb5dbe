"""The disk cache of processed pictures: an unchanged picture is never processed twice, across builds.

Each picture is keyed by the SHA-256 of the processing parameters and its bytes (so an edited picture, or new
parameters, get a new key). `<folder>/<key[:2]>/<key>/` holds the variants and `meta.json`; an entry is written in
a temporary folder and renamed into place, so a reader sees a whole entry or none. The folder is safe to delete at
any time (the next build processes every picture again) and fine to keep between CI runs. Nothing is pruned:
entries of pictures that changed stay until the folder is deleted.

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
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sitegen.images import EXTENSION, PARAMETERS, ProcessedImage, UnreadablePicture, process

META = "meta.json"
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
    key: str
    width: int | None
    height: int | None
    variants: tuple[StoredVariant, ...] = ()


class ImageStore:
    """Processed pictures by file, for one build: from memory, else from the cache folder, else from Pillow.

    `processed` counts the pictures Pillow had to decode in this build, `reused` the ones found in the cache.
    With `write=False` (sitegen check) nothing is written: a picture not in the cache is only decoded, to check it,
    and gets no variants.
    """

    def __init__(self, folder: Path, write: bool = True) -> None:
        self.folder = folder
        self.write = write
        self.processed = 0
        self.reused = 0
        self._keys: dict[Path, str] = {}
        self._images: dict[str, StoredImage] = {}
        self._lock = threading.Lock()  # for prefetch's threads

    def key(self, file: Path) -> str:
        """The cache key of a picture file (its bytes are read and hashed once per build). Raises OSError."""
        key = self._keys.get(file)
        if key is None:
            digest = hashlib.sha256(PARAMETERS.encode())
            digest.update(b"\0")
            digest.update(file.read_bytes())
            key = self._keys[file] = digest.hexdigest()
        return key

    def get(self, file: Path) -> StoredImage:
        """The processed picture. Raises OSError (unreadable file) or images.UnreadablePicture."""
        key = self.key(file)
        stored = self._images.get(key)
        if stored is not None:
            return stored
        entry = self.folder / key[:2] / key
        stored = _read(entry, key)
        found = stored is not None
        if stored is None:
            processed = process(file.read_bytes(), encode=self.write)
            if self.write:
                stored = _write(entry, key, processed)
            else:
                stored = StoredImage(key, processed.width, processed.height)
        with self._lock:
            self.reused += found
            self.processed += not found
            self._images[key] = stored
        return stored

    def prefetch(self, files: Iterable[Path]) -> None:
        """Get many pictures at once, in threads (Pillow decodes, resizes and encodes outside the GIL).

        Only a head start: a picture that fails here is left for `get` to report."""
        pending: dict[str, Path] = {}
        for file in files:
            try:
                key = self.key(file)
            except OSError:
                continue
            if key not in self._images:
                pending.setdefault(key, file)  # one job per content: the same bytes under two names
        if not pending:
            return
        with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, _cpus(), len(pending))) as pool:
            for _ in pool.map(self._get_quietly, pending.values()):
                pass

    def _get_quietly(self, file: Path) -> None:
        with contextlib.suppress(OSError, UnreadablePicture):
            self.get(file)


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _read(entry: Path, key: str) -> StoredImage | None:
    """The cached entry, or None when it is missing or incomplete."""
    try:
        meta = json.loads((entry / META).read_text(encoding="utf-8"))
        variants = tuple(
            StoredVariant(v["kind"], v["width"], v["height"], v["format"], entry / v["file"]) for v in meta["variants"]
        )
        if not all(v.file.is_file() for v in variants):
            return None
        return StoredImage(key, meta["width"], meta["height"], variants)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write(entry: Path, key: str, processed: ProcessedImage) -> StoredImage:
    entry.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{key[:8]}-", dir=entry.parent))
    try:
        variants = []
        for v in processed.variants:
            name = f"{v.kind}-{v.width}x{v.height}.{EXTENSION[v.format]}"
            (staging / name).write_bytes(v.data)
            variants.append({"kind": v.kind, "width": v.width, "height": v.height, "format": v.format, "file": name})
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
    stored = _read(entry, key)
    if stored is None:
        raise OSError(f"cannot write the image cache at {entry}")
    return stored
