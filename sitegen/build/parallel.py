"""Ordered parallel map over worker processes, for the two CPU-bound phases: Markdown and templates; and one call
made in a forked child while this process goes on (`in_child`).

Workers are forked after the site is loaded, so they inherit the data and the function they run (nothing but
item numbers and results crosses a pipe). Results come back in input order, so the output is identical for any
number of workers.
"""

from __future__ import annotations

import marshal
import multiprocessing
import os
import signal
from collections.abc import Callable, Generator
from typing import Any, Generic, TypeVar

from sitegen.build.collector import spared

T = TypeVar("T")
MIN_ITEMS_PER_WORKER = 64  # below this a pool costs more than it saves

_work: Callable[[int], Any] | None = None  # set in each worker process only, by _start_worker


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _start_worker(work: Callable[[int], Any]) -> None:
    global _work
    _work = work
    # Ctrl-C reaches the whole process group: the building process stops the build and its pools; a worker that
    # took it too would print its traceback over the build's message, or die before the pool had started and be
    # forked again while the pool was being terminated (a hang). Forked with it blocked (`ordered_map`), ignored now.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _run(index: int) -> Any:
    assert _work is not None
    return _work(index)


def ordered_map(
    work: Callable[[int], T], count: int, jobs: int, least: int = MIN_ITEMS_PER_WORKER
) -> Generator[T, None, None]:
    """`work(0) .. work(count - 1)`, in order, across `jobs` processes when that pays off (`least` items each)."""
    jobs = min(jobs, count // least)
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(work, range(count))
        return
    context = multiprocessing.get_context("fork")
    chunk = max(1, min(64, count // (jobs * 8)))
    # Frozen objects are left alone by the workers' garbage collector, which would otherwise write to every
    # object's header and so copy every page the workers share with this process (the gc module's advice).
    with spared() as settle:
        settle()
        # Ctrl-C held back while the workers are forked (and in the pool's threads, which fork any replacement):
        # taken in the middle of a fork, it can leave a lock of the logging module held in every later fork
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            pool = context.Pool(jobs, initializer=_start_worker, initargs=(work,))
        except BaseException:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
            raise
        with pool:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)  # a Ctrl-C that came meanwhile is raised here
            yield from pool.imap(_run, range(count), chunksize=chunk)


class ChildCall(Generic[T]):
    """`function(*args)`, made in a forked child process while this one goes on (`in_child`); `result()` waits for
    it. The result crosses by marshal (plain data only), through an anonymous memory file: a pipe would block the
    child at 64 KB until this process, busy meanwhile, read it. Where there is no fork, or the child fails, the call
    is made here, in `result()`: the same value, later."""

    def __init__(self, function: Callable[..., T], args: tuple[Any, ...]) -> None:
        self.function, self.args = function, args
        self.pid: int | None = None
        self.memory: int | None = None

    def result(self) -> T:
        pid, memory = self.pid, self.memory
        if pid is None or memory is None:
            return self.function(*self.args)
        try:
            _, status = os.waitpid(pid, 0)  # interrupted here (Ctrl-C), the child is still this call's to cancel
            self.pid = None
            if os.waitstatus_to_exitcode(status) == 0:
                with os.fdopen(os.dup(memory), "rb") as handle:
                    handle.seek(0)
                    return marshal.loads(handle.read())  # type: ignore[no-any-return]  # what the child made
        except (OSError, EOFError, ValueError, TypeError):
            pass
        finally:
            if self.pid is None:
                self.memory = None
                os.close(memory)
        self.cancel()
        return self.function(*self.args)  # the child failed: made here

    def cancel(self) -> None:
        """Stop the child, if it still runs (this process stops early: Ctrl-C, an error)."""
        pid, memory = self.pid, self.memory
        self.pid = self.memory = None
        if memory is not None:
            os.close(memory)
        if pid is not None:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:
                pass


def in_child(function: Callable[..., T], *args: Any) -> ChildCall[T]:
    """Start `function(*args)` in a forked child; its result (plain data) is asked of the ChildCall. For a call that
    needs the interpreter's lock as much as what this process does meanwhile (file stats beside imports): threads
    would take turns."""
    call = ChildCall(function, args)
    if not hasattr(os, "memfd_create") or "fork" not in multiprocessing.get_all_start_methods():
        return call
    try:
        memory = os.memfd_create("sitegen-child", os.MFD_CLOEXEC)
    except OSError:
        return call
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # as ordered_map: no Ctrl-C mid-fork
    try:
        pid = os.fork()
    except OSError:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        os.close(memory)
        return call
    if pid == 0:  # the child: its result into the memory file, then out without any of the parent's clean-up
        code = 1
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
            made: Any = function(*args)  # plain data, as the caller promised: marshal refuses anything else
            data = memoryview(marshal.dumps(made))
            while data:
                data = data[os.write(memory, data) :]
            code = 0
        finally:
            os._exit(code)
    signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    call.pid, call.memory = pid, memory
    return call
