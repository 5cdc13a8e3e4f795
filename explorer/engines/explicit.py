"""The explicit engine: exhaustive breadth-first search over concrete states.

States are explored with the fast path of the semantics (``semantics.Compiled``: states
packed into one int) in breadth-first order with parent pointers, so the first bad state
found is at the smallest depth and its run is a shortest counterexample.  That run is
handed to ``semantics.replay`` (the reference evaluator) which builds the trace and
refuses it if it is not a real run.

When no bad state is reachable the verdict is ``Proved(method="explicit")`` with an
``exhaustive`` certificate.  The certificate is marked ``checked`` only after an
independent re-check with the *reference* semantics: the set of states found contains
every initial state, is closed under ``semantics.successors`` and holds no bad state.

The re-check runs at the speed of the reference semantics (about a tenth of the fast
path); if ``options.timeout_s`` elapses during it, the verdict is still ``Proved`` (the
search was exhaustive) but with ``checked=False`` and ``stats["recheck"] == "timeout"``.

``options.bound`` is not a limit for this engine: the search is exhaustive, and stops only
at the first bad state, at the end of the state space, or when ``options.timeout_s``
elapses (then ``Unknown`` with the depth fully explored as its bound).

Besides the verdict, a run gathers the statistics a spec writer needs to trust a proof:
reachable states per depth, diameter, deadlocks, actions never enabled, and per property
whether its bad predicate is ever true and which step sites are never enabled (vacuity).
``explore`` gives the same statistics for a whole model, without a property.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

from explorer import semantics
from explorer.engines import EngineResult, Options
from explorer.model import Model, Property
from explorer.verdict import Certificate, Proved, Unknown, Violated

PROGRESS_EVERY_S = 0.5
MAX_DEADLOCK_EXAMPLES = 3
_CHECK_EVERY = 256  # states expanded between two looks at the clock


@dataclass(frozen=True)
class PropertyVacuity:
    """Per property: whether its bad predicate is ever true, and its step sites (as
    ``action: message``) that are never enabled with their condition."""

    name: str
    bad_reachable: bool
    sites_never_enabled: tuple[str, ...]


@dataclass(frozen=True)
class ExploreResult:
    """State-space statistics of a model, as plain data.

    ``complete`` is False when the search was stopped (timeout, a bad state found by
    ``check``, an evaluation error); the figures then cover the states explored so far.
    """

    model: str
    complete: bool
    states: int
    """Distinct states found."""
    expanded: int
    """States whose successors were computed (all of them when complete)."""
    transitions: int
    states_per_depth: tuple[int, ...]
    diameter: int
    deadlocks: int
    deadlock_examples: tuple[dict[str, Any], ...]
    actions_never_enabled: tuple[str, ...]
    properties: tuple[PropertyVacuity, ...]
    time_s: float
    states_per_s: float
    stopped: str = ""
    """Why the search stopped early ("" when complete): timeout, violation, error."""
    recheck_s: float | None = None
    """Time of the reference re-check (``check`` only, when it ran)."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Run:
    """The mutable state of one breadth-first search."""

    fast: semantics.Compiled
    parent: dict[int, int] = field(default_factory=dict)
    per_depth: list[int] = field(default_factory=list)
    transitions: int = 0
    expanded: int = 0
    deadlocks: int = 0
    deadlock_examples: list[int] = field(default_factory=list)
    enabled: bytearray = field(default_factory=bytearray)
    hits: dict[tuple, bool] = field(default_factory=dict)
    found: int | None = None
    stopped: str = ""
    explored_depth: int = 0
    """Every state at depth <= explored_depth has been found and checked."""
    time_s: float = 0.0
    abits: int = 1
    """Parent links are ``(parent state << abits) | action position``; -1 for an initial state."""


def _search(model: Model, fast: semantics.Compiled, prop: Property | None,
            options: Options) -> _Run:
    """Breadth-first search; stops at the first state bad for ``prop`` (if given)."""
    start = time.monotonic()
    deadline = None if options.timeout_s is None else start + options.timeout_s
    progress = options.progress
    next_progress = start + PROGRESS_EVERY_S
    abits = max(1, len(model.actions).bit_length())
    run = _Run(fast, enabled=bytearray(len(model.actions)), abits=abits)
    successors = fast.successors
    stop = fast.bad(prop) if prop is not None else None
    # A state whose badness is only a forbidden *step* makes a trace one step longer than
    # its level; a state bad in itself at the same level is a shorter counterexample.
    state_bad = fast.predicate(prop.state_bad) if prop is not None else None

    # vacuity predicates, dropped once seen true
    pending: list[tuple[tuple, Callable[[int], bool]]] = []
    for p in model.properties:
        if p is not prop:
            pending.append((("bad", p.name), fast.bad(p)))
        for i, site in enumerate(p.sites):
            pending.append((("site", p.name, i), fast.predicate(site.when)))
    for key, _ in pending:
        run.hits[key] = False
    if prop is not None:
        run.hits[("bad", prop.name)] = False

    def visit(t: int) -> bool:
        """Vacuity bookkeeping for a new state; True if it is bad for ``prop``."""
        nonlocal pending
        if pending:
            done = [key for key, pred in pending if pred(t)]
            if done:
                for key in done:
                    run.hits[key] = True
                pending = [(k, p) for k, p in pending if not run.hits[k]]
        if stop is not None and stop(t):
            run.hits[("bad", prop.name)] = True  # type: ignore[union-attr]
            return True
        return False

    def shortest(t: int) -> bool:
        """For a bad state: is no shorter counterexample possible at its level?"""
        return state_bad is not None and state_bad(t)

    parent = run.parent
    frontier: list[int] = []
    expanded = transitions = deadlocks = 0
    try:
        for s in fast.initial():
            if s not in parent:
                parent[s] = -1
                frontier.append(s)
                if visit(s) and (run.found is None or shortest(s)):
                    run.found = s
                    if shortest(s):
                        break
        run.per_depth.append(len(frontier))
        if run.found is not None:
            run.stopped = "violation"
            return run
        enabled = run.enabled
        deadlock_examples = run.deadlock_examples
        depth = 0
        while frontier:
            nxt: list[int] = []
            for s in frontier:
                if expanded % _CHECK_EVERY == 0:
                    now = time.monotonic()
                    if deadline is not None and now >= deadline:
                        run.stopped = "timeout"
                        run.explored_depth = depth
                        return run
                    if progress is not None and now >= next_progress:
                        next_progress = now + PROGRESS_EVERY_S
                        progress({"states": len(parent),
                                  "states_per_s": len(parent) / max(now - start, 1e-9),
                                  "depth": depth})
                succ = successors(s)
                expanded += 1
                if not succ:
                    deadlocks += 1
                    if len(deadlock_examples) < MAX_DEADLOCK_EXAMPLES:
                        deadlock_examples.append(s)
                    continue
                transitions += len(succ)
                for a, t in succ:
                    enabled[a] = 1
                    if t not in parent:
                        parent[t] = (s << abits) | a
                        nxt.append(t)
                        if (pending or stop is not None) and visit(t) and (run.found is None or shortest(t)):
                            run.found = t
                            if shortest(t):
                                run.per_depth.append(len(nxt))
                                run.stopped = "violation"
                                run.explored_depth = depth
                                return run
            if run.found is not None:
                # a forbidden step at this level; no state at it is bad in itself
                run.per_depth.append(len(nxt))
                run.stopped = "violation"
                run.explored_depth = depth
                return run
            depth += 1
            if nxt:
                run.per_depth.append(len(nxt))
            frontier = nxt
        run.explored_depth = depth
        return run
    except semantics.EvaluationError as error:
        run.stopped = f"evaluation error: {error}"
        return run
    finally:
        run.time_s = time.monotonic() - start
        run.expanded, run.transitions, run.deadlocks = expanded, transitions, deadlocks


def _path(run: _Run, state: int) -> tuple[int, list[int]]:
    """The initial state and the action positions leading to ``state``."""
    actions: list[int] = []
    abits = run.abits
    amask = (1 << abits) - 1
    while True:
        link = run.parent[state]
        if link == -1:
            actions.reverse()
            return state, actions
        actions.append(link & amask)
        state = link >> abits


def _result(model: Model, run: _Run, recheck_s: float | None = None) -> ExploreResult:
    fast = run.fast
    props = []
    for p in model.properties:
        never = tuple(
            f"{site.action}: {site.message}"
            for i, site in enumerate(p.sites)
            if not run.hits.get(("site", p.name, i), False)
        )
        props.append(PropertyVacuity(p.name, run.hits.get(("bad", p.name), False), never))
    states = len(run.parent)
    return ExploreResult(
        model=model.name,
        complete=not run.stopped,
        states=states,
        expanded=run.expanded,
        transitions=run.transitions,
        states_per_depth=tuple(run.per_depth),
        diameter=max(len(run.per_depth) - 1, 0),
        deadlocks=run.deadlocks,
        deadlock_examples=tuple(semantics.state_dict(model, fast.unpack(s))
                                for s in run.deadlock_examples),
        actions_never_enabled=tuple(a.name for a, e in zip(model.actions, run.enabled)
                                    if not e),
        properties=tuple(props),
        time_s=run.time_s,
        states_per_s=states / run.time_s if run.time_s > 0 else 0.0,
        stopped=run.stopped,
        recheck_s=recheck_s,
    )


def explore(model: Model, options: Options = Options()) -> ExploreResult:
    """Exhaustive state-space statistics of ``model`` (no property)."""
    fast = semantics.Compiled(model)
    run = _search(model, fast, None, options)
    return _result(model, run)


class _RecheckTimeout(Exception):
    pass


def _recheck(model: Model, prop: Property, run: _Run, deadline: float | None) -> str | None:
    """Re-verify with the reference semantics that the states found are closed and good;
    None if so, else what is wrong.  Raises ``_RecheckTimeout`` past ``deadline``."""
    unpack = run.fast.unpack
    states = {unpack(s) for s in run.parent}
    if len(states) != len(run.parent):
        return "two packed states unpack to the same state"
    for init in semantics.initial_states(model):
        if init not in states:
            return f"initial state {init} was not found"
    for count, state in enumerate(states):
        if deadline is not None and count % _CHECK_EVERY == 0 and time.monotonic() > deadline:
            raise _RecheckTimeout
        if semantics.is_bad(model, prop, state):
            return f"state {state} is bad"
        for number, nxt in semantics.successors(model, state):
            if nxt not in states:
                return f"successor of {state} by {model.actions[number].name} was not found"
    return None


def check(model: Model, prop: Property, options: Options = Options()) -> EngineResult:
    """Whether ``prop``'s bad states are reachable, by exhaustive breadth-first search."""
    fast = semantics.Compiled(model)
    run = _search(model, fast, prop, options)
    if run.found is not None:
        init, path = _path(run, run.found)
        trace = semantics.replay(model, prop, fast.unpack(init),
                                 [model.actions[a].name for a in path])
        stats = _result(model, run).to_dict()
        stats["engine"] = "explicit"
        return EngineResult(Violated(trace), stats)
    if run.stopped:
        stats = _result(model, run).to_dict()
        stats["engine"] = "explicit"
        if run.stopped == "timeout":
            reason = f"timeout after {run.time_s:.1f} s"
        else:
            reason = run.stopped
        return EngineResult(Unknown(reason=reason, bound=run.explored_depth), stats)
    start = time.monotonic()
    deadline = None
    if options.timeout_s is not None:
        deadline = start + max(options.timeout_s - run.time_s, 0.0)
    timed_out = False
    try:
        problem = _recheck(model, prop, run, deadline)
    except semantics.EvaluationError as error:
        problem = f"evaluation error: {error}"
    except _RecheckTimeout:
        problem, timed_out = None, True
    recheck_s = time.monotonic() - start
    result = _result(model, run, recheck_s)
    stats = result.to_dict()
    stats["engine"] = "explicit"
    if timed_out:
        # the search was exhaustive, but the independent re-check did not finish in time
        stats["recheck"] = "timeout"
        certificate = Certificate(
            kind="exhaustive",
            text=f"{result.states} reachable states, diameter {result.diameter}",
            checked=False,
        )
        return EngineResult(Proved(method="explicit", certificate=certificate), stats)
    if problem is not None:
        stats["recheck"] = problem
        return EngineResult(
            Unknown(reason=f"internal error: the reference re-check failed: {problem}",
                    bound=0),
            stats,
        )
    stats["recheck"] = "passed"
    certificate = Certificate(
        kind="exhaustive",
        text=f"{result.states} reachable states, diameter {result.diameter}",
        checked=True,
    )
    return EngineResult(Proved(method="explicit", certificate=certificate), stats)
