"""Verdicts: what the trust gate established about one property, as plain data.

A verdict holds no z3 object and no IR expression, only strings, numbers and tuples, so
that it can cross a process boundary (parallel jobs), be written as JSON and be rendered
by the report layer without knowing how it was found.

Traces are stored twice over: as the raw values engines and replay work with (``raw``),
and as display strings per step for the report layer.  Both are plain data.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Union


Owners = tuple[tuple[str, tuple[str, ...]], ...]
"""(owner, the elements that hold its data) per owner: where each owner's data is."""


@dataclass(frozen=True)
class TraceNote:
    """A fact about a step that points at the cause of a violation.

    ``kind`` is ``cause`` (why the violating step violates: whose data was lost, which
    variable would leave its range and with which value), ``no_return`` (the first step
    after which every run of the model ends in the violation) or ``also_violated``
    (another property, ``property``, fails at this step too).
    """

    kind: str
    text: str
    property: str | None = None


@dataclass(frozen=True)
class TraceStep:
    """One step of a trace, as a kernel developer reads it."""

    index: int
    action: str
    cpu: str | None
    context: str
    chain: tuple[str, ...]
    statement: str
    location: str
    citation: str
    changes: tuple[tuple[str, str, str], ...]
    """(element, old value, new value) for the visible elements the step changed."""
    violation: str | None = None
    """For the step that violates the property: what was violated."""
    owners: Owners = ()
    """Where the data of each owner whose places this step changed is after it (no
    element: the data is lost)."""
    notes: tuple[TraceNote, ...] = ()


@dataclass(frozen=True)
class TraceElement:
    """One scalar slot of the state, named for people and tied to its variable.

    ``key`` is the array index as text (``cpu0``, ``vcpu``) or None for a scalar; the ITF
    writer uses it to rebuild per-variable maps.
    """

    name: str
    var: str
    key: str | None
    hidden: bool


Value = Union[str, int, bool]
"""A displayed value: an enum member's name, an integer or a boolean."""


@dataclass(frozen=True)
class Trace:
    """A run from an initial state.

    ``states[0]`` is the initial state and ``states[i]`` the state after step ``i``; a
    state gives one value per element of ``elements``, in that order, hidden ones
    included.  When the trace ends in a violating step (an assertion that fails, an event
    the property forbids), that step is the last of ``steps`` and is not applied: the run
    stops before it, so ``states`` then has as many entries as ``steps``; otherwise it has
    one more.  ``raw_states`` are the same states as the semantics' int tuples and
    ``actions`` the IR action names of the steps, for replay.
    """

    elements: tuple[TraceElement, ...]
    steps: tuple[TraceStep, ...]
    states: tuple[tuple[Value, ...], ...]
    raw_states: tuple[tuple[int, ...], ...]
    actions: tuple[str, ...]
    owners: Owners = ()
    """Where each owner's data is in the initial state."""
    no_return: int | None = None
    """The number of the first step after which every run ends in the violation (0: from
    the initial state on); None if it was not computed, ``no_return_note`` says why."""
    no_return_note: str = ""
    tasks: tuple[str, ...] = ()
    """Every task of the model, whether or not it takes a step in the run."""

    @property
    def depth(self) -> int:
        return len(self.steps)


@dataclass(frozen=True)
class Certificate:
    """The evidence behind a proof.

    ``kind`` is ``invariant`` (an inductive invariant, ``text`` in spec syntax) or
    ``k-induction`` (the property is k-inductive with simple paths, ``k`` given).
    ``checked`` is set only after an independent re-check succeeded.
    """

    kind: str
    text: str
    k: int | None = None
    checked: bool = False
    smt2: str = ""


@dataclass(frozen=True)
class Violated:
    trace: Trace

    @property
    def depth(self) -> int:
        return self.trace.depth


@dataclass(frozen=True)
class HoldsUpTo:
    bound: int


@dataclass(frozen=True)
class Proved:
    method: str
    certificate: Certificate


@dataclass(frozen=True)
class Unknown:
    reason: str
    bound: int = 0
    """Depth up to which the property is known to hold (0: nothing established)."""


Outcome = Union[Violated, HoldsUpTo, Proved, Unknown]


@dataclass(frozen=True)
class Verdict:
    """The outcome for one (spec, property) with how it was obtained."""

    spec: str
    variant: str
    property: str
    kind: str
    outcome: Outcome
    engine: str
    bound: int
    time_s: float
    stats: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    doc: str = ""
    vacuity: str = ""
    """Why a property that holds checks nothing ("": it does check something): none of
    its sites is left in the code, or none is ever reached."""

    @property
    def vacuous(self) -> bool:
        """It holds, but only because its checks never run: not a pass."""
        return bool(self.vacuity) and self.kind != "reach" and isinstance(self.outcome, (HoldsUpTo, Proved))

    @property
    def name(self) -> str:
        """The verdict word: violated / holds / proved / vacuous / unknown, or, for a reach
        goal, reached / unreached / unreachable."""
        outcome = self.outcome
        if self.vacuous:
            return "vacuous"
        if self.kind == "reach":
            if isinstance(outcome, Violated):
                return "reached"
            if isinstance(outcome, Proved):
                return "unreachable"
            if isinstance(outcome, HoldsUpTo):
                return "unreached"
            return "unknown"
        return {
            Violated: "violated",
            HoldsUpTo: "holds",
            Proved: "proved",
            Unknown: "unknown",
        }[type(outcome)]

    @property
    def failed(self) -> bool:
        """A property violated, or a reach goal not reached: the spec is not as asked."""
        if self.kind == "reach":
            return isinstance(self.outcome, (HoldsUpTo, Proved))
        return isinstance(self.outcome, Violated)

    @property
    def passed(self) -> bool:
        """A clean pass: it holds (to the bound, or proved) and not vacuously, or a reach goal
        is reached."""
        return not self.failed and not self.vacuous and not isinstance(self.outcome, Unknown)

    @property
    def depth(self) -> int | None:
        return self.outcome.depth if isinstance(self.outcome, Violated) else None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
