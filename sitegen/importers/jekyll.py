"""A Jekyll post -> ImportedArticle. Pure: text in, data out.

`_posts/YYYY-MM-DD-slug.md` gives the date and slug unless the front matter sets them; `_drafts/` posts are drafts
dated by their file's modification time, as Jekyll does. Liquid converted: highlight (fenced code), raw (kept
verbatim), comment (dropped), post_url and link to a post (a link to the imported post), includes of a figure or
image template (a captioned picture), {{ site.baseurl }} / {{ site.url }} / {{ "x" | relative_url }} (the path),
{{ page.key }} (the front-matter value); kramdown's `* TOC` + `{:toc}` becomes `[TOC]`. Any other tag is kept,
visibly, as inline code, and reported with its line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, tzinfo
from posixpath import basename, splitext
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sitegen.importers.foreign import (
    Body,
    code_fence,
    figure,
    front_pictures,
    html_pictures,
    imported,
    keep_visibly,
    list_spacing,
    markdown_post_links,
    more_marker,
    post_link,
    replace_tags,
    tag_list,
    title_from,
    titled,
    unconverted,
    unique_pictures,
)
from sitegen.importers.foreignfront import Fields, split_front_matter
from sitegen.importers.htmlbody import is_html, raw_html
from sitegen.importers.model import ImportedArticle, ImportFailed, Moment, Notice, PostLink
from sitegen.importers.oldurls import jekyll_urls, unique_paths

_LIQUID = re.compile(r"\{%-?(?P<tag>.*?)-?%\}|\{\{-?(?P<expr>.*?)-?\}\}", re.DOTALL)
POST_NAME = re.compile(r"^(?P<date>\d{4}-\d{1,2}-\d{1,2})-(?P<slug>.+)$")
_INCLUDE_ARG = re.compile(r"(?P<key>[\w-]+)\s*=\s*(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'|(?P<bare>\S+))")
_SITE_PATHS = frozenset({"site.baseurl", "site.url", "site.github.url", "site.base_url"})
_IDENTITY_FILTERS = re.compile(
    r"^(?:relative_url|absolute_url|escape|xml_escape|uri_escape|strip|markdownify"
    r"|(?:prepend|append):\s*site\.(?:baseurl|url)|remove:\s*([\"'])</?p>\1)$"
)
_KRAMDOWN_TOC = re.compile(r"^ {0,3}(?:[-*+]|1\.)[ \t]+.*\n[ \t]*\{:[ \t]*(?:\.no_toc[ \t]+)?toc[ \t]*\}[ \t]*$", re.M)
_PICTURE_KEYS = ("image_path", "src", "url", "file", "path", "image", "img")
_PICTURE_INCLUDE = re.compile(r"^(?:figure|image|img|picture|photo)(?:[._-][\w-]*)?(?:\.html)?$", re.IGNORECASE)


def post_key(name: str) -> str:
    """What {% post_url %} names: the file name without folder and extension, e.g. 2008-11-23-hello."""
    return splitext(basename(name.strip().strip("\"'")))[0]


def parse_jekyll(
    text: str,
    relative: str,
    site: Mapping[str, Any] | None = None,
    modified: date | None = None,
    collection: str = "",
) -> ImportedArticle:
    """The post in a Jekyll source. `relative`: its path in the site (`_posts/2008-11-23-hello.md`, or in a
    collection's folder `_recipes/soup.md`); `site`: the site's _config.yml; `modified`: the file's modification
    date (the date of a draft or an undated collection document); `collection`: the collection's name. An HTML
    source keeps its body as raw HTML."""
    site = site or {}
    split = split_front_matter(text)
    fields = Fields(split.data, split.notices)
    body = Body(split.body, split.body_line, html=is_html(relative))
    parts = relative.split("/")
    is_draft = "_drafts" in parts
    named = POST_NAME.match(splitext(parts[-1])[0])
    slug = fields.text("slug") or (named["slug"] if named else splitext(parts[-1])[0])

    links: list[PostLink] = []
    _liquid(body, links, split.data)
    markdown_post_links(body, links, post_key)  # jekyll-relative-links (on GitHub Pages): `[b](2020-01-02-b.md)`
    _convert_body(body, relative, fields, site)
    named_date = named["date"] if named else None
    when, dated_by_file = _post_date(fields, body, named_date, is_draft, collection, modified)
    folders = [p for p in parts[: parts.index("_posts")] if p] if "_posts" in parts else []
    categories = [*folders, *tag_list(fields, [("categories", "category")], split_words=True)]
    tags = tag_list(fields, [("categories", "category"), ("tags", "tag")], split_words=True)
    published = fields.flag("published")
    draft = is_draft or published is False or bool(fields.flag("draft"))
    fields.get("permalink")  # mapped to the old URL: a draft had none
    redirected = fields.value("redirect_from")  # jekyll-redirect-from (GitHub Pages): more old URLs of the post
    path = "/".join(parts[1:]) if collection else ""
    pattern = _pattern(site, collection)
    own = jekyll_urls(split.data, when, categories, slug, pattern, collection, path, _timezone(site))
    aliases = () if draft else unique_paths([*own, *redirect_sources(redirected, fields)])
    return imported(
        fields,
        body,
        links,
        "jekyll",
        title=title_from(fields, body, titled(slug)),
        date=when,
        images=unique_pictures([*body.pictures, *front_pictures(fields.value("image", "images"))], body),
        tags=tuple(dict.fromkeys([*folders, *tags])),
        summary=fields.text("excerpt") or fields.text("description") or fields.text("summary"),
        updated=fields.moment("last_modified_at", "updated", "modified", "lastmod"),
        draft=draft,
        dated_by_file=dated_by_file,
        slug=slug,
        aliases=aliases,
    )


def redirect_sources(value: object, fields: Fields) -> list[str]:
    """The paths of `redirect_from:` (one text or a list); an entry that is no path is reported."""
    entries = value if isinstance(value, list) else [] if value is None else [value]
    paths = [entry.strip() for entry in entries if isinstance(entry, str) and entry.strip()]
    if len(paths) != len(entries):
        fields.notices.append(Notice(None, f"redirect_from: {value!r} holds entries that are not paths; left out"))
    return paths


def _convert_body(body: Body, relative: str, fields: Fields, site: Mapping[str, Any]) -> None:
    """The body as Markdown sitegen reads (an HTML source: kept as raw HTML), its Liquid tags already converted."""
    if is_html(relative):
        body.text = raw_html(body)
        return
    html_pictures(body)
    body.text = _KRAMDOWN_TOC.sub("[TOC]", body.text)
    separator = fields.value("excerpt_separator") or site.get("excerpt_separator")
    body.text = list_spacing(more_marker(body.text, separator if isinstance(separator, str) else None))


def _post_date(
    fields: Fields, body: Body, named: str | None, is_draft: bool, collection: str, modified: date | None
) -> tuple[Moment, bool]:
    """The front matter's date, else the file name's (`named`, YYYY-MM-DD), else for a draft or a collection's
    document the file's modification date, said in a notice; and whether it is that modification date."""
    when = fields.moment("date")
    if when is None and named:
        when = _file_date(named)
    if when is None and (is_draft or collection) and modified is not None:
        when = modified
        what = "a draft" if is_draft else "a document"
        body.notices.append(Notice(1, f"{what} without a date; used the file's modification date {when}"))
        return when, True
    if when is None:
        raise ImportFailed("no date: none in the front matter, and the file name does not start with YYYY-MM-DD-")
    return when, False


def _pattern(site: Mapping[str, Any], collection: str) -> str:
    """The permalink pattern of a collection (its own, or /:collection/:path:output_ext), or of the site's posts."""
    if not collection:
        pattern = site.get("permalink")
        return pattern if isinstance(pattern, str) else "date"
    settings = site.get("collections")
    own = settings.get(collection) if isinstance(settings, dict) else None
    pattern = own.get("permalink") if isinstance(own, dict) else None
    return pattern if isinstance(pattern, str) else "/:collection/:path:output_ext"


def _timezone(site: Mapping[str, Any]) -> tzinfo:
    """The site's `timezone:` (an IANA name), else UTC: the zone of GitHub Pages' builds, where most Jekyll blogs
    were served (Jekyll itself takes the build machine's)."""
    name = site.get("timezone")
    try:
        return ZoneInfo(name.strip()) if isinstance(name, str) and name.strip() else UTC
    except (ValueError, ZoneInfoNotFoundError):
        return UTC


def _file_date(text: str) -> date | None:
    year, month, day = (int(part) for part in text.split("-"))
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _end(name: str, text: str, position: int) -> re.Match[str] | None:
    return re.compile(rf"\{{%-?\s*{name}\s*-?%\}}").search(text, position)


def _liquid(body: Body, links: list[PostLink], page: Mapping[str, Any], captured: dict[str, str] | None = None) -> None:
    captured = {} if captured is None else captured  # {% capture x %}...{% endcapture %}, output by {{ x }}

    def liquid(match: re.Match[str], line: int, in_code: bool) -> tuple[str | None, int]:
        text, tag, position = match.string, match.group(0), match.end()
        if match["expr"] is not None:
            return _expression(match["expr"].strip(), page, captured), position
        name, _, arguments = match["tag"].strip().partition(" ")
        name, arguments = name.lower(), arguments.strip()
        if name in ("raw", "comment", "highlight", "capture") and (end := _end(f"end{name}", text, position)):
            inner, position = text[position : end.start()], end.end()
            if name == "capture" and re.fullmatch(r"\w+", arguments):
                part = Body(inner, line, html=body.html)
                _liquid(part, links, page, captured)
                body.notices.extend(part.notices)
                body.pictures.extend(part.pictures)
                captured[arguments] = part.text.strip()
            elif name == "capture":
                body.notices.append(unconverted(tag, line))
                return keep_visibly(tag, in_code) + inner + keep_visibly(end.group(0), in_code), position
            elif name == "raw":
                return inner, position
            elif name == "highlight":
                inner = re.sub(r"\{%-?\s*(?:end)?raw\s*-?%\}", "", inner).strip("\n")
                fence = code_fence(inner)
                language = arguments.split()[0] if arguments else ""
                return f"{fence}{language}\n{inner}\n{fence}", position
            return "", position
        return None if in_code else _tag(name, arguments, tag, line, body, links), position

    replace_tags(body, _LIQUID, liquid)


def _tag(name: str, arguments: str, tag: str, line: int, body: Body, links: list[PostLink]) -> str | None:
    if name == "post_url" or (name == "link" and "_posts/" in arguments):
        target = arguments.split()[0] if arguments else ""
        if not target:
            return None
        return post_link(links, post_key(target), tag, line, body.html)
    if name in ("include", "include_relative"):
        template, _, rest = arguments.partition(" ")
        if not _PICTURE_INCLUDE.match(basename(template)):
            return None
        values = {m["key"].lower(): m["dq"] if m["dq"] is not None else m["sq"] for m in _INCLUDE_ARG.finditer(rest)}
        src = next((values[k] for k in _PICTURE_KEYS if values.get(k)), "")
        if not src or "{" in src:
            return None
        caption = next((values[k] for k in ("caption", "description", "title") if values.get(k)), "")
        return figure(body, src, caption, values.get("alt") or "", line)
    return None


def _expression(expression: str, page: Mapping[str, Any], captured: Mapping[str, str]) -> str | None:
    """The value of a simple Liquid output, or None when only Jekyll could compute it."""
    head, *filters = [part.strip() for part in expression.split("|")]
    if any(not _IDENTITY_FILTERS.match(f) for f in filters):
        return None
    if head in captured:
        return captured[head]
    if head in _SITE_PATHS:
        return ""
    if len(head) >= 2 and head[0] == head[-1] and head[0] in "\"'":
        return head[1:-1]
    if head.startswith("page."):
        key = head[len("page.") :]
        value = page.get(key)
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return str(value)
    return None
