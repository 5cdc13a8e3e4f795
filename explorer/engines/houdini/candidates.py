"""Candidate invariants from the reachable states (Daikon-style templates).

``A ==> x in S`` where ``A`` is a conjunction of ``element == value`` literals (possibly
empty) and ``S`` the set of values ``x`` takes in the reachable states where ``A`` holds;
every candidate holds in every reachable state by construction.  The templates come in
levels, each a superset of the one before (see ``LEVELS`` and the package docstring).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from explorer.ir import Model

LEVELS = ("control", "control pairs", "control x element")
"""The template levels, tried in this order (each includes the ones before)."""

MAX_CANDIDATES = 200_000
"""A level with more candidates than this is skipped (it would not be readable anyway)."""


@dataclass(frozen=True)
class Candidate:
    """``ante ==> element in allowed``; ``ante`` is ((element, value), ...), maybe empty."""

    ante: tuple[tuple[int, int], ...]
    element: int
    allowed: frozenset[int]

    def holds(self, state: Sequence[int]) -> bool:
        for slot, value in self.ante:
            if state[slot] != value:
                return True
        return state[self.element] in self.allowed



def control_elements(model: Model) -> list[int]:
    """The hidden elements (program counters, scheduler state); all if none is hidden."""
    hidden = [i for i, e in enumerate(model.elements) if e.hidden]
    return hidden or list(range(len(model.elements)))


def pair_elements(model: Model) -> list[int]:
    """The elements of pair antecedents: the control, plus ``current[..]``."""
    control = control_elements(model)
    extra = [i for i, e in enumerate(model.elements) if e.var == "current" and i not in control]
    return sorted(control + extra)


def _full(model: Model, slot: int, values: Iterable[int]) -> bool:
    return len(set(values)) >= model.elements[slot].sort.size


def _projections(states: Sequence[tuple[int, ...]], keys: Sequence[int]
                 ) -> dict[tuple[int, ...], list[set[int]]]:
    """Per value combination of the elements ``keys``: the values each element takes."""
    groups: dict[tuple[int, ...], list[tuple[int, ...]]] = {}
    for s in states:
        groups.setdefault(tuple(s[k] for k in keys), []).append(s)
    return {key: [set(column) for column in zip(*rows)] for key, rows in groups.items()}


def candidates(model: Model, states: Sequence[tuple[int, ...]], level: str,
               prune: bool = True) -> list[Candidate]:
    """The candidates of template ``level`` (and of the levels before it).

    With ``prune``, a candidate is left out when a candidate with a shorter antecedent
    (one literal fewer) allows the same values: it would be implied by that one.
    """
    n = len(model.elements)
    out: list[Candidate] = []
    if not states:
        return out
    columns_of: dict[tuple[tuple[int, int], ...], list[set[int]]] = {}

    def add(ante: tuple[tuple[int, int], ...], columns: list[set[int]]) -> None:
        columns_of[ante] = columns
        ante_slots = {slot for slot, _ in ante}
        parents = [columns_of.get(ante[:j] + ante[j + 1:]) for j in range(len(ante))]
        for x in range(n):
            if x in ante_slots or _full(model, x, columns[x]):
                continue
            if prune and any(p is not None and p[x] == columns[x] for p in parents):
                continue
            out.append(Candidate(ante, x, frozenset(columns[x])))

    add((), [set(column) for column in zip(*states)])
    index = LEVELS.index(level)
    keys = pair_elements(model)
    singles = [control_elements(model), keys, list(range(n))][index]
    for c in singles:
        for (v,), columns in sorted(_projections(states, (c,)).items()):
            add(((c, v),), columns)
    if index >= 1:
        others = list(range(n)) if index >= 2 else keys
        pairs = sorted({(min(a, b), max(a, b)) for a in keys for b in others if a != b})
        for c1, c2 in pairs:
            for (v1, v2), columns in sorted(_projections(states, (c1, c2)).items()):
                add(((c1, v1), (c2, v2)), columns)
    return out
