"""The `sitegen` console script's way in: Ctrl-C at any moment ends the command with exit 130 and one line, also
while its modules are still being imported (sitegen.cli turns Ctrl-C into 130 only once a command runs; before,
Python printed a traceback). Imports none of sitegen until called: the guard is up before the command's modules load."""

from __future__ import annotations

import sys

INTERRUPTED = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C (sitegen.cli's too)


def console() -> None:
    """The `sitegen` command (pyproject.toml's console script): sitegen.cli.console, guarded."""
    try:
        from sitegen.cli import console as command

        command()
    except KeyboardInterrupt:
        sys.stderr.write("\nInterrupted (已中断).\n")
        raise SystemExit(INTERRUPTED) from None
