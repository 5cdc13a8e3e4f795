"""The explicit engine: exhaustive breadth-first search over concrete states.

The search (``bfs.Bfs``, its loop compiled by numba in ``kernel``) goes level by level,
so the first bad state found is at the smallest depth and its run, rebuilt through the
levels, is a shortest counterexample; the trust gate replays it on the reference
semantics.  When no bad state is reachable the
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
from explorer.engines.explicit.bfs import Bfs
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
    """Empty after a check reduced by symmetry (only ``explore`` and vacuity say it then)."""
    properties: tuple[PropertyVacuity, ...]
    time_s: float
    states_per_s: float
    stopped: str = ""
    """Why the search stopped early ("" when complete): timeout, violation, error, memory."""
    bytes_per_state: float = 0.0
    """Memory of the stored states and of the visited set, per state."""
    reduction: str = "none"
    """``symmetry`` when states were stored up to a group of symmetries, else ``none``."""
    symmetries: tuple[str, ...] = ()
    """The generators of that group (``other0<->other1``, ``cpu0<->cpu1``)."""
    group_size: int = 1
    represented: int = 0
    """The states the stored ones stand for (the sum of their orbits; ``states`` itself
    without reduction).  With a group that does not fix the initial states this counts
    the images of unreachable states too: it is an upper bound of the full count."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _result(model: Model, run: Bfs) -> ExploreResult:
    reduced = run.reduction.size > 1
    # which actions and sites are images of each other: needed only where they are
    # reported (vacuity runs, whose group fixes the initial states)
    orbits = run.reduction.orbits(model) if reduced and run.vacuity else None
    props = []
    if run.vacuity:
        for p in model.properties:
            hit = [run.hit(("site", p.name, i)) for i in range(len(p.sites))]
            if orbits is not None:  # a site's image is enabled in the image states
                seen = {orbits.sites[p.name][i] for i, h in enumerate(hit) if h}
                hit = [orbits.sites[p.name][i] in seen for i in range(len(p.sites))]
            never = tuple(f"{site.action}: {site.message}" for i, site in enumerate(p.sites) if not hit[i])
            props.append(PropertyVacuity(p.name, run.hit(("bad", p.name)), never))
    enabled = [bool(e) for e in run.enabled[:len(model.actions)]]
    if reduced and not run.vacuity:  # a group that may move the initial states:
        enabled = [True] * len(enabled)  # nothing exact can be said of single actions
    elif orbits is not None:
        seen = {orbits.actions[a] for a, e in enumerate(enabled) if e}
        enabled = [orbits.actions[a] in seen for a in range(len(model.actions))]
    states = run.count
    per_depth = run.per_depth()
    return ExploreResult(
        model=model.name,
        complete=not run.stopped,
        states=states,
        expanded=run.expanded,
        transitions=run.transitions,
        states_per_depth=per_depth,
        diameter=max(len(per_depth) - 1, 0),
        deadlocks=run.deadlocks,
        deadlock_examples=tuple(semantics.state_dict(model, run.unpacked(i)) for i in run.deadlock_examples),
        actions_never_enabled=tuple(a.name for a, e in zip(model.actions, enabled) if not e),
        properties=tuple(props),
        time_s=run.time_s,
        states_per_s=states / run.time_s if run.time_s > 0 else 0.0,
        stopped=run.stopped,
        bytes_per_state=run.bytes_per_state,
        reduction="symmetry" if reduced else "none",
        symmetries=tuple(g.name for g in run.reduction.generators),
        group_size=run.reduction.size,
        represented=run.represented,
    )


def explore(model: Model, options: Options = Options()) -> ExploreResult:
    """Exhaustive state-space statistics of ``model`` (no property), vacuity included."""
    return _result(model, Bfs(model, None, options).run())


def check(model: Model, prop: Property, options: Options = Options()) -> EngineResult:
    """Whether ``prop``'s bad states are reachable, by exhaustive breadth-first search."""
    run = Bfs(model, prop, options).run()
    stats = _result(model, run).to_dict()
    stats["engine"] = "explicit"
    if run.found is not None:
        init, path = run.path(run.found)
        found = Counterexample(init, tuple(model.actions[a].name for a in path))
        return EngineResult(Found(found), stats)
    if run.stopped:
        reason = f"timeout after {run.time_s:.1f} s" if run.stopped == "timeout" else run.stopped
        return EngineResult(Unknown(reason=reason, bound=run.explored_depth), stats)
    certificate = ExhaustiveCertificate(states=run.words(), diameter=stats["diameter"],
                                        symmetries=run.reduction.generators)
    return EngineResult(Safe("explicit", certificate), stats)
