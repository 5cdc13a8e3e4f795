"""The explicit engine: exhaustive breadth-first search over concrete states.

The search (``search.Search``) runs on the compiled semantics with parent links, so the
first bad state found is at the smallest depth and its run is a shortest counterexample;
the trust gate replays it on the reference semantics.  When no bad state is reachable the
claim is ``Safe("explicit")`` with the set of reachable states as its certificate, which
the gate re-checks with the reference semantics (initial states in, closed under
successors, no bad state).

``options.bound`` is not a limit for this engine: the search is exhaustive, and stops only
at the first bad state, at the end of the state space, or when ``options.timeout_s``
elapses (then ``Unknown`` with the depth fully explored as its bound).  ``explore`` gives
the same statistics for a whole model, without a property.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from explorer import semantics
from explorer.engines.base import (
    Counterexample, EngineResult, ExhaustiveCertificate, Found, Options, Safe,
)
from explorer.engines.explicit.search import Search
from explorer.ir import Model, Property
from explorer.verdict import Unknown


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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _result(model: Model, run: Search) -> ExploreResult:
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
    )


def explore(model: Model, options: Options = Options()) -> ExploreResult:
    """Exhaustive state-space statistics of ``model`` (no property)."""
    fast = semantics.Compiled(model)
    return _result(model, Search(model, fast, None, options).run())


def check(model: Model, prop: Property, options: Options = Options()) -> EngineResult:
    """Whether ``prop``'s bad states are reachable, by exhaustive breadth-first search."""
    fast = semantics.Compiled(model)
    run = Search(model, fast, prop, options).run()
    stats = _result(model, run).to_dict()
    stats["engine"] = "explicit"
    if run.found is not None:
        init, path = run.path(run.found)
        found = Counterexample(fast.unpack(init), tuple(model.actions[a].name for a in path))
        return EngineResult(Found(found), stats)
    if run.stopped:
        reason = f"timeout after {run.time_s:.1f} s" if run.stopped == "timeout" else run.stopped
        return EngineResult(Unknown(reason=reason, bound=run.explored_depth), stats)
    certificate = ExhaustiveCertificate(states=run.parent.keys(), diameter=stats["diameter"])
    return EngineResult(Safe("explicit", certificate), stats)
