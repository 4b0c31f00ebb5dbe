"""Fault injection, for real: builds of a 60-article site killed with SIGKILL at named steps (SITEGEN_FAULT) and at
random moments, a full and a read-only disk. After each: the output is exactly the old edition or exactly the new one
(by digest), and after the next build it is the new one whole, with nothing left beside it. The figures are printed
at the end of the run (and written as JSON to $SITEGEN_FAULT_FIGURES when set)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pytest
from conftest import REPORT_LINES, default_ctrl_c, picture_bytes
from fault_support import Figures, build_command, environment, make_fault_site, run_build, set_edition
from output_support import fill, litter, remount, site_digest, small_disk

from sitegen.build.plainfolder import JOURNAL, staging_folders

RANDOM_KILLS = 10
SEED = 13


@dataclass
class Bench:
    site: Path
    root: Path
    digests: dict[str, str]  # edition -> digest of its whole output
    build_seconds: float  # how long a build of the other edition took here; the random kills fall within it
    editions: dict[Path, str] = field(default_factory=dict)  # output -> the edition it holds

    def output(self, mode: str) -> Path:
        output = self.root / f"public-{mode}"
        if output not in self.editions:
            set_edition(self.site, "A")
            run_build(self.site, output, self.cache(output), mode)
            self.editions[output] = "A"
        return output

    def cache(self, output: Path) -> Path:
        return self.root / f"cache-{output.name}"


@pytest.fixture(scope="module")
def figures(request: pytest.FixtureRequest) -> Iterator[Figures]:
    figures = Figures()
    yield figures
    lines = [figures.line(), *(f"  {note}" for note in figures.notes)]
    workeroutput = getattr(request.config, "workeroutput", None)
    if workeroutput is not None:  # a pytest-xdist worker: the main process prints them (tests/conftest.py)
        workeroutput.setdefault(REPORT_LINES, []).extend(lines)
        return
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():  # printed whatever -s says: the figures are the suite's report
        print("\n" + "\n".join(lines))
    if os.environ.get("SITEGEN_FAULT_FIGURES"):
        Path(os.environ["SITEGEN_FAULT_FIGURES"]).write_text(json.dumps(asdict(figures), indent=1), encoding="utf-8")


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Bench:
    root = tmp_path_factory.mktemp("faults")
    site = root / "site"
    make_fault_site(site, picture_bytes(640, 480))
    digests = {}
    for edition in ("A", "B"):  # each edition built cold, alone: the reference the killed builds are held to
        set_edition(site, edition)
        run_build(site, root / f"reference-{edition}", root / f"reference-cache-{edition}")
        digests[edition] = site_digest(root / f"reference-{edition}")
    assert digests["A"] != digests["B"]
    bench = Bench(site, root, digests, 0.0)
    output = bench.output("link")  # edition A
    set_edition(site, "B")
    started = time.monotonic()
    run_build(site, output, bench.cache(output))
    bench.build_seconds, bench.editions[output] = time.monotonic() - started, "B"
    return bench


def trial(bench: Bench, figures: Figures, mode: str, fault: str = "", kill_after: float | None = None) -> None:
    """One build to the other edition, killed; then the checks, the next build, and the checks again."""
    output = bench.output(mode)
    old = bench.editions[output]
    new = "B" if old == "A" else "A"
    set_edition(bench.site, new)
    command = build_command(bench.site, output, bench.cache(output), mode)
    process = subprocess.Popen(command, env=environment(fault), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    reader = _Reader(output, {bench.digests[old], bench.digests[new]}, process) if mode == "link" else None
    if kill_after is not None:
        try:
            process.wait(kill_after)
        except subprocess.TimeoutExpired:
            process.kill()
    _, stderr = process.communicate(timeout=300)
    if reader is not None:
        reader.join()
        figures.reads_during_builds += reader.reads
        figures.mixtures_seen += reader.mixtures
    if process.returncode == -signal.SIGKILL:
        figures.kills_tried += 1
        figures.faults_injected += 1
    else:  # a random moment after the build's end: still checked, not counted as a kill
        figures.builds_ended_before_the_kill += 1
        assert process.returncode == 0 and fault == "", stderr.decode("utf-8", "replace")
    seen = site_digest(output) if output.exists() else "no output"
    if seen not in (bench.digests[old], bench.digests[new]):
        cut_short = mode == "folder" and any((s / JOURNAL).is_file() for s in staging_folders(output))
        if cut_short:
            figures.plain_mixtures_until_next_build += 1
        else:
            figures.mixtures_seen += 1
            figures.notes.append(f"{mode} {fault or kill_after}: a mixture")
    run_build(bench.site, output, bench.cache(output), mode)
    bench.editions[output] = new
    if site_digest(output) != bench.digests[new]:
        figures.data_lost += 1
        figures.notes.append(f"{mode} {fault or kill_after}: the next build was not the new edition")
    left = litter(output) + cache_litter(bench.cache(output))
    figures.folders_left += len(left)
    if left:
        figures.notes.append(f"{mode} {fault or kill_after}: left {left}")


def cache_litter(cache: Path) -> list[str]:
    """Temporary files of the cache's writers (hidden names) left behind, after a build that ended well."""
    return sorted(str(p.relative_to(cache)) for p in cache.rglob(".*"))


class _Reader(threading.Thread):
    """A reader of the output while the build runs: it resolves the link once per read, as a request would, and
    digests the whole site it finds there."""

    def __init__(self, output: Path, editions: set[str], process: subprocess.Popen[bytes]) -> None:
        super().__init__(daemon=True)
        self.output, self.editions, self.process = output, editions, process
        self.reads = self.mixtures = 0
        self.start()

    def run(self) -> None:
        while self.process.poll() is None:
            try:
                digest = site_digest(Path(os.path.realpath(self.output)))
            except OSError:
                digest = "unreadable"
            self.reads += 1
            self.mixtures += digest not in self.editions
            time.sleep(0.02)  # a reader, not a load: the build keeps its cores


LINK_STEPS = ["recovered", "staging@40", "staged", "switched", "committed"]
FOLDER_STEPS = ["staged", "journal", "committing@30"]


def test_builds_killed_at_every_step_leave_the_old_or_the_new_site(bench: Bench, figures: Figures) -> None:
    for step in LINK_STEPS:
        trial(bench, figures, "link", step)
    figures.killed_at_steps += len(LINK_STEPS)
    assert (figures.mixtures_seen, figures.folders_left, figures.data_lost) == (0, 0, 0), figures.notes


def test_plain_folder_builds_killed_mid_commit_are_completed_by_the_next(bench: Bench, figures: Figures) -> None:
    before = figures.plain_mixtures_until_next_build
    for step in FOLDER_STEPS:
        trial(bench, figures, "folder", step)
    figures.killed_at_steps += len(FOLDER_STEPS)
    assert figures.plain_mixtures_until_next_build - before == 1  # committing@30: cut short, then completed
    assert (figures.mixtures_seen, figures.folders_left, figures.data_lost) == (0, 0, 0), figures.notes


def test_builds_killed_at_random_moments_leave_the_old_or_the_new_site(bench: Bench, figures: Figures) -> None:
    chance, ended = random.Random(SEED), figures.builds_ended_before_the_kill
    for _ in range(RANDOM_KILLS):
        trial(bench, figures, "link", kill_after=chance.uniform(0.5, bench.build_seconds * 0.95))
    figures.random_kills += RANDOM_KILLS - (figures.builds_ended_before_the_kill - ended)
    assert figures.reads_during_builds > 0
    assert (figures.mixtures_seen, figures.folders_left, figures.data_lost) == (0, 0, 0), figures.notes


@pytest.mark.parametrize("fault", ["full", "read-only"])
def test_a_full_or_read_only_output_disk_keeps_the_old_site(
    bench: Bench, figures: Figures, tmp_path: Path, fault: str
) -> None:
    with small_disk(tmp_path / "disk", "8m") as disk:
        output, cache = disk / "public", tmp_path / "cache"
        set_edition(bench.site, "A")
        run_build(bench.site, output, cache)
        set_edition(bench.site, "B")
        filler = fill(disk) if fault == "full" else None
        if filler is None:
            remount(disk, "ro")
        done = subprocess.run(build_command(bench.site, output, cache, "link"), env=environment(), capture_output=True,
                              timeout=300, check=False)  # fmt: skip
        figures.faults_injected += 1
        assert done.returncode == 2 and ("磁盘空间不足" in done.stderr.decode() or "只读" in done.stderr.decode())
        figures.mixtures_seen += site_digest(output) != bench.digests["A"]
        if filler is not None:
            filler.unlink()
        else:
            remount(disk, "rw")
        run_build(bench.site, output, cache)
        figures.data_lost += site_digest(output) != bench.digests["B"]
        figures.folders_left += len(litter(output))
    assert (figures.mixtures_seen, figures.folders_left, figures.data_lost) == (0, 0, 0), figures.notes


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux's /proc to see the workers")
def test_ctrl_c_stops_a_build_with_exit_130_no_worker_traceback_and_the_old_site(tmp_path: Path) -> None:
    """Ctrl-C signals the whole process group: the build stops with 130 (not click's 1, which is content errors),
    its forked workers print nothing, and the output is the last complete build."""
    site, output = tmp_path / "site", tmp_path / "public"
    make_fault_site(site, picture_bytes(64, 48))
    run_build(site, output, tmp_path / "cache")
    before = site_digest(output)
    for n in range(300):  # enough Markdown for the pool of workers
        text = f"---\ntitle: 新文{n}\ndate: 2024-03-01\n---\n\n" + f"第{n}篇。" * 200 + "\n"
        (site / f"content/towns/2024/new{n:03d}.md").write_text(text, encoding="utf-8")
    command = [*build_command(site, output, tmp_path / "other-cache"), "--no-cache"]
    # the build waits after its first staged page (its page workers running) until the signal comes: on a loaded
    # machine a build left to run could end before the test's Ctrl-C reached it
    ready = tmp_path / "waiting"
    env = {**environment("wait:staging@1"), "SITEGEN_FAULT_READY": str(ready)}
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True, preexec_fn=default_ctrl_c)  # fmt: skip
    deadline = time.monotonic() + 240
    while not ready.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert ready.exists(), "the build never reached its first staged page"
    assert _children(process.pid), "the page workers are not running"
    os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C: every process of the group
    _, stderr = process.communicate(timeout=120)
    text = stderr.decode("utf-8", "replace")
    assert process.returncode == 130, text
    assert "Interrupted" in text and "Traceback" not in text and "ForkPoolWorker" not in text, text
    assert site_digest(output) == before
