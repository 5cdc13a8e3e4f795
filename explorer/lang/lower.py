"""Lowering a spec to the IR: tasks on CPUs, preemption, interrupts, properties.

The kernel's concurrency is built in here, once, from the spec's own rules (the
prelude's ``preempt when`` and ``interrupt … when``) and its own ``context_switch``:

* each CPU is in one of the modes ``task`` (its ``current`` runs), ``sched`` (it runs
  ``context_switch(prev, next)``) or a handler kind (``softirq``, ``hardirq``);
* every action is grounded on its CPU and its task (and, in a switch, on ``prev`` and
  ``next``), so ``current``, ``this_cpu`` and per-CPU variables are constants in it;
* preemption and an interrupt *start* together with the first step of the code they
  run, and the code's last step also ends it (no extra step for control transfers).

What a kernel developer reads in a trace comes from here too: each action's origin
carries the CPU, the context, the call chain, the statement and the source line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path as FilePath

from explorer import ir
from explorer.lang import ast
from explorer.lang.cfg import Frame, Graph, Path
from explorer.lang.errors import SpecError
from explorer.lang.program import Program
from explorer.lang.printer import expr_text, stmt_text
from explorer.lang.scope import Bindings, Ground, Scope, VarInfo, Writes
from explorer.ir import BoolSort, EnumSort, IntSort



class ParamError(SpecError):
    """A ``--param`` the spec does not have, or a value its sort does not admit."""


@dataclass
class _Effect:
    """What one path does: its extra guard, its writes, where it leaves the context."""

    guard: ir.Expr
    updates: list[ir.Update]
    next: int
    node: int
    range_ok: ir.Expr = ir.TRUE
    asserts: list[tuple[str, ir.Expr, str]] = field(default_factory=list)


@dataclass
class _Entry:
    """An action and the calls whose first step it takes (for event properties)."""

    action: str
    guard: ir.Expr
    ground: Ground
    frames: tuple[Frame, ...]


class Lowerer:
    def __init__(self, program: Program, overrides: dict[str, str]):
        self.program = program
        self.overrides = overrides
        self.scope = Scope()
        self.decls = program.decls
        self.tasks: list[tuple[str, ast.ThreadDecl]] = []
        self.graphs: dict[str, Graph] = {}
        self.thread_graph: dict[str, Graph] = {}
        self.handlers: list[ast.HandlerDecl] = []
        self.handler_graphs: dict[str, Graph] = {}
        self.sched: Graph | None = None
        self.variables: list[ir.StateVar] = []
        self.actions: list[ir.Action] = []
        self.entries: list[_Entry] = []
        self.sites: dict[str, list[ir.StepSite]] = {}
        self.param_values: list[tuple[str, str, str]] = []
        self.pc_loc: dict[str, dict[int, int]] = {}
        self.sched_loc: dict[int, int] = {}
        self.irq_loc: dict[tuple[str, int], int] = {}
        self.modes: list[str] = ["task"]

    # ================================================================== declarations

    def run(self) -> ir.Model:
        self._enums()
        self._params()
        self._tasks()
        self._vars()
        self._code()
        self._runtime_vars()
        self._actions()
        properties = self._properties()
        name = FilePath(self.program.path).stem
        params = tuple((n, v) for n, v, _ in self.param_values)
        return ir.Model(name, tuple(self.variables), tuple(self.actions), tuple(properties), params)

    def _of(self, kind):
        return [d for d in self.decls if isinstance(d, kind)]

    def _enums(self) -> None:
        for decl in self._of(ast.EnumDecl):
            if decl.name in ("Task", "Cpu", "bool") or decl.name in self.scope.sorts:
                raise SpecError(f"sort {decl.name} is already defined", decl.span)
            if len(set(decl.members)) != len(decl.members):
                raise SpecError(f"enum {decl.name} repeats a member", decl.span)
            if decl.versions < 1:
                raise SpecError("an enum has at least 1 version", decl.span)
            if decl.versions == 1:
                sort = EnumSort(decl.name, decl.members)
            else:
                sort = EnumSort(decl.name, tuple(f"{m}@{v}" for m in decl.members for v in range(decl.versions)))
                self.scope.versions[decl.name] = decl.versions
            self.scope.sorts[decl.name] = sort
            for value, member in enumerate(decl.members):
                self.scope.declare_member(member, sort, value * decl.versions, decl.span)

    def _params(self) -> None:
        declared = {d.name: d for d in self._of(ast.ParamDecl)}
        for name in self.overrides:
            if name not in declared:
                known = ", ".join(sorted(declared))
                raise ParamError(f"unknown parameter {name}; this spec's parameters are: {known}")
        for decl in declared.values():
            self._check_fresh(decl.name, decl.span)
            sort = self.scope.sort(decl.sort)
            default = self.scope.constant(decl.default, sort, Ground("global"))
            value = default
            if decl.name in self.overrides:
                value = self._parse_param(decl.name, sort, self.overrides[decl.name])
            self.scope.params[decl.name] = ir.Const(sort, value)
            self.param_values.append((decl.name, sort.show(value), sort.show(default)))

    def _parse_param(self, name: str, sort: ir.Sort, text: str) -> int:
        text = text.strip()
        if isinstance(sort, BoolSort):
            table = {"true": 1, "false": 0, "1": 1, "0": 0, "yes": 1, "no": 0, "on": 1, "off": 0}
            if text.lower() in table:
                return table[text.lower()]
        elif isinstance(sort, IntSort):
            if re.fullmatch(r"-?[0-9]+", text) and sort.lo <= int(text) <= sort.hi:
                return int(text)
        elif text in sort.members:
            return sort.members.index(text)
        expected = {BoolSort: "true or false"}.get(type(sort)) or (
            f"an integer in {sort.name}" if isinstance(sort, IntSort) else "one of " + ", ".join(sort.members))
        raise ParamError(f"parameter {name}: {text!r} is not a value; expected {expected}")

    def _check_fresh(self, name: str, span: ast.Span) -> None:
        if name in self.scope.members or name in self.scope.params or name in self.scope.vars:
            raise SpecError(f"{name} is already declared", span)

    def _tasks(self) -> None:
        for decl in self._of(ast.ThreadDecl):
            if decl.count is None:
                self.tasks.append((decl.name, decl))
            else:
                count = self.scope.constant_int(decl.count)
                self.tasks.extend((f"{decl.name}{i}", decl) for i in range(count))
        if not self.tasks:
            raise SpecError("the spec declares no thread", ast.Span(self.program.path, 1, 1))
        names = [name for name, _ in self.tasks]
        cpus = self.scope.params["cpus"].value
        if len(names) < cpus:
            raise ParamError(f"{cpus} CPUs need at least {cpus} tasks; the spec has {len(names)} ({', '.join(names)})")
        self.scope.task_sort = EnumSort("Task", tuple(names))
        self.scope.cpu_sort = EnumSort("Cpu", tuple(f"cpu{c}" for c in range(cpus)))
        self.scope.sorts["Task"] = self.scope.task_sort
        self.scope.sorts["Cpu"] = self.scope.cpu_sort
        for index, name in enumerate(names):
            self._check_fresh(name, self.tasks[index][1].span)
            self.scope.declare_member(name, self.scope.task_sort, index, self.tasks[index][1].span)
        for c, name in enumerate(self.scope.cpu_sort.members):
            self.scope.declare_member(name, self.scope.cpu_sort, c, ast.Span(self.program.path, 1, 1))

    @property
    def cpus(self) -> range:
        return range(self.scope.cpu_sort.size)

    def _vars(self) -> None:
        decls = self._of(ast.VarDecl)
        for decl in decls:
            self._check_fresh(decl.name, decl.span)
            if decl.name in ("current", "this_cpu", "none"):
                raise SpecError(f"{decl.name} is a built-in name", decl.span)
            sort = self.scope.sort(decl.sort)
            if decl.scope == "global":
                index = None if decl.index is None else self.scope.sort(decl.index)
                style = "scalar" if index is None else "index"
            else:
                if decl.index is not None:
                    raise SpecError("a per-CPU or per-task variable cannot also be an array", decl.span)
                index = self.scope.cpu_sort if decl.scope == "percpu" else self.scope.task_sort
                style = "index" if decl.scope == "percpu" else "field"
            placeholder = ir.StateVar(decl.name, sort, index, (), style)
            self.scope.vars[decl.name] = VarInfo(decl.scope, placeholder, decl.span)
        inits = _Inits(self, {d.name: d for d in decls})
        for decl in decls:
            info = self.scope.vars[decl.name]
            values = tuple((inits.value(decl.name, i),) for i in range(1 if info.var.index is None else info.var.index.size))
            var = ir.StateVar(info.var.name, info.var.sort, info.var.index, values, info.var.style)
            self.scope.vars[decl.name] = VarInfo(info.scope, var, info.span)
            self.variables.append(var)
        for name, thread in self.tasks:
            for field_name, _, span in thread.inits:
                info = self.scope.vars.get(field_name)
                if info is None or info.scope != "task":
                    raise SpecError(f"{field_name} is not a per-task variable", span)

    def _code(self) -> None:
        scope = self.scope
        for decl in self._of(ast.FnDecl):
            if decl.name in scope.defs:
                raise SpecError(f"{decl.name} is declared both as fn and def", decl.span)
            scope.fns[decl.name] = decl
        for decl in self._of(ast.DefDecl):
            scope.defs[decl.name] = decl
        for name, decl in self.tasks:
            graph = self.thread_graph.get(decl.name)
            if graph is None:
                graph = Graph.build(scope, decl.name, decl.body, decl.span, {})
                self.thread_graph[decl.name] = graph
            self.graphs[name] = graph
        self.handlers = self._of(ast.HandlerDecl)
        rules = {d.kind for d in self._of(ast.InterruptDecl)}
        for decl in self.handlers:
            if decl.kind not in rules:
                raise SpecError(f"no `interrupt {decl.kind} when …` rule is declared", decl.span)
            frame = Frame(decl.name, 0, {})
            self.handler_graphs[decl.name] = Graph.build(scope, decl.name, decl.body, decl.span, {}, (frame,))
            if decl.kind not in self.modes:
                self.modes.append(decl.kind)
        scope.at_predicate = self._at
        scope.running_predicate = self._running
        preempts = self._of(ast.PreemptDecl)
        self.preempt = preempts[0] if preempts else None
        uses_schedule = any(
            node.kind == "step" and isinstance(node.stmt, ast.CallStmt)
            for graph in self.thread_graph.values() for node in graph.nodes
        )
        preemptible = len(self.tasks) > 1 and self.preempt is not None and self.scope.boolean(
            self.preempt.when, {}, Ground("thread", 0, 0)) != ir.FALSE
        if preemptible or uses_schedule:
            decl = scope.fns.get("context_switch")
            if decl is None or len(decl.params) != 2:
                where = self.preempt.span if self.preempt else ast.Span(self.program.path, 1, 1)
                raise SpecError("tasks can be switched, so the spec must define fn context_switch(prev: Task, next: Task)", where)
            call = ast.CallStmt("context_switch", (ast.Name("prev", decl.span), ast.Name("next", decl.span)), decl.span)
            self.sched = Graph.build(scope, "sched", (call,), decl.span, {})
            self.modes.insert(1, "sched")

    # ================================================================== runtime state

    def _runtime_vars(self) -> None:
        tasks, cpus = self.scope.task_sort, self.scope.cpu_sort
        self.current_var = ir.StateVar("current", tasks, cpus, tuple((c,) for c in self.cpus), "index")
        self.mode_sort = EnumSort("Mode", tuple(self.modes))
        runtime = [self.current_var]
        if len(self.modes) > 1:
            runtime.append(ir.StateVar("cpu_mode", self.mode_sort, cpus, tuple((0,) for _ in self.cpus), "index", hidden=True))
        for name, _ in self.tasks:
            graph = self.graphs[name]
            locations = graph.locations() + [graph.end]
            self.pc_loc[name] = {}
            names = _location_names(graph, locations, self._cite_name)
            for value, node in enumerate(dict.fromkeys(locations)):
                self.pc_loc[name][node] = value
            sort = EnumSort(f"{name}.pc", tuple(names[n] for n in dict.fromkeys(locations)))
            runtime.append(ir.StateVar(f"{name}.pc", sort, None, ((0,),), "scalar", hidden=True))
        if self.sched is not None:
            locations = [n for n in self.sched.locations() if n not in (self.sched.entry, self.sched.end)]
            names = _location_names(self.sched, locations, self._cite_name)
            self.sched_loc = {node: i + 1 for i, node in enumerate(locations)}
            sort = EnumSort("sched.pc", ("idle",) + tuple(names[n] for n in locations))
            runtime.append(ir.StateVar("sched_pc", sort, cpus, tuple((0,) for _ in self.cpus), "index", hidden=True))
            runtime.append(ir.StateVar("sched_prev", tasks, cpus, tuple((0,) for _ in self.cpus), "index", hidden=True))
            runtime.append(ir.StateVar("sched_next", tasks, cpus, tuple((0,) for _ in self.cpus), "index", hidden=True))
        if self.handlers:
            members = ["idle"]
            for decl in self.handlers:
                graph = self.handler_graphs[decl.name]
                locations = [n for n in graph.locations() if n not in (graph.entry, graph.end)]
                names = _location_names(graph, locations, self._cite_name)
                for node in locations:
                    self.irq_loc[(decl.name, node)] = len(members)
                    members.append(f"{decl.name}:{names[node]}")
            runtime.append(ir.StateVar("irq_pc", EnumSort("irq.pc", tuple(members)), cpus, tuple((0,) for _ in self.cpus), "index", hidden=True))
        self.variables.extend(runtime)
        self.runtime = {v.name: v for v in runtime}

    def _cite_name(self, graph: Graph, node_id: int) -> str:
        node = graph.nodes[node_id]
        where = node.chain[-1] if node.chain else graph.name
        return f"{where}:{node.span.line}"

    def _read(self, var: str, index: int | None = None) -> ir.Expr:
        v = self.runtime[var]
        return ir.Read(var, None if index is None else ir.Const(v.index, index), v.sort)

    def _set(self, var: str, index: int | None, value: int) -> ir.Update:
        v = self.runtime[var]
        return ir.Update(var, None if index is None else ir.Const(v.index, index), ir.Const(v.sort, value))

    def _is(self, var: str, index: int | None, value: int) -> ir.Expr:
        return ir.eq(self._read(var, index), ir.Const(self.runtime[var].sort, value))

    def _mode_is(self, cpu: int, mode: str) -> ir.Expr:
        if "cpu_mode" not in self.runtime:
            return ir.TRUE
        return self._is("cpu_mode", cpu, self.modes.index(mode))

    def _set_mode(self, cpu: int, mode: str) -> list[ir.Update]:
        if "cpu_mode" not in self.runtime:
            return []
        return [self._set("cpu_mode", cpu, self.modes.index(mode))]

    def _running(self, task: int) -> ir.Expr:
        return ir.or_(*(self._is("current", c, task) for c in self.cpus))

    def _at(self, task: int, region: str, span: ast.Span) -> ir.Expr:
        known = region in self.scope.fns or any(
            g.mentions(region) for g in list(self.graphs.values()) + list(self.handler_graphs.values()))
        if not known:
            raise SpecError(f"unknown function or label {region}", span)
        name = self.scope.task_sort.members[task]
        graph = self.graphs[name]
        return ir.or_(*(self._is(f"{name}.pc", None, value)
                        for node, value in self.pc_loc[name].items() if graph.inside(node, region)))

    def _user_mode(self, task: int) -> ir.Expr:
        name = self.scope.task_sort.members[task]
        graph = self.graphs[name]
        return ir.or_(*(self._is(f"{name}.pc", None, value)
                        for node, value in self.pc_loc[name].items() if graph.nodes[node].user))

    def _runnable(self, task: int, cpu: int) -> ir.Expr:
        """Task ``task`` may be switched in on ``cpu``: not running, not being switched in elsewhere."""
        if not self.scope.params["migration"].value and task % self.scope.cpu_sort.size != cpu:
            return ir.FALSE
        name = self.scope.task_sort.members[task]
        conds = [ir.not_(self._is("current", c, task)) for c in self.cpus]
        conds.append(ir.not_(self._is(f"{name}.pc", None, self.pc_loc[name][self.graphs[name].end])))
        for c in self.cpus:
            if c != cpu:
                conds.append(ir.not_(ir.and_(self._mode_is(c, "sched"), self._is("sched_next", c, task))))
        return ir.and_(*conds)

    # ================================================================== actions

    def _actions(self) -> None:
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
             effect: _Effect | None = None, frames: tuple[Frame, ...] = ()) -> None:
        """Record one action (unless its guard is false) with its origin and its sites."""
        if effect is not None:
            guard_without_range = guard
            guard = ir.and_(guard, effect.range_ok)
        if guard == ir.FALSE:
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
            if effect.range_ok != ir.TRUE:
                bad = ir.and_(guard_without_range, ir.not_(effect.range_ok))
                if bad != ir.FALSE:
                    self.sites.setdefault("bounds", []).append(
                        ir.StepSite(name, bad, f"{origin.statement} leaves the range of its variable"))
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

    def _effect(self, graph: Graph, path: Path, ground: Ground) -> _Effect:
        """Guard and updates of a path: its decisions, then its step (if it ends in one)."""
        scope = self.scope
        conds = []
        for node_id, taken in path.decisions:
            node = graph.nodes[node_id]
            cond = scope.boolean(node.cond, node.bindings, ground)
            conds.append(cond if taken else ir.not_(cond))
        end = graph.nodes[path.end]
        effect = _Effect(ir.and_(*conds), [], path.end, path.end)
        if end.kind == "end":
            effect.next = graph.end
            return effect
        effect.next = end.next
        if isinstance(end.stmt, ast.CallStmt):
            return effect  # schedule(): what it does is the context switch it starts
        writes = Writes()
        self._execute(end.stmt, end.bindings, ground, writes, effect, graph, end.stack)
        effect.updates = [ir.Update(p.var.name, p.index, v) for p, v in writes.log]
        return effect

    def _execute(self, stmt: ast.Stmt, bindings: Bindings, ground: Ground, writes: Writes,
                 effect: _Effect, graph: Graph, stack: tuple[Frame, ...]) -> None:
        scope = self.scope
        if isinstance(stmt, ast.Assign):
            place = scope.place(stmt.target, bindings, ground, writes)
            value = scope.coerce(scope.lower(stmt.value, bindings, ground, writes), place.var.sort, stmt.value.span)
            sort = place.var.sort
            if isinstance(sort, IntSort) and not (sort.lo <= value.sort.lo and value.sort.hi <= sort.hi):
                effect.range_ok = ir.and_(effect.range_ok, ir.le(ir.Const(sort, sort.lo), value),
                                          ir.le(value, ir.Const(sort, sort.hi)))
            writes.log.append((place, value))
        elif isinstance(stmt, ast.Assert):
            prop = stmt.property or "assert"
            if prop not in self._declared_properties():
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
        else:
            raise SpecError("an atomic block holds assignments, asserts, skips and calls only", stmt.span)

    def _declared_properties(self) -> set[str]:
        names = {d.name for d in self._of(ast.PropertyDecl) if d.kind == "assertions"}
        return names | {"assert"}

    def _finishes(self, graph: Graph, location: int) -> bool:
        """From here the code ends with no further step and no condition."""
        paths = graph.paths(location)
        return len(paths) == 1 and paths[0].end == graph.end and not paths[0].decisions

    # ------------------------------------------------------------------ threads

    def _thread_actions(self, task: int, name: str, cpu: int) -> None:
        if not self.scope.params["migration"].value and task % self.scope.cpu_sort.size != cpu:
            return
        graph = self.graphs[name]
        ground = Ground("thread", cpu, task)
        running = ir.and_(self._mode_is(cpu, "task"), self._is("current", cpu, task))
        pc = f"{name}.pc"
        for location, value in self.pc_loc[name].items():
            if location == graph.end:
                continue
            at = ir.and_(running, self._is(pc, None, value))
            for path in graph.paths(location):
                node = graph.nodes[path.end]
                if node.kind == "step" and isinstance(node.stmt, ast.CallStmt):
                    self._schedule_actions(task, name, cpu, graph, path, at, ground)
                    continue
                effect = self._effect(graph, path, ground)
                target = graph.end if self._finishes(graph, effect.next) else effect.next
                updates = effect.updates + [self._set(pc, None, self.pc_loc[name][target])]
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
        effect = self._effect(graph, path, ground)
        after = [self._set(f"{name}.pc", None, self.pc_loc[name][effect.next])]
        guard = ir.and_(at, effect.guard)
        others = [t for t in range(len(self.tasks)) if t != task]
        for nxt in others:
            self._switch_start(cpu, task, nxt, guard, after, graph.entered(path))
        idle = ir.and_(guard, *(ir.not_(self._runnable(t, cpu)) for t in others))
        self._add(idle, after, graph, path.end, ground, name, None, "schedule() (nothing else to run)")

    # ------------------------------------------------------------------ context switch

    def _switch_start(self, cpu: int, prev: int, nxt: int, guard: ir.Expr, before: list[ir.Update],
                      frames: tuple[Frame, ...]) -> None:
        """Preemption or schedule(): the switch starts with its first step."""
        graph = self.sched
        ground = Ground("sched", cpu, prev, switch=(prev, nxt))
        start = ir.and_(guard, self._runnable(nxt, cpu))
        enter = self._set_mode(cpu, "sched") + [self._set("sched_prev", cpu, prev), self._set("sched_next", cpu, nxt)]
        for path in graph.paths(graph.entry):
            effect = self._effect(graph, path, ground)
            updates = before + enter + effect.updates + self._sched_continue(cpu, nxt, effect.next)
            statement = None if graph.nodes[path.end].kind == "step" else f"context switch to {self.scope.task_sort.members[nxt]}"
            self._add(ir.and_(start, effect.guard), updates, graph, path.end, ground, "sched", path, statement, effect, frames)

    def _sched_continue(self, cpu: int, nxt: int, location: int) -> list[ir.Update]:
        graph = self.sched
        if location == graph.end or self._finishes(graph, location):
            return ([self._set("current", cpu, nxt)] + self._set_mode(cpu, "task")
                    + [self._set("sched_pc", cpu, 0), self._set("sched_prev", cpu, 0), self._set("sched_next", cpu, 0)])
        return [self._set("sched_pc", cpu, self.sched_loc[location])]

    def _sched_actions(self, cpu: int, prev: int, nxt: int) -> None:
        graph = self.sched
        ground = Ground("sched", cpu, prev, switch=(prev, nxt))
        base = ir.and_(self._mode_is(cpu, "sched"), self._is("sched_prev", cpu, prev), self._is("sched_next", cpu, nxt),
                       self._is("current", cpu, prev))
        for location, value in self.sched_loc.items():
            at = ir.and_(base, self._is("sched_pc", cpu, value))
            for path in graph.paths(location):
                effect = self._effect(graph, path, ground)
                updates = effect.updates + self._sched_continue(cpu, nxt, effect.next)
                statement = None if graph.nodes[path.end].kind == "step" else f"finish_task_switch: current = {self.scope.task_sort.members[nxt]}"
                self._add(ir.and_(at, effect.guard), updates, graph, path.end, ground, "sched", path, statement, effect)

    # ------------------------------------------------------------------ interrupts

    def _handler_actions(self, decl: ast.HandlerDecl, cpu: int, task: int) -> None:
        graph = self.handler_graphs[decl.name]
        ground = Ground("irq", cpu, task, self._user_mode(task))
        rule = next(d for d in self._of(ast.InterruptDecl) if d.kind == decl.kind)
        allowed = ir.and_(self.scope.boolean(rule.when, {}, Ground("thread", cpu, task)),
                          self.scope.boolean(decl.when, {}, ground))
        running = ir.and_(self._mode_is(cpu, "task"), self._is("current", cpu, task))
        for path in graph.paths(graph.entry):
            if graph.nodes[path.end].kind == "end":
                continue  # the handler did nothing: no step
            effect = self._effect(graph, path, ground)
            updates = self._set_mode(cpu, decl.kind) + effect.updates + self._irq_continue(decl, cpu, effect.next)
            self._add(ir.and_(running, allowed, effect.guard), updates, graph, path.end, ground, decl.name, path, None, effect)
        inside = ir.and_(self._mode_is(cpu, decl.kind), self._is("current", cpu, task))
        for (handler, location), value in self.irq_loc.items():
            if handler != decl.name:
                continue
            at = ir.and_(inside, self._is("irq_pc", cpu, value))
            for path in graph.paths(location):
                effect = self._effect(graph, path, ground)
                updates = effect.updates + self._irq_continue(decl, cpu, effect.next)
                statement = None if graph.nodes[path.end].kind == "step" else "irq_exit"
                self._add(ir.and_(at, effect.guard), updates, graph, path.end, ground, decl.name, path, statement, effect)

    def _irq_continue(self, decl: ast.HandlerDecl, cpu: int, location: int) -> list[ir.Update]:
        graph = self.handler_graphs[decl.name]
        if location == graph.end or self._finishes(graph, location):
            return self._set_mode(cpu, "task") + [self._set("irq_pc", cpu, 0)]
        return [self._set("irq_pc", cpu, self.irq_loc[(decl.name, location)])]

    # ================================================================== properties

    def _properties(self) -> list[ir.Property]:
        out: list[ir.Property] = []
        declared = [d for d in self.decls if isinstance(d, (ast.PropertyDecl, ast.ReachDecl))]
        for decl in declared:
            if isinstance(decl, ast.ReachDecl):
                kind = "reach"
                body = decl.body
            else:
                kind = "invariant"
                body = decl.body
            if isinstance(decl, ast.PropertyDecl) and decl.kind == "assertions":
                sites = tuple(self.sites.get(decl.name, ()))
                out.append(_property(decl.name, kind, decl.doc, ir.FALSE, sites, decl.name, decl.span))
            elif isinstance(body, ast.Event):
                sites = tuple(self._event_sites(body))
                out.append(_property(decl.name, kind, decl.doc, ir.FALSE, sites, decl.text, decl.span))
            else:
                cond = self.scope.boolean(body, {}, Ground("global"))
                state_bad = ir.not_(cond) if kind == "invariant" else cond
                out.append(_property(decl.name, kind, decl.doc, state_bad, (), decl.text, decl.span))
        if self.sites.get("assert"):
            out.append(_property("assert", "invariant", "assertions without a property name", ir.FALSE,
                                 tuple(self.sites["assert"]), "assert", None))
        if self.sites.get("bounds"):
            out.append(_property("bounds", "invariant", "no bounded integer leaves its range", ir.FALSE,
                                 tuple(self.sites["bounds"]), "bounds", None))
        return out

    def _event_sites(self, event: ast.Event) -> list[ir.StepSite]:
        decl = self.scope.fns.get(event.function)
        if decl is None:
            raise SpecError(f"unknown function {event.function}", event.span)
        if len(event.binders) > len(decl.params):
            raise SpecError(f"{event.function} has {len(decl.params)} parameter(s), the event names {len(event.binders)}", event.span)
        message = f"{event.function}({', '.join(event.binders)})"
        if event.when is not None:
            message += f" when {expr_text(event.when, {})}"
        sites = []
        for entry in self.entries:
            for frame in entry.frames:
                if frame.name != event.function or frame.is_label:
                    continue
                bindings = {binder: frame.args[param.name] for binder, param in zip(event.binders, decl.params)}
                when = ir.TRUE if event.when is None else self.scope.boolean(event.when, bindings, entry.ground)
                site_when = ir.and_(entry.guard, when)
                if site_when != ir.FALSE:
                    sites.append(ir.StepSite(entry.action, site_when, message))
        return sites


def _is_primitive(decl: ast.FnDecl) -> bool:
    """A function that is one step (``preempt_disable()``, ``copy_fpregs_to_fpstate(x)``)."""
    return len(decl.body) == 1 and isinstance(decl.body[0], (ast.Assign, ast.Assert, ast.Skip, ast.Atomic))


def _property(name, kind, doc, state_bad, sites, text, span) -> ir.Property:
    bad = ir.or_(state_bad, *(site.when for site in sites))
    return ir.Property(name, kind, doc, bad, state_bad, sites, text, span)


def _location_names(graph: Graph, locations: list[int], cite) -> dict[int, str]:
    names: dict[int, str] = {}
    used: dict[str, int] = {}
    for node in locations:
        if node == graph.entry:
            base = "entry"
        elif node == graph.end:
            base = "exited"
        else:
            base = cite(graph, node)
        count = used.get(base, 0)
        used[base] = count + 1
        names[node] = base if count == 0 else f"{base}#{count + 1}"
    return names


class _Inits:
    """Initial values, each computed once, from declarations that may refer to each other."""

    def __init__(self, lowerer: Lowerer, decls: dict[str, ast.VarDecl]):
        self.lowerer = lowerer
        self.decls = decls
        self.values: dict[tuple[str, int], int] = {}
        self.busy: set[tuple[str, int]] = set()
        self.overrides = {}
        for index, (_, thread) in enumerate(lowerer.tasks):
            for name, expr, _ in thread.inits:
                self.overrides[(name, index)] = expr

    def value(self, name: str, index: int) -> int:
        key = (name, index)
        if key in self.values:
            return self.values[key]
        decl = self.decls[name]
        if key in self.busy:
            raise SpecError(f"the initial value of {name} depends on itself", decl.span)
        self.busy.add(key)
        scope = self.lowerer.scope
        info = scope.vars[name]
        expr = self.overrides.get(key, decl.init) if info.scope == "task" else decl.init
        if info.scope == "percpu":
            ground = Ground("init", index, index)
        elif info.scope == "task":
            cpus = scope.cpu_sort.size
            ground = Ground("init", index if index < cpus else None, index)
        else:
            ground = Ground("init")
        value = scope.lower(expr, {}, ground)
        value = scope.coerce(value, info.var.sort, expr.span)

        def known(node):
            if isinstance(node, ir.Read) and node.var in self.decls:
                if node.index is not None and not isinstance(node.index, ir.Const):
                    return None
                element = 0 if node.index is None else node.index.value - _lo(scope.vars[node.var].var.index)
                return ir.Const(node.sort, self.value(node.var, element))
            return None

        value = ir.rewrite(value, known)
        if not isinstance(value, ir.Const):
            raise SpecError(f"the initial value of {name} must be known before the run starts", expr.span)
        if not ir.in_range(info.var.sort, value.value):
            raise SpecError(f"initial value {value.value} is outside {info.var.sort.name}", expr.span)
        self.busy.discard(key)
        self.values[key] = value.value
        return value.value


def _lo(sort) -> int:
    return sort.lo if isinstance(sort, IntSort) else 0
