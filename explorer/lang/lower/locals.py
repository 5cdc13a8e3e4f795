"""``let`` locals as state: C's locals, captured at their step and read later in the call.

A local lives in the context that runs the code: per task in a thread (it stays with a
task that is preempted or migrates), per CPU in a context switch or an interrupt handler
(neither is ever interrupted by the other on its CPU).  Each ``let`` is one variable per
kind of context, ``FN.NAME`` (``vcpu.fpu_swap_kvm_fpstate.in_use``; ``sched.FN.NAME[cpu0]``,
``irq.FN.NAME[cpu0]``), whose sort is the sort of its value (or the one written,
``let n: 0..3 = …``).  A dead local holds its sort's first value: the step after which it is
never read again (its last read, or the end of its block or call) clears it
(``liveness``), so that no two states differ by a dead local.
"""

from __future__ import annotations

from explorer import ir
from explorer.ir import Sort
from explorer.lang import ast
from explorer.lang.cfg import Graph
from explorer.lang.errors import SpecError
from explorer.lang.nulls import NullChecks
from explorer.lang.scope import Scope
from explorer.lang.values import Ground, Local, Place

_INDEX = {"thread": "task", "sched": "cpu", "irq": "cpu"}


class Locals:
    """Creates each local's variable the first time code of a kind of context uses it."""

    def __init__(self, scope: Scope, graphs: list[tuple[str, Graph]]):
        self.scope = scope
        self.graphs = graphs
        """(kind of context, graph) for every piece of code."""
        self.vars: dict[tuple[str, tuple], ir.StateVar] = {}
        self.names: set[str] = set()
        scope.local_place = self.place

    def variables(self) -> list[ir.StateVar]:
        """Every local of the spec, in the order of the code (so that states are stable)."""
        for kind, graph in self.graphs:
            for node in graph.nodes:
                if isinstance(node.stmt, ast.Let):
                    self.place(node.in_scope[-1], _ground(kind))
        return list(self.vars.values())

    def place(self, local: Local, ground: Ground) -> Place:
        kind = ground.context
        if kind not in _INDEX:
            raise SpecError(f"{local.name} is a local of {local.function}: code only", local.stmt.span)
        var = self.vars.get((kind, local.key))
        if var is None:
            var = self._create(kind, local)
        if _INDEX[kind] == "task":
            return Place(var, ir.Const(self.scope.task_sort, ground.current))
        return Place(var, ir.Const(self.scope.cpu_sort, ground.cpu))

    def _create(self, kind: str, local: Local) -> ir.StateVar:
        sort = self._sort(kind, local)
        base = f"{local.function}.{local.name}" if kind == "thread" else f"{kind}.{local.function}.{local.name}"
        name = base
        if name in self.names:
            name = f"{base}:{local.stmt.span.line}"
        self.names.add(name)
        index = self.scope.task_sort if _INDEX[kind] == "task" else self.scope.cpu_sort
        default = next(iter(sort.values()))
        style = "field" if kind == "thread" else "index"
        var = ir.StateVar(name, sort, index, tuple((default,) for _ in index.values()), style,
                          doc=f"let {local.name} in {local.function}")
        self.vars[(kind, local.key)] = var
        return var

    def _sort(self, kind: str, local: Local) -> Sort:
        stmt = local.stmt
        if stmt.sort is not None:
            return self.scope.sort(stmt.sort)
        scope = self.scope
        saved, scope.nulls = scope.nulls, NullChecks()
        try:
            value = scope.lower(stmt.value, local.bindings, _ground(kind))
        finally:
            scope.nulls = saved
        if not isinstance(value, ir.Expr):
            raise SpecError(f"let {local.name} = none: give it a sort (let {local.name}: Task? = none)", stmt.span)
        return value.sort


def _ground(kind: str) -> Ground:
    """Any grounding of the kind: a value's sort does not depend on the CPU or the task."""
    return Ground(kind, 0, 0, switch=(0, 0) if kind == "sched" else None)
