"""Re-checking a search reduced by partial orders: the stubborn set of every reduced state.

A certificate of a search with partial-order reduction says, per stored state, either
that it was expanded fully, or which set ``T`` of actions (enabled or not) it was
expanded with, only ``T``'s enabled actions followed.  ``recheck_closure`` checks the
successors by exactly those actions; here the rest of what makes the reduced graph
enough for a safety property, on the gate's own terms:

* D0: a reduced state with an enabled action has one enabled in ``T``;
* D1: no action outside ``T`` is dependent on an enabled member;
* D2: every disabled member has a conjunct of its guard that is false in the state and
  whose every writer is in ``T``, and no guard that may fail to evaluate;
* C2: no enabled member can make the property's bad predicate false (one that writes
  what a disjunct reads has a guard that excludes the disjunct);
* C3: every cycle of the reduced graph passes through a fully expanded state (with the
  fully expanded states removed, the graph of reduced states and their followed edges is
  acyclic: peeled of its sinks until none is left).

Why that is enough: take a stored state with a path to a bad state.  Fully expanded,
its successor on the path is stored (up to symmetry) and nearer.  Else, if the path uses
a member of the set, the first one is enabled here (a disabled one needs a member
first, D2) and independent of the steps before it (D1): taken first, it leads to a
stored state nearer by one.  If the path uses no member, an enabled member (D0) is
independent of all its steps (D1): taken first, the same steps follow it to the image
of the bad state, still bad (C2), from a stored state no farther.  The last case cannot
repeat for ever without a fully expanded state (C3), so some stored state is bad: the
closure re-check refuses that.

Independent of the engine (``explorer.engines.explicit.por``): the read and write sets
come from a walker of this module, the dependence relation is a product of their
incidence matrices, the conjuncts are evaluated by the gate's own numpy evaluator, and
nothing of the engine's tables or of its cycle proviso is read: only the certificate's
sets, which are checked, not believed.
"""

from __future__ import annotations

import numpy as np

from explorer import ir
from explorer.ir import BoolSort, Expr, Model, Property, Walker, bounds, interval


class _Touch(Walker[None]):
    """Elements read by an expression (a computed index: the whole array) and whether
    its value may be undefined (such an index outside the array's sort)."""

    def __init__(self, model: Model, read: np.ndarray):
        self.model, self.read, self.undefined = model, read, False

    def walk_Const(self, node):
        return None

    def walk_Read(self, node: ir.Read):
        model = self.model
        if node.index is not None and not isinstance(node.index, ir.Const):
            yield node.index
            domain = model.var(node.var).index
            for value in domain.values():
                self.read[model.slot(node.var, value)] = True
            lo, hi = bounds(domain)
            got = interval(model, node.index)
            self.undefined |= got is None or got[0] < lo or got[1] > hi
            return None
        self.read[model.slot(node.var, None if node.index is None else node.index.value)] = True
        return None

    def _children(self, node):
        for child in node.children():
            yield child

    walk_Not = walk_And = walk_Or = walk_Eq = walk_Lt = walk_Le = walk_Add = walk_Sub = walk_Ite = _children


def _touched(model: Model, exprs) -> tuple[np.ndarray, bool]:
    read = np.zeros(len(model.elements), dtype=bool)
    walker = _Touch(model, read)
    for expr in exprs:
        walker.walk(expr)
    return read, walker.undefined


def _parts(expr: Expr, kind) -> tuple[Expr, ...]:
    return expr.args if isinstance(expr, kind) else (expr,)


def _tests(model: Model, expr: Expr) -> np.ndarray:
    """Per element, the constant a conjunct of ``expr`` requires it to equal (-1: none;
    values are stored shifted by the sort's low bound, so every value is >= 0)."""
    wanted = np.full(len(model.elements), -1, dtype=np.int64)
    for arg in _parts(expr, ir.And):
        slot = value = None
        if isinstance(arg, ir.Not) and isinstance(arg.arg, ir.Read) and isinstance(arg.arg.sort, BoolSort):
            slot, value = _static(model, arg.arg), 0
        elif isinstance(arg, ir.Read) and isinstance(arg.sort, BoolSort):
            slot, value = _static(model, arg), 1
        elif isinstance(arg, ir.Eq):
            for read, const in ((arg.left, arg.right), (arg.right, arg.left)):
                if isinstance(read, ir.Read) and isinstance(const, ir.Const):
                    slot, value = _static(model, read), const.value
                    break
        if slot is not None and wanted[slot] < 0:
            lo, hi = bounds(model.elements[slot].sort)
            wanted[slot] = value - lo if lo <= value <= hi else np.iinfo(np.int64).max
    return wanted


def _static(model: Model, read: ir.Read) -> int | None:
    if read.index is None:
        return model.slot(read.var, None)
    return model.slot(read.var, read.index.value) if isinstance(read.index, ir.Const) else None


class _Relations:
    """Per action: reads, writes and guard tests; then dependence and visibility as
    boolean matrices."""

    def __init__(self, model: Model, prop: Property):
        actions, elements = model.actions, len(model.elements)
        A = len(actions)
        self.reads = np.zeros((A, elements), dtype=bool)
        self.writes = np.zeros((A, elements), dtype=bool)
        self.tests = np.full((A, elements), -1, dtype=np.int64)
        self.guard_undefined = np.zeros(A, dtype=bool)
        for i, action in enumerate(actions):
            self.reads[i], self.guard_undefined[i] = _touched(model, [action.guard])
            self.tests[i] = _tests(model, action.guard)
            for update in action.updates:
                self.reads[i] |= _touched(model, [update.value] + ([] if update.index is None else [update.index]))[0]
                if update.index is not None and not isinstance(update.index, ir.Const):
                    for value in model.var(update.var).index.values():
                        self.writes[i, model.slot(update.var, value)] = True
                else:
                    self.writes[i, model.slot(update.var, None if update.index is None else update.index.value)] = True
        self.dependent = self._dependence()
        self.visible = self._visibility(model, prop)

    def _dependence(self) -> np.ndarray:
        r, w = self.reads.astype(np.float32), self.writes.astype(np.float32)
        touching = (w @ r.T + r @ w.T + w @ w.T) > 0
        for i in range(len(touching)):  # guards that exclude each other: never enabled together
            both = (self.tests[i] >= 0) & (self.tests >= 0)
            exclusive = (both & (self.tests != self.tests[i])).any(axis=1)
            exclusive &= ~self.guard_undefined & ~self.guard_undefined[i]
            touching[i] &= ~exclusive
        return touching

    def _visibility(self, model: Model, prop: Property) -> np.ndarray:
        visible = np.zeros(len(self.reads), dtype=bool)
        for disjunct in _parts(prop.bad, ir.Or):
            read, undefined = _touched(model, [disjunct])
            touches = (self.writes & read).any(axis=1)
            if undefined:
                visible |= touches
                continue
            tests = _tests(model, disjunct)
            excluded = ((self.tests >= 0) & (tests >= 0) & (self.tests != tests)).any(axis=1)
            visible |= touches & ~excluded  # where the action is enabled the disjunct may hold
        return visible

    def writers(self, expr: Expr, model: Model) -> np.ndarray:
        read, _ = _touched(model, [expr])
        return (self.writes & read).any(axis=1)


class AmpleCheck:
    """The certificate's stubborn sets, checked state by state as the closure re-check
    goes (``row``/``chunk``), then the reduced graph's cycles (``acyclic``)."""

    def __init__(self, model: Model, prop: Property, ample, sets, count: int, evaluate):
        self.model = model
        ample = np.asarray(ample, dtype=np.int64)
        A = len(model.actions)
        if ample.shape != (count,) or (ample < -1).any() or (ample >= len(sets)).any():
            raise ValueError("the certificate's stubborn sets do not name one set per state")
        self.ample = ample
        self.members = np.zeros((max(len(sets), 1), A), dtype=bool)
        for t, actions in enumerate(sets):
            actions = np.asarray(actions, dtype=np.int64)
            if len(actions) and (actions.min() < 0 or actions.max() >= A):
                raise ValueError("a stubborn set of the certificate names no action of the model")
            self.members[t, actions] = True
        rel = _Relations(model, prop)
        self.relations = rel
        outside = (~self.members).astype(np.float32)
        leaks = (rel.dependent.astype(np.float32) @ outside.T).T > 0  # (set, action): a dependent outside
        self.unfit_enabled = self.members & (leaks | rel.visible)
        """Members that break D1 or C2 when enabled."""
        self.unfit_disabled = self.members & rel.guard_undefined
        self.conjuncts = [list(_parts(a.guard, ir.And)) for a in model.actions]
        self.evaluate = evaluate
        """The gate's evaluator of one expression on rows of element values."""
        self._writers: dict[tuple[int, int], np.ndarray] = {}
        self.edges: list[tuple[np.ndarray, np.ndarray]] = []

    def sets_of(self, start: int, end: int) -> np.ndarray:
        return self.ample[start:end]

    def follows(self, sets: np.ndarray, action: int) -> np.ndarray:
        """Per row: whether its successor by ``action`` must be stored (expanded fully,
        or ``action`` a member of its set)."""
        return (sets < 0) | self.members[np.maximum(sets, 0), action]

    def edge(self, rows: np.ndarray, targets: np.ndarray) -> None:
        """Followed steps from reduced states (global indices) to stored ones."""
        self.edges.append((rows, targets))

    def chunk(self, start: int, values: np.ndarray, enabled: np.ndarray) -> str | None:
        """D0, D1, D2 and C2 for the states ``start …`` (``values``), whose enabled actions
        ``enabled`` (rows × actions) the closure re-check found."""
        sets = self.ample[start:start + len(values)]
        reduced = np.flatnonzero(sets >= 0)
        if not len(reduced):
            return None
        where = sets[reduced]
        on = enabled[reduced]
        members = self.members[where]
        lonely = on.any(axis=1) & ~(on & members).any(axis=1)
        if lonely.any():
            return f"state {start + int(reduced[lonely][0])}: no enabled action in its stubborn set"
        unfit = on & self.unfit_enabled[where]
        if unfit.any():
            r, a = np.argwhere(unfit)[0]
            return (f"state {start + int(reduced[r])}: {self.model.actions[a].name} is enabled in its "
                    "stubborn set but visible, or dependent on an action outside it")
        idle = ~on & members
        if (idle & self.unfit_disabled[where]).any():
            return "a disabled member of a stubborn set has a guard that may fail to evaluate"
        for a in np.flatnonzero(idle.any(axis=0)):
            rows = np.flatnonzero(idle[:, a])
            if not self._disabled_for_good(int(a), values[reduced[rows]], where[rows]).all():
                r = int(reduced[rows][0])
                return (f"state {start + r}: {self.model.actions[a].name} is a disabled member of its "
                        "stubborn set with no false conjunct whose writers are all in the set")
        return None

    def _disabled_for_good(self, action: int, values: np.ndarray, sets: np.ndarray) -> np.ndarray:
        """Per row: some conjunct of the guard is false, and only members write it."""
        ok = np.zeros(len(values), dtype=bool)
        for c, conjunct in enumerate(self.conjuncts[action]):
            key = (action, c)
            if key not in self._writers:
                self._writers[key] = self.relations.writers(conjunct, self.model)
            writers = self._writers[key]
            closed = ~(writers[None, :] & ~self.members[sets]).any(axis=1)
            if not closed.any():
                continue
            value, err = self.evaluate(conjunct, values)
            ok |= closed & (value == 0) & ~err
        return ok

    def acyclic(self) -> str | None:
        """C3: the reduced states with their followed edges among them form no cycle."""
        alive = self.ample >= 0
        if not alive.any():
            return None
        if self.edges:
            src = np.concatenate([e[0] for e in self.edges])
            dst = np.concatenate([e[1] for e in self.edges])
        else:
            src = dst = np.zeros(0, dtype=np.int64)
        keep = alive[src] & alive[dst]
        src, dst = src[keep], dst[keep]
        while True:
            out = np.bincount(src, minlength=len(alive))
            sinks = alive & (out == 0)
            if not sinks.any():
                break
            alive &= ~sinks
            keep = alive[dst]
            src, dst = src[keep], dst[keep]
        if alive.any():
            return f"state {int(np.flatnonzero(alive)[0])} is on a cycle of states none of which is expanded fully"
        return None
