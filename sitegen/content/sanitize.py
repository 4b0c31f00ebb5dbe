"""Untrusted HTML -> HTML that can only show things: nh3 (ammonia) with an allow-list of what our Markdown makes.

Used for the body of articles in columns marked `untrusted: true` (readers' tips): no scripts, no event
handlers, no iframes or forms, no `javascript:` or `data:` URLs, no styles but a table cell's alignment.
"""

from __future__ import annotations

import re

import nh3

_TEXT = {"p", "br", "hr", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "strong", "em", "b", "i", "u", "s",
         "del", "ins", "sub", "sup", "mark", "small", "abbr", "q", "cite", "code", "pre", "kbd", "samp", "var",
         "span", "div", "a", "h1", "h2", "h3", "h4", "h5", "h6"}  # fmt: skip
_MEDIA = {"figure", "figcaption", "img", "picture", "source"}
_TABLES = {"table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td"}
TAGS = frozenset(_TEXT | _MEDIA | _TABLES)

ATTRIBUTES: dict[str, set[str]] = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "rel", "hreflang"},
    "img": {"src", "alt", "width", "height", "srcset", "sizes", "loading", "decoding"},
    "source": {"srcset", "sizes", "type", "media", "width", "height"},
    "div": {"role", "tabindex", "aria-label"},  # the table-wrap region around a wide table
    "th": {"colspan", "rowspan", "scope", "style"},
    "td": {"colspan", "rowspan", "style"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "abbr": {"title"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})  # and relative URLs
STYLE_PROPERTIES = frozenset({"text-align"})  # Markdown tables align columns with style="text-align: ..."
CLEAN_CONTENT = frozenset({"script", "style", "template", "iframe", "object", "embed", "noscript", "textarea",
                           "select", "svg", "math"})  # fmt: skip


def clean_html(html: str, marker: str = "") -> str:
    """`html` with everything that could run, load a frame or restyle the page removed.

    Comments go too, except `marker` (the `<!--more-->` that ends a summary): the parts around it are cleaned
    one by one (the marker stands between blocks, so no element spans it).
    """
    if not marker:
        return _clean(html)
    return marker.join(_clean(part) for part in html.split(marker))


# nh3 (html5ever) writes attributes in double quotes with '"' and '>' escaped: a tag ends at the first '>'
_IMG = re.compile(r"<img\b[^>]*>")


def _valid_img(match: re.Match[str]) -> str:
    """An image whose src was removed (javascript:, data:) goes; one without alt gets an empty one."""
    tag = match.group(0)
    if not re.search(r'\s(src|srcset)="', tag):
        return ""
    return tag if re.search(r'\salt="', tag) else tag[:-1] + ' alt="">'


# a figure left without its picture (its only one was a data: or javascript: URL): a caption of nothing
_EMPTY_FIGURE = re.compile(r"<figure\b[^>]*>(?:(?!<img\b|<picture\b|</figure>).)*</figure>\n?", re.DOTALL)


def _clean(html: str) -> str:
    return _EMPTY_FIGURE.sub("", _IMG.sub(_valid_img, _clean_tags(html)))


def _clean_tags(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags=set(CLEAN_CONTENT),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        filter_style_properties=set(STYLE_PROPERTIES),
        link_rel=None,
        strip_comments=True,
    )
