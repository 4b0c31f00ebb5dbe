"""build/outputcheck.py: the helper process tells which output files still have their recorded stats, as the
output record's own check does (incremental/outputs.py), and a build that cannot start it checks them itself."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from sitegen import helperprocess
from sitegen.build import outputcheck
from sitegen.build.outputcheck import OutputCheck
from sitegen.incremental.outputs import OutputRecord

NAMES = [
    "index.html",
    "a/index.html",
    "a/b/中文 页.html",
    "search/shards/0.bin",
    "gone.html",
    "moved.html",
    "same.html",
]


def recorded_folder(tmp_path: Path) -> tuple[Path, dict[str, tuple[int, int]]]:
    """An output folder and its record; then one file edited (other size), one touched (other time), one removed;
    one path recorded with another size, and one file never recorded."""
    folder = tmp_path / "public"
    for name in NAMES:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(f"<p>{name}</p>", encoding="utf-8")
    stats = {name: (os.stat(folder / name).st_mtime_ns, os.stat(folder / name).st_size) for name in NAMES}
    (folder / "a/index.html").write_text("<p>edited by hand</p>", encoding="utf-8")
    info = os.stat(folder / "index.html")
    os.utime(folder / "index.html", ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
    (folder / "gone.html").unlink()
    stats["moved.html"] = (stats["moved.html"][0], stats["moved.html"][1] + 1)
    (folder / "unrecorded.html").write_text("new", encoding="utf-8")
    return folder, stats


@pytest.fixture
def no_stat_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every answer must come from the helper."""
    monkeypatch.setattr(outputcheck, "_stat", lambda *a: pytest.fail("stat'ed in this process"))


def test_the_helper_answers_as_the_record_does(tmp_path: Path, no_stat_here: None) -> None:
    folder, stats = recorded_folder(tmp_path)
    record = OutputRecord(files=tuple(stats), stats=stats)
    check = OutputCheck(folder, stats)
    asked = [*NAMES, "unrecorded.html", "never.html"]
    assert [check.intact(name) for name in asked] == [record.intact(folder, name) for name in asked]
    check.close()


INTACT = {"a/b/中文 页.html", "search/shards/0.bin", "same.html"}


@pytest.mark.parametrize("helper", ["answers", "cannot start", "fails"])
def test_only_the_files_as_recorded_are_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, helper: str) -> None:
    """Told by the helper; or, when its interpreter cannot start or it gives no whole answer, by this process."""
    folder, stats = recorded_folder(tmp_path)
    if helper == "answers":
        monkeypatch.setattr(outputcheck, "_stat", lambda *a: pytest.fail("stat'ed in this process"))
    elif helper == "cannot start":
        monkeypatch.setattr(outputcheck.sys, "executable", str(tmp_path / "no-python"))
    else:
        monkeypatch.setattr(outputcheck, "_HELPER", "import sys; sys.stdout.write('half an answer'); sys.exit(3)")
    check = OutputCheck(folder, stats)
    asked = [*NAMES, "unrecorded.html"]
    assert {name for name in asked if check.intact(name)} == INTACT
    # in bulk (a page plan's): only where asked, and as one at a time
    wanted = [name != "same.html" for name in asked]
    assert check.intact_where(asked, wanted) == [name in INTACT - {"same.html"} for name in asked]
    check.close()


@pytest.fixture
def alarm() -> Iterator[None]:
    """A hang fails the test instead of the suite."""
    signal.signal(signal.SIGALRM, lambda *a: pytest.fail("no answer: the helper waits for the end of its input"))
    signal.alarm(30)
    yield
    signal.alarm(0)


def test_a_process_forked_meanwhile_does_not_keep_the_helper_waiting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_stat_here: None, alarm: None
) -> None:
    """A build's workers are forked while the helper runs: they hold its input open, so it reads its records by
    their size, never to the end of its input."""
    folder, stats = recorded_folder(tmp_path)
    forked = threading.Event()
    feed = helperprocess._feed

    def feed_after_the_fork(helper: subprocess.Popen[bytes], payload: bytes) -> None:
        forked.wait()
        feed(helper, payload)

    monkeypatch.setattr(helperprocess, "_feed", feed_after_the_fork)
    check = OutputCheck(folder, stats)
    release, hold = os.pipe()
    child = os.fork()
    if child == 0:  # holds every descriptor of the build, the helper's input among them, until released
        os.close(hold)
        os.read(release, 1)
        os._exit(0)
    forked.set()
    try:
        assert check.intact("same.html") and not check.intact("gone.html")
    finally:
        os.write(hold, b".")
        os.waitpid(child, 0)
        os.close(release)
        os.close(hold)
    check.close()


def test_a_check_never_asked_is_closed(tmp_path: Path) -> None:
    folder, stats = recorded_folder(tmp_path)
    check = OutputCheck(folder, stats)
    check.close()
    check.close()
