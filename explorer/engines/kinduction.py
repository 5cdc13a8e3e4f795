"""k-induction with simple-path constraints (complete on finite systems).

For k = 1, 2, ...: the *base* (a BMC unrolling from the initial states, shared with the
bmc engine) shows that no bad state is reachable in k-1 steps; the *step* shows that no
path of k steps through pairwise distinct, in-range, non-bad states ends in a bad state.
Both together prove the property (a shortest path to a bad state is simple and all its
states but the last are good, so its last k+1 states would refute the step).  Each side
is one incremental solver.  A proof is claimed with k as its certificate; the trust gate
re-checks it in an encoding of its own.
"""

from __future__ import annotations

import time
from typing import Any

import z3

from explorer.engines.base import Deadline, EngineResult, KInductionCertificate, Options, Safe
from explorer.engines.bmc import SORTS, Unroller, counterexample, new_solver
from explorer.ir import Model, Property
from explorer.smt.encoding import Encoding
from explorer.verdict import HoldsUpTo, Unknown


class StepCase:
    """The induction step, unrolled incrementally: frames 0..k free but in range."""

    def __init__(self, enc: Encoding, prop: Property, simple: bool = True):
        self.enc = enc
        self.prop = prop
        self.simple = simple
        self.solver = new_solver(enc)
        self.solver.add(enc.ranges(0))
        self.depth = 0

    def check(self, k: int, deadline: Deadline) -> z3.CheckSatResult:
        """Can k steps through distinct good states reach a bad state?"""
        while self.depth < k:
            j = self.depth
            self.solver.add(self.enc.trans(j))
            self.solver.add(z3.Not(self.enc.bad(self.prop, j)))
            if self.simple:
                for i in range(j + 1):
                    self.solver.add(self.enc.distinct(i, j + 1))
            self.depth += 1
        lit = z3.Bool(f"step@{k}", self.enc.ctx)
        self.solver.add(z3.Implies(lit, self.enc.bad(self.prop, k)))
        ms = deadline.remaining_ms()
        if ms is not None:
            self.solver.set("timeout", ms)
        return self.solver.check(lit)


def check(model: Model, prop: Property, options: Options, *, sorts: str = SORTS) -> EngineResult:
    deadline = Deadline(options.timeout_s)
    enc = Encoding(model, sorts)
    base = Unroller(enc, prop)
    step = StepCase(enc, prop)
    stats: dict[str, Any] = {"engine": "kind", "sorts": sorts}

    def done(outcome, k: int) -> EngineResult:
        stats["time_s"] = time.perf_counter() - deadline.start
        stats["k"] = k
        return EngineResult(outcome, stats)

    def unknown(what: str, solver: z3.Solver, k: int) -> EngineResult:
        why = solver.reason_unknown()
        if deadline.expired() or "timeout" in why or "canceled" in why:
            return done(Unknown(f"timeout after {options.timeout_s} s", bound=max(k - 1, 0)), k)
        return done(Unknown(f"solver unknown in the {what}: {why}", bound=max(k - 1, 0)), k)

    for k in range(1, options.bound + 2):
        if deadline.expired():
            return done(Unknown(f"timeout after {options.timeout_s} s", bound=max(k - 2, 0)), k - 1)
        # base: no bad state at depth k-1 (depths below were checked in earlier rounds)
        result, zmodel = base.check(k - 1, deadline)
        if result == z3.sat:
            return done(counterexample(enc, zmodel, k - 1), k)
        if result != z3.unsat:
            return unknown("base case", base.solver, k - 1)
        if options.progress is not None:
            options.progress({"engine": "k-induction", "k": k})
        if k > options.bound:
            break
        result = step.check(k, deadline)
        if result == z3.unsat:
            return done(Safe("k-induction", KInductionCertificate(k)), k)
        if result != z3.unsat and result != z3.sat:
            return unknown("step case", step.solver, k)
    return done(HoldsUpTo(options.bound), options.bound)
