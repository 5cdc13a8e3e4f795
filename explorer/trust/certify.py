"""Re-checking proof certificates with fresh solvers, independently of the engines.

An engine that proves a property hands back a certificate; before the verdict says
"proved", the trust gate re-establishes it from scratch with the functions here, each
obligation in its own new z3 solver, in a z3 context of its own (nothing of the engine's
solver state is reused):

* ``invariant``: Init => Inv;  Inv and Range and T => Inv';  Inv and Range => not Bad.
  The sorts are hard bounds of the encoding (``explorer.smt``): every frame reached by
  T is in range, so these three make Inv an inductive over-approximation of the
  reachable states that excludes every bad one.
* ``k-induction``: base, no bad state within k-1 steps of an initial state; step, no
  path of k steps through pairwise distinct in-range good states ends in a bad state.
  Re-encoded over exact integers with the binary action selector, not the engine's
  bit-vectors and one-hot selector.

An invariant is re-checked as IR (re-encoded from scratch) or as SMT-LIB text
(``explorer.smt.smt2``: each declared constant mapped to the element of the same name).
"""

from __future__ import annotations

import z3

from explorer.ir import Expr, Model, Property
from explorer.smt.encoding import Encoding
from explorer.smt.smt2 import Smt2Error, invariant_smt2, parse_invariant


def _unsat(what: str, *facts: z3.BoolRef, ctx: z3.Context, timeout_ms: int | None,
           logic: str | None = None) -> tuple[bool, str]:
    # a fresh solver for every obligation
    solver = z3.SolverFor(logic, ctx=ctx) if logic else z3.Solver(ctx=ctx)
    if timeout_ms is not None:
        solver.set("timeout", timeout_ms)
    solver.add(*facts)
    result = solver.check()
    if result == z3.unsat:
        return True, ""
    if result == z3.sat:
        return False, f"{what} does not hold"
    return False, f"{what}: solver unknown ({solver.reason_unknown()})"


def check_invariant(model: Model, prop: Property, inv0: z3.BoolRef, enc: Encoding,
                    timeout_ms: int | None = None) -> tuple[bool, str]:
    """The three obligations of an inductive invariant given over frame 0 of ``enc``."""
    inv1 = enc.shift(inv0, 0, 1)
    ctx = enc.ctx
    checks = [
        ("Init => Inv", (enc.init(0), z3.Not(inv0))),
        ("Inv and T => Inv'", (inv0, enc.ranges(0), enc.trans(0), z3.Not(inv1))),
        ("Inv => not Bad", (inv0, enc.ranges(0), enc.bad(prop, 0))),
    ]
    for what, facts in checks:
        ok, message = _unsat(what, *facts, ctx=ctx, timeout_ms=timeout_ms)
        if not ok:
            return False, message
    return True, "Init => Inv, Inv and T => Inv', Inv => not Bad: all three re-checked"


def check_k_induction(model: Model, prop: Property, k: int, enc: Encoding,
                      timeout_ms: int | None = None) -> tuple[bool, str]:
    if k < 1:
        return False, f"k-induction with k = {k}"
    ctx = enc.ctx
    base = [enc.init(0)] + [enc.trans(i) for i in range(k - 1)]
    base.append(z3.Or([enc.bad(prop, i) for i in range(k)]))
    logic = "QF_FD" if enc.sorts == "bv" else None
    ok, message = _unsat(f"base case (no bad state within {k - 1} steps)", *base, ctx=ctx,
                         timeout_ms=timeout_ms, logic=logic)
    if not ok:
        return False, message
    step = [enc.ranges(0)]
    for i in range(k):
        step += [enc.trans(i), z3.Not(enc.bad(prop, i))]
    for i in range(k + 1):
        for j in range(i + 1, k + 1):
            step.append(enc.distinct(i, j))
    step.append(enc.bad(prop, k))
    ok, message = _unsat(f"step case ({k}-step simple paths of good states)", *step, ctx=ctx,
                         timeout_ms=timeout_ms, logic=logic)
    if not ok:
        return False, message
    return True, f"{prop.name} is {k}-inductive with simple paths: base and step re-checked"


def _fresh(sorts: str, model: Model, selector: str = "onehot") -> Encoding:
    """An encoding in a context of its own: nothing is shared with the engine's solvers."""
    return Encoding(model, sorts, ctx=z3.Context(), selector=selector)


def _ms(timeout_s: float | None) -> int | None:
    return None if timeout_s is None else max(1, int(timeout_s * 1000))


def check_invariant_expr(model: Model, prop: Property, invariant: Expr,
                         timeout_s: float | None = None) -> tuple[bool, str]:
    """Re-check an IR invariant with fresh solvers over exact integers."""
    enc = _fresh("int", model)
    return check_invariant(model, prop, enc.expr(invariant, 0), enc, _ms(timeout_s))


def check_invariant_smt2(model: Model, prop: Property, smt2: str,
                         timeout_s: float | None = None) -> tuple[bool, str]:
    """Re-check an invariant given as SMT-LIB text (``explorer.smt.smt2``)."""
    enc = _fresh("int", model)
    try:
        inv0 = parse_invariant(enc, smt2, 0)
    except Smt2Error as error:
        return False, str(error)
    return check_invariant(model, prop, inv0, enc, _ms(timeout_s))


def check_k_inductive(model: Model, prop: Property, k: int,
                      timeout_s: float | None = None) -> tuple[bool, str]:
    """Re-check that ``prop`` is ``k``-inductive with simple paths, with fresh solvers, over
    exact integers and the binary action selector: not the engine's bit-vectors and one-hot
    selector, so a flaw of that encoding cannot confirm itself."""
    enc = _fresh("int", model, selector="binary")
    return check_k_induction(model, prop, k, enc, _ms(timeout_s))


def expr_smt2(model: Model, invariant: Expr) -> str:
    """An IR invariant as self-contained SMT-LIB text (for other tools to re-check)."""
    enc = _fresh("int", model)
    return invariant_smt2(enc, enc.expr(invariant, 0))
