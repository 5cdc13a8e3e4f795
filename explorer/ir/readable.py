"""The readable form of an invariant: IR plus two forms that people read better.

* ``In(read, values)``: the element takes one of ``values`` (``vcpu.pc in {a, b}``);
* ``Implies(premise, body)``: ``a && b ==> c && d``.

An invariant is shown as a list of readable conjuncts, and what the trust gate checks is
``to_ir`` of exactly those conjuncts, so the text a reviewer reads is the formula that
was proved.  Readable forms are never handed to an engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from explorer.ir import expr as ir
from explorer.ir.model import Model
from explorer.ir.sorts import BOOL, BoolSort, IntSort, Sort
from explorer.ir.walk import Walker


@dataclass(frozen=True)
class In:
    """``read in {values}``."""

    read: ir.Read
    values: tuple[int, ...]
    sort: Sort = BOOL

    def children(self) -> tuple[ir.Expr, ...]:
        return (self.read,)


@dataclass(frozen=True)
class Implies:
    """``premise[0] && ... ==> body[0] && ...``."""

    premise: tuple["Readable", ...]
    body: tuple["Readable", ...]
    sort: Sort = BOOL

    def children(self) -> tuple["Readable", ...]:
        return self.premise + self.body


Readable = Union[ir.Expr, In, Implies]


@dataclass(frozen=True)
class Clause:
    """``premise ==> body`` over single elements: each literal ``(element, values)`` says
    that the element takes one of ``values``; an empty premise is ``true``.  The form of
    the invariants houdini infers."""

    premise: tuple[tuple[int, frozenset[int]], ...]
    body: tuple[tuple[int, frozenset[int]], ...]


def element_read(model: Model, slot: int) -> ir.Read:
    """The IR read of element ``slot``."""
    element = model.elements[slot]
    if element.index is None:
        return ir.Read(element.var, None, element.sort)
    return ir.Read(element.var, ir.Const(model.var(element.var).index, element.index),
                   element.sort)


def atom(model: Model, slot: int, allowed: frozenset[int]) -> Readable:
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


class _ToIR(Walker[ir.Expr]):
    """A readable formula in the plain IR (``In`` as a disjunction of equalities)."""

    extra_nodes = (In, Implies)

    def walk_In(self, node: In) -> ir.Expr:
        return ir.or_(*(ir.eq(node.read, ir.Const(node.read.sort, v)) for v in node.values))

    def walk_Implies(self, node: Implies):
        premise = []
        for p in node.premise:
            premise.append((yield p))
        body = []
        for b in node.body:
            body.append((yield b))
        return ir.implies(ir.and_(*premise), ir.and_(*body))

    def _keep(self, node):
        return node

    walk_Const = walk_Read = walk_Lt = walk_Le = walk_Add = walk_Sub = _keep

    def walk_Not(self, node: ir.Not):
        return ir.Not((yield node.arg))

    def walk_And(self, node: ir.And):
        args = []
        for arg in node.args:
            args.append((yield arg))
        return ir.And(tuple(args))

    def walk_Or(self, node: ir.Or):
        args = []
        for arg in node.args:
            args.append((yield arg))
        return ir.Or(tuple(args))

    def walk_Eq(self, node: ir.Eq):
        return ir.Eq((yield node.left), (yield node.right))

    def walk_Ite(self, node: ir.Ite):
        cond, then, else_ = (yield node.cond), (yield node.then), (yield node.else_)
        return ir.Ite(cond, then, else_, node.sort)


def to_ir(readable: Readable) -> ir.Expr:
    """``readable`` in the plain IR."""
    return _ToIR().walk(readable)


def clause_conjuncts(model: Model, clauses: tuple[Clause, ...]) -> tuple[Readable, ...]:
    """Clauses as readable conjuncts: an implication per clause, or, for a clause without
    premise, one conjunct per literal of its body."""
    out: list[Readable] = []
    for clause in clauses:
        body = tuple(atom(model, slot, values) for slot, values in clause.body)
        if not clause.premise:
            out.extend(body)
        else:
            premise = tuple(atom(model, slot, values) for slot, values in clause.premise)
            out.append(Implies(premise, body))
    return tuple(out)


def conjunction(conjuncts: tuple[Readable, ...]) -> ir.Expr:
    """The plain-IR conjunction of readable conjuncts (what the trust gate checks)."""
    return ir.and_(*(to_ir(c) for c in conjuncts))


def conjuncts(readable: Readable) -> list[Readable]:
    """The top-level conjuncts of ``readable`` (itself if it is no conjunction)."""
    return list(readable.args) if isinstance(readable, ir.And) else [readable]
