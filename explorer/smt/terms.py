"""IR sorts and expressions as z3 terms, in the Int or the bit-vector encoding.

``sorts="int"``: enums and bounded integers are z3 Ints (range constraints are the
encoding's business); ``sorts="bv"``: enums are unsigned bit-vectors of
``ceil(log2(size))`` bits, bounded integers signed bit-vectors.  Booleans are z3 Bools in
both.  Terms of different widths are extended to a common width before they are
compared or combined, and every sum or difference is computed in as many bits as its
interval (``explorer.ir.intervals``) needs: a chain of additions widens as it grows, so
no term ever wraps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import z3

from explorer import ir
from explorer.ir import BoolSort, EnumSort, Intervals, IntSort, Model, Sort, Walker


class EncodeError(Exception):
    """An IR construct the encoding cannot translate (a bug in lowering or here)."""


def unsigned_bits(count: int) -> int:
    """Bits of an unsigned bit-vector that holds 0..count-1."""
    return max(1, (max(count, 1) - 1).bit_length())


def signed_bits(lo: int, hi: int) -> int:
    """Bits of a signed bit-vector that holds lo..hi."""
    width = 1
    while not (-(1 << (width - 1)) <= lo and hi <= (1 << (width - 1)) - 1):
        width += 1
    return width


@dataclass(frozen=True)
class Term:
    """A translated expression and, in the bit-vector encoding, whether it is signed."""

    z: z3.ExprRef
    signed: bool = True


class SortEncoding:
    """How the values of each sort are z3 terms (``sorts`` is ``"int"`` or ``"bv"``)."""

    def __init__(self, sorts: str, ctx: z3.Context):
        if sorts not in ("int", "bv"):
            raise ValueError(f"unknown sort encoding {sorts!r}")
        self.sorts = sorts
        self.ctx = ctx

    def z3_sort(self, sort: Sort) -> z3.SortRef:
        if isinstance(sort, BoolSort):
            return z3.BoolSort(self.ctx)
        if self.sorts == "int":
            return z3.IntSort(self.ctx)
        if isinstance(sort, EnumSort):
            return z3.BitVecSort(unsigned_bits(sort.size), self.ctx)
        return z3.BitVecSort(self.int_width(sort), self.ctx)

    @staticmethod
    def int_width(sort: IntSort) -> int:
        span = max(abs(sort.lo), abs(sort.hi))
        return signed_bits(-2 * span - 1, 2 * span + 1)

    def const(self, expr: ir.Const) -> Term:
        sort = expr.sort
        if isinstance(sort, BoolSort):
            return Term(z3.BoolVal(bool(expr.value), self.ctx))
        if self.sorts == "int":
            return Term(z3.IntVal(expr.value, self.ctx))
        if isinstance(sort, EnumSort):
            return Term(z3.BitVecVal(expr.value, unsigned_bits(sort.size), self.ctx), signed=False)
        width = max(self.int_width(sort), signed_bits(expr.value, expr.value))
        return Term(z3.BitVecVal(expr.value, width, self.ctx))

    def value(self, sort: Sort, value: int) -> z3.ExprRef:
        """The z3 value of an IR value of ``sort`` (as stored in a frame constant)."""
        return self.const(ir.Const(sort, value)).z

    def in_range(self, const: z3.ExprRef, sort: Sort) -> z3.BoolRef:
        """``const`` holds a value of ``sort``."""
        if isinstance(sort, BoolSort):
            return z3.BoolVal(True, self.ctx)
        if self.sorts == "int":
            lo, hi = ir.bounds(sort)
            if lo == hi:
                return const == lo
            return z3.And(const >= lo, const <= hi)
        if isinstance(sort, EnumSort):
            width = unsigned_bits(sort.size)
            if sort.size == 1 << width:
                return z3.BoolVal(True, self.ctx)
            return z3.ULT(const, z3.BitVecVal(sort.size, width, self.ctx))
        width = self.int_width(sort)
        return z3.And(
            const >= z3.BitVecVal(sort.lo, width, self.ctx),
            const <= z3.BitVecVal(sort.hi, width, self.ctx),
        )

    def align(self, a: Term, b: Term) -> tuple[Term, Term]:
        """Bit-vectors of a common width (extended by their signedness)."""
        if self.sorts == "int" or not z3.is_bv(a.z):
            return a, b
        wa, wb = a.z.size(), b.z.size()
        signed = a.signed or b.signed
        if wa == wb and a.signed == b.signed:
            return a, b
        # one extra bit when mixing an unsigned with a signed term keeps both exact
        width = max(wa, wb) + (1 if a.signed != b.signed else 0)

        def ext(t: Term) -> Term:
            extra = width - t.z.size()
            if extra == 0:
                return Term(t.z, signed)
            grown = z3.SignExt(extra, t.z) if t.signed else z3.ZeroExt(extra, t.z)
            return Term(grown, signed)

        return ext(a), ext(b)

    def widen(self, term: Term, width: int) -> Term:
        """``term`` in at least ``width`` bits (extended by its signedness)."""
        extra = width - term.z.size()
        if extra <= 0:
            return term
        grown = z3.SignExt(extra, term.z) if term.signed else z3.ZeroExt(extra, term.z)
        return Term(grown, term.signed)

    def eq(self, a: Term, b: Term) -> z3.BoolRef:
        a, b = self.align(a, b)
        return a.z == b.z

    def compare(self, kind: str, a: Term, b: Term) -> z3.BoolRef:
        a, b = self.align(a, b)
        if self.sorts == "bv" and z3.is_bv(a.z) and not a.signed:
            return z3.ULT(a.z, b.z) if kind == "lt" else z3.ULE(a.z, b.z)
        return a.z < b.z if kind == "lt" else a.z <= b.z

    def store(self, term: Term, sort: Sort) -> tuple[z3.ExprRef, z3.BoolRef | None]:
        """``term`` as a value of an element of ``sort``, and the condition (bit-vectors
        only) under which it does not fit."""
        if self.sorts == "int" or isinstance(sort, BoolSort):
            return term.z, None
        width = self.z3_sort(sort).size()
        have = term.z.size()
        if have == width:
            return term.z, None
        if have < width:
            grow = z3.SignExt if term.signed else z3.ZeroExt
            return grow(width - have, term.z), None
        low = z3.Extract(width - 1, 0, term.z)
        back = z3.SignExt(have - width, low) if (term.signed and isinstance(sort, IntSort)) else z3.ZeroExt(have - width, low)
        return low, term.z != back


class Z3Terms(Walker[Term]):
    """IR expressions over one vector of z3 constants (one per element)."""

    memoize = True

    def __init__(self, model: Model, sorts: SortEncoding, state: Sequence[z3.ExprRef]):
        self.model = model
        self.sorts = sorts
        self.state = state
        self.elements = model.elements
        self.intervals = Intervals(model)

    def element(self, var: str, index: int | None) -> Term:
        i = self.model.slot(var, index)
        return Term(self.state[i], signed=not isinstance(self.elements[i].sort, EnumSort))

    def walk_Const(self, node: ir.Const) -> Term:
        return self.sorts.const(node)

    def walk_Read(self, node: ir.Read):
        if node.index is None:
            return self.element(node.var, None)
        if isinstance(node.index, ir.Const):
            return self.element(node.var, node.index.value)
        index_sort = self.model.var(node.var).index
        index = yield node.index
        values = list(index_sort.values())
        out = self.element(node.var, values[-1])
        for value in reversed(values[:-1]):
            hit = self.sorts.eq(index, self.sorts.const(ir.Const(index_sort, value)))
            then, out = self.sorts.align(self.element(node.var, value), out)
            out = Term(z3.If(hit, then.z, out.z), out.signed)
        return out

    def walk_Not(self, node: ir.Not):
        return Term(z3.Not((yield node.arg).z))

    def walk_And(self, node: ir.And):
        args = []
        for arg in node.args:
            args.append((yield arg).z)
        return Term(z3.And(args))

    def walk_Or(self, node: ir.Or):
        args = []
        for arg in node.args:
            args.append((yield arg).z)
        return Term(z3.Or(args))

    def walk_Eq(self, node: ir.Eq):
        return Term(self.sorts.eq((yield node.left), (yield node.right)))

    def walk_Lt(self, node: ir.Lt):
        return Term(self.sorts.compare("lt", (yield node.left), (yield node.right)))

    def walk_Le(self, node: ir.Le):
        return Term(self.sorts.compare("le", (yield node.left), (yield node.right)))

    def _arith(self, node: ir.Add | ir.Sub):
        a, b = self.sorts.align((yield node.left), (yield node.right))
        if self.sorts.sorts == "bv":
            if not a.signed:  # arithmetic on enum values
                a, b = Term(z3.ZeroExt(1, a.z), True), Term(z3.ZeroExt(1, b.z), True)
            known = self.intervals.walk(node)
            # one bit more than the operands when the interval is unknown: exact for one
            # operation, and the interval is known for every read of a model variable
            width = signed_bits(*known) if known is not None else a.z.size() + 1
            a, b = self.sorts.widen(a, width), self.sorts.widen(b, width)
        z = a.z + b.z if isinstance(node, ir.Add) else a.z - b.z
        return Term(z, a.signed)

    def walk_Add(self, node: ir.Add):
        return (yield from self._arith(node))

    def walk_Sub(self, node: ir.Sub):
        return (yield from self._arith(node))

    def walk_Ite(self, node: ir.Ite):
        # then and else before the condition: the order z3 creates terms in is kept
        # from the first encoding, as it steers the solver's choices
        then, else_ = self.sorts.align((yield node.then), (yield node.else_))
        cond = yield node.cond
        return Term(z3.If(cond.z, then.z, else_.z), then.signed)
