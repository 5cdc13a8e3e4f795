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
from pathlib import Path as FilePath

from explorer import ir
from explorer.ir import BoolSort, EnumSort, IntSort
from explorer.lang import ast
from explorer.lang.cfg import Frame, Graph
from explorer.lang.errors import SpecError
from explorer.lang.limits import MAX_ENUMERATED, MAX_EXPR_DEPTH, MAX_TASKS
from explorer.lang.lower.actions import Actions
from explorer.lang.lower.inits import Inits
from explorer.lang.lower.locals import Locals
from explorer.lang.lower.properties import Properties
from explorer.lang.lower.places import Places
from explorer.lang.lower.runtime import Runtime
from explorer.lang.program import Program
from explorer.lang.scope import Scope
from explorer.lang.values import Ground, VarInfo


class ParamError(SpecError):
    """A ``--param`` the spec does not have, or a value its sort does not admit."""


class Lowerer:
    """Declarations to sorts, parameters, tasks, variables and code graphs; then the
    runtime state (``runtime``), the actions (``actions``) and the properties
    (``properties``)."""

    def __init__(self, program: Program, overrides: dict[str, str]):
        self.program = program
        self.overrides = overrides
        self.scope = Scope()
        self.scope.removed = {remove.name: remove for remove in program.removed}
        self.decls = program.decls
        self.tasks: list[tuple[str, ast.ThreadDecl]] = []
        self.graphs: dict[str, Graph] = {}
        self.thread_graph: dict[str, Graph] = {}
        self.handlers: list[ast.HandlerDecl] = []
        self.handler_graphs: dict[str, Graph] = {}
        self.sched: Graph | None = None
        self.preempt: ast.PreemptDecl | None = None
        self.variables: list[ir.StateVar] = []
        self.param_values: list[tuple[str, str, str]] = []
        self.modes: list[str] = ["task"]

    def run(self) -> ir.Model:
        self._enums()
        self._params()
        self._tasks()
        self._vars()
        self._code()
        self.rt = Runtime(self.scope, self.tasks, self.graphs, self.sched, self.handlers,
                          self.handler_graphs, self.modes)
        self.scope.at_predicate = self.rt.at
        self.scope.running_predicate = self.rt.running
        self.places = Places(self.rt)
        self.scope.places = self.places
        self.variables.extend(self.rt.variables)
        self.variables.extend(Locals(self.scope, self._code_by_context()).variables())
        actions = Actions(self.program, self.scope, self.rt, self.preempt)
        actions.lower()
        properties = Properties(self.decls, actions).lower()
        _shallow(actions.actions, properties)
        name = FilePath(self.program.path).stem
        params = tuple((n, v) for n, v, _ in self.param_values)
        return ir.Model(name, tuple(self.variables), tuple(actions.actions), tuple(properties), params)

    def _code_by_context(self) -> list[tuple[str, Graph]]:
        graphs = [("thread", g) for g in self.thread_graph.values()] + [("irq", g) for g in self.handler_graphs.values()]
        return graphs + ([("sched", self.sched)] if self.sched is not None else [])

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
            if len(decl.members) * decl.versions > MAX_ENUMERATED:
                raise SpecError(f"enum {decl.name} would have {len(decl.members) * decl.versions:,} values "
                                f"({len(decl.members)} members × {decl.versions:,} versions); at most "
                                f"{MAX_ENUMERATED:,}", decl.span)
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
        """Tasks in declaration order, then one task per CPU of each ``percpu thread`` (the
        prelude's idle tasks), which exist only where tasks can be switched (the spec
        defines ``context_switch``). CPU c starts with task c, or with its idle task."""
        cpus = self.scope.params["cpus"].value
        switching = any(isinstance(d, ast.FnDecl) and d.name == "context_switch" for d in self.decls)
        pinned: list[ast.ThreadDecl] = []
        for decl in self._of(ast.ThreadDecl):
            if decl.scope not in (None, "percpu"):
                raise SpecError("a thread is `thread` or `percpu thread` (one task per CPU)", decl.span)
            if decl.percpu:
                if decl.count is not None:
                    raise SpecError("a percpu thread has one task per CPU: it takes no count", decl.count.span)
                if switching:
                    pinned.append(decl)
            elif decl.count is None:
                self.tasks.append((decl.name, decl))
            else:
                count = self.scope.constant_int(decl.count)
                if not 0 <= count <= MAX_TASKS - len(self.tasks):
                    raise SpecError(f"count {count:,}: a spec has at most {MAX_TASKS} tasks", decl.count.span)
                self.tasks.extend((f"{decl.name}{i}", decl) for i in range(count))
            if len(self.tasks) > MAX_TASKS:
                raise SpecError(f"a spec has at most {MAX_TASKS} tasks", decl.span)
        if not self.tasks:
            raise SpecError("the spec declares no thread", ast.Span(self.program.path, 1, 1))
        own = len(self.tasks)
        if own < cpus and not pinned:
            names = ", ".join(name for name, _ in self.tasks)
            raise ParamError(f"{cpus} CPUs need at least {cpus} tasks; the spec has {own} ({names}) "
                             "and no fn context_switch, so no CPU has an idle task")
        for decl in pinned:
            if len(self.tasks) + cpus > MAX_TASKS:
                raise SpecError(f"a spec has at most {MAX_TASKS} tasks (with {cpus} of {decl.name})", decl.span)
            for c in range(cpus):
                self.scope.home[len(self.tasks)] = c
                self.tasks.append((f"{decl.name}{c}", decl))
        self.scope.initial_current = tuple(c if c < own else own + c for c in range(cpus))
        names = [name for name, _ in self.tasks]
        self.scope.task_sort = EnumSort("Task", tuple(names))
        self.scope.cpu_sort = EnumSort("Cpu", tuple(f"cpu{c}" for c in range(cpus)))
        self.scope.sorts["Task"] = self.scope.task_sort
        self.scope.sorts["Cpu"] = self.scope.cpu_sort
        for index, name in enumerate(names):
            self._check_fresh(name, self.tasks[index][1].span)
            self.scope.declare_member(name, self.scope.task_sort, index, self.tasks[index][1].span)
        for c, name in enumerate(self.scope.cpu_sort.members):
            self.scope.declare_member(name, self.scope.cpu_sort, c, ast.Span(self.program.path, 1, 1))

    def _vars(self) -> None:
        decls = self._of(ast.VarDecl)
        for decl in decls:
            self._check_fresh(decl.name, decl.span)
            if decl.name in ("current", "this_cpu", "none"):
                raise SpecError(f"{decl.name} is a built-in name", decl.span)
            sort = self.scope.sort(decl.sort)
            if decl.scope == "global":
                index = None if decl.index is None else self.scope.sort(decl.index, enumerated=True)
                style = "scalar" if index is None else "index"
            else:
                if decl.index is not None:
                    raise SpecError("a per-CPU or per-task variable cannot also be an array", decl.span)
                index = self.scope.cpu_sort if decl.scope == "percpu" else self.scope.task_sort
                style = "index" if decl.scope == "percpu" else "field"
            placeholder = ir.StateVar(decl.name, sort, index, (), style)
            self.scope.vars[decl.name] = VarInfo(decl.scope, placeholder, decl.span)
        inits = Inits(self.scope, self.tasks, {d.name: d for d in decls})
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
            _distinct_params(decl)
            scope.fns[decl.name] = decl
        for decl in self._of(ast.DefDecl):
            _distinct_params(decl)
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
            graph = Graph.build(scope, decl.name, decl.body, decl.span, {}, (frame,))
            _must_end(graph, f"the {decl.kind} handler {decl.name}")
            self.handler_graphs[decl.name] = graph
            if decl.kind not in self.modes:
                self.modes.append(decl.kind)
        preempts = self._of(ast.PreemptDecl)
        self.preempt = preempts[0] if preempts else None
        uses_schedule = any(
            node.kind == "step" and isinstance(node.stmt, ast.CallStmt)
            for graph in self.thread_graph.values() for node in graph.nodes
        )
        # the rule is grounded on every CPU and task, as every action is: false on one CPU
        # (``preempt when this_cpu != cpu0``) is not false on all of them
        preemptible = len(self.tasks) > 1 and self.preempt is not None and any(
            self.scope.boolean(self.preempt.when, {}, Ground("thread", cpu, task)) != ir.FALSE
            for cpu in range(self.scope.cpu_sort.size) for task in range(len(self.tasks)))
        if preemptible or uses_schedule:
            decl = scope.fns.get("context_switch")
            if decl is None or len(decl.params) != 2:
                where = self.preempt.span if self.preempt else ast.Span(self.program.path, 1, 1)
                raise SpecError("tasks can be switched, so the spec must define fn context_switch(prev: Task, next: Task)", where)
            call = ast.CallStmt("context_switch", (ast.Name("prev", decl.span), ast.Name("next", decl.span)), decl.span)
            self.sched = Graph.build(scope, "sched", (call,), decl.span, {})
            _must_end(self.sched, "context_switch")
            self.modes.insert(1, "sched")


def _distinct_params(decl: ast.FnDecl | ast.DefDecl) -> None:
    seen: set[str] = set()
    for param in decl.params:
        if param.name in seen:
            raise SpecError(f"{decl.name} has two parameters called {param.name}", param.span)
        seen.add(param.name)


def _must_end(graph: Graph, what: str) -> None:
    """Code the runtime starts between two steps of a task must give the CPU back."""
    stuck = graph.endless_loop()
    if stuck is not None:
        raise SpecError(f"{what} must end, but this loop never leaves: the interrupted "
                        "task would never run again (model a wait as a `schedule()` in a task)", stuck)


def _shallow(actions: list[ir.Action], properties: list[ir.Property]) -> None:
    """Every expression of the model nests at most ``MAX_EXPR_DEPTH`` deep, so that the
    evaluators, which recurse on it, stay far from Python's recursion limit."""
    for action in actions:
        parts = [action.guard] + [e for u in action.updates for e in (u.value, u.index) if e is not None]
        if max(ir.depth(e) for e in parts) > MAX_EXPR_DEPTH:
            raise SpecError(f"this step's expressions nest more than {MAX_EXPR_DEPTH} levels deep once "
                            "defs and arguments are expanded", action.origin.span)
    for prop in properties:
        if ir.depth(prop.bad) > MAX_EXPR_DEPTH:
            raise SpecError(f"property {prop.name} nests more than {MAX_EXPR_DEPTH} levels deep once "
                            "defs are expanded", prop.span)
