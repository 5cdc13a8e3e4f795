"""The model as a VMT transition system: SMT-LIB 2 with nuXmv's annotations, for nuXmv,
pono and other SMT-based model checkers (``explorer export --format smt2``).

The terms are explorer's own z3 encoding (``explorer.smt.encoding``, small bit-vectors,
the binary action selector), the one its ``bmc`` engine unrolls, so a tool that reads the
file checks the model explorer checks:

* each element is a state variable ``x`` with its next-state copy ``x.next``, tied by
  ``(define-fun .x () S (! x :next x.next))``;
* the action selector ``_act`` is an input (a variable without ``:next``): the step takes
  the action it names, which must be enabled; the values stay in their sorts;
* ``.init`` (``:init true``), ``.trans`` (``:trans true``) and ``.prop`` (``:invar-property
  0``: ``not bad``, step sites included) are the three formulas.

A plain SMT-LIB reader (z3) ignores the annotations, so the file also parses as the
definitions of ``.init``, ``.trans`` and ``.prop``.
"""

from __future__ import annotations

import z3

from explorer.ir import Model, Property
from explorer.smt.encoding import Encoding


def to_vmt(model: Model, prop: Property) -> str:
    """``model`` with ``prop`` as VMT text."""
    ctx = z3.Context()
    enc = Encoding(model, "bv", ctx=ctx, selector="binary")
    current = [z3.Const(e.name, c.sort()) for e, c in zip(enc.elements, enc.state(0))]
    following = [z3.Const(f"{e.name}.next", c.sort()) for e, c in zip(enc.elements, enc.state(1))]
    act = z3.Const("_act", enc.act(0).sort())
    pairs = list(zip(enc.state(0), current)) + list(zip(enc.state(1), following))
    pairs.append((enc.act(0), act))

    def text(formula: z3.ExprRef) -> str:
        return z3.substitute(formula, *pairs).sexpr()

    lines = [f"; {model.name}: exported by explorer from the grounded IR",
             "; parameters: " + ", ".join(f"{k}={v}" for k, v in model.params),
             f"; property {prop.name}; _act selects one of {len(model.actions)} actions:"]
    lines += [f";   {number}: {action.name}" for number, action in enumerate(model.actions)]
    for now, nxt in zip(current, following):
        sort = now.sort().sexpr()
        lines.append(f"(declare-fun {now.sexpr()} () {sort})")
        lines.append(f"(declare-fun {nxt.sexpr()} () {sort})")
        lines.append(f"(define-fun {_quoted('.' + now.decl().name())} () {sort} "
                     f"(! {now.sexpr()} :next {nxt.sexpr()}))")
    lines.append(f"(declare-fun {act.sexpr()} () {act.sort().sexpr()})")
    lines.append(f"(define-fun .init () Bool (! {text(enc.init(0))} :init true))")
    lines.append(f"(define-fun .trans () Bool (! {text(enc.trans(0))} :trans true))")
    lines.append(f"(define-fun .prop () Bool (! {text(z3.Not(enc.bad(prop, 0)))} :invar-property 0))")
    return "\n".join(lines) + "\n"


def _quoted(name: str) -> str:
    return name if all(c.isalnum() or c in "._-" for c in name) else f"|{name}|"
