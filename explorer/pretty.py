"""IR expressions printed in the spec language's syntax (certificates and messages).

``show(expr, model)`` prints an expression as it is: elements named as ``Model.elements``
names them (``regs[cpu0]``, ``vcpu.fpu``, ``user_fpu``), a read with a dynamic index as
``name[<index>]``, enum constants by member name, booleans ``true``/``false``, operators
``! && || == != < <= + -`` and ``c ? a : b``, with as few parentheses as C-like
precedence allows.

``show_invariant(expr, model)`` first makes an invariant readable (``simplify``): every
Boolean subformula that reads one element only is replaced by the set of values it allows,
printed as ``x``, ``!x``, ``x == a``, ``x != a``, ``x <= 2``, ``1 <= x`` or
``x in {a, b}``; conjuncts and disjuncts over the same element are merged first (Spacer's
``pc <= 2`` over an enum comes back as ``pc in {idle, want, crit}``).  A conjunction is
printed one conjunct per line.
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer import model as ir
from explorer.model import BoolSort, EnumSort, Expr, IntSort, Model, Sort


@dataclass(frozen=True)
class In:
    """``read in {values}``: a printing form only (never handed to an engine)."""

    read: ir.Read
    values: tuple[int, ...]
    sort: Sort = ir.BOOL


# precedence: higher binds tighter
_TERNARY, _OR, _AND, _EQ, _REL, _ADD, _UNARY, _ATOM = range(1, 9)


def _const(sort: Sort, value: int) -> str:
    if isinstance(sort, BoolSort):
        return "true" if value else "false"
    if isinstance(sort, EnumSort) and 0 <= value < sort.size:
        return sort.members[value]
    return str(value)


def _name(model: Model, read: ir.Read) -> str | None:
    """The element name of a read with a static index (None for a dynamic one)."""
    if read.index is None:
        return model.elements[model.slot(read.var, None)].name
    if isinstance(read.index, ir.Const):
        return model.elements[model.slot(read.var, read.index.value)].name
    return None


def _show(expr, model: Model) -> tuple[str, int]:
    """``(text, precedence)`` of ``expr``."""

    def sub(e, limit: int) -> str:
        """``e`` printed, parenthesised if it binds less tightly than ``limit``."""
        text, prec = _show(e, model)
        return f"({text})" if prec < limit else text

    if isinstance(expr, In):
        name, _ = _show(expr.read, model)
        members = ", ".join(_const(expr.read.sort, v) for v in expr.values)
        return f"{name} in {{{members}}}", _EQ
    if isinstance(expr, ir.Const):
        text = _const(expr.sort, expr.value)
        return text, (_UNARY if text.startswith("-") else _ATOM)
    if isinstance(expr, ir.Read):
        name = _name(model, expr)
        if name is None:
            name = f"{expr.var}[{_show(expr.index, model)[0]}]"
        return name, _ATOM
    if isinstance(expr, ir.Not):
        arg = expr.arg
        if isinstance(arg, ir.Eq):
            return f"{sub(arg.left, _EQ + 1)} != {sub(arg.right, _EQ + 1)}", _EQ
        if isinstance(arg, ir.Lt) and not isinstance(arg.left.sort, BoolSort):
            return f"{sub(arg.right, _REL + 1)} <= {sub(arg.left, _REL + 1)}", _REL
        if isinstance(arg, ir.Le) and not isinstance(arg.left.sort, BoolSort):
            return f"{sub(arg.right, _REL + 1)} < {sub(arg.left, _REL + 1)}", _REL
        return f"!{sub(arg, _UNARY)}", _UNARY
    if isinstance(expr, ir.And):
        return " && ".join(sub(a, _AND) for a in expr.args), _AND
    if isinstance(expr, ir.Or):
        return " || ".join(sub(a, _OR) for a in expr.args), _OR
    if isinstance(expr, ir.Eq):
        return f"{sub(expr.left, _EQ + 1)} == {sub(expr.right, _EQ + 1)}", _EQ
    if isinstance(expr, ir.Lt):
        return f"{sub(expr.left, _REL + 1)} < {sub(expr.right, _REL + 1)}", _REL
    if isinstance(expr, ir.Le):
        return f"{sub(expr.left, _REL + 1)} <= {sub(expr.right, _REL + 1)}", _REL
    if isinstance(expr, ir.Add):
        return f"{sub(expr.left, _ADD)} + {sub(expr.right, _ADD)}", _ADD
    if isinstance(expr, ir.Sub):
        return f"{sub(expr.left, _ADD)} - {sub(expr.right, _ADD + 1)}", _ADD
    if isinstance(expr, ir.Ite):
        cond = sub(expr.cond, _TERNARY + 1)
        return f"{cond} ? {sub(expr.then, _TERNARY + 1)} : {sub(expr.else_, _TERNARY)}", _TERNARY
    raise TypeError(f"not an IR expression: {expr!r}")


def show(expr, model: Model) -> str:
    """``expr`` in spec syntax, as it is (no simplification)."""
    return _show(expr, model)[0]


# --------------------------------------------------------------------------- simplify


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
    return _eval_state(model, expr, state)


def element_read(model: Model, slot: int) -> ir.Read:
    element = model.elements[slot]
    if element.index is None:
        return ir.Read(element.var, None, element.sort)
    return ir.Read(element.var, ir.Const(model.var(element.var).index, element.index),
                   element.sort)


def _values(model: Model, expr: Expr, slot: int) -> frozenset[int]:
    sort = model.elements[slot].sort
    return frozenset(v for v in sort.values() if _eval(model, expr, slot, v))


def atom(model: Model, slot: int, allowed: frozenset[int]):
    """The most readable formula saying that element ``slot`` takes a value in ``allowed``."""
    sort = model.elements[slot].sort
    read = element_read(model, slot)
    domain = list(sort.values())
    values = tuple(v for v in domain if v in allowed)
    if not values:
        return ir.FALSE
    if len(values) == len(domain):
        return ir.TRUE
    if isinstance(sort, BoolSort):
        return read if values == (1,) else ir.Not(read)
    if len(values) == 1:
        return ir.Eq(read, ir.Const(sort, values[0]))
    if isinstance(sort, IntSort):
        contiguous = values == tuple(range(values[0], values[-1] + 1))
        if contiguous and values[0] == sort.lo:
            return ir.Le(read, ir.Const(sort, values[-1]))
        if contiguous and values[-1] == sort.hi:
            return ir.Le(ir.Const(sort, values[0]), read)
    if len(values) == len(domain) - 1:
        (missing,) = [v for v in domain if v not in allowed]
        return ir.Not(ir.Eq(read, ir.Const(sort, missing)))
    return In(read, values)


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
    return _eval_state(model, expr, state)


def _eval_state(model: Model, expr: Expr, state: list[int]) -> int:
    if isinstance(expr, ir.Read):
        return state[model.slot(expr.var, None if expr.index is None else expr.index.value)]
    if isinstance(expr, ir.Const):
        return expr.value
    ev = lambda e: _eval_state(model, e, state)  # noqa: E731
    if isinstance(expr, ir.Not):
        return 0 if ev(expr.arg) else 1
    if isinstance(expr, ir.And):
        return int(all(ev(a) for a in expr.args))
    if isinstance(expr, ir.Or):
        return int(any(ev(a) for a in expr.args))
    if isinstance(expr, ir.Eq):
        return int(ev(expr.left) == ev(expr.right))
    if isinstance(expr, ir.Lt):
        return int(ev(expr.left) < ev(expr.right))
    if isinstance(expr, ir.Le):
        return int(ev(expr.left) <= ev(expr.right))
    if isinstance(expr, ir.Add):
        return ev(expr.left) + ev(expr.right)
    if isinstance(expr, ir.Sub):
        return ev(expr.left) - ev(expr.right)
    if isinstance(expr, ir.Ite):
        return ev(expr.then) if ev(expr.cond) else ev(expr.else_)
    raise TypeError(f"not an IR expression: {expr!r}")


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
        stack.extend(ir.children(node))


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
        return atom(model, slot, _values(model, expr, slot))
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
            vals = _values(model, arg, s)
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


def to_ir(expr) -> Expr:
    """A simplified formula back in the plain IR (``In`` as a disjunction of equalities)."""
    if isinstance(expr, In):
        return ir.or_(*(ir.eq(expr.read, ir.Const(expr.read.sort, v)) for v in expr.values))
    if isinstance(expr, ir.Not):
        return ir.Not(to_ir(expr.arg))
    if isinstance(expr, (ir.And, ir.Or)):
        return type(expr)(tuple(to_ir(a) for a in expr.args))
    if isinstance(expr, ir.Ite):
        return ir.Ite(to_ir(expr.cond), to_ir(expr.then), to_ir(expr.else_), expr.sort)
    if isinstance(expr, ir.Eq):
        return ir.Eq(to_ir(expr.left), to_ir(expr.right))
    return expr


def conjuncts(expr) -> list:
    """The top-level conjuncts of ``expr`` (itself if it is no conjunction)."""
    return list(expr.args) if isinstance(expr, ir.And) else [expr]


def show_invariant(expr: Expr, model: Model) -> str:
    """An invariant made readable: simplified, one conjunct per line."""
    return show_lines(simplify(expr, model), model)


def show_lines(simplified, model: Model) -> str:
    """A simplified formula, one conjunct per line."""
    return "\n".join(show(c, model) for c in conjuncts(simplified))
