"""Grounded actions: every step of every thread, context switch and interrupt handler,
per CPU and per task (and per ``prev``/``next`` in a switch), with its kernel origin.

Preemption and an interrupt *start* together with the first step of the code they run,
and the code's last step also ends it (no extra step for control transfers).  What a
kernel developer reads in a trace comes from here: each action's origin carries the CPU,
the context, the call chain, the statement and the source line.
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer import ir
from explorer.lang import ast
from explorer.lang.cfg import Frame, Graph, Path
from explorer.lang.errors import SpecError
from explorer.lang.lower.interrupts import InterruptActions
from explorer.lang.lower.runtime import Runtime
from explorer.lang.lower.steps import Effect, Steps
from explorer.lang.nulls import message as null_message
from explorer.lang.printer import stmt_text
from explorer.lang.program import Program
from explorer.lang.scope import Scope
from explorer.lang.values import Ground


@dataclass
class _Entry:
    """An action and the calls whose first step it takes (for event properties)."""

    action: str
    guard: ir.Expr
    ground: Ground
    frames: tuple[Frame, ...]


class Actions(InterruptActions):
    """Builds the model's actions, the step sites of assertions and range checks, and the
    calls each action enters (for event properties)."""

    def __init__(self, program: Program, scope: Scope, rt: Runtime, preempt: ast.PreemptDecl | None):
        self.program = program
        self.scope = scope
        self.rt = rt
        self.decls = program.decls
        self.tasks = rt.tasks
        self.graphs = rt.graphs
        self.sched = rt.sched
        self.handlers = rt.handlers
        self.handler_graphs = rt.handler_graphs
        self.preempt = preempt
        self.actions: list[ir.Action] = []
        self.entries: list[_Entry] = []
        self.sites: dict[str, list[ir.StepSite]] = {}
        self.steps = Steps(scope, rt, self.decls)

    @property
    def cpus(self) -> range:
        return range(self.scope.cpu_sort.size)

    def _of(self, kind):
        return [d for d in self.decls if isinstance(d, kind)]

    def lower(self) -> None:
        for task, (name, _) in enumerate(self.tasks):
            for cpu in self.cpus:
                self._thread_actions(task, name, cpu)
        if self.sched is not None:
            for cpu in self.cpus:
                for prev in range(len(self.tasks)):
                    for nxt in range(len(self.tasks)):
                        if prev != nxt:
                            self._sched_actions(cpu, prev, nxt)
        for decl in self.handlers:
            for cpu in self.cpus:
                for task in range(len(self.tasks)):
                    self._handler_actions(decl, cpu, task)

    def _add(self, guard: ir.Expr, updates: list[ir.Update], graph: Graph, node: int, ground: Ground,
             context: str, path: Path | None, statement: str | None = None,
             effect: Effect | None = None, frames: tuple[Frame, ...] = ()) -> None:
        """Record one action with its origin and its sites, unless it can never be taken and
        carries no range check that could fail (``c = 7`` on ``0..3`` is such a step: it is
        never taken, and its range check is a ``bounds`` violation wherever it is reached)."""
        out_of_range: ir.Expr = ir.FALSE
        nulls: list[tuple[ir.Expr, str]] = []
        if effect is not None:
            out_of_range = ir.and_(guard, ir.not_(effect.range_ok))
            nulls = [(ir.and_(guard, when), pointer) for when, pointer in effect.nulls]
            guard = ir.and_(guard, effect.range_ok, *(ir.not_(when) for when, _ in effect.nulls))
        if guard == ir.FALSE and out_of_range == ir.FALSE and all(when == ir.FALSE for when, _ in nulls):
            return
        origin = self._origin(graph, node, ground, context, statement)
        label = origin.chain[-1] if origin.chain else context
        name = f"{context}@{origin.cpu}#{len(self.actions)}:{label}"
        if origin.span is not None:
            name += f":{origin.span.line}"
        self.actions.append(ir.Action(name, guard, tuple(updates), origin))
        if effect is not None:
            for prop, when, message in effect.asserts:
                self.sites.setdefault(prop, []).append(ir.StepSite(name, ir.and_(guard, when), message))
            if out_of_range != ir.FALSE:
                self.sites.setdefault("bounds", []).append(
                    ir.StepSite(name, out_of_range, f"{origin.statement} leaves the range of its variable"))
            for when, pointer in nulls:
                if when != ir.FALSE:
                    self.sites.setdefault("null_deref", []).append(ir.StepSite(name, when, null_message(pointer)))
        if path is not None:
            frames = frames + graph.entered(path)
        if frames:
            self.entries.append(_Entry(name, guard, ground, frames))

    def _origin(self, graph: Graph, node_id: int, ground: Ground, context: str, statement: str | None) -> ir.Origin:
        node = graph.nodes[node_id]
        chain = node.chain
        cpu = self.scope.cpu_sort.members[ground.cpu]
        task = None if ground.current is None else self.scope.task_sort.members[ground.current]
        if node.kind != "step":
            return ir.Origin(context, cpu, chain, statement or "", None, "", task)
        span = node.span
        text = stmt_text(node.stmt, node.bindings)
        citation = self._comment(span)
        innermost = node.stack[-1] if node.stack else None
        if (innermost is not None and not innermost.is_label and innermost.call is not None
                and _is_primitive(self.scope.fns[innermost.name])):
            # A one-statement function (preempt_disable(), copy_fpregs_to_fpstate(x)) is a
            # primitive: the trace shows the call, as the kernel source reads.
            text = stmt_text(innermost.call, innermost.caller_bindings or {})
            chain = chain[:-1]
            citation = self._comment(innermost.call.span) or citation
            span = innermost.call.span
        return ir.Origin(context, cpu, chain, statement or text, span, citation, task)

    def _comment(self, span: ast.Span) -> str:
        lines = self.program.lines.get(span.file, [])
        if not 0 < span.line <= len(lines):
            return ""
        line = lines[span.line - 1]
        at = line.find("//", span.column - 1)
        return line[at + 2:].strip() if at >= 0 else ""

    # ------------------------------------------------------------------ threads

    def _thread_actions(self, task: int, name: str, cpu: int) -> None:
        if not self.scope.may_run(task, cpu):
            return
        graph = self.graphs[name]
        ground = Ground("thread", cpu, task)
        running = ir.and_(self.rt.mode_is(cpu, "task"), self.rt.is_("current", cpu, task))
        pc = f"{name}.pc"
        for location, value in self.rt.pc_loc[name].items():
            if location == graph.end:
                continue
            at = ir.and_(running, self.rt.is_(pc, None, value))
            for path in graph.paths(location):
                node = graph.nodes[path.end]
                if node.kind == "step" and isinstance(node.stmt, ast.CallStmt):
                    self._schedule_actions(task, name, cpu, graph, path, at, ground)
                    continue
                effect = self.steps.effect(graph, path, ground)
                target = graph.end if self.steps.finishes(graph, effect.next) else effect.next
                updates = effect.updates + [self.rt.set(pc, None, self.rt.pc_loc[name][target])]
                statement = None if node.kind == "step" else "(thread exits)"
                self._add(ir.and_(at, effect.guard), updates, graph, path.end, ground, name, path, statement, effect)
        if self.sched is not None and self.preempt is not None:
            when = self.scope.boolean(self.preempt.when, {}, ground)
            for nxt in range(len(self.tasks)):
                if nxt != task:
                    self._switch_start(cpu, task, nxt, ir.and_(running, when), [], ())

    def _schedule_actions(self, task, name, cpu, graph, path, at, ground) -> None:
        """``schedule()``: switch to a runnable task, or go on if there is none."""
        if self.sched is None:
            raise SpecError("schedule() needs fn context_switch(prev, next)", graph.nodes[path.end].span)
        effect = self.steps.effect(graph, path, ground)
        after = effect.updates + [self.rt.set(f"{name}.pc", None, self.rt.pc_loc[name][effect.next])]
        guard = ir.and_(at, effect.guard)
        others = [t for t in range(len(self.tasks)) if t != task]
        for nxt in others:
            self._switch_start(cpu, task, nxt, guard, after, graph.entered(path))
        if task in self.scope.home or cpu in self.scope.home.values():
            return  # this CPU's idle task always runs when nothing else can (and waits for work itself)
        idle = ir.and_(guard, *(ir.not_(self.rt.runnable(t, cpu)) for t in others))
        self._add(idle, after, graph, path.end, ground, name, None, "schedule() (nothing else to run)")

    # ------------------------------------------------------------------ context switch

    def _switch_start(self, cpu: int, prev: int, nxt: int, guard: ir.Expr, before: list[ir.Update],
                      frames: tuple[Frame, ...]) -> None:
        """Preemption or schedule(): the switch starts with its first step."""
        graph = self.sched
        ground = Ground("sched", cpu, prev, switch=(prev, nxt))
        start = ir.and_(guard, self.rt.runnable(nxt, cpu))
        enter = self.rt.set_mode(cpu, "sched") + [self.rt.set("sched_prev", cpu, prev), self.rt.set("sched_next", cpu, nxt)]
        for path in graph.paths(graph.entry):
            effect = self.steps.effect(graph, path, ground)
            updates = before + enter + effect.updates + self._sched_continue(cpu, nxt, effect.next)
            statement = None if graph.nodes[path.end].kind == "step" else f"context switch to {self.scope.task_sort.members[nxt]}"
            self._add(ir.and_(start, effect.guard), updates, graph, path.end, ground, "sched", path, statement, effect, frames)

    def _sched_continue(self, cpu: int, nxt: int, location: int) -> list[ir.Update]:
        graph = self.sched
        if location == graph.end or self.steps.finishes(graph, location):
            return ([self.rt.set("current", cpu, nxt)] + self.rt.set_mode(cpu, "task")
                    + [self.rt.set("sched_pc", cpu, 0), self.rt.set("sched_prev", cpu, 0), self.rt.set("sched_next", cpu, 0)])
        return [self.rt.set("sched_pc", cpu, self.rt.sched_loc[location])]

    def _sched_actions(self, cpu: int, prev: int, nxt: int) -> None:
        graph = self.sched
        ground = Ground("sched", cpu, prev, switch=(prev, nxt))
        base = ir.and_(self.rt.mode_is(cpu, "sched"), self.rt.is_("sched_prev", cpu, prev), self.rt.is_("sched_next", cpu, nxt),
                       self.rt.is_("current", cpu, prev))
        after = Ground("sched", cpu, nxt, switch=(prev, nxt))
        after_base = ir.and_(self.rt.mode_is(cpu, "sched"), self.rt.is_("sched_prev", cpu, prev),
                             self.rt.is_("sched_next", cpu, nxt), self.rt.is_("current", cpu, nxt))
        for location, value in self.rt.sched_loc.items():
            switched = location in self.rt.switched
            at = ir.and_(after_base if switched else base, self.rt.is_("sched_pc", cpu, value))
            here = after if switched else ground
            for path in graph.paths(location):
                effect = self.steps.effect(graph, path, here)
                updates = effect.updates + self._sched_continue(cpu, nxt, effect.next)
                statement = None if graph.nodes[path.end].kind == "step" else f"finish_task_switch: current = {self.scope.task_sort.members[nxt]}"
                self._add(ir.and_(at, effect.guard), updates, graph, path.end, here, "sched", path, statement, effect)


def _is_primitive(decl: ast.FnDecl) -> bool:
    """A function that is one step (``preempt_disable()``, ``copy_fpregs_to_fpstate(x)``)."""
    return len(decl.body) == 1 and isinstance(decl.body[0], (ast.Assign, ast.Assert, ast.Skip, ast.Atomic))
