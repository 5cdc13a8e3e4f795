"""An invariant made readable: every Boolean part that reads one element becomes the set
of values it allows.

``simplify(expr, model)`` replaces each Boolean subformula that reads a single element
(statically) by ``atom`` of the values it allows (``x``, ``!x``, ``x == a``, ``x != a``,
``x <= 2``, ``1 <= x``, ``x in {a, b}``), merging the conjuncts and disjuncts over the
same element first (Spacer's ``pc <= 2`` over an enum comes back as
``pc in {idle, want, crit}``), and a formula over two enum or Boolean elements that
compares them as numbers as clauses ``a != v || b in S``.  The values allowed are found
by evaluating the subformula with the reference evaluator, so the result is equivalent
to ``expr`` on every state whose elements hold values of their sorts; the trust gate
checks the readable result itself, not ``expr``.
"""

from __future__ import annotations

from explorer import ir
from explorer.ir import BoolSort, Expr, IntSort, Model
from explorer.ir.readable import atom
from explorer.semantics.reference import evaluate


def _static_elements(model: Model, expr: Expr) -> set[int] | None:
    """The elements ``expr`` reads, or None if it reads an array at a dynamic index."""
    out: set[int] = set()
    for read in ir.reads(expr):
        if read.index is not None and not isinstance(read.index, ir.Const):
            return None
        out.add(model.slot(read.var, None if read.index is None else read.index.value))
    return out


def _eval(model: Model, expr: Expr, slot: int, value: int) -> int:
    """``expr`` with element ``slot`` set to ``value`` (it reads no other element)."""
    state = [0] * len(model.elements)
    state[slot] = value
    return evaluate(model, expr, tuple(state))


def allowed_values(model: Model, expr: Expr, slot: int) -> frozenset[int]:
    """The values of element ``slot`` for which ``expr`` (reading no other element) holds."""
    sort = model.elements[slot].sort
    return frozenset(v for v in sort.values() if _eval(model, expr, slot, v))


def _single(model: Model, expr: Expr) -> int | None:
    """The one element a Boolean ``expr`` reads (statically), else None."""
    if not isinstance(expr.sort, BoolSort):
        return None
    slots = _static_elements(model, expr)
    if slots is None or len(slots) != 1:
        return None
    return next(iter(slots))


def _eval2(model: Model, expr: Expr, slots: tuple[int, int], values: tuple[int, int]) -> int:
    state = [0] * len(model.elements)
    for slot, value in zip(slots, values):
        state[slot] = value
    return evaluate(model, expr, tuple(state))


def _mixes(model: Model, expr: Expr) -> bool:
    """Whether ``expr`` compares or adds values of two different elements in a way that
    only makes sense as numbers (``st < tok``), rather than ``a == b`` of one sort."""
    for node in _nodes(expr):
        if isinstance(node, (ir.Lt, ir.Le, ir.Add, ir.Sub, ir.Eq)):
            left, right = _static_elements(model, node.left), _static_elements(model, node.right)
            if not left or not right or left == right:
                continue
            same = node.left.sort == node.right.sort
            if isinstance(node, ir.Eq) and same:
                continue
            return True
    return False


def _nodes(expr: Expr):
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node.children())


def _pair_clauses(model: Model, expr: Expr, slots: list[int]):
    """A formula over two elements as clauses ``a != v || b in S`` (``a`` the smaller)."""
    a, b = sorted(slots, key=lambda s: (model.elements[s].sort.size, s))
    clauses = []
    for va in model.elements[a].sort.values():
        allowed = frozenset(
            vb for vb in model.elements[b].sort.values() if _eval2(model, expr, (a, b), (va, vb))
        )
        if len(allowed) == model.elements[b].sort.size:
            continue
        not_a = frozenset(model.elements[a].sort.values()) - {va}
        clauses.append(ir.Or((atom(model, a, not_a), atom(model, b, allowed)))
                       if allowed else atom(model, a, not_a))
    if not clauses:
        return ir.TRUE
    return clauses[0] if len(clauses) == 1 else ir.And(tuple(clauses))


def simplify(expr: Expr, model: Model):
    """``expr`` rewritten for reading (an IR Expr, possibly with ``In`` forms inside)."""
    slot = _single(model, expr)
    if slot is not None:
        return atom(model, slot, allowed_values(model, expr, slot))
    if isinstance(expr.sort, BoolSort):
        slots = _static_elements(model, expr)
        if (slots is not None and len(slots) == 2 and _mixes(model, expr)
                and all(not isinstance(model.elements[s].sort, IntSort) for s in slots)):
            return _pair_clauses(model, expr, sorted(slots))
    if isinstance(expr, (ir.And, ir.Or)):
        conj = isinstance(expr, ir.And)
        groups: dict[int, frozenset[int]] = {}
        order: list = []  # slot numbers (for groups) and simplified other children
        for arg in expr.args:
            s = _single(model, arg)
            if s is None:
                order.append(simplify(arg, model))
                continue
            vals = allowed_values(model, arg, s)
            if s in groups:
                groups[s] = groups[s] & vals if conj else groups[s] | vals
            else:
                groups[s] = vals
                order.append(s)
        args = [atom(model, a, groups[a]) if isinstance(a, int) else a for a in order]
        flat: list = []
        for a in args:
            if isinstance(a, ir.Const):
                if bool(a.value) != conj:
                    return a  # false in a conjunction, true in a disjunction
                continue
            if isinstance(a, type(expr)):
                flat.extend(x for x in a.args if x not in flat)
            elif a not in flat:
                flat.append(a)
        if not flat:
            return ir.const_bool(conj)
        if len(flat) == 1:
            return flat[0]
        return type(expr)(tuple(flat))
    if isinstance(expr, ir.Not):
        inner = simplify(expr.arg, model)
        if isinstance(inner, ir.Const):
            return ir.const_bool(not inner.value)
        if isinstance(inner, ir.Not):
            return inner.arg
        return ir.Not(inner)
    if isinstance(expr, ir.Ite):
        cond = simplify(expr.cond, model) if isinstance(expr.cond.sort, BoolSort) else expr.cond
        then = simplify(expr.then, model) if isinstance(expr.then.sort, BoolSort) else expr.then
        else_ = simplify(expr.else_, model) if isinstance(expr.else_.sort, BoolSort) else expr.else_
        if isinstance(cond, ir.Const):
            return then if cond.value else else_
        return ir.Ite(cond, then, else_, expr.sort)
    if isinstance(expr, ir.Eq) and isinstance(expr.left.sort, BoolSort):
        left, right = simplify(expr.left, model), simplify(expr.right, model)
        if isinstance(right, ir.Const):
            return left if right.value else ir.Not(left)
        return ir.Eq(left, right)
    return expr
