"""One process pool for every command: deterministic, one error policy.

z3's answers (an inferred invariant above all) can depend on what the process solved
before, so each job runs in a fresh process, forked from a clean fork server that has
imported explorer and solved nothing: a report is then the same whatever ``--jobs`` is
and however the jobs are scheduled.  A single job runs in the calling process, which is
as fresh.  A job that raises becomes ``on_error(job, exception)`` (an ``unknown`` verdict
with the reason, say), in every command; an interrupt is never a result: it ends the run.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Protocol, Sequence, TypeVar

R = TypeVar("R")


Progress = Callable[[dict], None]


class Task(Protocol[R]):  # type: ignore[misc]
    """A job: plain data (it crosses a process boundary) that knows how to run."""

    def run(self, progress: Progress | None = None) -> R: ...


def _execute(task: Task[R]) -> R:
    return task.run()


def default_workers() -> int:
    return os.cpu_count() or 1


def run_tasks(tasks: Sequence[Task[R]], workers: int,
              on_error: Callable[[Task[R], Exception], R],
              progress: Progress | None = None) -> list[R]:
    """Run every task (at most ``workers`` at a time); results in task order.
    ``progress`` is given the figures of a task that runs in this process."""
    if not tasks:
        return []
    if len(tasks) == 1:
        try:
            return [tasks[0].run(progress)]
        except Exception as error:  # noqa: BLE001 - the error policy: a result, not a crash
            return [on_error(tasks[0], error)]
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["explorer.app.jobs"])  # imported once, nothing solved yet
    with ProcessPoolExecutor(max_workers=max(1, min(workers, len(tasks))), mp_context=context,
                             max_tasks_per_child=1) as pool:
        futures = [pool.submit(_execute, task) for task in tasks]
        out = []
        for task, future in zip(tasks, futures):
            try:
                out.append(future.result())
            except Exception as error:  # noqa: BLE001 - an engine bug must not lose the run
                out.append(on_error(task, error))
        return out
