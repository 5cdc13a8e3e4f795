"""One step's meaning: the guard a path's decisions give it, the updates of its
statement, its range checks, assertions and the pointers it dereferences.

``actions`` grounds every path of every piece of code on a CPU and a task and asks this
module what that path does; an ``atomic`` block or an inlined call inside a step is
executed here statement by statement, reads seeing the step's earlier writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from explorer import ir
from explorer.ir import IntSort
from explorer.lang import ast
from explorer.lang.cfg import Frame, Graph, Path
from explorer.lang.errors import SpecError
from explorer.lang.liveness import live_locals
from explorer.lang.lower.runtime import Runtime
from explorer.lang.nulls import NullChecks
from explorer.lang.printer import expr_text
from explorer.lang.scope import Scope
from explorer.lang.values import Bindings, Ground, Place, Writes


@dataclass
class Effect:
    """What one path does: its extra guard, its writes, where it leaves the context."""

    guard: ir.Expr
    updates: list[ir.Update]
    next: int
    node: int
    range_ok: ir.Expr = ir.TRUE
    nulls: list[tuple[ir.Expr, str]] = field(default_factory=list)
    """Where a dereference of this path finds its pointer none, and the pointer's text."""
    asserts: list[tuple[str, ir.Expr, str]] = field(default_factory=list)



class Steps:
    """What each path of the code does, grounded."""

    def __init__(self, scope: Scope, rt: Runtime, decls: list[ast.Decl]):
        self.scope = scope
        self.rt = rt
        self.decls = decls
        self._live: dict[int, dict[int, frozenset[tuple]]] = {}

    def effect(self, graph: Graph, path: Path, ground: Ground) -> Effect:
        """Guard and updates of a path: its decisions, then its step (if it ends in one);
        the pointers it dereferences, each under the decisions taken before it (``nulls``)."""
        nulls = self.scope.nulls = NullChecks()
        try:
            effect = self._path_effect(graph, path, ground, nulls)
        finally:
            self.scope.nulls = None
        effect.nulls = nulls.checks
        self._clear(graph, path, effect, ground)
        return effect

    def _path_effect(self, graph: Graph, path: Path, ground: Ground, nulls: NullChecks) -> Effect:
        scope = self.scope
        conds: list[ir.Expr] = []
        for node_id, taken in path.decisions:
            node = graph.nodes[node_id]
            with nulls.guarded(ir.and_(*conds)):
                cond = scope.boolean(node.cond, node.bindings, ground)
            conds.append(cond if taken else ir.not_(cond))
        end = graph.nodes[path.end]
        effect = Effect(ir.and_(*conds), [], path.end, path.end)
        if end.kind == "end":
            effect.next = graph.end
            return effect
        effect.next = end.next
        if isinstance(end.stmt, ast.CallStmt):
            return effect  # schedule(): what it does is the context switch it starts
        if is_switch(end.stmt, end.bindings):
            effect.updates = [self.rt.set("current", ground.cpu, self._switch_target(end.stmt, end.bindings, ground))]
            return effect
        writes = Writes()
        with nulls.guarded(effect.guard):
            if isinstance(end.stmt, ast.Let):  # the local's own step: capture its value
                assert self.scope.local_place is not None
                place = self.scope.local_place(end.in_scope[-1], ground)
                self._assign(place, end.stmt.value, end.bindings, ground, writes, effect)
            else:
                self._execute(end.stmt, end.bindings, ground, writes, effect, graph, end.stack)
        effect.updates = [ir.Update(p.var.name, p.index, v) for p, v in writes.log]
        return effect

    def _clear(self, graph: Graph, path: Path, effect: Effect, ground: Ground) -> None:
        """The locals this path leaves dead (out of scope, or never read again before their
        let runs again) get their sort's first value back."""
        start, end = graph.nodes[path.start], graph.nodes[path.end]
        target = graph.end if self.finishes(graph, effect.next) else effect.next
        if id(graph) not in self._live:
            self._live[id(graph)] = live_locals(graph)
        keep = self._live[id(graph)][target] & {local.key for local in graph.nodes[target].in_scope}
        gone = {local.key: local for local in start.in_scope + end.in_scope if local.key not in keep}
        if not gone:
            return
        assert self.scope.local_place is not None
        for local in gone.values():
            place = self.scope.local_place(local, ground)
            default = ir.Const(place.var.sort, next(iter(place.var.sort.values())))
            effect.updates = [u for u in effect.updates if not (u.var == place.var.name and u.index == place.index)]
            effect.updates.append(ir.Update(place.var.name, place.index, default))

    def finishes(self, graph: Graph, location: int) -> bool:
        """From here the code ends with no further step and no condition."""
        paths = graph.paths(location)
        return len(paths) == 1 and paths[0].end == graph.end and not paths[0].decisions

    def _assign(self, place: Place, expr: ast.Expr, bindings: Bindings, ground: Ground, writes: Writes,
                effect: Effect) -> None:
        scope = self.scope
        value = scope.deref(scope.lower(expr, bindings, ground, writes), place.var.sort, expr, bindings)
        sort = place.var.sort
        if isinstance(sort, IntSort) and not (sort.lo <= value.sort.lo and value.sort.hi <= sort.hi):
            effect.range_ok = ir.and_(effect.range_ok, ir.le(ir.Const(sort, sort.lo), value),
                                      ir.le(value, ir.Const(sort, sort.hi)))
        writes.log.append((place, value))

    def _execute(self, stmt: ast.Stmt, bindings: Bindings, ground: Ground, writes: Writes,
                 effect: Effect, graph: Graph, stack: tuple[Frame, ...]) -> None:
        scope = self.scope
        if isinstance(stmt, ast.Assign) and is_switch(stmt, bindings):
            raise SpecError("write `current = next` as a step of its own (not inside atomic)", stmt.span)
        if isinstance(stmt, ast.Assign):
            self._assign(scope.place(stmt.target, bindings, ground, writes), stmt.value, bindings, ground, writes, effect)
        elif isinstance(stmt, ast.Assert):
            prop = stmt.property or "assert"
            if prop not in self._declared_properties():
                self.scope.still_used(prop, stmt.span)
                raise SpecError(f"assert names property {prop}, which is not declared (property {prop} \"…\")", stmt.span)
            cond = scope.boolean(stmt.cond, bindings, ground, writes)
            effect.asserts.append((prop, ir.not_(cond), f"assertion fails: {expr_text(stmt.cond, bindings)}"))
        elif isinstance(stmt, ast.Skip):
            pass
        elif isinstance(stmt, ast.Atomic):
            for inner in stmt.body:
                self._execute(inner, bindings, ground, writes, effect, graph, stack)
        elif isinstance(stmt, ast.CallStmt) and stmt.name != "schedule":
            frame, body, inner_bindings = graph.inline(stmt, stack, bindings)
            for inner in body:
                self._execute(inner, inner_bindings, ground, writes, effect, graph, stack + (frame,))
        elif isinstance(stmt, ast.Let):
            raise SpecError(f"let {stmt.name} inside atomic {{ }} (here or in a function it calls): a local "
                            "is captured by a step of its own", stmt.span)
        else:
            raise SpecError("an atomic block holds assignments, asserts, skips and calls only", stmt.span)

    def _switch_target(self, stmt: ast.Assign, bindings: Bindings, ground: Ground) -> int:
        """``current = next``: the stack switch in ``__switch_to`` (``this_cpu_write(current_task,
        next_p)``), the one place where ``current`` changes."""
        if ground.switch is None:
            raise SpecError("current changes only in context_switch (current = next, in __switch_to)", stmt.span)
        value = self.scope.lower(stmt.value, bindings, ground)
        if value != ir.Const(self.scope.task_sort, ground.switch[1]):
            raise SpecError("current can only become the task switched to (current = next)", stmt.value.span)
        return ground.switch[1]

    def _declared_properties(self) -> set[str]:
        names = {d.name for d in [d for d in self.decls if isinstance(d, ast.PropertyDecl)] if d.kind == "assertions"}
        return names | {"assert"}


def is_switch(stmt: ast.Stmt, bindings) -> bool:
    return (isinstance(stmt, ast.Assign) and isinstance(stmt.target, ast.Name)
            and stmt.target.name == "current" and "current" not in bindings)
