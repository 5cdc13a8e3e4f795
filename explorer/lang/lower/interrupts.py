"""Interrupt handlers as actions, nested as the kernel nests them.

A handler starts together with its first step and its last step also ends it, as
preemption does (``actions``).  A hardirq may interrupt a task or a running softirq
handler: over a softirq it keeps its own program counter (``nested_irq_pc``) and the
CPU stays in softirq mode, so the softirq goes on where it stopped once the hardirq
ends.  The handler's ground says which handlers run (``Ground.irq``), which is what the
context built-ins (``in_hardirq()``, ``softirq_count()``, …) read.
"""

from __future__ import annotations

from explorer import ir
from explorer.lang import ast
from explorer.lang.cfg import Graph
from explorer.lang.lower.runtime import Runtime
from explorer.lang.lower.steps import Steps
from explorer.lang.scope import Scope
from explorer.lang.values import Ground


class InterruptActions:
    """The handler half of ``Actions`` (which inherits it, with ``_add``, ``steps``
    and ``_of``)."""

    rt: Runtime
    scope: Scope
    steps: Steps
    handler_graphs: dict[str, Graph]

    def _handler_actions(self, decl: ast.HandlerDecl, cpu: int, task: int) -> None:
        """A handler over the task, and a hardirq also over a running softirq handler.

        The kernel nests interrupts this way only: a hardirq may interrupt a task or a
        softirq handler (softirqs run with interrupts on), a softirq runs only from task
        context (``irq_exit()`` and ``local_bh_enable()`` run none when ``in_interrupt()``),
        so it never interrupts a hardirq nor another softirq, and a hardirq runs with
        interrupts off, so nothing interrupts it."""
        self._handler_on(decl, cpu, task, nested=False)
        if decl.kind == "hardirq" and self.rt.nests:
            self._handler_on(decl, cpu, task, nested=True)

    def _handler_on(self, decl: ast.HandlerDecl, cpu: int, task: int, nested: bool) -> None:
        graph = self.handler_graphs[decl.name]
        user = ir.FALSE if nested else self.rt.user_mode(task)
        kinds = ("softirq", decl.kind) if nested else (decl.kind,)
        ground = Ground("irq", cpu, task, user, irq=kinds)
        rule = next(d for d in self._of(ast.InterruptDecl) if d.kind == decl.kind)
        allowed = ir.and_(self.scope.boolean(rule.when, {}, Ground("thread", cpu, task)),
                          self.scope.boolean(decl.when, {}, ground))
        pc = "nested_irq_pc" if nested else "irq_pc"
        current = self.rt.is_("current", cpu, task)
        if nested:
            running = ir.and_(self.rt.mode_is(cpu, "softirq"), self.rt.is_(pc, cpu, 0), current)
            enter: list[ir.Update] = []
        else:
            running = ir.and_(self.rt.mode_is(cpu, "task"), current)
            enter = self.rt.set_mode(cpu, decl.kind)
        for path in graph.paths(graph.entry):
            if graph.nodes[path.end].kind == "end":
                continue  # the handler did nothing: no step
            effect = self.steps.effect(graph, path, ground)
            updates = enter + effect.updates + self._irq_continue(decl, cpu, effect.next, nested)
            self._add(ir.and_(running, allowed, effect.guard), updates, graph, path.end, ground, decl.name, path, None, effect)
        inside = ir.and_(self.rt.mode_is(cpu, "softirq" if nested else decl.kind), current)
        if decl.kind == "softirq" and self.rt.nests:
            inside = ir.and_(inside, self.rt.is_("nested_irq_pc", cpu, 0))  # not while a hardirq runs on top
        for (handler, location), value in self.rt.irq_loc.items():
            if handler != decl.name:
                continue
            at = ir.and_(inside, self.rt.is_(pc, cpu, value))
            for path in graph.paths(location):
                effect = self.steps.effect(graph, path, ground)
                updates = effect.updates + self._irq_continue(decl, cpu, effect.next, nested)
                statement = None if graph.nodes[path.end].kind == "step" else "irq_exit"
                self._add(ir.and_(at, effect.guard), updates, graph, path.end, ground, decl.name, path, statement, effect)

    def _irq_continue(self, decl: ast.HandlerDecl, cpu: int, location: int, nested: bool) -> list[ir.Update]:
        graph = self.handler_graphs[decl.name]
        pc = "nested_irq_pc" if nested else "irq_pc"
        if location == graph.end or self.steps.finishes(graph, location):
            back = [] if nested else self.rt.set_mode(cpu, "task")  # a nested hardirq returns to the softirq
            return back + [self.rt.set(pc, cpu, 0)]
        return [self.rt.set(pc, cpu, self.rt.irq_loc[(decl.name, location)])]
