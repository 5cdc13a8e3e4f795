"""``--engine auto``: the engines combined, each claim judged by the trust gate.

BMC looks for counterexamples up to the bound (depths in increasing order, so the first
is a shortest one); what it does not refute is then proved by the first prover whose
proof passes the gate, in the order of ``PROVERS``.  A prover that finds a counterexample
deeper than the bound wins too.
"""

from __future__ import annotations

from dataclasses import replace

from explorer.engines.base import Deadline, EngineResult, Options
from explorer.engines.registry import engine
from explorer.ir import Model, Property
from explorer.trust import Judgement, judge
from explorer.verdict import HoldsUpTo, Proved, Unknown, Violated

AUTO = "auto"
PROVERS = ("houdini", "explicit", "pdr", "kind")
"""The order in which ``auto`` tries to prove a property BMC found no counterexample to:
first a readable inductive invariant (houdini), then exhaustive search, then the SMT
provers, which rarely close on the kernel specs but may on other models."""


def _summary(judgement: Judgement) -> str:
    outcome = judgement.outcome
    if isinstance(outcome, Unknown):
        return f"unknown: {outcome.reason}"
    return type(outcome).__name__


def run_portfolio(model: Model, prop: Property, options: Options, deadline: Deadline
                  ) -> tuple[str, EngineResult, Judgement]:
    """(engine that decided, its result, the gate's judgement)."""
    first = engine("bmc")(model, prop, options)
    bmc = judge(model, prop, first, deadline.remaining_s())
    if not isinstance(bmc.outcome, HoldsUpTo):
        return "bmc", first, bmc
    attempts = {"bmc": _summary(bmc)}
    for name in PROVERS:
        if deadline.expired():
            break
        result = engine(name)(model, prop, replace(options, timeout_s=deadline.remaining_s()))
        judged = judge(model, prop, result, deadline.remaining_s())
        attempts[name] = _summary(judged)
        if isinstance(judged.outcome, (Proved, Violated)):
            return name, EngineResult(result.outcome, {**result.stats, "attempts": attempts}), judged
    return "bmc", EngineResult(first.outcome, {**first.stats, "attempts": attempts}), bmc
