"""``check_specs``: the one way ``check``, ``compare`` and ``report`` run their checks.

Every (spec, property) is a job, and so is the vacuity analysis of each spec; all of them
go through one process pool (``pool``) with one error policy (an engine that raises gives
an ``unknown`` verdict with the reason) and one timeout (``RunOptions.timeout_s`` per
job, covering loading, search, re-check and vacuity alike).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from explorer.app.jobs import Job
from explorer.app.pool import (
    PoolEvents, Progress, TaskTimeout, default_memory, default_workers, run_tasks,
)
from explorer.app.vacuity import Vacuity, VacuityJob, with_vacuity
from explorer.lang import Spec
from explorer.verdict import Unknown, Verdict


@dataclass(frozen=True)
class RunOptions:
    engine: str = "auto"
    bound: int = 20
    timeout_s: float | None = None
    params: tuple[tuple[str, str], ...] = ()
    jobs: int = 0
    """Parallel processes (0: one per core)."""
    vacuity: bool = True
    seed: int = 0
    memory_bytes: int | None = None
    """Per job, what an exhaustive search may allocate (None: ``default_memory``)."""
    want_invariant: bool = False
    """Proofs by exhaustive search are followed by a search for a readable invariant."""
    reduction: str = "symmetry"
    """How exhaustive searches reduce their states: ``symmetry`` or ``none``."""
    ray: str | None = None
    """The address of a Ray cluster to run the jobs on (None: the local pool)."""


@dataclass(frozen=True)
class JobLabel:
    """What a live display says of a job before its result is in."""

    variant: str
    property: str
    engine: str


class Monitor(PoolEvents):
    """A live display of a run: told the jobs first, then as ``PoolEvents``."""

    def begin(self, labels: Sequence[JobLabel]) -> None: ...

    def end(self) -> None: ...


@dataclass(frozen=True)
class CheckedSpec:
    """A spec with its verdicts (in the order asked) and notes about the spec as a whole."""

    spec: Spec
    verdicts: tuple[Verdict, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckedRun:
    specs: tuple[CheckedSpec, ...]
    extra: tuple[CheckedSpec, ...] = field(default=())
    """Specs checked only to compare with (the bases of ``report``'s variants)."""

    @property
    def verdicts(self) -> list[Verdict]:
        return [v for checked in self.specs for v in checked.verdicts]


def failed_verdict(spec: Spec, job: Job, error: BaseException) -> Verdict:
    """The verdict of a job that did not finish: a timeout, or an engine that raised
    (unknown, with the error's first line)."""
    prop = spec.model.property(job.property)
    if isinstance(error, TaskTimeout):
        reason = f"timeout after {job.timeout_s} s"
    elif isinstance(error, MemoryError):
        reason = "out of memory"
    else:
        first = (str(error).strip().splitlines() or [""])[0][:200]
        reason = f"internal error: {type(error).__name__}: {first}".rstrip(": ")
    return Verdict(
        spec=job.spec, variant=spec.variant, property=prop.name, kind=prop.kind,
        outcome=Unknown(reason), engine=job.engine, bound=job.bound, time_s=0.0, doc=prop.doc,
    )


def overrides(spec: Spec) -> tuple[tuple[str, str], ...]:
    """The parameters ``spec`` was loaded with that differ from their defaults."""
    return tuple(sorted((name, value) for name, value, default in spec.params if value != default))


def execute(tasks, workers: int, on_error, progress, events, ray_address: str | None):
    """The tasks run in the local pool, or on the Ray cluster at ``ray_address``."""
    if ray_address is None:
        return run_tasks(tasks, workers, on_error, progress, events)
    from explorer.app.ray_pool import run_tasks_on_ray
    return run_tasks_on_ray(tasks, ray_address, on_error, events)


def check_specs(selection: Sequence[tuple[Spec, str]], options: RunOptions,
                extra: Sequence[Spec] = (), progress: Progress | None = None,
                monitor: Monitor | None = None) -> CheckedRun:
    """Check each (spec, property) of ``selection`` and every property of ``extra``.

    ``progress`` sees the figures of a run of one job; ``monitor`` (a live display) sees
    every job of a run of more than one start, report figures and finish."""
    specs = list(dict.fromkeys(spec for spec, _ in selection))
    pairs = list(selection) + [(s, p.name) for s in extra for p in s.model.properties]
    workers = options.jobs or default_workers()
    memory = options.memory_bytes or default_memory(min(workers, len(pairs) + len(specs)))
    # each job carries its spec's own parameters (instances of a sweep differ in them)
    jobs = [Job(s.path, overrides(s), name, options.engine, options.bound, options.timeout_s,
                options.seed, memory, options.want_invariant, s, options.reduction) for s, name in pairs]
    vacuity_jobs = [VacuityJob(s.path, overrides(s), options.timeout_s, memory, s)
                    for s in specs] if options.vacuity else []
    tasks = [*jobs, *vacuity_jobs]
    owners = [s for s, _ in pairs] + list(specs[:len(vacuity_jobs)])
    position = {id(task): i for i, task in enumerate(tasks)}

    def on_error(task, error: Exception):
        if isinstance(task, Job):
            return failed_verdict(owners[position[id(task)]], task, error)
        if isinstance(error, TaskTimeout):
            return Vacuity({}, (f"vacuity not checked: the state space was not explored within {task.timeout_s} s",))
        first = (str(error).strip().splitlines() or [""])[0][:200]
        return Vacuity({}, (f"vacuity not checked: internal error: {type(error).__name__}: {first}",))

    one = (lambda position, figures: progress(figures)) if progress and len(tasks) == 1 else None
    live = monitor if monitor is not None and len(tasks) > 1 else None
    if live is not None:
        live.begin([JobLabel(s.variant, j.property, j.engine) for s, j in zip(owners, jobs)]
                   + [JobLabel(s.variant, "(vacuity)", "explicit") for s in specs[:len(vacuity_jobs)]])
    try:
        results = execute(tasks, workers, on_error, one, live, options.ray)
    finally:
        if live is not None:
            live.end()
    verdicts: dict[Spec, list[Verdict]] = {s: [] for s in [*specs, *extra]}
    for spec, verdict in zip(owners, results[:len(jobs)]):
        verdicts[spec].append(verdict)
    vacuity = dict(zip(specs, results[len(jobs):]))

    def checked(spec: Spec) -> CheckedSpec:
        found = vacuity.get(spec)
        if found is None:
            return CheckedSpec(spec, tuple(verdicts[spec]), spec.warnings)
        return CheckedSpec(spec, tuple(with_vacuity(verdicts[spec], found)),
                           spec.warnings + found.notes)

    return CheckedRun(tuple(checked(s) for s in specs), tuple(checked(s) for s in extra))
