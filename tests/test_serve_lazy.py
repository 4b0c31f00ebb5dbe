"""`sitegen serve` renders lazily (sitegen.build.lazysite): each file made on request, with `sitegen build`'s bytes.

The example site (with its 繁體版 edition) is served and every file fetched over HTTP is compared with the one
`sitegen build` writes; a template that fails on one page shows the overlay on that page; a request gets one
generation whole, also while the next one is being loaded.
"""

from __future__ import annotations

import re
import shutil
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import PNG, REPO_ROOT, MakeSite, article
from test_serve import ARTICLES, OVERLAY, WAIT, change, fetch, overlay_of, save, site_of

from sitegen import serve as serve_module
from sitegen.build.api import BuildOptions, build, serve_site
from sitegen.build.lazysite import DATA, SEARCH
from sitegen.build.staging import MARKER
from sitegen.incremental.cache import BuildCache
from sitegen.layout import SITE_INPUTS
from sitegen.serve import EVENTS_PATH, LIVE_RELOAD_SCRIPT, DevServer


@pytest.fixture
def started() -> Iterator[Callable[[Path], DevServer]]:
    servers: list[DevServer] = []

    def start(site: Path) -> DevServer:
        server = DevServer(site, port=0)
        servers.append(server)
        server.start()
        return server

    yield start
    for server in servers:
        server.stop()


def fetch_bytes(server: DevServer, path: str) -> tuple[int, bytes]:
    """(status, bytes) of an output path as a static host serves it: `x/index.html` at `x/`."""
    url = path.removesuffix("index.html") if path.endswith("/index.html") or path == "index.html" else path
    try:
        with urllib.request.urlopen(server.url + urllib.parse.quote(url), timeout=WAIT) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


# --------------------------------------------------------------------------- the same bytes as `sitegen build`


def test_every_file_served_is_the_file_sitegen_build_writes(
    tmp_path: Path, started: Callable[[Path], DevServer]
) -> None:
    site = tmp_path / "site"
    for name in SITE_INPUTS:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, site / name)
        elif source.is_file():
            site.mkdir(exist_ok=True)
            shutil.copy2(source, site / name)
    output = tmp_path / "public"
    # serve shows drafts and future articles; a cache of its own, so that the server renders every article itself
    build(site, BuildOptions(output_dir=output, drafts=True, future=True, cache_dir=tmp_path / "cache"))
    built = {p.relative_to(output).as_posix(): p.read_bytes() for p in sorted(output.rglob("*")) if p.is_file()}
    del built[MARKER]  # the build's mark on its output folder, not a file of the site
    server = started(site)
    assert not server.state.errors, server.state.errors
    lazy = site_of(server)
    assert lazy.rendered and len(lazy.rendered) < 20, "pages are rendered when requested"
    assert not any(path.startswith("zh-hant/") for path in lazy.recipes), "an edition is converted when asked for"

    different = []
    for path, expected in built.items():
        status, served = fetch_bytes(server, path)
        if path.endswith(".html") and not path.startswith("admin/"):
            script = LIVE_RELOAD_SCRIPT.format(events=EVENTS_PATH, generation=server.state.generation).encode()
            assert served.count(script) == 1, path
            served = served.replace(script, b"")
        if (status, served) != (200, expected):
            different.append(path)
    assert different == [], f"served unlike the build: {different[:10]} ({len(different)} of {len(built)})"
    assert site_of(server) is lazy, "one generation served it all"
    assert len(lazy.rendered) == sum(1 for path in built if path.endswith(".html") and path in lazy.recipes)

    kinds = {
        "pages of the 繁體版 edition": [p for p in built if p.startswith("zh-hant/") and p.endswith("/index.html")],
        "feeds": [p for p in built if p.endswith(("feed.xml", "atom.xml", "rss.xml", ".xml")) and "sitemap" not in p],
        "sitemaps": [p for p in built if p.endswith("sitemap.xml")],
        "search files": [p for p in built if p.startswith("search/") and not p.endswith(".html")],
        "the edition's search files": [p for p in built if p.startswith("zh-hant/search/") and "shards" in p],
        "pictures": [p for p in built if p.endswith((".jpg", ".jpeg", ".png", ".webp"))],
    }
    assert all(kinds.values()), {kind: len(paths) for kind, paths in kinds.items()}
    assert "robots.txt" in built


def test_a_missing_page_is_the_404_page_and_the_data_files_are_made_once_when_one_is_asked_for(
    make_site: MakeSite, started: Callable[[Path], DevServer]
) -> None:
    server = started(make_site(ARTICLES))
    site = site_of(server)
    assert site._groups == {}, "nothing but pages before a request asks for more"
    for url in ("no/such/page/", "favicon.ico", ".well-known/appspecific/com.chrome.devtools.json"):
        status, page = fetch(server, url)
        assert status == 404 and "EventSource" in page, url
    assert site._groups == {}, "a browser's own requests make no feeds: no feed or sitemap has such a name"
    status, sitemap = fetch(server, "sitemap.xml")
    assert status == 200 and "<urlset" in sitemap and "EventSource" not in sitemap
    assert set(site._groups) == {DATA}, "a path outside the search folders makes the feeds and sitemap, not search"
    data = site.group(DATA)
    assert fetch(server, "towns/feed.xml")[0] == 200 and fetch(server, "robots.txt")[0] == 200
    assert fetch(server, "no/such/feed.xml")[0] == 404
    assert site.group(DATA) is data, "the group is made once per generation"
    assert fetch(server, "search/meta.json")[0] == 200
    assert set(site._groups) == {DATA, SEARCH}


def test_an_alias_is_served_as_its_redirect_page(make_site: MakeSite, started: Callable[[Path], DevServer]) -> None:
    moved = article("甲文", "2024-01-01", "甲的正文。", aliases="[/old/a.html, /news/jia/]")
    server = started(make_site({**ARTICLES, "content/towns/2024/a.md": moved}))
    for url in ("old/a.html", "news/jia/"):
        status, page = fetch(server, url)
        assert status == 200 and "towns/2024/01/a/" in page, (url, page[:300])
    status, netlify = fetch(server, "_redirects")
    assert status == 200 and "/old/a.html" in netlify


# --------------------------------------------------------------------------- errors on request


def test_a_template_failing_on_one_page_shows_the_overlay_on_that_page(
    make_site: MakeSite, started: Callable[[Path], DevServer]
) -> None:
    site_dir = make_site(ARTICLES)
    server = started(site_dir)
    template = (
        '{% extends "theme/article.html" %}\n{% block content %}{{ super() }}\n'
        '{% if article.title == "乙文" %}{{ no_such_variable }}{% endif %}\n{% endblock %}\n'
    )
    change(server, lambda: save(site_dir, "templates/article.html", template))
    assert server.state.errors == (), "the template renders other pages: the rebuild is good"

    status, page = fetch(server, "towns/2024/01/b/")
    assert status == 500
    overlay = overlay_of(page)
    assert re.search(r"templates/article\.html:3\b", overlay) and "no_such_variable" in overlay, overlay
    assert "Traceback" not in page and "EventSource" in page, "the page reloads once the template is fixed"
    status, other = fetch(server, "towns/2024/01/a/")
    assert status == 200 and OVERLAY not in other and "甲的正文。" in other

    change(server, lambda: (site_dir / "templates/article.html").unlink())
    status, page = fetch(server, "towns/2024/01/b/")
    assert status == 200 and OVERLAY not in page and "乙的正文。" in page


# --------------------------------------------------------------------------- one generation per request


BASE = (REPO_ROOT / "templates/base.html").read_text(encoding="utf-8")


def marked_base(number: int) -> str:
    return BASE.replace("<head>", f"<head><!-- edition {number} -->", 1).replace(
        "</body>", f"<!-- edition {number} --></body>", 1
    )


def editions_in(page: str) -> list[str]:
    return re.findall(r"<!-- edition (\d+) -->", page)


def test_requests_during_a_rebuild_get_the_last_generation_whole(
    make_site: MakeSite, started: Callable[[Path], DevServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    site_dir = make_site({**ARTICLES, "templates/base.html": marked_base(1)})
    server = started(site_dir)
    urls = ["", "towns/", "towns/page/2/", "towns/2024/01/a/", "tips/2024/02/g/"]
    assert all(editions_in(fetch(server, url)[1]) == ["1", "1"] for url in urls[:2])

    loading, release = threading.Event(), threading.Event()
    real = serve_module.serve_site

    def held(*args: Any, **kwargs: Any) -> Any:
        loading.set()
        assert release.wait(WAIT * 4)
        return real(*args, **kwargs)

    monkeypatch.setattr(serve_module, "serve_site", held)
    before = server.state.generation
    save(site_dir, "templates/base.html", marked_base(2))
    save(site_dir, "content/towns/2024/a.md", article("甲文", "2024-01-01", "甲的第二稿。"))
    assert loading.wait(WAIT), "no rebuild began"
    answers: dict[str, list[str]] = {}

    def get(url: str) -> None:
        status, page = fetch(server, url)
        answers[url] = [str(status), *editions_in(page), "第二稿" if "甲的第二稿。" in page else ""]

    threads = [threading.Thread(target=get, args=(url,)) for url in urls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert answers == {url: ["200", "1", "1", ""] for url in urls}, "while loading, the last generation is served"

    release.set()
    assert server.state.wait_for(before, WAIT) > before
    for url in urls:
        status, page = fetch(server, url)
        assert (status, editions_in(page)) == (200, ["2", "2"]), url
    assert "甲的第二稿。" in fetch(server, "towns/2024/01/a/")[1]


def test_an_older_generation_keeps_rendering_with_its_own_templates_and_articles(make_site: MakeSite) -> None:
    site_dir = make_site({**ARTICLES, "templates/base.html": marked_base(1)})
    options = BuildOptions(drafts=True, future=True, jobs=1)
    first = serve_site(site_dir, options)
    save(site_dir, "templates/base.html", marked_base(2))
    save(site_dir, "content/towns/2024/a.md", article("甲文", "2024-01-01", "甲的第二稿。"))
    second = serve_site(site_dir, options, first, [site_dir / "templates/base.html", site_dir / "content"])
    old, new = (s.page("towns/2024/01/a/index.html").decode() for s in (first, second))
    assert editions_in(old) == ["1", "1"] and "甲的正文。" in old and "第二稿" not in old
    assert editions_in(new) == ["2", "2"] and "甲的第二稿。" in new
    assert second.env is not first.env, "a changed template gives a new environment"
    third = serve_site(site_dir, options, second, [site_dir / "content/towns/2024/b.md"])
    assert third.env is second.env, "no template changed: the compiled templates are kept"


def test_pictures_are_served_after_edits_as_a_fresh_load_lists_them(make_site: MakeSite) -> None:
    site_dir = make_site(
        {
            **ARTICLES,
            "content/towns/2024/a.md": article("甲文", "2024-01-01", "甲。\n\n![图](one.png)\n"),
            "content/towns/2024/one.png": PNG,
            "content/towns/2024/two.png": PNG,
        }
    )
    options = BuildOptions(drafts=True, future=True, jobs=1, cache=BuildCache())
    first = serve_site(site_dir, options)
    pictures = {path for path in first.static if path.endswith(".png")}
    assert any("one" in path for path in pictures)

    save(site_dir, "content/towns/2024/b.md", article("乙文", "2024-01-02", "乙的新正文。"))
    second = serve_site(site_dir, options, first, [site_dir / "content/towns/2024/b.md"])
    assert second.static == serve_site(site_dir, BuildOptions(drafts=True, future=True, jobs=1)).static

    save(site_dir, "content/towns/2024/a.md", article("甲文", "2024-01-01", "甲。\n\n![图](two.png)\n"))
    third = serve_site(site_dir, options, second, [site_dir / "content/towns/2024/a.md"])
    assert third.static == serve_site(site_dir, BuildOptions(drafts=True, future=True, jobs=1)).static
    assert not any("one" in path for path in third.static) and any("two" in path for path in third.static)


def test_pages_rendered_by_many_requests_at_once_have_the_bytes_of_one_at_a_time(make_site: MakeSite) -> None:
    """Request threads render on one environment (its include memo is shared): each page as if it were alone."""
    site_dir = make_site(ARTICLES)
    options = BuildOptions(drafts=True, future=True, jobs=1)
    alone, together = serve_site(site_dir, options), serve_site(site_dir, options)
    paths = sorted(alone.recipes)
    expected = {path: alone.page(path) for path in paths}
    got: list[tuple[str, bytes]] = []

    def render(offset: int) -> None:
        for path in paths[offset:] + paths[:offset]:
            got.append((path, together.page(path)))

    threads = [threading.Thread(target=render, args=(n * 3,)) for n in range(6)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns often: renders interleave as they may under load
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(WAIT * 4)
    finally:
        sys.setswitchinterval(interval)
    assert len(got) == 6 * len(paths), "a render failed"
    assert [path for path, data in got if data != expected[path]] == []


def test_a_replaced_template_environment_is_collected_not_frozen_with_the_next_generation(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article(), "templates/article.html": '{% extends "theme/article.html" %}'})
    options = BuildOptions(cache=BuildCache(), disk_cache=False, jobs=1)
    first = serve_site(site, options)
    replaced = weakref.ref(first.env)
    template = site / "templates" / "article.html"
    template.write_text('{% extends "theme/article.html" %}{# edited #}', encoding="utf-8")
    second = serve_site(site, options, first, [template.resolve()])
    assert second.env is not first.env and second.new_environment
    del first  # the server drops the generation it replaced; its environment holds cycles
    source = site / "content" / "towns" / "a.md"
    source.write_text(article(body="改过的正文。"), encoding="utf-8")
    third = serve_site(site, options, second, [source.resolve()])
    assert third.env is second.env and not third.new_environment
    assert replaced() is None, "collected once the generation that replaced it was replaced"
    assert "改过的正文" in third.page("towns/2024/01/a/index.html").decode()


def test_a_generation_makes_the_job_of_a_page_only_when_it_is_requested(
    make_site: MakeSite, article_jobs_made: list[str]
) -> None:
    """Loading lists every page's path (render/pagejobs.py); an article page's job is made on its first request."""
    made = article_jobs_made
    site_dir = make_site(dict(ARTICLES))
    generation = serve_site(site_dir, BuildOptions(drafts=True, future=True, jobs=1))
    checked = list(made)  # the template check renders one page of each template: one article's page
    assert len(checked) == 1 and checked != ["content/towns/2024/a.md"]
    assert "towns/2024/01/a/index.html" in generation.recipes
    assert "甲的正文。" in generation.page("towns/2024/01/a/index.html").decode()
    assert made == [*checked, "content/towns/2024/a.md"]
    generation.page("towns/2024/01/a/index.html")
    assert made == [*checked, "content/towns/2024/a.md"]  # rendered once per generation
