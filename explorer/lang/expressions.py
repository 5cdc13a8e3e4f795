"""Spec expressions to IR expressions, one method per syntax node.

A name is resolved in the bindings of the call it appears in (a ``fn`` parameter stands
for its argument, passed by name), then as ``none``, ``prev``/``next`` in a context
switch, ``current``, ``this_cpu``, an enum member, a parameter or a variable.  ``def``s
are expanded in place; quantifiers over finite sorts become conjunctions or
disjunctions; ``running(t)`` and ``t at f`` ask the runtime state (``lower.runtime``).
"""

from __future__ import annotations

import typing
from contextlib import nullcontext
from typing import Callable

from explorer import ir
from explorer.ir import EnumSort, IntSort
from explorer.lang import ast
from explorer.lang.contexts import CONTEXT_BUILTINS, CPU_MODES, RUNTIME_FUNCTIONS, context_builtin
from explorer.lang.errors import SpecError
from explorer.lang.limits import MAX_DEF_DEPTH, MAX_DEF_EXPANSIONS
from explorer.lang.values import NONE, Bindings, ByName, Ground, Local, Value, Writes, _NoneValue


class Expressions:
    """The expression half of ``Scope`` (which inherits it): one method per syntax node,
    over the names, sorts and places ``Scope`` holds."""

    def lower(self, expr: ast.Expr, bindings: Bindings, ground: Ground, writes: Writes | None = None) -> Value:
        method = getattr(self, "_" + type(expr).__name__.lower())
        return method(expr, bindings, ground, writes)

    def _intlit(self, expr: ast.IntLit, bindings, ground, writes) -> Value:
        return ir.Const(IntSort(expr.value, expr.value), expr.value)

    def _versioned(self, expr: ast.Versioned, bindings, ground, writes) -> Value:
        found = self.members.get(expr.name)
        versions = self.versions.get(found[0].name, 1) if found else 1
        if found is None or versions == 1:
            raise SpecError(f"{expr.name}@{expr.version}: {expr.name} is not a member of a versioned enum", expr.span)
        if not 0 <= expr.version < versions:
            raise SpecError(f"{found[0].name} has versions 0..{versions - 1}", expr.span)
        sort, value = found
        return ir.Const(sort, value + expr.version)

    def _version_table(self, expr: ast.Call, bindings, ground, writes, result) -> Value:
        """owner(d), version(d), bump(d) on a versioned enum, as a table over its values."""
        self._arity(expr, 1)
        value = self.lower(expr.args[0], bindings, ground, writes)
        sort = None if isinstance(value, _NoneValue) else value.sort
        versions = self.versions.get(sort.name, 0) if isinstance(sort, EnumSort) else 0
        if not versions:
            raise SpecError(f"{expr.name}() takes a value of a versioned enum (enum … versions N)", expr.args[0].span)
        out_sort = IntSort(0, versions - 1) if expr.name == "version" else sort
        if isinstance(value, ir.Const):
            return ir.Const(out_sort, result(value.value, versions))
        table: ir.Expr = ir.Const(out_sort, result(sort.size - 1, versions))
        for member in range(sort.size - 2, -1, -1):
            table = ir.ite(ir.eq(value, ir.Const(sort, member)), ir.Const(out_sort, result(member, versions)), table)
        return table

    def _boollit(self, expr: ast.BoolLit, bindings, ground, writes) -> Value:
        return ir.const_bool(expr.value)

    def _name(self, expr: ast.Name, bindings, ground, writes) -> Value:
        name = expr.name
        bound = bindings.get(name)
        if isinstance(bound, ir.Const):
            return bound
        if isinstance(bound, Local):
            assert self.local_place is not None  # type: ignore[attr-defined]  # Scope's
            return self.read(self.local_place(bound, ground), writes)
        if isinstance(bound, ByName):
            value = self.lower(bound.expr, bound.bindings, ground, writes)
            return value if bound.sort is None else self.deref(value, bound.sort, bound.expr, bound.bindings)
        if name == "none":
            return NONE
        if name in ("prev", "next") and ground.switch is not None:
            return ir.Const(self.task_sort, ground.switch[name == "next"])
        if name == "current":
            if ground.current is None:
                raise SpecError("current is only defined in code (a thread, a handler, context_switch)", expr.span)
            return ir.Const(self.task_sort, ground.current)
        if name == "this_cpu":
            return ir.Const(self.cpu_sort, self.this_cpu(expr.span, ground, "this_cpu"))
        if name in self.members:
            sort, value = self.members[name]
            return ir.Const(sort, value)
        if name in self.params:
            return self.params[name]
        if name in self.vars:
            return self.read(self.place(expr, bindings, ground, writes), writes)
        self.out_of_scope(expr)
        raise SpecError(f"unknown name {name}", expr.span)

    def _field(self, expr: ast.Field, bindings, ground, writes) -> Value:
        return self.read(self.place(expr, bindings, ground, writes), writes)

    def _index(self, expr: ast.Index, bindings, ground, writes) -> Value:
        return self.read(self.place(expr, bindings, ground, writes), writes)

    def _unary(self, expr: ast.Unary, bindings, ground, writes) -> Value:
        return ir.not_(self.boolean(expr.arg, bindings, ground, writes))

    def _binary(self, expr: ast.Binary, bindings, ground, writes) -> Value:
        op = expr.op
        if op in ("&&", "||", "==>"):
            left = self.boolean(expr.left, bindings, ground, writes)
            with self._only_where(ir.not_(left) if op == "||" else left):  # C's short circuit
                right = self.boolean(expr.right, bindings, ground, writes)
            if op == "&&":
                return ir.and_(left, right)
            if op == "||":
                return ir.or_(left, right)
            return ir.implies(left, right)
        left_value = self.lower(expr.left, bindings, ground, writes)
        right_value = self.lower(expr.right, bindings, ground, writes)
        if op in ("==", "!="):
            left, right = self.unify(left_value, right_value, expr.span)
            result = ir.eq(left, right)
            return result if op == "==" else ir.not_(result)
        left = self._integer(left_value, expr.left)
        right = self._integer(right_value, expr.right)
        if op == "+":
            return ir.add(left, right, IntSort(left.sort.lo + right.sort.lo, left.sort.hi + right.sort.hi))
        if op == "-":
            return ir.sub(left, right, IntSort(left.sort.lo - right.sort.hi, left.sort.hi - right.sort.lo))
        if op == "<":
            return ir.lt(left, right)
        if op == "<=":
            return ir.le(left, right)
        if op == ">":
            return ir.lt(right, left)
        if op == ">=":
            return ir.le(right, left)
        raise SpecError(f"unknown operator {op}", expr.span)

    def _only_where(self, cond: ir.Expr):
        """Dereferences lowered inside happen only where ``cond`` holds (``nulls``)."""
        nulls = self.nulls  # type: ignore[attr-defined]  # Scope's
        return nullcontext() if nulls is None else nulls.guarded(cond)

    def _integer(self, value: Value, expr: ast.Expr) -> ir.Expr:
        if isinstance(value, _NoneValue) or not isinstance(value.sort, IntSort):
            found = "none" if isinstance(value, _NoneValue) else value.sort.name
            raise SpecError(f"expected an integer, found a {found}", expr.span)
        return value

    def _cond(self, expr: ast.Cond, bindings, ground, writes) -> Value:
        cond = self.boolean(expr.cond, bindings, ground, writes)
        with self._only_where(cond):
            then_value = self.lower(expr.then, bindings, ground, writes)
        with self._only_where(ir.not_(cond)):
            else_value = self.lower(expr.else_, bindings, ground, writes)
        then, else_ = self.unify(then_value, else_value, expr.span)
        if isinstance(then.sort, IntSort) and then.sort != else_.sort:
            merged = IntSort(min(then.sort.lo, else_.sort.lo), max(then.sort.hi, else_.sort.hi))
            return ir.ite(cond, _retype(then, merged), _retype(else_, merged))
        return ir.ite(cond, then, else_)

    def _inset(self, expr: ast.InSet, bindings, ground, writes) -> Value:
        elem = self.lower(expr.elem, bindings, ground, writes)
        tests = []
        for member in expr.members:
            left, right = self.unify(elem, self.lower(member, bindings, ground, writes), member.span)
            tests.append(ir.eq(left, right))
        return ir.or_(*tests)

    def _is(self, expr: ast.Is, bindings, ground, writes) -> Value:
        if not (isinstance(expr.left, ast.Name) and isinstance(bindings.get(expr.left.name), ByName)
                and bindings[expr.left.name].by_ref):
            raise SpecError("the left side of `is` must be a & parameter (or an event's argument)", expr.left.span)
        left = self.place(expr.left, bindings, ground, writes)
        right = self.place(expr.right, bindings, ground, writes)
        if left.var.name != right.var.name:
            return ir.FALSE
        if left.index is None:
            return ir.TRUE
        return ir.eq(left.index, right.index)

    def _at(self, expr: ast.At, bindings, ground, writes) -> Value:
        subject = self.lower(expr.task, bindings, ground, writes)
        places = self.places
        assert self.at_predicate is not None and places is not None
        if not isinstance(subject, _NoneValue) and subject.sort == self.cpu_sort:
            if expr.places:
                return self._over(subject, self.cpu_sort, lambda c: places.cpu_at(c, expr.places, expr.span))
            return self._over(subject, self.cpu_sort, lambda c: places.cpu_in(c, expr.region, expr.span))
        task = self.deref(subject, self.task_sort, expr.task, bindings)
        if expr.places:
            return self._over_tasks(task, lambda t: places.task_at(t, expr.places, expr.span))
        return self._over_tasks(task, lambda t: self.at_predicate(t, expr.region, expr.span))

    def _over_tasks(self, task: ir.Expr, predicate: Callable[[int], ir.Expr]) -> ir.Expr:
        return self._over(task, self.task_sort, predicate)

    @staticmethod
    def _over(subject: ir.Expr, sort: EnumSort, predicate: Callable[[int], ir.Expr]) -> ir.Expr:
        if isinstance(subject, ir.Const):
            return predicate(subject.value)
        return ir.or_(*(ir.and_(ir.eq(subject, ir.Const(sort, v)), predicate(v)) for v in sort.values()))

    def _runtime_call(self, expr: ast.Call, bindings, ground, writes) -> Value:
        """``in_task(c)``, ``cpu_curr(c)``, ``prev(c)``…: a property's view of CPU ``c``
        (``lower.places``)."""
        if ground.context in ("thread", "sched", "irq"):
            plain = f"; in code write {expr.name}()" if expr.name in CPU_MODES else ""
            raise SpecError(f"{expr.name}(cpu) is a property's view of a CPU{plain}", expr.span)
        self._arity(expr, 1)
        cpu = self.deref(self.lower(expr.args[0], bindings, ground, writes), self.cpu_sort, expr.args[0], bindings)
        places = self.places
        assert places is not None
        if expr.name in CPU_MODES:
            return self._over(cpu, self.cpu_sort, lambda c: places.mode(c, expr.name))
        if isinstance(cpu, ir.Const):
            return places.task_of(expr.name, cpu.value, expr.span)
        table = places.task_of(expr.name, self.cpu_sort.size - 1, expr.span)
        for c in range(self.cpu_sort.size - 2, -1, -1):
            table = ir.ite(ir.eq(cpu, ir.Const(self.cpu_sort, c)), places.task_of(expr.name, c, expr.span), table)
        return table

    def _quantifier(self, expr: ast.Quantifier, bindings, ground, writes) -> Value:
        sort = self.sort(expr.sort, enumerated=True)
        cases = []
        for value in sort.values():
            inner = dict(bindings)
            inner[expr.var] = ir.Const(sort, value)
            cases.append(self.boolean(expr.body, inner, ground, writes))
        return ir.and_(*cases) if expr.quant == "forall" else ir.or_(*cases)

    def _call(self, expr: ast.Call, bindings, ground, writes) -> Value:
        name = expr.name
        if name not in self.defs and (name in RUNTIME_FUNCTIONS or name == "in_context_switch"
                                      or (name in CPU_MODES and len(expr.args) == 1)):
            return self._runtime_call(expr, bindings, ground, writes)
        if name in CONTEXT_BUILTINS and name not in self.defs:
            self._arity(expr, 0)
            return context_builtin(self._current_field, name, expr.span, ground, writes)
        if name == "interrupted_user_mode":
            self._arity(expr, 0)
            return ground.interrupted_user if ground.context == "irq" else ir.FALSE
        if name == "running":
            self._arity(expr, 1)
            task = self.deref(self.lower(expr.args[0], bindings, ground, writes), self.task_sort, expr.args[0], bindings)
            assert self.running_predicate is not None
            return self._over_tasks(task, self.running_predicate)
        if name in _VERSION_FUNCTIONS and name not in self.defs:
            return self._version_table(expr, bindings, ground, writes, _VERSION_FUNCTIONS[name])
        decl = self.defs.get(name)
        if decl is None:
            if name in self.fns:
                raise SpecError(f"{name} is a fn (code), not a def: call it as a statement", expr.span)
            self.still_used(name, expr.span)  # type: ignore[attr-defined]  # Scope's
            raise SpecError(f"unknown function {name}", expr.span)
        self._arity(expr, len(decl.params))
        inner: dict = {}
        for param, arg in zip(decl.params, expr.args):
            inner[param.name] = ByName(arg, bindings, False, self.sort(param.sort))
        expanding = self.__dict__.setdefault("_expanding", [])
        self._expansions = self.__dict__.get("_expansions", 0) + 1
        if self._expansions > MAX_DEF_EXPANSIONS:
            raise SpecError(f"defs expand to more than {MAX_DEF_EXPANSIONS:,} copies (a def that "
                            "uses another more than once doubles at each level)", expr.span)
        if name in expanding:
            raise SpecError(f"recursive def {name} ({' -> '.join(expanding + [name])}): defs are expanded in place", expr.span)
        if len(expanding) >= MAX_DEF_DEPTH:
            raise SpecError(f"defs nest more than {MAX_DEF_DEPTH} deep here", expr.span)
        expanding.append(name)
        try:
            value = self.lower(decl.body, inner, ground, writes)
        finally:
            expanding.pop()
        return self.deref(value, self.sort(decl.sort), decl.body, inner)

    def _current_field(self, name: str, span: ast.Span, ground: Ground, writes: Writes | None) -> ir.Expr:
        """``current.name``, for the context built-ins (the prelude declares the field)."""
        if name not in self.vars:
            raise SpecError(f"the context built-ins read current.{name}, which the prelude declares", span)
        return self.lower(ast.Field(ast.Name("current", span), name, span), {}, ground, writes)

    def _arity(self, expr: ast.Call, count: int) -> None:
        if len(expr.args) != count:
            raise SpecError(f"{expr.name} takes {count} argument(s), given {len(expr.args)}", expr.span)


_VERSION_FUNCTIONS = {
    "owner": lambda value, n: value - value % n,
    "version": lambda value, n: value % n,
    "bump": lambda value, n: value - value % n + (value % n + 1) % n,
}
"""Built-ins on versioned data: whose data (as version 0), which version, the next one."""


def _retype(expr: ir.Expr, sort: IntSort) -> ir.Expr:
    if isinstance(expr, ir.Const):
        return ir.Const(sort, expr.value)
    return expr


_MISSING = [t.__name__ for t in typing.get_args(ast.Expr)
            if not hasattr(Expressions, "_" + t.__name__.lower())]
if _MISSING:  # a node type of the syntax that lowering does not handle: fail at import
    raise TypeError(f"expression lowering lacks {', '.join(_MISSING)}")
