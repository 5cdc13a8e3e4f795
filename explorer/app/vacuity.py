"""Vacuity: properties that hold because nothing happens, and steps never reached.

Found by exhaustive exploration of the whole model (``explicit.explore``): a property
whose sites (consumption sites, the steps of an event) are never reached holds because
its checks never run, which is not a proof; a step of the spec that is never reached is
often a modelling mistake.  Runs as a job of its own (one per spec) under the same
timeout as the checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from explorer.engines.base import Options
from explorer.engines.explicit import explore
from explorer.lang import Spec, load_spec
from explorer.verdict import Verdict


@dataclass(frozen=True)
class Vacuity:
    """Per property its warnings, the properties that check nothing (with why), and the
    notes about the spec as a whole."""

    per_property: dict[str, tuple[str, ...]]
    notes: tuple[str, ...]
    vacuous: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class VacuityJob:
    spec: str
    params: tuple[tuple[str, str], ...]
    timeout_s: float | None
    memory_bytes: int | None = None
    loaded: Spec | None = field(default=None, compare=False, repr=False)
    """The spec as the parent loaded it (see ``jobs.Job.loaded``)."""

    def run(self, progress=None) -> Vacuity:
        spec = self.loaded or load_spec(self.spec, dict(self.params))
        return vacuity(spec, self.timeout_s, self.memory_bytes)


def vacuity(spec: Spec, timeout_s: float | None, memory_bytes: int | None = None) -> Vacuity:
    """Warnings that a property may hold vacuously, and steps of the spec never reached;
    when the state space is too large for ``timeout_s``, one note says vacuity was not
    checked."""
    model = spec.model
    result = explore(model, Options(timeout_s=timeout_s, memory_bytes=memory_bytes))
    if not result.complete:
        why = (f"within {timeout_s} s" if result.stopped == "timeout"
               else f"({result.stopped})")
        return Vacuity({}, (f"vacuity not checked: the state space was not explored {why}",))
    never = set(result.actions_never_enabled)
    per_property: dict[str, tuple[str, ...]] = {}
    vacuous: dict[str, str] = {}
    for prop in model.properties:
        places: dict[str, bool] = {}
        for site in prop.sites:
            origin = model.action(site.action).origin
            where = f"{origin.span} ({origin.statement})" if origin.span else origin.statement
            places[where] = places.get(where, False) or site.action not in never
        if not places:
            continue
        unreached = [where for where, reached in places.items() if not reached]
        if len(unreached) == len(places):
            vacuous[prop.name] = f"none of its {len(places)} site(s) is ever reached"
        elif unreached:
            per_property[prop.name] = ("site(s) never reached: " + "; ".join(sorted(unreached)),)
    by_place: dict[str, list[bool]] = {}
    for action in model.actions:
        if action.origin.span is not None:
            where = f"{action.origin.span} ({action.origin.statement})"
            by_place.setdefault(where, []).append(action.name not in never)
    dead = sorted((where for where, flags in by_place.items() if not any(flags)), key=_natural)
    return Vacuity(per_property, tuple(f"step never reached: {where}" for where in dead), vacuous)


def with_vacuity(verdicts: list[Verdict], found: Vacuity) -> list[Verdict]:
    """``verdicts`` with their vacuity warnings attached, and marked vacuous where their
    property checks nothing."""
    return [replace(v, warnings=tuple(v.warnings) + found.per_property.get(v.property, ()),
                    vacuity=v.vacuity or found.vacuous.get(v.property, ""))
            for v in verdicts]


def _natural(text: str) -> list:
    """Sort key that puts file:9:5 before file:10:1."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]
