"""A Hugo content file -> ImportedArticle. Pure: text in, data out.

Front matter in TOML (+++), YAML (---) or JSON; keys in any case, as Hugo reads them. Shortcodes converted:
figure (a captioned picture), highlight (fenced code), ref/relref (a link to the imported post), youtube, vimeo,
gist, tweet/x (links), param (the front-matter value), and the comment form {{</* x */>}} (shown literally). Any
other shortcode is kept, visibly, as inline code, and reported with its line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from posixpath import basename, dirname, join, normpath, splitext
from typing import Any

from sitegen.importers.common import date_in_name, line_at
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
    unique_pictures,
)
from sitegen.importers.foreignfront import Fields, split_front_matter
from sitegen.importers.htmlbody import is_html, raw_html
from sitegen.importers.model import ImportedArticle, ImportFailed, Moment, Notice, PostLink
from sitegen.importers.oldurls import hugo_name, hugo_urls

_SHORTCODE = re.compile(r"\{\{<(?P<a>.*?)>\}\}|\{\{%(?P<b>.*?)%\}\}", re.DOTALL)
_ARG = re.compile(r"(?:(?P<key>[\w-]+)\s*=\s*)?(?P<value>\"(?:[^\"\\]|\\.)*\"|`[^`]*`|[^\s\"`]+)")
_YAML11_TRUE = re.compile(r"^draft[ \t]*:[ \t]*(yes|y|on)[ \t]*(?:#.*)?$", re.IGNORECASE | re.MULTILINE)
_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}-")
_LANGUAGE_SUFFIX = re.compile(r"\.[a-z]{2}(?:-[A-Za-z]{2,4})?$")
VIDEO_LINKS = {
    "youtube": ("YouTube", "https://www.youtube.com/watch?v={id}"),
    "vimeo": ("Vimeo", "https://vimeo.com/{id}"),
    "vimeo_simple": ("Vimeo", "https://vimeo.com/{id}"),
}
POST_LINKS = ("tweet", "twitter", "twitter_simple", "x", "x_simple")


def post_keys(relative: str) -> tuple[str, ...]:
    """The names a ref/relref may use for the post at content-relative `relative`: path, bundle, file name."""
    stem = splitext(relative)[0]
    stem = _LANGUAGE_SUFFIX.sub("", stem)
    if basename(stem) == "index":
        stem = dirname(stem)
    return tuple(dict.fromkeys([stem, basename(stem)]))


def _content_path(relative: str, path: str) -> str:
    """A Markdown link's path as a path under contentDir: from contentDir when it starts with '/', else from the
    folder of the page at `relative` (as Hugo's embedded link render hook finds the page)."""
    return normpath(path.lstrip("/") if path.startswith("/") else join(dirname(relative), path))


def ref_key(target: str) -> str:
    """A ref/relref argument as a key of post_keys: no leading '/', no extension, no '#anchor', no index."""
    path = target.split("#")[0].strip().lstrip("/")
    stem = _LANGUAGE_SUFFIX.sub("", splitext(path)[0]) if path.endswith((".md", ".markdown", ".html")) else path
    stem = stem.rstrip("/")
    return dirname(stem) if basename(stem) in ("index", "_index") else stem


def parse_hugo(
    text: str,
    relative: str,
    site_params: Mapping[str, Any] | None = None,
    site: Mapping[str, Any] | None = None,
    modified: date | None = None,
    language: str = "",
) -> ImportedArticle:
    """The post in a Hugo content file; `relative` is its path under contentDir (for slug, date and URL),
    `site_params` the [params] of the site's configuration (for {{< param >}}), `site` the whole configuration
    (permalinks, for the post's old URLs), `modified` the file's modification date (the date of a page that has
    none: Hugo publishes it undated), `language` its language on a multilingual site (its URLs are under /zh/).
    An HTML content file keeps its body as raw HTML."""
    split = split_front_matter(text)
    fields = Fields(split.data, split.notices)
    body = Body(split.body, split.body_line, html=is_html(relative))
    stem = hugo_name(basename(relative), site or {})
    name = basename(dirname(relative)) if stem == "index" else stem
    slug = fields.text("slug") or _DATE_PREFIX.sub("", name)

    links: list[PostLink] = []
    _shortcodes(body, links, {**(site_params or {}), **split.data})
    markdown_post_links(body, links, lambda path: ref_key(_content_path(relative, path)))
    if body.html:
        body.text = raw_html(body)
    else:
        html_pictures(body)
        body.text = list_spacing(more_marker(body.text))

    when, dated_by_file = _date(fields, body, name, modified)
    updated = fields.moment("lastmod", "modified", "lastModified")
    title = title_from(fields, body, titled(slug))
    front = front_pictures(fields.value("images"), None)
    pictures = unique_pictures([*body.pictures, *front], body)
    draft = fields.flag("draft")
    written = _YAML11_TRUE.search(text[: len(text) - len(split.body)]) if text.startswith("---") else None
    if draft and written:  # YAML 1.1's yes/on, true to PyYAML: Hugo's YAML 1.2 reader takes it as text, not true
        said = f"draft: {written[1]} is text to newer Hugo, not true, so the old site published it; imported as a "
        body.notices.append(Notice(line_at(text, written.start()), said + "draft: remove draft: to publish it"))
    fields.get("url"), fields.get("aliases")  # mapped to the old URLs below
    aliases = hugo_urls(relative, split.data, when, site or {}, language)
    return imported(
        fields,
        body,
        links,
        "hugo",
        title=title,
        date=when,
        images=tuple(pictures),
        tags=tag_list(fields, [("categories", "category"), ("tags", "tag")], split_words=False),
        summary=fields.text("summary") or fields.text("description"),
        updated=updated,
        draft=bool(draft),
        dated_by_file=dated_by_file,
        slug=slug,
        aliases=aliases,
    )


def _date(fields: Fields, body: Body, name: str, modified: date | None) -> tuple[Moment, bool]:
    """A post's date, and whether it is its file's modification date: the front matter's, else the file name's,
    else its lastmod, else the file's (Hugo publishes a page without a date all the same)."""
    when = fields.moment("date", "publishDate", "pubdate", "published")
    if when is not None:
        return when, False
    when = date_in_name(name) if _DATE_PREFIX.match(name) else None
    if when is None:
        when = fields.moment("lastmod", "modified")
    if when is None and modified is not None:  # Hugo publishes it all the same, undated: so must we
        body.notices.append(Notice(1, f"no date: neither date: nor publishDate: in the front matter, nor one in "
                                      f"the file name; used the file's modification date {modified}: check it"))
        return modified, True
    if when is None:
        raise ImportFailed("no date: neither date: nor publishDate: in the front matter, nor one in the file name")
    body.notices.append(Notice(1, f"no date in the front matter; used {when.isoformat()}"))
    return when, False


def _arguments(text: str) -> tuple[list[str], dict[str, str]]:
    positional: list[str] = []
    named: dict[str, str] = {}
    for match in _ARG.finditer(text):
        value = match["value"]
        if value.startswith('"'):
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        elif value.startswith("`"):
            value = value[1:-1]
        if match["key"]:
            named[match["key"].lower()] = value
        elif value != "/":
            positional.append(value)
    return positional, named


def _shortcodes(body: Body, links: list[PostLink], params: Mapping[str, Any]) -> None:
    def shortcode(match: re.Match[str], line: int, in_code: bool) -> tuple[str | None, int]:
        tag, position = match.group(0), match.end()
        inner = (match["a"] if match["a"] is not None else match["b"]).strip()
        if inner.startswith("/*") and inner.endswith("*/"):  # {{</* x */>}}: Hugo shows {{< x >}}
            literal = f"{tag[:3]} {inner[2:-2].strip()} {tag[-3:]}"
            return keep_visibly(literal, in_code), position
        if in_code:
            return None, position
        if inner.startswith("/"):
            return keep_visibly(tag, in_code), position
        name, _, rest = inner.partition(" ")
        name = name.strip().lower()
        positional, named = _arguments(rest.rstrip().removesuffix("/"))
        return _convert(name, positional, named, tag, line, match.string, position, body, links, params)

    replace_tags(body, _SHORTCODE, shortcode)


def _convert(
    name: str,
    positional: list[str],
    named: dict[str, str],
    tag: str,
    line: int,
    text: str,
    position: int,
    body: Body,
    links: list[PostLink],
    params: Mapping[str, Any],
) -> tuple[str | None, int]:
    """(Markdown for one shortcode or None when it has no conversion, where scanning continues)."""
    if name == "highlight":
        end = re.compile(r"\{\{[<%]\s*/\s*highlight\s*[>%]\}\}").search(text, position)
        if end is None:
            return None, position
        code = text[position : end.start()].strip("\n")
        fence = code_fence(code)
        language = positional[0] if positional else named.get("lang", "")
        return f"{fence}{language}\n{code}\n{fence}", end.end()
    if name == "figure":
        src = named.get("src") or (positional[0] if positional else "")
        if not src:
            return None, position
        caption = named.get("caption") or named.get("title") or ""
        return figure(body, src, caption, named.get("alt", ""), line), position
    if name in ("ref", "relref"):
        target = positional[0] if positional else named.get("path", "")
        if not target:
            return None, position
        anchor = target.partition("#")[2]
        return post_link(links, ref_key(target), tag, line, body.html, f"#{anchor}" if anchor else ""), position
    if name in VIDEO_LINKS:
        video = named.get("id") or (positional[0] if positional else "")
        if not video:
            return None, position
        label, url = VIDEO_LINKS[name]
        return f"[{named.get('title') or label + ': ' + video}]({url.format(id=video)})", position
    if name == "gist" and len(positional) >= 2:
        return f"[Gist {positional[1]}](https://gist.github.com/{positional[0]}/{positional[1]})", position
    if name in POST_LINKS:
        status = named.get("id") or (positional[-1] if positional else "")
        user = named.get("user") or (positional[0] if len(positional) > 1 else "i")
        if status.isdigit():
            return f"[{user}/status/{status}](https://x.com/{user}/status/{status})", position
        return None, position
    if name == "blogdown/postref":  # blogdown: the page's own address, in front of a file of its bundle
        return "", position
    if name == "param" and positional:
        value = next((v for k, v in params.items() if k.lower() == positional[0].lower()), None)
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return str(value), position
    return None, position
