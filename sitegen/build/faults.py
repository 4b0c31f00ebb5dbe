"""Fault points: named steps where a build can be made to die, for the fault-injection tests.

`SITEGEN_FAULT=step` kills the build process with SIGKILL the first time it reaches `step`; `step@N` the N-th time
(`staging@40`: after the 40th file written to the staging folder). Nothing is cleaned up, flushed or reported: the
process dies as it would when the OOM killer or a cancelled CI job stops it. Unset (always, outside the tests), a
fault point costs one dictionary look-up. The steps are listed in STEPS, in the order a build passes them.
"""

from __future__ import annotations

import os
import signal

VARIABLE = "SITEGEN_FAULT"
STEPS = (
    "recovered",  # dead builds' staging folders removed or completed, nothing written yet
    "staging",  # after each changed file written to the staging folder
    "staged",  # every file staged (or linked), before the commit
    "switched",  # the output switched to the new build (link mode), before older builds are removed
    "journal",  # plain-folder mode: the commit journal written, no file moved yet
    "committing",  # plain-folder mode: after each file moved into the output
    "committed",  # the output holds the new build, before the build cache is saved
)

_target = os.environ.get(VARIABLE, "")
_step, _, _count = _target.partition("@")
_hits: dict[str, int] = {}


def fault_point(step: str) -> None:
    """Die here when SITEGEN_FAULT names this step (and this is the time it counts)."""
    if step != _step:
        return
    _hits[step] = _hits.get(step, 0) + 1
    if _hits[step] >= (int(_count) if _count.isdigit() else 1):
        os.kill(os.getpid(), signal.SIGKILL)
