"""`sitegen serve` under load: 50 clients on 127.0.0.1 fetch pages while the server rebuilds after every save.

The clients fetch until SAVES saves have been rebuilt, bounded in time (LOAD_SECONDS at most) and in requests
(REQUESTS_PER_CLIENT each). Every save writes the base template
whole (written beside, renamed in, as editors do) with one edition number at the top and at the bottom of every
page: a response is whole and of one build when both numbers agree, and a client never sees an older edition after
a newer one (each response is the last good build or a newer one). No response may be an error.
"""

from __future__ import annotations

import os
import random
import re
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import MakeSite, article

from sitegen.serve import DevServer

REPO_ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 50
SAVES = 6
LOAD_SECONDS = 60.0
REQUESTS_PER_CLIENT = 400
SAVE_EVERY = 0.4  # seconds between saves; each is waited for (bounded) before the next
EDITION = re.compile(rb"<!-- edition (\d+) (top|bottom) -->")


def save_edition(site: Path, number: int) -> None:
    base = (REPO_ROOT / "templates/base.html").read_text(encoding="utf-8")
    marked = base.replace("<head>", f"<head><!-- edition {number} top -->", 1)
    marked = marked.replace("</body>", f"<!-- edition {number} bottom --></body>", 1)
    temporary = site / "templates/.base.html.tmp"  # a hidden name: the server ignores it, and rebuilds on the rename
    temporary.write_text(marked, encoding="utf-8")
    os.replace(temporary, site / "templates/base.html")


class Client(threading.Thread):
    def __init__(self, base_url: str, urls: list[str], stop: threading.Event, deadline: float, seed: int) -> None:
        super().__init__(daemon=True)
        self.base_url, self.urls, self.chance = base_url, urls, random.Random(seed)
        self.stop, self.deadline = stop, deadline
        self.requests, self.half_built, self.went_back = 0, 0, 0
        self.errors: list[str] = []
        self.editions: set[int] = set()

    def run(self) -> None:
        newest = 0
        while not self.stop.is_set() and time.monotonic() < self.deadline and self.requests < REQUESTS_PER_CLIENT:
            url = self.chance.choice(self.urls)
            self.requests += 1
            try:
                with urllib.request.urlopen(self.base_url + url, timeout=30) as response:
                    body = response.read()
                    status = response.status
            except Exception as exc:  # every failure is counted and shown
                self.errors.append(f"{url}: {type(exc).__name__}: {exc}")
                continue
            if status != 200:
                self.errors.append(f"{url}: HTTP {status}")
                continue
            marks = EDITION.findall(body)
            numbers = {int(n) for n, _ in marks}
            whole = [where for _, where in marks] == [b"top", b"bottom"] and body.rstrip().endswith(b"</html>")
            if not whole or len(numbers) != 1:
                self.half_built += 1
                continue
            number = numbers.pop()
            self.went_back += number < newest
            newest = max(newest, number)
            self.editions.add(number)


@pytest.fixture
def site(make_site: MakeSite) -> Path:
    files = {f"content/towns/2024/a{n:02d}.md": article(f"文章{n}", f"2024-01-{n + 1:02d}", "正文。" * 50)
             for n in range(20)}  # fmt: skip
    site = make_site(files)
    (site / "templates").mkdir()
    save_edition(site, 1)
    return site


def test_fifty_clients_get_whole_pages_of_one_build_while_it_rebuilds(site: Path) -> None:
    server = DevServer(site, host="127.0.0.1", port=0)
    server.start()
    try:
        urls = ["", "towns/", "towns/page/2/", *(f"towns/2024/01/a{n:02d}/" for n in range(20))]
        deadline, stop = time.monotonic() + LOAD_SECONDS, threading.Event()
        clients = [Client(server.url, urls, stop, deadline, seed) for seed in range(CLIENTS)]
        for client in clients:
            client.start()
        saved = 1
        while saved <= SAVES and time.monotonic() < deadline:
            before = server.state.generation
            saved += 1
            save_edition(site, saved)
            server.state.wait_for(before, 10.0)
            time.sleep(SAVE_EVERY)
        stop.set()
        for client in clients:
            client.join(60)
        rebuilt = server.state.generation
    finally:
        server.stop()
    errors = [error for client in clients for error in client.errors]
    requests = sum(client.requests for client in clients)
    print(f"\nserve under load: {CLIENTS} clients, {requests} requests, {saved - 1} saves, {rebuilt - 1} rebuilds")
    assert errors == [], errors[:5]
    assert sum(client.half_built for client in clients) == 0
    assert sum(client.went_back for client in clients) == 0
    assert requests >= CLIENTS and rebuilt >= SAVES  # the load ran through the rebuilds
    seen = set().union(*(client.editions for client in clients))
    assert len(seen) >= 2 and seen <= set(range(1, saved + 1))
