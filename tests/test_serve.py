"""`sitegen serve` for real: a DevServer on a free port, pages fetched over HTTP, events read as a browser does.

Every wait is bounded (inotify may take a moment under load); no sleep is longer than the debounce it waits out.
"""

from __future__ import annotations

import contextlib
import html
import http.client
import os
import queue
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, cast

import pytest
from conftest import PNG, SITE_YAML, MakeSite, article, build_site

from sitegen.build import lazysite
from sitegen.build.api import BuildOptions, build_in_memory
from sitegen.build.lazysite import LazySite
from sitegen.serve import DEBOUNCE_SECONDS, EVENTS_PATH, DevServer

WAIT = 30.0  # seconds: a rebuild not noticed by then never will be (a timeout, never a speed claim: loaded CI)
QUIET = DEBOUNCE_SECONDS * 3 + 0.2  # long enough for a (wrongly) second rebuild to have happened

ARTICLES = {
    "content/towns/2024/a.md": article("甲文", "2024-01-01", "甲的正文。"),
    "content/towns/2024/b.md": article("乙文", "2024-01-02", "乙的正文。"),
    "content/towns/2024/c.md": article("丙文", "2024-01-03", "丙的正文。"),
    "content/towns/2024/d.md": article("丁文", "2024-01-04", "丁的正文。"),
    "content/towns/2024/e.md": article("戊文", "2024-01-05", "戊的正文。"),
    "content/tips/2024/f.md": article("己文", "2024-02-01", "己的正文。"),
    "content/tips/2024/g.md": article("庚文", "2024-02-02", "庚的正文。"),
    "content/tips/2024/h.md": article("辛文", "2024-02-03", "辛的正文。"),
}
DRAFT = article("草稿文章", "2024-03-01", "还没写完。", draft="true")
FUTURE = article("明日文章", "2099-03-01", "明天才发布。")


# --------------------------------------------------------------------------- helpers


def site_of(server: DevServer) -> LazySite:
    """The generation the server serves now."""
    site = server.state.site
    assert site is not None, f"no good build: {server.state.errors}"
    return site


def address(server: DevServer) -> tuple[str, int]:
    return cast("tuple[str, int]", server._http.server_address[:2])  # an IPv4 server's address


class EventStream:
    """The live-reload stream as a browser's EventSource reads it; events are timestamped on arrival."""

    def __init__(self, server: DevServer, path: str = EVENTS_PATH) -> None:
        host, port = address(server)
        self.connection = http.client.HTTPConnection(host, port, timeout=30)
        self.connection.request("GET", path)
        self.response = self.connection.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type", "").startswith("text/event-stream")
        # the server notes the generation before it sends this line: after it, every rebuild is an event
        assert self.response.fp.readline().startswith(b":")
        self.events: queue.Queue[tuple[str, float]] = queue.Queue()
        self.ended = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            while line := self.response.fp.readline():
                if line.startswith(b"event:"):
                    self.events.put((line[6:].strip().decode(), time.perf_counter()))
        except (OSError, ValueError):
            pass
        finally:
            self.ended.set()

    def next_event(self, timeout: float = WAIT) -> str:
        try:
            return self.events.get(timeout=timeout)[0]
        except queue.Empty:
            raise AssertionError(f"no event within {timeout} s") from None

    def drain(self) -> list[str]:
        drained = []
        while not self.events.empty():
            drained.append(self.events.get_nowait()[0])
        return drained

    def close(self) -> None:
        with contextlib.suppress(OSError, AttributeError):
            self.connection.sock.shutdown(socket.SHUT_RDWR)
        self.connection.close()


def fetch(server: DevServer, url: str = "") -> tuple[int, str]:
    """(status, text) of a served page; `url` is site-relative like 'towns/2024/01/a/'."""
    try:
        with urllib.request.urlopen(server.url + url, timeout=WAIT) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def save(site: Path, relative: str, text: str | bytes) -> None:
    path = site / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


def change(server: DevServer, edit: Callable[[], None]) -> int:
    """Make an edit and wait for the rebuild it causes; the new generation."""
    before = server.state.generation
    edit()
    after = server.state.wait_for(before, WAIT)
    assert after > before, "the edit caused no rebuild"
    return after


def everything_below(folder: Path) -> dict[str, bytes | None]:
    """Files (with their bytes) and folders (None) below `folder`, hidden ones included."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None) for p in sorted(folder.rglob("*"))
    }


OVERLAY = 'id="sitegen-error-overlay"'


def overlay_of(page: str) -> str:
    match = re.search(r'<div id="sitegen-error-overlay"[^>]*>(.*?)</div>', page, re.DOTALL)
    assert match, "no error overlay on the page"
    return match.group(1)


Serve = Callable[..., tuple[DevServer, Path]]


def write_files(site: Path, files: Mapping[str, str | bytes]) -> Path:
    for relative, text in {"site.yaml": SITE_YAML, **files}.items():
        save(site, relative, text)
    return site


@pytest.fixture(scope="module")
def stopping() -> Iterator[list[threading.Thread]]:
    """stop() waits out the HTTP server's poll interval: stop the servers of a module side by side."""
    threads: list[threading.Thread] = []
    yield threads
    for thread in threads:
        thread.join(timeout=10)


@pytest.fixture
def serve(tmp_path: Path, stopping: list[threading.Thread]) -> Iterator[Serve]:
    """Start a DevServer on a scratch site (ARTICLES unless `files` are given); stopped after the test."""
    servers: list[DevServer] = []

    def start(files: Mapping[str, str | bytes] | None = None) -> tuple[DevServer, Path]:
        site = write_files(tmp_path / "site", ARTICLES if files is None else files)
        server = DevServer(site, port=0)
        servers.append(server)
        server.start()
        return server, site

    yield start
    for server in servers:
        thread = threading.Thread(target=server.stop, name="stopping a test server")
        thread.start()
        stopping.append(thread)


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory, stopping: list[threading.Thread]) -> Iterator[DevServer]:
    """One server for the tests that only read: the articles, a draft and a future article."""
    site = write_files(
        tmp_path_factory.mktemp("shown") / "site",
        {**ARTICLES, "content/towns/2024/draft.md": DRAFT, "content/towns/2099/future.md": FUTURE},
    )
    server = DevServer(site, port=0)
    server.start()
    yield server
    thread = threading.Thread(target=server.stop, name="stopping the shared server")
    thread.start()
    stopping.append(thread)


# --------------------------------------------------------------------------- what is served


def test_drafts_and_future_articles_are_served_and_marked(shown: DevServer) -> None:
    server, site = shown, shown.site_dir
    assert not server.state.errors, server.state.errors

    status, draft = fetch(server, "towns/2024/03/draft/")
    assert status == 200
    assert "草稿文章" in draft and "还没写完。" in draft
    assert re.search(r'class="badge"[^>]*>草稿<', draft), "a draft is served without its 草稿 badge"

    status, future = fetch(server, "towns/2099/03/future/")
    assert status == 200
    assert "明天才发布。" in future
    assert re.search(r'class="badge"[^>]*>(草稿|定时发布)<', future), "a future article is served unmarked"

    status, listing = fetch(server, "towns/")
    assert status == 200 and "草稿文章" in listing and "明日文章" in listing
    _, published = fetch(server, "towns/2024/01/a/")
    assert 'class="badge"' not in published, "a published article must not be marked"

    assert not (site / "public").exists(), "serve must build in memory, never into public/"


def test_pages_are_served_like_a_static_host(shown: DevServer) -> None:
    server = shown
    status, home = fetch(server, "")
    assert status == 200 and "甲文" in home

    with urllib.request.urlopen(server.url + "assets/style.css", timeout=WAIT) as response:
        assert response.headers["Content-Type"].startswith("text/css")
        css = response.read()
    copied = site_of(server).file("assets/style.css")
    source = copied.copy_from if copied is not None else None
    assert source is not None and css == source.read_bytes()
    assert b"EventSource" not in css, "the live-reload script belongs in HTML pages only"

    status, missing = fetch(server, "towns/2024/01/nothing-here/")
    assert status == 404 and "EventSource" in missing, "the 404 page reloads too"

    connection = http.client.HTTPConnection(*address(server), timeout=WAIT)
    connection.request("GET", "/towns/2024/01/a")
    response = connection.getresponse()
    assert response.status == 301 and response.getheader("Location") == "/towns/2024/01/a/"
    connection.close()

    for path, status in (("/towns/2024/01/a/", 200), ("/assets/style.css", 200), ("/no/such/page/", 404)):
        connection = http.client.HTTPConnection(*address(server), timeout=WAIT)
        connection.request("HEAD", path)  # what GET answers, without the body
        response = connection.getresponse()
        with urllib.request.urlopen(server.url + path.lstrip("/"), timeout=WAIT) if status == 200 else (
            contextlib.nullcontext()
        ) as got:
            length = str(len(got.read())) if got is not None else response.getheader("Content-Length")
        assert (response.status, response.getheader("Content-Length"), response.read()) == (status, length, b"")
        connection.close()


def test_live_reload_script_only_when_serving(shown: DevServer, tmp_path: Path) -> None:
    server, site = shown, shown.site_dir
    for url in ("", "towns/", "towns/page/2/", "towns/2024/01/a/", "towns/2024/03/draft/"):
        status, page = fetch(server, url)
        assert status == 200, url
        assert EVENTS_PATH in page and "EventSource" in page, f"/{url} has no live-reload script"
        assert page.rstrip().endswith("</html>"), f"/{url}: the script must go inside the page"
        assert page.index("EventSource") < page.rindex("</body>"), url

    output = tmp_path / "out"
    build_site(site, output_dir=output, drafts=True)
    pages = sorted(output.rglob("*.html"))
    assert len(pages) >= 5
    for path in pages:
        text = path.read_text(encoding="utf-8")
        assert "__sitegen" not in text and "EventSource" not in text, f"{path} carries the live-reload script"
        assert "sitegen-error-overlay" not in text, path


# --------------------------------------------------------------------------- watching and reloading


def test_an_edit_sends_reload_and_serves_the_new_text(serve: Serve) -> None:
    server, site = serve()
    stream = EventStream(server)
    try:
        change(server, lambda: save(site, "content/towns/2024/b.md", article("乙文", "2024-01-02", "乙的新正文。")))
        assert stream.next_event() == "reload"
        status, page = fetch(server, "towns/2024/01/b/")
        assert status == 200 and "乙的新正文。" in page and "乙的正文。" not in page
    finally:
        stream.close()


def test_a_rebuild_between_serving_a_page_and_its_stream_connecting_still_reloads_it(serve: Serve) -> None:
    """The page names the generation it came from; a stream asking from there sends the reload at once, even when
    the rebuild finished before the browser connected (a new article saved just as a page was opened)."""
    server, site = serve()
    page = fetch(server, "towns/")[1]
    found = re.search(r'EventSource\("([^"]+)\?since=([0-9]+)"\)', page)
    assert found and found[1] == EVENTS_PATH and int(found[2]) == server.state.generation
    change(server, lambda: save(site, "content/towns/2024/new.md", article("新文章", "2024-05-01", "新的正文。")))
    stream = EventStream(server, f"{EVENTS_PATH}?since={found[2]}")
    try:
        assert stream.next_event() == "reload"
        assert "新文章" in fetch(server, "towns/")[1]
    finally:
        stream.close()
    for since in ("", "?since=", "?since=abc", "?since=99999"):  # nothing, or none made yet: from now on
        stream = EventStream(server, EVENTS_PATH + since)
        try:
            with pytest.raises(AssertionError, match="no event"):
                stream.next_event(timeout=0.5)
        finally:
            stream.close()


@pytest.mark.parametrize(
    ("relative", "text", "url", "expected"),
    [
        ("content/tips/2024/new.md", article("新文章", "2024-05-01", "新的正文。"), "tips/2024/05/new/", "新的正文。"),
        (
            "templates/404.html",
            '{% extends "theme/404.html" %}{% block content %}<p>自定义的找不到页面</p>{% endblock %}\n',
            "no/such/page/",
            "自定义的找不到页面",
        ),
        ("assets/extra.css", "body { color: red }\n", "assets/extra.css", "color: red"),
        ("site.yaml", SITE_YAML.replace("测试站", "改名后的站"), "", "改名后的站"),
        ("data/views.json", '{"content/towns/2024/a.md": 98765}\n', "towns/2024/01/a/", "98765"),
    ],
    ids=["content", "templates", "assets", "site.yaml", "data/views.json"],
)
def test_watches_every_source(serve: Serve, relative: str, text: str, url: str, expected: str) -> None:
    server, site = serve()
    assert expected not in fetch(server, url)[1]
    change(server, lambda: save(site, relative, text))
    assert expected in fetch(server, url)[1]


def test_changes_outside_the_sources_do_not_rebuild(serve: Serve) -> None:
    server, site = serve()
    before = server.state.generation
    save(site, "notes.txt", "编辑的备忘\n")
    save(site, "public/index.html", "<p>old output</p>\n")
    assert server.state.wait_for(before, QUIET) == before, "a change to no source caused a rebuild"


def test_editors_scratch_files_do_not_rebuild(serve: Serve) -> None:
    """Vim rewrites its swap file every few seconds while one types: that must not reload the browser."""
    server, site = serve()
    before = server.state.generation
    save(site, "content/towns/2024/.b.md.swp", b"\x00vim swap")
    save(site, "content/towns/2024/b.md~", "backup\n")
    save(site, "content/towns/2024/4913", "")
    assert server.state.wait_for(before, QUIET) == before, "an editor's scratch file caused a rebuild"


def test_a_burst_of_saves_gives_one_rebuild(serve: Serve) -> None:
    server, site = serve()
    stream = EventStream(server)
    try:
        before = server.state.generation
        for n in range(5):
            save(site, "content/towns/2024/c.md", article("丙文", "2024-01-03", f"丙的第 {n} 稿。"))
            time.sleep(DEBOUNCE_SECONDS / 10)
        assert server.state.wait_for(before, WAIT) == before + 1
        time.sleep(QUIET)
        assert server.state.generation == before + 1, "one burst of saves must give exactly one rebuild"
        assert stream.next_event() == "reload"
        assert stream.drain() == []
        assert "丙的第 4 稿。" in fetch(server, "towns/2024/01/c/")[1]
    finally:
        stream.close()


def test_editing_one_article_reads_it_alone_and_renders_only_what_is_requested(serve: Serve) -> None:
    server, site = serve()
    cache = server.options.cache
    assert cache is not None
    change(server, lambda: save(site, "content/tips/2024/g.md", article("庚文", "2024-02-02", "庚的新正文。")))
    assert server.state.errors == ()
    assert cache.articles.reused == len(ARTICLES) - 1, "every other article should come from the cache"
    assert site_of(server).rendered == set(), "a rebuild with the same templates renders no page before it is asked for"
    assert "庚的新正文。" in fetch(server, "tips/2024/02/g/")[1]
    assert sorted(site_of(server).rendered) == ["tips/2024/02/g/index.html"]
    assert_same_as_a_cold_build(server)


def test_renaming_a_link_target_rerenders_the_linking_article(serve: Serve) -> None:
    files = {
        **ARTICLES,
        "content/towns/2024/a.md": article("甲文", "2024-01-01", "见[乙文](b.md)。"),
    }
    server, site = serve(files)
    assert 'href="../b/"' in fetch(server, "towns/2024/01/a/")[1]
    change(server, lambda: save(site, "content/towns/2024/b.md", article("乙文", "2024-01-02", "乙。", slug="bee")))
    assert not server.state.errors, server.state.errors
    assert 'href="../bee/"' in fetch(server, "towns/2024/01/a/")[1]
    assert_same_as_a_cold_build(server)


def test_moving_an_article_to_another_column_rerenders_its_pages(serve: Serve) -> None:
    """With a permalink without {column}, a moved article keeps its URL and bytes but not its column."""
    site_yaml = SITE_YAML.replace("page_size: 2\n", "page_size: 2\npermalink: /{yyyy}/{slug}/\n")
    server, site = serve({"site.yaml": site_yaml, "content/towns/2024/a.md": article("甲文", "2024-01-01")})
    column_link = re.compile(r'class="article-column"><a href="([^"]*)">')
    assert column_link.findall(fetch(server, "2024/a/")[1]) == ["../../towns/"]

    def move() -> None:
        (site / "content/tips/2024").mkdir(parents=True)
        os.replace(site / "content/towns/2024/a.md", site / "content/tips/2024/a.md")

    change(server, move)
    time.sleep(QUIET)  # the new folder and the move may come as two rebuilds
    assert not server.state.errors, server.state.errors
    assert column_link.findall(fetch(server, "2024/a/")[1]) == ["../../tips/"], "the page shows its old column"
    assert_same_as_a_cold_build(server)


def assert_same_as_a_cold_build(server: DevServer) -> None:
    """What the server serves from its cache is what a build without a cache makes."""
    _, cold = build_in_memory(server.site_dir, BuildOptions(drafts=True, future=True))
    served = site_of(server).everything()
    assert sorted(served) == sorted(cold)
    stale = [
        path
        for path, file in cold.items()
        if (served[path].data, served[path].copy_from) != (file.data, file.copy_from)
    ]
    assert stale == [], f"stale pages served from the cache: {stale}"


# --------------------------------------------------------------------------- errors keep the server up


def test_a_content_error_shows_the_overlay_over_the_last_good_page_and_recovers(serve: Serve) -> None:
    server, site = serve()
    stream = EventStream(server)
    try:
        broken = "---\ntitle: 乙文\ndate: 2024-13-45\n---\n\n乙的坏正文。\n"
        change(server, lambda: save(site, "content/towns/2024/b.md", broken))
        assert stream.next_event() == "reload", "a failed rebuild must reload the browser too (to show the errors)"
        assert [(e.path, e.line, e.field) for e in server.state.errors] == [("content/towns/2024/b.md", 3, "date")]

        status, page = fetch(server, "towns/2024/01/b/")
        assert status == 200
        overlay = overlay_of(page)
        assert "content/towns/2024/b.md:3" in overlay, overlay
        assert "date" in overlay and "2024-13-45" in overlay, "the overlay must say what is wrong"
        error = server.state.errors[0]
        in_chinese = html.escape(error.text("zh-CN"))
        assert error.text("zh-CN") != error.text("en") and in_chinese in overlay, "in the site's language"
        assert "乙的正文。" in page, "the last good page stays under the overlay"
        assert OVERLAY in fetch(server, "")[1], "every page shows the errors"
        assert "EventSource" in page, "the page must reload once the error is fixed"

        change(server, lambda: save(site, "content/towns/2024/b.md", article("乙文", "2024-01-02", "乙的好正文。")))
        assert stream.next_event() == "reload"
        assert not server.state.errors, server.state.errors
        page = fetch(server, "towns/2024/01/b/")[1]
        assert OVERLAY not in page and "乙的好正文。" in page
    finally:
        stream.close()


def test_a_template_error_shows_the_overlay_naming_the_template_and_line(serve: Serve) -> None:
    server, site = serve()
    template = '{% extends "theme/article.html" %}\n{% block content %}\n{% if %}\n{% endblock %}\n'
    change(server, lambda: save(site, "templates/article.html", template))
    assert len(server.state.errors) == 1
    error = server.state.errors[0]
    assert error.path.endswith("templates/article.html") and error.line == 3, error

    status, page = fetch(server, "towns/2024/01/a/")
    assert status == 200
    overlay = overlay_of(page)
    assert re.search(r"templates/article\.html:3\b", overlay), overlay
    assert "甲的正文。" in page

    change(server, lambda: (site / "templates/article.html").unlink())
    assert not server.state.errors, server.state.errors
    assert OVERLAY not in fetch(server, "towns/2024/01/a/")[1]


def test_a_template_not_saved_as_utf8_is_reported_not_swallowed(serve: Serve) -> None:
    """Editors on Chinese Windows often save as GBK: the server must show that, not go silent."""
    server, site = serve()
    template = '{% extends "theme/404.html" %}{% block content %}<p>页面未找到</p>{% endblock %}\n'
    before = server.state.generation
    save(site, "templates/404.html", template.encode("gbk"))
    server.rebuild()  # what the watcher calls; it must publish the problem, not raise it into a timer thread
    assert server.state.generation > before, "the rebuild died: no reload, no overlay"
    assert [e.path for e in server.state.errors] and server.state.errors[0].path.endswith("templates/404.html")
    assert OVERLAY in fetch(server, "towns/2024/01/a/")[1]


def test_an_error_in_the_first_build_is_shown_and_recovers(serve: Serve) -> None:
    """No good build yet: the browser still gets the overlay and the reload script, not a bare 404."""
    broken = "---\ntitle: 甲文\ndate: 2024-01-0x\n---\n\n甲的正文。\n"
    server, site = serve({"content/towns/2024/a.md": broken})
    assert [(e.path, e.line) for e in server.state.errors] == [("content/towns/2024/a.md", 3)]
    status, page = fetch(server, "")
    assert OVERLAY in page, f"HTTP {status} without the error overlay: {page[:200]!r}"
    assert "content/towns/2024/a.md:3" in overlay_of(page)
    assert "EventSource" in page, "without the reload script the browser never notices the fix"

    change(server, lambda: save(site, "content/towns/2024/a.md", article("甲文", "2024-01-01", "甲的正文。")))
    status, page = fetch(server, "towns/2024/01/a/")
    assert status == 200 and OVERLAY not in page and "甲的正文。" in page


# --------------------------------------------------------------------------- stopping


def test_stop_leaves_nothing_behind(make_site: MakeSite) -> None:
    site = make_site(ARTICLES)
    before = everything_below(site)
    threads_before = set(threading.enumerate())
    server = DevServer(site, port=0)
    server.start()
    host, port = address(server)
    stream = EventStream(server)
    change(server, lambda: save(site, "content/towns/2024/a.md", article("甲文", "2024-01-01", "改过。")))
    assert fetch(server, "towns/2024/01/a/")[0] == 200
    expected = {**before, "content/towns/2024/a.md": (site / "content/towns/2024/a.md").read_bytes()}

    server.stop()
    assert stream.ended.wait(WAIT), "the event stream must end when the server stops"
    stream.close()
    assert everything_below(site) == expected, "the server left files or folders in the site"
    assert not (site / "public").exists()
    with pytest.raises(OSError), socket.create_connection((host, port), timeout=1):
        pass
    deadline = time.monotonic() + WAIT
    while (left := {t for t in threading.enumerate() if t not in threads_before and t.is_alive()}) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.05)
    assert not left, f"threads still running after stop(): {[t.name for t in left]}"


def test_stop_does_not_tell_browsers_to_reload(make_site: MakeSite) -> None:
    """A reload after Ctrl-C would replace the editor's page with a connection error."""
    server = DevServer(make_site(ARTICLES), port=0)
    server.start()
    stream = EventStream(server)
    server.stop()
    assert stream.ended.wait(WAIT)
    stream.close()
    assert stream.drain() == [], "stopping the server sent a reload event"


# --------------------------------------------------------------------------- reusing the build cache


def test_the_first_build_reuses_the_articles_of_the_last_sitegen_build_and_writes_nothing(
    make_site: MakeSite, stopping: list[threading.Thread], monkeypatch: pytest.MonkeyPatch
) -> None:
    with_pictures: dict[
        str, str | bytes
    ] = {  # an article showing a picture (the cache names its file: serve must accept where it is)
        **ARTICLES,
        "content/towns/2024/a.md": article("甲文", "2024-01-01", "甲的正文。\n\n![图](one.png)\n"),
        "content/towns/2024/one.png": PNG,
    }
    site = make_site(with_pictures)
    build_site(site, output_dir=site.parent / "public")
    cache = build_cache_below(site)
    rendered: list[str] = []
    render_page = lazysite.render_page

    def counted(*args: Any) -> bytes:
        rendered.append(args[2].path)
        return render_page(*args)

    monkeypatch.setattr(lazysite, "render_page", counted)
    server = DevServer(site, port=0)
    server.start()
    try:
        assert server.options.cache is not None and server.options.cache.articles.reused == len(ARTICLES)
        templates = {recipe.job.template for recipe in site_of(server).recipes.values()}
        assert len(rendered) == len(templates), "before any request, one page of each template (to check it)"
        assert fetch(server, "towns/2024/01/a/")[0] == 200
        assert "towns/2024/01/a/index.html" in rendered
        _, fresh = build_in_memory(site, BuildOptions(drafts=True, future=True, jobs=1, disk_cache=False))
        served = site_of(server).everything()
        assert {path: file.data for path, file in served.items()} == {path: file.data for path, file in fresh.items()}
    finally:
        thread = threading.Thread(target=server.stop, name="stopping the cache test server")
        thread.start()
        stopping.append(thread)
    assert build_cache_below(site) == cache, "serve wrote into the build cache"


def build_cache_below(site: Path) -> dict[str, bytes | None]:
    """The build cache's files, but the image cache (shared with serve: it writes there, and only there)."""
    return {
        path: data for path, data in everything_below(site / ".sitegen-cache").items() if path.split("/")[0] != "images"
    }
