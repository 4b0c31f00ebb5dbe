"""A helper process: a fresh interpreter that works on the other core while the building process goes on.

Its request goes on its input (its size on a line, then the bytes: it reads by that size, never to the end of its
input, which a worker forked meanwhile may hold open), written by a thread blocked in write(2) without the
interpreter's lock while the helper starts up; its answer is what it writes to its output before it ends. Used by
the output check (build/outputcheck.py) and the search helper (incremental/searchhelper.py). A fresh interpreter,
not a fork: a forked copy of a process holding the loaded site makes that process pay a copy-on-write fault for
every page it writes to afterwards.
"""

from __future__ import annotations

import contextlib
import subprocess
import threading


class HelperProcess:
    """`command`, started now, given `request` on its input."""

    def __init__(self, command: list[str], request: bytes) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._feeder: threading.Thread | None = None
        try:
            self._process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
            )
        except (OSError, ValueError):  # no interpreter to start: the caller does the work itself
            return
        self._feeder = threading.Thread(target=_feed, args=(self._process, request), daemon=True)
        self._feeder.start()

    @property
    def started(self) -> bool:
        return self._process is not None

    def answer(self) -> bytes | None:
        """What the helper wrote, once it has ended well; None when it could not start, failed or was stopped."""
        process = self._process
        if process is None:
            return None
        try:
            assert process.stdout is not None
            said = process.stdout.read()
            code = process.wait()
        except OSError:
            said, code = b"", 1
        self.stop()  # it has ended: only the feeder to join
        return said if code == 0 else None

    def stop(self) -> None:
        """Stop the helper, if it still runs (the build stopped early, or it has answered)."""
        process, self._process = self._process, None
        if process is None:
            return
        with contextlib.suppress(OSError):
            process.kill()  # nothing when it has ended
        process.wait()
        if self._feeder is not None:
            self._feeder.join()  # its write fails once the helper is gone
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


def _feed(process: subprocess.Popen[bytes], request: bytes) -> None:
    """The helper's input, then its end; a helper that died takes none (then its answer is no answer)."""
    assert process.stdin is not None
    with contextlib.suppress(OSError):
        process.stdin.write(b"%d\n" % len(request) + request)
    with contextlib.suppress(OSError):
        process.stdin.close()
