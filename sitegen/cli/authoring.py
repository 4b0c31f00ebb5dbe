"""The commands an editor works with: `sitegen init`, `sitegen new` and `sitegen serve` (the live preview)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from sitegen.cli.common import SITE_OPTION, fail, refuse, say
from sitegen.config import load_config, site_language
from sitegen.errors import ConfigError, ContentError
from sitegen.scaffold import ScaffoldError, init_site, new_article


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--language", type=click.Choice(["zh-CN", "en"]), default="zh-CN", show_default=True)
def init_command(directory: Path, language: str) -> None:
    """Create a new site in DIRECTORY: site.yaml and one article per column."""
    try:
        created = init_site(directory, language)
    except ScaffoldError as exc:
        refuse(str(exc), language)
    for path in created:
        click.echo(say(language, f"created {path}", f"已创建 {path}"))
    click.echo(say(language, f"Next: sitegen build --site {directory}", f"下一步：sitegen build --site {directory}"))


@click.command("new")
@click.argument("column")
@click.argument("title")
@click.option("--slug", default=None, help="The file name and URL segment  [default: the title in pinyin]")
@SITE_OPTION
def new_command(column: str, title: str, slug: str | None, site_dir: Path) -> None:
    """Create a draft article in COLUMN titled TITLE and print its path."""
    language = site_language(site_dir)
    try:
        config = load_config(site_dir)
        path = new_article(site_dir, config, column, title, slug, datetime.now(config.timezone))
    except ConfigError as exc:
        fail(exc.errors, 2, language)
    except ScaffoldError as exc:
        refuse(str(exc), language)
    click.echo(path)


@click.command("serve")
@SITE_OPTION
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
def serve_command(site_dir: Path, host: str, port: int) -> None:
    """Serve the site with drafts, rebuilding and reloading the browser on every change."""
    from sitegen.serve import DevServer  # watchdog is needed only here

    language = site_language(site_dir)
    try:
        load_config(site_dir)
        server = DevServer(site_dir, host, port, language)
    except ConfigError as exc:
        fail(exc.errors, 2, language)
    except OSError as exc:
        refuse(f"cannot listen on {host}:{port}: {exc.strerror}", language)
    server.start()
    click.echo(
        say(
            language,
            f"Serving {site_dir.resolve()} at {server.url} (drafts and future articles shown); Ctrl-C stops.",
            f"预览 {site_dir.resolve()}：{server.url}（含草稿和定时文章）；按 Ctrl-C 停止。",
        )
    )
    _report_rebuild(server.state.generation, server.state.errors, server.state.last_rebuild_seconds, language)
    try:
        seen = server.state.generation
        while True:
            seen = server.state.wait_for(seen, timeout=3600)
            _report_rebuild(seen, server.state.errors, server.state.last_rebuild_seconds, language)
    except KeyboardInterrupt:
        click.echo(say(language, "Stopped.", "已停止。"))
    finally:
        server.stop()


def _report_rebuild(generation: int, errors: tuple[ContentError, ...], seconds: float, language: str) -> None:
    if not errors:
        click.echo(
            say(
                language,
                f"build {generation}: ok in {seconds:.2f} s",
                f"第 {generation} 次生成：成功，用时 {seconds:.2f} 秒",
            )
        )
        return
    click.echo(
        say(language, f"build {generation}: {len(errors)} error(s)", f"第 {generation} 次生成：{len(errors)} 个错误"),
        err=True,
    )
    for error in errors:
        click.echo(f"  {error.text(language)}", err=True)
