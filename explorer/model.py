"""The intermediate representation: a finite transition system with kernel-aware origins.

Every engine and the concrete semantics consume this one IR, so the meaning of a spec is
fixed once (by lowering) and the engines can be checked against each other.  The IR knows
nothing of parsing or of z3.

Values are plain Python ints everywhere: an enum member is its position in the enum, a
boolean is 0 or 1, a bounded integer is itself.  Sorts turn values back into text.

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
from typing import Iterator, Union


# --------------------------------------------------------------------------- sorts


@dataclass(frozen=True)
class BoolSort:
    """Booleans, 0 and 1."""

    name: str = "bool"

    @property
    def size(self) -> int:
        return 2

    def values(self) -> range:
        return range(2)

    def show(self, value: int) -> str:
        return "true" if value else "false"


@dataclass(frozen=True)
class EnumSort:
    """A finite set of named members; the value is the member's position."""

    name: str
    members: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.members)

    def values(self) -> range:
        return range(len(self.members))

    def show(self, value: int) -> str:
        return self.members[value]

    def value_of(self, member: str) -> int:
        return self.members.index(member)


@dataclass(frozen=True)
class IntSort:
    """The integers ``lo..hi`` inclusive."""

    lo: int
    hi: int

    @property
    def name(self) -> str:
        return f"{self.lo}..{self.hi}"

    @property
    def size(self) -> int:
        return self.hi - self.lo + 1

    def values(self) -> range:
        return range(self.lo, self.hi + 1)

    def show(self, value: int) -> str:
        return str(value)


Sort = Union[BoolSort, EnumSort, IntSort]
BOOL = BoolSort()


def in_range(sort: Sort, value: int) -> bool:
    """Whether ``value`` is a value of ``sort``."""
    if isinstance(sort, IntSort):
        return sort.lo <= value <= sort.hi
    return 0 <= value < sort.size


# --------------------------------------------------------------------------- expressions


@dataclass(frozen=True)
class Const:
    sort: Sort
    value: int


@dataclass(frozen=True)
class Read:
    """The value of a scalar variable (``index is None``) or of one array element."""

    var: str
    index: "Expr | None"
    sort: Sort


@dataclass(frozen=True)
class Not:
    arg: "Expr"
    sort: Sort = BOOL


@dataclass(frozen=True)
class And:
    args: tuple["Expr", ...]
    sort: Sort = BOOL


@dataclass(frozen=True)
class Or:
    args: tuple["Expr", ...]
    sort: Sort = BOOL


@dataclass(frozen=True)
class Eq:
    left: "Expr"
    right: "Expr"
    sort: Sort = BOOL


@dataclass(frozen=True)
class Lt:
    left: "Expr"
    right: "Expr"
    sort: Sort = BOOL


@dataclass(frozen=True)
class Le:
    left: "Expr"
    right: "Expr"
    sort: Sort = BOOL


@dataclass(frozen=True)
class Add:
    """Integer addition; the result may leave ``sort`` (lowering guards against that)."""

    left: "Expr"
    right: "Expr"
    sort: Sort


@dataclass(frozen=True)
class Sub:
    left: "Expr"
    right: "Expr"
    sort: Sort


@dataclass(frozen=True)
class Ite:
    cond: "Expr"
    then: "Expr"
    else_: "Expr"
    sort: Sort


Expr = Union[Const, Read, Not, And, Or, Eq, Lt, Le, Add, Sub, Ite]

TRUE = Const(BOOL, 1)
FALSE = Const(BOOL, 0)


def children(expr: Expr) -> tuple[Expr, ...]:
    """The direct subexpressions of ``expr``."""
    if isinstance(expr, Const):
        return ()
    if isinstance(expr, Read):
        return () if expr.index is None else (expr.index,)
    if isinstance(expr, Not):
        return (expr.arg,)
    if isinstance(expr, (And, Or)):
        return expr.args
    if isinstance(expr, Ite):
        return (expr.cond, expr.then, expr.else_)
    return (expr.left, expr.right)


def reads(expr: Expr) -> Iterator[Read]:
    """Every variable read in ``expr`` (outermost first)."""
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Read):
            yield node
        stack.extend(children(node))


# Smart constructors fold constants, so that lowering (which grounds actions per CPU and
# task) leaves guards as small as the instance allows.


def const_bool(value: bool) -> Const:
    return TRUE if value else FALSE


def not_(arg: Expr) -> Expr:
    if isinstance(arg, Const):
        return const_bool(not arg.value)
    if isinstance(arg, Not):
        return arg.arg
    return Not(arg)


def and_(*args: Expr) -> Expr:
    flat: list[Expr] = []
    for arg in args:
        if isinstance(arg, Const):
            if not arg.value:
                return FALSE
            continue
        if isinstance(arg, And):
            flat.extend(arg.args)
        elif arg not in flat:
            flat.append(arg)
    if not flat:
        return TRUE
    if len(flat) == 1:
        return flat[0]
    return And(tuple(flat))


def or_(*args: Expr) -> Expr:
    flat: list[Expr] = []
    for arg in args:
        if isinstance(arg, Const):
            if arg.value:
                return TRUE
            continue
        if isinstance(arg, Or):
            flat.extend(arg.args)
        elif arg not in flat:
            flat.append(arg)
    if not flat:
        return FALSE
    if len(flat) == 1:
        return flat[0]
    return Or(tuple(flat))


def implies(left: Expr, right: Expr) -> Expr:
    return or_(not_(left), right)


def eq(left: Expr, right: Expr) -> Expr:
    if isinstance(left, Const) and isinstance(right, Const):
        return const_bool(left.value == right.value)
    if left == right:
        return TRUE
    if isinstance(left, Const) and not isinstance(right, Const):
        left, right = right, left
    return Eq(left, right)


def lt(left: Expr, right: Expr) -> Expr:
    if isinstance(left, Const) and isinstance(right, Const):
        return const_bool(left.value < right.value)
    return Lt(left, right)


def le(left: Expr, right: Expr) -> Expr:
    if isinstance(left, Const) and isinstance(right, Const):
        return const_bool(left.value <= right.value)
    return Le(left, right)


def add(left: Expr, right: Expr, sort: Sort) -> Expr:
    if isinstance(left, Const) and isinstance(right, Const):
        return Const(sort, left.value + right.value)
    return Add(left, right, sort)


def sub(left: Expr, right: Expr, sort: Sort) -> Expr:
    if isinstance(left, Const) and isinstance(right, Const):
        return Const(sort, left.value - right.value)
    return Sub(left, right, sort)


def ite(cond: Expr, then: Expr, else_: Expr) -> Expr:
    if isinstance(cond, Const):
        return then if cond.value else else_
    if then == else_:
        return then
    if then == TRUE and else_ == FALSE:
        return cond
    if then == FALSE and else_ == TRUE:
        return not_(cond)
    return Ite(cond, then, else_, then.sort)


# --------------------------------------------------------------------------- state


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


def rewrite(expr: Expr, visit) -> Expr:
    """Rebuild ``expr`` bottom-up through the smart constructors; ``visit(node)`` may return
    a replacement for a node (after its children were rewritten), or None to keep it."""
    if isinstance(expr, Const):
        new: Expr = expr
    elif isinstance(expr, Read):
        new = expr if expr.index is None else Read(expr.var, rewrite(expr.index, visit), expr.sort)
    elif isinstance(expr, Not):
        new = not_(rewrite(expr.arg, visit))
    elif isinstance(expr, And):
        new = and_(*(rewrite(a, visit) for a in expr.args))
    elif isinstance(expr, Or):
        new = or_(*(rewrite(a, visit) for a in expr.args))
    elif isinstance(expr, Ite):
        new = ite(rewrite(expr.cond, visit), rewrite(expr.then, visit), rewrite(expr.else_, visit))
    else:
        left, right = rewrite(expr.left, visit), rewrite(expr.right, visit)
        new = {Eq: lambda: eq(left, right), Lt: lambda: lt(left, right), Le: lambda: le(left, right),
               Add: lambda: add(left, right, expr.sort), Sub: lambda: sub(left, right, expr.sort)}[type(expr)]()
    replaced = visit(new)
    return new if replaced is None else replaced
