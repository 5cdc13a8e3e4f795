"""Running checks: specs × properties as independent jobs, each ending in a trusted Verdict.

This is the one place where engines are chosen and combined (``auto``: BMC finds
counterexamples, PDR, k-induction and exhaustive search try to prove what holds) and
where the rule "trust, but check" is enforced a last time before anything is shown:
a counterexample is replayed on the concrete semantics, and a proof whose certificate was
not re-checked is not reported as proved.

Jobs are plain data and run in worker processes (``jobs`` > 1); each worker loads its
spec again, which is cheap and keeps z3 objects out of the pipes.
"""

from __future__ import annotations

import os
import re
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from typing import Callable, Iterable

from explorer import semantics
from explorer.engines import EngineResult, Options, bmc, explicit, houdini, kinduction, pdr
from explorer.lang import Spec, load_spec
from explorer.model import Model, Property
from explorer.verdict import HoldsUpTo, Proved, Unknown, Verdict, Violated

ENGINES: dict[str, Callable[[Model, Property, Options], EngineResult]] = {
    "bmc": bmc.check,
    "kind": kinduction.check,
    "pdr": pdr.check,
    "explicit": explicit.check,
    "houdini": houdini.check,
}
ENGINE_NAMES = ("auto", *ENGINES)
PROVERS = ("houdini", "explicit", "pdr", "kind")
"""The order in which ``auto`` tries to prove a property BMC found no counterexample to:
first a readable inductive invariant (houdini), then exhaustive search, then the SMT
provers, which rarely close on the kernel specs but may on other models."""


@dataclass(frozen=True)
class Job:
    """One (spec, property) check, as plain data."""

    spec: str
    params: tuple[tuple[str, str], ...]
    property: str
    engine: str
    bound: int
    timeout_s: float | None
    seed: int = 0


def load(path: str, params: dict[str, str]) -> Spec:
    return load_spec(path, params)


def run_job(job: Job, progress: Callable[[dict], None] | None = None) -> Verdict:
    """Check one property of one spec and return a verdict that has been checked."""
    spec = load_spec(job.spec, dict(job.params))
    model = spec.model
    prop = model.property(job.property)
    start = time.perf_counter()
    options = Options(bound=job.bound, timeout_s=job.timeout_s, seed=job.seed, progress=progress)
    if job.engine == "auto":
        engine, result = _auto(model, prop, options)
    else:
        engine, result = job.engine, ENGINES[job.engine](model, prop, options)
    outcome = _trusted(model, prop, result.outcome)
    elapsed = time.perf_counter() - start
    return Verdict(
        spec=job.spec, variant=spec.variant, property=prop.name, kind=prop.kind,
        outcome=outcome, engine=engine, bound=job.bound, time_s=elapsed,
        stats=_plain(result.stats), doc=prop.doc,
    )


def _auto(model: Model, prop: Property, options: Options) -> tuple[str, EngineResult]:
    """BMC for counterexamples up to the bound; then a proof, by the first prover that gives one."""
    deadline = None if options.timeout_s is None else time.perf_counter() + options.timeout_s
    result = bmc.check(model, prop, options)
    if not isinstance(result.outcome, HoldsUpTo):
        return "bmc", result
    attempts = {"bmc": _summary(result)}
    for name in PROVERS:
        remaining = None if deadline is None else deadline - time.perf_counter()
        if remaining is not None and remaining <= 0:
            break
        proof = ENGINES[name](model, prop, replace(options, timeout_s=remaining))
        attempts[name] = _summary(proof)
        if isinstance(proof.outcome, Proved) and proof.outcome.certificate.checked:
            return name, EngineResult(proof.outcome, {**proof.stats, "attempts": attempts})
        if isinstance(proof.outcome, Violated):
            # A prover found what BMC could not within the bound: a deeper counterexample.
            return name, EngineResult(proof.outcome, {**proof.stats, "attempts": attempts})
    return "bmc", EngineResult(result.outcome, {**result.stats, "attempts": attempts})


def _summary(result: EngineResult) -> str:
    outcome = result.outcome
    if isinstance(outcome, Unknown):
        return f"unknown: {outcome.reason}"
    return type(outcome).__name__


def _trusted(model: Model, prop: Property, outcome):
    """The last gate: replay counterexamples, accept only re-checked certificates."""
    if isinstance(outcome, Violated):
        trace = outcome.trace
        applied = len(trace.states) - 1
        try:
            again = semantics.replay(model, prop, trace.raw_states[0], trace.actions[:applied])
        except semantics.ReplayError as err:
            return Unknown(f"internal error: a counterexample did not replay: {err}")
        if again.actions != trace.actions:
            return Unknown("internal error: a counterexample replayed to a different run")
        return outcome
    if isinstance(outcome, Proved) and not outcome.certificate.checked:
        return Unknown(f"a proof by {outcome.method} was found but its certificate could not be re-checked")
    return outcome


def _plain(stats: dict) -> dict:
    """Engine statistics as JSON-able data (engines already keep them plain)."""
    out = {}
    for key, value in stats.items():
        if isinstance(value, (str, int, float, bool, type(None), list, tuple, dict)):
            out[key] = value
    return out


def run_jobs(jobs: list[Job], workers: int, progress: Callable[[dict], None] | None = None) -> list[Verdict]:
    """Run jobs, in parallel processes when ``workers`` > 1; results in job order."""
    if workers <= 1 or len(jobs) <= 1:
        return [run_job(job, progress) for job in jobs]
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
        return list(pool.map(run_job, jobs))


def default_jobs() -> int:
    return os.cpu_count() or 1


def vacuity_warnings(spec: Spec, timeout_s: float | None) -> tuple[dict[str, list[str]], list[str]]:
    """Warnings that a property may hold vacuously, and steps of the spec never reached.

    Found by exhaustive exploration: a property whose sites (consumption sites, the steps
    of an event) are never reached holds because nothing happens, which is not a proof.
    Returns (per property, for the whole spec); when the state space is too large for
    ``timeout_s``, one spec warning says vacuity was not checked.
    """
    model = spec.model
    result = explicit.explore(model, Options(timeout_s=timeout_s))
    per_property: dict[str, list[str]] = {p.name: [] for p in model.properties}
    if not result.complete:
        return per_property, [f"vacuity not checked: the state space was not explored within {timeout_s} s"]
    never = set(result.actions_never_enabled)
    for prop in model.properties:
        places: dict[str, bool] = {}
        for site in prop.sites:
            origin = model.action(site.action).origin
            where = f"{origin.span} ({origin.statement})" if origin.span else origin.statement
            places[where] = places.get(where, False) or site.action not in never
        if not places:
            continue
        unreached = [where for where, reached in places.items() if not reached]
        if len(unreached) == len(places):
            per_property[prop.name].append(
                f"holds vacuously: none of its {len(places)} site(s) is ever reached")
        elif unreached:
            per_property[prop.name].append("site(s) never reached: " + "; ".join(sorted(unreached)))
    by_place: dict[str, list[bool]] = {}
    for action in model.actions:
        if action.origin.span is not None:
            where = f"{action.origin.span} ({action.origin.statement})"
            by_place.setdefault(where, []).append(action.name not in never)
    dead = sorted((where for where, flags in by_place.items() if not any(flags)), key=_natural)
    spec_warnings = [f"step never reached: {where}" for where in dead]
    return per_property, spec_warnings


def with_vacuity(spec: Spec, verdicts: list[Verdict], timeout_s: float | None) -> tuple[list[Verdict], list[str]]:
    """The spec's verdicts with their vacuity warnings attached, and the spec's own notes."""
    per_property, notes = vacuity_warnings(spec, timeout_s)
    marked = [replace(v, warnings=tuple(v.warnings) + tuple(per_property.get(v.property, ())))
              if v.spec == spec.path else v for v in verdicts]
    return marked, notes


def _natural(text: str) -> list:
    """Sort key that puts file:9:5 before file:10:1."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def describe(params: Iterable[tuple[str, str, str]]) -> str:
    """The parameters that differ from their defaults, for trace headers."""
    changed = [f"{name}={value}" for name, value, default in params if value != default]
    return ", ".join(changed) if changed else "default parameters"
