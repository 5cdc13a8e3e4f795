"""What lowering carries around: the grounding of an action, by-name arguments, the
``none`` literal, variables, assignable places and a step's writes so far.

Lowering grounds every action on its CPU and its current task, so inside code
``this_cpu`` and ``current`` are constants and ``current.fpu`` is a fixed element.
Function arguments are passed by name: a parameter stands for the argument's expression,
evaluated where the parameter is used.  Within one step (an ``atomic`` block) a read sees
the step's earlier writes, which is how sequential statements become one parallel update.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Union

from explorer import ir
from explorer.ir import EnumSort, Sort
from explorer.lang import ast


@dataclass(frozen=True)
class Ground:
    """What is fixed for the action being lowered."""

    context: str
    """``thread``, ``sched``, ``irq``, ``global`` (properties) or ``init``."""
    cpu: int | None = None
    current: int | None = None
    interrupted_user: ir.Expr = ir.FALSE
    switch: tuple[int, int] | None = None
    """In a context switch: (prev, next), what the runtime passes to context_switch."""
    irq: tuple[str, ...] = ()
    """The handler kinds running on this CPU, the interrupted one first (``("softirq",
    "hardirq")``: a hardirq that interrupted a softirq handler)."""


@dataclass(frozen=True)
class ByName:
    """A function argument, passed by name: the caller's expression in the caller's scope."""

    expr: ast.Expr
    bindings: "Bindings"
    by_ref: bool
    sort: Sort | None


@dataclass(frozen=True, eq=False)
class Local:
    """A ``let`` in scope: the C local ``name`` of ``function``, declared by ``stmt``.

    Its value is state of the context that runs the code (per task in a thread, per CPU in
    a context switch or a handler), named by ``key``, which the copies of one function
    inlined at several calls share (no two of them are ever live at once: no recursion)."""

    name: str
    function: str
    stmt: ast.Let
    bindings: "Bindings"

    @property
    def key(self) -> tuple[str, str, int, int]:
        span = self.stmt.span
        return (self.function, self.name, span.line, span.column)


Bindings = Mapping[str, Union[ByName, ir.Const, Local]]


class _NoneValue:
    """The literal ``none``, whose sort (``Task?`` or ``Cpu?``) comes from the other side."""


NONE = _NoneValue()
Value = Union[ir.Expr, _NoneValue]


@dataclass(frozen=True)
class VarInfo:
    scope: str
    var: ir.StateVar
    span: ast.Span | None


@dataclass(frozen=True)
class Place:
    """An assignable element: a variable and its index (None for a scalar)."""

    var: ir.StateVar
    index: ir.Expr | None


@dataclass
class Writes:
    """The writes a step has made so far, in order."""

    log: list[tuple[Place, ir.Expr]] = field(default_factory=list)

    def read(self, place: Place) -> ir.Expr:
        value: ir.Expr = ir.Read(place.var.name, place.index, place.var.sort)
        for written, new in self.log:
            if written.var.name != place.var.name:
                continue
            if place.index is None:
                value = new
            else:
                value = ir.ite(ir.eq(place.index, written.index), new, value)
        return value


def option_of(sort: EnumSort) -> EnumSort:
    return EnumSort(sort.name + "?", ("none",) + sort.members)
