"""Shared fixtures: a scratch site written inline, and the repository's example site built once."""

from __future__ import annotations

import gc
import io
import signal
import textwrap
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from browser_support import chromium
from PIL import Image
from template_code import SharedTemplateCode, with_shared_code

from sitegen.build.api import BuildOptions, BuildReport, build, load_site
from sitegen.model import Article, Site, output_path_for
from sitegen.render.memo import MemoEnvironment

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXED_NOW = datetime(2026, 1, 1, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

SITE_YAML = """\
title: 测试站
base_url: https://example.org/sub/
language: zh-CN
page_size: 2
columns:
  - slug: towns
    title: 镇街社区
  - slug: tips
    title: 身边爆料
"""

MakeSite = Callable[[Mapping[str, str | bytes]], Path]
REPORT_LINES = "sitegen_report_lines"  # what a pytest-xdist worker hands the main process to print at the end
_reported_by_workers: list[str] = []


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook, called in the main process as each worker ends
def pytest_testnodedown(node: Any, error: object) -> None:
    _reported_by_workers.extend(getattr(node, "workeroutput", {}).get(REPORT_LINES, []))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """What the workers reported (the fault-injection figures of tests/test_faults.py), as one process prints it."""
    for line in _reported_by_workers:
        terminalreporter.write_line(line)


@pytest.fixture
def make_site(tmp_path: Path) -> MakeSite:
    """Write a tiny site: {relative path: text or bytes}; `site.yaml` defaults to SITE_YAML."""

    def make(files: Mapping[str, str | bytes]) -> Path:
        site = tmp_path / "site"
        all_files: dict[str, str | bytes] = {"site.yaml": SITE_YAML, **files}
        for relative, content in all_files.items():
            path = site / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content), encoding="utf-8")
        return site

    return make


def article(title: str = "标题", date: str = "2024-01-02", body: str = "正文。", **fields: str) -> str:
    """Front matter + body of a test article; extra fields are written as given (YAML)."""
    lines = ["---", f"title: {title}", f"date: {date}", *(f"{k}: {v}" for k, v in fields.items()), "---", "", body]
    return "\n".join(lines) + "\n"


@pytest.fixture
def article_jobs_made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The source path of each article whose page job is made (render/pagejobs.py), in order, in this process."""
    from sitegen.render import pagejobs

    made: list[str] = []
    real = pagejobs._article_job

    def counted(site: Site, job: Any, index: int) -> Any:
        made.append(site.article_pages[index].article.source_path)
        return real(site, job, index)

    monkeypatch.setattr(pagejobs, "_article_job", counted)
    return made


@pytest.fixture(autouse=True)
def nothing_frozen() -> Iterator[None]:
    """Each test starts and ends with no object frozen for the cycle collector. `sitegen serve` freezes each site it
    loads and leaves it so (build/lazysite.py), and a build that finds objects frozen leaves its own frozen as well
    (build/collector.py): after a serve test, a later test's build in the same process (a pytest-xdist worker runs
    test files in any order) would never be collected, its body store's file left open (a small disk that cannot be
    made read-only: tests/test_diskfull.py)."""
    gc.unfreeze()
    yield
    gc.unfreeze()


@pytest.fixture(scope="session", autouse=True)
def shared_template_code() -> Iterator[SharedTemplateCode]:
    """The builds of this test process compile each theme template once, not once per build (tests/template_code.py)."""
    shared = SharedTemplateCode()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(MemoEnvironment, "__init__", with_shared_code(MemoEnvironment.__init__, shared))
        yield shared


@pytest.fixture(scope="session")
def built_example(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildReport]:
    """The repository's example site, built once per test session."""
    output = tmp_path_factory.mktemp("example") / "public"
    cache = output.parent / "cache"  # pictures: not in the repository's own .sitegen-cache
    report = build(REPO_ROOT, BuildOptions(output_dir=output, now=FIXED_NOW, disk_cache=False, cache_dir=cache))
    return output, report


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian Chromium driven by Playwright, once per module (tests/browser_support.py; skips without one)."""
    with chromium() as launched:
        yield launched


# --------------------------------------------------------------------------- helpers shared by the test modules


def picture_bytes(
    width: int = 64, height: int = 48, fmt: str = "PNG", colour: tuple[int, int, int] = (200, 60, 40), **save: object
) -> bytes:
    """A real picture (Pillow encodes it): a colour with a diagonal gradient, so that resizing has work to do."""
    red, blue = (Image.new("L", (width, height), value) for value in (colour[0], colour[2]))
    green = Image.linear_gradient("L").rotate(45).resize((width, height))
    picture = Image.merge("RGB", (red, green, blue))
    buffer = io.BytesIO()
    picture.save(buffer, fmt, **save)
    return buffer.getvalue()


PNG = picture_bytes()  # a small real PNG for tests that need any picture


def build_site(site: Path, **options: Any) -> BuildReport:
    """Build a scratch site into `<site>/public` (unless `output_dir` is given) at FIXED_NOW."""
    options.setdefault("now", FIXED_NOW)
    return build(site, BuildOptions(**options))


def load(site: Path, **options: Any) -> Site:
    """Everything a build reads and assembles, without writing: the `Site` (raises BuildFailed/ConfigError)."""
    options.setdefault("now", FIXED_NOW)
    return load_site(site, BuildOptions(**options)).site


def articles_with_bodies(site: Path, **options: Any) -> tuple[Article, ...]:
    """The articles of a scratch site, newest first, each with its body_html as its own page shows it."""
    options.setdefault("now", FIXED_NOW)
    loaded = load_site(site, BuildOptions(**options))
    return tuple(replace(a, body_html=loaded.body(a).html) for a in loaded.site.articles)


def only_article(site: Path, **options: object) -> Article:
    """The one article of a scratch site, with its body_html."""
    articles = articles_with_bodies(site, **options)
    assert len(articles) == 1, [a.source_path for a in articles]
    return articles[0]


def copy_example_site(folder: Path) -> Path:
    """The repository's example site (site.yaml, content/, data/, ... as SITE_INPUTS names them) copied into
    `folder`/site, resolved: to edit and build without touching the repository."""
    import shutil

    from sitegen.layout import SITE_INPUTS

    site = folder.resolve() / "site"
    site.mkdir()
    for name in SITE_INPUTS:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, site / name)
        elif source.is_file():
            shutil.copy2(source, site / name)
    return site


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below `folder`: {POSIX relative path: bytes}."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def page(output: Path, url: str) -> str:
    """The HTML text of the page at site-relative `url` ('' for home, 'towns/' for a column)."""
    return (output / output_path_for(url)).read_text(encoding="utf-8")


def default_ctrl_c() -> None:
    """Popen's `preexec_fn` for a process a test stops with SIGINT: Ctrl-C as a terminal delivers it. A shell that
    starts a job in the background without job control (`bash .ci/run &`, nohup) has its children ignore SIGINT, and
    Python then never raises KeyboardInterrupt: such a test would wait for a process that cannot hear it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
