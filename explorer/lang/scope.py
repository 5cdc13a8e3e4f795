"""Names, sorts and the typing of expressions: spec expressions to IR expressions.

Lowering grounds every action on its CPU and its current task, so inside code ``this_cpu``
and ``current`` are constants and ``current.fpu`` is a fixed element.  Function arguments
are passed by name: a parameter stands for the argument's expression, evaluated where the
parameter is used.  Within one step (an ``atomic`` block) a read sees the step's earlier
writes, which is how sequential statements become one parallel update.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping, Union

from explorer import ir
from explorer.lang import ast
from explorer.lang.errors import SpecError
from explorer.ir import BOOL, BoolSort, EnumSort, IntSort, Sort


@dataclass(frozen=True)
class Ground:
    """What is fixed for the action being lowered."""

    context: str
    """``thread``, ``sched``, ``irq``, ``global`` (properties) or ``init``."""
    cpu: int | None = None
    current: int | None = None
    interrupted_user: ir.Expr = ir.FALSE
    switch: tuple[int, int] | None = None
    """In a context switch: (prev, next), what the runtime passes to context_switch."""


@dataclass(frozen=True)
class ByName:
    """A function argument, passed by name: the caller's expression in the caller's scope."""

    expr: ast.Expr
    bindings: "Bindings"
    by_ref: bool
    sort: Sort | None


Bindings = Mapping[str, Union[ByName, ir.Const]]


class _NoneValue:
    """The literal ``none``, whose sort (``Task?`` or ``Cpu?``) comes from the other side."""


NONE = _NoneValue()
Value = Union[ir.Expr, _NoneValue]


@dataclass(frozen=True)
class VarInfo:
    scope: str
    var: ir.StateVar
    span: ast.Span | None


@dataclass(frozen=True)
class Place:
    """An assignable element: a variable and its index (None for a scalar)."""

    var: ir.StateVar
    index: ir.Expr | None


@dataclass
class Writes:
    """The writes a step has made so far, in order."""

    log: list[tuple[Place, ir.Expr]] = field(default_factory=list)

    def read(self, place: Place) -> ir.Expr:
        value: ir.Expr = ir.Read(place.var.name, place.index, place.var.sort)
        for written, new in self.log:
            if written.var.name != place.var.name:
                continue
            if place.index is None:
                value = new
            else:
                value = ir.ite(ir.eq(place.index, written.index), new, value)
        return value


def option_of(sort: EnumSort) -> EnumSort:
    return EnumSort(sort.name + "?", ("none",) + sort.members)


class Scope:
    """Every name a spec declares, and the lowering of its expressions."""

    def __init__(self) -> None:
        self.sorts: dict[str, Sort] = {}
        self.members: dict[str, tuple[EnumSort, int]] = {}
        self.versions: dict[str, int] = {}
        """Versioned enums: sort name to number of versions (a member ``m`` is ``m@0``)."""
        self.params: dict[str, ir.Const] = {}
        self.vars: dict[str, VarInfo] = {}
        self.fns: dict[str, ast.FnDecl] = {}
        self.defs: dict[str, ast.DefDecl] = {}
        self.task_sort: EnumSort = EnumSort("Task", ())
        self.cpu_sort: EnumSort = EnumSort("Cpu", ())
        self.at_predicate: Callable[[int, str, ast.Span], ir.Expr] | None = None
        self.running_predicate: Callable[[int], ir.Expr] | None = None

    # ------------------------------------------------------------------ names and sorts

    def declare_member(self, name: str, sort: EnumSort, value: int, span: ast.Span) -> None:
        if name in self.members:
            other = self.members[name][0]
            raise SpecError(f"{name} is already a member of {other.name}", span)
        self.members[name] = (sort, value)

    def sort(self, ref: ast.SortRef) -> Sort:
        if isinstance(ref, ast.BoolSortRef):
            return BOOL
        if isinstance(ref, ast.RangeSort):
            lo = self.constant_int(ref.lo)
            hi = self.constant_int(ref.hi)
            if lo > hi:
                raise SpecError(f"empty range {lo}..{hi}", ref.span)
            return IntSort(lo, hi)
        if isinstance(ref, ast.OptionSort):
            base = self.sorts.get(ref.name)
            if not isinstance(base, EnumSort) or ref.name not in ("Task", "Cpu"):
                raise SpecError(f"{ref.name}? is not a sort; only Task? and Cpu? may be none", ref.span)
            return option_of(base)
        found = self.sorts.get(ref.name)
        if found is None:
            known = ", ".join(sorted(self.sorts)) or "none"
            raise SpecError(f"unknown sort {ref.name}; expected bool, lo..hi or one of: {known}", ref.span)
        return found

    def constant_int(self, expr: ast.Expr) -> int:
        value = self.lower(expr, {}, Ground("global"))
        if not isinstance(value, ir.Const) or not isinstance(value.sort, IntSort):
            raise SpecError("expected a constant integer", expr.span)
        return value.value

    def constant(self, expr: ast.Expr, sort: Sort, ground: Ground, bindings: Bindings | None = None) -> int:
        value = self.coerce(self.lower(expr, bindings or {}, ground), sort, expr.span)
        if not isinstance(value, ir.Const):
            raise SpecError("expected a constant here", expr.span)
        if not ir.in_range(sort, value.value):
            raise SpecError(f"{value.value} is outside {sort.name}", expr.span)
        return value.value

    # ------------------------------------------------------------------ sorts of values

    def coerce(self, value: Value, target: Sort, span: ast.Span) -> ir.Expr:
        """``value`` as a value of ``target``: a task becomes a ``Task?``, ints must fit later."""
        if isinstance(value, _NoneValue):
            if isinstance(target, EnumSort) and target.members[:1] == ("none",):
                return ir.Const(target, 0)
            raise SpecError(f"none is not a value of {target.name}", span)
        source = value.sort
        if source == target:
            return value
        if isinstance(source, IntSort) and isinstance(target, IntSort):
            return value
        if isinstance(target, EnumSort) and isinstance(source, EnumSort) and option_of(source) == target:
            if isinstance(value, ir.Const):
                return ir.Const(target, value.value + 1)
            result: ir.Expr = ir.Const(target, 1)
            for member in range(source.size - 1, 0, -1):
                result = ir.ite(ir.eq(value, ir.Const(source, member)), ir.Const(target, member + 1), result)
            return result
        raise SpecError(f"expected a value of {target.name}, found one of {source.name}", span)

    def unify(self, left: Value, right: Value, span: ast.Span) -> tuple[ir.Expr, ir.Expr]:
        """Both sides of a comparison in one sort."""
        if isinstance(left, _NoneValue) and isinstance(right, _NoneValue):
            raise SpecError("cannot compare none with none", span)
        if isinstance(left, _NoneValue):
            return self.coerce(left, right.sort, span), right
        if isinstance(right, _NoneValue):
            return left, self.coerce(right, left.sort, span)
        if left.sort == right.sort or (isinstance(left.sort, IntSort) and isinstance(right.sort, IntSort)):
            return left, right
        try:
            return self.coerce(left, right.sort, span), right
        except SpecError:
            pass
        try:
            return left, self.coerce(right, left.sort, span)
        except SpecError:
            raise SpecError(f"cannot compare a {left.sort.name} with a {right.sort.name}", span) from None

    def boolean(self, expr: ast.Expr, bindings: Bindings, ground: Ground, writes: Writes | None = None) -> ir.Expr:
        value = self.lower(expr, bindings, ground, writes)
        if isinstance(value, _NoneValue) or not isinstance(value.sort, BoolSort):
            found = "none" if isinstance(value, _NoneValue) else value.sort.name
            raise SpecError(f"expected a condition (bool), found a {found}", expr.span)
        return value

    # ------------------------------------------------------------------ places

    def place(self, expr: ast.Expr, bindings: Bindings, ground: Ground, writes: Writes | None = None) -> Place:
        """The element an assignment target (or a ``&`` argument) names."""
        if isinstance(expr, ast.Name):
            bound = bindings.get(expr.name)
            if isinstance(bound, ByName):
                if not bound.by_ref:
                    raise SpecError(f"{expr.name} is a value parameter; declare it `{expr.name}: &Sort` to assign it", expr.span)
                return self.place(bound.expr, bound.bindings, ground, writes)
            if bound is not None:
                raise SpecError(f"{expr.name} is not assignable", expr.span)
            info = self.vars.get(expr.name)
            if info is None:
                raise SpecError(f"{expr.name} is not a variable", expr.span)
            if info.scope == "percpu":
                return Place(info.var, ir.Const(self.cpu_sort, self.this_cpu(expr.span, ground, expr.name)))
            if info.scope == "task":
                raise SpecError(f"{expr.name} is a per-task variable: write current.{expr.name} or <task>.{expr.name}", expr.span)
            if info.var.index is not None:
                raise SpecError(f"{expr.name} is an array: index it", expr.span)
            return Place(info.var, None)
        if isinstance(expr, ast.Field):
            info = self.vars.get(expr.name)
            if info is None or info.scope != "task":
                raise SpecError(f"{expr.name} is not a per-task variable", expr.span)
            task = self.coerce(self.lower(expr.base, bindings, ground, writes), self.task_sort, expr.base.span)
            return Place(info.var, task)
        if isinstance(expr, ast.Index):
            base = expr.base
            if not isinstance(base, ast.Name) or base.name not in self.vars:
                raise SpecError("only a variable can be indexed", expr.span)
            info = self.vars[base.name]
            index_sort = info.var.index
            if index_sort is None:
                raise SpecError(f"{base.name} is not an array", expr.span)
            index = self.coerce(self.lower(expr.index, bindings, ground, writes), index_sort, expr.index.span)
            return Place(info.var, index)
        raise SpecError("expected a variable, an array element or a task's field here", expr.span)

    def this_cpu(self, span: ast.Span, ground: Ground, name: str) -> int:
        if ground.cpu is not None:
            return ground.cpu
        if self.cpu_sort.size == 1:
            return 0
        raise SpecError(f"{name} is per-CPU: say which CPU, e.g. {name}[cpu0]", span)

    def read(self, place: Place, writes: Writes | None) -> ir.Expr:
        if writes is None:
            return ir.Read(place.var.name, place.index, place.var.sort)
        return writes.read(place)

    # ------------------------------------------------------------------ expressions

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
        if isinstance(bound, ByName):
            value = self.lower(bound.expr, bound.bindings, ground, writes)
            return value if bound.sort is None else self.coerce(value, bound.sort, expr.span)
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

    def _integer(self, value: Value, expr: ast.Expr) -> ir.Expr:
        if isinstance(value, _NoneValue) or not isinstance(value.sort, IntSort):
            found = "none" if isinstance(value, _NoneValue) else value.sort.name
            raise SpecError(f"expected an integer, found a {found}", expr.span)
        return value

    def _cond(self, expr: ast.Cond, bindings, ground, writes) -> Value:
        cond = self.boolean(expr.cond, bindings, ground, writes)
        then, else_ = self.unify(
            self.lower(expr.then, bindings, ground, writes),
            self.lower(expr.else_, bindings, ground, writes), expr.span,
        )
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
        task = self.coerce(self.lower(expr.task, bindings, ground, writes), self.task_sort, expr.task.span)
        assert self.at_predicate is not None
        return self._over_tasks(task, lambda t: self.at_predicate(t, expr.region, expr.span))

    def _over_tasks(self, task: ir.Expr, predicate: Callable[[int], ir.Expr]) -> ir.Expr:
        if isinstance(task, ir.Const):
            return predicate(task.value)
        return ir.or_(*(ir.and_(ir.eq(task, ir.Const(self.task_sort, t)), predicate(t)) for t in self.task_sort.values()))

    def _quantifier(self, expr: ast.Quantifier, bindings, ground, writes) -> Value:
        sort = self.sort(expr.sort)
        cases = []
        for value in sort.values():
            inner = dict(bindings)
            inner[expr.var] = ir.Const(sort, value)
            cases.append(self.boolean(expr.body, inner, ground, writes))
        return ir.and_(*cases) if expr.quant == "forall" else ir.or_(*cases)

    def _call(self, expr: ast.Call, bindings, ground, writes) -> Value:
        name = expr.name
        if name == "in_interrupt":
            self._arity(expr, 0)
            return ir.const_bool(ground.context == "irq")
        if name == "interrupted_user_mode":
            self._arity(expr, 0)
            return ground.interrupted_user if ground.context == "irq" else ir.FALSE
        if name == "running":
            self._arity(expr, 1)
            task = self.coerce(self.lower(expr.args[0], bindings, ground, writes), self.task_sort, expr.args[0].span)
            assert self.running_predicate is not None
            return self._over_tasks(task, self.running_predicate)
        if name in _VERSION_FUNCTIONS and name not in self.defs:
            return self._version_table(expr, bindings, ground, writes, _VERSION_FUNCTIONS[name])
        decl = self.defs.get(name)
        if decl is None:
            if name in self.fns:
                raise SpecError(f"{name} is a fn (code), not a def: call it as a statement", expr.span)
            raise SpecError(f"unknown function {name}", expr.span)
        self._arity(expr, len(decl.params))
        inner: dict = {}
        for param, arg in zip(decl.params, expr.args):
            inner[param.name] = ByName(arg, bindings, False, self.sort(param.sort))
        value = self.lower(decl.body, inner, ground, writes)
        return self.coerce(value, self.sort(decl.sort), expr.span)

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
