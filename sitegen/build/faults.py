"""Fault points: named steps where a build can be made to die, for the fault-injection tests.

`SITEGEN_FAULT=step` kills the build process with SIGKILL the first time it reaches `step`; `step@N` the N-th time
(`staging@40`: after the 40th file written to the staging folder). Nothing is cleaned up, flushed or reported: the
process dies as it would when the OOM killer or a cancelled CI job stops it. Unset (always, outside the tests), a
fault point costs one string comparison. The steps are listed in STEPS, in the order a build passes them.
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

_STEP, _, _COUNT = os.environ.get(VARIABLE, "").partition("@")
_AT = int(_COUNT) if _COUNT.isdigit() else 1


def fault_point(step: str, count: int = 1) -> None:
    """Die here when SITEGEN_FAULT names this step and `count` (the times the caller has reached it) is its N."""
    if step == _STEP and count == _AT:
        os.kill(os.getpid(), signal.SIGKILL)
