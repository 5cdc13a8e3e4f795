"""Code to control-flow graph: functions inlined, each step a node, control flow free.

A *location* is a point where a context can stop: its entry, or just after a step.  From
a location, every path through conditions, choices and assumptions to the next step (or
to the end of the code) is one candidate action: the conditions are evaluated with the
step, in the same atomic move, which is what "control flow costs no step" means.

The graph is built once per piece of code (a thread body, a handler, context_switch) and
grounded later per CPU and task; nodes keep the syntax and the by-name bindings.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from explorer.lang import ast
from explorer.lang.errors import SpecError
from explorer.lang.limits import MAX_CALL_DEPTH
from explorer.lang.scope import Scope
from explorer.lang.values import Bindings, ByName, Local


@dataclass(frozen=True)
class Frame:
    """One inlined call (or one label) on the way to a node."""

    name: str
    instance: int
    args: Bindings
    is_label: bool = False
    call: ast.CallStmt | None = None
    caller_bindings: Bindings | None = None


@dataclass
class Node:
    id: int
    kind: str
    """``step``, ``branch``, ``choice``, ``assume``, ``enter`` (a call begins), ``loop`` (the
    head of a ``loop``, which has no exit edge) or ``end``."""
    stack: tuple[Frame, ...]
    user: bool
    span: ast.Span
    stmt: ast.Stmt | None = None
    bindings: Bindings = field(default_factory=dict)
    cond: ast.Expr | None = None
    next: int | None = None
    targets: list[int] = field(default_factory=list)
    frame: Frame | None = None
    """For an ``enter`` node: the call (or label) it begins."""
    in_scope: tuple[Local, ...] = ()
    """The ``let`` locals in scope here, in every frame of the stack (a ``let`` step's own
    local last); those that are not are cleared on the way here (``lower.steps``)."""

    @property
    def chain(self) -> tuple[str, ...]:
        return tuple(frame.name for frame in self.stack if not frame.is_label)


@dataclass(frozen=True)
class Path:
    """From a location to the next step (or the end): the decisions taken on the way."""

    start: int
    decisions: tuple[tuple[int, bool], ...]
    """(branch or assume node, whether its condition holds on this path)."""
    end: int
    """The step node reached, or the end node."""


@dataclass
class _Context:
    stack: tuple[Frame, ...]
    user: bool
    bindings: Bindings
    return_to: int | None
    break_to: int | None
    continue_to: int | None
    in_scope: tuple[Local, ...] = ()


class Graph:
    """The control-flow graph of one piece of code."""

    def __init__(self, scope: Scope, name: str):
        self.scope = scope
        self.name = name
        self.nodes: list[Node] = []
        self.instances = 0
        self.entry = -1
        self.end = -1
        self.root: tuple[Frame, ...] = ()

    @classmethod
    def build(cls, scope: Scope, name: str, body: tuple[ast.Stmt, ...], span: ast.Span,
              bindings: Bindings, frames: tuple[Frame, ...] = ()) -> "Graph":
        graph = cls(scope, name)
        graph.root = frames
        graph.end = graph._node("end", frames, False, span).id
        context = _Context(frames, False, bindings, None, None, None)
        graph.entry = graph._block(body, graph.end, context)
        graph._check_loops()
        return graph

    # ------------------------------------------------------------------ construction

    def _node(self, kind: str, stack, user: bool, span: ast.Span, **fields) -> Node:
        node = Node(len(self.nodes), kind, stack, user, span, **fields)
        self.nodes.append(node)
        return node

    def _block(self, stmts: tuple[ast.Stmt, ...], next_id: int, ctx: _Context) -> int:
        contexts = []
        for stmt in stmts:  # a let is in scope from the statement after it to the block's end
            before = ctx
            if isinstance(stmt, ast.Let):
                ctx = self._declare(stmt, ctx)
            contexts.append((before, ctx))
        for stmt, (before, after) in reversed(list(zip(stmts, contexts))):
            if isinstance(stmt, ast.Let):
                next_id = self._node("step", before.stack, before.user, stmt.span, stmt=stmt, bindings=before.bindings,
                                     next=next_id, in_scope=after.in_scope).id
            else:
                next_id = self._stmt(stmt, next_id, before)
        return next_id

    def _declare(self, stmt: ast.Let, ctx: _Context) -> _Context:
        """The context after ``let``: its name bound to a new local (checked: no shadowing)."""
        function = next((f.name for f in reversed(ctx.stack) if not f.is_label), self.name)
        check_fresh_local(self.scope, stmt, ctx.bindings, function)
        local = Local(stmt.name, function, stmt, ctx.bindings)
        self.scope.declared_locals.setdefault(stmt.name, (function, stmt.span))
        bindings = {**ctx.bindings, stmt.name: local}
        return replace(ctx, bindings=bindings, in_scope=ctx.in_scope + (local,))

    def _stmt(self, stmt: ast.Stmt, next_id: int, ctx: _Context) -> int:
        if isinstance(stmt, (ast.Assign, ast.Assert, ast.Skip, ast.Atomic)):
            return self._node("step", ctx.stack, ctx.user, stmt.span, in_scope=ctx.in_scope, stmt=stmt, bindings=ctx.bindings, next=next_id).id
        if isinstance(stmt, ast.Assume):
            return self._node("assume", ctx.stack, ctx.user, stmt.span, in_scope=ctx.in_scope, cond=stmt.cond, bindings=ctx.bindings, next=next_id).id
        if isinstance(stmt, ast.If):
            then = self._block(stmt.then, next_id, ctx)
            else_ = self._block(stmt.else_, next_id, ctx)
            return self._node("branch", ctx.stack, ctx.user, stmt.span, in_scope=ctx.in_scope, cond=stmt.cond,
                              bindings=ctx.bindings, targets=[then, else_]).id
        if isinstance(stmt, ast.While):
            if isinstance(stmt.cond, ast.BoolLit) and stmt.cond.value:
                # ``loop``: no way out but ``break``, so no exit edge to go round through
                head = self._node("loop", ctx.stack, ctx.user, stmt.span, in_scope=ctx.in_scope)
                inner = _Context(ctx.stack, ctx.user, ctx.bindings, ctx.return_to, next_id, head.id, ctx.in_scope)
                head.next = self._block(stmt.body, head.id, inner)
                return head.id
            head = self._node("branch", ctx.stack, ctx.user, stmt.span, in_scope=ctx.in_scope, cond=stmt.cond, bindings=ctx.bindings)
            inner = _Context(ctx.stack, ctx.user, ctx.bindings, ctx.return_to, next_id, head.id, ctx.in_scope)
            head.targets = [self._block(stmt.body, head.id, inner), next_id]
            return head.id
        if isinstance(stmt, ast.Either):
            targets = [self._block(branch, next_id, ctx) for branch in stmt.branches]
            return self._node("choice", ctx.stack, ctx.user, stmt.span, in_scope=ctx.in_scope, targets=targets).id
        if isinstance(stmt, ast.User):
            inner = replace(ctx, user=True)
            return self._block(stmt.body, next_id, inner)
        if isinstance(stmt, ast.Labelled):
            frame = Frame(stmt.label, self._instance(), {}, is_label=True)
            inner = replace(ctx, stack=ctx.stack + (frame,))
            return self._enter(self._block(stmt.body, next_id, inner), ctx, stmt.span, frame)
        if isinstance(stmt, ast.Return):
            if ctx.return_to is None:
                raise SpecError("return outside a function", stmt.span)
            return ctx.return_to
        if isinstance(stmt, ast.Break):
            if ctx.break_to is None:
                raise SpecError("break outside a loop", stmt.span)
            return ctx.break_to
        if isinstance(stmt, ast.Continue):
            if ctx.continue_to is None:
                raise SpecError("continue outside a loop", stmt.span)
            return ctx.continue_to
        if isinstance(stmt, ast.CallStmt):
            if stmt.name == "schedule":
                if stmt.args:
                    raise SpecError("schedule() takes no arguments", stmt.span)
                return self._node("step", ctx.stack, ctx.user, stmt.span, in_scope=ctx.in_scope, stmt=stmt, bindings=ctx.bindings, next=next_id).id
            frame, body, bindings = self.inline(stmt, ctx.stack, ctx.bindings)
            inner = _Context(ctx.stack + (frame,), ctx.user, bindings, next_id, None, None, ctx.in_scope)
            return self._enter(self._block(body, next_id, inner), ctx, stmt.span, frame)
        raise SpecError(f"unexpected statement {type(stmt).__name__}", stmt.span)

    def _enter(self, body: int, ctx: _Context, span: ast.Span, frame: Frame) -> int:
        """A free node in the caller's frame just before a call's body: a step that is
        followed by a call stops *outside* it, so the call's first step enters it (and a
        loop back to the top of the body, inside the call, does not enter it again)."""
        return self._node("enter", ctx.stack, ctx.user, span, in_scope=ctx.in_scope, next=body, frame=frame).id

    def _instance(self) -> int:
        self.instances += 1
        return self.instances

    def inline(self, call: ast.CallStmt, stack: tuple[Frame, ...], bindings: Bindings):
        """The frame, body and parameter bindings of a call (checks arity, refs, recursion)."""
        return inline_call(self.scope, call, stack, bindings, self._instance())

    # ------------------------------------------------------------------ paths

    def locations(self) -> list[int]:
        """The entry and every point just after a step, in a stable order."""
        found = [self.entry]
        seen = {self.entry}
        for node in self.nodes:
            if node.kind == "step" and node.next not in seen:
                seen.add(node.next)
                found.append(node.next)
        return sorted(found, key=lambda n: (n != self.entry, n))

    def paths(self, start: int) -> list[Path]:
        out: list[Path] = []

        def walk(node_id: int, decisions: tuple, on_path: frozenset):
            node = self.nodes[node_id]
            if node.kind in ("step", "end"):
                out.append(Path(start, decisions, node_id))
                return
            if node_id in on_path:
                raise SpecError("this loop can go round without taking a step; add a step (e.g. skip) to it", node.span)
            on_path = on_path | {node_id}
            if node.kind == "branch":
                walk(node.targets[0], decisions + ((node_id, True),), on_path)
                walk(node.targets[1], decisions + ((node_id, False),), on_path)
            elif node.kind == "assume":
                walk(node.next, decisions + ((node_id, True),), on_path)
            elif node.kind in ("enter", "loop"):
                walk(node.next, decisions, on_path)
            elif node.kind == "choice":
                for target in node.targets:
                    walk(target, decisions, on_path)

        walk(start, (), frozenset())
        return out

    def _check_loops(self) -> None:
        for location in self.locations():
            self.paths(location)

    def _successors(self, node: Node) -> list[int]:
        if node.kind in ("branch", "choice"):
            return list(node.targets)
        return [] if node.next is None else [node.next]

    def endless_loop(self) -> ast.Span | None:
        """The place of a loop from which the code can never reach its end, if any."""
        reached, todo = {self.entry}, [self.entry]
        while todo:
            for nxt in self._successors(self.nodes[todo.pop()]):
                if nxt not in reached:
                    reached.add(nxt)
                    todo.append(nxt)
        ends = {self.end}
        changed = True
        while changed:
            changed = False
            for node in self.nodes:
                if node.id not in ends and any(n in ends for n in self._successors(node)):
                    ends.add(node.id)
                    changed = True
        stuck = [self.nodes[n] for n in sorted(reached - ends)]
        loops = [n for n in stuck if n.kind in ("loop", "branch")]
        return (loops or stuck)[0].span if stuck else None

    def reentered(self) -> bool:
        """Whether a step leads back to the entry (a loop at the very start)."""
        return any(node.kind == "step" and node.next == self.entry for node in self.nodes)

    def entered(self, path: Path) -> tuple[Frame, ...]:
        """The calls whose first step this path takes."""
        start = self.root if path.start == self.entry else self.nodes[path.start].stack
        before = {frame.instance for frame in start}
        return tuple(frame for frame in self.nodes[path.end].stack if frame.instance not in before)

    def inside(self, location: int, region: str) -> bool:
        """A task stopped here is in ``region`` or at the very call of it (its next step is
        the region's first)."""
        node = self.nodes[location]
        if node.kind == "enter" and node.frame is not None and node.frame.name == region:
            return True
        return any(frame.name == region for frame in node.stack)

    def mentions(self, region: str) -> bool:
        return any(frame.name == region for node in self.nodes for frame in node.stack)


def check_fresh_local(scope: Scope, stmt: ast.Let, bindings: Bindings, function: str) -> None:
    """A ``let`` may not shadow a parameter, another local, or a global name."""
    name = stmt.name
    bound = bindings.get(name)
    if isinstance(bound, Local):
        where = bound.stmt.span
        raise SpecError(f"let {name}: {function} already has a local {name} (let at {where.line}:{where.column})", stmt.span)
    if bound is not None:
        raise SpecError(f"let {name}: {name} is a parameter of {function}", stmt.span)
    kinds = [("variable", scope.vars), ("parameter", scope.params), ("enum member or task", scope.members),
             ("fn", scope.fns), ("def", scope.defs)]
    for kind, names in kinds:
        if name in names:
            raise SpecError(f"let {name} shadows the {kind} {name}: choose another name", stmt.span)
    if name in ("current", "this_cpu", "none", "prev", "next"):
        raise SpecError(f"let {name}: {name} is a built-in name", stmt.span)


def inline_call(scope: Scope, call: ast.CallStmt, stack: tuple[Frame, ...], bindings: Bindings, instance: int):
    """Bind a call's arguments by name to the function's parameters."""
    decl = scope.fns.get(call.name)
    if decl is None:
        if call.name in scope.defs:
            raise SpecError(f"{call.name} is a def (an expression), not code", call.span)
        scope.still_used(call.name, call.span)
        raise SpecError(f"unknown function {call.name}", call.span)
    if any(frame.name == call.name and not frame.is_label for frame in stack):
        raise SpecError(f"recursive call of {call.name} (functions are inlined)", call.span)
    if sum(1 for frame in stack if not frame.is_label) >= MAX_CALL_DEPTH:
        raise SpecError(f"calls nest more than {MAX_CALL_DEPTH} deep here (functions are inlined)", call.span)
    if len(call.args) != len(decl.params):
        raise SpecError(f"{call.name} takes {len(decl.params)} argument(s), given {len(call.args)}", call.span)
    inner: dict = {}
    for param, arg in zip(decl.params, call.args):
        if param.by_ref and not isinstance(arg, (ast.Name, ast.Index, ast.Field)):
            raise SpecError(f"argument {param.name} of {call.name} is a & parameter: pass a variable or element", arg.span)
        inner[param.name] = ByName(arg, bindings, param.by_ref, scope.sort(param.sort))
    return Frame(call.name, instance, inner, False, call, bindings), decl.body, inner
