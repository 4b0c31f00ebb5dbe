"""The `sitegen` command: a thin click layer over the library.

Exit codes: 0 done, 1 content errors (all listed, nothing written), 2 bad usage or configuration.
Messages follow the site's language (zh-CN or en). The commands live by group in building.py (build, check),
authoring.py (init, new, serve) and importing.py (import), with what they share in common.py; `main` gathers them.
"""

from __future__ import annotations

import click

from sitegen.cli.authoring import init_command, new_command, serve_command
from sitegen.cli.building import build_command, check_command
from sitegen.cli.importing import import_group


@click.group()
@click.version_option(package_name="sitegen")
def main() -> None:
    """Build a district news site from Markdown articles."""


for command in (build_command, check_command, init_command, new_command, serve_command, import_group):
    main.add_command(command)
