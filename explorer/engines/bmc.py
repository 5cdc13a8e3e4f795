"""Bounded model checking: one incremental solver, depths in increasing order.

The transition relation T(k-1, k) is asserted permanently as the unrolling grows; Bad(k)
is checked under an assumption literal, and once it is refuted ``not Bad(k)`` is asserted
as a lemma (sound: no path of length k reaches a bad frame k, so the lemma only prunes
nothing, and it helps the solver at deeper frames).  Since depths are checked in order,
the first counterexample found is a shortest one.

With step sites, a trace ending in a forbidden step is one step longer than its last
state, so each frame first asks for a bad state proper (``state_bad``) and only then for
an enabled forbidden step: the trace returned is a shortest one as the user counts it.

A counterexample is returned as the path the solver found (initial state and actions);
the trust gate replays it.
"""

from __future__ import annotations

import time
from typing import Any

import z3

from explorer.engines.base import Counterexample, Deadline, EngineResult, Found, Options
from explorer.ir import FALSE, Model, Property
from explorer.smt.encoding import Encoding
from explorer.verdict import HoldsUpTo, Unknown

SORTS = "bv"
"""The sort encoding of bmc and k-induction (chosen with bench/bench_bmc.py: small
bit-vectors, one Bool per action, z3's incremental SAT back end, about 60x faster than
Ints at depth 30 on a kernel-shaped model)."""


def new_solver(enc: Encoding) -> z3.Solver:
    """An incremental solver for the unrollings of ``enc``."""
    return z3.SolverFor("QF_FD" if enc.sorts == "bv" else "QF_LIA", ctx=enc.ctx)


class Unroller:
    """An incremental BMC unrolling from the initial states (shared with k-induction)."""

    def __init__(self, enc: Encoding, prop: Property, lemmas: bool = True):
        self.enc = enc
        self.prop = prop
        self.lemmas = lemmas
        self.solver = new_solver(enc)
        self.solver.add(enc.init(0))
        self.depth = 0
        """Frames 0..depth are in the solver."""
        split = bool(prop.sites) and prop.state_bad != FALSE
        self.queries = [prop.state_bad, prop.bad] if split else [prop.bad]

    def extend_to(self, k: int) -> None:
        while self.depth < k:
            self.solver.add(self.enc.trans(self.depth))
            self.depth += 1

    def check(self, k: int, deadline: Deadline) -> tuple[z3.CheckSatResult, z3.ModelRef | None]:
        """Is a bad state (or forbidden step) reachable at frame ``k`` exactly?"""
        self.extend_to(k)
        for n, query in enumerate(self.queries):
            lit = z3.Bool(f"bad{n}@{k}", self.enc.ctx)
            self.solver.add(z3.Implies(lit, self.enc.expr(query, k)))
            ms = deadline.remaining_ms()
            if ms is not None:
                self.solver.set("timeout", ms)
            result = self.solver.check(lit)
            if result == z3.sat:
                return result, self.solver.model()
            if result != z3.unsat:
                return result, None
        if self.lemmas:
            self.solver.add(z3.Not(self.enc.bad(self.prop, k)))
        return z3.unsat, None

    def reason(self) -> str:
        return self.solver.reason_unknown()


def counterexample(enc: Encoding, zmodel: z3.ModelRef, k: int) -> Found:
    """The path to a bad frame ``k`` in ``zmodel``."""
    init, actions = enc.decode_path(zmodel, k)
    return Found(Counterexample(tuple(init), tuple(actions)))


def check(model: Model, prop: Property, options: Options, *, sorts: str = SORTS,
          selector: str = "onehot", lemmas: bool = True) -> EngineResult:
    """Bounded model checking of ``prop`` up to ``options.bound`` steps.

    ``sorts``, ``selector`` and ``lemmas`` are for measurements (bench/bench_bmc.py).
    """
    deadline = Deadline(options.timeout_s)
    enc = Encoding(model, sorts, selector=selector)
    unroller = Unroller(enc, prop, lemmas=lemmas)
    frame_times: list[float] = []
    stats: dict[str, Any] = {"engine": "bmc", "sorts": sorts, "selector": selector,
                             "frame_times": frame_times}

    def done(outcome) -> EngineResult:
        stats["time_s"] = time.perf_counter() - deadline.start
        stats["depth"] = len(frame_times) - 1
        return EngineResult(outcome, stats)

    for k in range(options.bound + 1):
        if deadline.expired():
            return done(Unknown(f"timeout after {options.timeout_s} s", bound=max(k - 1, 0)))
        t0 = time.perf_counter()
        result, zmodel = unroller.check(k, deadline)
        frame_times.append(time.perf_counter() - t0)
        if options.progress is not None:
            options.progress({"engine": "bmc", "depth": k, "frame_s": frame_times[-1]})
        if result == z3.sat:
            return done(counterexample(enc, zmodel, k))
        if result != z3.unsat:
            why = unroller.reason()
            reason = f"timeout after {options.timeout_s} s" if deadline.expired() or "timeout" in why or "canceled" in why else f"solver unknown: {why}"
            return done(Unknown(reason, bound=max(k - 1, 0)))
    return done(HoldsUpTo(options.bound))
