"""Author slugs remembered between builds, in `.sitegen-cache/slugs.json`.

An author's slug is the pinyin of the name (content/pinyin.py), the same for a name in every build; but pinyin costs
pypinyin's dictionaries, over half a second's import, in every build that assembles a site with Chinese names. The
memo gives the slugs of names it has seen; only a new name imports pypinyin. It is kept with the toolchain digest:
another pypinyin (or sitegen) starts it afresh, as every cache key does.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from sitegen.cachenotes import OTHER_TOOLCHAIN, damaged, discarded
from sitegen.content.pinyin import slugify

SLUGS_FILE = "slugs.json"


class SlugMemo:
    """`memo(name)`: the author slug of `name`, as `slugify(name, "author")` gives it."""

    def __init__(self, known: dict[str, str] | None = None) -> None:
        self.known = dict(known or {})
        self.used: set[str] = set()  # the names of this build: the file keeps only these
        self.added = False

    def __call__(self, name: str) -> str:
        self.used.add(name)
        slug = self.known.get(name)
        if slug is None:
            slug = self.known[name] = slugify(name, "author")
            self.added = True
        return slug


def load_slugs(folder: Path, toolchain: str, warnings: list[str]) -> SlugMemo:
    path = folder / SLUGS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("slugs"), dict):
            raise ValueError("not a table of slugs")
        if data.get("toolchain") != toolchain:
            warnings.append(discarded(str(path), OTHER_TOOLCHAIN))
            return SlugMemo()
        slugs = data["slugs"]
        if not all(isinstance(k, str) and isinstance(v, str) and v for k, v in slugs.items()):
            raise ValueError("a slug that is not text")
        if data.get("check") != _check(slugs):  # a changed letter still makes a slug: the digest tells it
            raise ValueError("the slugs do not match their checksum")
        return SlugMemo(slugs)
    except FileNotFoundError:
        return SlugMemo()
    except (OSError, ValueError) as exc:
        warnings.append(discarded(str(path), damaged(exc)))
        return SlugMemo()


def save_slugs(folder: Path, memo: SlugMemo, toolchain: str) -> None:
    """Written when the memo learnt a name or forgot one (atomically: a build killed here leaves the old file)."""
    if not memo.added and memo.used == memo.known.keys():
        return
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{SLUGS_FILE}.{os.getpid()}"
    slugs = {name: memo.known[name] for name in sorted(memo.used)}
    data = {"slugs": slugs, "toolchain": toolchain, "check": _check(slugs)}
    temporary.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    os.replace(temporary, folder / SLUGS_FILE)


def _check(slugs: dict[str, str]) -> str:
    return hashlib.sha1(json.dumps(slugs, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
