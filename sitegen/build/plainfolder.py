"""The plain-folder output layout (`--output-mode folder`), for hosts that cannot follow a symbolic link.

The build stages its changed files in `.public-building-XXXXXXXX/` beside the output; once every file is rendered it
writes a journal into that folder (the files to remove) and moves each staged file into `public/` with an atomic
rename, then removes what the build no longer makes. Every file is always whole (old or new), but while the commit
runs (after rendering, as long as renaming the changed files takes) a reader can see some files new and others
old. A build that dies during the commit leaves its staging folder with the journal: the next build completes that
commit before anything else (`recover`), so the mixture lasts until then. A staging folder without a journal
belongs to a build that died before its commit: it is removed, and the output never changed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from sitegen.build import generations
from sitegen.build.faults import fault_point
from sitegen.build.staging import MARKER, Staged, WorkerStaging, link_same, stage, walk, write_marker
from sitegen.model import OutputFile

JOURNAL = ".sitegen-commit"  # in a staging folder: its commit began; holds the files to remove, as JSON


def staging_folders(output: Path) -> list[Path]:
    """The staging folders of builds into `output` (tempfile.mkdtemp names: the prefix and eight characters)."""
    pattern = re.compile(re.escape(f".{output.name}-building-") + r"[A-Za-z0-9_]{8}")
    try:
        names = sorted(os.listdir(output.parent))
    except OSError:
        return []
    return [output.parent / name for name in names if pattern.fullmatch(name)]


def recover(output: Path) -> None:
    """Complete the commits of builds that died during one; remove the staging folders of the others.
    Called while holding the output lock: no live build is writing any of them."""
    for staging in staging_folders(output):
        if (staging / JOURNAL).is_file() and output.is_dir() and not output.is_symlink():
            _complete(staging, output)
        shutil.rmtree(staging, ignore_errors=True)


def write(
    files: Iterable[OutputFile], output: Path, previous: Iterable[str] | None, workers: WorkerStaging | None = None
) -> tuple[Staged, int]:
    """Stage, then commit into the plain folder `output`; (what was staged, files removed)."""
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}-building-", dir=output.parent))
    os.chmod(staging, 0o755)
    try:
        linked = generations.linked_build(output)
        current = generations.current_folder(output)
        staged = stage(files, staging, current, workers=workers)
        if current is None or linked is not None:
            _replace_whole(output, staging, current, staged, workers.jobs if workers is not None else 1)
            return staged, 0
        existing = set(previous) if previous is not None else set(walk(output))
        removals = sorted(existing - set(staged.paths))
        if not staged.changed and not removals:
            return staged, 0
        fault_point("staged")
        temporary = staging / f"{JOURNAL}.tmp"
        temporary.write_text(json.dumps(removals), encoding="utf-8")
        os.replace(temporary, staging / JOURNAL)  # from here on, the next build completes this commit
        fault_point("journal")
        return staged, _complete(staging, output)
    finally:
        if staging.is_symlink():
            staging.unlink()
        shutil.rmtree(staging, ignore_errors=True)


def _replace_whole(output: Path, staging: Path, current: Path | None, staged: Staged, jobs: int) -> None:
    """A first build, or the output a link until now: the staging folder made whole, then put in its place."""
    if current is not None:
        link_same(current, staging, staged.same, jobs)
    write_marker(staging)
    fault_point("staged")
    if current is None:
        staging.rename(output)
    elif not generations.exchange(staging, output):  # `staging` now names the link
        output.unlink()
        staging.rename(output)
    generations.prune(output)  # the builds of the link layout


def _complete(staging: Path, output: Path) -> int:
    """Move every staged file into the output, then remove the journal's files; safe to run again after a kill."""
    removals = json.loads((staging / JOURNAL).read_text(encoding="utf-8"))
    staged = [path for path in sorted(walk(staging)) if path not in (JOURNAL, f"{JOURNAL}.tmp")]
    for moved, path in enumerate(staged, 1):
        _move_in(staging, output, path)
        fault_point("committing", moved)
    if not (output / MARKER).is_file():
        write_marker(output)
    removed = 0
    for path in sorted(removals, reverse=True):
        target = output / path
        if target.is_file() or target.is_symlink():
            target.unlink()
            removed += 1
            _remove_empty_parents(target.parent, output)
    return removed


def _move_in(staging: Path, output: Path, path: str) -> None:
    target = output / path
    for parent in reversed(PurePosixPath(path).parents[:-1]):  # a file where a folder must go
        if (output / parent).is_file():
            (output / parent).unlink()
    if target.is_dir() and not target.is_symlink():  # a folder where a file must go
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staging / path, target)


def _remove_empty_parents(folder: Path, root: Path) -> None:
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
