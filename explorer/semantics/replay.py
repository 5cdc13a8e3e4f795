"""Replay: re-executing a run on the reference semantics, and building its trace.

A trace is what a kernel developer reads (CPU, context, call chain, statement, changed
variables) and what the report layer renders; it is built only here, from a run that
the reference evaluator has executed, so no engine can hand back a trace that is not a
real run of the model.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from explorer.ir import Action, BoolSort, EnumSort, Model, Property, Sort
from explorer.semantics.causes import annotate
from explorer.semantics.reference import (
    EvaluationError, State, apply, enabled, evaluate, index_sort, is_bad,
)
from explorer.verdict import Trace, TraceElement, TraceStep, Value


class ReplayError(Exception):
    """A trace that is not a run of the model ending in a bad state."""


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
            key = index_sort(model, element.var).show(element.index)
        out.append(TraceElement(element.name, element.var, key, element.hidden))
    return tuple(out)


def display_state(model: Model, state: State) -> tuple[Value, ...]:
    return tuple(display(e.sort, v) for e, v in zip(model.elements, state))


def state_dict(model: Model, state: State) -> dict[str, Value]:
    """A state as element name -> displayed value (for statistics and messages)."""
    return {e.name: display(e.sort, v) for e, v in zip(model.elements, state)}




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
    Steps are numbered from 1.  The trace carries what points at the cause
    (``semantics.causes``: owners, the violation's cause, other invariants failing).
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
                    # ``site.when`` carries the step's own enabling condition; it is not
                    # ``enabled(action)``: a range violation (property ``bounds``) is a
                    # step whose range check blocks it.
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
    return annotate(model, prop, Trace(
        elements=trace_elements(model),
        steps=tuple(steps),
        states=tuple(display_state(model, s) for s in states),
        raw_states=tuple(states),
        actions=tuple(names),
        tasks=tasks(model),
    ))


def tasks(model: Model) -> tuple[str, ...]:
    """The model's tasks: the index of its per-task (``field``) variables."""
    for variable in model.variables:
        if variable.style == "field" and variable.index is not None:
            return tuple(variable.index.show(v) for v in variable.index.values())
    return ()


def _replace_violation(step: TraceStep, violation: str) -> TraceStep:
    return replace(step, violation=violation)
