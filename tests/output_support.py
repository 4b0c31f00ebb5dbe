"""What tests of the output layout look at: what a build left beside the output, and a digest of a whole site."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def builds_of(output: Path) -> Path:
    return output.parent / f".{output.name}-builds"


def litter(output: Path) -> list[str]:
    """Everything a finished build must not leave beside `output`: staging folders, retired builds, lock files,
    links on their way in. The link layout keeps exactly the shown build and the one before it."""
    stray = [p.name for p in output.parent.iterdir() if p.name.startswith(f".{output.name}")]
    stray = [name for name in stray if name != builds_of(output).name]
    builds = builds_of(output)
    if builds.is_dir():
        kept: set[str] = set()
        if output.is_symlink():
            shown = Path(os.readlink(output)).name
            kept = {shown, str(int(shown) - 1)}
        stray += [f"{builds.name}/{p.name}" for p in builds.iterdir() if p.name not in kept]
    return sorted(stray)


def site_digest(folder: Path) -> str:
    """One digest of every file's path and bytes below `folder` (through the output link)."""
    digest = hashlib.sha256()
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            path = Path(root) / name
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
