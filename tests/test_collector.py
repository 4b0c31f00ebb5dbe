"""The cycle collector during a build (sitegen.build.collector): what a build loads is frozen before the collector
runs again, so that no collection walks it."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXED_NOW, MakeSite, article, build_site

from sitegen.build.api import BuildOptions
from sitegen.build.collector import spared
from sitegen.build.pipeline import _start_kept
from sitegen.build.run import Run


def test_the_cache_is_read_with_the_collector_paused_and_frozen_before_it_runs_again(make_site: MakeSite) -> None:
    site: Path = make_site({f"content/towns/{n}.md": article(f"第{n}篇", body="正文。" * 50) for n in range(30)})
    build_site(site)  # a cache to read
    gc.collect()
    frozen_before = gc.get_freeze_count()
    collections: list[int] = []

    def counted(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(counted)
    threshold = gc.get_threshold()
    gc.set_threshold(50, *threshold[1:])  # a collection after any fifty new objects: the cache has thousands
    try:
        with spared() as settle:
            run = _start_kept(settle, site, BuildOptions(now=FIXED_NOW))
            assert collections == []  # reading the cache ran no collection, and left it none to run
            _check(run, frozen_before)
    finally:
        gc.callbacks.remove(counted)
        gc.set_threshold(*threshold)
    assert gc.get_freeze_count() == frozen_before  # given back when the build ends


def _check(run: Run, frozen_before: int) -> None:
    assert gc.isenabled()
    assert len(run.cache.articles.by_path) == 30
    assert gc.get_freeze_count() > frozen_before + 1000  # the cache's objects, left out of every collection
    assert gc.get_count()[0] < 200  # none of them waits for the next young collection


def test_the_page_plan_is_made_with_the_collector_paused_and_frozen_after(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page plan (its jobs, keys and the articles' digests) lives to the end of the build like the loaded site:
    a collection while it was made walked all of it (gen 2 passes, 0.8 s of a one-article rebuild at 100,000
    articles); after it, its objects are frozen too."""
    from sitegen.build import pageplan
    from sitegen.build.destination import OutputFolder
    from sitegen.build.pipeline import _load_kept
    from sitegen.build.staging import WorkerStaging

    site: Path = make_site({f"content/towns/{n}.md": article(f"第{n}篇", body="正文。" * 50) for n in range(30)})
    build_site(site)
    collections: list[int] = []
    planning: list[bool] = []

    def counted(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and planning:
            collections.append(info["generation"])

    def plan_pages(*args: object, **kwargs: object) -> pageplan.PagePlan:
        planning.append(True)
        try:
            return plan_made(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            planning.clear()

    plan_made = pageplan.plan_pages
    monkeypatch.setattr(pageplan, "plan_pages", plan_pages)
    options = BuildOptions(now=FIXED_NOW, jobs=1)
    with spared() as settle:
        run = _start_kept(settle, site, options)
        loaded = _load_kept(run, settle)
        destination = OutputFolder.open(site / "public", run.cache, run.cache_folder, options.disk_cache)
        frozen = gc.get_freeze_count()
        threshold = gc.get_threshold()
        gc.callbacks.append(counted)
        gc.set_threshold(50, *threshold[1:])  # a collection after any fifty new objects: the plan makes thousands
        try:
            pages = pageplan.page_files(run, loaded, [], destination, WorkerStaging())
            assert collections == []  # none while the plan was made
            assert gc.get_freeze_count() > frozen + 100  # the plan's objects, left out of every collection
            pages.close()
        finally:
            gc.callbacks.remove(counted)
            gc.set_threshold(*threshold)


def test_kept_objects_are_frozen_inside_a_builds_spared_block_only() -> None:
    """Outside a build (sitegen serve plans pages it renders on demand), `kept` only pauses the collector; inside one,
    it freezes what was made, and the build's end gives it back. Neither asks gc.get_freeze_count, which walks every
    frozen object, more than once per build."""
    from sitegen.build.collector import kept

    assert gc.get_freeze_count() == 0
    with kept():
        made = [[n] for n in range(100)]
        assert not gc.isenabled()
    assert gc.isenabled() and gc.get_freeze_count() == 0
    with spared():
        with kept():
            made += [[n] for n in range(100)]
        assert gc.get_freeze_count() >= 200
        with spared() as settle:  # a parallel map's block within the build's: gives nothing back
            settle()
        assert gc.get_freeze_count() >= 200
    assert gc.get_freeze_count() == 0 and len(made) == 200


def test_the_loaded_site_is_frozen_before_the_collector_runs_again(make_site: MakeSite) -> None:
    """As the cache: re-enabled first, the collector's next allocation walked every object the load made (0.13 s of
    a one-article rebuild at 100,000 articles)."""
    from sitegen.build.pipeline import _load_kept

    site: Path = make_site({f"content/towns/{n}.md": article(f"第{n}篇", body="正文。" * 50) for n in range(30)})
    build_site(site)
    collections: list[int] = []

    def counted(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    with spared() as settle:
        run = _start_kept(settle, site, BuildOptions(now=FIXED_NOW, jobs=1))
        threshold = gc.get_threshold()
        gc.callbacks.append(counted)
        gc.set_threshold(50, *threshold[1:])
        try:
            loaded = _load_kept(run, settle)
            assert collections == []
            assert gc.get_count()[0] < 50  # nothing the load made waits for the next young collection
        finally:
            gc.callbacks.remove(counted)
            gc.set_threshold(*threshold)
        assert len(loaded.site.articles) == 30


def test_kept_objects_are_frozen_before_the_collector_runs_again() -> None:
    from sitegen.build.collector import kept

    collections: list[int] = []

    def counted(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    threshold = gc.get_threshold()
    gc.set_threshold(50, *threshold[1:])
    try:
        with spared():
            with kept():
                made = [[n] for n in range(1000)]
                gc.callbacks.append(counted)  # from the end of the block on
            gc.callbacks.remove(counted)
            assert collections == []
            assert gc.get_count()[0] < 50
    finally:
        gc.set_threshold(*threshold)
    assert len(made) == 1000


LEFT_TO_EXIT = """
import os
from sitegen.build.collector import leave, left_to_exit

class Noisy:
    def __init__(self, name):
        self.name, self.children = name, [[] for _ in range(1000)]
    def __del__(self, write=os.write):  # os itself may be gone by then
        write(1, f"freed {self.name}\\n".encode())

def made():
    kept, dropped = Noisy("left"), Noisy("dropped")
    leave(kept)

made()  # both made's own: the one it did not leave is freed as it returns
left_to_exit()
"""


def test_what_a_build_leaves_to_the_exit_is_never_freed(tmp_path: Path) -> None:
    """Neither the modules' teardown nor the interpreter's last collection frees what `leave` holds; what it does
    not hold is freed as ever."""
    done = subprocess.run([sys.executable, "-c", LEFT_TO_EXIT], capture_output=True, text=True, check=True)
    assert done.stdout == "freed dropped\n"


CONSOLE_BUILD = """
import gc, sys
from sitegen.build import collector
from sitegen.cli import console
sys.argv = ["sitegen", "build", "--site", sys.argv[1]]
try:
    console()
except SystemExit as exc:
    print(exc.code, len(collector._LEFT) > 1, gc.get_freeze_count() > 0)
"""


def test_the_console_command_leaves_its_build_to_the_exit_and_main_frees_it(make_site: MakeSite) -> None:
    """The `sitegen` script's build leaves what it loaded to the process's end (its process ends with it); the
    click group called from Python, as tests and scripts call it, frees it as a library build does."""
    from click.testing import CliRunner

    from sitegen.build import collector
    from sitegen.cli import main

    site: Path = make_site({f"content/towns/{n}.md": article(f"第{n}篇", body="正文。") for n in range(3)})
    done = subprocess.run([sys.executable, "-c", CONSOLE_BUILD, str(site)], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "0 True True"
    before = len(collector._LEFT)
    (site / "content/towns/0.md").write_text(article("改过", body="新的正文。"), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 0, result.output
    assert len(collector._LEFT) == before


CONSOLE_BUILD_READ_AHEAD = """
import sys
from sitegen.build import api, collector
from sitegen.build.run import Run
from sitegen.cli import console
api._OVERLAP_FILES = api._READ_AHEAD_FILES = 0  # as on a very large site: the cache read while the survey runs
sys.argv = ["sitegen", "build", "--site", sys.argv[1], "--profile"]
try:
    console()
except SystemExit as exc:
    print(exc.code, sum(type(kept) is Run for kept in collector._LEFT))
"""


def test_a_console_build_with_nothing_to_do_leaves_the_cache_it_read_ahead_to_the_exit(make_site: MakeSite) -> None:
    """On a very large site the cache is read while the inputs are surveyed (build/api._survey_inputs); when they
    say there is nothing to do, the run it was read into is left to the exit too, not freed object by object."""
    site: Path = make_site({f"content/towns/{n}.md": article(f"第{n}篇", body="正文。") for n in range(3)})
    long_ago = 1_600_000_000 * 10**9  # time stamps the up-to-date check trusts (not seconds before its scan)
    for path in [site, *site.rglob("*")]:
        os.utime(path, ns=(long_ago, long_ago))
    for _ in range(2):  # the build, and one more for the site folder's own time stamp (its public/ made)
        subprocess.run([sys.executable, "-c", CONSOLE_BUILD_READ_AHEAD, str(site)], capture_output=True, check=True)
    done = subprocess.run(
        [sys.executable, "-c", CONSOLE_BUILD_READ_AHEAD, str(site)], capture_output=True, text=True, check=True
    )
    assert "输入未变" in done.stdout, "nothing to do: ended early"
    assert done.stdout.splitlines()[-1] == "0 1", done.stdout
