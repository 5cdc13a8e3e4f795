"""One process pool for every command: deterministic, one error policy, one timeout.

Every task runs in a worker process of its own, forked from a clean fork server that has
imported explorer and solved nothing:

* z3's answers (an inferred invariant above all) can depend on what the process solved
  before, so a fresh process per task makes a report the same whatever ``--jobs`` is and
  however the tasks are scheduled;
* the task's timeout covers everything it does (loading and lowering the spec, search,
  the gate's re-check): past it (and a grace period for the engines' own deadlines) an
  alarm in the worker ends the task, which becomes ``timeout`` like any other;
* a task that raises becomes ``on_error(task, exception)`` (an ``unknown`` verdict with the
  reason, say), in every command;
* an interrupt (Ctrl-C, SIGTERM) reaches the parent, which stops the workers at once and
  ends the run: the workers ignore SIGINT, so no solver can turn it into a verdict.

Progress figures a task reports (states, depth) come back through a queue and are handed
to ``progress(task position, figures)`` while the tasks run; ``events`` (optional) also
learns when a task starts in its worker and when its result (or ``on_error``'s) is in.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, Callable, Protocol, Sequence, TypeVar

R = TypeVar("R")
Progress = Callable[[dict], None]
PoolProgress = Callable[[int, dict], None]
STARTED = "__started__"
"""The figure a worker sends first, so that the parent knows the task is running."""


class PoolEvents(Protocol):
    """What a live display learns of the tasks (positions as in ``tasks``)."""

    def started(self, position: int) -> None: ...

    def figures(self, position: int, figures: dict) -> None: ...

    def finished(self, position: int, result: Any) -> None: ...

GRACE_S = 5.0
"""How long past its timeout a task may run before the alarm ends it (engines stop at
their own deadline; this catches what does not)."""


class TaskTimeout(Exception):
    """A task ran past its timeout plus ``GRACE_S``."""


class Task(Protocol[R]):  # type: ignore[misc]
    """A job: plain data (it crosses a process boundary) that knows how to run."""

    timeout_s: float | None

    def run(self, progress: Progress | None = None) -> R: ...


_QUEUE: Any = None


def _start_worker(figures: Any) -> None:
    global _QUEUE
    _QUEUE = figures
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles interrupts


def _on_alarm(signum, frame) -> None:
    raise TaskTimeout


def _execute(position: int, task: Task[R]) -> R:
    def report(figures: dict) -> None:
        _QUEUE.put((position, figures))

    report({STARTED: True})
    if task.timeout_s is not None:
        signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, task.timeout_s + GRACE_S)
    try:
        return task.run(report)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def default_workers() -> int:
    return os.cpu_count() or 1


MEMORY_SHARE = 0.8
"""The part of the machine's memory (or of the cgroup's limit) the jobs may take."""


def machine_memory() -> int:
    """Bytes of memory this process may use: the physical memory, or the cgroup's limit
    when it is lower (containers)."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    try:
        with open("/sys/fs/cgroup/memory.max") as limit:
            text = limit.read().strip()
        if text.isdigit():
            total = min(total, int(text))
    except OSError:
        pass
    return total


def default_memory(workers: int) -> int:
    """Each job's memory limit when none is given: most of the machine, shared by the
    jobs that run at once."""
    return int(MEMORY_SHARE * machine_memory()) // max(1, workers)


ORPHAN_WAIT_S = 2.0
"""How long a worker that failed to start waits to learn whether its parent is gone."""


def quiet_orphans() -> None:
    """Make the fork server's workers exit without a traceback when their parent died
    while forking them (SIGTERM or Ctrl-C at that moment): the parent's queue and locks
    are gone, so unpickling the worker's arguments fails, and the failure is no news.

    A worker whose start fails while its parent lives still raises (a real bug)."""
    from multiprocessing import connection, spawn
    start = spawn._main

    def start_unless_orphaned(fd: int, parent_sentinel: int) -> Any:
        try:
            return start(fd, parent_sentinel)
        except Exception:
            if connection.wait([parent_sentinel], timeout=ORPHAN_WAIT_S):
                os._exit(1)
            raise

    spawn._main = start_unless_orphaned


WARM = "explorer.app.warm"
"""What the fork server imports before forking workers (see ``explorer.app.warm``)."""


def _context() -> Any:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([WARM])  # imported once, nothing solved yet
    return context


def start_fork_server() -> None:
    """Start the fork server now, so that it warms up (a few seconds of imports and
    compiled code) while the parent loads the specs; ``run_tasks`` then finds it ready.

    The server starts with SIGINT ignored (a disposition that survives its exec): a Ctrl-C
    during its imports must not print its traceback; the parent alone handles it."""
    _context()
    from multiprocessing import forkserver
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGINT, previous)


def run_tasks(tasks: Sequence[Task[R]], workers: int,
              on_error: Callable[[Task[R], Exception], R],
              progress: PoolProgress | None = None,
              events: PoolEvents | None = None) -> list[R]:
    """Run every task (at most ``workers`` at a time); results in task order."""
    if not tasks:
        return []
    start_fork_server()
    context = _context()
    figures = context.Queue()
    pool = ProcessPoolExecutor(max_workers=max(1, min(workers, len(tasks))), mp_context=context,
                               max_tasks_per_child=1, initializer=_start_worker,
                               initargs=(figures,))
    try:
        futures = [pool.submit(_execute, i, task) for i, task in enumerate(tasks)]
        results: dict[int, R] = {}

        def settle(position: int) -> None:
            try:
                results[position] = futures[position].result()
            except Exception as error:  # noqa: BLE001 - an engine bug must not lose the run
                results[position] = on_error(tasks[position], error)
            if events is not None:
                events.finished(position, results[position])

        _wait_all(futures, figures, _dispatch(progress, events), settle)
        pool.shutdown()
        return [results[i] for i in range(len(tasks))]
    except BaseException:
        _stop(pool)
        raise
    finally:
        figures.close()


def _dispatch(progress: PoolProgress | None, events: PoolEvents | None) -> PoolProgress:
    def handle(position: int, data: dict) -> None:
        if STARTED in data:
            if events is not None:
                events.started(position)
            return
        if events is not None:
            events.figures(position, data)
        if progress is not None:
            progress(position, data)

    return handle


def _wait_all(futures: list[Future], figures: Any, progress: PoolProgress,
              settle: Callable[[int], None]) -> None:
    index = {future: i for i, future in enumerate(futures)}
    pending = set(futures)
    while pending:
        done, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
        _drain(figures, progress)
        for future in sorted(done, key=index.__getitem__):
            settle(index[future])
    _drain(figures, progress)


def _drain(figures: Any, progress: PoolProgress | None) -> None:
    while True:
        try:
            position, data = figures.get_nowait()
        except (queue.Empty, OSError, ValueError):
            return
        if progress is not None:
            progress(position, data)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop every worker now (an interrupt): the executor has no public way to."""
    processes = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.kill()
    for process in processes:
        process.join(timeout=5)
