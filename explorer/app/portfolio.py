"""``--engine auto``: the engines combined, each claim judged by the trust gate.

The models are finite, so exhaustive search decides most properties outright, in
seconds: ``auto`` runs it first, with part of the time budget (``EXPLICIT_SHARE`` of it,
or ``EXPLICIT_BUDGET_S`` without a timeout) and the memory limit.  Its first bad state is
at the smallest depth, so its counterexample is as short as BMC's; a violation deeper
than ``--bound`` is reported too, labelled ``explicit`` (the table says it is deeper).

When the search cannot finish, BMC looks for counterexamples up to the bound, and then
the provers of ``PROVERS`` try, whatever BMC's outcome short of a counterexample (a BMC
timeout included): the first proof that passes the gate wins, and so does a prover's
counterexample.  Houdini's readable invariant is sought after a proof by exhaustive
search only when the user asks for invariants (``want_invariant``, ``--show-invariant``).
"""

from __future__ import annotations

from dataclasses import replace

from explorer.engines.base import Deadline, EngineResult, Options
from explorer.engines.registry import engine
from explorer.ir import Model, Property
from explorer.trust import Judgement, judge
from explorer.verdict import HoldsUpTo, Proved, Unknown, Violated

AUTO = "auto"
EXPLICIT_SHARE = 0.5
"""The part of the time left that exhaustive search may take before BMC and the provers."""
EXPLICIT_BUDGET_S = 120.0
"""Exhaustive search's budget when the run has no timeout (BMC and the provers then get
what they need)."""
PROVERS = ("houdini", "pdr", "kind")
"""The order in which ``auto`` tries to prove a property exhaustive search could not
decide: first a readable inductive invariant (houdini), then the SMT provers."""


def _summary(judgement: Judgement) -> str:
    outcome = judgement.outcome
    if isinstance(outcome, Unknown):
        return f"unknown: {outcome.reason}"
    return type(outcome).__name__


def _decisive(judgement: Judgement) -> bool:
    return isinstance(judgement.outcome, (Proved, Violated))


class _Attempts:
    """The engines tried, in order, each with its budget and the gate's judgement."""

    def __init__(self, model: Model, prop: Property, options: Options, deadline: Deadline):
        self.model, self.prop, self.options, self.deadline = model, prop, options, deadline
        self.summary: dict[str, str] = {}

    def run(self, name: str, budget_s: float | None) -> tuple[EngineResult, Judgement]:
        remaining = self.deadline.remaining_s()
        if budget_s is None or (remaining is not None and remaining < budget_s):
            budget_s = remaining
        result = engine(name)(self.model, self.prop, replace(self.options, timeout_s=budget_s))
        judgement = judge(self.model, self.prop, result, self.deadline.remaining_s())
        self.summary[name] = _summary(judgement)
        return result, judgement

    def answer(self, name: str, result: EngineResult, judgement: Judgement
               ) -> tuple[str, EngineResult, Judgement]:
        stats = {**result.stats, "attempts": dict(self.summary)}
        return name, EngineResult(result.outcome, stats), judgement


def run_portfolio(model: Model, prop: Property, options: Options, deadline: Deadline,
                  want_invariant: bool = False) -> tuple[str, EngineResult, Judgement]:
    """(engine that decided, its result, the gate's judgement)."""
    tries = _Attempts(model, prop, options, deadline)
    remaining = deadline.remaining_s()
    share = EXPLICIT_BUDGET_S if remaining is None else EXPLICIT_SHARE * remaining
    explicit, judged = tries.run("explicit", share)
    if isinstance(judged.outcome, Violated):
        return tries.answer("explicit", explicit, judged)
    if isinstance(judged.outcome, Proved):
        if want_invariant and not deadline.expired():
            readable, readable_judged = tries.run("houdini", None)
            if isinstance(readable_judged.outcome, Proved):
                return tries.answer("houdini", readable, readable_judged)
        return tries.answer("explicit", explicit, judged)
    fallback = ("explicit", explicit, judged)
    if not deadline.expired():
        remaining = deadline.remaining_s()
        bmc, bmc_judged = tries.run("bmc", None if remaining is None else remaining / 2)
        if isinstance(bmc_judged.outcome, (Violated, HoldsUpTo)):
            fallback = ("bmc", bmc, bmc_judged)
        if isinstance(bmc_judged.outcome, Violated):
            return tries.answer(*fallback)
    for name in PROVERS:
        if deadline.expired():
            break
        result, judgement = tries.run(name, None)
        if _decisive(judgement):
            return tries.answer(name, result, judgement)
    return tries.answer(*fallback)
