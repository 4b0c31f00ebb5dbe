"""The only module that writes the built site: new and changed files into a staging folder, then a commit.

Nothing in the output changes until every file of the build has been rendered: a failed build (content, template
or any other error) leaves the previous output as it was. The first build renames the staging folder into place;
later ones move each changed file in with an atomic rename and remove the files the build no longer makes. A file
whose bytes did not change is not touched, so it keeps its modification time (friendly to rsync and CDN uploads).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sitegen.layout import ASSETS_DIR, CONTENT_DIR, TEMPLATES_DIR
from sitegen.model import OutputFile

SOURCE_FOLDERS = (CONTENT_DIR, ASSETS_DIR, TEMPLATES_DIR)
MARKER = ".sitegen-output"  # marks a folder sitegen may replace


class OutputRefused(Exception):
    """The output folder is one sitegen must not replace."""


@dataclass(frozen=True, slots=True)
class WriteReport:
    written: int
    unchanged: int
    removed: int = 0
    paths: tuple[str, ...] = ()  # every file of the output, sorted
    kept: tuple[str, ...] = ()  # the files kept unseen, by their key (OutputFile.unchanged)


def check_output_dir(output: Path, site_dir: Path) -> None:
    """Refuse folders whose replacement would delete a user's files."""
    output, site = output.resolve(), site_dir.resolve()
    forbidden = {Path("/"), Path.home().resolve(), site, *(site / name for name in SOURCE_FOLDERS)}
    if output in forbidden or site.is_relative_to(output):
        raise OutputRefused(f"refusing to build into {output}: it holds the site or your files")
    for sources in SOURCE_FOLDERS:  # inside assets/, every build would copy the last one
        if output.is_relative_to(site / sources):
            raise OutputRefused(f"refusing to build into {output}: it is inside {sources}/")
    if output.exists() and not output.is_dir():
        raise OutputRefused(f"refusing to build into {output}: it is a file")
    if output.is_dir() and any(output.iterdir()) and not (output / MARKER).exists():
        raise OutputRefused(
            f"refusing to build into {output}: it is not empty and was not made by sitegen; "
            "empty it or choose another --output"
        )


def write_site(files: Iterable[OutputFile], output: Path, previous: Iterable[str] | None = None) -> WriteReport:
    """Make `output` hold exactly `files`. `previous`: the files of the last build, when known (else it is walked)."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}-building-", dir=output.parent))
    try:
        paths: list[str] = [MARKER]
        changed: list[str] = []
        kept: list[str] = []
        unchanged = 0
        folders: set[Path] = set()
        fresh = not output.is_dir()
        for file in files:
            paths.append(file.path)
            if file.unchanged:
                kept.append(file.path)
            if not fresh and _unchanged(output / file.path, file):
                unchanged += 1
                continue
            target = staging / file.path
            if target.parent not in folders:  # one mkdir per folder, not per file: 10,000s of system calls
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(target.parent)
            if file.data is not None:
                target.write_bytes(file.data)
            elif file.copy_from is not None:
                shutil.copyfile(file.copy_from, target)
            else:
                raise FileNotFoundError(f"{file.path} was to be kept from the last build, but it is gone")
            changed.append(file.path)
        if fresh:
            (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
            os.chmod(staging, 0o755)
            staging.rename(output)
            return WriteReport(len(changed), 0, 0, tuple(sorted(paths)))
        removed = _commit(staging, output, changed, set(paths), previous)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return WriteReport(len(changed), unchanged, removed, tuple(sorted(paths)), tuple(kept))


MARKER_TEXT = "built by sitegen; safe to delete\n"


def _unchanged(existing: Path, file: OutputFile) -> bool:
    """Whether the output already holds these bytes (a file marked `unchanged` was checked by its key)."""
    try:
        if file.unchanged:
            return True  # the build saw this file in place with the same key
        stat = existing.stat()
        if file.data is not None:
            return stat.st_size == len(file.data) and existing.read_bytes() == file.data
        if file.copy_from is not None:
            source = file.copy_from.stat()
            return stat.st_size == source.st_size and existing.read_bytes() == file.copy_from.read_bytes()
    except OSError:
        return False
    return False


def _commit(staging: Path, output: Path, changed: list[str], keep: set[str], previous: Iterable[str] | None) -> int:
    for path in changed:
        target = output / path
        for parent in reversed(PurePosixPath(path).parents[:-1]):  # a file where a folder must go
            if (output / parent).is_file():
                (output / parent).unlink()
        if target.is_dir():  # a folder where a file must go
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / path, target)
    if not (output / MARKER).is_file():
        (output / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    existing = set(previous) if previous is not None else set(_walk(output))
    removed = 0
    for path in sorted(existing - keep, reverse=True):
        target = output / path
        if target.is_file() or target.is_symlink():
            target.unlink()
            removed += 1
            _remove_empty_parents(target.parent, output)
    return removed


def _walk(root: Path) -> Iterable[str]:
    for folder, _, names in os.walk(root):
        for name in names:
            yield (Path(folder) / name).relative_to(root).as_posix()


def _remove_empty_parents(folder: Path, root: Path) -> None:
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
