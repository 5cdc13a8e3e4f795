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

import numpy as np

from explorer import ir, semantics
from explorer.ir import BoolSort, Expr, Model, Property, Walker, bounds
from explorer.ir.symmetry import automorphism
from explorer.semantics.program import WordLayout

class RecheckTimeout(Exception):
    """The re-check did not finish before its deadline."""


Column = tuple[np.ndarray, np.ndarray]
"""Values of an expression on every row, and where evaluating it is an error."""


class _Columns(Walker[Column]):
    memoize = True

    def __init__(self, model: Model, values: np.ndarray):
        self.model = model
        self.values = values
        self.rows = values.shape[0]
        self.none = np.zeros(self.rows, dtype=bool)

    def walk_Const(self, node: ir.Const) -> Column:
        return np.full(self.rows, node.value, dtype=np.int64), self.none

    def walk_Read(self, node: ir.Read):
        variable = self.model.var(node.var)
        if node.index is None:
            return self.values[:, self.model.slot(node.var, None)], self.none
        index, err = yield node.index
        sort = variable.index
        lo = bounds(sort)[0]
        slots = np.array([self.model.slot(node.var, v) for v in sort.values()], dtype=np.int64)
        position = index - lo
        outside = (position < 0) | (position >= len(slots))
        picked = slots[np.clip(position, 0, len(slots) - 1)]
        return self.values[np.arange(self.rows), picked], err | outside

    def walk_Not(self, node: ir.Not):
        value, err = yield node.arg
        return (value == 0).astype(np.int64), err

    def walk_And(self, node: ir.And):
        value = np.ones(self.rows, dtype=np.int64)
        err = self.none
        for arg in node.args:
            v, e = yield arg
            err = err | ((value != 0) & e)  # evaluated only where the earlier ones held
            value = value & (v != 0)
        return value.astype(np.int64), err

    def walk_Or(self, node: ir.Or):
        value = np.zeros(self.rows, dtype=np.int64)
        err = self.none
        for arg in node.args:
            v, e = yield arg
            err = err | ((value == 0) & e)
            value = value | (v != 0)
        return value.astype(np.int64), err

    def _binary(self, node, op):
        (a, ea), (b, eb) = (yield node.left), (yield node.right)
        return op(a, b).astype(np.int64), ea | eb

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
        (c, ec), (t, et), (e, ee) = (yield node.cond), (yield node.then), (yield node.else_)
        taken = c != 0
        return np.where(taken, t, e), ec | (taken & et) | (~taken & ee)


CHUNK = 1 << 16
"""States re-checked at a time: the columns of one chunk stay small whatever the count."""


class _Packing:
    """The certificate's packing, checked to be a bijection between the states (element
    values inside their sorts) and the words it stores: fields disjoint, each wide enough
    for its sort and read back inside it.  Membership of a successor is then decided by
    packing it here and looking it up among the sorted stored words."""

    def __init__(self, model: Model, words: np.ndarray):
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
        self.sorted = self._keys(words)
        self.sorted.sort()

    @staticmethod
    def _keys(words: np.ndarray) -> np.ndarray:
        rows = np.ascontiguousarray(words, dtype=np.uint64)
        return rows.view(np.dtype((np.void, rows.shape[1] * 8))).ravel().copy()

    def unpack(self, words: np.ndarray) -> np.ndarray:
        """The element values of packed states; a field outside its sort is an error."""
        layout = self.layout
        values = np.zeros((words.shape[0], len(self.model.elements)), dtype=np.int64, order="F")
        for i, element in enumerate(self.model.elements):
            raw = (words[:, layout.word[i]] >> np.uint64(layout.off[i])) & np.uint64((1 << layout.width[i]) - 1)
            values[:, i] = raw.astype(np.int64) + layout.lo[i]
            if (values[:, i] > layout.hi[i]).any():
                raise ValueError(f"a state holds a value of {element.name} outside its sort")
        return values

    def pack(self, values: np.ndarray) -> np.ndarray:
        layout = self.layout
        words = np.zeros((values.shape[0], layout.words), dtype=np.uint64)
        for i in range(values.shape[1]):
            words[:, layout.word[i]] |= (values[:, i] - layout.lo[i]).astype(np.uint64) << np.uint64(layout.off[i])
        return words

    def missing(self, values: np.ndarray) -> np.ndarray:
        """Which rows of element values (inside their sorts) are not stored states."""
        probe = self._keys(self.pack(values))
        at = np.minimum(np.searchsorted(self.sorted, probe), len(self.sorted) - 1)
        return self.sorted[at] != probe

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
        lost = self.packing.missing(values)
        if not self.moves:
            return lost
        rows = np.flatnonzero(lost)
        frontier, origin = values[rows], rows
        seen = {(int(o), r.tobytes()) for o, r in zip(origin, frontier)}
        while len(frontier):
            images = np.concatenate([self._image(frontier, t) for t in self.moves])
            owners = np.tile(origin, len(self.moves))
            found = ~self.packing.missing(images)
            lost[owners[found]] = False
            keep = [i for i in np.flatnonzero(~found & lost[owners])
                    if (int(owners[i]), images[i].tobytes()) not in seen]
            seen.update((int(owners[i]), images[i].tobytes()) for i in keep)
            frontier, origin = images[keep], owners[keep]
        return lost


class _Dispatch:
    """Which rows each action may be enabled on, found without testing every action on
    every row: an action's guard is a conjunction whose first literals are mostly
    ``slot == value`` (a program counter at a step), so the rows of a chunk are sorted once
    per such slot and each action takes the run of rows with its value; its other
    literals, and the rest of its guard, are then tested on that run only."""

    def __init__(self, model: Model):
        self.plans = []
        for action in model.actions:
            lits, rest = _literals(model, action.guard)
            self.plans.append((action, lits, ir.and_(*rest) if rest else None))
        self.keys = sorted({lits[0][0] for _, lits, _ in self.plans if lits})

    def runs(self, values: np.ndarray):
        """Per action: the action, the indices of the rows where its literals hold, and
        the rest of its guard (None: nothing more to test)."""
        sorted_by = {}
        for slot in self.keys:
            column = values[:, slot]
            order = np.argsort(column, kind="stable")
            sorted_by[slot] = (order, column[order])
        everything = np.arange(values.shape[0])
        for action, lits, rest in self.plans:
            if lits:
                order, keys = sorted_by[lits[0][0]]
                value = lits[0][1]
                rows = order[np.searchsorted(keys, value, "left"):np.searchsorted(keys, value, "right")]
            else:
                rows = everything
            for slot, value in lits[1:]:
                if not len(rows):
                    break
                rows = rows[values[rows, slot] == value]
            yield action, rows, rest


def recheck_closure(model: Model, prop: Property, words: np.ndarray,
                    deadline: float | None, symmetries=()) -> str | None:
    """None if the packed states ``words`` contain the initial states, are closed under
    every action and hold no bad state of ``prop`` (up to the group the automorphisms
    ``symmetries`` generate, when given); else what is wrong.  The states are re-checked
    ``CHUNK`` at a time, so memory beyond the sorted copy of ``words`` stays small."""
    packing = _Packing(model, words)
    if packing.duplicated():
        return "two stored states are the same state"
    up_to = _UpTo(model, prop, packing, symmetries)
    inits = np.array(list(semantics.initial_states(model)), dtype=np.int64).reshape(-1, len(model.elements))
    if len(inits) and up_to.missing(inits).any():
        return f"initial state {tuple(inits[up_to.missing(inits)][0])} was not found"
    dispatch = _Dispatch(model)
    for start in range(0, words.shape[0], CHUNK):
        values = packing.unpack(words[start:start + CHUNK])
        bad, err = _Columns(model, values).walk(prop.bad)
        if err.any():
            return f"evaluation error in the bad predicate at {tuple(values[err][0])}"
        if bad.any():
            return f"state {tuple(values[bad != 0][0])} is bad"
        for action, rows, rest in dispatch.runs(values):
            if deadline is not None and time.monotonic() > deadline:
                raise RecheckTimeout
            if len(rows):
                problem = _closed_under(model, action, values[rows], rest, up_to.missing)
                if problem is not None:
                    return problem
    return None


def _closed_under(model: Model, action: ir.Action, subset: np.ndarray, rest: Expr | None,
                  missing) -> str | None:
    """Whether every successor by ``action`` of the rows ``subset`` (on which the
    literals of its guard hold) is stored; ``rest`` is the remainder of its guard."""
    if rest is not None:
        columns = _Columns(model, subset)
        guard, err = columns.walk(rest)
        if err.any():
            return f"{action.name}: evaluation error at {tuple(subset[err][0])}"
        subset = subset[guard != 0]
        if not len(subset):
            return None
    columns = _Columns(model, subset)
    after = subset.copy()
    writes = []
    written = set()
    for update in action.updates:  # every value and index in the pre-state
        value, e1 = columns.walk(update.value)
        if update.index is None:
            slots = np.full(len(subset), model.slot(update.var, None), dtype=np.int64)
            e2 = columns.none
            written.add(model.slot(update.var, None))
        else:
            index, e2 = columns.walk(update.index)
            sort = model.var(update.var).index
            lo = bounds(sort)[0]
            table = np.array([model.slot(update.var, v) for v in sort.values()], dtype=np.int64)
            position = index - lo
            e2 = e2 | (position < 0) | (position >= len(table))
            slots = table[np.clip(position, 0, len(table) - 1)]
            written.update(int(t) for t in table)
        if (e1 | e2).any():
            return f"{action.name}: evaluation error at {tuple(subset[(e1 | e2)][0])}"
        writes.append((slots, value))
    everywhere = np.arange(len(subset))
    for slots, value in writes:  # then written in order: a later write wins
        after[everywhere, slots] = value
    for i in sorted(written):  # the other elements are the pre-state's, inside their sorts
        element = model.elements[i]
        lo, hi = bounds(element.sort)
        outside = (after[:, i] < lo) | (after[:, i] > hi)
        if outside.any():
            return f"{action.name}: value out of range for {element.name} at {tuple(subset[outside][0])}"
    lost = missing(after)
    if lost.any():
        return f"successor of {tuple(subset[lost][0])} by {action.name} was not found"
    return None
