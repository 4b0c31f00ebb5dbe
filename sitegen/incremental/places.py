"""Paths read back from the build cache, checked: a cache file naming a place it has no business with is dropped.

Output and source paths must be relative and inside their folder; pictures' files must lie under content/, assets/
or the image cache. What fails is said once per cache file (sitegen.cachenotes) and made again by the build.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, cast

from sitegen.cachenotes import dropped, outside


class Places:
    """Output and source paths read back from one cache file: kept only when relative and inside their folder."""

    def __init__(self, file: Path, warnings: list[str]) -> None:
        self.file, self.warnings = file, warnings

    def relative(self, items: dict[Any, Any]) -> dict[str, Any]:
        if all_relative(items):  # the common case, told at once
            return dict(items)
        kept = {path: value for path, value in items.items() if relative_path(path)}
        strays = [path for path in items if path not in kept]
        if strays:  # one line for a file, however many it names
            self.warnings.append(dropped(str(self.file), outside(repr(strays[0]))))
        return kept

    def relative_paths(self, paths: tuple[Any, ...]) -> tuple[str, ...]:
        return tuple(self.relative(dict.fromkeys(paths)))


# a part: neither empty nor "." nor "..", without "/", "\\" or NUL; parts joined by single slashes
_PART = r"(?!\.\.?(?:/|\Z))[^/\\\0]+"
_RELATIVE = re.compile(rf"{_PART}(?:/{_PART})*\Z")


def all_relative(paths: Iterable[object]) -> bool:
    """Whether every one of `paths` is a `relative_path`, told at once (a cache holds hundreds of thousands: one
    regular expression over them all took 0.26 s for 400,000, these scans of the joined text 0.09 s). False may also
    mean that one holds a line break: the caller then checks each alone. Never True where `relative_path` would refuse
    one: with each path on a line of its own and each slash made a line break too, an empty path or part (a leading,
    trailing or doubled slash) is an empty line, and a part "." or ".." a line of its own."""
    listed = list(paths)
    if not listed:
        return True
    if set(map(type, listed)) != {str}:
        return False
    text = "\n".join(cast(list[str], listed))
    if "\0" in text or "\\" in text:
        return False
    lines = f"\n{text}\n".replace("/", "\n")
    return "\n\n" not in lines and "\n.\n" not in lines and "\n..\n" not in lines


def relative_path(path: object) -> bool:
    """A POSIX path inside its folder: relative, no '..' or '.' part, no empty part, no NUL or backslash. (One
    regular expression: the cache holds tens of thousands of paths, each checked on every build.)"""
    return isinstance(path, str) and _RELATIVE.match(path) is not None


def folder_prefixes(folders: tuple[Path, ...]) -> tuple[str, ...]:
    """The folders as prefixes for `inside`, spelled as given and absolute: the image cache's files are named as its
    folder was spelled (`--site .` or a full path)."""
    spellings = {spelling for root in map(str, folders) for spelling in (root, os.path.abspath(root))}
    return tuple(os.path.join(spelling, "") for spelling in spellings)


def inside(file: object, roots: tuple[str, ...]) -> bool:
    """Whether a path read back from the cache lies under one of `roots`, lexically (no '..' part to climb out)."""
    if not isinstance(file, Path):
        return False
    text = str(file)
    if "\0" in text:
        return False
    if text.startswith(roots) and "/../" not in text and "/./" not in text:
        return True
    return os.path.abspath(text).startswith(roots)  # another spelling of the same place; '..' resolved, lexically
