"""The concrete semantics of the IR: evaluating expressions on states, successors, replay.

A concrete state is a tuple of ints, one per element of ``model.elements`` in that order.
This module knows nothing of z3 nor of the spec language.  It holds two implementations
of the same semantics:

* the *reference* functions (``evaluate``, ``enabled``, ``apply``, ``successors``,
  ``is_bad``): a plain tree-walking evaluator, written to be obviously right; replay and
  every independent re-check use them;
* ``Compiled``: a fast path for the explicit engine (states packed into one Python int,
  guards and updates turned into closures with bit-mask tests).  It must agree exactly
  with the reference functions; ``tests/test_semantics.py`` checks that on random models.

Evaluation rules (both implementations):

* ``And`` / ``Or`` / ``Ite`` evaluate left to right and short-circuit;
* ``Add`` / ``Sub`` are plain integer arithmetic (the result may leave the sort; lowering
  guards against that);
* reading an array at an index outside its index sort raises ``EvaluationError``, and so
  does an update that would store a value outside its element's sort or write an array
  at an index outside its index sort (a lowering bug, never a silent wrap).

``Compiled`` agrees with the reference on every state where the reference raises no
error; where the reference raises, ``Compiled`` raises ``EvaluationError`` too when the
error comes from an update, but may return ``False`` for a guard whose cheap
``var == const`` conjuncts fail before the erroneous conjunct is reached.
"""

from __future__ import annotations

import itertools
from typing import Callable, Iterator, Sequence

from explorer.model import (
    Action,
    Add,
    And,
    BoolSort,
    Const,
    EnumSort,
    Eq,
    Expr,
    IntSort,
    Ite,
    Le,
    Lt,
    Model,
    Not,
    Or,
    Property,
    Read,
    Sort,
    Sub,
    in_range,
)
from explorer.verdict import Trace, TraceElement, TraceStep, Value

State = tuple[int, ...]


class EvaluationError(Exception):
    """An expression or update cannot be evaluated (an index or a value out of its sort)."""


class ReplayError(Exception):
    """A trace that is not a run of the model ending in a bad state."""


# --------------------------------------------------------------------------- reference


def initial_states(model: Model) -> Iterator[State]:
    """Every initial state: the product of the per-element initial choices."""
    return (tuple(values) for values in itertools.product(*model.initial_choices()))


def _index_sort(model: Model, var: str) -> Sort:
    index = model.var(var).index
    if index is None:
        raise EvaluationError(f"{var} is a scalar, read with an index")
    return index


def _slot(model: Model, var: str, index_value: int | None) -> int:
    if index_value is not None and not in_range(_index_sort(model, var), index_value):
        raise EvaluationError(f"index {index_value} out of range for {var}")
    try:
        return model.slot(var, index_value)
    except KeyError:
        raise EvaluationError(f"no element {var}[{index_value}]") from None


def evaluate(model: Model, expr: Expr, state: State) -> int:
    """The value of ``expr`` in ``state`` (booleans as 0 / 1)."""
    if isinstance(expr, Const):
        return expr.value
    if isinstance(expr, Read):
        index = None if expr.index is None else evaluate(model, expr.index, state)
        return state[_slot(model, expr.var, index)]
    if isinstance(expr, Not):
        return 0 if evaluate(model, expr.arg, state) else 1
    if isinstance(expr, And):
        for arg in expr.args:
            if not evaluate(model, arg, state):
                return 0
        return 1
    if isinstance(expr, Or):
        for arg in expr.args:
            if evaluate(model, arg, state):
                return 1
        return 0
    if isinstance(expr, Eq):
        return int(evaluate(model, expr.left, state) == evaluate(model, expr.right, state))
    if isinstance(expr, Lt):
        return int(evaluate(model, expr.left, state) < evaluate(model, expr.right, state))
    if isinstance(expr, Le):
        return int(evaluate(model, expr.left, state) <= evaluate(model, expr.right, state))
    if isinstance(expr, Add):
        return evaluate(model, expr.left, state) + evaluate(model, expr.right, state)
    if isinstance(expr, Sub):
        return evaluate(model, expr.left, state) - evaluate(model, expr.right, state)
    if isinstance(expr, Ite):
        if evaluate(model, expr.cond, state):
            return evaluate(model, expr.then, state)
        return evaluate(model, expr.else_, state)
    raise TypeError(f"not an IR expression: {expr!r}")


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
        slot = _slot(model, update.var, index)
        value = evaluate(model, update.value, state)
        if not in_range(elements[slot].sort, value):
            raise EvaluationError(
                f"{action.name}: value {value} out of range for {elements[slot].name}"
            )
        writes.append((slot, value))
    new = list(state)
    for slot, value in writes:
        new[slot] = value
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


# --------------------------------------------------------------------------- display


def display(sort: Sort, value: int) -> Value:
    """A value as a trace shows it: bool, int, or an enum member's name."""
    if isinstance(sort, BoolSort):
        return bool(value)
    if isinstance(sort, EnumSort):
        return sort.members[value] if 0 <= value < sort.size else str(value)
    return int(value)


def _show(sort: Sort, value: int) -> str:
    if isinstance(sort, EnumSort) and not 0 <= value < sort.size:
        return str(value)
    return sort.show(value)


def trace_elements(model: Model) -> tuple[TraceElement, ...]:
    """The trace's description of ``model.elements``."""
    out = []
    for element in model.elements:
        key = None
        if element.index is not None:
            key = _index_sort(model, element.var).show(element.index)
        out.append(TraceElement(element.name, element.var, key, element.hidden))
    return tuple(out)


def display_state(model: Model, state: State) -> tuple[Value, ...]:
    return tuple(display(e.sort, v) for e, v in zip(model.elements, state))


def state_dict(model: Model, state: State) -> dict[str, Value]:
    """A state as element name -> displayed value (for statistics and messages)."""
    return {e.name: display(e.sort, v) for e, v in zip(model.elements, state)}


# --------------------------------------------------------------------------- replay


def _step(model: Model, index: int, action: Action, old: State, new: State | None,
          violation: str | None) -> TraceStep:
    origin = action.origin
    changes: list[tuple[str, str, str]] = []
    if new is not None:
        for element, a, b in zip(model.elements, old, new):
            if a != b and not element.hidden:
                changes.append((element.name, _show(element.sort, a), _show(element.sort, b)))
    return TraceStep(
        index=index,
        action=action.name,
        cpu=origin.cpu,
        context=origin.context,
        chain=tuple(origin.chain),
        statement=origin.statement,
        location="" if origin.span is None else str(origin.span),
        citation=origin.citation,
        changes=tuple(changes),
        violation=violation,
    )


def replay(model: Model, prop: Property, init: State, actions: Sequence[str]) -> Trace:
    """Re-execute a run and build its trace, or raise ``ReplayError``.

    ``init`` must be an initial state and each named action enabled where it is taken;
    the state reached must be bad for ``prop``.  ``actions`` are the steps actually taken
    (not a final violating step site).  If the final state is bad only through a step site
    (``prop.state_bad`` false there), the trace ends with one more step for the first site
    of ``prop.sites`` whose ``when`` holds: that step is not applied, it carries the
    site's message as its violation, and its action is the last of ``Trace.actions``.
    Otherwise the last step (if any) carries ``prop.text or prop.name`` as its violation.
    Steps are numbered from 1.
    """
    init = tuple(int(v) for v in init)
    choices = model.initial_choices()
    if len(init) != len(choices):
        raise ReplayError(
            f"initial state has {len(init)} values, the model has {len(choices)} elements"
        )
    for element, value, allowed in zip(model.elements, init, choices):
        if value not in allowed:
            raise ReplayError(
                f"not an initial state: {element.name} = {_show(element.sort, value)}"
            )
    states: list[State] = [init]
    steps: list[TraceStep] = []
    names = list(actions)
    state = init
    try:
        for number, name in enumerate(names, start=1):
            try:
                action = model.action(name)
            except KeyError:
                raise ReplayError(f"step {number}: no action named {name!r}") from None
            if not enabled(model, action, state):
                raise ReplayError(f"step {number}: action {name!r} is not enabled")
            new = apply(model, action, state)
            steps.append(_step(model, number, action, state, new, None))
            states.append(new)
            state = new
        if not is_bad(model, prop, state):
            raise ReplayError(f"the final state is not bad for property {prop.name!r}")
        if evaluate(model, prop.state_bad, state):
            if steps:
                steps[-1] = _replace_violation(steps[-1], prop.text or prop.name)
        else:
            for site in prop.sites:
                if evaluate(model, site.when, state):
                    try:
                        action = model.action(site.action)
                    except KeyError:
                        raise ReplayError(f"step site names no action: {site.action!r}") from None
                    if not enabled(model, action, state):
                        raise ReplayError(f"step site {site.action!r} holds but its action "
                                          "is not enabled")
                    steps.append(_step(model, len(steps) + 1, action, state, None,
                                       site.message))
                    names.append(site.action)
                    break
            else:
                raise ReplayError(
                    f"property {prop.name!r}: bad holds but neither its state part nor "
                    "any step site does"
                )
    except EvaluationError as error:
        raise ReplayError(f"evaluation failed: {error}") from error
    return Trace(
        elements=trace_elements(model),
        steps=tuple(steps),
        states=tuple(display_state(model, s) for s in states),
        raw_states=tuple(states),
        actions=tuple(names),
    )


def _replace_violation(step: TraceStep, violation: str) -> TraceStep:
    from dataclasses import replace

    return replace(step, violation=violation)
