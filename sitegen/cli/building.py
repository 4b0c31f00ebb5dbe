"""`sitegen build` and `sitegen check`: options in, the library's report out (counts, warnings, the profile)."""

from __future__ import annotations

import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

import click

from sitegen.build.api import BuildOptions, BuildReport, build, check
from sitegen.build.lock import DEFAULT_TIMEOUT
from sitegen.build.output import OUTPUT_MODES
from sitegen.cli.common import CACHE_OPTION, SITE_OPTION, STRICT_OPTION, run, say
from sitegen.config import site_language
from sitegen.messages import translate

# In the context's object: the process ends with this command (the console script, sitegen.cli.console)
PROCESS_ENDS = "process_ends"


@click.command("build")
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
    process_ends = bool((click.get_current_context().obj or {}).get(PROCESS_ENDS))
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
        free_at_end=not process_ends,
        **jobs_option,
    )
    try:
        report = run(build, site_dir, options)
    finally:
        if progress is not None:
            progress.close()
    click.echo(_summary(report, lang))
    _warn(report, lang)
    if profile:
        _print_profile(report, lang)


def _summary(r: BuildReport, lang: str) -> str:
    """The line a build ends with: what it made, from which pictures, what it left out, when pages change next."""
    line = say(
        lang,
        f"Built {r.articles} articles, {r.pages} pages in {r.seconds:.2f} s -> {r.output_dir} "
        f"({r.files_written} files written, {r.files_unchanged} unchanged)",
        f"已生成 {r.articles} 篇文章、{r.pages} 个页面，用时 {r.seconds:.2f} 秒 -> {r.output_dir}"
        f"（写入 {r.files_written} 个文件，{r.files_unchanged} 个未变）",
    )
    if r.images_processed or r.images_reused:
        line += say(
            lang,
            f"; pictures: {r.images_processed} processed, {r.images_reused} from the cache",
            f"；图片：处理 {r.images_processed} 张，取自缓存 {r.images_reused} 张",
        )
    if r.left_out_drafts or r.left_out_future:
        line += say(
            lang,
            f"; left out {r.left_out_drafts} drafts, {r.left_out_future} scheduled",
            f"；未发布 {r.left_out_drafts} 篇草稿、{r.left_out_future} 篇定时文章",
        )
    if r.next_scheduled is not None:
        moment = r.next_scheduled.isoformat()
        line += say(lang, f" (next goes live at {moment})", f"（下一篇发布时间：{moment}）")
    if r.next_mourning is not None:
        moment = r.next_mourning.isoformat()
        if r.mourning:
            line += say(lang, f" (grey pages until {moment})", f"（全站变灰，至 {moment} 恢复）")
        else:
            line += say(lang, f" (grey pages from {moment})", f"（将于 {moment} 起全站变灰）")
    elif r.mourning:
        line += say(lang, " (grey pages)", "（全站变灰）")
    return line


def _warn(r: BuildReport, lang: str) -> None:
    for warning in (*r.cache_warnings, *r.warnings):
        click.echo(say(lang, f"warning: {warning}", f"提示：{translate(warning, lang)}"), err=True)
    for error in r.content_warnings:
        click.echo(say(lang, f"warning: {error.text(lang)}", f"提示：{error.text(lang)}"), err=True)


def _print_profile(r: BuildReport, lang: str) -> None:
    for phase, seconds in r.timings:
        click.echo(f"  {say(lang, phase, PHASES_ZH.get(phase, phase)):<24} {seconds:8.3f} s")
    click.echo(
        say(
            lang,
            f"  articles: {r.articles_rendered} rendered, {r.articles_reused} reused; "
            f"pages: {r.pages_rendered} rendered, {r.pages_reused} reused; "
            f"feeds, sitemaps and redirects: {r.data_files_made} made",
            f"  文章：渲染 {r.articles_rendered} 篇，复用 {r.articles_reused} 篇；"
            f"页面：渲染 {r.pages_rendered} 个，复用 {r.pages_reused} 个；"
            f"订阅源、站点地图与跳转：生成 {r.data_files_made} 个",
        )
    )
    click.echo(
        say(
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
        label = say(self.language, "pages", "页面")
        click.echo(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", nl=False, err=True)
        self.shown = True

    def close(self) -> None:
        if self.shown:
            click.echo("\r" + " " * 60 + "\r", nl=False, err=True)


@click.command("check")
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
    report = run(partial(check, production=production), site_dir, BuildOptions(cache_dir=cache_dir, strict=strict))
    lang = site_language(site_dir)
    click.echo(
        say(
            lang,
            f"OK: {report.articles} articles, {report.pages} pages, no errors.",
            f"检查通过：{report.articles} 篇文章、{report.pages} 个页面，没有错误。",
        )
    )
    _warn(report, lang)
