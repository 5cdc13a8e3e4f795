"""What a proof report is made from: plain data that ``explorer.app`` fills in.

The report layer never looks at a model or a spec; the caller summarises them here
(state variables with their sorts, number of actions, parameters, interleaving sources)
and hands over the verdicts of the variant and, optionally, of its base variant.
"""

from __future__ import annotations

import hashlib
import platform
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from explorer.verdict import Unknown, Verdict


@dataclass(frozen=True)
class StateVariable:
    name: str
    sort: str
    """The sort as the spec writes it: ``Data``, ``bool``, ``0..3``, ``Cpu -> Data``."""
    scope: str = ""
    """``global``, ``per-CPU``, ``per-task``... (free text, may be empty)."""
    hidden: bool = False


@dataclass(frozen=True)
class ModelSummary:
    state_variables: tuple[StateVariable, ...] = ()
    actions: int = 0
    parameters: tuple[tuple[str, str], ...] = ()
    """(name, value) pairs, e.g. (("cpus", "2"), ("vcpus", "1"))."""
    interleavings: tuple[str, ...] = ()
    """The interleaving sources that are on: ``preemption``, ``softirq``, ``sleep``..."""
    elements: int | None = None
    """Scalar slots of the state, if known."""


@dataclass(frozen=True)
class Reproducibility:
    explorer_version: str = ""
    z3_version: str = ""
    python_version: str = field(default_factory=lambda: platform.python_version())
    spec_hashes: tuple[tuple[str, str], ...] = ()
    """(path, SHA-256 hex digest) of every spec file read (the variant, its bases, includes)."""
    command_line: str = ""
    seed: int | None = None
    platform: str = field(default_factory=lambda: f"{sys.platform} {platform.machine()}")


@dataclass(frozen=True)
class Flip:
    """A property whose verdict class differs between the base variant and this one."""

    property: str
    base: Verdict
    variant: Verdict


@dataclass(frozen=True)
class ReportInput:
    variant: str
    spec: str
    verdicts: tuple[Verdict, ...]
    model: ModelSummary = ModelSummary()
    base: str | None = None
    """The base variant's name (``extends``), if any."""
    base_spec: str | None = None
    replaces: tuple[str, ...] = ()
    """Functions the variant replaces in its base."""
    adds: tuple[str, ...] = ()
    """Functions the variant adds to its base."""
    patch: tuple[tuple[str, str], ...] = ()
    """(function, unified line diff against the base) per replaced function."""
    removes: tuple[str, ...] = ()
    """Declarations of the base the variant removes (``remove var user_fpu``)."""
    base_verdicts: tuple[Verdict, ...] = ()
    reproducibility: Reproducibility = Reproducibility()
    description: str = ""
    """A line about the variant (the spec's first comment, the patch title)."""
    settings: str = ""
    """The run's settings as the trace header shows them (``preemption only``, params)."""
    timings: bool = True
    """Show times; without them a report is the same on every run and machine."""
    notes: tuple[str, ...] = ()
    """Warnings about the spec as a whole (steps never reached, vacuity not checked,
    functions never called)."""

    @property
    def flips(self) -> tuple[Flip, ...]:
        return flips(self.base_verdicts, self.verdicts)


def verdict_class(verdict: Verdict) -> str:
    """``ok`` (holds, proved, reached), ``fail`` (violated, unreached, unreachable) or
    ``unknown`` (no verdict, or a property that holds vacuously)."""
    if isinstance(verdict.outcome, Unknown) or verdict.vacuous:
        return "unknown"
    return "fail" if verdict.failed else "ok"


def flips(base: Iterable[Verdict], variant: Iterable[Verdict]) -> tuple[Flip, ...]:
    """The properties present in both whose verdict class changed, in ``variant`` order."""
    by_name = {v.property: v for v in base}
    out = []
    for v in variant:
        b = by_name.get(v.property)
        if b is not None and verdict_class(b) != verdict_class(v):
            out.append(Flip(v.property, b, v))
    return tuple(out)


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def spec_hashes(paths: Iterable[str | Path]) -> tuple[tuple[str, str], ...]:
    """(path, SHA-256) for each path, in the order given, duplicates dropped."""
    seen: dict[str, str] = {}
    for p in paths:
        seen.setdefault(str(p), sha256_file(p))
    return tuple(seen.items())
