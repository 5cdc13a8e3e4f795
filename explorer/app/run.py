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
from explorer.app.pool import Progress, TaskTimeout, default_memory, default_workers, run_tasks
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


def check_specs(selection: Sequence[tuple[Spec, str]], options: RunOptions,
                extra: Sequence[Spec] = (), progress: Progress | None = None) -> CheckedRun:
    """Check each (spec, property) of ``selection`` and every property of ``extra``."""
    specs = list(dict.fromkeys(spec for spec, _ in selection))
    pairs = list(selection) + [(s, p.name) for s in extra for p in s.model.properties]
    by_path = {s.path: s for s in [*specs, *extra]}
    workers = options.jobs or default_workers()
    memory = options.memory_bytes or default_memory(min(workers, len(pairs) + len(specs)))
    jobs = [Job(s.path, options.params, name, options.engine, options.bound, options.timeout_s,
                options.seed, memory, options.want_invariant, s, options.reduction) for s, name in pairs]
    vacuity_jobs = [VacuityJob(s.path, options.params, options.timeout_s, memory, s)
                    for s in specs] if options.vacuity else []

    def on_error(task, error: Exception):
        if isinstance(task, Job):
            return failed_verdict(by_path[task.spec], task, error)
        if isinstance(error, TaskTimeout):
            return Vacuity({}, (f"vacuity not checked: the state space was not explored within {task.timeout_s} s",))
        first = (str(error).strip().splitlines() or [""])[0][:200]
        return Vacuity({}, (f"vacuity not checked: internal error: {type(error).__name__}: {first}",))

    tasks = [*jobs, *vacuity_jobs]
    one = (lambda position, figures: progress(figures)) if progress and len(tasks) == 1 else None
    results = run_tasks(tasks, workers, on_error, one)
    verdicts: dict[str, list[Verdict]] = {s.path: [] for s in by_path.values()}
    for job, verdict in zip(jobs, results):
        verdicts[job.spec].append(verdict)
    vacuity = {job.spec: result for job, result in zip(vacuity_jobs, results[len(jobs):])}

    def checked(spec: Spec) -> CheckedSpec:
        found = vacuity.get(spec.path)
        if found is None:
            return CheckedSpec(spec, tuple(verdicts[spec.path]), spec.warnings)
        return CheckedSpec(spec, tuple(with_vacuity(verdicts[spec.path], found)),
                           spec.warnings + found.notes)

    return CheckedRun(tuple(checked(s) for s in specs), tuple(checked(s) for s in extra))
