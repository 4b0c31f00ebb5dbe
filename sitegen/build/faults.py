"""Fault points: named steps where a build can be made to die, or to wait, for the fault-injection tests.

`SITEGEN_FAULT=step` kills the build process with SIGKILL the first time it reaches `step`; `step@N` the N-th time
(`staging@40`: after the 40th file written to the staging folder). Nothing is cleaned up, flushed or reported: the
process dies as it would when the OOM killer or a cancelled CI job stops it. `wait:step@N` holds the build there
instead, after creating the file named by SITEGEN_FAULT_READY, until a signal stops it (at most WAIT_SECONDS): a test
of Ctrl-C then knows the build is mid-way, whatever the machine's speed. Unset (always, outside the tests), a fault
point costs one string comparison. The steps are listed in STEPS, in the order a build passes them.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

VARIABLE = "SITEGEN_FAULT"
READY_VARIABLE = "SITEGEN_FAULT_READY"
WAIT_SECONDS = 300.0
STEPS = (
    "recovered",  # dead builds' staging folders removed or completed, nothing written yet
    "staging",  # after each changed file written to the staging folder
    "staged",  # every file staged (or linked), before the commit
    "switched",  # the output switched to the new build (link mode), before older builds are removed
    "journal",  # plain-folder mode: the commit journal written, no file moved yet
    "committing",  # plain-folder mode: after each file moved into the output
    "committed",  # the output holds the new build, before the build cache is saved
)

_SPEC = os.environ.get(VARIABLE, "")
_WAIT = _SPEC.startswith("wait:")
_STEP, _, _COUNT = _SPEC.removeprefix("wait:").partition("@")
_AT = int(_COUNT) if _COUNT.isdigit() else 1


def fault_point(step: str, count: int = 1) -> None:
    """Die (or wait) here when SITEGEN_FAULT names this step and `count` (the times the caller reached it) is its N."""
    if step == _STEP and count == _AT:
        if not _WAIT:
            os.kill(os.getpid(), signal.SIGKILL)
        _wait()


def _wait() -> None:
    ready = os.environ.get(READY_VARIABLE)
    if ready:
        Path(ready).touch()
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:  # a signal's handler (Ctrl-C's KeyboardInterrupt) ends the sleep
        time.sleep(0.05)
