"""Invariants as self-contained SMT-LIB text, and back.

A certificate travels as plain data: one ``declare-const`` per element, named as
``Model.elements`` names it (``|regs[cpu0]|``), and one ``assert``.  Reading it back maps
each declared constant to the element of the same name, in any encoding of the model
whose sorts match, so an invariant can be re-checked in another process or by another
tool (nuXmv, pono) than the one that found it.
"""

from __future__ import annotations

import z3

from explorer.smt.encoding import Encoding


class Smt2Error(Exception):
    """SMT-LIB text that is not an invariant of the model (malformed, unknown element)."""


def invariant_smt2(enc: Encoding, formula: z3.BoolRef) -> str:
    """An invariant over frame-0 constants as self-contained SMT-LIB text."""
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
        raise Smt2Error(f"malformed SMT-LIB invariant: {error}") from None
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
                    raise Smt2Error(f"invariant names no element: {name}") from None
                target = enc.const(i, k)
                if target.sort() != node.sort():
                    raise Smt2Error(f"{name}: sort {node.sort()} is not {target.sort()}")
                pairs.append((node, target))
        elif z3.is_app(node):
            stack.extend(node.children())
    return z3.substitute(formula, *pairs) if pairs else formula
