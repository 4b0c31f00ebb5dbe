"""Redirects from old addresses (`aliases:`) to articles: a small page at each alias, and one map of them all for
servers that redirect properly. Pure: Site in, bytes out (render/datafiles.py makes them files).

- the page: `<meta http-equiv="refresh">` to the article, `rel=canonical` (search engines move the old page's
  standing to the new one), `noindex`, and a link for readers whose browser does not follow the refresh;
- `_redirects`: Netlify's and Cloudflare Pages' format (`/old/ /new/ 301`, paths percent-encoded);
- `redirects.map`: the body of an nginx `map $uri $sitegen_redirect { include .../redirects.map; }` (keys as nginx
  reads `$uri`: decoded).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from urllib.parse import quote, urlsplit

from sitegen.model import Article, Config, Site, output_path_for
from sitegen.urls import absolute_url, alias_output_path, relative_url

MOVED = {"zh-CN": "本页已移至", "en": "This page has moved to"}


def redirect_page(config: Config, alias: str, article: Article) -> bytes:
    """The page served at the old address `alias` (site-relative), sending readers on to `article`."""
    served_at = alias if alias_output_path(alias) == alias else alias.rstrip("/") + "/"  # `old/page`: a folder
    target = relative_url(served_at, article.url)
    title = html.escape(article.title)
    link = html.escape(target, quote=True)
    moved = MOVED.get(config.language, MOVED["en"])
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html.escape(config.language, quote=True)}">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        f"<title>{title}</title>\n"
        f'<link rel="canonical" href="{html.escape(absolute_url(config.base_url, article.url), quote=True)}">\n'
        '<meta name="robots" content="noindex">\n'
        f'<meta http-equiv="refresh" content="0; url={link}">\n'
        "</head>\n"
        f'<body><p>{moved} <a href="{link}">{title}</a></p></body>\n'
        "</html>\n"
    ).encode()


def redirects(site: Site) -> list[tuple[str, Article]]:
    """(alias, article) of every redirect of the site, sorted by alias; an article's own address is left out."""
    found = {
        alias: article
        for article in site.articles
        for alias in article.aliases
        if alias_output_path(alias) != output_path_for(article.url)
    }
    return sorted(found.items())


def _site_path(config: Config, relative: str) -> str:
    """A site-relative path as a path from the host's root (the base URL's path in front)."""
    return urlsplit(config.base_url).path.rstrip("/") + "/" + relative


def netlify_map(config: Config, targets: Sequence[tuple[str, str]]) -> bytes:
    """`_redirects` (Netlify's and Cloudflare Pages' format) of `targets`: (alias, the article's URL), by alias."""
    lines = ["# old address -> article: Netlify and Cloudflare Pages read this file (sitegen writes it)"]
    for alias, url in targets:
        old, new = _site_path(config, alias), _site_path(config, url)
        lines.append(f"{quote(old, safe='/')} {quote(new, safe='/')} 301")  # decoded paths: a '%' is a character
    return ("\n".join(lines) + "\n").encode("utf-8")


def nginx_map(config: Config, targets: Sequence[tuple[str, str]]) -> bytes:
    """`redirects.map` (the body of an nginx `map`) of `targets`: (alias, the article's URL), by alias."""
    lines = [
        "# old address -> article, for nginx (sitegen writes this file):",
        "#   map $uri $sitegen_redirect { include /path/to/public/redirects.map; }",
        "#   server { ... if ($sitegen_redirect) { return 301 $sitegen_redirect; } }",
    ]
    for alias, url in targets:
        old, new = _site_path(config, alias), _site_path(config, url)
        lines.append(f"{_nginx_string(old)} {_nginx_string(quote(new, safe='/'))};")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _nginx_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$")
    return f'"{escaped}"'
