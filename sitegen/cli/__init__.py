"""The `sitegen` command: a thin click layer over the library.

Exit codes: 0 done, 1 content errors (all listed, nothing written), 2 bad usage or configuration, 130 interrupted
(Ctrl-C: the output as the last complete build left it).
Messages follow the site's language (zh-CN or en). The commands live by group in building.py (build, check),
authoring.py (init, new, serve) and importing.py (import), with what they share in common.py; `main` gathers them.
"""

from __future__ import annotations

from typing import Any

import click

from sitegen.cli.authoring import init_command, new_command, serve_command
from sitegen.cli.building import PROCESS_ENDS, build_command, check_command
from sitegen.cli.importing import import_group

INTERRUPTED = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C


class _Commands(click.Group):
    """click's group, but Ctrl-C exits 130, not click's 1: CI and scripts can tell it from content errors."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("\nInterrupted (已中断).", err=True)
            ctx.exit(INTERRUPTED)


@click.group(cls=_Commands)
@click.version_option(package_name="sitegen")
def main() -> None:
    """Build a district news site from Markdown articles."""


for command in (build_command, check_command, init_command, new_command, serve_command, import_group):
    main.add_command(command)


def console() -> None:
    """The `sitegen` command itself (the console script): its process ends with the command, so a build leaves
    what it loaded to the process's end instead of freeing it (BuildOptions.free_at_end). `main`, called from
    Python (tests, scripts), frees it as a library call does."""
    main(obj={PROCESS_ENDS: True})
