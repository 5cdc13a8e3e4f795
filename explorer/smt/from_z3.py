"""z3 -> IR: the formulas Spacer answers with, back in the model's own terms.

Handles the Int encoding's Boolean structure and linear arithmetic (what Spacer prints
in invariants): ``and or not => xor ite = distinct < <= > >= + - *`` with numeric
coefficients; anything else raises ``EncodeError``.  Sums are rearranged so that both
sides of a comparison have positive terms (``x + y <= 3``, not ``0 <= 3 - x - y``), which
keeps a printed invariant in the spec's own idiom.
"""

from __future__ import annotations

from typing import Sequence

import z3

from explorer import ir
from explorer.ir import EnumSort, Expr, IntSort, Model
from explorer.ir.readable import element_read
from explorer.smt.terms import EncodeError

_INT = IntSort(-(1 << 30), 1 << 30)
"""The sort given to arithmetic that leaves every element's sort (sums in invariants)."""


class FromZ3:
    """z3 formulas over one frame's constants back as IR expressions."""

    def __init__(self, model: Model, state: Sequence[z3.ExprRef]):
        self.model = model
        self.index = {c.get_id(): i for i, c in enumerate(state)}
        self.memo: dict[int, Expr] = {}

    def convert(self, f: z3.ExprRef) -> Expr:
        key = f.get_id()
        if key not in self.memo:
            self.memo[key] = self._bool(f) if z3.is_bool(f) else self._cmp_free(f)
        return self.memo[key]

    def _cmp_free(self, f: z3.ExprRef) -> Expr:
        # a non-Boolean term outside a comparison: only a constant, an element or an ite
        if f.get_id() in self.index:
            return element_read(self.model, self.index[f.get_id()])
        if z3.is_int_value(f):
            v = f.as_long()
            return ir.Const(IntSort(v, v), v)
        if z3.is_app_of(f, z3.Z3_OP_ITE):
            return ir.ite(self.convert(f.arg(0)), self.convert(f.arg(1)), self.convert(f.arg(2)))
        linear = self._linear(f)
        return self._sum(linear)

    def _bool(self, f: z3.ExprRef) -> Expr:
        if z3.is_true(f):
            return ir.TRUE
        if z3.is_false(f):
            return ir.FALSE
        if f.get_id() in self.index:
            return element_read(self.model, self.index[f.get_id()])
        kind = f.decl().kind() if z3.is_app(f) else None
        args = [f.arg(i) for i in range(f.num_args())] if z3.is_app(f) else []
        if kind == z3.Z3_OP_AND:
            return ir.and_(*(self.convert(a) for a in args))
        if kind == z3.Z3_OP_OR:
            return ir.or_(*(self.convert(a) for a in args))
        if kind == z3.Z3_OP_NOT:
            return ir.not_(self.convert(args[0]))
        if kind == z3.Z3_OP_IMPLIES:
            return ir.implies(self.convert(args[0]), self.convert(args[1]))
        if kind == z3.Z3_OP_XOR:
            return ir.not_(ir.eq(self.convert(args[0]), self.convert(args[1])))
        if kind == z3.Z3_OP_ITE:
            return ir.ite(self.convert(args[0]), self.convert(args[1]), self.convert(args[2]))
        if kind == z3.Z3_OP_DISTINCT:
            pairs = [
                ir.not_(self._relation("eq", args[i], args[j]))
                for i in range(len(args))
                for j in range(i + 1, len(args))
            ]
            return ir.and_(*pairs)
        if kind == z3.Z3_OP_EQ:
            if z3.is_bool(args[0]):
                return ir.eq(self.convert(args[0]), self.convert(args[1]))
            return self._relation("eq", args[0], args[1])
        if kind in (z3.Z3_OP_LE, z3.Z3_OP_LT):
            return self._relation("le" if kind == z3.Z3_OP_LE else "lt", args[0], args[1])
        if kind in (z3.Z3_OP_GE, z3.Z3_OP_GT):
            return self._relation("le" if kind == z3.Z3_OP_GE else "lt", args[1], args[0])
        raise EncodeError(f"cannot turn {f.sexpr()} into the IR")

    def _linear(self, f: z3.ExprRef) -> dict[int | None, int]:
        """``f`` as {element index: coefficient, None: constant}."""
        if f.get_id() in self.index:
            return {self.index[f.get_id()]: 1}
        if z3.is_int_value(f):
            return {None: f.as_long()}
        kind = f.decl().kind() if z3.is_app(f) else None
        args = [f.arg(i) for i in range(f.num_args())] if z3.is_app(f) else []
        if kind == z3.Z3_OP_ADD:
            out: dict[int | None, int] = {}
            for a in args:
                for key, c in self._linear(a).items():
                    out[key] = out.get(key, 0) + c
            return out
        if kind == z3.Z3_OP_SUB:
            out = dict(self._linear(args[0]))
            for a in args[1:]:
                for key, c in self._linear(a).items():
                    out[key] = out.get(key, 0) - c
            return out
        if kind == z3.Z3_OP_UMINUS:
            return {key: -c for key, c in self._linear(args[0]).items()}
        if kind == z3.Z3_OP_MUL:
            factor, rest = 1, None
            for a in args:
                if z3.is_int_value(a):
                    factor *= a.as_long()
                elif rest is None:
                    rest = a
                else:
                    raise EncodeError(f"non-linear term {f.sexpr()}")
            inner = self._linear(rest) if rest is not None else {None: 1}
            return {key: factor * c for key, c in inner.items()}
        raise EncodeError(f"cannot turn {f.sexpr()} into the IR")

    def _sum(self, linear: dict[int | None, int]) -> Expr:
        """A sum of elements with positive coefficients (plus a constant) as an IR Expr."""
        terms: list[Expr] = []
        for key in sorted(k for k in linear if k is not None):
            c = linear[key]
            if c < 0:
                raise EncodeError("negative coefficient in a sum")
            terms += [element_read(self.model, key)] * c
        const = linear.get(None, 0)
        if const < 0:
            raise EncodeError("negative constant in a sum")
        if not terms:
            return ir.Const(IntSort(const, const), const)
        out = terms[0]
        for t in terms[1:]:
            out = ir.Add(out, t, _INT)
        if const:
            out = ir.Add(out, ir.Const(IntSort(const, const), const), _INT)
        return out

    def _relation(self, kind: str, left: z3.ExprRef, right: z3.ExprRef) -> Expr:
        """``left <kind> right`` rearranged so that both sides have positive terms."""
        if kind == "eq" and not (z3.is_int(left) or z3.is_int(right)):
            return ir.eq(self.convert(left), self.convert(right))
        lin = dict(self._linear_or_ite(left))
        for key, c in self._linear_or_ite(right).items():
            lin[key] = lin.get(key, 0) - c
        # lin (kind) 0  ->  positive part (kind) negative part
        lhs = {k: c for k, c in lin.items() if c > 0 and k is not None}
        rhs = {k: -c for k, c in lin.items() if c < 0 and k is not None}
        const = lin.get(None, 0)
        if const > 0:
            lhs[None] = const
        elif const < 0:
            rhs[None] = -const
        if not lhs and not rhs:
            value = {"eq": 0 == 0, "le": 0 <= 0, "lt": 0 < 0}[kind]
            return ir.const_bool(value)
        # keep the element on the left: ``x <= 2`` rather than ``0 <= 2 - x`` forms
        if not [k for k in lhs if k is not None] and [k for k in rhs if k is not None]:
            if kind == "eq":
                lhs, rhs = rhs, lhs
            else:
                # c (<|<=) sum  ->  !(sum (<=|<) c)
                flipped = "lt" if kind == "le" else "le"
                return ir.not_(self._build(flipped, rhs, lhs))
        return self._build(kind, lhs, rhs)

    def _build(self, kind: str, lhs: dict, rhs: dict) -> Expr:
        left, right = self._sum(lhs), self._sum(rhs)
        left = self._typed(left, right)
        right = self._typed(right, left)
        return {"eq": ir.eq, "le": ir.le, "lt": ir.lt}[kind](left, right)

    @staticmethod
    def _typed(term: Expr, other: Expr) -> Expr:
        """A constant compared with an element takes the element's sort (enum names)."""
        if isinstance(term, ir.Const) and isinstance(other, ir.Read):
            sort = other.sort
            if isinstance(sort, EnumSort) and 0 <= term.value < sort.size:
                return ir.Const(sort, term.value)
            if isinstance(sort, IntSort) and sort.lo <= term.value <= sort.hi:
                return ir.Const(sort, term.value)
        return term

    def _linear_or_ite(self, f: z3.ExprRef) -> dict:
        try:
            return self._linear(f)
        except EncodeError:
            if z3.is_app_of(f, z3.Z3_OP_ITE):
                raise EncodeError(f"cannot compare an ite in {f.sexpr()}")
            raise
