"""The Jinja environment and the rendering of every page (which pages there are: render/pagejobs.py). Pure."""

from __future__ import annotations

import functools
import hashlib
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import jinja2
import jinja2.meta
from markupsafe import Markup

from sitegen.content.markup import BODY_SIZES
from sitegen.errors import BuildFailed, ContentError
from sitegen.model import BodyOf, Config, ImageVariant, Tag
from sitegen.render.compiled import kept_code
from sitegen.render.datafiles import data_files as data_files  # where serve's lazy site takes it from
from sitegen.render.labels import labels_for
from sitegen.render.memo import IncludeMemo, MemoEnvironment, context_value
from sitegen.render.pagejobs import PageJob, edition_prefix
from sitegen.render.seo import script_json
from sitegen.render.theme import Theme
from sitegen.urls import absolute_url, in_edition, passes_through, relative_url, tag_slug


@dataclass(frozen=True, slots=True)
class NavLink:
    title: str
    url: str
    current: bool


def date_text(moment: datetime) -> str:
    return _date_text(moment, moment.tzinfo, moment.fold)


def isodate(moment: datetime) -> str:
    return _isodate(moment, moment.tzinfo, moment.fold)


# An article's date is shown on many pages (its cards, its neighbours'), and strftime takes some 6 µs: each text is
# made once. Keyed by the time zone and fold too: two equal instants may print differently.
@functools.lru_cache(maxsize=16384)
def _date_text(moment: datetime, _zone: object, _fold: int) -> str:
    if (moment.hour, moment.minute, moment.second) == (0, 0, 0):
        return moment.strftime("%Y-%m-%d")
    return moment.strftime("%Y-%m-%d %H:%M")


@functools.lru_cache(maxsize=16384)
def _isodate(moment: datetime, _zone: object, _fold: int) -> str:
    return moment.isoformat()


def og_locale(language: str) -> str:
    """Open Graph's language_TERRITORY from a BCP 47 tag: zh-CN -> zh_CN, zh-Hant-HK -> zh_HK, en -> en."""
    parts = language.split("-")
    region = next((p for p in reversed(parts[1:]) if len(p) == 2 and p.isalpha()), None)
    return f"{parts[0]}_{region.upper()}" if region else parts[0]


@dataclass(frozen=True, slots=True)
class Alternate:
    """The same page in one edition of the site (the source first): for the 简/繁 switch and hreflang links."""

    language: str
    label: str
    href: str  # a link from the current page
    absolute: str
    current: bool


@jinja2.pass_context
def _href(context: jinja2.runtime.Context, target: str) -> str:
    config: Config = context["site"]
    target = in_edition(edition_prefix(config), target)  # an edition's pages link to its own pages, and to shared files
    page_url = context_value(context, "page_url")  # the include memo checks the link it makes, not the page
    memo: IncludeMemo | None = getattr(context.environment, "include_memo", None)
    if memo is not None and memo.recording:
        memo.link(page_url, target, passes_through(target))
    if page_url is None:  # 404.html is served at any URL: link from the site root
        if "://" in target:
            return target
        return urlsplit(config.files_url).path + target
    return relative_url(page_url, target)


def alternates(config: Config, page_url: str | None) -> tuple[Alternate, ...]:
    """The page at `page_url` (the full site-relative URL, under the prefix in an edition) in every edition."""
    if page_url is None or not config.editions:
        return ()
    own = page_url.removeprefix(edition_prefix(config))
    versions = [(config.editions[0].source_label, "zh-CN", "", config.edition is None)]
    versions += [(e.label, e.language, e.prefix, config.edition == e) for e in config.editions]
    return tuple(
        Alternate(
            language, label, relative_url(page_url, prefix + own), absolute_url(config.files_url, prefix + own), current
        )
        for label, language, prefix, current in versions
    )


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


def make_environment(site_templates: Path | None, theme: Theme, keep_code: bool = True) -> jinja2.Environment:
    """Site templates override the theme file by file; `theme/<name>` always reaches the theme's own file; with
    `keep_code` compiled templates are kept between builds (render/compiled.py), not for a build without a cache."""
    theme_loader = _NamedLoader(theme.templates, "theme/")
    loaders: list[jinja2.BaseLoader] = []
    if site_templates is not None and site_templates.is_dir():
        loaders.append(_NamedLoader(site_templates, f"{site_templates.name}/"))
    loaders += [theme_loader, jinja2.PrefixLoader({"theme": theme_loader})]
    env = MemoEnvironment(  # every include rendered once per distinct output (render/memo.py)
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # one environment per build: no template changes under it (a stat per include saved)
    )
    env.bytecode_cache = env.bytecode_cache or (kept_code() if keep_code else None)  # tests': tests/template_code.py
    env.filters["date_text"] = date_text
    env.filters["isodate"] = isodate
    env.filters["og_locale"] = og_locale
    env.globals["href"] = _href
    env.globals["srcset"] = _srcset
    env.globals["body_sizes"] = BODY_SIZES
    env.globals["tag_url"] = lambda name: Tag(name, tag_slug(name)).url
    env.globals["absolute_url"] = _absolute_url
    return env


@jinja2.pass_context
def _absolute_url(context: jinja2.runtime.Context, target: str) -> str:
    config: Config = context["site"]
    return absolute_url(config.files_url, in_edition(edition_prefix(config), target))


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
        "labels": labels_for(config.language),  # an edition's jobs bring their own, converted
        "nav": _nav(config, current),
        "page_url": url,
        "canonical_url": absolute_url(config.files_url, edition_prefix(config) + "404.html" if url is None else url),
        "alternates": alternates(config, url),
        **variables,
    }
    try:
        return env.get_template(template).render(context).encode("utf-8")
    except jinja2.TemplateError as exc:
        raise BuildFailed([_template_error(exc, template)]) from None
    except UnicodeDecodeError:
        raise BuildFailed([_not_utf8(env, template)]) from None


def _not_utf8(env: jinja2.Environment, template: str) -> ContentError:
    return ContentError(
        _template_path(env, template), None, None, "is not UTF-8 text", "save the file as UTF-8 in your editor"
    )


def _template_path(env: jinja2.Environment, template: str) -> str:
    """The file a template name stands for, as the first loader that knows it finds it."""
    loader = env.loader
    for candidate in loader.loaders if isinstance(loader, jinja2.ChoiceLoader) else [loader]:
        if isinstance(candidate, jinja2.FileSystemLoader):
            for folder in candidate.searchpath:
                if (Path(folder) / template).is_file():
                    return str(Path(folder) / template)
    return f"templates/{template}"


def _template_error(exc: jinja2.TemplateError, template: str) -> ContentError:
    """Point at the template file and line, which Jinja keeps in its rewritten traceback."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return ContentError(exc.filename or exc.name or template, exc.lineno, None, f"template error: {exc.message}")
    for frame, line in reversed(list(traceback.walk_tb(exc.__traceback__))):
        filename = frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt", ".j2")):
            return ContentError(filename, line, None, f"template error: {exc.message}")
    return ContentError(f"templates/{template}", None, None, f"template error: {exc.message}")


def render_page(env: jinja2.Environment, config: Config, job: PageJob, body_of: BodyOf) -> bytes:
    variables = dict(job.variables)
    if job.shows_body:
        article = variables["article"]
        # produced by our Markdown set-up (and cleaned for untrusted columns), not by the editor's text alone
        variables["article"] = replace(article, body_html=Markup(body_of(article).html))
    if job.structured is not None:
        variables["json_ld"] = Markup(script_json(job.structured()))  # script_json escapes for <script>
    return _render(env, config, job.template, job.url, job.current, variables)


def template_digests(
    env: jinja2.Environment, names: Iterable[str], references: dict[str, tuple[str, ...] | None] | None = None
) -> dict[str, str]:
    """For each template, a digest of its source and of every template it extends, includes or imports.
    `references`: what each source refers to, by the digest of its text (None: a name computed at run time), kept
    by the build cache, for parsing every template cost a tenth of a second on every build; on return it holds the
    entries of the sources met, and only those."""
    known = dict(references or {})
    met = references if references is not None else {}
    met.clear()
    digests: dict[str, str] = {}
    for name in names:
        seen: dict[str, str] = {}
        pending = [name]
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            try:
                source, _, _ = env.loader.get_source(env, current)  # type: ignore[union-attr]  # made with a loader
            except jinja2.TemplateNotFound:
                seen[current] = ""
                continue
            except UnicodeDecodeError:
                raise BuildFailed([_not_utf8(env, current)]) from None
            seen[current] = source
            text_digest = hashlib.sha1(source.encode("utf-8", "surrogatepass")).hexdigest()
            referenced = known[text_digest] if text_digest in known else _references(env, source)
            met[text_digest] = referenced
            # a name computed at run time (None) cannot be followed: then every template counts
            pending.extend(env.list_templates() if referenced is None else referenced)
        text = "\0".join(f"{key}\0{value}" for key, value in sorted(seen.items()))
        digests[name] = hashlib.sha1(text.encode()).hexdigest()
    return digests


def _references(env: jinja2.Environment, source: str) -> tuple[str, ...] | None:
    """The templates a source extends, includes or imports; None when one of them is named at run time."""
    try:
        referenced = list(jinja2.meta.find_referenced_templates(env.parse(source)))
    except jinja2.TemplateSyntaxError:
        return ()  # rendering reports it with its line
    return None if None in referenced else tuple(cast("list[str]", referenced))
