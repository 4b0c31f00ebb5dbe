"""The only writer of the built site (with the layouts it drives): changed files staged, then committed at once.

Nothing in the output changes until every file of the build has been rendered: a failed build (content, template,
full disk or any other error) leaves the previous output as it was, and removes its staging folder. Two layouts:

  link (default)  build/generations.py: `public` is a symbolic link to the build folder it shows, switched by one
                  atomic rename; a reader sees the previous build or the new one, whenever a build dies.
  folder          build/plainfolder.py: `public/` is a plain folder, each changed file renamed into it; every file
                  is whole, and a commit cut short is completed by the next build before anything else.

A file whose bytes did not change is not written again (it keeps its inode and modification time: rsync and CDN
uploads see no change), and a build that changes nothing writes nothing. `recover` (called under the output lock,
first thing) removes or completes what builds that died left behind.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.build import generations, plainfolder
from sitegen.build.diskfull import DiskProblem, disk_errno, folder_size
from sitegen.build.faults import fault_point
from sitegen.build.staging import MARKER, MARKER_TEXT, WorkerStaging
from sitegen.layout import ASSETS_DIR, CONTENT_DIR, TEMPLATES_DIR
from sitegen.model import OutputFile, WrittenStat

SOURCE_FOLDERS = (CONTENT_DIR, ASSETS_DIR, TEMPLATES_DIR)
LINK, FOLDER = "link", "folder"
OUTPUT_MODES = (LINK, FOLDER)

__all__ = ["FOLDER", "LINK", "MARKER", "MARKER_TEXT", "OUTPUT_MODES", "OutputRefused", "WriteReport", "write_site"]


class OutputRefused(Exception):
    """The output folder is one sitegen must not replace."""


@dataclass(frozen=True, slots=True)
class WriteReport:
    written: int
    unchanged: int
    removed: int = 0
    paths: tuple[str, ...] = ()  # every file of the output, sorted
    kept: tuple[str, ...] = ()  # the files kept unseen, by their key (OutputFile.unchanged)
    stats: Mapping[str, WrittenStat] = field(default_factory=dict)  # of the files written, as written


def output_location(path: Path) -> Path:
    """The absolute path of an output: a link of the link layout stays the path (it is what a build switches);
    any other link is followed, as it always was (`public -> /srv/www/site` builds into /srv/www/site)."""
    path = Path(os.path.abspath(path))
    if generations.linked_build(path) is not None:
        return path.parent.resolve() / path.name
    return path.resolve()


def check_output_dir(output: Path, site_dir: Path) -> None:
    """Refuse folders whose replacement would delete a user's files."""
    output, site = output_location(output), site_dir.resolve()
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


def recover(output: Path) -> None:
    """Remove the staging folders of builds that died, complete a plain-folder commit cut short, and remove build
    folders of the link layout that are neither shown nor the one before. Only under the output lock."""
    output = output_location(output)
    plainfolder.recover(output)
    generations.prune(output)
    fault_point("recovered")


def write_site(
    files: Iterable[OutputFile],
    output: Path,
    previous: Iterable[str] | None = None,
    mode: str = LINK,
    workers: WorkerStaging | None = None,
) -> WriteReport:
    """Make `output` hold exactly `files`. `previous`: the files of the last build, when known (else it is walked).
    `workers`: where the page workers may write pages themselves (staging.WorkerStaging)."""
    output = output_location(output)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        recover(output)
        layout = plainfolder if mode == FOLDER else generations
        staged, removed = layout.write(files, output, previous, workers)
    except OSError as exc:  # a full disk while staging is told by stage(); this is one met elsewhere
        if disk_errno(exc) is None:
            raise
        named = Path(os.fsdecode(exc.filename)) if exc.filename else None
        where = named.parent if named is not None and named.is_absolute() else output.parent
        raise DiskProblem(where, folder_size(output), exc.errno == errno.EROFS) from exc
    fault_point("committed")
    paths = tuple(sorted(staged.paths))
    return WriteReport(len(staged.changed), len(staged.same), removed, paths, staged.kept, staged.stats)
