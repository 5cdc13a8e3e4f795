"""The jobs of a run on a Ray cluster (``--ray ADDRESS``), with Ray optional.

The same tasks as the local pool (``pool.run_tasks``), under the same rules: each runs in
a worker process of its own (``max_calls=1``: a fresh process per task, so z3 answers as
in the local pool), its timeout covers everything it does (an alarm in the worker, past
the timeout and ``GRACE_S``), a task that raises becomes ``on_error(task, error)``, and
the results come back in task order, so the verdicts are those of a local run.  Ray is
an optional dependency: ``pip install 'explorer[distributed]'``.  ``ADDRESS`` is what
``ray.init`` takes (``auto``, ``ray://host:10001``, ``host:6379``), or ``local`` for a
Ray instance started on this machine for the run.
"""

from __future__ import annotations

import signal
from typing import Any, Callable, Sequence

from explorer.app.pool import GRACE_S, TaskTimeout
from explorer.app.specs import UsageError

INSTALL = "--ray needs Ray, which is not installed: pip install 'explorer[distributed]'"


def _on_alarm(signum, frame) -> None:
    raise TaskTimeout


def run_one(task: Any) -> Any:
    """One task in a Ray worker, under its timeout."""
    if task.timeout_s is not None:
        signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, task.timeout_s + GRACE_S)
    try:
        return task.run(None)
    finally:
        if task.timeout_s is not None:
            signal.setitimer(signal.ITIMER_REAL, 0)


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise UsageError(INSTALL) from None
    return ray


def run_tasks_on_ray(tasks: Sequence[Any], address: str, on_error: Callable[[Any, Exception], Any],
                     events: Any = None) -> list[Any]:
    """Every task on the Ray cluster at ``address``; results in task order."""
    ray = _ray()
    if not tasks:
        return []
    started_here = not ray.is_initialized()
    if started_here:
        try:
            ray.init(address=None if address == "local" else address, include_dashboard=False,
                     log_to_driver=False, configure_logging=False)
        except (ConnectionError, ValueError, RuntimeError) as err:
            raise UsageError(f"--ray {address}: cannot connect to a Ray cluster: {err}") from None
    try:
        remote = ray.remote(max_calls=1, num_cpus=1)(run_one)
        refs = [remote.remote(task) for task in tasks]
        position = {ref: i for i, ref in enumerate(refs)}
        if events is not None:
            for i in range(len(tasks)):
                events.started(i)
        results: dict[int, Any] = {}
        pending = list(refs)
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            for ref in done:
                i = position[ref]
                try:
                    results[i] = ray.get(ref)
                except Exception as error:  # noqa: BLE001 - a job that fails is a verdict
                    cause = getattr(error, "cause", None)
                    results[i] = on_error(tasks[i], cause if isinstance(cause, Exception) else error)
                if events is not None:
                    events.finished(i, results[i])
        return [results[i] for i in range(len(tasks))]
    finally:
        if started_here:
            ray.shutdown()
