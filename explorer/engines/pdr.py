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
        formula = _interpretation(fp.get_answer(), inv, s0) if result == z3.unsat else None
    except z3.Z3Exception as error:  # a timeout cancels the query with an exception
        message = error.value.decode() if isinstance(error.value, bytes) else str(error.value)
        return f"unknown: {message}", None, enc, fp
    except EncodeError as error:
        return f"unknown: {error}", None, enc, fp
    return str(result), formula, enc, fp


def _interpretation(answer: z3.ExprRef, inv: z3.FuncDeclRef, state) -> z3.ExprRef:
    """Spacer's interpretation of ``Inv`` over the constants ``state``.

    ``get_answer()`` gives ``ForAll(xs, Inv(xs) == body)``; ``get_cover_delta(-1, Inv)``,
    read here before, is ``true`` when Spacer solved the query by preprocessing, so that
    a safe model came back as an invariant that excludes nothing.
    """
    body = answer.body() if z3.is_quantifier(answer) else answer
    if z3.is_eq(body) and z3.is_app(body.arg(0)) and body.arg(0).decl() == inv:
        app, definition = body.arg(0), body.arg(1)
        mapping = [None] * app.num_args()
        for j in range(app.num_args()):
            mapping[z3.get_var_index(app.arg(j))] = state[j]
        return z3.substitute_vars(definition, *mapping)
    if z3.is_app(body) and body.decl() == inv:  # Inv(xs) itself: no constraint at all
        return z3.BoolVal(True, body.ctx)
    raise EncodeError(f"Spacer's answer is no interpretation of Inv: {answer.sexpr()[:200]}")


def check(model: Model, prop: Property, options: Options) -> EngineResult:
    start = time.perf_counter()
    stats: dict[str, Any] = {"engine": "pdr"}

    def done(outcome) -> EngineResult:
        stats["time_s"] = time.perf_counter() - start
        return EngineResult(outcome, stats)

    result, formula, enc, fp = invariant_of(model, prop, options)
    stats["spacer_s"] = time.perf_counter() - start
    if result == "sat":
        # Spacer's derivation is not decoded: a shortest counterexample comes from bmc,
        # within the caller's bound and what is left of the caller's time
        remaining = None
        if options.timeout_s is not None:
            remaining = max(0.001, options.timeout_s - (time.perf_counter() - start))
        found = bmc.check(model, prop, replace(options, timeout_s=remaining))
        stats["counterexample_by"] = "bmc"
        stats["bmc"] = {k: v for k, v in found.stats.items() if k != "frame_times"}
        if isinstance(found.outcome, Found):
            return done(found.outcome)
        if isinstance(found.outcome, HoldsUpTo):
            return done(Unknown(f"Spacer found the property violated, by a run deeper than the "
                                f"bound {options.bound} (raise --bound to see it)",
                                bound=options.bound))
        return done(Unknown(f"Spacer found the property violated; bmc could not build the "
                            f"counterexample: {found.outcome.reason}", bound=found.outcome.bound))
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
