"""What tests of the output layout look at: what a build left beside the output, and a digest of a whole site."""

from __future__ import annotations

import gc
import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def builds_of(output: Path) -> Path:
    return output.parent / f".{output.name}-builds"


def remove_output(output: Path) -> None:
    """Remove a built output as a user would start afresh: the link (or plain folder) and the builds beside it."""
    if output.is_symlink():
        output.unlink()
    elif output.exists():
        shutil.rmtree(output)
    shutil.rmtree(builds_of(output), ignore_errors=True)


def litter(output: Path) -> list[str]:
    """Everything a finished build must not leave beside `output`: staging folders, retired builds, lock files,
    links on their way in. The link layout keeps exactly the shown build and the one before it (with its record)."""
    stray = [p.name for p in output.parent.iterdir() if p.name.startswith(f".{output.name}")]
    stray = [name for name in stray if name != builds_of(output).name]
    builds = builds_of(output)
    if builds.is_dir():
        kept: set[str] = set()
        if output.is_symlink():
            shown = Path(os.readlink(output)).name
            kept = {shown, str(int(shown) - 1)}
            kept |= {f"{name}.differs" for name in kept}  # where the spare differs from the shown build
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


@contextmanager
def small_disk(folder: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` mounted at `folder` for the block (tests run as root in CI). Where the machine cannot
    mount one the test skips, saying why; under CI=true it fails instead, for CI runs as root."""
    folder.mkdir(parents=True, exist_ok=True)
    why = "mounting a file system needs root" if os.geteuid() != 0 else ""
    if not why:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                              capture_output=True, text=True, check=False)  # fmt: skip
        why = "" if done.returncode == 0 else f"mount -t tmpfs failed: {done.stderr.strip()}"
    if why:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: {why}; the disk-full tests must run in CI")
        pytest.skip(f"cannot mount a small file system here ({why}); run as root to test a full disk")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def remount(folder: Path, mode: str) -> None:
    """`ro` or `rw`: make a mounted small disk read-only, or writable again."""
    gc.collect()  # a build's SQLite body store, no longer used, may still hold a file open for writing
    subprocess.run(["mount", "-o", f"remount,{mode}", str(folder)], check=True)


def fill(disk: Path) -> Path:
    """Take every free byte of `disk` with one file; remove it to make room again."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        for size in (1 << 20, 1 << 16, 1 << 12, 1):
            while True:
                try:
                    os.write(fd, b"\0" * size)
                except OSError:
                    break
    finally:
        os.close(fd)
    return filler
