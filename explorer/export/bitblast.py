"""IR expressions as words of AIG literals, with the reference evaluator's errors.

A word is a list of literals, least significant bit first, read as a two's complement
number.  Widths come from the interval analysis (``explorer.ir.intervals``): an addition
is computed one bit wider than its operands and cut to the width its interval needs, which
is exact because the true value lies in that interval.  Every expression also gives an
*error* literal, true where the reference evaluator would raise: an array read at an
index outside its index sort, evaluated only where ``And``/``Or``/``Ite`` would evaluate
it (they short-circuit).
"""

from __future__ import annotations

from typing import Callable

from explorer.export.aig import FALSE, TRUE, Aig
from explorer.ir import expr as ir
from explorer.ir.intervals import Intervals
from explorer.ir.model import Model
from explorer.ir.sorts import bounds
from explorer.ir.walk import Walker

Word = list[int]
Value = tuple[Word, int]
"""A word and its error literal."""


def signed_width(lo: int, hi: int) -> int:
    """Bits of a two's complement word holding every value of ``lo..hi``."""
    width = 1
    while not (-(1 << (width - 1)) <= lo and hi <= (1 << (width - 1)) - 1):
        width += 1
    return width


def constant(value: int, width: int) -> Word:
    return [TRUE if (value >> k) & 1 else FALSE for k in range(width)]


def extend(word: Word, width: int) -> Word:
    if len(word) >= width:
        return word[:width]
    return word + [word[-1] if word else FALSE] * (width - len(word))


class Words:
    """Word-level operations on one graph."""

    def __init__(self, aig: Aig):
        self.aig = aig

    def add(self, a: Word, b: Word, width: int) -> Word:
        n = max(len(a), len(b)) + 1
        a, b = extend(a, n), extend(b, n)
        out, carry = [], FALSE
        for x, y in zip(a, b):
            half = self.aig.xor(x, y)
            out.append(self.aig.xor(half, carry))
            carry = self.aig.or_(self.aig.and_(x, y), self.aig.and_(half, carry))
        return extend(out, width)

    def negate(self, a: Word) -> Word:
        n = len(a) + 1
        inverted = [bit ^ 1 for bit in extend(a, n)]
        return self.add(inverted, constant(1, 2), n)

    def sub(self, a: Word, b: Word, width: int) -> Word:
        return self.add(a, self.negate(b), width)

    def eq(self, a: Word, b: Word) -> int:
        n = max(len(a), len(b))
        a, b = extend(a, n), extend(b, n)
        return self.aig.all(self.aig.xor(x, y) ^ 1 for x, y in zip(a, b))

    def lt(self, a: Word, b: Word) -> int:
        n = max(len(a), len(b)) + 1
        return self.sub(extend(a, n), extend(b, n), n)[-1]

    def mux(self, s: int, a: Word, b: Word) -> Word:
        n = max(len(a), len(b))
        a, b = extend(a, n), extend(b, n)
        return [self.aig.mux(s, x, y) for x, y in zip(a, b)]

    def equals_constant(self, a: Word, value: int) -> int:
        return self.eq(a, constant(value, max(len(a), signed_width(value, value))))


class Blaster(Walker[Value]):
    """IR to words over the elements' words (``element(slot)``, as signed words)."""

    memoize = True

    def __init__(self, model: Model, words: Words, element: Callable[[int], Word]):
        self.model = model
        self.w = words
        self.aig = words.aig
        self.element = element
        self.intervals = Intervals(model)

    def width(self, node: ir.Expr) -> int:
        span = self.intervals.walk(node)
        if span is None:
            raise ValueError(f"no bounds for {node!r}")
        return signed_width(*span)

    def walk_Const(self, node: ir.Const) -> Value:
        return constant(node.value, signed_width(node.value, node.value)), FALSE

    def walk_Read(self, node: ir.Read):
        variable = self.model.var(node.var)
        if node.index is None:
            return self.element(self.model.slot(node.var, None)), FALSE
        index, err = yield node.index
        if isinstance(node.index, ir.Const):
            if node.index.value not in variable.index.values():
                return constant(0, 1), TRUE
            return self.element(self.model.slot(node.var, node.index.value)), err
        out: Word = constant(0, 1)
        hits = []
        for value in variable.index.values():
            hit = self.w.equals_constant(index, value)
            hits.append(hit)
            out = self.w.mux(hit, self.element(self.model.slot(node.var, value)), out)
        return out, self.aig.or_(err, self.aig.any(hits) ^ 1)

    def walk_Not(self, node: ir.Not):
        (value, err) = yield node.arg
        return [self.truth(value) ^ 1], err

    def truth(self, word: Word) -> int:
        return self.aig.any(word)

    def walk_And(self, node: ir.And):
        so_far, err = TRUE, FALSE
        for arg in node.args:
            value, e = yield arg
            err = self.aig.or_(err, self.aig.and_(so_far, e))
            so_far = self.aig.and_(so_far, self.truth(value))
        return [so_far, FALSE], err

    def walk_Or(self, node: ir.Or):
        so_far, err = FALSE, FALSE
        for arg in node.args:
            value, e = yield arg
            err = self.aig.or_(err, self.aig.and_(so_far ^ 1, e))
            so_far = self.aig.or_(so_far, self.truth(value))
        return [so_far, FALSE], err

    def walk_Eq(self, node: ir.Eq):
        (a, ea), (b, eb) = (yield node.left), (yield node.right)
        return [self.w.eq(a, b), FALSE], self.aig.or_(ea, eb)

    def walk_Lt(self, node: ir.Lt):
        (a, ea), (b, eb) = (yield node.left), (yield node.right)
        return [self.w.lt(a, b), FALSE], self.aig.or_(ea, eb)

    def walk_Le(self, node: ir.Le):
        (a, ea), (b, eb) = (yield node.left), (yield node.right)
        return [self.w.lt(b, a) ^ 1, FALSE], self.aig.or_(ea, eb)

    def walk_Add(self, node: ir.Add):
        (a, ea), (b, eb) = (yield node.left), (yield node.right)
        return self.w.add(a, b, self.width(node)), self.aig.or_(ea, eb)

    def walk_Sub(self, node: ir.Sub):
        (a, ea), (b, eb) = (yield node.left), (yield node.right)
        return self.w.sub(a, b, self.width(node)), self.aig.or_(ea, eb)

    def walk_Ite(self, node: ir.Ite):
        cond, ec = yield node.cond
        then, et = yield node.then
        else_, ee = yield node.else_
        c = self.truth(cond)
        err = self.aig.or_(ec, self.aig.or_(self.aig.and_(c, et), self.aig.and_(c ^ 1, ee)))
        return self.w.mux(c, then, else_), err


def in_sort(words: Words, word: Word, lo: int, hi: int) -> int:
    """Whether ``word`` lies in ``lo..hi``."""
    n = max(len(word), signed_width(lo, hi))
    below = words.lt(extend(word, n), constant(lo, n))
    above = words.lt(constant(hi, n + 1), extend(word, n + 1))
    return words.aig.and_(below ^ 1, above ^ 1)


def element_bounds(model: Model, slot: int) -> tuple[int, int]:
    return bounds(model.elements[slot].sort)
