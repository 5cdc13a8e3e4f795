"""The runtime's state as a property reads it: where a task or a CPU stands, which
context a CPU runs, and the tasks of its context switch.

Lowering adds state the spec does not declare (``runtime``): a program counter per task,
per CPU's context switch and interrupt handler, the CPU's mode, ``current`` and the
switch's ``prev``/``next``.  A property names it in the spec's own terms, so that a
proof's invariant can be printed as spec text that parses back (``app.spec_text``):

* ``t at "file:line"`` (or a set of places): task ``t``'s next step is the one at that
  spec line (a thread that has ended stands at its ``thread`` line);
* ``c at "file:line"``, ``c at F`` for a CPU ``c``: the code the runtime runs on ``c``
  between the tasks' steps (``context_switch``, a handler, a hardirq nested in a softirq)
  stands at that line, or inside function, label or handler ``F``;
* ``in_task(c)``, ``in_serving_softirq(c)``, ``in_hardirq(c)``: the CPU's context as
  ``include/linux/preempt.h`` says it (a context switch runs in task context, a hardirq
  over a softirq is served with the CPU still in softirq context); ``in_context_switch(c)``:
  it runs ``context_switch``;
* ``cpu_curr(c)`` (``kernel/sched/sched.h``): the task ``current`` on ``c``; ``prev(c)``,
  ``next(c)``: the tasks of ``c``'s context switch (its last one, once it has ended).

Each form reads exactly the runtime elements that can take part (a place of
``context_switch`` reads ``sched_pc`` alone), which is what lets a printed conjunct mean
the same formula once read back.
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer import ir
from explorer.lang import ast
from explorer.lang.cfg import Graph
from explorer.lang.contexts import CPU_MODES
from explorer.lang.errors import SpecError
from explorer.lang.lower.runtime import Runtime



@dataclass(frozen=True)
class Place:
    """Where a program counter's value stands: the code (thread, ``context_switch`` or
    handler) and the spec line of its next step."""

    var: str
    value: int
    code: str
    file: str
    line: int
    node: int
    """The location in the code's graph."""
    regions: tuple[str, ...] = ()
    """The functions and labels it stands inside (or at the call of): ``t at F``'s."""

    @property
    def text(self) -> str:
        """``file:line`` with the file as given (a printer shortens it first)."""
        return f"{self.file}:{self.line}"


def matches(place: Place, wanted: str, span: ast.Span) -> bool:
    """Whether ``wanted`` (``file:line``; the file by its name, a path ending or in full)
    names ``place``."""
    file, _, line = wanted.rpartition(":")
    if not file or not line.isdigit():
        raise SpecError(f'"{wanted}" is not a place: write "file:line", as "v4.15.kp:29"', span)
    if int(line) != place.line:
        return False
    path = place.file.replace("\\", "/")
    return path == file or path.endswith("/" + file.lstrip("./"))


class Places:
    """The property forms above, over the runtime ``rt`` of one lowering."""

    def __init__(self, rt: Runtime):
        self.rt = rt
        self.table = self._table()

    def _table(self) -> list[Place]:
        rt = self.rt
        out: list[Place] = []
        for name, _ in rt.tasks:
            graph = rt.graphs[name]
            out += [_place(f"{name}.pc", value, graph, node) for node, value in rt.pc_loc[name].items()]
        if rt.sched is not None:
            out += [_place("sched_pc", value, rt.sched, node) for node, value in rt.sched_loc.items()]
        for var in ("irq_pc", "nested_irq_pc"):
            if var in rt.vars:
                out += [_place(var, value, rt.handler_graphs[handler], node)
                        for (handler, node), value in rt.irq_loc.items()]
        return out

    def _cpu_vars(self) -> tuple[str, ...]:
        return tuple(v for v in ("sched_pc", "irq_pc", "nested_irq_pc") if v in self.rt.vars)

    def _chosen(self, owner_vars: tuple[str, ...], places: tuple[str, ...], span: ast.Span) -> list[Place]:
        for wanted in places:
            if not any(matches(p, wanted, span) for p in self.table):
                raise SpecError(f'no step of the spec is at "{wanted}"', span)
        return [p for p in self.table if p.var in owner_vars and any(matches(p, w, span) for w in places)]

    def _test(self, chosen: list[Place], index: int | None) -> ir.Expr:
        return ir.or_(*(self.rt.is_(p.var, index, p.value) for p in chosen))

    def task_at(self, task: int, places: tuple[str, ...], span: ast.Span) -> ir.Expr:
        name = self.rt.scope.task_sort.members[task]
        return self._test(self._chosen((f"{name}.pc",), places, span), None)

    def cpu_at(self, cpu: int, places: tuple[str, ...], span: ast.Span) -> ir.Expr:
        return self._test(self._chosen(self._cpu_vars(), places, span), cpu)

    def cpu_in(self, cpu: int, region: str, span: ast.Span) -> ir.Expr:
        """CPU ``cpu``'s runtime code stands inside ``region`` (its whole code when the
        region is ``context_switch`` or a handler's name)."""
        rt = self.rt
        graphs = ([] if rt.sched is None else [rt.sched]) + list(rt.handler_graphs.values())
        if not any(g.name == region or g.mentions(region) for g in graphs):
            rt.scope.still_used(region, span)
            raise SpecError(f"no context_switch, handler, function or label {region} runs "
                            "between the tasks' steps", span)
        tests = []
        for var in self._cpu_vars():
            for place in (p for p in self.table if p.var == var):
                graph = rt.sched if var == "sched_pc" else rt.handler_graphs[place.code]
                assert graph is not None
                if graph.name == region or graph.inside(place.node, region):
                    tests.append(rt.is_(var, cpu, place.value))
        return ir.or_(*tests)

    def mode(self, cpu: int, test: str) -> ir.Expr:
        modes = [m for m in CPU_MODES[test] if m in self.rt.modes]
        if "cpu_mode" not in self.rt.vars:
            return ir.const_bool("task" in modes)
        return ir.or_(*(self.rt.mode_is(cpu, m) for m in modes))

    def task_of(self, function: str, cpu: int, span: ast.Span) -> ir.Expr:
        """``cpu_curr(c)``, ``prev(c)``, ``next(c)``."""
        var = {"cpu_curr": "current", "prev": "sched_prev", "next": "sched_next"}[function]
        if var not in self.rt.vars:
            raise SpecError(f"{function}(cpu) needs a context_switch in the spec", span)
        return self.rt.read(var, cpu)


def _place(var: str, value: int, graph: Graph, node: int) -> Place:
    at = graph.nodes[node]
    regions = [frame.name for frame in at.stack]
    if at.kind == "enter" and at.frame is not None:
        regions.append(at.frame.name)
    return Place(var, value, graph.name, at.span.file, at.span.line, node, tuple(dict.fromkeys(regions)))
