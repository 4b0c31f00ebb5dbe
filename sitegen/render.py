"""The Jinja environment and the rendering of every page. Pure: Site in, OutputFiles out."""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2

from sitegen.errors import BuildFailed, ContentError
from sitegen.labels import labels_for
from sitegen.model import Config, Site, output_path_for
from sitegen.theme import Theme
from sitegen.urls import absolute_url, relative_url


@dataclass(frozen=True, slots=True)
class OutputFile:
    """A file of the built site: rendered bytes, or a source file to copy."""

    path: str  # relative to the output folder, POSIX
    data: bytes | None = None
    copy_from: Path | None = None


@dataclass(frozen=True, slots=True)
class NavLink:
    title: str
    url: str
    current: bool


def date_text(moment: datetime) -> str:
    if (moment.hour, moment.minute, moment.second) == (0, 0, 0):
        return moment.strftime("%Y-%m-%d")
    return moment.strftime("%Y-%m-%d %H:%M")


def isodate(moment: datetime) -> str:
    return moment.isoformat()


@jinja2.pass_context
def _href(context: jinja2.runtime.Context, target: str) -> str:
    page_url = context["page_url"]
    if page_url is None:  # 404.html is served at any URL: link from the site root
        if "://" in target:
            return target
        return urlsplit(context["site"].base_url).path + target
    return relative_url(page_url, target)


def make_environment(site_templates: Path | None, theme: Theme) -> jinja2.Environment:
    """Site templates override the theme file by file; `theme/<name>` always reaches the theme's own file."""
    theme_loader = jinja2.FileSystemLoader(theme.templates)
    loaders: list[jinja2.BaseLoader] = []
    if site_templates is not None and site_templates.is_dir():
        loaders.append(jinja2.FileSystemLoader(site_templates))
    loaders += [theme_loader, jinja2.PrefixLoader({"theme": theme_loader})]
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["date_text"] = date_text
    env.filters["isodate"] = isodate
    env.globals["href"] = _href
    return env


def _nav(config: Config, current: str | None) -> tuple[NavLink, ...]:
    home = NavLink(config.home_title, "", current == "")
    return (home, *(NavLink(c.title, c.url, c.slug == current) for c in config.columns))


def _page(
    env: jinja2.Environment, config: Config, template: str, url: str | None, current: str | None, **variables: Any
) -> OutputFile:
    context = {
        "site": config,
        "labels": labels_for(config.language),
        "nav": _nav(config, current),
        "page_url": url,
        "canonical_url": absolute_url(config.base_url, url or "404.html"),
        **variables,
    }
    try:
        html = env.get_template(template).render(context)
    except jinja2.TemplateError as exc:
        raise BuildFailed([_template_error(exc, template)]) from None
    return OutputFile(output_path_for(url) if url is not None else "404.html", html.encode("utf-8"))


def _template_error(exc: jinja2.TemplateError, template: str) -> ContentError:
    """Point at the template file and line, which Jinja keeps in its rewritten traceback."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return ContentError(exc.filename or exc.name or template, exc.lineno, None, f"template error: {exc.message}")
    for frame, line in reversed(list(traceback.walk_tb(exc.__traceback__))):
        filename = frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt", ".j2")):
            return ContentError(filename, line, None, f"template error: {exc.message}")
    return ContentError(f"templates/{template}", None, None, f"template error: {exc.message}")


def render_site(site: Site, env: jinja2.Environment) -> Iterator[OutputFile]:
    config = site.config
    yield _page(
        env,
        config,
        "home.html",
        "",
        "",
        latest=site.home.latest,
        column_blocks=site.home.column_blocks,
        most_read=site.home.most_read,
    )
    for listing in site.listings:
        yield _page(
            env, config, "column.html", listing.url, listing.column.slug, column=listing.column, listing=listing
        )
    for page in site.article_pages:
        article = page.article
        yield _page(
            env,
            config,
            "article.html",
            article.url,
            article.column,
            article=article,
            column=page.column,
            previous=page.previous,
            next=page.next,
            extra_images=article.unplaced_images,
        )
    yield _page(env, config, "404.html", None, None)
