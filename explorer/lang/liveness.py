"""Which ``let`` locals are live where: read on some path ahead before their ``let`` runs
again.  A local that is not live holds nothing a later step needs, so the step after which
it dies clears it (``lower.steps``), and states do not differ by dead values.

Uses are found through the by-name arguments: ``foo(x)`` reads the local ``x`` wherever the
callee reads its parameter.
"""

from __future__ import annotations

import dataclasses

from explorer.lang import ast
from explorer.lang.cfg import Graph, Node
from explorer.lang.values import Bindings, ByName, Local


def live_locals(graph: Graph) -> dict[int, frozenset[tuple]]:
    """Per node, the keys of the locals live on entry to it."""
    uses = {node.id: _node_uses(node) for node in graph.nodes}
    kills = {node.id: frozenset({node.in_scope[-1].key}) if isinstance(node.stmt, ast.Let) else frozenset()
             for node in graph.nodes}
    live: dict[int, frozenset[tuple]] = {node.id: frozenset() for node in graph.nodes}
    changed = True
    while changed:
        changed = False
        for node in reversed(graph.nodes):
            out = frozenset().union(*(live[s] for s in _successors(node)))
            new = uses[node.id] | (out - kills[node.id])
            if new != live[node.id]:
                live[node.id] = new
                changed = True
    return live


def _successors(node: Node) -> list[int]:
    if node.kind in ("branch", "choice"):
        return list(node.targets)
    return [] if node.next is None else [node.next]


def _node_uses(node: Node) -> frozenset[tuple]:
    if node.kind in ("branch", "assume") and node.cond is not None:
        return frozenset(_uses(node.cond, node.bindings))
    stmt = node.stmt
    if stmt is None:
        return frozenset()
    if isinstance(stmt, ast.Atomic) and any(isinstance(s, ast.CallStmt) for s in stmt.body):
        return frozenset(local.key for local in node.in_scope)  # calls inlined inside the step
    return frozenset(_uses(stmt, node.bindings))


def _uses(tree, bindings: Bindings) -> set[tuple]:
    """The locals an expression or a statement (without calls) reads."""
    found: set[tuple] = set()
    todo = [(tree, bindings)]
    while todo:
        item, scope = todo.pop()
        if isinstance(item, ast.Name):
            bound = scope.get(item.name)
            if isinstance(bound, Local):
                found.add(bound.key)
            elif isinstance(bound, ByName):
                todo.append((bound.expr, bound.bindings))
            continue
        if isinstance(item, (tuple, list)):
            todo.extend((x, scope) for x in item)
        elif dataclasses.is_dataclass(item) and not isinstance(item, ast.Span):
            todo.extend((getattr(item, f.name), scope) for f in dataclasses.fields(item))
    return found
