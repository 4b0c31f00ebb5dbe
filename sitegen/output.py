"""The only module that writes the built site: a temporary folder, then a swap.

A failed build leaves the previous output as it was. A file whose bytes did not change is hard-linked
from the previous output, so it keeps its modification time (friendly to rsync and CDN uploads).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sitegen.render import OutputFile

MARKER = ".sitegen-output"  # marks a folder sitegen may replace


class OutputRefused(Exception):
    """The output folder is one sitegen must not replace."""


@dataclass(frozen=True, slots=True)
class WriteReport:
    written: int
    unchanged: int


def check_output_dir(output: Path, site_dir: Path) -> None:
    """Refuse folders whose replacement would delete a user's files."""
    output, site = output.resolve(), site_dir.resolve()
    forbidden = {Path("/"), Path.home().resolve(), site, site / "content", site / "templates", site / "assets"}
    if output in forbidden or site.is_relative_to(output):
        raise OutputRefused(f"refusing to build into {output}: it holds the site or your files")
    for sources in ("content", "assets", "templates"):  # inside assets/, every build would copy the last one
        if output.is_relative_to(site / sources):
            raise OutputRefused(f"refusing to build into {output}: it is inside {sources}/")
    if output.exists() and not output.is_dir():
        raise OutputRefused(f"refusing to build into {output}: it is a file")
    if output.is_dir() and any(output.iterdir()) and not (output / MARKER).exists():
        raise OutputRefused(
            f"refusing to build into {output}: it is not empty and was not made by sitegen; "
            "empty it or choose another --output"
        )


def write_site(files: Iterable[OutputFile], output: Path) -> WriteReport:
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}-building-", dir=output.parent))
    try:
        written = unchanged = 0
        for file in files:
            target = staging / file.path
            target.parent.mkdir(parents=True, exist_ok=True)
            if _link_if_unchanged(output / file.path, target, file):
                unchanged += 1
                continue
            if file.data is not None:
                target.write_bytes(file.data)
            elif file.copy_from is not None:
                shutil.copyfile(file.copy_from, target)
            written += 1
        (staging / MARKER).write_text("built by sitegen; safe to delete\n", encoding="utf-8")
        os.chmod(staging, 0o755)
        _swap(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return WriteReport(written, unchanged)


def _link_if_unchanged(previous: Path, target: Path, file: OutputFile) -> bool:
    """Hard-link the previous output's file into the staging folder when its bytes are the same."""
    try:
        if target.exists() or not previous.is_file():
            return False
        new_size = len(file.data) if file.data is not None else file.copy_from.stat().st_size  # type: ignore[union-attr]
        if previous.stat().st_size != new_size:
            return False
        new_bytes = file.data if file.data is not None else file.copy_from.read_bytes()  # type: ignore[union-attr]
        if previous.read_bytes() != new_bytes:
            return False
        os.link(previous, target)
        return True
    except OSError:
        return False


def _swap(staging: Path, output: Path) -> None:
    if not output.exists():
        staging.rename(output)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{output.name}-old-", dir=output.parent))
    retired.rmdir()
    output.rename(retired)
    try:
        staging.rename(output)
    except BaseException:
        retired.rename(output)
        raise
    shutil.rmtree(retired, ignore_errors=True)
