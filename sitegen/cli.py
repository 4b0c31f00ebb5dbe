"""The `sitegen` command: a thin click layer over the library.

Exit codes: 0 done, 1 content errors (all listed, nothing written), 2 bad usage or configuration.
Messages follow the site's language (zh-CN or en).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, NoReturn

import click

from sitegen.build.api import BuildOptions, BuildReport, build, check
from sitegen.build.diskfull import DiskProblem
from sitegen.build.lock import DEFAULT_TIMEOUT, OutputBusy
from sitegen.build.output import OUTPUT_MODES, OutputRefused
from sitegen.config import load_config, site_language
from sitegen.errors import BuildFailed, ConfigError, ContentError
from sitegen.importers.model import ImportReport
from sitegen.importers.report import report_data, report_lines
from sitegen.importers.run import ImportRefused, import_hugo, import_jekyll, import_legacy
from sitegen.importers.writer import write_report
from sitegen.messages import translate
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
    help="Where to keep the build cache and the processed pictures (safe to delete)  [default: SITE/.sitegen-cache]",
)

STRICT_OPTION = click.option(
    "--strict", is_flag=True, help="Treat warnings (such as a misspelt front-matter key) as errors: exit 1."
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
    except (OutputRefused, OutputBusy, DiskProblem) as exc:
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
@click.option("--no-search", is_flag=True, help="Leave out the search page, its index and the search box.")
@click.option("--jobs", "-j", type=click.IntRange(1), default=None, help="Processes to render with  [default: cores]")
@CACHE_OPTION
@click.option(
    "--no-cache",
    is_flag=True,
    help="A cold build: the build cache is neither read nor written, and every picture is processed again.",
)
@click.option("--profile", is_flag=True, help="Print the time of each phase and what was rendered or reused.")
@STRICT_OPTION
@click.option(
    "--wait",
    "wait_seconds",
    type=click.FloatRange(0),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    help="Seconds to wait for another build writing the same output folder.",
)
@click.option(
    "--output-mode",
    type=click.Choice(OUTPUT_MODES),
    default=OUTPUT_MODES[0],
    show_default=True,
    help="link: the output is a link to the last complete build, switched at once; "
    "folder: a plain folder, for hosts that cannot follow a link (see the README).",
)
def build_command(
    site_dir: Path,
    output_dir: Path | None,
    drafts: bool,
    future: bool,
    no_search: bool,
    jobs: int | None,
    cache_dir: Path | None,
    no_cache: bool,
    profile: bool,
    strict: bool,
    wait_seconds: float,
    output_mode: str,
) -> None:
    """Build the site into the output folder."""
    lang = site_language(site_dir)
    progress = _ProgressBar(lang) if sys.stderr.isatty() else None

    def waiting(message: str) -> None:
        click.echo(translate(message, lang), err=True)

    jobs_option: dict[str, Any] = {"jobs": jobs} if jobs else {}  # else BuildOptions' default
    options = BuildOptions(
        output_dir=output_dir,
        drafts=drafts,
        future=future,
        search=not no_search,
        cache_dir=cache_dir,
        disk_cache=not no_cache,
        progress=progress,
        lock_timeout=wait_seconds,
        on_lock_wait=waiting,
        strict=strict,
        output_mode=output_mode,
        **jobs_option,
    )
    try:
        report = _run(build, site_dir, options)
    finally:
        if progress is not None:
            progress.close()
    r = report
    line = _say(
        lang,
        f"Built {r.articles} articles, {r.pages} pages in {r.seconds:.2f} s -> {r.output_dir} "
        f"({r.files_written} files written, {r.files_unchanged} unchanged)",
        f"已生成 {r.articles} 篇文章、{r.pages} 个页面，用时 {r.seconds:.2f} 秒 -> {r.output_dir}"
        f"（写入 {r.files_written} 个文件，{r.files_unchanged} 个未变）",
    )
    if r.images_processed or r.images_reused:
        line += _say(
            lang,
            f"; pictures: {r.images_processed} processed, {r.images_reused} from the cache",
            f"；图片：处理 {r.images_processed} 张，取自缓存 {r.images_reused} 张",
        )
    if r.left_out_drafts or r.left_out_future:
        line += _say(
            lang,
            f"; left out {r.left_out_drafts} drafts, {r.left_out_future} scheduled",
            f"；未发布 {r.left_out_drafts} 篇草稿、{r.left_out_future} 篇定时文章",
        )
    if r.next_scheduled is not None:
        moment = r.next_scheduled.isoformat()
        line += _say(lang, f" (next goes live at {moment})", f"（下一篇发布时间：{moment}）")
    if r.next_mourning is not None:
        moment = r.next_mourning.isoformat()
        if r.mourning:
            line += _say(lang, f" (grey pages until {moment})", f"（全站变灰，至 {moment} 恢复）")
        else:
            line += _say(lang, f" (grey pages from {moment})", f"（将于 {moment} 起全站变灰）")
    elif r.mourning:
        line += _say(lang, " (grey pages)", "（全站变灰）")
    click.echo(line)
    _warn(r, lang)
    if profile:
        _print_profile(r, lang)


def _warn(r: BuildReport, lang: str) -> None:
    for warning in (*r.cache_warnings, *r.warnings):
        click.echo(_say(lang, f"warning: {warning}", f"提示：{translate(warning, lang)}"), err=True)
    for error in r.content_warnings:
        click.echo(_say(lang, f"warning: {error.text(lang)}", f"提示：{error.text(lang)}"), err=True)


def _print_profile(r: BuildReport, lang: str) -> None:
    for phase, seconds in r.timings:
        click.echo(f"  {_say(lang, phase, PHASES_ZH.get(phase, phase)):<24} {seconds:8.3f} s")
    click.echo(
        _say(
            lang,
            f"  articles: {r.articles_rendered} rendered, {r.articles_reused} reused; "
            f"pages: {r.pages_rendered} rendered, {r.pages_reused} reused",
            f"  文章：渲染 {r.articles_rendered} 篇，复用 {r.articles_reused} 篇；"
            f"页面：渲染 {r.pages_rendered} 个，复用 {r.pages_reused} 个",
        )
    )
    click.echo(
        _say(
            lang,
            f"  cache: {len(r.cache_warnings)} warnings (entries dropped and made again); "
            f"{r.images_removed} unused image-cache entries removed",
            f"  缓存：{len(r.cache_warnings)} 条提示（已丢弃并重新生成）；移除 {r.images_removed} 个久未使用的图片缓存",
        )
    )


PHASES_ZH = {
    "inputs unchanged": "输入未变，无需重建",
    "read the build cache": "读取构建缓存",
    "save the build cache": "保存构建缓存",
    "read and render Markdown": "读取并渲染 Markdown",
    "render templates": "渲染模板",
    "feeds and sitemap": "订阅源与站点地图",
    "search index": "搜索索引",
    "convert editions": "转换繁体版",
    "write": "写入",
}


class _ProgressBar:
    """One line on a terminal, redrawn in place; shown only when a build takes more than a moment."""

    DELAY = 0.5

    def __init__(self, language: str) -> None:
        self.language, self.started, self.shown = language, time.monotonic(), False

    def __call__(self, phase: str, done: int, total: int) -> None:
        if time.monotonic() - self.started < self.DELAY or total <= 0:
            return
        width = 30
        filled = width * done // total
        label = _say(self.language, "pages", "页面")
        click.echo(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", nl=False, err=True)
        self.shown = True

    def close(self) -> None:
        if self.shown:
            click.echo("\r" + " " * 60 + "\r", nl=False, err=True)


@main.command("check")
@SITE_OPTION
@CACHE_OPTION
@STRICT_OPTION
@click.option(
    "--production",
    is_flag=True,
    help="Also require what a public site in mainland China must show: an ICP number (filings.icp) when "
    "base_url is a public address.",
)
def check_command(site_dir: Path, cache_dir: Path | None, strict: bool, production: bool) -> None:
    """Validate everything a build would (config, front matter, pictures, links, templates); write nothing."""
    report = _run(partial(check, production=production), site_dir, BuildOptions(cache_dir=cache_dir, strict=strict))
    lang = site_language(site_dir)
    click.echo(
        _say(
            lang,
            f"OK: {report.articles} articles, {report.pages} pages, no errors.",
            f"检查通过：{report.articles} 篇文章、{report.pages} 个页面，没有错误。",
        )
    )
    _warn(report, lang)


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


# --------------------------------------------------------------------------- sitegen import

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


@main.group("import")
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
        site_dir, dry_run, lambda: import_legacy(site_dir, paths, column, images_dir, dry_run, urls_file), report_file
    )


@import_group.command("hugo")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@COLUMN_OPTION
@DRY_RUN_OPTION
@REPORT_OPTION
@SITE_OPTION
def import_hugo_command(source: Path, column: str, dry_run: bool, report_file: Path | None, site_dir: Path) -> None:
    """Import the posts of a Hugo site: its folder, its content/ folder, a section folder or one file."""
    _import(site_dir, dry_run, lambda: import_hugo(site_dir, source, column, dry_run), report_file)


@import_group.command("jekyll")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@COLUMN_OPTION
@DRY_RUN_OPTION
@REPORT_OPTION
@SITE_OPTION
def import_jekyll_command(source: Path, column: str, dry_run: bool, report_file: Path | None, site_dir: Path) -> None:
    """Import the posts of a Jekyll site: its folder, its _posts/ folder or one post."""
    _import(site_dir, dry_run, lambda: import_jekyll(site_dir, source, column, dry_run), report_file)


def _import(site_dir: Path, dry_run: bool, action: Callable[[], ImportReport], report_file: Path | None) -> None:
    """Run an import, print the report (counts, then what needs a look); exit 1 unless everything came in."""
    lang = site_language(site_dir)
    try:
        report = action()
    except ConfigError as exc:
        _fail(exc.errors, 2, lang)
    except ImportRefused as exc:
        _refuse(str(exc), lang)
    for line, to_stderr in report_lines(report, lang, dry_run):
        click.echo(line, err=to_stderr)
    if report_file is not None:
        write_report(report_file, report_data(report, lang, dry_run))
    if not report.complete:
        sys.exit(1)
