"""The Jinja environment and the rendering of every page. Pure: Site in, OutputFiles out."""

from __future__ import annotations

import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from sitegen.cache import BuildCache
from sitegen.errors import BuildFailed, ContentError
from sitegen.feeds import robots_txt, site_feeds, site_map
from sitegen.labels import labels_for
from sitegen.markup import BODY_SIZES
from sitegen.model import Article, Config, ImageVariant, Site, Tag, output_path_for
from sitegen.seo import collection_page, news_article, script_json, website
from sitegen.theme import Theme
from sitegen.urls import absolute_url, relative_url, tag_slug


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


@jinja2.pass_context
def _srcset(context: jinja2.runtime.Context, variants: Iterable[ImageVariant]) -> str:
    """`srcset` of picture variants: "url 480w, url 960w", each URL working from the current page."""
    return ", ".join(f"{_href(context, v.url)} {v.width}w" for v in variants)


class _NamedLoader(jinja2.FileSystemLoader):
    """A FileSystemLoader whose templates are named `<prefix><name>` in errors, not by their absolute path:
    `templates/article.html` (relative to the site folder, like every ContentError path) or `theme/article.html`."""

    def __init__(self, searchpath: Path, prefix: str) -> None:
        super().__init__(searchpath)
        self.prefix = prefix

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        source, _, uptodate = super().get_source(environment, template)
        return source, f"{self.prefix}{template}", uptodate


def make_environment(site_templates: Path | None, theme: Theme) -> jinja2.Environment:
    """Site templates override the theme file by file; `theme/<name>` always reaches the theme's own file."""
    theme_loader = _NamedLoader(theme.templates, "theme/")
    loaders: list[jinja2.BaseLoader] = []
    if site_templates is not None and site_templates.is_dir():
        loaders.append(_NamedLoader(site_templates, f"{site_templates.name}/"))
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
    env.globals["srcset"] = _srcset
    env.globals["body_sizes"] = BODY_SIZES
    env.globals["tag_url"] = lambda name: Tag(name, tag_slug(name)).url
    env.globals["absolute_url"] = _absolute_url
    return env


@jinja2.pass_context
def _absolute_url(context: jinja2.runtime.Context, target: str) -> str:
    return absolute_url(context["site"].base_url, target)


def _nav(config: Config, current: str | None) -> tuple[NavLink, ...]:
    home = NavLink(config.home_title, "", current == "")
    return (home, *(NavLink(c.title, c.url, c.slug == current) for c in config.columns))


def _render(
    env: jinja2.Environment,
    config: Config,
    template: str,
    url: str | None,
    current: str | None,
    variables: dict[str, Any],
) -> bytes:
    context = {
        "site": config,
        "labels": labels_for(config.language),
        "nav": _nav(config, current),
        "page_url": url,
        "canonical_url": absolute_url(config.base_url, "404.html" if url is None else url),
        **variables,
    }
    try:
        return env.get_template(template).render(context).encode("utf-8")
    except jinja2.TemplateError as exc:
        raise BuildFailed([_template_error(exc, template)]) from None


def _template_error(exc: jinja2.TemplateError, template: str) -> ContentError:
    """Point at the template file and line, which Jinja keeps in its rewritten traceback."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return ContentError(exc.filename or exc.name or template, exc.lineno, None, f"template error: {exc.message}")
    for frame, line in reversed(list(traceback.walk_tb(exc.__traceback__))):
        filename = frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt", ".j2")):
            return ContentError(filename, line, None, f"template error: {exc.message}")
    return ContentError(f"templates/{template}", None, None, f"template error: {exc.message}")


def render_site(site: Site, env: jinja2.Environment, cache: BuildCache | None = None) -> Iterator[OutputFile]:
    """Every page of the site; with a cache, a page whose inputs did not change is not rendered again."""
    config = site.config

    def versions(articles: Iterable[Article | None]) -> tuple[object, ...]:
        return tuple((a.fingerprint, a.future, a.views) if a is not None else None for a in articles)

    def json_ld(data: object) -> Markup:
        return Markup(script_json(data))  # escaped for a <script> block by script_json

    def page(
        key: tuple[object, ...], template: str, url: str | None, current: str | None, **variables: Any
    ) -> OutputFile:
        path = output_path_for(url) if url is not None else "404.html"
        render = partial(_render, env, config, template, url, current, variables)
        return OutputFile(path, cache.page(key, render) if cache is not None else render())

    home = site.home
    shown = (*home.latest, *(a for block in home.column_blocks for a in block.articles), *home.most_read)
    yield page(
        ("home", versions(shown)),
        "home.html",
        "",
        "",
        latest=home.latest,
        column_blocks=home.column_blocks,
        most_read=home.most_read,
        json_ld=json_ld(website(config)),
    )
    for listing in site.listings:
        assert listing.column is not None
        yield page(
            ("listing", listing.url, listing.total, versions(listing.articles)),
            "column.html",
            listing.url,
            listing.column.slug,
            column=listing.column,
            listing=listing,
            json_ld=json_ld(collection_page(config, listing.column.title, listing.url, listing.articles)),
        )
    if site.tags:
        yield page(("tags", tuple((t.slug, t.count) for t in site.tags)), "tags.html", "tags/", None, tags=site.tags)
    for listing in site.tag_listings:
        assert listing.tag is not None
        yield page(
            ("tag", listing.url, listing.total, listing.tag.name, versions(listing.articles)),
            "tag.html",
            listing.url,
            None,
            tag=listing.tag,
            listing=listing,
            json_ld=json_ld(collection_page(config, listing.tag.name, listing.url, listing.articles)),
        )
    for item in site.article_pages:
        article = item.article
        yield page(
            ("article", article.url, versions((article, item.previous, item.next, *item.related))),
            "article.html",
            article.url,
            article.column,
            article=article,
            column=item.column,
            previous=item.previous,
            next=item.next,
            extra_images=article.unplaced_images,
            related=item.related,
            json_ld=json_ld(news_article(article, config)),
        )
    yield page(("404",), "404.html", None, None)
    for path, data in site_feeds(site):
        yield OutputFile(path, data)
    yield OutputFile("sitemap.xml", site_map(site))
    yield OutputFile("robots.txt", robots_txt(config))
