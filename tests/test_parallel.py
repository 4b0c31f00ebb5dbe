"""One call made in a forked child while this process goes on (sitegen.build.parallel.in_child)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from sitegen.build import parallel
from sitegen.build.parallel import in_child


def _made_in(marker: Path, value: int) -> tuple[int, list[str], dict[str, int]]:
    """Plain data, and a file naming the process that made it."""
    marker.write_text(str(os.getpid()), encoding="utf-8")
    return value * 2, ["甲", "乙"], {"pid": os.getpid()}


def _not_plain_data(marker: Path) -> object:
    marker.write_text(str(os.getpid()), encoding="utf-8")
    return Path("not marshalled")


def _failing(marker: Path) -> int:
    if os.getpid() != int(marker.read_text(encoding="utf-8")):  # fails in any process but the one named
        raise RuntimeError("failed in the child")
    return 7


def test_the_call_is_made_in_another_process_and_its_result_comes_back(tmp_path: Path) -> None:
    marker = tmp_path / "pid"
    call = in_child(_made_in, marker, 21)
    doubled, names, made = call.result()
    assert (doubled, names) == (42, ["甲", "乙"])
    assert made["pid"] != os.getpid() and int(marker.read_text(encoding="utf-8")) == made["pid"]
    assert call.pid is None and call.memory is None, "the child waited for, its memory file closed"


def test_a_child_that_fails_or_makes_what_marshal_refuses_is_made_up_for_here(tmp_path: Path) -> None:
    marker = tmp_path / "pid"
    marker.write_text(str(os.getpid()), encoding="utf-8")
    assert in_child(_failing, marker).result() == 7  # the child raised: made again in this process

    assert in_child(_not_plain_data, marker).result() == Path("not marshalled")
    assert int(marker.read_text(encoding="utf-8")) == os.getpid(), "made last in this process"


def test_without_fork_the_call_is_made_here_when_its_result_is_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel.multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    marker = tmp_path / "pid"
    call = in_child(_made_in, marker, 1)
    assert call.pid is None and not marker.exists(), "nothing made before it is asked for"
    assert call.result()[2]["pid"] == os.getpid()


def _sleeps(seconds: float) -> int:
    time.sleep(seconds)
    return 1


def test_a_cancelled_call_leaves_no_child_running() -> None:
    call = in_child(_sleeps, 60.0)
    pid = call.pid
    assert pid is not None
    call.cancel()
    assert call.pid is None and call.memory is None
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped: no such child any more
    call.cancel()  # twice: nothing left to do


def test_the_child_ignores_ctrl_c_which_is_the_building_process_s_to_handle() -> None:
    call = in_child(_sleeps, 0.5)
    assert call.pid is not None
    os.kill(call.pid, signal.SIGINT)
    assert call.result() == 1, "the child went on and gave its result"
