"""Initial values, each computed once, from declarations that may refer to each other
(``percpu var regs: Data = current.data``)."""

from __future__ import annotations

from explorer import ir
from explorer.ir import IntSort
from explorer.lang import ast
from explorer.lang.errors import SpecError
from explorer.lang.scope import Scope
from explorer.lang.values import Ground


class Inits:
    """Initial values, each computed once, from declarations that may refer to each other."""

    def __init__(self, scope: Scope, tasks: list[tuple[str, ast.ThreadDecl]], decls: dict[str, ast.VarDecl]):
        self.scope = scope
        self.decls = decls
        self.values: dict[tuple[str, int], int] = {}
        self.busy: set[tuple[str, int]] = set()
        self.overrides = {}
        for index, (_, thread) in enumerate(tasks):
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
        scope = self.scope
        info = scope.vars[name]
        expr = self.overrides.get(key, decl.init) if info.scope == "task" else decl.init
        if info.scope == "percpu":
            ground = Ground("init", index, scope.initial_current[index])
        elif info.scope == "task":
            first = scope.initial_current
            ground = Ground("init", first.index(index) if index in first else None, index)
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
