"""The `sitegen` command: a thin click layer over the library. Exit 0 built, 1 content errors, 2 usage/config."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from sitegen.build import BuildOptions, BuildReport, build, check
from sitegen.config import load_config
from sitegen.errors import BuildFailed, ConfigError
from sitegen.output import OutputRefused
from sitegen.scaffold import ScaffoldError, init_site, new_article

SITE_OPTION = click.option(
    "--site",
    "site_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="The site folder (holding site.yaml).",
)


@click.group()
@click.version_option(package_name="sitegen")
def main() -> None:
    """Build a district news site from Markdown articles."""


def _fail(errors: tuple, code: int) -> None:
    for error in errors:
        click.echo(str(error), err=True)
    noun = "error" if len(errors) == 1 else "errors"
    click.echo(f"{len(errors)} {noun}; nothing was written.", err=True)
    sys.exit(code)


def _run(action, site_dir: Path, options: BuildOptions) -> BuildReport:  # type: ignore[no-untyped-def]
    try:
        return action(site_dir, options)
    except ConfigError as exc:
        _fail(exc.errors, 2)
    except BuildFailed as exc:
        _fail(exc.errors, 1)
    except OutputRefused as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    raise AssertionError("unreachable")


@main.command("build")
@SITE_OPTION
@click.option(
    "--output",
    "output_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write the site  [default: SITE/public]",
)
@click.option("--drafts", is_flag=True, help="Include articles marked draft: true.")
@click.option("--future", is_flag=True, help="Include articles dated in the future.")
def build_command(site_dir: Path, output_dir: Path | None, drafts: bool, future: bool) -> None:
    """Build the site into the output folder."""
    report = _run(build, site_dir, BuildOptions(output_dir=output_dir, drafts=drafts, future=future))
    click.echo(
        f"Built {report.articles} articles, {report.pages} pages in {report.seconds:.2f} s "
        f"-> {report.output_dir} ({report.files_written} written, {report.files_unchanged} unchanged)"
    )
    if report.left_out_drafts or report.left_out_future:
        click.echo(f"Left out {report.left_out_drafts} drafts and {report.left_out_future} future-dated articles.")
    if report.next_scheduled is not None:
        click.echo(f"Next scheduled article goes live at {report.next_scheduled.isoformat()}.")


@main.command("check")
@SITE_OPTION
@click.option("--drafts", is_flag=True, help="Also check articles marked draft: true as published.")
def check_command(site_dir: Path, drafts: bool) -> None:
    """Validate everything a build would, writing nothing."""
    report = _run(check, site_dir, BuildOptions(drafts=drafts))
    click.echo(f"OK: {report.articles} articles, {report.pages} pages, no errors.")


@main.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--language", type=click.Choice(["zh-CN", "en"]), default="zh-CN", show_default=True)
def init_command(directory: Path, language: str) -> None:
    """Create a new site in DIRECTORY: site.yaml and one article per column."""
    try:
        created = init_site(directory, language)
    except ScaffoldError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    for path in created:
        click.echo(f"created {path}")
    click.echo(f"Next: sitegen build --site {directory}")


@main.command("new")
@click.argument("column")
@click.argument("title")
@click.option("--slug", default=None, help="The file name and URL segment  [default: the title in pinyin]")
@SITE_OPTION
def new_command(column: str, title: str, slug: str | None, site_dir: Path) -> None:
    """Create a draft article in COLUMN titled TITLE and print its path."""
    try:
        config = load_config(site_dir)
        path = new_article(site_dir, config, column, title, slug, datetime.now(config.timezone))
    except ConfigError as exc:
        _fail(exc.errors, 2)
    except ScaffoldError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    click.echo(path)


@main.command("serve")
@SITE_OPTION
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
def serve_command(site_dir: Path, host: str, port: int) -> None:
    """Serve the site with drafts, rebuilding and reloading the browser on every change."""
    from sitegen.serve import DevServer  # watchdog is needed only here

    try:
        config = load_config(site_dir)
        server = DevServer(site_dir, host, port, config.language)
    except ConfigError as exc:
        _fail(exc.errors, 2)
    except OSError as exc:
        click.echo(f"cannot listen on {host}:{port}: {exc.strerror}", err=True)
        sys.exit(2)
    server.start()
    click.echo(f"Serving {site_dir.resolve()} at {server.url} (drafts and future articles shown); Ctrl-C stops.")
    if server.state.errors:
        click.echo(f"{len(server.state.errors)} error(s); the browser shows them until they are fixed.", err=True)
    try:
        while True:
            generation = server.state.wait_for(server.state.generation, timeout=3600)
            if server.state.errors:
                click.echo(f"rebuild {generation}: {len(server.state.errors)} error(s)", err=True)
                for error in server.state.errors:
                    click.echo(f"  {error}", err=True)
            else:
                click.echo(f"rebuild {generation}: ok in {server.state.last_rebuild_seconds:.2f} s")
    except KeyboardInterrupt:
        click.echo("Stopping.")
    finally:
        server.stop()
