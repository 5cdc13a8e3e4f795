"""Partial-order reduction for the compiled search: stubborn sets for safety properties.

At a state ``s`` the search may expand only the enabled actions of a *stubborn set*
``T`` (Valmari; the ample sets of Peled, and Clarke, Grumberg and Peled's *Model
Checking*, ch. 10), chosen here so that a bad state stays reachable in the reduced graph
whenever one is reachable at all:

* D0: ``T`` holds an enabled action whenever ``s`` has one;
* D1: every action dependent on an *enabled* member of ``T`` is in ``T``;
* D2: for a *disabled* member, ``T`` holds a necessary enabling set: every writer of one
  conjunct of its guard that is false in ``s`` (no run enables it without one of them);
* C2: no enabled member can make the property's bad predicate false.  That is all a
  safety property needs of invisibility: a member run in front of a path that reaches
  a bad state reaches a bad state too (making the predicate true is harmless: the state
  it leads to is bad, and reached);
* C3 (the cycle proviso): a state whose reduced successors are not all new (in the
  level being built) is expanded fully.  In breadth-first order that makes every edge out
  of a reduced state go one level down, so every cycle of the reduced graph passes
  through a fully expanded state (the BFS proviso of Bošnački, Leue and Lluch-Lafuente,
  *Partial-order reduction for general state exploring algorithms*, STTT 11(1), 2009).

Dependence is static, from each grounded action's read and write sets (guards
included): two actions are independent when neither writes what the other reads or
writes, or when they can never be enabled together (their guards test one element for
two different constants) and neither guard can fail to evaluate.

Evaluation errors (an index or a value out of range) are found as by the full search:
an enabled member does not fail in ``s`` (the search evaluated it) and then fails
nowhere a run of independent actions leads, since they write nothing it reads; a
disabled member may not have a guard that can fail (it could fail before it is
enabled, which the necessary enabling set does not see).  Visibility is refined per
disjunct of the bad predicate: an action that writes what a disjunct reads is still
invisible to it when a literal of the disjunct is false wherever the action is enabled
(the action's guard tests the same element for another constant): the program counter
of an assertion's task moving away from a step that is not the assertion's.

All of this is the engine's claim; the trust gate re-checks every reduced state under a
dependence and visibility relation of its own (``explorer.trust.ample``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explorer import ir
from explorer.ir import BoolSort, Expr, Model, Property, Walker, bounds, interval


@dataclass(frozen=True)
class Footprint:
    """What one action reads and writes (element slots), the ``element == constant``
    conjuncts of its guard, and whether its guard may fail to evaluate (an index that
    may fall outside its array)."""

    reads: frozenset[int]
    writes: frozenset[int]
    literals: dict[int, int]
    guard_reads: frozenset[int]
    guard_fails: bool


class _Reads(Walker[None]):
    """The elements an expression reads (every entry of an array read at a computed
    index) and whether evaluating it may fail (an index that may fall outside)."""

    def __init__(self, model: Model):
        self.model = model
        self.slots: set[int] = set()
        self.fails = False

    def walk_Const(self, node: ir.Const) -> None:
        return None

    def walk_Read(self, node: ir.Read):
        variable = self.model.var(node.var)
        if node.index is None:
            self.slots.add(self.model.slot(node.var, None))
        elif isinstance(node.index, ir.Const):
            self.slots.add(self.model.slot(node.var, node.index.value))
        else:
            yield node.index
            self.slots.update(self.model.slot(node.var, v) for v in variable.index.values())
            self.fails |= not _inside(self.model, node.index, variable.index)
        return None

    def _all(self, node):
        for child in node.children():
            yield child
        return None

    walk_Not = walk_And = walk_Or = walk_Eq = walk_Lt = walk_Le = walk_Add = walk_Sub = walk_Ite = _all


def _inside(model: Model, expr: Expr, sort) -> bool:
    got, (lo, hi) = interval(model, expr), bounds(sort)
    return got is not None and lo <= got[0] and got[1] <= hi


def _reads(model: Model, *exprs: Expr) -> tuple[set[int], bool]:
    walker = _Reads(model)
    for expr in exprs:
        walker.walk(expr)
    return walker.slots, walker.fails


def literal(model: Model, expr: Expr) -> tuple[int, int] | None:
    """``(slot, value)`` when ``expr`` is ``element == constant`` or a Boolean element."""
    negate = isinstance(expr, ir.Not) and isinstance(expr.arg, ir.Read)
    read = expr.arg if negate else expr
    if isinstance(read, ir.Read) and isinstance(read.sort, BoolSort):
        if read.index is None or isinstance(read.index, ir.Const):
            return model.slot(read.var, None if read.index is None else read.index.value), 0 if negate else 1
        return None
    if negate or not isinstance(expr, ir.Eq):
        return None
    left, right = (expr.right, expr.left) if isinstance(expr.left, ir.Const) else (expr.left, expr.right)
    if isinstance(left, ir.Read) and isinstance(right, ir.Const) and (
            left.index is None or isinstance(left.index, ir.Const)):
        return model.slot(left.var, None if left.index is None else left.index.value), right.value
    return None


def _conjuncts(expr: Expr) -> tuple[Expr, ...]:
    return expr.args if isinstance(expr, ir.And) else (expr,)


def literals(model: Model, expr: Expr) -> dict[int, int]:
    found: dict[int, int] = {}
    for arg in _conjuncts(expr):
        lit = literal(model, arg)
        if lit is not None:
            found.setdefault(*lit)
    return found


def footprint(model: Model, action: ir.Action) -> Footprint:
    guard_reads, fails = _reads(model, action.guard)
    reads, writes = set(guard_reads), set()
    for update in action.updates:
        variable = model.var(update.var)
        got, _ = _reads(model, update.value, *(() if update.index is None else (update.index,)))
        reads |= got
        if update.index is None or isinstance(update.index, ir.Const):
            writes.add(model.slot(update.var, None if update.index is None else update.index.value))
        else:
            writes.update(model.slot(update.var, v) for v in variable.index.values())
    return Footprint(frozenset(reads), frozenset(writes), literals(model, action.guard),
                     frozenset(guard_reads), fails)


def conflicting(a: Footprint, b: Footprint) -> bool:
    """Whether two guards test one element for two different constants."""
    return any(b.literals.get(slot, value) != value for slot, value in a.literals.items())


def dependent(a: Footprint, b: Footprint) -> bool:
    if not (a.writes & (b.reads | b.writes) or b.writes & a.reads):
        return False
    return a.guard_fails or b.guard_fails or not conflicting(a, b)


def invisible(model: Model, prop: Property, act: Footprint) -> bool:
    """Whether the action can never make ``prop``'s bad predicate false: each disjunct
    either reads nothing it writes, or is false wherever the action is enabled (its guard
    tests an element of the disjunct's literals for another constant)."""
    disjuncts = prop.bad.args if isinstance(prop.bad, ir.Or) else (prop.bad,)
    for disjunct in disjuncts:
        read, fails = _reads(model, disjunct)
        if not act.writes & read:
            continue
        if fails:
            return False
        lits = literals(model, disjunct)
        if not any(act.literals.get(slot, value) != value for slot, value in lits.items()):
            return False  # the disjunct may hold where the action is enabled
    return True


def _csr(rows: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    ptr = np.zeros(len(rows) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum([len(r) for r in rows])
    flat = np.array([x for r in rows for x in r] or [0], dtype=np.int64)
    return ptr, flat


@dataclass
class Tables:
    """The analysis as the kernel's arrays (compressed rows), and its scratch space."""

    dep_ptr: np.ndarray
    dep: np.ndarray
    lit_ptr: np.ndarray
    lit_slot: np.ndarray
    lit_val: np.ndarray
    wr_ptr: np.ndarray
    writers: np.ndarray
    gw_ptr: np.ndarray
    guard_writers: np.ndarray
    role: np.ndarray
    """Per action: bit 0 if it is visible (a member only while disabled), bit 1 if its
    guard may fail (a member only while enabled)."""
    member: np.ndarray
    en: np.ndarray
    work: np.ndarray

    def args(self) -> tuple:
        return (self.dep_ptr, self.dep, self.lit_ptr, self.lit_slot, self.lit_val, self.wr_ptr,
                self.writers, self.gw_ptr, self.guard_writers, self.role, self.member, self.en,
                self.work)


def tables(model: Model, prop: Property | None, analyse: bool = True) -> Tables:
    """The stubborn-set tables for ``prop`` (no action may seed a set without one;
    without ``analyse``, tables of the right types that nothing reads)."""
    if not analyse:
        none = [[] for _ in model.actions]
        ptr, flat = _csr(none)
        n = max(1, len(model.actions))
        return Tables(ptr, flat, ptr, flat, flat, ptr, flat, ptr, flat, np.full(n, 3, dtype=np.int64),
                      np.zeros(n, dtype=np.bool_), np.zeros(n, dtype=np.bool_), np.zeros(n, dtype=np.int64))
    prints = [footprint(model, a) for a in model.actions]
    n, elements = len(prints), len(model.elements)
    by_write: list[list[int]] = [[] for _ in range(max(elements, 1))]
    by_read: list[list[int]] = [[] for _ in range(max(elements, 1))]
    for i, f in enumerate(prints):
        for slot in f.writes:
            by_write[slot].append(i)
        for slot in f.reads:
            by_read[slot].append(i)
    deps = [sorted(j for j in _touching(by_write, by_read, f) if j != i and dependent(f, prints[j]))
            for i, f in enumerate(prints)]
    lits = [sorted(f.literals.items()) for f in prints]
    guard_writers = [sorted({w for slot in f.guard_reads for w in by_write[slot]}) for f in prints]
    role = np.array([int(prop is None or not invisible(model, prop, f)) | 2 * f.guard_fails
                     for f in prints] or [3], dtype=np.int64)
    dep_ptr, dep = _csr(deps)
    lit_ptr, lit_slot = _csr([[s for s, _ in row] for row in lits])
    _, lit_val = _csr([[v for _, v in row] for row in lits])
    wr_ptr, writers = _csr(by_write)
    gw_ptr, gw = _csr(guard_writers)
    return Tables(dep_ptr, dep, lit_ptr, lit_slot, lit_val, wr_ptr, writers, gw_ptr, gw, role,
                  np.zeros(max(n, 1), dtype=np.bool_),
                  np.zeros(max(n, 1), dtype=np.bool_), np.zeros(max(n, 1), dtype=np.int64))


def _touching(by_write: list[list[int]], by_read: list[list[int]], f: Footprint) -> set[int]:
    """The actions that write what ``f`` reads or writes, or read what it writes."""
    near = {j for slot in f.reads | f.writes for j in by_write[slot]}
    near.update(j for slot in f.writes for j in by_read[slot])
    return near
