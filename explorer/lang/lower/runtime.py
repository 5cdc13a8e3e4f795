"""The state lowering adds to a spec's own: ``current`` per CPU, the CPU modes, and a
program counter per task, per CPU's context switch and per CPU's interrupt handler.

Each program counter's values are named after the spec location a context stopped at
(``vcpu_run:114``), so a proof's invariant can be read against the spec.
"""

from __future__ import annotations

from explorer import ir
from explorer.ir import EnumSort
from explorer.lang import ast
from explorer.lang.cfg import Graph
from explorer.lang.errors import SpecError
from explorer.lang.scope import Scope


class Runtime:
    def __init__(self, scope: Scope, tasks: list[tuple[str, ast.ThreadDecl]], graphs: dict[str, Graph],
                 sched: Graph | None, handlers: list[ast.HandlerDecl],
                 handler_graphs: dict[str, Graph], modes: list[str]):
        self.scope = scope
        self.tasks = tasks
        self.graphs = graphs
        self.sched = sched
        self.handlers = handlers
        self.handler_graphs = handler_graphs
        self.modes = modes
        self.pc_loc: dict[str, dict[int, int]] = {}
        self.sched_loc: dict[int, int] = {}
        self.irq_loc: dict[tuple[str, int], int] = {}
        self.switched: set[int] = set() if sched is None else _switched(sched)
        """Locations of context_switch after ``current = next``: there ``current`` is next."""
        self.variables = self._variables()
        self.vars = {v.name: v for v in self.variables}

    @property
    def cpus(self) -> range:
        return range(self.scope.cpu_sort.size)

    @property
    def nests(self) -> bool:
        """A hardirq may interrupt a softirq handler: the spec has both kinds."""
        kinds = {decl.kind for decl in self.handlers}
        return {"softirq", "hardirq"} <= kinds

    def _variables(self) -> list[ir.StateVar]:
        tasks, cpus = self.scope.task_sort, self.scope.cpu_sort
        current = ir.StateVar("current", tasks, cpus, tuple((t,) for t in self.scope.initial_current), "index")
        mode_sort = EnumSort("Mode", tuple(self.modes))
        runtime = [current]
        if len(self.modes) > 1:
            runtime.append(ir.StateVar("cpu_mode", mode_sort, cpus, tuple((0,) for _ in self.cpus), "index", hidden=True))
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
            locations = _inner_locations(self.sched)
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
                locations = _inner_locations(graph)
                names = _location_names(graph, locations, self._cite_name)
                for node in locations:
                    self.irq_loc[(decl.name, node)] = len(members)
                    members.append(f"{decl.name}:{names[node]}")
            irq_sort = EnumSort("irq.pc", tuple(members))
            runtime.append(ir.StateVar("irq_pc", irq_sort, cpus, tuple((0,) for _ in self.cpus), "index", hidden=True))
            if self.nests:
                # where a hardirq that interrupted this CPU's softirq handler stands
                runtime.append(ir.StateVar("nested_irq_pc", irq_sort, cpus, tuple((0,) for _ in self.cpus), "index", hidden=True))
        return runtime

    def _cite_name(self, graph: Graph, node_id: int) -> str:
        node = graph.nodes[node_id]
        where = node.chain[-1] if node.chain else graph.name
        return f"{where}:{node.span.line}"

    def read(self, var: str, index: int | None = None) -> ir.Expr:
        v = self.vars[var]
        return ir.Read(var, None if index is None else ir.Const(v.index, index), v.sort)

    def set(self, var: str, index: int | None, value: int) -> ir.Update:
        v = self.vars[var]
        return ir.Update(var, None if index is None else ir.Const(v.index, index), ir.Const(v.sort, value))

    def is_(self, var: str, index: int | None, value: int) -> ir.Expr:
        return ir.eq(self.read(var, index), ir.Const(self.vars[var].sort, value))

    def mode_is(self, cpu: int, mode: str) -> ir.Expr:
        if "cpu_mode" not in self.vars:
            return ir.TRUE
        return self.is_("cpu_mode", cpu, self.modes.index(mode))

    def set_mode(self, cpu: int, mode: str) -> list[ir.Update]:
        if "cpu_mode" not in self.vars:
            return []
        return [self.set("cpu_mode", cpu, self.modes.index(mode))]

    def running(self, task: int) -> ir.Expr:
        return ir.or_(*(self.is_("current", c, task) for c in self.cpus))

    def at(self, task: int, region: str, span: ast.Span) -> ir.Expr:
        known = region in self.scope.fns or any(
            g.mentions(region) for g in list(self.graphs.values()) + list(self.handler_graphs.values()))
        if not known:
            self.scope.still_used(region, span)
            raise SpecError(f"unknown function or label {region}", span)
        name = self.scope.task_sort.members[task]
        graph = self.graphs[name]
        return ir.or_(*(self.is_(f"{name}.pc", None, value)
                        for node, value in self.pc_loc[name].items() if graph.inside(node, region)))

    def user_mode(self, task: int) -> ir.Expr:
        name = self.scope.task_sort.members[task]
        graph = self.graphs[name]
        return ir.or_(*(self.is_(f"{name}.pc", None, value)
                        for node, value in self.pc_loc[name].items() if graph.nodes[node].user))

    def runnable(self, task: int, cpu: int) -> ir.Expr:
        """Task ``task`` may be switched in on ``cpu``: not running, not being switched in elsewhere."""
        if not self.scope.may_run(task, cpu):
            return ir.FALSE
        name = self.scope.task_sort.members[task]
        conds = [ir.not_(self.is_("current", c, task)) for c in self.cpus]
        conds.append(ir.not_(self.is_(f"{name}.pc", None, self.pc_loc[name][self.graphs[name].end])))
        for c in self.cpus:
            if c != cpu:
                conds.append(ir.not_(ir.and_(self.mode_is(c, "sched"), self.is_("sched_next", c, task))))
                # a task switched out is still on its CPU until finish_task_switch() (prev->on_cpu)
                conds.append(ir.not_(ir.and_(self.mode_is(c, "sched"), self.is_("sched_prev", c, task))))
        return ir.and_(*conds)


def _switched(graph: Graph) -> set[int]:
    """The nodes of context_switch reached after its ``current = next`` step; a node reached
    both before and after it is an error (``current`` must be known at every step)."""
    state: dict[int, bool] = {graph.entry: False}
    todo = [graph.entry]
    while todo:
        node = graph.nodes[todo.pop()]
        after = state[node.id]
        if node.kind == "step":
            stmt = node.stmt
            if (isinstance(stmt, ast.Assign) and isinstance(stmt.target, ast.Name)
                    and stmt.target.name == "current" and "current" not in node.bindings):
                if after:
                    raise SpecError("current = next twice in one context switch", stmt.span)
                after = True
        targets = node.targets if node.kind in ("branch", "choice") else ([] if node.next is None else [node.next])
        for target in targets:
            if target not in state:
                state[target] = after
                todo.append(target)
            elif state[target] != after and target != graph.end:
                raise SpecError("current = next must be on every path through context_switch or on none: "
                                "here some paths have switched and some have not", graph.nodes[target].span)
    return {node for node, after in state.items() if after}


def _inner_locations(graph: Graph) -> list[int]:
    """Where code that the runtime starts (a context switch, a handler) can stop between
    two steps: after a step, and at its entry only if a step leads back there."""
    return [n for n in graph.locations()
            if n != graph.end and (n != graph.entry or graph.reentered())]


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
