"""`sitegen import legacy|hugo|jekyll`: run an importer, print its report, exit 1 unless everything came in."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import click

from sitegen.cli.common import SITE_OPTION, fail, refuse
from sitegen.config import site_language
from sitegen.errors import ConfigError

if TYPE_CHECKING:
    from sitegen.importers.model import ImportReport
# the importers are imported by the commands that run them: `sitegen build` need not load them (50 ms)

COLUMN_OPTION = click.option(
    "--column", required=True, help="The column the articles go to: its folder under content/ (see site.yaml)."
)
DRY_RUN_OPTION = click.option("--dry-run", is_flag=True, help="Report what would be written; write nothing.")
REPORT_OPTION = click.option(
    "--report",
    "report_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the report as JSON to this file (for scripts).",
)


@click.group("import")
def import_group() -> None:
    """Import articles: pages of the old portal, or posts of a Hugo or Jekyll site. Never overwrites."""


@import_group.command("legacy")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@COLUMN_OPTION
@click.option(
    "--images",
    "images_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="A folder holding the pages' pictures, found by file name and copied beside each article.",
)
@click.option(
    "--urls",
    "urls_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A file of 'page file name, old URL' lines: each page's old address redirects to its article.",
)
@DRY_RUN_OPTION
@REPORT_OPTION
@SITE_OPTION
def import_legacy_command(
    paths: tuple[Path, ...],
    column: str,
    images_dir: Path | None,
    urls_file: Path | None,
    dry_run: bool,
    report_file: Path | None,
    site_dir: Path,
) -> None:
    """Import pages of the old portal saved as text: FILE(s), or DIR(s) of .txt files."""
    _import(
        site_dir,
        dry_run,
        lambda: _importers().import_legacy(site_dir, paths, column, images_dir, dry_run, urls_file),
        report_file,
    )


@import_group.command("hugo")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@COLUMN_OPTION
@DRY_RUN_OPTION
@REPORT_OPTION
@SITE_OPTION
def import_hugo_command(source: Path, column: str, dry_run: bool, report_file: Path | None, site_dir: Path) -> None:
    """Import the posts of a Hugo site: its folder, its content/ folder, a section folder or one file."""
    _import(site_dir, dry_run, lambda: _importers().import_hugo(site_dir, source, column, dry_run), report_file)


@import_group.command("jekyll")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@COLUMN_OPTION
@DRY_RUN_OPTION
@REPORT_OPTION
@SITE_OPTION
def import_jekyll_command(source: Path, column: str, dry_run: bool, report_file: Path | None, site_dir: Path) -> None:
    """Import the posts of a Jekyll site: its folder, its _posts/ folder or one post."""
    _import(site_dir, dry_run, lambda: _importers().import_jekyll(site_dir, source, column, dry_run), report_file)


def _import(site_dir: Path, dry_run: bool, action: Callable[[], ImportReport], report_file: Path | None) -> None:
    """Run an import, print the report (counts, then what needs a look); exit 1 unless everything came in."""
    from sitegen.importers.report import report_data, report_lines
    from sitegen.importers.writer import write_report

    lang = site_language(site_dir)
    try:
        report = action()
    except ConfigError as exc:
        fail(exc.errors, 2, lang)
    except _importers().ImportRefused as exc:
        refuse(str(exc), lang)
    for line, to_stderr in report_lines(report, lang, dry_run):
        click.echo(line, err=to_stderr)
    if report_file is not None:
        write_report(report_file, report_data(report, lang, dry_run))
    if not report.complete:
        sys.exit(1)


def _importers() -> ModuleType:
    from sitegen.importers import run

    return run
