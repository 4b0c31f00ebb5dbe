"""Keeping the image cache bounded: entries no build has used for a while are removed.

`<images>/usage.json` holds a build counter and, per entry, the number of the last build that used it. Every build
that runs its pipeline with a writable cache counts one; an entry unused for `keep_builds` builds (site.yaml
`image_cache_keep_builds`, default DEFAULT_KEEP_BUILDS) is removed. An entry the file does not know yet (made before
this file existed, or by another site sharing the folder) counts as used by the current build, so nothing is removed
on the first build after an upgrade. A build with nothing to do (the up-to-date check) does not count.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

from sitegen.cachenotes import damaged, discarded
from sitegen.model import DEFAULT_KEEP_BUILDS

USAGE = "usage.json"
__all__ = ["DEFAULT_KEEP_BUILDS", "USAGE", "record_and_evict"]
_ENTRY = re.compile(r"[0-9a-f]{64}")


def record_and_evict(folder: Path, used: Iterable[str], keep_builds: int, warnings: list[str]) -> int:
    """Count this build, note the entries it `used`, and remove those unused for `keep_builds` builds."""
    if not folder.is_dir():
        return 0
    build, last_use = _read(folder / USAGE, warnings)
    build += 1
    for key in used:
        last_use[key] = build
    removed = 0
    for key, prefix in _entries(folder):
        seen = last_use.setdefault(key, build)
        if build - seen >= keep_builds:
            shutil.rmtree(folder / prefix / key, ignore_errors=True)
            del last_use[key]
            removed += 1
    present = {key for key, _ in _entries(folder)}
    last_use = {key: seen for key, seen in last_use.items() if key in present}
    with contextlib.suppress(OSError):  # only bookkeeping: the next build starts it again
        temporary = folder / f".{USAGE}.{os.getpid()}"
        temporary.write_text(json.dumps({"build": build, "last_use": last_use}, sort_keys=True), encoding="utf-8")
        os.replace(temporary, folder / USAGE)
    return removed


def _entries(folder: Path) -> Iterable[tuple[str, str]]:
    """(key, its two-digit prefix folder) of every entry in the cache."""
    try:
        prefixes = sorted(os.listdir(folder))
    except OSError:
        return
    for prefix in prefixes:
        if len(prefix) != 2 or not (folder / prefix).is_dir():
            continue
        try:
            names = sorted(os.listdir(folder / prefix))
        except OSError:
            continue
        yield from ((name, prefix) for name in names if _ENTRY.fullmatch(name) and name.startswith(prefix))


def _read(path: Path, warnings: list[str]) -> tuple[int, dict[str, int]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return 0, {}
    except (OSError, ValueError) as exc:
        warnings.append(discarded(str(path), damaged(exc)))
        return 0, {}
    build = data.get("build") if isinstance(data, dict) else None
    last_use = data.get("last_use") if isinstance(data, dict) else None
    if type(build) is not int or not isinstance(last_use, dict):
        warnings.append(discarded(str(path), damaged("not a usage record")))
        return 0, {}
    return build, {key: seen for key, seen in last_use.items() if type(seen) is int and seen <= build}
