"""PDR / IC3 through z3's Spacer on the CHC encoding of the model.

    Inv(s)  <= Init(s)
    Inv(s') <= Inv(s) and Range(s) and T(s, s')
    false   <= Inv(s) and Range(s) and Bad(s)

Safe: Spacer's interpretation of ``Inv`` is an inductive invariant.  It is turned into an
IR expression (``Encoding.to_ir``), printed in spec syntax (``explorer.pretty``), carried
as SMT-LIB text in the certificate, and re-checked by ``explorer.certify`` with fresh
solvers, both as SMT-LIB and as the printed IR, before the verdict says "proved".
Unsafe: Spacer's derivation is not decoded; a shortest counterexample is found by the
bmc engine instead (``stats["counterexample_by"] == "bmc"``) and replayed as usual.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import z3

from explorer import pretty
from explorer.certify import check_certificate, invariant_smt2
from explorer.encode import EncodeError, Encoding
from explorer.engines import EngineResult, Options
from explorer.engines import bmc
from explorer.model import Expr, Model, Property
from explorer.verdict import Certificate, HoldsUpTo, Proved, Unknown, Violated

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
        if isinstance(found.outcome, Violated):
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
        simplified = pretty.simplify(enc.to_ir(formula), model)
        text = pretty.show_lines(simplified, model)
        invariant = pretty.to_ir(simplified)  # exactly what is printed
    except EncodeError as error:
        invariant, text = None, formula.sexpr()
        stats["invariant_ir"] = f"not expressible in the IR: {error}"
    stats["invariant_conjuncts"] = len(text.splitlines())
    cert = Certificate(kind="invariant", text=text, smt2=smt2)
    t0 = time.perf_counter()
    ok, message = check_certificate(model, prop, cert)  # the SMT-LIB text, as it travels
    if ok and invariant is not None:
        ok, message = check_certificate(model, prop, cert, invariant_expr=invariant)
        if not ok:
            message = f"the invariant as printed: {message}"
    stats["recheck_s"] = time.perf_counter() - t0
    if not ok:
        return done(Unknown(f"certificate failed re-check: {message}"))
    return done(Proved("pdr", replace(cert, checked=True)))
