"""Pages written by the page workers themselves (build/staging.WorkerStaging, build/pageplan.py): into an empty
output (a cold build, the CI path: a fresh checkout with its cache restored), each worker writes the pages it
renders or reads back from the page store, and only their sizes come back. The output is a serial build's, byte for
byte; a page a worker could not write or read back is written by the building process."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from conftest import FIXED_NOW, article, tree

from sitegen.build import pageplan, pipeline, staging
from sitegen.build.api import BuildOptions, BuildReport, build

SITE_YAML = "title: 测试站\nbase_url: https://example.org/\npage_size: 4\ncolumns:\n  - slug: towns\n    title: 镇街\n"
ARTICLES = 150


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("workers") / "site"
    (site / "content" / "towns").mkdir(parents=True)
    (site / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    for n in range(ARTICLES):
        text = article(f"第{n}篇", f"2024-{n % 12 + 1:02d}-{n % 28 + 1:02d}", f"第{n}篇的正文。" * 20)
        (site / "content" / "towns" / f"a{n}.md").write_text(text, encoding="utf-8")
    return site


@pytest.fixture(scope="module")
def serial(site: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("serial") / "public"
    build(site, BuildOptions(output_dir=out, disk_cache=False, now=FIXED_NOW, jobs=1))
    return tree(out)


@pytest.fixture
def writers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """Every page a worker writes, logged with the writing process's id (forked workers inherit the spy)."""
    log = tmp_path / "writers.log"
    real = staging.write_in_worker

    def spy(folder: str, path: str, data: bytes) -> tuple[int, int] | None:
        with log.open("a", encoding="utf-8") as out:
            out.write(f"{os.getpid()} {path}\n")
        return real(folder, path, data)

    monkeypatch.setattr(pageplan, "write_in_worker", spy)
    yield log


def _written_by(log: Path) -> dict[str, set[str]]:
    by_process: dict[str, set[str]] = {}
    for line in log.read_text(encoding="utf-8").splitlines() if log.exists() else []:
        pid, path = line.split(" ", 1)
        by_process.setdefault(pid, set()).add(path)
    return by_process


def _build(site: Path, out: Path, cache: Path) -> BuildReport:
    return build(site, BuildOptions(output_dir=out, cache_dir=cache, now=FIXED_NOW, jobs=2))


def _ci_checkout(site: Path, cache: Path, root: Path) -> tuple[Path, Path]:
    """A fresh copy of the site (new time stamps) and of the cache; the output folder to build into (empty)."""
    shutil.copytree(site, root / "site", copy_function=shutil.copyfile)
    shutil.copytree(cache, root / "cache")
    return root / "site", root / "cache"


def test_a_cold_build_has_its_pages_written_by_the_workers(
    site: Path, serial: dict[str, bytes], writers: Path, tmp_path: Path
) -> None:
    report = _build(site, tmp_path / "out", tmp_path / "cache")
    by_process = _written_by(writers)
    assert str(os.getpid()) not in by_process and len(by_process) == 2  # two workers, neither this process
    written = set().union(*by_process.values())
    assert written <= {path for path in serial if path.endswith(".html")} and report.pages_rendered == len(written)
    assert tree(tmp_path / "out") == serial


def test_the_ci_path_has_the_stored_pages_written_by_the_workers(
    site: Path, serial: dict[str, bytes], writers: Path, tmp_path: Path
) -> None:
    _build(site, tmp_path / "first", tmp_path / "saved-cache")
    writers.unlink()
    checkout, cache = _ci_checkout(site, tmp_path / "saved-cache", tmp_path / "ci")

    report = _build(checkout, tmp_path / "ci" / "public", cache)

    assert (report.articles_rendered, report.pages_rendered) == (0, 0)
    by_process = _written_by(writers)
    assert str(os.getpid()) not in by_process and len(by_process) == 2
    assert len(set().union(*by_process.values())) == report.pages_reused
    assert tree(tmp_path / "ci" / "public") == serial


def test_a_page_missing_from_the_store_is_rendered_and_written_by_the_build(
    site: Path, serial: dict[str, bytes], tmp_path: Path
) -> None:
    _build(site, tmp_path / "first", tmp_path / "saved-cache")
    with sqlite3.connect(tmp_path / "saved-cache" / "pages.sqlite") as db:
        gone = [path for (path,) in db.execute("SELECT path FROM pages WHERE path LIKE 'towns/%' LIMIT 7")]
        db.executemany("DELETE FROM pages WHERE path = ?", [(path,) for path in gone])
    checkout, cache = _ci_checkout(site, tmp_path / "saved-cache", tmp_path / "ci")

    report = _build(checkout, tmp_path / "ci" / "public", cache)

    assert len(gone) == 7 and report.pages_rendered == 7
    assert tree(tmp_path / "ci" / "public") == serial


def test_a_page_no_worker_could_write_is_written_by_the_build(
    site: Path, serial: dict[str, bytes], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(pageplan, "write_in_worker", lambda folder, path, data: None)  # as a failed write says
    _build(site, tmp_path / "out", tmp_path / "cache")
    assert tree(tmp_path / "out") == serial
    checkout, cache = _ci_checkout(site, tmp_path / "cache", tmp_path / "ci")
    report = _build(checkout, tmp_path / "ci" / "public", cache)
    assert report.pages_rendered == 0 and tree(tmp_path / "ci" / "public") == serial


def test_a_worker_write_that_fails_returns_none_and_leaves_the_rest(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file where a folder is needed", encoding="utf-8")
    folder = os.path.join(tmp_path, "")
    assert staging.write_in_worker(folder, "taken/index.html", b"x") is None
    written = tmp_path / "ok" / "index.html"
    stat = staging.write_in_worker(folder, "ok/index.html", "页".encode())
    assert written.read_bytes() == "页".encode()
    assert stat == (written.stat().st_mtime_ns, 3)  # what the output record keeps: no stat of its own


def test_a_worker_write_makes_missing_folders_and_replaces_a_longer_file(tmp_path: Path) -> None:
    folder = os.path.join(tmp_path, "")
    deep = tmp_path / "towns" / "2022" / "12" / "junhe" / "index.html"
    assert staging.write_in_worker(folder, "towns/2022/12/junhe/index.html", b"first, longer") is not None
    assert staging.write_in_worker(folder, "towns/2022/12/junhe/index.html", b"second") == (
        deep.stat().st_mtime_ns,
        6,
    )
    assert deep.read_bytes() == b"second"  # truncated, not written over the old bytes
    assert staging.write_in_worker(folder, "towns/2022/12/other/index.html", b"") is not None  # its parent is there
    assert (tmp_path / "towns" / "2022" / "12" / "other" / "index.html").read_bytes() == b""


def test_a_build_that_fails_stops_its_workers_before_it_returns(
    site: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    real = pageplan.render_page

    def render_page(env: object, config: object, job: pageplan.PageJob, body: object) -> bytes:
        if job.path.startswith("towns/page/3"):
            raise RuntimeError("a page that cannot be made")
        return real(env, config, job, body)  # type: ignore[arg-type]

    monkeypatch.setattr(pageplan, "render_page", render_page)
    with pytest.raises(RuntimeError, match="cannot be made"):
        _build(site, tmp_path / "public", tmp_path / "cache")
    assert multiprocessing.active_children() == []  # no worker left to write into a folder being removed
    assert not (tmp_path / "public").exists()
    assert [p.name for p in (tmp_path / ".public-builds").iterdir()] == []


def test_only_the_ci_path_makes_the_other_files_while_the_workers_write(
    site: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Beside the workers rendering a cold build, the search index's memory would add to theirs: there the pages
    still come first; on the CI path the workers only read pages back, and this process goes on meanwhile."""
    seen: list[bool] = []
    real = pipeline.page_files

    def page_files(*args: Any) -> pageplan.PageFiles:
        planned = real(*args)
        seen.append(planned.meanwhile)
        return planned

    monkeypatch.setattr(pipeline, "page_files", page_files)
    _build(site, tmp_path / "first", tmp_path / "saved-cache")
    checkout, cache = _ci_checkout(site, tmp_path / "saved-cache", tmp_path / "ci")
    _build(checkout, tmp_path / "ci" / "public", cache)
    assert seen == [False, True]


def test_the_page_workers_are_gone_before_the_search_index_is_made(
    site: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Idle workers kept alive through the feeds and the search index had raised a cold build's peak memory."""
    alive: list[int] = []
    real = pipeline.search_files

    def search_files(*args: Any) -> Iterator[Any]:
        alive.append(len(multiprocessing.active_children()))
        return real(*args)

    monkeypatch.setattr(pipeline, "search_files", search_files)
    report = _build(site, tmp_path / "public", tmp_path / "cache")
    assert report.pages_rendered > 128 and alive == [0]  # enough pages for two workers; none left by then


@pytest.mark.parametrize("jobs", [1, 2])
def test_unchanged_files_are_linked_by_the_workers_each_file_once(jobs: int, tmp_path: Path) -> None:
    current, new = tmp_path / "current", tmp_path / "new"
    paths = [f"p/{n % 13}/{n}/index.html" for n in range(staging.LINK_CHUNK * 3 + 5)]  # enough for two workers
    for path in paths:
        (current / path).parent.mkdir(parents=True, exist_ok=True)
        (current / path).write_text(path, encoding="utf-8")
    new.mkdir()
    staging.link_same(current, new, paths, jobs)
    assert all((new / p).stat().st_ino == (current / p).stat().st_ino for p in paths)
    assert sorted(p.relative_to(new).as_posix() for p in new.rglob("*.html")) == sorted(paths)


def test_a_file_the_workers_cannot_link_is_an_error_of_the_build(tmp_path: Path) -> None:
    current, new = tmp_path / "current", tmp_path / "new"
    paths = [f"p/{n}.html" for n in range(staging.LINK_CHUNK * 2 + 1)]
    (current / "p").mkdir(parents=True)
    for path in paths[:-1]:  # the last one is gone
        (current / path).write_bytes(b"x")
    new.mkdir()
    with pytest.raises(FileNotFoundError):
        staging.link_same(current, new, paths, 2)
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("output_mode", ["link", "folder"])
def test_the_output_record_keeps_the_stats_the_writers_saw(
    site: Path, output_mode: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Every file a build writes (by a worker or by the writer) is recorded with the stats its writer saw, which are
    the file's stats in the committed output: the record makes no stat of its own for them, and the next build
    finds every file intact."""
    from sitegen.incremental import outputs
    from sitegen.incremental.cache import BuildCache

    stats_asked: list[str] = []
    real_stat = os.stat

    def counted_stat(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        stats_asked.append(str(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(outputs, "os", SimpleNamespace(stat=counted_stat))  # the record's module only
    out, cache = tmp_path / "public", tmp_path / "cache"
    options = BuildOptions(output_dir=out, cache_dir=cache, now=FIXED_NOW, jobs=2, output_mode=output_mode)
    first = build(site, options)

    recorded = BuildCache.load(cache).outputs.stats
    on_disk = {path: real_stat(out / path) for path in recorded}
    assert {path: (s.st_mtime_ns, s.st_size) for path, s in on_disk.items()} == recorded
    assert len(recorded) == first.files_written + 1 > ARTICLES  # and the marker
    assert [path for path in stats_asked if not path.endswith(".sitegen-output")] == []  # the marker is no _write
    again = build(site, options)
    assert again.files_written == 0
