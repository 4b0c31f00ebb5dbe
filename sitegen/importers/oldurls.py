"""The URLs a Hugo or Jekyll post had on its old site, as sitegen `aliases` (site paths, from the site's base). Pure.

Hugo: `url:` when set, else the `[permalinks]` pattern of its section, else its path under contentDir with `slug:`
in place of the file name; lower-cased unless `disablePathToLower`; `.html` with `uglyURLs`; plus its `aliases:`.
Jekyll: `permalink:` in the front matter, else the collection's or the site's pattern (`date` by default, `pretty`,
`ordinal`, `weekdate`, `none` or a pattern of `:placeholders`), plus its `redirect_from:` (jekyll.py). The old
site's base (Hugo `baseURL`, Jekyll `baseurl`) is left out: the new site's `base_url` takes its place.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, tzinfo
from posixpath import basename, dirname, join, normpath, splitext
from typing import Any
from urllib.parse import unquote, urlsplit

from sitegen.importers.model import Moment

_HUGO_TOKEN = re.compile(r":(year|monthname|month|day|weekdayname|weekday|yearday|sections|section|title|slugorfilename"
                         r"|slug|filename|contentbasename)")  # fmt: skip
_JEKYLL_TOKEN = re.compile(r":([a-z_]+)")
JEKYLL_STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
_HEX_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_JEKYLL_PRETTY = re.compile(r"[^\w._~!$&'()+,;=@]+", re.UNICODE)  # Jekyll's: a '-' is a run's part (`dev -01`)
_JEKYLL_DEFAULT = re.compile(r"[^\w\-]+", re.UNICODE)


def site_path(url: str) -> str:
    """An old URL (absolute, or a path) as a site path: leading '/', no host or fragment, decoded; a query is kept
    (such an address is reported, not redirected: a static site cannot serve it)."""
    parts = urlsplit(url.strip())
    path = unquote(parts.path or "/")
    path = path if path.startswith("/") else "/" + path
    return f"{path}?{parts.query}" if parts.query else path


def _clean(address: str) -> str:
    """One spelling per path: no '//' or '.', a trailing '/' kept (and a query, as it was)."""
    path, mark, query = address.partition("?")
    trailing = path.endswith("/")
    cleaned = normpath("/" + path.lstrip("/"))
    return cleaned + ("/" if trailing and cleaned != "/" else "") + mark + query


def unique_paths(paths: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p for p in (_clean(site_path(x)) for x in paths) if p != "/"))


# --------------------------------------------------------------------------- Hugo


def _urlize(text: str, lower: bool) -> str:
    """Hugo's urlize (paths.Sanitize): letters, digits, marks, `._/\\#~@` and %XX escapes kept; a run of spaces
    and '-' between kept characters becomes one '-'; anything else is dropped (`C++ 回顾 — 能力` -> `c-回顾-能力`)."""
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    hyphen = False
    for index, char in enumerate(text):
        category = unicodedata.category(char)
        if char in "._/\\#~@" or category[0] in "LM" or category == "Nd" or _HEX_ESCAPE.match(text, index):
            if hyphen:
                out.append("-")
            out.append(char)
            hyphen = False
        elif out and (char == "-" or char.isspace()):
            hyphen = True
    return "".join(out).lower() if lower else "".join(out)


def hugo_urls(
    relative: str, data: Mapping[str, Any], moment: Moment, config: Mapping[str, Any], language: str = ""
) -> tuple[str, ...]:
    """Every URL of the Hugo page at content-relative `relative` with front matter `data` (keys in any case), in
    `language`: on a multilingual site its pages and aliases are under `/zh/` (but for the default language), its
    `url:` as written."""
    prefix = language_prefix(config, language)
    fields = {str(k).lower(): _scalar(v) for k, v in data.items()}
    lower = not _config(config, "disablePathToLower")
    ugly = bool(_config(config, "uglyURLs"))
    folder, name = dirname(relative), hugo_name(basename(relative), config)
    if name == "index":
        folder, name = dirname(folder), basename(folder)
    slug = str(fields.get("slug") or "").strip()
    title = str(fields.get("title") or "").strip()
    sections = [part for part in folder.split("/") if part]
    urls: list[str] = []
    own = fields.get("url")
    if isinstance(own, str) and own.strip(" \t"):  # `url: java-service-wrapper　` keeps its ideographic space
        urls.append(own.strip(" \t"))
    else:
        pattern = _hugo_pattern(config, sections[0] if sections else "")
        if pattern:
            values = {
                "section": sections[0] if sections else "",
                "sections": "/".join(sections),
                "title": _urlize(title or name, lower),
                "slug": _urlize(slug or title or name, lower),
                "filename": name,
                "slugorfilename": slug or name,
                "contentbasename": name,
                **_date_values(moment),
            }
            path = _HUGO_TOKEN.sub(lambda m: str(values[m.group(1)]), pattern)
        else:
            path = "/" + "/".join([*sections, slug or name])
            path = path + (".html" if ugly else "/")
        urls.append(prefix + (path.lower() if lower else path))
    aliases = fields.get("aliases")
    for alias in aliases if isinstance(aliases, list) else [aliases] if isinstance(aliases, str) else []:
        if isinstance(alias, str) and alias.strip():
            alias = prefix + alias.strip() if alias.strip().startswith("/") else alias.strip()  # Hugo: /zh/zh/x too
            urls.append(_hugo_alias(alias, urls[0], ugly))
    return unique_paths(urls)


def _scalar(value: Any) -> Any:
    """A number written as a front-matter value (`url: 14943`, `slug: 2020`) as the text Hugo makes of it."""
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


def default_language(config: Mapping[str, Any]) -> str:
    return str(_config(config, "defaultContentLanguage") or "en").lower()


def language_prefix(config: Mapping[str, Any], language: str) -> str:
    """`/zh` for a page in zh of a multilingual site whose default language is another (or every language when
    `defaultContentLanguageInSubdir`), else ''."""
    if len(hugo_languages(config)) < 2 or not language:
        return ""
    if language == default_language(config) and not _config(config, "defaultContentLanguageInSubdir"):
        return ""
    return f"/{language}"


def hugo_languages(config: Mapping[str, Any]) -> frozenset[str]:
    """The site's language codes, lower-cased: the keys of `[languages]` and `defaultContentLanguage` (en)."""
    languages = _config(config, "languages")
    codes = {str(k).lower() for k in languages} if isinstance(languages, Mapping) else set()
    return frozenset({*codes, default_language(config)})


def hugo_name(file_name: str, config: Mapping[str, Any]) -> str:
    """A content file's name without its extension and its language (`post.zh.md` -> `post` when zh is one of the
    site's languages; `golang-sync.map.md` -> `golang-sync.map`), as Hugo reads it."""
    stem = splitext(file_name)[0]
    base, dot, suffix = stem.rpartition(".")
    return base if dot and base and suffix.lower() in hugo_languages(config) else stem


def _hugo_alias(alias: str, page_url: str, ugly: bool) -> str:
    """Where Hugo writes an alias: a relative one beside the page's own URL (in the folder holding the page's
    folder, as Hugo's renderAliases joins it to the page's resource folder and `..`), not beside its file; with
    `uglyURLs` as `<alias>.html`. Written as a folder (`/x/`) or a .html file, as Hugo serves it."""
    if alias.startswith(("http:", "https:")):
        return alias
    if not alias.startswith("/"):
        page = site_path(page_url).partition("?")[0]
        resources = page.rstrip("/") if page.endswith("/") else splitext(page)[0]
        alias = normpath(join(dirname(resources) or "/", alias))
        alias = alias if alias.endswith(".html") or ugly else alias + "/"
    if ugly and alias.rstrip("/") and not alias.endswith(".html"):
        alias = alias.rstrip("/") + ".html"
    return alias


def _config(config: Mapping[str, Any], key: str) -> Any:
    return next((v for k, v in config.items() if str(k).lower() == key.lower()), None)


def _hugo_pattern(config: Mapping[str, Any], section: str) -> str:
    permalinks = _config(config, "permalinks")
    if not isinstance(permalinks, Mapping):
        return ""
    page = _config(permalinks, "page")  # Hugo 0.120+: [permalinks.page]
    for table in (page if isinstance(page, Mapping) else {}, permalinks):
        pattern = _config(table, section)
        if isinstance(pattern, str) and pattern.strip():
            return pattern.strip()
    return ""


def _date_values(moment: Moment) -> dict[str, str]:
    day = moment.date() if isinstance(moment, datetime) else moment
    return {
        "year": f"{day.year:04d}",
        "month": f"{day.month:02d}",
        "monthname": day.strftime("%B").lower(),
        "day": f"{day.day:02d}",
        "weekday": str(day.isoweekday() % 7),
        "weekdayname": day.strftime("%A").lower(),
        "yearday": str(day.timetuple().tm_yday),
    }


# --------------------------------------------------------------------------- Jekyll


def jekyll_urls(
    data: Mapping[str, Any],
    moment: Moment,
    categories: Iterable[str],
    slug: str,
    pattern: str,
    collection: str = "",
    path: str = "",
    timezone: tzinfo = UTC,
) -> tuple[str, ...]:
    """The URL of a Jekyll document with front matter `data`, its `categories` (folders above _posts, then the
    front matter's) and `slug` (the file name's, or the front matter's); `pattern` is the collection's or the
    site's `permalink` (or a style name); `collection` and `path` (relative to its folder) for collection documents;
    `timezone` the site's (`timezone:`), else UTC, GitHub Pages' (`2017-01-02 00:19 +0800` was /2017/01/01/)."""
    own = data.get("permalink")
    template = own if isinstance(own, str) and own.strip() else pattern or "date"
    template = JEKYLL_STYLES.get(template.strip(), template.strip())
    day = moment if isinstance(moment, datetime) else datetime.combine(moment, datetime.min.time())
    if day.tzinfo is not None:  # Jekyll fills :year/:month/:day in the site's `timezone`, else the build machine's
        day = day.astimezone(timezone)
    name = splitext(basename(path))[0] if path else slug
    values = {
        "categories": "/".join(dict.fromkeys(c.lower() for c in categories)),
        "year": f"{day.year:04d}",
        "short_year": f"{day.year % 100:02d}",
        "month": f"{day.month:02d}",
        "i_month": str(day.month),
        "short_month": day.strftime("%b"),
        "long_month": day.strftime("%B"),
        "day": f"{day.day:02d}",
        "i_day": str(day.day),
        "y_day": f"{day.timetuple().tm_yday:03d}",
        "w_year": str(day.isocalendar()[0]),
        "week": f"{day.isocalendar()[1]:02d}",
        "w_day": str(day.isoweekday()),
        "short_day": day.strftime("%a"),
        "long_day": day.strftime("%A"),
        "hour": f"{day.hour:02d}",
        "minute": f"{day.minute:02d}",
        "second": f"{day.second:02d}",
        "title": _JEKYLL_PRETTY.sub("-", slug).strip("-"),
        "slug": _JEKYLL_DEFAULT.sub("-", slug.lower()).strip("-"),
        "name": name,
        "basename": name,
        "path": splitext(path)[0] or slug,
        "collection": collection,
        "output_ext": ".html",
    }
    url = _JEKYLL_TOKEN.sub(lambda m: values.get(m.group(1), m.group(0)), template)
    url = re.sub(r"/{2,}", "/", url)
    if url.endswith("/index.html"):
        url = url[: -len("index.html")]
    return unique_paths([url])
