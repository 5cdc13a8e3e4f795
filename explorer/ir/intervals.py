"""Interval analysis: sound bounds of every expression's value.

On states whose elements hold values of their sorts, ``Intervals(model).walk(e)`` is a
pair ``(lo, hi)`` with ``lo <= value(e) <= hi``.  A read is bounded by its variable's
declared sort (not by the sort the read claims), a Boolean by 0..1, and arithmetic by
interval arithmetic, so a chain of additions widens as it grows: this is what the
bit-vector encoding sizes its terms by, and what the compiled semantics uses to skip a
range check that cannot fail.  ``None`` means unknown (a read of a variable the model
does not have).
"""

from __future__ import annotations

from typing import Callable

from explorer.ir import expr as ir
from explorer.ir.model import Model
from explorer.ir.sorts import Sort, bounds
from explorer.ir.walk import Walker

Interval = tuple[int, int] | None


def _join(a: Interval, b: Interval) -> Interval:
    if a is None or b is None:
        return None
    return min(a[0], b[0]), max(a[1], b[1])


class Intervals(Walker[Interval]):
    """Bounds of expressions over the variables of ``model`` (or, while a model is being
    built, of ``sort_of(variable name)``, which raises ``KeyError`` for an unknown name)."""

    memoize = True

    def __init__(self, model: Model | None = None, sort_of: Callable[[str], Sort] | None = None):
        self.sort_of = sort_of or (lambda name: model.var(name).sort)

    def walk_Const(self, node: ir.Const) -> Interval:
        return node.value, node.value

    def walk_Read(self, node: ir.Read) -> Interval:
        try:
            return bounds(self.sort_of(node.var))
        except KeyError:
            return None

    def _bool(self, node) -> Interval:
        return 0, 1

    walk_Not = walk_And = walk_Or = walk_Eq = walk_Lt = walk_Le = _bool

    def walk_Add(self, node: ir.Add):
        left, right = (yield node.left), (yield node.right)
        if left is None or right is None:
            return None
        return left[0] + right[0], left[1] + right[1]

    def walk_Sub(self, node: ir.Sub):
        left, right = (yield node.left), (yield node.right)
        if left is None or right is None:
            return None
        return left[0] - right[1], left[1] - right[0]

    def walk_Ite(self, node: ir.Ite):
        return _join((yield node.then), (yield node.else_))


def interval(model: Model, expr: ir.Expr) -> Interval:
    """Sound bounds of ``expr``'s value (see the module docstring)."""
    return Intervals(model).walk(expr)
