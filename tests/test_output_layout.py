"""The two output layouts: a link switched to each complete build, or a plain folder; what dead builds leave."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MakeSite, article, build_site, default_ctrl_c, tree
from output_support import builds_of, litter

from sitegen.build.diskfull import size
from sitegen.build.lock import OutputBusy, output_lock
from sitegen.build.output import FOLDER, MARKER, recover, write_site
from sitegen.build.plainfolder import JOURNAL
from sitegen.cli import main
from sitegen.model import OutputFile


def files(**pages: str) -> list[OutputFile]:
    return [OutputFile(path.replace("__", "/"), text.encode("utf-8")) for path, text in pages.items()]


def shown(out: Path) -> str:
    return os.readlink(out)


def test_the_output_is_a_relative_link_to_the_last_complete_build(tmp_path: Path) -> None:
    out = tmp_path / "public"
    write_site(files(index_html="一"), out)
    assert out.is_symlink() and shown(out) == ".public-builds/1"
    write_site(files(index_html="二"), out)
    write_site(files(index_html="三"), out)
    assert shown(out) == ".public-builds/3"
    # the shown build, the one before, and where the one before differs from it (build/recycle.py)
    assert sorted(p.name for p in builds_of(out).iterdir()) == ["2", "2.differs", "3"]
    assert (out / "index_html").read_text(encoding="utf-8") == "三"
    assert (builds_of(out) / "2/index_html").read_text(encoding="utf-8") == "二"
    assert litter(out) == []


def test_unchanged_files_are_hard_links_of_the_last_build(tmp_path: Path) -> None:
    out = tmp_path / "public"
    write_site(files(same="不变", changed="旧"), out)
    before = (out / "same").stat()
    report = write_site(files(same="不变", changed="新"), out)
    after = (out / "same").stat()
    assert (after.st_ino, after.st_mtime_ns, after.st_nlink) == (before.st_ino, before.st_mtime_ns, 2)
    assert (out / MARKER).stat().st_ino == (builds_of(out) / "1" / MARKER).stat().st_ino
    assert (report.written, report.unchanged, report.removed) == (1, 1, 0)


def test_a_build_that_changes_nothing_makes_no_build_folder(tmp_path: Path) -> None:
    out = tmp_path / "public"
    write_site(files(a="甲", b="乙"), out)
    report = write_site(files(a="甲", b="乙"), out)
    assert (report.written, report.unchanged) == (0, 2)
    assert shown(out) == ".public-builds/1" and sorted(p.name for p in builds_of(out).iterdir()) == ["1"]


def test_a_removed_file_alone_makes_a_new_build(tmp_path: Path) -> None:
    out = tmp_path / "public"
    write_site(files(a="甲", b="乙"), out)
    report = write_site(files(a="甲"), out)
    assert report.removed == 1 and set(tree(out)) == {MARKER, "a"}
    assert shown(out) == ".public-builds/2"


def test_a_plain_folder_becomes_the_link_and_back_keeping_time_stamps(tmp_path: Path) -> None:
    out = tmp_path / "public"
    write_site(files(a="甲", b="乙"), out, mode=FOLDER)
    assert out.is_dir() and not out.is_symlink() and not builds_of(out).exists()
    stamp = (out / "a").stat().st_mtime_ns
    write_site(files(a="甲", b="新"), out)  # an earlier sitegen's folder: swapped for the link in one step
    assert out.is_symlink() and (out / "a").stat().st_mtime_ns == stamp
    assert sorted(p.name for p in builds_of(out).iterdir()) == ["0", "0.differs", "1"]  # the old folder: build 0
    write_site(files(a="甲", b="又新"), out, mode=FOLDER)
    assert out.is_dir() and not out.is_symlink() and (out / "a").stat().st_mtime_ns == stamp
    assert tree(out) == {MARKER: (out / MARKER).read_bytes(), "a": "甲".encode(), "b": "又新".encode()}
    assert litter(out) == [] and not builds_of(out).exists()


def test_plain_folder_mode_moves_changed_files_in_and_removes_the_rest(tmp_path: Path) -> None:
    out = tmp_path / "public"
    write_site(files(a="甲", b="乙", old__c="丙"), out, mode=FOLDER)
    inode = (out / "a").stat().st_ino
    report = write_site(files(a="甲", b="新"), out, mode=FOLDER)
    assert (report.written, report.unchanged, report.removed) == (1, 1, 1)
    assert (out / "a").stat().st_ino == inode and not (out / "old").exists()
    assert litter(out) == []


def test_staging_folders_of_dead_builds_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "public"
    write_site(files(a="甲"), out)
    dead = [tmp_path / ".public-building-abcd1234", builds_of(out) / "2", builds_of(out) / "7"]
    for folder in dead:
        (folder / "towns").mkdir(parents=True)
        (folder / "towns/index.html").write_text("半成品", encoding="utf-8")
    (builds_of(out) / ".switch-2").symlink_to(".public-builds/2")
    recover(out)
    assert litter(out) == [] and tree(out) == {MARKER: (out / MARKER).read_bytes(), "a": "甲".encode()}


def test_a_plain_folder_commit_cut_short_is_completed_first(tmp_path: Path) -> None:
    out = tmp_path / "public"
    write_site(files(a="旧", b="旧", gone="删"), out, mode=FOLDER)
    staging = tmp_path / ".public-building-x1y2z3w4"  # died after moving `a` in: `b` is still staged
    staging.mkdir()
    (staging / "b").write_text("新", encoding="utf-8")
    (staging / JOURNAL).write_text(json.dumps(["gone"]), encoding="utf-8")
    (out / "a").write_text("新", encoding="utf-8")
    recover(out)
    assert tree(out) == {MARKER: (out / MARKER).read_bytes(), "a": "新".encode(), "b": "新".encode()}
    assert litter(out) == []


def test_a_staging_folder_a_live_build_holds_is_never_removed(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site({"content/towns/2024/a.md": article()})
    out = site / "public"
    build_site(site)
    live = builds_of(out) / "2"
    live.mkdir()  # as a build holding the lock has it, half written
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with output_lock(out.parent.resolve() / out.name):
            holding.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(30)
    try:
        with pytest.raises(OutputBusy):
            build_site(site, lock_timeout=0.2)
        assert live.is_dir()
    finally:
        release.set()
        holder.join()
    build_site(site)  # the lock is free: the folder of the build that held it is litter now
    assert litter(out) == []


def test_a_fault_point_kills_the_build_the_nth_time_it_is_reached() -> None:
    code = "from sitegen.build.faults import fault_point\nfor n in range(5):\n print(n, flush=True)\n"
    code += " fault_point('x', n + 1)"
    env = {**os.environ, "SITEGEN_FAULT": "x@3"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout.split()) == (-signal.SIGKILL, ["0", "1", "2"])


def test_a_waiting_fault_point_holds_the_build_until_a_signal_stops_it(tmp_path: Path) -> None:
    code = "from sitegen.build.faults import fault_point\nfor n in range(5):\n print(n, flush=True)\n"
    code += " fault_point('x', n + 1)"
    ready = tmp_path / "ready"
    env = {**os.environ, "SITEGEN_FAULT": "wait:x@2", "SITEGEN_FAULT_READY": str(ready)}
    process = subprocess.Popen(
        [sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True, preexec_fn=default_ctrl_c
    )
    deadline = time.monotonic() + 60
    while not ready.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)
    assert process.poll() is None  # still held at the second fault point
    process.send_signal(signal.SIGINT)
    stdout, _ = process.communicate(timeout=60)
    assert (process.returncode, stdout.split()) == (-signal.SIGINT, ["0", "1"])


def test_sizes_read_as_people_read_them() -> None:
    assert [size(n) for n in (980, 12_345, 4_000_000, 1_234_567_890)] == ["980 B", "12.3 KB", "4.0 MB", "1.2 GB"]


def test_the_command_builds_a_plain_folder_or_the_link(make_site: MakeSite) -> None:
    site = make_site({"content/towns/2024/a.md": article()})
    out = site / "public"
    runner = CliRunner()
    result = runner.invoke(main, ["build", "--site", str(site), "--output-mode", "folder"])
    assert result.exit_code == 0, result.output
    assert out.is_dir() and not out.is_symlink() and (out / "index.html").is_file()
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 0, result.output
    assert shown(out) == ".public-builds/1" and (out / "index.html").is_file() and litter(out) == []
    result = runner.invoke(main, ["build", "--site", str(site), "--output-mode", "elsewhere"])
    assert result.exit_code == 2 and "elsewhere" in result.output
