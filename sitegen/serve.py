"""The development server: load the site in memory, render each page when it is requested, reload the browser.

A change loads the site again (only the sources that changed are read and rendered, through the cache kept in
memory) and publishes a new generation of the lazy site (sitegen.build.lazysite): a map from every output path to
how to make its file. The reload event goes out as soon as it is published; a page is rendered on its first
request, with the bytes `sitegen build` writes, and kept for that generation. A request holds one generation from
start to end, so what it gets is whole and of one build. `public/` is never touched; the only thing written is the
image cache (`.sitegen-cache/`), shared with `sitegen build`, so that pictures are processed once. The articles and
bodies a `sitegen build` left in `.sitegen-cache/` are read (never written), so the first page renders no Markdown.
The live-reload script and the error overlay are added to HTML responses only, never to build output.
"""

from __future__ import annotations

import html
import mimetypes
import threading
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, cast
from urllib.parse import parse_qs, unquote, urlsplit

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from sitegen.build.api import BuildOptions, serve_site
from sitegen.build.run import picture_folders
from sitegen.errors import BuildFailed, ConfigError, ContentError
from sitegen.incremental.cache import BuildCache
from sitegen.incremental.edits import scratch_name
from sitegen.layout import CACHE_DIR, OUTPUT_DIR, SITE_INPUTS
from sitegen.model import OutputFile

if TYPE_CHECKING:
    from sitegen.build.lazysite import LazySite

EVENTS_PATH = "/__sitegen/events"
DEBOUNCE_SECONDS = 0.15
# `since`: the generation the page came from, so that a rebuild finished before the stream connects still reloads it
LIVE_RELOAD_SCRIPT = """<script>
(() => {{
  const events = new EventSource("{events}?since={generation}");
  events.addEventListener("reload", () => location.reload());
}})();
</script>"""
OVERLAY_STYLE = (
    "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,20,.92);color:#fff;"
    "font:16px/1.6 ui-monospace,Menlo,Consolas,monospace;padding:1.5rem;white-space:pre-wrap"
)
OVERLAY_TITLE = {
    "zh-CN": "构建失败：修改以下问题后页面会自动刷新",
    "en": "Build failed: fix these and the page reloads",
}


EMPTY_PAGE = b"<!doctype html><html><head><meta charset=utf-8><title>sitegen</title></head><body></body></html>"


class SiteState:
    """The last good site, the current errors, and a generation number that grows with every rebuild."""

    def __init__(self) -> None:
        self.site: LazySite | None = None
        self.errors: tuple[ContentError, ...] = ()
        self.generation = 0
        self.last_rebuild_seconds = 0.0
        self.changed = threading.Condition()

    def publish(self, site: LazySite | None, errors: tuple[ContentError, ...], seconds: float) -> None:
        with self.changed:
            if site is not None:
                self.site = site
            self.errors = errors
            self.generation += 1
            self.last_rebuild_seconds = seconds
            self.changed.notify_all()

    def wait_for(self, generation: int, timeout: float) -> int:
        """Block until the generation passes `generation` (or the timeout); return the current one."""
        with self.changed:
            self.changed.wait_for(lambda: self.generation > generation, timeout=timeout)
            return self.generation


def first_cache(site_dir: Path) -> BuildCache:
    """The articles and bodies of the last `sitegen build` (read only, never written), so that the first page is
    served without rendering Markdown; an empty cache when there is none."""
    folder = site_dir / CACHE_DIR
    # where a cached article's pictures may be, as `sitegen build` reads its cache: without them every article that
    # shows a picture would be dropped, and its Markdown rendered again
    pictures = picture_folders(site_dir, BuildOptions())
    cache = BuildCache.load(folder, write=False, pictures=pictures) if folder.is_dir() else BuildCache()
    cache.articles.keep_sources = True  # serve re-reads only the files that changed
    return cache


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # many tabs and clients at once wait in the queue rather than being turned away


class DevServer:
    def __init__(self, site_dir: Path, host: str = "127.0.0.1", port: int = 8000, language: str = "zh-CN") -> None:
        self.site_dir = site_dir.resolve()
        # one process: forking beside the watcher and server threads is not safe, and the cache keeps rebuilds small
        self.options = BuildOptions(drafts=True, future=True, cache=first_cache(self.site_dir), jobs=1)
        self.state = SiteState()
        self.language = language
        self._timer: threading.Timer | None = None
        self._timer_lock = threading.Lock()
        self._pending: set[Path] = set()  # files changed since the last rebuild began (the watcher says which)
        self._since_good: set[Path] | None = None  # files changed since the last good site (None: none yet)
        self._rebuild_lock = threading.Lock()
        self._observer = Observer()
        self.stopping = threading.Event()
        self._http = _HTTPServer((host, port), _handler_for(self))

    @property
    def url(self) -> str:
        host, port = cast("tuple[str, int]", self._http.server_address[:2])  # an IPv4 server's address
        return f"http://{host}:{port}/"

    def start(self) -> None:
        # watching before the first load: a save while it reads is a change after it, never missed (a reload reads
        # again only what the watcher says changed)
        self._observer.schedule(_Changes(self.site_dir, self.schedule_rebuild), str(self.site_dir), recursive=True)
        self._observer.start()
        self.rebuild()
        threading.Thread(target=self._http.serve_forever, name="sitegen-http", daemon=True).start()

    def stop(self) -> None:
        self.stopping.set()
        with self._timer_lock:
            if self._timer is not None:
                self._timer.cancel()
        self._observer.stop()
        self._observer.join(timeout=5)
        self._http.shutdown()
        self._http.server_close()
        with self.state.changed:  # wake event streams so that they end
            self.state.generation += 1
            self.state.changed.notify_all()

    def schedule_rebuild(self, changed: Iterable[Path] = ()) -> None:
        """A burst of saves gives one rebuild: wait until the files have been quiet for a moment."""
        with self._timer_lock:
            self._pending.update(changed)
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(DEBOUNCE_SECONDS, self._rebuild_pending)
            self._timer.daemon = True
            self._timer.start()

    def _rebuild_pending(self) -> None:
        with self._timer_lock:
            changed, self._pending = self._pending, set()
        self.rebuild(changed)

    def rebuild(self, changed: Iterable[Path] | None = None) -> None:
        """Load the site again and publish it; `changed`: the files changed since the last rebuild (None: unknown,
        everything is looked at again)."""
        with self._rebuild_lock:
            started = time.perf_counter()
            # the changes since the last good site: a failed rebuild's are looked at again by the next
            since_good = None if changed is None or self._since_good is None else self._since_good | set(changed)
            try:
                site = serve_site(self.site_dir, self.options, self.state.site, since_good)
            except (BuildFailed, ConfigError) as exc:
                self._since_good = since_good
                self.state.publish(None, exc.errors, time.perf_counter() - started)
            except Exception as exc:
                self._since_good = since_good
                error = ContentError(".", None, None, f"build failed: {type(exc).__name__}: {exc}")
                self.state.publish(None, (error,), time.perf_counter() - started)
            else:
                self._since_good = set()
                self.state.publish(site, (), time.perf_counter() - started)

    def page(self, path: str) -> tuple[HTTPStatus, str, bytes] | None:
        """(status, content type, body) for a request path, as the browser gets it; for a redirect, the content
        type is the new location. The whole answer comes from one generation of the site."""
        generation = self.state.generation  # read first: a page can only be newer than the number it carries
        site, errors = self.state.site, self.state.errors
        relative = unquote(urlsplit(path).path).lstrip("/")
        if site is None:
            # no good build yet: an empty page that shows the errors and reloads once they are fixed
            if not errors:
                return None
            page = self._decorate(EMPTY_PAGE, errors, generation)
            return HTTPStatus.SERVICE_UNAVAILABLE, "text/html; charset=utf-8", page
        try:
            answer = _answer(site, relative)
        except BuildFailed as exc:  # a template that fails on this page: shown like a failed build's errors
            page = self._decorate(EMPTY_PAGE, (*exc.errors, *errors), generation)
            return HTTPStatus.INTERNAL_SERVER_ERROR, "text/html; charset=utf-8", page
        except KeyError:
            # a body of this generation that the next one, loaded meanwhile, let go (its article changed): the page
            # is asked of the newer generation
            if self.state.site is site:
                raise
            return self.page(path)
        if answer is None:
            return None
        status, found = answer
        if status == HTTPStatus.MOVED_PERMANENTLY:
            return status, "/" + relative + "/", b""
        assert found is not None
        # a served file holds its bytes or names the file to read them from
        data = found.data if found.data is not None else found.copy_from.read_bytes()  # type: ignore[union-attr]
        content_type = mimetypes.guess_type(found.path)[0] or "application/octet-stream"
        if content_type == "text/html" and not relative.startswith("admin/"):  # a reload would lose the form
            data = self._decorate(data, errors, generation)
            content_type = "text/html; charset=utf-8"
        return status, content_type, data

    def _decorate(self, page: bytes, errors: tuple[ContentError, ...], generation: int) -> bytes:
        extra = LIVE_RELOAD_SCRIPT.format(events=EVENTS_PATH, generation=generation)
        if errors:
            items = "\n".join(html.escape(error.text(self.language)) for error in errors)
            title = OVERLAY_TITLE.get(self.language, OVERLAY_TITLE["en"])
            extra = (
                f'<div id="sitegen-error-overlay" role="alert" style="{OVERLAY_STYLE}">'
                f"<strong>{html.escape(title)}</strong>\n\n{items}</div>{extra}"
            )
        text = page.decode("utf-8")
        index = text.rfind("</body>")
        return (text[:index] + extra + text[index:] if index >= 0 else text + extra).encode("utf-8")


def _answer(site: LazySite, relative: str) -> tuple[HTTPStatus, OutputFile | None] | None:
    """The file a static host serves for a request path (a folder's index.html), a redirect to the folder of a
    path without its slash, or the 404 page; None when the site has no 404 page."""
    candidate = relative + "index.html" if relative == "" or relative.endswith("/") else relative
    found = site.file(candidate)
    if found is not None:
        return HTTPStatus.OK, found
    if site.holds(relative + "/index.html"):
        return HTTPStatus.MOVED_PERMANENTLY, None
    found = site.file("404.html")
    return (HTTPStatus.NOT_FOUND, found) if found is not None else None


class _Changes(FileSystemEventHandler):
    """Rebuild on changes to the site's sources, ignoring the output, caches and editors' scratch files."""

    def __init__(self, site_dir: Path, on_change: Callable[[Iterable[Path]], None]) -> None:
        self.site_dir, self.on_change = site_dir, on_change

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.is_directory and event.event_type == "modified":
            return  # a folder's own time stamp: the file events inside it tell what changed
        paths = [Path(str(raw)) for raw in (event.src_path, getattr(event, "dest_path", "")) if raw]
        changed = [path for path in paths if self._matters(path)]
        if changed:
            self.on_change([path.resolve() for path in paths])

    def _matters(self, path: Path) -> bool:
        try:
            parts = path.resolve().relative_to(self.site_dir).parts
        except ValueError:
            return False
        if not parts or parts[0] not in SITE_INPUTS or parts[0] == OUTPUT_DIR:
            return False
        return not scratch_name(parts[-1])


def _handler_for(server: DevServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            if urlsplit(self.path).path == EVENTS_PATH:
                self._events()
                return
            self._answer(with_body=True)

        def do_HEAD(self) -> None:
            """What GET would answer, without the body (link checkers and `curl -I` ask so)."""
            self._answer(with_body=False)

        def _answer(self, with_body: bool) -> None:
            answer = server.page(self.path)
            if answer is None:
                self.send_error(HTTPStatus.NOT_FOUND)
                return
            status, content_type, body = answer
            self.send_response(status)
            if status == HTTPStatus.MOVED_PERMANENTLY:
                self.send_header("Location", content_type)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if with_body:
                self.wfile.write(body)

        def _events(self) -> None:
            """Server-sent events: one `reload` event after every rebuild, good or failed."""
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            seen = _since(self.path, server.state.generation)
            try:
                self.wfile.write(b": connected\n\n")
                self.wfile.flush()
                while not server.stopping.is_set():
                    current = server.state.wait_for(seen, timeout=15)
                    if server.stopping.is_set():
                        return  # a stopping server must not send open tabs into "connection refused"
                    if current > seen:
                        seen = current
                        self.wfile.write(f"event: reload\ndata: {current}\n\n".encode())
                    else:
                        self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError, ValueError, OSError):
                return

    return Handler


def _since(path: str, current: int) -> int:
    """The generation the page asking for events came from (its `since`); the current one when it names none or one
    not made yet (a page of an earlier run of the server)."""
    values = parse_qs(urlsplit(path).query).get("since", [])
    since = values[0] if values else ""
    return int(since) if since.isdigit() and int(since) <= current else current
