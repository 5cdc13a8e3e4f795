"""PDR / IC3 through z3's Spacer on the CHC encoding of the model.

    Inv(s)  <= Init(s)
    Inv(s') <= Inv(s) and Range(s) and T(s, s')
    false   <= Inv(s) and Range(s) and Bad(s)

Safe: Spacer's interpretation of ``Inv`` is an inductive invariant.  It is claimed as an
IR expression (``Encoding.to_ir``) with Spacer's own formula as SMT-LIB text; the trust
gate re-checks both (the IR in the readable form that is printed) before the verdict says
"proved".
Unsafe: Spacer's derivation is not decoded; a shortest counterexample is found by the
bmc engine instead (``stats["counterexample_by"] == "bmc"``) and replayed as usual.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import z3

from explorer.engines import bmc
from explorer.engines.base import EngineResult, Found, InvariantCertificate, Options, Safe
from explorer.ir import Expr, Model, Property
from explorer.smt.encoding import EncodeError, Encoding
from explorer.smt.smt2 import invariant_smt2
from explorer.verdict import HoldsUpTo, Unknown

_MAX_CEX_DEPTH = 100_000


def invariant_of(model: Model, prop: Property, options: Options) -> tuple[str, Any, Encoding, z3.Fixedpoint]:
    """Run Spacer; returns (result, invariant over frame 0 or None, encoding, engine)."""
    enc = Encoding(model, "int", selector="binary")
    fp = z3.Fixedpoint(ctx=enc.ctx)
    fp.set("engine", "spacer")
    fp.set("spacer.random_seed", options.seed)
    if options.timeout_s is not None:
        fp.set("timeout", max(1, int(options.timeout_s * 1000)))
    s0, s1 = enc.state(0), enc.state(1)
    inv = z3.Function("Inv", *[c.sort() for c in s0], z3.BoolSort(enc.ctx))
    fp.register_relation(inv)
    fp.declare_var(*s0, *s1, enc.act(0))  # the binary selector: no per-action Bools
    fp.rule(inv(*s0), enc.init(0))
    fp.rule(inv(*s1), [inv(*s0), enc.ranges(0), enc.trans(0)])
    try:
        result = fp.query(z3.And(inv(*s0), enc.ranges(0), enc.bad(prop, 0)))
    except z3.Z3Exception as error:  # a timeout cancels the query with an exception
        message = error.value.decode() if isinstance(error.value, bytes) else str(error.value)
        return f"unknown: {message}", None, enc, fp
    formula = None
    if result == z3.unsat:
        formula = z3.substitute_vars(fp.get_cover_delta(-1, inv), *s0)
    return str(result), formula, enc, fp


def check(model: Model, prop: Property, options: Options) -> EngineResult:
    start = time.perf_counter()
    stats: dict[str, Any] = {"engine": "pdr"}

    def done(outcome) -> EngineResult:
        stats["time_s"] = time.perf_counter() - start
        return EngineResult(outcome, stats)

    result, formula, enc, fp = invariant_of(model, prop, options)
    stats["spacer_s"] = time.perf_counter() - start
    if result == "sat":
        remaining = None
        if options.timeout_s is not None:
            remaining = max(0.001, options.timeout_s - (time.perf_counter() - start))
        found = bmc.check(model, prop, replace(options, bound=_MAX_CEX_DEPTH, timeout_s=remaining))
        stats["counterexample_by"] = "bmc"
        stats["bmc"] = {k: v for k, v in found.stats.items() if k != "frame_times"}
        if isinstance(found.outcome, Found):
            return done(found.outcome)
        if isinstance(found.outcome, HoldsUpTo):  # unreachable in practice
            return done(Unknown(f"Spacer found the property violated, bmc found no "
                                f"counterexample within {_MAX_CEX_DEPTH} steps"))
        return done(Unknown(f"Spacer found the property violated; bmc could not build the "
                            f"counterexample: {found.outcome.reason}"))
    if result != "unsat":
        why = result if result.startswith("unknown: ") else fp.reason_unknown()
        if options.timeout_s is not None and ("timeout" in why or "canceled" in why
                                              or time.perf_counter() - start >= options.timeout_s):
            return done(Unknown(f"timeout after {options.timeout_s} s"))
        return done(Unknown(f"Spacer: {why or result}"))

    smt2 = invariant_smt2(enc, formula)
    invariant: Expr | None
    try:
        invariant = enc.to_ir(formula)
    except EncodeError as error:
        invariant = None
        stats["invariant_ir"] = f"not expressible in the IR: {error}"
    return done(Safe("pdr", InvariantCertificate(invariant, smt2=smt2)))
