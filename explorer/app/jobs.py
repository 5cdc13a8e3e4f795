"""One job: a property of a spec checked by an engine (or the portfolio), then judged.

A job is plain data, so it can run in a worker process: it carries its spec as the parent
loaded it (plain IR, pickled; no z3 objects in the pipes), the worker runs the engine,
passes the claim through the trust gate and returns a ``Verdict``.  One deadline covers the whole job:
loading, search and the gate's re-check.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable

from explorer.app.evidence import present
from explorer.app.spec_text import invariant_text, spec_lines
from explorer.app.portfolio import AUTO, run_portfolio
from explorer.engines.base import Claim, Deadline, EngineResult, Options
from explorer.engines.explicit.machine import CompiledGraph
from explorer.engines.registry import engine as engine_named
from explorer.ir import Model, Property
from explorer.ir.readable import Readable
from explorer.lang import Spec, load_spec
from explorer.trust import judge
from explorer.semantics.doom import MAX_STATES, too_many, with_no_return
from explorer.verdict import Outcome, Proved, Verdict, Violated


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
    memory_bytes: int | None = None
    want_invariant: bool = False
    """``auto`` also seeks a readable inductive invariant after an exhaustive proof."""
    loaded: Spec | None = field(default=None, compare=False, repr=False)
    """The spec as the parent loaded it (with ``params``), sent along pickled so the
    worker need not parse it again; None: the worker loads ``spec``."""
    reduction: str = "symmetry"
    """How an exhaustive search reduces its states (``Options.reduction``)."""

    def run(self, progress: Callable[[dict], None] | None = None) -> Verdict:
        return run_job(self, progress)


@dataclass(frozen=True)
class Decided:
    """A property decided by an engine: the outcome the trust gate let through (with its
    evidence printed), the engine's statistics and the gate's, and the engine's raw claim."""

    engine: str
    outcome: Outcome
    stats: dict[str, Any]
    claim: Claim
    readable: tuple[Readable, ...] | None = None
    """An invariant proof's conjuncts as the gate checked them."""


def judged(model: Model, prop: Property, result: EngineResult, timeout_s: float | None,
           engine: str = "") -> Decided:
    """``result`` through the trust gate, its evidence made readable."""
    judgement = judge(model, prop, result, timeout_s)
    return Decided(engine, present(model, judgement), _plain({**result.stats, **judgement.stats}),
                   result.outcome, judgement.readable)


def decide(model: Model, prop: Property, engine: str, options: Options,
           deadline: Deadline | None = None, want_invariant: bool = False) -> Decided:
    """``prop`` of ``model`` checked by the engine called ``engine`` (or ``auto``)."""
    deadline = deadline or Deadline(options.timeout_s)
    if engine == AUTO:
        name, result, judgement = run_portfolio(model, prop, options, deadline, want_invariant)
        return Decided(name, present(model, judgement),
                       _plain({**result.stats, **judgement.stats}), result.outcome, judgement.readable)
    return judged(model, prop, engine_named(engine)(model, prop, options), deadline.remaining_s(), engine)


def run_job(job: Job, progress: Callable[[dict], None] | None = None) -> Verdict:
    """Check one property of one spec and return a verdict the trust gate has checked."""
    deadline = Deadline(job.timeout_s)
    spec = job.loaded or load_spec(job.spec, dict(job.params))
    prop = spec.model.property(job.property)
    options = Options(bound=job.bound, timeout_s=deadline.remaining_s(), seed=job.seed,
                      progress=progress, memory_bytes=job.memory_bytes, reduction=job.reduction)
    decided = decide(spec.model, prop, job.engine, options, deadline, job.want_invariant)
    return Verdict(
        spec=job.spec, variant=spec.variant, property=prop.name, kind=prop.kind,
        outcome=in_spec_text(job, spec.model,
                             pointed(spec.model, prop, decided.outcome, deadline, decided.stats),
                             decided.readable), engine=decided.engine, bound=job.bound,
        time_s=deadline.elapsed(), stats=decided.stats, doc=prop.doc, vacuity=no_sites(prop),
    )


NO_RETURN_S = 120.0
"""At most this long (and within the job's deadline) is spent on a counterexample's point
of no return (``semantics.doom``, on the compiled machine); its state budget
(``doom.MAX_STATES``, a fraction of a second) is what stops it first on any machine, so a
report says the same on every run."""


def pointed(model: Model, prop: Property, outcome: Outcome, deadline: Deadline,
            stats: dict[str, Any]) -> Outcome:
    """A counterexample with its point of no return; any other outcome as it is (a reach
    goal's witness has none: reaching the goal is what was asked).  When an exhaustive
    search already stored more states than the budget, the search is not even started:
    it explores at least those (the states before the violation's depth are reached
    without passing a bad state), so it would stop at the budget too."""
    if not isinstance(outcome, Violated) or prop.kind != "invariant":
        return outcome
    if int(stats.get("states") or 0) > MAX_STATES:
        return Violated(replace(outcome.trace, no_return_note=too_many()))
    remaining = deadline.remaining_s()
    seconds = NO_RETURN_S if remaining is None else min(NO_RETURN_S, remaining)
    return Violated(with_no_return(model, prop, outcome.trace, deadline=time.monotonic() + seconds,
                                   graph=CompiledGraph(model, prop)))


def in_spec_text(job: Job, model: Model, outcome: Outcome,
                 readable: tuple[Readable, ...] | None) -> Outcome:
    """An invariant proof with its conjuncts that are spec text first (``spec_text``)."""
    if not isinstance(outcome, Proved) or outcome.certificate.kind != "invariant" or not readable:
        return outcome
    lines = spec_lines(job.spec, dict(job.params), model, readable)
    text = invariant_text(model, readable, lines)
    return replace(outcome, certificate=replace(outcome.certificate, text=text))


def no_sites(prop: Property) -> str:
    """Why ``prop`` checks nothing whatever the engine finds ("" if it may check something)."""
    if prop.sited and not prop.sites:
        return ("none of its sites is left in the code (each lies after an `assume` that is "
                "false, or where a parameter removes it)")
    return ""


def _plain(stats: dict) -> dict:
    """Engine statistics as JSON-able data (engines already keep them plain)."""
    return {key: value for key, value in stats.items()
            if isinstance(value, (str, int, float, bool, type(None), list, tuple, dict))}


def describe(params: Iterable[tuple[str, str, str]]) -> str:
    """The parameters that differ from their defaults, for trace headers."""
    changed = [f"{name}={value}" for name, value, default in params if value != default]
    return ", ".join(changed) if changed else "default parameters"
