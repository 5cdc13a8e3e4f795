"""The model: a finite transition system with kernel-aware origins.

Every engine and the concrete semantics consume this one IR, so the meaning of a spec is
fixed once (by lowering) and the engines can be checked against each other.  The IR knows
nothing of parsing or of z3.

A state variable is either a scalar or an array indexed by a finite sort; an *element* is
one scalar slot (the variable itself, or one array entry).  ``Model.elements`` fixes the
order of elements, which the concrete states (tuples of ints) and the z3 encoding share.

Actions are guarded commands: a guard over the current state and a list of updates whose
right-hand sides and indices are all evaluated in the current state, applied in order (a
later update of the same element wins).  Properties are given by their *bad* predicate
over states; a violation that is a step (an assertion, or an event such as "a save into
the task buffer while the registers hold guest data") is a bad predicate "that step is
enabled and its condition holds", with the step recorded in ``StepSite`` so that a
counterexample can end with the offending step.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field

from explorer.ir.expr import FALSE, Expr
from explorer.ir.sorts import Sort





@dataclass(frozen=True)
class Span:
    """A place in a spec file, for messages and for citing a step's source."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class StateVar:
    """A state variable: a scalar (``index is None``) or an array over a finite sort.

    ``init`` gives, per element (one for a scalar, one per index value in order for an
    array), the tuple of values the element may start with; more than one value makes the
    initial state nondeterministic.  ``style`` says how an element is named for people:
    ``scalar`` (``user_fpu``), ``index`` (``regs[cpu0]``) or ``field`` (``vcpu.fpu``).
    ``hidden`` marks control variables (program counters, scheduler bookkeeping) that
    traces do not list among the changed variables.
    """

    name: str
    sort: Sort
    index: Sort | None
    init: tuple[tuple[int, ...], ...]
    style: str = "scalar"
    hidden: bool = False
    doc: str = ""

    def element_names(self) -> list[str]:
        if self.index is None:
            return [self.name]
        names = []
        for value in self.index.values():
            key = self.index.show(value)
            names.append(f"{key}.{self.name}" if self.style == "field" else f"{self.name}[{key}]")
        return names


@dataclass(frozen=True)
class Origin:
    """Where an action comes from, in the kernel's terms.

    ``context`` is the thread, or ``sched`` / an interrupt handler's name; ``chain`` the
    kernel call chain (outermost first); ``statement`` the step's text with arguments
    substituted; ``citation`` the comment the spec writer put on the step.
    """

    context: str
    cpu: str | None
    chain: tuple[str, ...]
    statement: str
    span: Span | None = None
    citation: str = ""
    task: str | None = None


@dataclass(frozen=True)
class Update:
    """``var[index] := value`` (``index is None`` for a scalar), all evaluated before the step."""

    var: str
    index: Expr | None
    value: Expr


@dataclass(frozen=True)
class Action:
    name: str
    guard: Expr
    updates: tuple[Update, ...]
    origin: Origin


@dataclass(frozen=True)
class StepSite:
    """A step whose enabling with ``when`` true is a violation (``when`` includes the guard)."""

    action: str
    when: Expr
    message: str


@dataclass(frozen=True)
class Property:
    """A named property.

    ``kind`` is ``invariant`` (bad must be unreachable) or ``reach`` (a goal whose witness
    is wanted).  ``bad`` is the whole bad-state predicate: the state part and, for every
    step site, ``site.when``.  ``state_bad`` is the state part alone (FALSE if none).
    """

    name: str
    kind: str
    doc: str
    bad: Expr
    state_bad: Expr = FALSE
    sites: tuple[StepSite, ...] = ()
    text: str = ""
    span: Span | None = None
    sited: bool = False
    """Checked at step sites only (assertions, an event): with no site it checks nothing."""


@dataclass(frozen=True)
class Element:
    """One scalar slot of the state: a variable, or one entry of an array."""

    var: str
    index: int | None
    name: str
    sort: Sort
    hidden: bool


@dataclass(frozen=True)
class Model:
    """A finite transition system: variables, initial values, actions and properties."""

    name: str
    variables: tuple[StateVar, ...]
    actions: tuple[Action, ...]
    properties: tuple[Property, ...]
    params: tuple[tuple[str, str], ...] = ()
    _slots: dict = field(default_factory=dict, compare=False, repr=False)

    def var(self, name: str) -> StateVar:
        for variable in self.variables:
            if variable.name == name:
                return variable
        raise KeyError(name)

    def action(self, name: str) -> Action:
        for action in self.actions:
            if action.name == name:
                return action
        raise KeyError(name)

    def property(self, name: str) -> Property:
        for prop in self.properties:
            if prop.name == name:
                return prop
        raise KeyError(name)

    @builtins.property  # plain ``property`` is shadowed by the method above
    def elements(self) -> tuple[Element, ...]:
        """All scalar slots in a fixed order: variables in order, array entries by index."""
        cached = self._slots.get("elements")
        if cached is None:
            cached = tuple(
                Element(v.name, None if v.index is None else idx, name, v.sort, v.hidden)
                for v in self.variables
                for idx, name in zip(
                    [None] if v.index is None else list(v.index.values()), v.element_names()
                )
            )
            self._slots["elements"] = cached
        return cached

    def slot(self, var: str, index: int | None) -> int:
        """The position of an element in ``elements`` (and in a concrete state tuple)."""
        table = self._slots.get("slot")
        if table is None:
            table = {(e.var, e.index): i for i, e in enumerate(self.elements)}
            self._slots["slot"] = table
        return table[(var, index)]

    def initial_choices(self) -> tuple[tuple[int, ...], ...]:
        """Per element, the values it may start with (same order as ``elements``)."""
        return tuple(choice for v in self.variables for choice in v.init)
