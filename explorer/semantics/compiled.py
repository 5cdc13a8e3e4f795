"""The compiled fast path of the semantics: successors on packed states.

``Compiled(model)`` is what the explicit engine searches with: states packed into one
int (``explorer.semantics.layout``), guards and updates turned into closures
(``closures``, ``updates``), and the actions found through a decision tree over their
``var == const`` conjuncts (``current``, then a program counter, say), so that per state
only the actions whose literals hold are tried.

It agrees with the reference semantics (``successors`` up to the order of its list; see
``closures`` for the states where the reference raises); ``tests/semantics`` checks that
on random models.  Raises ``EvaluationError`` at construction if an initial value lies
outside its sort.
"""

from __future__ import annotations

from typing import Callable

from explorer.ir import And, Expr, Model, Property, in_range
from explorer.semantics.closures import ExprClosures, Fn
from explorer.semantics.layout import Layout, PackedState
from explorer.semantics.reference import EvaluationError, State, initial_states
from explorer.semantics.updates import UpdateClosures


class Compiled:
    """The semantics of one model on packed states (see the module docstring)."""

    def __init__(self, model: Model):
        self.model = model
        self.layout = layout = Layout(model)
        for element, allowed in zip(model.elements, model.initial_choices()):
            for value in allowed:
                if not in_range(element.sort, value):
                    raise EvaluationError(f"initial value {value} out of range for {element.name}")
        self.exprs = ExprClosures(model, layout)
        updates = UpdateClosures(self.exprs)
        self._steps = [self._action(action, updates) for action in model.actions]
        self._root = self._index()
        self.successors = self._make_successors()

    def pack(self, state: State) -> PackedState:
        return self.layout.pack(state)

    def unpack(self, s: PackedState) -> State:
        return self.layout.unpack(s)

    def initial(self) -> list[PackedState]:
        return [self.pack(state) for state in initial_states(self.model)]

    def predicate(self, expr: Expr) -> Callable[[int], bool]:
        """A closure telling whether ``expr`` holds in a packed state."""
        return self.exprs.predicate(expr)

    def bad(self, prop: Property) -> Callable[[int], bool]:
        """``is_bad(model, prop, unpack(s))`` on packed states."""
        return self.predicate(prop.bad)

    def _action(self, action, updates: UpdateClosures):
        """(literals of the guard, other guard conjuncts, update closure s -> s')."""
        guard = action.guard
        args = guard.args if isinstance(guard, And) else (guard,)
        lits, rest = self.exprs.split(args)
        return lits, rest, updates.action(action)

    # ----------------------------------------------------------------- dispatch

    def _index(self):
        """A decision tree over ``var == const`` literals that finds the candidate actions.

        Each inner node looks at one element and goes to the subtree of the actions whose
        literal on that element matches the state's value, then to the subtree of the
        actions with no literal on it.  The element of a node is the one that rules out
        the most actions on an average state (``uses * (1 - 1/size)``).  Leaves hold the
        actions with their remaining literals (one mask test) and other conjuncts.
        """
        items = []
        for number, (lits, rest, upd) in enumerate(self._steps):
            if lits is None:
                continue  # the guard can never hold
            items.append((number, dict(lits), rest, upd))
        return self._tree(items)

    def _tree(self, items: list) -> Callable[[int, list], None] | None:
        if not items:
            return None
        layout = self.layout
        score: dict[int, float] = {}
        for _, lits, _, _ in items:
            for slot in lits:
                size = layout.hi[slot] - layout.lo[slot] + 1
                score[slot] = score.get(slot, 0.0) + 1.0 - 1.0 / size
        if len(items) == 1 or not score:
            return self._leaf(items)
        key = max(score, key=lambda slot: (score[slot], -slot))
        buckets: dict[int, list] = {}
        rest_items = []
        for number, lits, rest, upd in items:
            if key in lits:
                value = lits[key] - layout.lo[key]
                others = {slot: v for slot, v in lits.items() if slot != key}
                buckets.setdefault(value, []).append((number, others, rest, upd))
            else:
                rest_items.append((number, lits, rest, upd))
        table = [None] * (1 << layout.width[key])
        for value, bucket in buckets.items():
            table[value] = self._tree(bucket)
        table_t = tuple(table)
        other = self._tree(rest_items)
        off, m = layout.offset[key], layout.fmask[key]
        if other is None:
            def node(s: int, out: list) -> None:
                sub = table_t[(s >> off) & m]
                if sub is not None:
                    sub(s, out)
        else:
            def node(s: int, out: list) -> None:
                sub = table_t[(s >> off) & m]
                if sub is not None:
                    sub(s, out)
                other(s, out)
        return node

    def _leaf(self, items: list) -> Callable[[int, list], None]:
        steps = tuple(
            (number, self._step(*self.layout.mask_of(lits), rest, upd))
            for number, lits, rest, upd in items
        )
        if len(steps) == 1:
            ((number, step),) = steps

            def one(s: int, out: list) -> None:
                t = step(s)
                if t is not None:
                    out.append((number, t))

            return one

        def leaf(s: int, out: list) -> None:
            for number, step in steps:
                t = step(s)
                if t is not None:
                    out.append((number, t))

        return leaf

    def _step(self, mask: int, bits: int, rest: list[Expr], upd: Fn):
        """A closure s -> next packed state, or None if the guard fails."""
        fns = [self.exprs.walk(a) for a in rest]
        if not fns:
            if not mask:
                return upd
            return lambda s: upd(s) if s & mask == bits else None
        if len(fns) == 1:
            (f,) = fns
            if not mask:
                return lambda s: upd(s) if f(s) else None
            return lambda s: upd(s) if s & mask == bits and f(s) else None
        if len(fns) == 2:
            f, g = fns
            if not mask:
                return lambda s: upd(s) if f(s) and g(s) else None
            return lambda s: upd(s) if s & mask == bits and f(s) and g(s) else None

        def step(s: int) -> int | None:
            if s & mask != bits:
                return None
            for f in fns:
                if not f(s):
                    return None
            return upd(s)

        return step

    def _make_successors(self):
        root = self._root

        if root is None:
            return lambda s: []

        def successors(s: int) -> list[tuple[int, int]]:
            """``(action position, next packed state)`` for every enabled action."""
            out: list[tuple[int, int]] = []
            root(s, out)
            return out

        return successors
