"""Expressions compiled to closures over packed states (the fast path's evaluator).

``ExprClosures(model, layout).walk(e)`` is a function ``s -> value`` that computes
``evaluate(model, e, layout.unpack(s))`` from the packed int ``s``, without unpacking: a
read is a shift and a mask, an ``element == constant`` test (and a bare Boolean read) a
single ``s & M == V``, and the ``element == constant`` conjuncts of a conjunction one mask
test before the other conjuncts.  No source code is generated.

It agrees with the reference evaluator on every state where the reference raises no
error; where the reference raises, so does the closure, except that a conjunction may
answer False when one of its cheap mask-tested conjuncts fails before an erroneous
conjunct is reached.
"""

from __future__ import annotations

from typing import Callable, Sequence

from explorer import ir
from explorer.ir import BoolSort, Const, Eq, Expr, IntSort, Model, Not, Read, Walker
from explorer.semantics.layout import Layout
from explorer.semantics.reference import EvaluationError, index_sort, slot as slot_of

Fn = Callable[[int], int]


def raiser(message: str) -> Fn:
    """A closure that raises ``EvaluationError(message)`` when called."""
    def fail(s: int) -> int:
        raise EvaluationError(message)

    return fail


class ExprClosures(Walker[Fn]):
    memoize = True

    def __init__(self, model: Model, layout: Layout):
        self.model = model
        self.layout = layout

    # ----------------------------------------------------------------- literals

    def static_slot(self, read: Read) -> int | None | str:
        """The element a read names if its index is static; an error text if it is a
        constant out of range; None if the index is dynamic."""
        if read.index is None:
            try:
                return self.model.slot(read.var, None)
            except KeyError:
                return f"no element {read.var}"
        if isinstance(read.index, Const):
            try:
                return slot_of(self.model, read.var, read.index.value)
            except EvaluationError as error:
                return str(error)
        return None

    def literal(self, expr: Expr) -> tuple[int, int] | None | bool:
        """``(element, value)`` if ``expr`` is ``element == value``; False if it can never
        hold (value out of the element's sort); None if it is not such a literal."""
        negate = False
        if isinstance(expr, Not) and isinstance(expr.arg, Read):
            expr, negate = expr.arg, True
        if isinstance(expr, Read):
            if not isinstance(expr.sort, BoolSort):
                return None
            slot = self.static_slot(expr)
            if not isinstance(slot, int) or not isinstance(self.model.elements[slot].sort, BoolSort):
                return None
            return slot, 0 if negate else 1
        if negate or not isinstance(expr, Eq):
            return None
        left, right = expr.left, expr.right
        if isinstance(left, Const):
            left, right = right, left
        if not (isinstance(left, Read) and isinstance(right, Const)):
            return None
        slot = self.static_slot(left)
        if not isinstance(slot, int):
            return None
        if not self.layout.lo[slot] <= right.value <= self.layout.hi[slot]:
            return False
        return slot, right.value

    def split(self, args: Sequence[Expr]) -> tuple[dict[int, int] | None, list[Expr]]:
        """The literals of a conjunction (element -> value; None if two contradict or one
        can never hold) and its other conjuncts, in order."""
        lits: dict[int, int] | None = {}
        rest: list[Expr] = []
        for arg in args:
            lit = self.literal(arg)
            if lit is None:
                rest.append(arg)
            elif lit is False or lits is None or lits.get(lit[0], lit[1]) != lit[1]:
                lits = None
            else:
                lits[lit[0]] = lit[1]
        return lits, rest

    def _mask_test(self, lit: tuple[int, int]) -> Fn:
        mask, bits = self.layout.lit_bits(*lit)
        return lambda s: s & mask == bits

    # ----------------------------------------------------------------- nodes

    def walk_Const(self, node: ir.Const) -> Fn:
        value = node.value
        return lambda s: value

    def walk_Read(self, node: ir.Read):
        slot = self.static_slot(node)
        if isinstance(slot, str):
            return raiser(slot)
        layout = self.layout
        if slot is not None:
            off, m, lo = layout.offset[slot], layout.fmask[slot], layout.lo[slot]
            if lo == 0:
                if off == 0:
                    return lambda s: s & m
                return lambda s: (s >> off) & m
            return lambda s: ((s >> off) & m) + lo
        sort = index_sort(self.model, node.var)
        ilo = sort.lo if isinstance(sort, IntSort) else 0
        n = sort.size
        slots = [self.model.slot(node.var, v) for v in sort.values()]
        offs = tuple(layout.offset[i] for i in slots)
        m, lo = layout.fmask[slots[0]], layout.lo[slots[0]]
        index = yield node.index
        name = node.var

        def dyn(s: int) -> int:
            i = index(s) - ilo
            if not 0 <= i < n:
                raise EvaluationError(f"index {i + ilo} out of range for {name}")
            return ((s >> offs[i]) & m) + lo

        return dyn

    def walk_Not(self, node: ir.Not):
        lit = self.literal(node)
        if lit is not None and lit is not False:
            return self._mask_test(lit)
        f = yield node.arg
        return lambda s: not f(s)

    def walk_And(self, node: ir.And):
        return (yield from self.conjunction(node.args))

    def walk_Or(self, node: ir.Or):
        lits = [self.literal(a) for a in node.args]
        slots = {lit[0] for lit in lits if isinstance(lit, tuple)}
        if len(slots) == 1 and all(lit is False or isinstance(lit, tuple) for lit in lits):
            # ``pc == L1 || pc == L2 || ...``: one membership test
            (slot,) = slots
            layout = self.layout
            off, m, lo = layout.offset[slot], layout.fmask[slot], layout.lo[slot]
            members = frozenset(lit[1] - lo for lit in lits if isinstance(lit, tuple))
            return lambda s: ((s >> off) & m) in members
        fns = []
        for arg in node.args:
            fns.append((yield arg))
        if len(fns) == 2:
            f, g = fns
            return lambda s: 1 if f(s) or g(s) else 0
        fns_t = tuple(fns)

        def disj(s: int) -> int:
            for f in fns_t:
                if f(s):
                    return 1
            return 0

        return disj

    def walk_Eq(self, node: ir.Eq):
        lit = self.literal(node)
        if lit is False:
            return lambda s: False
        if lit is not None:
            return self._mask_test(lit)
        return (yield from self._compare(node, "eq"))

    def walk_Lt(self, node: ir.Lt):
        return (yield from self._compare(node, "lt"))

    def walk_Le(self, node: ir.Le):
        return (yield from self._compare(node, "le"))

    def walk_Add(self, node: ir.Add):
        f, g = (yield node.left), (yield node.right)
        if isinstance(node.right, Const):
            k = node.right.value
            return lambda s: f(s) + k
        return lambda s: f(s) + g(s)

    def walk_Sub(self, node: ir.Sub):
        f, g = (yield node.left), (yield node.right)
        if isinstance(node.right, Const):
            k = node.right.value
            return lambda s: f(s) - k
        return lambda s: f(s) - g(s)

    def walk_Ite(self, node: ir.Ite):
        c, t, e = (yield node.cond), (yield node.then), (yield node.else_)
        return lambda s: t(s) if c(s) else e(s)

    def _compare(self, node: ir.Eq | ir.Lt | ir.Le, op: str):
        f, g = (yield node.left), (yield node.right)
        if isinstance(node.right, Const):
            k = node.right.value
            if op == "eq":
                return lambda s: f(s) == k
            if op == "lt":
                return lambda s: f(s) < k
            return lambda s: f(s) <= k
        if isinstance(node.left, Const):
            k = node.left.value
            if op == "eq":
                return lambda s: k == g(s)
            if op == "lt":
                return lambda s: k < g(s)
            return lambda s: k <= g(s)
        if op == "eq":
            return lambda s: f(s) == g(s)
        if op == "lt":
            return lambda s: f(s) < g(s)
        return lambda s: f(s) <= g(s)

    def conjunction(self, args: Sequence[Expr]):
        """A conjunction: one mask test for its literals, then its other conjuncts."""
        lits, rest = self.split(args)
        if lits is None:
            return lambda s: False
        mask, bits = self.layout.mask_of(lits)
        fns = []
        for arg in rest:
            fns.append((yield arg))
        if not fns:
            if not mask:
                return lambda s: True
            return lambda s: s & mask == bits
        if len(fns) == 1:
            (f,) = fns
            if not mask:
                return lambda s: bool(f(s))
            return lambda s: s & mask == bits and bool(f(s))
        if len(fns) == 2:
            f, g = fns
            if not mask:
                return lambda s: bool(f(s) and g(s))
            return lambda s: s & mask == bits and bool(f(s) and g(s))
        fns_t = tuple(fns)

        def conj(s: int) -> bool:
            if s & mask != bits:
                return False
            for f in fns_t:
                if not f(s):
                    return False
            return True

        return conj

    def predicate(self, expr: Expr) -> Callable[[int], bool]:
        """A closure telling whether ``expr`` holds in a packed state."""
        f = self.walk(expr)
        if isinstance(expr, ir.And):
            return f
        return lambda s: bool(f(s))
