"""The explicit engine: exhaustive breadth-first search over concrete states.

The search (``bfs.Bfs``, its loop compiled by numba in ``kernel``) goes level by level,
so the first bad state found is at the smallest depth and its run, rebuilt through the
levels, is a shortest counterexample; the trust gate replays it on the reference
semantics.  When no bad state is reachable the
claim is ``Safe("explicit")`` with the set of reachable states as its certificate, which
the gate re-checks with the reference semantics (initial states in, closed under
successors, no bad state).

With ``--reduction por`` (or ``all``) a check follows stubborn sets only (``por``): the
certificate records each reduced state's set for the gate, and a counterexample found so
is searched again without the reduction, for its shortest depth (``_shortest``).

``options.bound`` is not a limit for this engine: the search is exhaustive, and stops only
at the first bad state, at the end of the state space, or when ``options.timeout_s``
elapses (then ``Unknown`` with the depth fully explored as its bound).  ``explore`` gives
the same statistics for a whole model, without a property.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from explorer import semantics
from explorer.engines.base import (
    Counterexample, EngineResult, ExhaustiveCertificate, Found, Options, Safe,
)
from explorer.engines.explicit.bfs import Bfs
from explorer.engines.explicit.symmetry import reductions
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
    """``symmetry`` when states were stored up to a group of symmetries, ``por`` when
    states expanded stubborn sets only, ``all`` for both, else ``none``."""
    symmetries: tuple[str, ...] = ()
    """The generators of that group (``other0<->other1``, ``cpu0<->cpu1``)."""
    group_size: int = 1
    represented: int = 0
    """The states the stored ones stand for (the sum of their orbits; ``states`` itself
    without reduction).  With a group that does not fix the initial states this counts
    the images of unreachable states too: it is an upper bound of the full count.  With
    partial-order reduction the states left out are not counted: a lower bound."""
    por_reduced: int = 0
    """States expanded with a stubborn set smaller than their enabled actions."""

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
    if (reduced and not run.vacuity) or run.por:  # a group that may move the initial states, or states left out:
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
        reduction=("all" if reduced else "por") if run.por else "symmetry" if reduced else "none",
        por_reduced=run.reduced if run.por else 0,
        symmetries=tuple(g.name for g in run.reduction.generators),
        group_size=run.reduction.size,
        represented=run.represented,
    )


def explore(model: Model, options: Options = Options()) -> ExploreResult:
    """Exhaustive state-space statistics of ``model`` (no property), vacuity included."""
    return _result(model, Bfs(model, None, options).run())


def check(model: Model, prop: Property, options: Options = Options()) -> EngineResult:
    """Whether ``prop``'s bad states are reachable, by exhaustive breadth-first search."""
    run = Bfs(model, prop, options, partial_order=True).run()
    stats = _result(model, run).to_dict()
    stats["engine"] = "explicit"
    if run.found is not None:
        if run.por:
            run = _shortest(model, prop, options, run, stats)
        init, path = run.path(run.found)
        found = Counterexample(init, tuple(model.actions[a].name for a in path))
        return EngineResult(Found(found), stats)
    if run.stopped:
        reason = f"timeout after {run.time_s:.1f} s" if run.stopped == "timeout" else run.stopped
        return EngineResult(Unknown(reason=reason, bound=run.explored_depth), stats)
    ample, ample_sets = run.ample_sets() if run.por else (None, ())
    certificate = ExhaustiveCertificate(states=run.words(), diameter=stats["diameter"],
                                        symmetries=run.reduction.generators, ample=ample,
                                        ample_sets=ample_sets)
    return EngineResult(Safe("explicit", certificate), stats)


def _shortest(model: Model, prop: Property, options: Options, reduced: Bfs, stats: dict) -> Bfs:
    """A search without partial-order reduction, for a shortest counterexample: the
    reduced graph leaves out interleavings, so the first bad state it meets may be deeper
    than the shortest one (the full search stops at its first bad level, which is no
    deeper than the reduced one's).  Symmetry stays: it keeps shortest depths.  When the
    full search does not finish in the time left, the reduced run is kept and
    ``stats["shortest"]`` says so."""
    symmetric, _ = reductions(options.reduction)
    left = None if options.timeout_s is None else max(0.0, options.timeout_s - reduced.time_s)
    full = Bfs(model, prop, replace(options, reduction="symmetry" if symmetric else "none",
                                    timeout_s=left)).run()
    if full.found is None:
        stats["shortest"] = (f"not known: the search without partial-order reduction stopped "
                             f"({full.stopped or 'no bad state'}); this run may be longer than a shortest one")
        return reduced
    stats["shortest"] = "re-searched without partial-order reduction"
    stats["time_s"] = reduced.time_s + full.time_s
    return full
