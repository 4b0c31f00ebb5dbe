"""The development server: build in memory, serve on localhost, rebuild on change, reload the browser.

Pages are served from memory, so `public/` is never touched; the only thing written is the image cache
(`.sitegen-cache/`), shared with `sitegen build`, so that pictures are processed once. The articles and bodies a
`sitegen build` left in `.sitegen-cache/` are read (never written), so the first build renders no Markdown. The
live-reload script and the error overlay are added to HTML responses only, never to build output.
"""

from __future__ import annotations

import html
import mimetypes
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import cast
from urllib.parse import unquote, urlsplit

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from sitegen.build.api import BuildOptions, build_in_memory
from sitegen.errors import BuildFailed, ConfigError, ContentError
from sitegen.incremental.cache import BuildCache
from sitegen.layout import CACHE_DIR, OUTPUT_DIR, SITE_INPUTS
from sitegen.model import OutputFile

EVENTS_PATH = "/__sitegen/events"
DEBOUNCE_SECONDS = 0.15
LIVE_RELOAD_SCRIPT = f"""<script>
(() => {{
  const events = new EventSource("{EVENTS_PATH}");
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


class SiteState:
    """The last good build, the current errors, and a generation number that grows with every rebuild."""

    def __init__(self) -> None:
        self.files: dict[str, OutputFile] = {}
        self.errors: tuple[ContentError, ...] = ()
        self.generation = 0
        self.last_rebuild_seconds = 0.0
        self.changed = threading.Condition()

    def publish(self, files: dict[str, OutputFile] | None, errors: tuple[ContentError, ...], seconds: float) -> None:
        with self.changed:
            if files is not None:
                self.files = files
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
    cache = BuildCache.load(folder, write=False) if folder.is_dir() else BuildCache()
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
        self._rebuild_lock = threading.Lock()
        self._observer = Observer()
        self.stopping = threading.Event()
        self._http = _HTTPServer((host, port), _handler_for(self))

    @property
    def url(self) -> str:
        host, port = cast("tuple[str, int]", self._http.server_address[:2])  # an IPv4 server's address
        return f"http://{host}:{port}/"

    def start(self) -> None:
        self.rebuild()
        self._observer.schedule(_Changes(self.site_dir, self.schedule_rebuild), str(self.site_dir), recursive=True)
        self._observer.start()
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

    def schedule_rebuild(self) -> None:
        """A burst of saves gives one rebuild: wait until the files have been quiet for a moment."""
        with self._timer_lock:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(DEBOUNCE_SECONDS, self.rebuild)
            self._timer.daemon = True
            self._timer.start()

    def rebuild(self) -> None:
        with self._rebuild_lock:
            started = time.perf_counter()
            try:
                _, files = build_in_memory(self.site_dir, self.options)
            except (BuildFailed, ConfigError) as exc:
                self.state.publish(None, exc.errors, time.perf_counter() - started)
            except Exception as exc:
                error = ContentError(".", None, None, f"build failed: {type(exc).__name__}: {exc}")
                self.state.publish(None, (error,), time.perf_counter() - started)
            else:
                self.state.publish(files, (), time.perf_counter() - started)

    def page(self, path: str) -> tuple[HTTPStatus, str, bytes] | None:
        """(status, content type, body) for a request path, as the browser gets it."""
        files = self.state.files
        relative = unquote(urlsplit(path).path).lstrip("/")
        candidates = [relative + "index.html"] if relative == "" or relative.endswith("/") else [relative]
        found = next((files[c] for c in candidates if c in files), None)
        status = HTTPStatus.OK
        if found is None:
            if relative + "/index.html" in files:
                return HTTPStatus.MOVED_PERMANENTLY, "/" + relative + "/", b""
            found, status = files.get("404.html"), HTTPStatus.NOT_FOUND
            if found is None:
                if not self.state.errors:
                    return None
                # no good build yet: an empty page that shows the errors and reloads once they are fixed
                page = (
                    b"<!doctype html><html><head><meta charset=utf-8><title>sitegen</title></head><body></body></html>"
                )
                return HTTPStatus.SERVICE_UNAVAILABLE, "text/html; charset=utf-8", self._decorate(page)
        # a served file holds its bytes or names the file to read them from
        data = found.data if found.data is not None else found.copy_from.read_bytes()  # type: ignore[union-attr]
        content_type = mimetypes.guess_type(found.path)[0] or "application/octet-stream"
        if content_type == "text/html" and not relative.startswith("admin/"):  # a reload would lose the form
            data = self._decorate(data)
            content_type = "text/html; charset=utf-8"
        return status, content_type, data

    def _decorate(self, page: bytes) -> bytes:
        extra = LIVE_RELOAD_SCRIPT
        if self.state.errors:
            items = "\n".join(html.escape(str(error)) for error in self.state.errors)
            title = OVERLAY_TITLE.get(self.language, OVERLAY_TITLE["en"])
            extra = (
                f'<div id="sitegen-error-overlay" role="alert" style="{OVERLAY_STYLE}">'
                f"<strong>{html.escape(title)}</strong>\n\n{items}</div>{extra}"
            )
        text = page.decode("utf-8")
        index = text.rfind("</body>")
        return (text[:index] + extra + text[index:] if index >= 0 else text + extra).encode("utf-8")


class _Changes(FileSystemEventHandler):
    """Rebuild on changes to the site's sources, ignoring the output, caches and editors' scratch files."""

    def __init__(self, site_dir: Path, on_change: Callable[[], None]) -> None:
        self.site_dir, self.on_change = site_dir, on_change

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.is_directory and event.event_type == "modified":
            return  # a folder's own time stamp: the file events inside it tell what changed
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if raw and self._matters(Path(str(raw))):
                self.on_change()
                return

    def _matters(self, path: Path) -> bool:
        try:
            parts = path.resolve().relative_to(self.site_dir).parts
        except ValueError:
            return False
        if not parts or parts[0] not in SITE_INPUTS or parts[0] == OUTPUT_DIR:
            return False
        name = parts[-1]
        return not (name.startswith((".", "#")) or name.endswith(("~", ".swp", ".swx", ".tmp")) or name == "4913")


def _handler_for(server: DevServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            if self.path.startswith(EVENTS_PATH):
                self._events()
                return
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
            self.wfile.write(body)

        def _events(self) -> None:
            """Server-sent events: one `reload` event after every rebuild, good or failed."""
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            seen = server.state.generation
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
