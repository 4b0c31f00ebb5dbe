"""The configuration users run, end to end: `sitegen build --jobs 2` with its disk cache (the SQLite body store, the
article shards, the image cache, the search state), a generated site large enough that the page workers fork, and
edits between builds. After every build the output is byte for byte the output of a cold build of the same sources.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

from conftest import picture_bytes, tree

from sitegen.build.parallel import MIN_ITEMS_PER_WORKER
from sitegen.incremental.bodies import BODIES_FILE

REPO = Path(__file__).resolve().parent.parent
ARTICLES = 160  # more than 2 * MIN_ITEMS_PER_WORKER article pages: two page workers fork
WORDS = ["党建", "志愿", "防诈", "均禾", "社区", "垃圾分类", "消防", "疫苗"]
SITE_YAML = """\
title: 测试站
base_url: https://example.org/news/
page_size: 10
columns:
  - slug: towns
    title: 镇街
  - slug: tips
    title: 身边爆料
"""


def _article(n: int, extra: str = "") -> str:
    word, other = WORDS[n % len(WORDS)], WORDS[(n * 3) % len(WORDS)]
    picture = "\n![现场](pic.png)\n" if n % 5 == 0 else ""
    link = f"\n见[前一篇](a{n - 2}.md)。\n" if n % 7 == 0 else ""  # the same column
    return (
        f"---\ntitle: {word}第{n}期\ndate: 2024-{n % 12 + 1:02}-{n % 28 + 1:02} 08:{n % 60:02}\n"
        f"tags: [{word}, {other}]\nviews: {n * 13 % 997}\n---\n\n"
        f"## {word}\n\n{word}工作第{n}次推进会召开。{other}志愿者参加。{extra}\n{picture}{link}"
    )


def _generate(site: Path) -> None:
    (site / "site.yaml").parent.mkdir(parents=True)
    (site / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    for column in ("towns", "tips"):
        (site / "content" / column).mkdir(parents=True)
        (site / "content" / column / "pic.png").write_bytes(picture_bytes(200, 150))
    for n in range(1, ARTICLES + 1):
        column = ("towns", "tips")[n % 2]
        (site / "content" / column / f"a{n}.md").write_text(_article(n), encoding="utf-8")


def _sitegen(*args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-c", "from sitegen.cli import main; main()", *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def _pages_rendered(output: str) -> int:
    found = re.search(r"页面：渲染 (\d+) 个", output)
    assert found, output
    return int(found.group(1))


NEW = (10, 120, 200)  # another colour: the picture's bytes change, so do its variants' names
EDITS = [
    ("edit an article", lambda s: (s / "content/towns/a2.md").write_text(_article(2, "补充。"), encoding="utf-8")),
    ("add an article", lambda s: (s / "content/tips/a999.md").write_text(_article(999), encoding="utf-8")),
    ("delete an article", lambda s: (s / "content/towns/a4.md").unlink()),
    ("change a picture", lambda s: (s / "content/towns/pic.png").write_bytes(picture_bytes(200, 150, colour=NEW))),
    (
        "change a template",
        lambda s: (s / "templates").mkdir()
        or (s / "templates/article.html").write_text(
            '{% extends "theme/article.html" %}{% block content %}<p>转载请注明</p>{{ super() }}{% endblock %}',
            encoding="utf-8",
        ),
    ),
    ("change the config", lambda s: (s / "site.yaml").write_text(SITE_YAML.replace("10", "7"), encoding="utf-8")),
]


def test_builds_with_the_disk_cache_and_two_workers_equal_cold_builds_across_edits(tmp_path: Path) -> None:
    site, output, cold = tmp_path / "site", tmp_path / "public", tmp_path / "cold"
    _generate(site)
    first = _sitegen("build", "--site", str(site), "--output", str(output), "--jobs", "2", "--profile")
    assert _pages_rendered(first) >= 2 * MIN_ITEMS_PER_WORKER  # enough for ordered_map to fork two workers
    with sqlite3.connect(site / ".sitegen-cache" / BODIES_FILE) as db:  # the real body store was used
        assert db.execute("SELECT count(*) FROM bodies").fetchone()[0] == ARTICLES
    db.close()
    for name, edit in EDITS:
        edit(site)
        report = _sitegen("build", "--site", str(site), "--output", str(output), "--jobs", "2", "--profile")
        assert "缓存：0 条提示" in report, (name, report)
        _sitegen("build", "--site", str(site), "--output", str(cold), "--no-cache", "--jobs", "1")
        assert tree(output) == tree(cold), name
        if name == "change a template":
            assert _pages_rendered(report) >= 2 * MIN_ITEMS_PER_WORKER  # every article page, in the workers
