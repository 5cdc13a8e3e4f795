"""Re-checking an exhaustive search at the speed of the search: vectorised over all states.

The states an explicit search found are an inductive invariant of the strongest kind:
they contain every initial state, they are closed under the transition relation, and
none is bad.  Here all three are re-checked by a third implementation of the semantics,
written separately from the two the engines use (the reference evaluator and the
compiled machine): every IR expression is evaluated on *all* states at once, one numpy
column per element, with the reference's rules (``And``/``Or``/``Ite`` short-circuit, so an
index out of range is an error only where the reference would evaluate it).

Independent of the engine: the states are only *read* in the certificate's packing (each
field checked to lie in its element's sort); the gate computes successors itself and
compares them through an encoding of its own (the rows of element values as bytes).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from explorer import ir, semantics
from explorer.ir import BoolSort, Expr, Model, Property, Walker, bounds
from explorer.ir.symmetry import automorphism
from explorer.semantics.program import WordLayout
from explorer.trust.ample import AmpleCheck

class RecheckTimeout(Exception):
    """The re-check did not finish before its deadline."""


Column = tuple[np.ndarray, np.ndarray]
"""Values of an expression on every row, and where evaluating it is an error."""


class _Rows:
    """The rows an expression is evaluated on, and the columns computed for them so far
    (a subexpression shared in the IR is evaluated once per set of rows)."""

    def __init__(self, values: np.ndarray):
        self.values = values
        self.count = values.shape[0]
        self.none = np.zeros(self.count, dtype=bool)
        self.everywhere = np.arange(self.count)
        self.done: dict[int, Column] = {}


Evaluator = Callable[[_Rows], Column]


class _Compile(Walker[Evaluator]):
    """Each IR expression, once, into a function of the rows: walking the IR again for
    every action on every chunk cost more than the arithmetic itself."""

    memoize = True

    def __init__(self, model: Model):
        self.model = model

    @staticmethod
    def _shared(evaluate: Evaluator) -> Evaluator:
        key = id(evaluate)

        def once(rows: _Rows) -> Column:
            column = rows.done.get(key)
            if column is None:
                column = rows.done[key] = evaluate(rows)
            return column
        return once

    def walk_Const(self, node: ir.Const) -> Evaluator:
        value = node.value
        return lambda rows: (np.full(rows.count, value, dtype=np.int64), rows.none)

    def walk_Read(self, node: ir.Read):
        variable = self.model.var(node.var)
        if node.index is None:
            slot = self.model.slot(node.var, None)
            return lambda rows: (rows.values[:, slot], rows.none)
        index = yield node.index
        lo = bounds(variable.index)[0]
        slots = np.array([self.model.slot(node.var, v) for v in variable.index.values()], dtype=np.int64)

        def read(rows: _Rows) -> Column:
            position, err = index(rows)
            position = position - lo
            outside = (position < 0) | (position >= len(slots))
            picked = slots[np.clip(position, 0, len(slots) - 1)]
            return rows.values[rows.everywhere, picked], err | outside
        return self._shared(read)

    def walk_Not(self, node: ir.Not):
        arg = yield node.arg

        def negate(rows: _Rows) -> Column:
            value, err = arg(rows)
            return (value == 0).astype(np.int64), err
        return negate

    def _connective(self, node, conjunction: bool):
        args = []
        for arg in node.args:
            args.append((yield arg))

        def evaluate(rows: _Rows) -> Column:
            value = np.full(rows.count, conjunction, dtype=bool)
            err = rows.none
            for arg in args:
                v, e = arg(rows)
                # an argument is evaluated only where the earlier ones left the result open
                err = err | ((value if conjunction else ~value) & e)
                value = (value & (v != 0)) if conjunction else (value | (v != 0))
            return value.astype(np.int64), err
        return self._shared(evaluate)

    def walk_And(self, node: ir.And):
        return (yield from self._connective(node, True))

    def walk_Or(self, node: ir.Or):
        return (yield from self._connective(node, False))

    def _binary(self, node, op):
        left, right = (yield node.left), (yield node.right)

        def evaluate(rows: _Rows) -> Column:
            (a, ea), (b, eb) = left(rows), right(rows)
            return op(a, b).astype(np.int64), ea | eb
        return self._shared(evaluate)

    def walk_Eq(self, node: ir.Eq):
        return (yield from self._binary(node, np.equal))

    def walk_Lt(self, node: ir.Lt):
        return (yield from self._binary(node, np.less))

    def walk_Le(self, node: ir.Le):
        return (yield from self._binary(node, np.less_equal))

    def walk_Add(self, node: ir.Add):
        return (yield from self._binary(node, np.add))

    def walk_Sub(self, node: ir.Sub):
        return (yield from self._binary(node, np.subtract))

    def walk_Ite(self, node: ir.Ite):
        cond, then, else_ = (yield node.cond), (yield node.then), (yield node.else_)

        def evaluate(rows: _Rows) -> Column:
            (c, ec), (t, et), (e, ee) = cond(rows), then(rows), else_(rows)
            taken = c != 0
            return np.where(taken, t, e), ec | (taken & et) | (~taken & ee)
        return self._shared(evaluate)


CHUNK = 1 << 16
"""States re-checked at a time: the columns of one chunk stay small whatever the count."""


class _Packing:
    """The certificate's packing, checked to be a bijection between the states (element
    values inside their sorts) and the words it stores: fields disjoint, each wide enough
    for its sort and read back inside it.  Membership of a successor is then decided by
    packing it here and looking it up among the sorted stored words."""

    def __init__(self, model: Model, words: np.ndarray, indexed: bool = False):
        layout = WordLayout(model)
        self.model, self.layout = model, layout
        fields = sorted((layout.word[i], layout.off[i], layout.width[i]) for i in range(len(model.elements)))
        for (w1, o1, n1), (w2, o2, n2) in zip(fields, fields[1:]):
            if w1 == w2 and o1 + n1 > o2:
                raise ValueError("the certificate's packing has overlapping fields")
        for i, element in enumerate(model.elements):
            lo, hi = bounds(element.sort)
            if layout.lo[i] != lo or layout.off[i] + layout.width[i] > 64 or (hi - lo) >> layout.width[i]:
                raise ValueError(f"the certificate's packing cannot hold every value of {element.name}")
        if words.ndim != 2 or words.shape[1] != layout.words:
            raise ValueError("the certificate's states are not rows of the model's packing")
        count = len(model.elements)
        self.word = np.array(layout.word[:count], dtype=np.int64)
        self.off = np.array(layout.off[:count], dtype=np.uint64)
        self.mask = np.array([(1 << layout.width[i]) - 1 for i in range(count)], dtype=np.uint64)
        self.lo = np.array(layout.lo[:count], dtype=np.int64)
        self.hi = np.array(layout.hi[:count], dtype=np.int64)
        self.columns_of_word = [np.flatnonzero(self.word == w) for w in range(layout.words)]
        keys = self._keys(words)
        self.order = np.argsort(keys, kind="stable") if indexed else None
        """Where each sorted key is stored (asked for when the index of a state is wanted)."""
        self.sorted = keys[self.order] if indexed else np.sort(keys)

    @staticmethod
    def _keys(words: np.ndarray) -> np.ndarray:
        rows = np.ascontiguousarray(words, dtype=np.uint64)
        return rows.view(np.dtype((np.void, rows.shape[1] * 8))).ravel().copy()

    def unpack(self, words: np.ndarray) -> np.ndarray:
        """The element values of packed states; a field outside its sort is an error."""
        raw = (words[:, self.word] >> self.off) & self.mask
        values = np.asfortranarray(raw.astype(np.int64) + self.lo)
        outside = values > self.hi
        if outside.any():
            name = self.model.elements[int(np.flatnonzero(outside.any(axis=0))[0])].name
            raise ValueError(f"a state holds a value of {name} outside its sort")
        return values

    def pack(self, values: np.ndarray) -> np.ndarray:
        shifted = (values - self.lo).astype(np.uint64) << self.off
        words = np.zeros((values.shape[0], self.layout.words), dtype=np.uint64)
        for w, columns in enumerate(self.columns_of_word):
            words[:, w] = np.bitwise_or.reduce(shifted[:, columns], axis=1)
        return words

    def find(self, values: np.ndarray) -> np.ndarray:
        """Per row of element values (inside their sorts): the index of that state among
        the stored ones (without ``indexed``: some index >= 0), or -1."""
        probe = self._keys(self.pack(values))
        at = np.minimum(np.searchsorted(self.sorted, probe), len(self.sorted) - 1)
        where = at if self.order is None else self.order[at]
        return np.where(self.sorted[at] == probe, where, -1)

    def missing(self, values: np.ndarray) -> np.ndarray:
        """Which rows of element values (inside their sorts) are not stored states."""
        return self.find(values) < 0

    def duplicated(self) -> bool:
        return bool(len(self.sorted) > 1 and (self.sorted[1:] == self.sorted[:-1]).any())


def _literals(model: Model, guard: Expr) -> tuple[list[tuple[int, int]], list[Expr]]:
    args = guard.args if isinstance(guard, ir.And) else (guard,)
    lits, rest = [], []
    for arg in args:
        negate = isinstance(arg, ir.Not) and isinstance(arg.arg, ir.Read)
        read = arg.arg if negate else arg
        if isinstance(read, ir.Read) and isinstance(read.sort, BoolSort) and (
                read.index is None or isinstance(read.index, ir.Const)):
            lits.append((model.slot(read.var, None if read.index is None else read.index.value), 0 if negate else 1))
        elif (isinstance(arg, ir.Eq) and isinstance(arg.left, ir.Read) and isinstance(arg.right, ir.Const)
              and (arg.left.index is None or isinstance(arg.left.index, ir.Const))):
            index = None if arg.left.index is None else arg.left.index.value
            lits.append((model.slot(arg.left.var, index), arg.right.value))
        else:
            rest.append(arg)
    return lits, rest


class _UpTo:
    """Membership of states up to a group of automorphisms given by its generators: a
    state is found when one of its images (generators applied again and again, on the
    state itself: no group is enumerated, nothing of the engine's canonical form is used)
    is stored.  Each generator is first checked to be an automorphism of the model and
    the property, so that a stored state stands for its whole orbit."""

    def __init__(self, model: Model, prop: Property, packing: _Packing, generators):
        self.packing = packing
        self.moves = []
        for generator in generators:
            problem = automorphism(model, [prop], generator)
            if problem is not None:
                raise ValueError(f"a symmetry of the certificate is none: {problem}")
            tables = []
            for e, (target, values) in enumerate(zip(generator.slots, generator.value_maps(model))):
                lo = bounds(model.elements[e].sort)[0]
                tables.append((e, target, lo, None if values is None else np.array(values, dtype=np.int64)))
            self.moves.append(tables)

    def _image(self, values: np.ndarray, tables) -> np.ndarray:
        out = values.copy()
        for e, target, lo, renamed in tables:
            column = values[:, e]
            out[:, target] = column if renamed is None else renamed[column - lo] + lo
        return out

    def missing(self, values: np.ndarray) -> np.ndarray:
        return self.find(values) < 0

    def find(self, values: np.ndarray) -> np.ndarray:
        """Per row: the index of a stored image of the state, or -1."""
        where = self.packing.find(values)
        lost = where < 0
        if not self.moves:
            return where
        rows = np.flatnonzero(lost)
        frontier, origin = values[rows], rows
        seen = self._tagged(origin, frontier)
        seen.sort()
        while len(frontier):
            images = np.concatenate([self._image(frontier, t) for t in self.moves])
            owners = np.tile(origin, len(self.moves))
            at = self.packing.find(images)
            found = at >= 0
            where[owners[found]] = at[found]
            lost[owners[found]] = False
            open_ = np.flatnonzero(~found & lost[owners])
            tags = self._tagged(owners[open_], images[open_])
            tags, first = np.unique(tags, return_index=True)  # one of each image per owner
            at = np.minimum(np.searchsorted(seen, tags), len(seen) - 1)
            new = seen[at] != tags
            keep = open_[first[new]]
            seen = np.union1d(seen, tags[new])
            frontier, origin = images[keep], owners[keep]
        return where

    def _tagged(self, owners: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Keys of (owner, state) pairs: an image already met for that owner is not
        followed again, so the walk through an orbit ends."""
        words = self.packing.pack(rows)
        return _Packing._keys(np.concatenate([owners.astype(np.uint64)[:, None], words], axis=1))


class _Step:
    """One action, compiled: the literals of its guard (``slot == value``), the rest of
    its guard, and its updates (the element written, or the slots an index picks from)."""

    def __init__(self, model: Model, action: ir.Action, compiled: _Compile):
        self.action = action
        self.literals, rest = _literals(model, action.guard)
        self.rest = compiled.walk(ir.and_(*rest)) if rest else None
        self.updates = []
        self.written: set[int] = set()
        for update in action.updates:
            value = compiled.walk(update.value)
            if update.index is None:
                slot = model.slot(update.var, None)
                self.updates.append((value, None, slot, 0))
                self.written.add(slot)
            else:
                sort = model.var(update.var).index
                table = np.array([model.slot(update.var, v) for v in sort.values()], dtype=np.int64)
                self.updates.append((value, compiled.walk(update.index), table, bounds(sort)[0]))
                self.written.update(int(t) for t in table)
        self.written_ranges = [(i, model.elements[i].name, *bounds(model.elements[i].sort))
                               for i in sorted(self.written)]


class _Dispatch:
    """Which rows each action may be enabled on, found without testing every action on
    every row: an action's guard is a conjunction whose first literals are mostly
    ``slot == value`` (a program counter at a step), so the rows of a chunk are sorted once
    per such slot and each action takes the run of rows with its value; its other
    literals, and the rest of its guard, are then tested on that run only."""

    def __init__(self, model: Model):
        compiled = _Compile(model)
        self.steps = [_Step(model, action, compiled) for action in model.actions]
        self.keys = sorted({step.literals[0][0] for step in self.steps if step.literals})

    def runs(self, values: np.ndarray):
        """Per action: its step and the indices of the rows where its literals hold."""
        sorted_by = {}
        for slot in self.keys:
            column = values[:, slot]
            order = np.argsort(column, kind="stable")
            sorted_by[slot] = (order, column[order])
        everything = np.arange(values.shape[0])
        for step in self.steps:
            if step.literals:
                order, keys = sorted_by[step.literals[0][0]]
                value = step.literals[0][1]
                rows = order[np.searchsorted(keys, value, "left"):np.searchsorted(keys, value, "right")]
            else:
                rows = everything
            for slot, value in step.literals[1:]:
                if not len(rows):
                    break
                rows = rows[values[rows, slot] == value]
            yield step, rows


def recheck_closure(model: Model, prop: Property, words: np.ndarray,
                    deadline: float | None, symmetries=(), ample=None, ample_sets=()) -> str | None:
    """None if the packed states ``words`` contain the initial states, are closed under
    every action and hold no bad state of ``prop`` (up to the group the automorphisms
    ``symmetries`` generate, when given); else what is wrong.  The states are re-checked
    ``CHUNK`` at a time, so memory beyond the sorted copy of ``words`` stays small.

    With ``ample`` (a search reduced by partial orders, ``explorer.trust.ample``) a state
    with a stubborn set need only be closed under that set's enabled actions, which the
    set's conditions and the reduced graph's cycles are then checked for."""
    packing = _Packing(model, words, indexed=ample is not None)
    if packing.duplicated():
        return "two stored states are the same state"
    up_to = _UpTo(model, prop, packing, symmetries)
    inits = np.array(list(semantics.initial_states(model)), dtype=np.int64).reshape(-1, len(model.elements))
    if len(inits) and up_to.missing(inits).any():
        return f"initial state {tuple(inits[up_to.missing(inits)][0])} was not found"
    dispatch = _Dispatch(model)
    compiled = _Compile(model)
    bad_predicate = compiled.walk(prop.bad)
    sets = None if ample is None else AmpleCheck(
        model, prop, ample, ample_sets, words.shape[0],
        lambda expr, values: compiled.walk(expr)(_Rows(values)))
    for start in range(0, words.shape[0], CHUNK):
        values = packing.unpack(words[start:start + CHUNK])
        bad, err = bad_predicate(_Rows(values))
        if err.any():
            return f"evaluation error in the bad predicate at {tuple(values[err][0])}"
        if bad.any():
            return f"state {tuple(values[bad != 0][0])} is bad"
        enabled = None if sets is None else np.zeros((len(values), len(model.actions)), dtype=bool)
        for a, (step, rows) in enumerate(dispatch.runs(values)):
            if deadline is not None and time.monotonic() > deadline:
                raise RecheckTimeout
            if len(rows):
                problem = _closed_under(step, values, rows, up_to.find, start, a, enabled, sets)
                if problem is not None:
                    return problem
        if sets is not None:
            problem = sets.chunk(start, values, enabled)
            if problem is not None:
                return problem
    return None if sets is None else sets.acyclic()


def _closed_under(step: _Step, values: np.ndarray, rows: np.ndarray, find, start: int, action: int,
                  enabled: np.ndarray | None, sets: AmpleCheck | None) -> str | None:
    """Whether every successor by ``step`` of the rows ``rows`` of ``values`` (on which
    the literals of its guard hold) is stored; with stubborn sets, only of the rows that
    follow the action, the enabled rows marked in ``enabled`` and the followed edges of
    reduced states given to ``sets``."""
    name = step.action.name
    subset = values[rows]
    if step.rest is not None:
        guard, err = step.rest(_Rows(subset))
        if err.any():
            return f"{name}: evaluation error at {tuple(subset[err][0])}"
        rows, subset = rows[guard != 0], subset[guard != 0]
        if not len(subset):
            return None
    if enabled is not None:
        enabled[rows, action] = True
    rows_ = _Rows(subset)
    writes = []
    for value, index, slots, lo in step.updates:  # every value and index in the pre-state
        value, e1 = value(rows_)
        e2 = rows_.none
        if index is not None:
            position, e2 = index(rows_)
            position = position - lo
            e2 = e2 | (position < 0) | (position >= len(slots))
            slots = slots[np.clip(position, 0, len(slots) - 1)]
        if (e1 | e2).any():
            return f"{name}: evaluation error at {tuple(subset[(e1 | e2)][0])}"
        writes.append((slots, value))
    after = subset.copy()
    for slots, value in writes:  # then written in order: a later write wins
        if isinstance(slots, int):
            after[:, slots] = value
        else:
            after[rows_.everywhere, slots] = value
    for i, element, lo, hi in step.written_ranges:  # the others are the pre-state's, inside their sorts
        outside = (after[:, i] < lo) | (after[:, i] > hi)
        if outside.any():
            return f"{name}: value out of range for {element} at {tuple(subset[outside][0])}"
    if sets is not None:
        chosen = sets.sets_of(start, start + len(values))[rows]
        follow = sets.follows(chosen, action)
        subset, after, rows, chosen = subset[follow], after[follow], rows[follow], chosen[follow]
    found = find(after)
    lost = found < 0
    if lost.any():
        return f"successor of {tuple(subset[lost][0])} by {name} was not found"
    if sets is not None:
        reduced = chosen >= 0
        sets.edge(start + rows[reduced], found[reduced])
    return None
