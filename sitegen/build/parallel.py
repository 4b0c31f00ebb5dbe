"""Ordered parallel map over worker processes, for the two CPU-bound phases: Markdown and templates.

Workers are forked after the site is loaded, so they inherit the data and the function they run (nothing but
item numbers and results crosses a pipe). Results come back in input order, so the output is identical for any
number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Generator
from typing import Any, TypeVar

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
