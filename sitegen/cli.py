"""The `sitegen` command: a thin click layer over the library.

Exit codes: 0 done, 1 content errors (all listed, nothing written), 2 bad usage or configuration.
Messages follow the site's language (zh-CN or en).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import NoReturn

import click

from sitegen.build import BuildOptions, BuildReport, build, check
from sitegen.config import load_config, site_language
from sitegen.errors import BuildFailed, ConfigError, ContentError
from sitegen.messages import translate
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

CACHE_OPTION = click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where processed pictures are kept between builds (safe to delete)  [default: SITE/.sitegen-cache]",
)


def _say(language: str, english: str, chinese: str) -> str:
    return chinese if language == "zh-CN" else english


def _fail(errors: Iterable[ContentError], code: int, language: str) -> NoReturn:
    errors = tuple(errors)
    for error in errors:
        click.echo(error.text(language), err=True)
    count = len(errors)
    click.echo(
        _say(
            language,
            f"{count} error{'s' if count != 1 else ''}; nothing was written.",
            f"共 {count} 个错误；没有写入任何文件。",
        ),
        err=True,
    )
    sys.exit(code)


def _refuse(message: str, language: str) -> NoReturn:
    click.echo(translate(message, language), err=True)
    sys.exit(2)


def _run(action: Callable[[Path, BuildOptions], BuildReport], site_dir: Path, options: BuildOptions) -> BuildReport:
    language = site_language(site_dir)
    try:
        return action(site_dir, options)
    except ConfigError as exc:
        _fail(exc.errors, 2, language)
    except BuildFailed as exc:
        _fail(exc.errors, 1, language)
    except OutputRefused as exc:
        _refuse(str(exc), language)


@click.group()
@click.version_option(package_name="sitegen")
def main() -> None:
    """Build a district news site from Markdown articles."""


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
@CACHE_OPTION
def build_command(site_dir: Path, output_dir: Path | None, drafts: bool, future: bool, cache_dir: Path | None) -> None:
    """Build the site into the output folder."""
    options = BuildOptions(output_dir=output_dir, drafts=drafts, future=future, cache_dir=cache_dir)
    report = _run(build, site_dir, options)
    lang = site_language(site_dir)
    r = report
    pictures = r.images_processed + r.images_reused
    click.echo(
        _say(
            lang,
            f"Built {r.articles} articles, {r.pages} pages in {r.seconds:.2f} s -> {r.output_dir} "
            f"({r.files_written} files written, {r.files_unchanged} unchanged"
            + (f"; pictures: {r.images_processed} processed, {r.images_reused} from the cache)" if pictures else ")"),
            f"已生成 {r.articles} 篇文章、{r.pages} 个页面，用时 {r.seconds:.2f} 秒 -> {r.output_dir}"
            f"（写入 {r.files_written} 个文件，{r.files_unchanged} 个未变"
            + (f"；图片：处理 {r.images_processed} 张，取自缓存 {r.images_reused} 张）" if pictures else "）"),
        )
    )
    for warning in r.warnings:
        click.echo(_say(lang, f"warning: {warning}", f"提示：{translate(warning, lang)}"), err=True)
    if r.left_out_drafts or r.left_out_future:
        click.echo(
            _say(
                lang,
                f"Left out {r.left_out_drafts} drafts and {r.left_out_future} future-dated articles.",
                f"未发布：{r.left_out_drafts} 篇草稿，{r.left_out_future} 篇定时文章。",
            )
        )
    if r.next_scheduled is not None:
        moment = r.next_scheduled.isoformat()
        click.echo(_say(lang, f"Next scheduled article goes live at {moment}.", f"下一篇定时文章发布时间：{moment}。"))


@main.command("check")
@SITE_OPTION
@CACHE_OPTION
def check_command(site_dir: Path, cache_dir: Path | None) -> None:
    """Validate everything a build would (config, front matter, pictures, links, templates); write nothing."""
    report = _run(check, site_dir, BuildOptions(cache_dir=cache_dir))
    click.echo(
        _say(
            site_language(site_dir),
            f"OK: {report.articles} articles, {report.pages} pages, no errors.",
            f"检查通过：{report.articles} 篇文章、{report.pages} 个页面，没有错误。",
        )
    )


@main.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--language", type=click.Choice(["zh-CN", "en"]), default="zh-CN", show_default=True)
def init_command(directory: Path, language: str) -> None:
    """Create a new site in DIRECTORY: site.yaml and one article per column."""
    try:
        created = init_site(directory, language)
    except ScaffoldError as exc:
        _refuse(str(exc), language)
    for path in created:
        click.echo(_say(language, f"created {path}", f"已创建 {path}"))
    click.echo(_say(language, f"Next: sitegen build --site {directory}", f"下一步：sitegen build --site {directory}"))


@main.command("new")
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
        _fail(exc.errors, 2, language)
    except ScaffoldError as exc:
        _refuse(str(exc), language)
    click.echo(path)


@main.command("serve")
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
        _fail(exc.errors, 2, language)
    except OSError as exc:
        _refuse(f"cannot listen on {host}:{port}: {exc.strerror}", language)
    server.start()
    click.echo(
        _say(
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
        click.echo(_say(language, "Stopped.", "已停止。"))
    finally:
        server.stop()


def _report_rebuild(generation: int, errors: tuple[ContentError, ...], seconds: float, language: str) -> None:
    if not errors:
        click.echo(
            _say(
                language,
                f"build {generation}: ok in {seconds:.2f} s",
                f"第 {generation} 次生成：成功，用时 {seconds:.2f} 秒",
            )
        )
        return
    click.echo(
        _say(language, f"build {generation}: {len(errors)} error(s)", f"第 {generation} 次生成：{len(errors)} 个错误"),
        err=True,
    )
    for error in errors:
        click.echo(f"  {error.text(language)}", err=True)
