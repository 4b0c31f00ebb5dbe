"""What every command shares: the options, the site's language, printing a build's errors and exiting."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NoReturn

import click

from sitegen.build.api import BuildOptions, BuildReport
from sitegen.build.diskfull import DiskProblem
from sitegen.build.lock import OutputBusy
from sitegen.build.output import OutputRefused
from sitegen.config import site_language
from sitegen.errors import BuildFailed, ConfigError, ContentError
from sitegen.messages import translate

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


def say(language: str, english: str, chinese: str) -> str:
    """The Chinese text on a zh-CN site, else the English."""
    return chinese if language == "zh-CN" else english


def fail(errors: Iterable[ContentError], code: int, language: str) -> NoReturn:
    """Print every error and their count, then exit with `code`."""
    errors = tuple(errors)
    for error in errors:
        click.echo(error.text(language), err=True)
    count = len(errors)
    click.echo(
        say(
            language,
            f"{count} error{'s' if count != 1 else ''}; nothing was written.",
            f"共 {count} 个错误；没有写入任何文件。",
        ),
        err=True,
    )
    sys.exit(code)


def refuse(message: str, language: str) -> NoReturn:
    """Print why the command will not do it, then exit 2."""
    click.echo(translate(message, language), err=True)
    sys.exit(2)


def run(action: Callable[[Path, BuildOptions], BuildReport], site_dir: Path, options: BuildOptions) -> BuildReport:
    """`build` or `check` on the site: its report, or its errors printed and the exit code of sitegen.cli."""
    language = site_language(site_dir)
    try:
        return action(site_dir, options)
    except ConfigError as exc:
        fail(exc.errors, 2, language)
    except BuildFailed as exc:
        for warning in exc.warnings:  # a failed build still says what it would have warned of
            click.echo(say(language, f"warning: {warning.text(language)}", f"提示：{warning.text(language)}"), err=True)
        fail(exc.errors, 1, language)
    except (OutputRefused, OutputBusy, DiskProblem) as exc:
        refuse(str(exc), language)
