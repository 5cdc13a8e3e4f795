"""The reference semantics of the IR: a plain evaluator, written to be obviously right.

A concrete state is a tuple of ints, one per element of ``model.elements`` in that order.
Replay and every independent re-check use these functions; the compiled fast path
(``explorer.semantics.compiled``) must agree with them.

Evaluation rules:

* ``And`` / ``Or`` / ``Ite`` evaluate left to right and short-circuit;
* ``Add`` / ``Sub`` are plain integer arithmetic (the result may leave the sort; lowering
  guards against that);
* reading an array at an index outside its index sort raises ``EvaluationError``, and so
  does an update that would store a value outside its element's sort or write an array
  at an index outside its index sort (a lowering bug, never a silent wrap).
"""

from __future__ import annotations

import itertools
from typing import Iterator

from explorer import ir
from explorer.ir import Action, Model, Property, Sort, Walker, in_range

State = tuple[int, ...]


class EvaluationError(Exception):
    """An expression or update cannot be evaluated (an index or a value out of its sort)."""


def initial_states(model: Model) -> Iterator[State]:
    """Every initial state: the product of the per-element initial choices."""
    return (tuple(values) for values in itertools.product(*model.initial_choices()))


def index_sort(model: Model, var: str) -> Sort:
    index = model.var(var).index
    if index is None:
        raise EvaluationError(f"{var} is a scalar, read with an index")
    return index


def slot(model: Model, var: str, index_value: int | None) -> int:
    """The position of an element; an index outside the array's index sort (or an index
    on a scalar, or none on an array) is not in the model's slot table."""
    try:
        return model.slot(var, index_value)
    except KeyError:
        if index_value is None:
            raise EvaluationError(f"{var} is an array, read without an index") from None
        raise EvaluationError(f"index {index_value} out of range for {var}") from None


class Evaluator(Walker[int]):
    """Values of expressions in states (booleans as 0 / 1), for one model.

    Recursive, unlike the other walkers, and given the state as an argument: it is the
    hot loop of every re-check, and a generator per node would triple its cost.  Lowering
    bounds the depth of every expression (``explorer.lang``), which keeps the recursion
    shallow.
    """

    def __init__(self, model: Model):
        self.model = model
        self._table = {t: getattr(self, f"walk_{t.__name__}") for t in self._methods}

    def value(self, node: ir.Expr, state: State) -> int:
        return self._table[type(node)](node, state)

    def walk_Const(self, node: ir.Const, state: State) -> int:
        return node.value

    def walk_Read(self, node: ir.Read, state: State) -> int:
        index = None if node.index is None else self.value(node.index, state)
        return state[slot(self.model, node.var, index)]

    def walk_Not(self, node: ir.Not, state: State) -> int:
        return 0 if self.value(node.arg, state) else 1

    def walk_And(self, node: ir.And, state: State) -> int:
        for arg in node.args:
            if not self.value(arg, state):
                return 0
        return 1

    def walk_Or(self, node: ir.Or, state: State) -> int:
        for arg in node.args:
            if self.value(arg, state):
                return 1
        return 0

    def walk_Eq(self, node: ir.Eq, state: State) -> int:
        return int(self.value(node.left, state) == self.value(node.right, state))

    def walk_Lt(self, node: ir.Lt, state: State) -> int:
        return int(self.value(node.left, state) < self.value(node.right, state))

    def walk_Le(self, node: ir.Le, state: State) -> int:
        return int(self.value(node.left, state) <= self.value(node.right, state))

    def walk_Add(self, node: ir.Add, state: State) -> int:
        return self.value(node.left, state) + self.value(node.right, state)

    def walk_Sub(self, node: ir.Sub, state: State) -> int:
        return self.value(node.left, state) - self.value(node.right, state)

    def walk_Ite(self, node: ir.Ite, state: State) -> int:
        if self.value(node.cond, state):
            return self.value(node.then, state)
        return self.value(node.else_, state)


def evaluate(model: Model, expr: ir.Expr, state: State) -> int:
    """The value of ``expr`` in ``state`` (booleans as 0 / 1)."""
    evaluator = model._slots.get("evaluator")
    if evaluator is None:
        evaluator = model._slots["evaluator"] = Evaluator(model)
    return evaluator.value(expr, state)


def enabled(model: Model, action: Action, state: State) -> bool:
    """Whether ``action``'s guard holds in ``state``."""
    return bool(evaluate(model, action.guard, state))


def apply(model: Model, action: Action, state: State) -> State:
    """The state after ``action`` (its guard is not checked).

    Every index and value is evaluated in the pre-state; the updates are then applied in
    order, so a later update of the same element wins.
    """
    elements = model.elements
    writes = []
    for update in action.updates:
        index = None if update.index is None else evaluate(model, update.index, state)
        position = slot(model, update.var, index)
        value = evaluate(model, update.value, state)
        if not in_range(elements[position].sort, value):
            raise EvaluationError(
                f"{action.name}: value {value} out of range for {elements[position].name}"
            )
        writes.append((position, value))
    new = list(state)
    for position, value in writes:
        new[position] = value
    return tuple(new)


def successors(model: Model, state: State) -> list[tuple[int, State]]:
    """``(action position in model.actions, next state)`` for every enabled action."""
    return [
        (i, apply(model, action, state))
        for i, action in enumerate(model.actions)
        if enabled(model, action, state)
    ]


def is_bad(model: Model, prop: Property, state: State) -> bool:
    """Whether ``prop``'s bad predicate holds in ``state``."""
    return bool(evaluate(model, prop.bad, state))
