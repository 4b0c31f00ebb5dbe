"""What the real-browser tests share: a built folder served over HTTP, and Debian Chromium driven by Playwright.

Playwright (PyPI) is only the driver: the browser is Debian's ``/usr/bin/chromium``; ``playwright install`` is
never run. Without a usable Chromium the browser tests skip, except under ``CI=true``, where that is a failure
(`unavailable`). The `browser` fixture (tests/conftest.py) is `chromium()` once per test module.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import NoReturn, cast
from urllib.parse import unquote, urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 390, "height": 844}  # a phone
TIMEOUT_MS = 10_000


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def unavailable(reason: str, what: str = "browser tests") -> NoReturn:
    """A tool the test needs is missing: fail under CI=true, skip elsewhere."""
    if in_ci():
        pytest.fail(f"{what} cannot run under CI=true: {reason}", pytrace=False)
    pytest.skip(reason)


# --------------------------------------------------------------------------- serving a built folder


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves files without a log line per request."""

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """`folder` served at / on 127.0.0.1 (a free port) from a thread: its base URL, with no trailing slash."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, name="sitegen-test-http", daemon=True)
    thread.start()
    host, port = cast("tuple[str, int]", server.server_address[:2])  # an IPv4 server's address
    try:
        yield f"http://{host}:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --------------------------------------------------------------------------- the browser


@contextmanager
def chromium() -> Iterator[object]:
    """Debian's Chromium launched through Playwright; skips (fails under CI=true) when that cannot be done."""
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is missing (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        unavailable(f"the playwright package is not installed: {exc}")
    try:
        manager = sync_playwright().start()
    except Exception as exc:
        unavailable(f"playwright's driver does not start: {exc}")
    try:
        launched = manager.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    except PlaywrightError as exc:
        manager.stop()
        unavailable(f"playwright cannot launch {CHROMIUM}: {exc}")
    try:
        yield launched
    finally:
        launched.close()
        manager.stop()


def local_context(browser, base_url: str, blocked: list[str] | None = None, **options: object):
    """A browser context at the phone viewport, with no service workers, that only talks to `base_url`.

    Requests to anywhere else are aborted (the test machine has no network: never wait on one) and their URLs
    appended to `blocked` when given.
    """
    context = browser.new_context(**{"viewport": VIEWPORT, "service_workers": "block", **options})
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)

    def route(route) -> None:
        url = route.request.url
        if url.startswith(base_url + "/") or url == base_url:
            route.continue_()
        else:
            if blocked is not None:
                blocked.append(url)
            route.abort()

    context.route("**/*", route)
    return context


class Tab:
    """A page at 390x844 that only talks to the test server, and remembers local requests that failed."""

    def __init__(self, browser, base_url: str) -> None:
        self.base_url = base_url
        self.blocked: list[str] = []
        self.broken: list[str] = []
        self.context = local_context(browser, base_url, self.blocked)
        self.page = self.context.new_page()
        self.page.on("response", self._on_response)
        self.page.on("requestfailed", lambda req: self.broken.append(f"{req.url} ({req.failure})"))

    def _on_response(self, response) -> None:
        if response.url.startswith(self.base_url) and response.status >= 400:
            self.broken.append(f"{response.url} (HTTP {response.status})")

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str) -> None:
        response = self.page.goto(self.url(path), wait_until="load")
        status = response.status if response is not None else "no response"
        assert response is not None and response.ok, f"GET {path}: {status}"

    @property
    def path(self) -> str:
        return unquote(urlsplit(self.page.url).path)

    def close(self) -> None:
        self.context.close()


@contextmanager
def tab(browser, base_url: str) -> Iterator[Tab]:
    """A `Tab`, closed afterwards."""
    opened = Tab(browser, base_url)
    try:
        yield opened
    finally:
        opened.close()
