"""Re-checking proof certificates with fresh solvers, independently of the engines.

An engine that proves a property hands back a ``Certificate``; before the verdict says
"proved", ``check_certificate`` re-establishes it from scratch, each obligation in its own
new z3 solver (nothing of the engine's solver state is reused):

* ``invariant``: Init => Inv;  Inv and Range and T => Inv';  Inv and Range => not Bad.
  The sorts are hard bounds of the encoding (``explorer.encode``): every frame reached by
  T is in range, so these three make Inv an inductive over-approximation of the
  reachable states that excludes every bad one.
* ``k-induction``: base, no bad state within k-1 steps of an initial state; step, no
  path of k steps through pairwise distinct in-range good states ends in a bad state.
  Re-encoded with the binary action selector, not the engine's one-hot one.

The invariant travels with the certificate as SMT-LIB text (``Certificate.smt2``): one
``declare-const`` per element, named as ``Model.elements`` names it, and one ``assert``
(see ``invariant_smt2``).  ``check_certificate`` parses that text and maps each declared
constant to the element of the same name, so the certificate stays plain data and can be
re-checked in another process.  Callers that hold the IR invariant may pass it as
``invariant_expr`` instead; it is then re-encoded from the IR.
"""

from __future__ import annotations

import z3

from explorer.encode import Encoding
from explorer.model import Expr, Model, Property
from explorer.verdict import Certificate


class CertificateError(Exception):
    """A certificate that cannot even be read (malformed SMT-LIB, unknown element)."""


def invariant_smt2(enc: Encoding, formula: z3.BoolRef) -> str:
    """An invariant over frame-0 constants as self-contained SMT-LIB text.

    Constants are renamed to the bare element names (``|regs[cpu0]|``).
    """
    bare = [z3.Const(e.name, c.sort()) for e, c in zip(enc.elements, enc.state(0))]
    renamed = z3.substitute(formula, *zip(enc.state(0), bare))
    lines = [f"(declare-const {c.sexpr()} {c.sort().sexpr()})" for c in bare]
    lines.append(f"(assert {renamed.sexpr()})")
    return "\n".join(lines) + "\n"


def parse_invariant(enc: Encoding, smt2: str, k: int = 0) -> z3.BoolRef:
    """The invariant of ``invariant_smt2`` text over the constants of frame ``k``."""
    try:
        asserted = z3.parse_smt2_string(smt2, ctx=enc.ctx)
    except z3.Z3Exception as error:
        raise CertificateError(f"malformed SMT-LIB invariant: {error}") from None
    formula = z3.And(list(asserted)) if len(asserted) != 1 else asserted[0]
    pairs = []
    seen: set[str] = set()
    stack = [formula]
    visited: set[int] = set()
    while stack:
        node = stack.pop()
        if node.get_id() in visited:
            continue
        visited.add(node.get_id())
        if z3.is_const(node) and node.decl().kind() == z3.Z3_OP_UNINTERPRETED:
            name = node.decl().name()
            if name not in seen:
                seen.add(name)
                try:
                    i = enc.element_index(name)
                except KeyError:
                    raise CertificateError(f"invariant names no element: {name}") from None
                target = enc.const(i, k)
                if target.sort() != node.sort():
                    raise CertificateError(f"{name}: sort {node.sort()} is not {target.sort()}")
                pairs.append((node, target))
        elif z3.is_app(node):
            stack.extend(node.children())
    return z3.substitute(formula, *pairs) if pairs else formula


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


def check_certificate(model: Model, prop: Property, certificate: Certificate,
                      invariant_expr: Expr | None = None,
                      timeout_s: float | None = None) -> tuple[bool, str]:
    """Re-check ``certificate`` for ``prop`` of ``model`` with fresh solvers.

    Returns ``(True, what was checked)`` or ``(False, why not)``.  For an invariant, the
    IR ``invariant_expr`` is used if given, otherwise ``certificate.smt2`` is parsed.
    """
    timeout_ms = None if timeout_s is None else max(1, int(timeout_s * 1000))
    ctx = z3.Context()  # nothing shared with the engine that produced the certificate
    try:
        if certificate.kind == "invariant":
            enc = Encoding(model, "int", ctx=ctx)
            if invariant_expr is not None:
                inv0 = enc.expr(invariant_expr, 0)
            elif certificate.smt2:
                inv0 = parse_invariant(enc, certificate.smt2, 0)
            else:
                return False, "invariant certificate without an invariant"
            return check_invariant(model, prop, inv0, enc, timeout_ms)
        if certificate.kind == "k-induction":
            if certificate.k is None:
                return False, "k-induction certificate without k"
            # the binary action selector: another encoding than the engine's one-hot one
            enc = Encoding(model, "bv", ctx=ctx, selector="binary")
            return check_k_induction(model, prop, certificate.k, enc, timeout_ms)
    except CertificateError as error:
        return False, str(error)
    return False, f"unknown certificate kind {certificate.kind!r}"
