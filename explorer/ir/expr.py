"""IR expressions and their smart constructors.

An expression is a tree of frozen dataclasses over state elements (``Read``) and
constants.  ``NODE_TYPES`` lists every node type: a traversal is a walker class
(``explorer.ir.walk``) that must handle each of them.  The smart constructors fold
constants, so that lowering (which grounds actions per CPU and task) leaves guards as small
as the instance allows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from explorer.ir.sorts import BOOL, Sort


@dataclass(frozen=True)
class Const:
    sort: Sort
    value: int

    def children(self) -> tuple["Expr", ...]:
        return ()


@dataclass(frozen=True)
class Read:
    """The value of a scalar variable (``index is None``) or of one array element."""

    var: str
    index: "Expr | None"
    sort: Sort

    def children(self) -> tuple["Expr", ...]:
        return () if self.index is None else (self.index,)


@dataclass(frozen=True)
class Not:
    arg: "Expr"
    sort: Sort = BOOL

    def children(self) -> tuple["Expr", ...]:
        return (self.arg,)


@dataclass(frozen=True)
class And:
    args: tuple["Expr", ...]
    sort: Sort = BOOL

    def children(self) -> tuple["Expr", ...]:
        return self.args


@dataclass(frozen=True)
class Or:
    args: tuple["Expr", ...]
    sort: Sort = BOOL

    def children(self) -> tuple["Expr", ...]:
        return self.args


@dataclass(frozen=True)
class Eq:
    left: "Expr"
    right: "Expr"
    sort: Sort = BOOL

    def children(self) -> tuple["Expr", ...]:
        return (self.left, self.right)


@dataclass(frozen=True)
class Lt:
    left: "Expr"
    right: "Expr"
    sort: Sort = BOOL

    def children(self) -> tuple["Expr", ...]:
        return (self.left, self.right)


@dataclass(frozen=True)
class Le:
    left: "Expr"
    right: "Expr"
    sort: Sort = BOOL

    def children(self) -> tuple["Expr", ...]:
        return (self.left, self.right)


@dataclass(frozen=True)
class Add:
    """Integer addition; the result may leave ``sort`` (lowering guards against that)."""

    left: "Expr"
    right: "Expr"
    sort: Sort

    def children(self) -> tuple["Expr", ...]:
        return (self.left, self.right)


@dataclass(frozen=True)
class Sub:
    left: "Expr"
    right: "Expr"
    sort: Sort

    def children(self) -> tuple["Expr", ...]:
        return (self.left, self.right)


@dataclass(frozen=True)
class Ite:
    cond: "Expr"
    then: "Expr"
    else_: "Expr"
    sort: Sort

    def children(self) -> tuple["Expr", ...]:
        return (self.cond, self.then, self.else_)


Expr = Union[Const, Read, Not, And, Or, Eq, Lt, Le, Add, Sub, Ite]
NODE_TYPES: tuple[type, ...] = (Const, Read, Not, And, Or, Eq, Lt, Le, Add, Sub, Ite)

TRUE = Const(BOOL, 1)
FALSE = Const(BOOL, 0)


def children(expr: Expr) -> tuple[Expr, ...]:
    """The direct subexpressions of ``expr``."""
    return expr.children()


def reads(expr: Expr):
    """Every variable read in ``expr`` (outermost first)."""
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Read):
            yield node
        stack.extend(node.children())


# --------------------------------------------------------------------------- constructors


def const_bool(value: bool) -> Const:
    return TRUE if value else FALSE


def not_(arg: Expr) -> Expr:
    if isinstance(arg, Const):
        return const_bool(not arg.value)
    if isinstance(arg, Not):
        return arg.arg
    return Not(arg)


def _flatten(kind: type, absorbing: int, args: tuple[Expr, ...]) -> list[Expr] | Const:
    """The arguments of an ``And`` (absorbing 0) or ``Or`` (absorbing 1), flattened, with
    neutral constants and repeats dropped; the absorbing constant if one is present."""
    flat: list[Expr] = []
    for arg in args:
        if isinstance(arg, Const):
            if arg.value == absorbing:
                return const_bool(bool(absorbing))
            continue
        if isinstance(arg, kind):
            flat.extend(arg.args)
        elif arg not in flat:
            flat.append(arg)
    return flat


def and_(*args: Expr) -> Expr:
    flat = _flatten(And, 0, args)
    if isinstance(flat, Const):
        return flat
    if not flat:
        return TRUE
    return flat[0] if len(flat) == 1 else And(tuple(flat))


def or_(*args: Expr) -> Expr:
    flat = _flatten(Or, 1, args)
    if isinstance(flat, Const):
        return flat
    if not flat:
        return FALSE
    return flat[0] if len(flat) == 1 else Or(tuple(flat))


def implies(left: Expr, right: Expr) -> Expr:
    return or_(not_(left), right)


def eq(left: Expr, right: Expr) -> Expr:
    if isinstance(left, Const) and isinstance(right, Const):
        return const_bool(left.value == right.value)
    if left == right:
        return TRUE
    if isinstance(left, Const) and not isinstance(right, Const):
        left, right = right, left
    return Eq(left, right)


def lt(left: Expr, right: Expr) -> Expr:
    if isinstance(left, Const) and isinstance(right, Const):
        return const_bool(left.value < right.value)
    return Lt(left, right)


def le(left: Expr, right: Expr) -> Expr:
    if isinstance(left, Const) and isinstance(right, Const):
        return const_bool(left.value <= right.value)
    return Le(left, right)


def add(left: Expr, right: Expr, sort: Sort) -> Expr:
    if isinstance(left, Const) and isinstance(right, Const):
        return Const(sort, left.value + right.value)
    return Add(left, right, sort)


def sub(left: Expr, right: Expr, sort: Sort) -> Expr:
    if isinstance(left, Const) and isinstance(right, Const):
        return Const(sort, left.value - right.value)
    return Sub(left, right, sort)


def ite(cond: Expr, then: Expr, else_: Expr) -> Expr:
    if isinstance(cond, Const):
        return then if cond.value else else_
    if then == else_:
        return then
    if then == TRUE and else_ == FALSE:
        return cond
    if then == FALSE and else_ == TRUE:
        return not_(cond)
    return Ite(cond, then, else_, then.sort)
