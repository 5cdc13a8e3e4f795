"""The point of no return of a counterexample: the first step after which the violation
can no longer be avoided, computed on the reference semantics.

A state is *doomed* for a property when every run from it reaches a bad state: every
maximal path (an infinite one, or one that ends in a state with no successor) passes
through a bad state.  The doomed states are the least fixed point

    D = Bad  ∪  { s : s has a successor, and every successor of s is in D }

(a state outside D has a successor outside D, or no successor at all, so from it a run
avoids Bad forever or stops before it: the fact can still be saved there).  D is computed
over the states reachable from the trace's initial state, bad states not expanded (what
happens after a bad state does not matter: it is already in D), by the usual backward
count: each state counts its successors not yet known doomed, and becomes doomed when
that count reaches zero.  Every successor of a reachable state is reachable, so the sets
agree with D on the trace's states.

The point of no return is the first ``i`` with ``states[i]`` doomed (0: the initial state
already is).  Along the trace doom persists up to its first bad state (a doomed state
that is not bad has only doomed successors), so from step ``i`` on no choice of the
scheduler, of interrupts or of the other CPUs saves the property; before it, some choice
still does.  No fairness is assumed: a run that loops forever away from the bad states
(a task never scheduled again, say) counts as a way out, as in the model's own semantics.

The search has a budget (states, seconds): past it the point is not computed and the
reason says so, never a guess.  It walks a ``Graph``: the reference semantics by default,
or the compiled machine the explicit engine runs (the caller's choice, ``app`` makes it;
the two are tested equal on generated models), which is what keeps the budget at a
fraction of a second where the reference evaluator takes tens of seconds.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import replace

from collections.abc import Hashable, Iterable
from typing import Protocol

from explorer.ir import Model, Property
from explorer.semantics.reference import State, is_bad, successors
from explorer.verdict import Trace, TraceNote

MAX_STATES = 20_000
"""Default state budget: a fraction of a second of the compiled machine."""


class Budget(Exception):
    """The search went past its budget."""


class Graph(Protocol):
    """A model's transition graph for one property, over keys that stand for states."""

    def key(self, state: State) -> Hashable: ...

    def bad(self, key: Hashable) -> bool: ...

    def successors(self, key: Hashable) -> Iterable[Hashable]: ...


class ReferenceGraph:
    """The graph of the reference semantics: a state is its own key."""

    def __init__(self, model: Model, prop: Property):
        self.model, self.prop = model, prop

    def key(self, state: State) -> State:
        return tuple(state)

    def bad(self, key: State) -> bool:
        return is_bad(self.model, self.prop, key)

    def successors(self, key: State) -> Iterable[State]:
        return (new for _, new in successors(self.model, key))


def doomed_states(model: Model, prop: Property, init: State, max_states: int = MAX_STATES,
                  deadline: float | None = None, graph: Graph | None = None) -> tuple[dict, set[int]]:
    """(key -> id for every state reachable from ``init``, the ids of the doomed ones);
    raises ``Budget`` past ``max_states`` states or the ``deadline`` (``time.monotonic``).
    The keys are ``graph``'s (the reference's: the states themselves)."""
    graph = ReferenceGraph(model, prop) if graph is None else graph
    start = graph.key(init)
    ids: dict = {start: 0}
    order: list = [start]
    edges: list[list[int]] = []
    bad: list[bool] = []
    position = 0
    while position < len(order):
        if deadline is not None and position % 256 == 0 and time.monotonic() > deadline:
            raise Budget("time")
        state = order[position]
        position += 1
        if graph.bad(state):
            bad.append(True)
            edges.append([])
            continue
        bad.append(False)
        targets = []
        for new in graph.successors(state):
            target = ids.get(new)
            if target is None:
                if len(order) >= max_states:
                    raise Budget("states")
                target = ids[new] = len(order)
                order.append(new)
            targets.append(target)
        edges.append(sorted(set(targets)))
    predecessors: list[list[int]] = [[] for _ in order]
    for source, targets in enumerate(edges):
        for target in targets:
            predecessors[target].append(source)
    waiting = [len(targets) for targets in edges]
    doomed = {i for i, b in enumerate(bad) if b}
    queue = deque(doomed)
    while queue:
        target = queue.popleft()
        for source in predecessors[target]:
            if source in doomed:
                continue
            waiting[source] -= 1
            if waiting[source] == 0:  # it has successors (one was just counted), all doomed
                doomed.add(source)
                queue.append(source)
    return ids, doomed


def too_many(max_states: int = MAX_STATES) -> str:
    """Why the point was not computed when the search would pass its state budget."""
    return f"not computed: more than {max_states} states to search"


def no_return(model: Model, prop: Property, states: tuple[State, ...],
              max_states: int = MAX_STATES, deadline: float | None = None,
              graph: Graph | None = None) -> tuple[int | None, str]:
    """(the first ``i`` with ``states[i]`` doomed, "") or (None, why it was not computed)."""
    if not states:
        return None, "the trace has no states"
    graph = ReferenceGraph(model, prop) if graph is None else graph
    try:
        ids, doomed = doomed_states(model, prop, tuple(states[0]), max_states, deadline, graph)
    except Budget as which:
        if str(which) == "states":
            return None, too_many(max_states)
        return None, "not computed: out of time"
    for i, state in enumerate(states):
        if ids[graph.key(tuple(state))] in doomed:
            return i, ""
    return None, "not computed: the trace ends in no bad state"


def with_no_return(model: Model, prop: Property, trace: Trace, max_states: int = MAX_STATES,
                   deadline: float | None = None, graph: Graph | None = None) -> Trace:
    """``trace`` with its point of no return (``Trace.no_return``) and, on that step, a
    ``no_return`` note; the initial state's doom is said by ``no_return == 0`` alone."""
    point, why = no_return(model, prop, trace.raw_states, max_states, deadline, graph)
    if point is None:
        return replace(trace, no_return_note=why)
    steps = list(trace.steps)
    if point >= 1:
        state = trace.raw_states[point]
        text = ("point of no return: before this step a run could still avoid the violation"
                if is_bad(model, prop, state) else
                "point of no return: from here every run ends in the violation")
        step = steps[point - 1]
        steps[point - 1] = replace(step, notes=(*step.notes, TraceNote("no_return", text)))
    return replace(trace, steps=tuple(steps), no_return=point)
