"""What, besides the site's own files, shapes the bytes a build writes: sitegen's code, Python and the libraries.

Every cache key and the up-to-date record carry `digest()`, so a cached result made by another toolchain is never
used: an edited or reinstalled checkout (whatever `__version__` says), another Python, or a new release of any
library in OUTPUT_LIBRARIES (a Markdown fix, an nh3 security release) makes the affected work be done again.

It is computed once per process and cheaply (a build with nothing to do must stay fast): the code by the bytes of
sitegen's own .py files, the libraries by the names of their installed metadata folders (`Jinja2-3.1.6.dist-info`),
read with one directory listing per `sys.path` entry and without importing any of them. The time-zone data
(the system's, or the tzdata package) is part of it too: a new release moves offsets, and so the dates pages show.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import sys
import zoneinfo
from dataclasses import dataclass

# Every library whose version can change what a build writes; add a library here when sitegen starts using it.
OUTPUT_LIBRARIES = (
    "Markdown", "Jinja2", "MarkupSafe", "nh3", "PyYAML", "Pillow", "pypinyin", "opencc", "opencc-py", "numpy",
    "tzdata",
)  # opencc-py: the pure-Python build of OpenCC where no opencc wheel fits; tzdata: zone data where the system has none
# The libraries and the part of sitegen's code that shape processed pictures (the image cache's scope).
PICTURE_LIBRARIES = ("Pillow",)
PICTURE_CODE = "pictures"

PACKAGE = os.path.dirname(os.path.abspath(__file__))  # sitegen's own code


@dataclass(frozen=True, slots=True)
class Toolchain:
    code: str  # digest of sitegen's .py files (their paths inside the package and bytes)
    picture_code: str  # the same, for sitegen/pictures/ alone
    python: str  # the interpreter's version and build
    libraries: tuple[tuple[str, str], ...]  # (name, installed version or "absent") for each of OUTPUT_LIBRARIES
    zones: str = ""  # the system's time-zone data: its release, where each folder zoneinfo searches says it

    def digest(self) -> str:
        return _sha1(repr((self.code, self.python, self.libraries, self.zones)))

    def picture_digest(self) -> str:
        """What processed pictures depend on: only this part, so that editing a template's code does not make
        every picture be processed again."""
        libraries = tuple(item for item in self.libraries if item[0] in PICTURE_LIBRARIES)
        return _sha1(repr((self.picture_code, self.python, libraries)))


@functools.cache
def current() -> Toolchain:
    """This process's toolchain (tests monkeypatch it, or call `current.cache_clear()`)."""
    versions = installed_versions()
    libraries = tuple((name, versions.get(_normal(name), "absent")) for name in OUTPUT_LIBRARIES)
    return Toolchain(
        code=code_digest(PACKAGE),
        picture_code=code_digest(os.path.join(PACKAGE, PICTURE_CODE)),
        python=f"{sys.version}|{sys.implementation.cache_tag}",
        libraries=libraries,
        zones=zone_data(),
    )


def digest() -> str:
    """The one toolchain digest of every cache key and of the up-to-date record (asked for by every page and
    article: remembered per toolchain)."""
    chain = current()
    known = _DIGESTS.get(chain)
    if known is None:
        known = _DIGESTS[chain] = chain.digest()
    return known


_DIGESTS: dict[Toolchain, str] = {}


def picture_digest() -> str:
    return current().picture_digest()


def code_digest(root: str) -> str:
    """The paths (relative to `root`) and bytes of every .py file under `root`, __pycache__ left out."""
    digest = hashlib.sha1()
    for folder, folders, files in os.walk(root):  # sorting `folders` in place orders the walk itself
        folders[:] = sorted(name for name in folders if name != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                digest.update(os.path.relpath(path, root).encode("utf-8", "surrogateescape") + b"\0")
                with open(path, "rb") as handle:
                    digest.update(handle.read())
                digest.update(b"\0")
    return digest.hexdigest()


def zone_data(folders: tuple[str, ...] | None = None) -> str:
    """The release of each folder of zone data that zoneinfo searches (`# version 2025b`, the first line of the
    tzdata.zi that tzdata's packagers ship), or the folder's modification time where it has none; one short read."""
    found = []
    for folder in zoneinfo.TZPATH if folders is None else folders:
        try:
            with open(os.path.join(folder, "tzdata.zi"), "rb") as handle:
                found.append(f"{folder}={handle.readline(64).strip().decode('ascii', 'replace')}")
        except OSError:
            try:
                found.append(f"{folder}@{os.stat(folder).st_mtime_ns}")
            except OSError:
                continue
    return "|".join(found)


def installed_versions() -> dict[str, str]:
    """Installed distributions by normalised name -> version, the first on `sys.path` winning (as imports do)."""
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = sorted(os.listdir(entry or "."))
        except OSError:
            continue
        for name in names:
            stem, dot, kind = name.rpartition(".")
            if dot and kind in ("dist-info", "egg-info"):
                project, _, version = stem.partition("-")
                found.setdefault(_normal(project), version.partition("-")[0] or "unknown")
    return found


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()
