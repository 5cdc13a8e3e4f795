"""Names and sorts: every name a spec declares, the sorts values are coerced to, and the
places assignments write; expressions themselves are lowered by ``expressions``."""

from __future__ import annotations

from typing import Callable, Protocol

from explorer import ir
from explorer.ir import BOOL, BoolSort, EnumSort, IntSort, Sort
from explorer.lang import ast
from explorer.lang.errors import SpecError
from explorer.lang.limits import MAX_ENUMERATED, MAX_SORT_SIZE
from explorer.lang.expressions import Expressions
from explorer.lang.nulls import NullChecks
from explorer.lang.printer import expr_text
from explorer.lang.values import (
    Bindings, ByName, Ground, Local, Place, Value, VarInfo, Writes, _NoneValue, option_of,
)


class RuntimeQueries(Protocol):
    """What a property reads of the runtime's state (``lower.places.Places``)."""

    def task_at(self, task: int, places: tuple[str, ...], span: ast.Span) -> ir.Expr: ...
    def cpu_at(self, cpu: int, places: tuple[str, ...], span: ast.Span) -> ir.Expr: ...
    def cpu_in(self, cpu: int, region: str, span: ast.Span) -> ir.Expr: ...
    def mode(self, cpu: int, test: str) -> ir.Expr: ...
    def task_of(self, function: str, cpu: int, span: ast.Span) -> ir.Expr: ...


class Scope(Expressions):
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
        self.home: dict[int, int] = {}
        """Tasks pinned to one CPU (the idle tasks): task to its CPU."""
        self.initial_current: tuple[int, ...] = ()
        """The task each CPU runs first."""
        self.at_predicate: Callable[[int, str, ast.Span], ir.Expr] | None = None
        self.running_predicate: Callable[[int], ir.Expr] | None = None
        self.places: RuntimeQueries | None = None
        """The runtime's state as properties read it (``lower.places``)."""
        self.local_place: Callable[[Local, Ground], Place] | None = None
        """The state of a ``let`` local in a grounding (``lower.locals``)."""
        self.declared_locals: dict[str, tuple[str, ast.Span]] = {}
        """Every ``let`` name, with its function and place: for messages out of its scope."""
        self.removed: dict[str, ast.Remove] = {}
        """What the variant removes from its base, to name a use that is left."""
        self.nulls: NullChecks | None = None
        """Where the step being lowered dereferences ``E?`` pointers (``nulls``)."""

    # ------------------------------------------------------------------ names and sorts

    def declare_member(self, name: str, sort: EnumSort, value: int, span: ast.Span) -> None:
        if name in self.members:
            other = self.members[name][0]
            raise SpecError(f"{name} is already a member of {other.name}", span)
        self.members[name] = (sort, value)

    def sort(self, ref: ast.SortRef, enumerated: bool = False) -> Sort:
        """The sort ``ref`` names; ``enumerated`` when its values will be listed one by one
        (a quantifier, an array's index), which bounds its size more tightly."""
        if isinstance(ref, ast.BoolSortRef):
            return BOOL
        if isinstance(ref, ast.RangeSort):
            lo = self.constant_int(ref.lo)
            hi = self.constant_int(ref.hi)
            if lo > hi:
                raise SpecError(f"empty range {lo}..{hi}", ref.span)
            limit = MAX_ENUMERATED if enumerated else MAX_SORT_SIZE
            if hi - lo + 1 > limit:
                what = "values to go through one by one" if enumerated else "values"
                raise SpecError(f"{lo}..{hi} has {hi - lo + 1:,} values; at most {limit:,} {what}", ref.span)
            return IntSort(lo, hi)
        if isinstance(ref, ast.OptionSort):
            base = self.sorts.get(ref.name)
            if base is None:
                self.still_used(ref.name, ref.span)
            if not isinstance(base, EnumSort) or ref.name in self.versions:
                known = ", ".join(sorted(n for n, s in self.sorts.items()
                                         if isinstance(s, EnumSort) and n not in self.versions))
                raise SpecError(f"{ref.name}? is not a sort: only an enum without versions, Task or Cpu "
                                f"may be none (one of: {known})", ref.span)
            return option_of(base)
        found = self.sorts.get(ref.name)
        if found is None:
            self.still_used(ref.name, ref.span)
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

    def deref(self, value: Value, target: Sort, expr: ast.Expr, bindings: Bindings) -> ir.Expr:
        """``value`` (the value of ``expr``) where a ``target`` is needed: an ``E?`` pointer is
        dereferenced there, and the step that finds it ``none`` violates ``null_deref``
        (its value is then that of ``E``'s first member, which no successor ever sees)."""
        if isinstance(value, _NoneValue) or not (isinstance(target, EnumSort) and value.sort == option_of(target)):
            return self.coerce(value, target, expr.span)
        is_none = ir.eq(value, ir.Const(value.sort, 0))
        pointer = expr_text(expr, bindings)
        if self.nulls is not None:
            self.nulls.add(is_none, pointer)
        elif is_none != ir.FALSE:
            raise SpecError(f"{pointer} is a {value.sort.name}, which may be none here: only code (a step) "
                            f"and properties may dereference it", expr.span)
        if isinstance(value, ir.Const):
            return ir.Const(target, max(value.value - 1, 0))
        result: ir.Expr = ir.Const(target, 0)
        for member in range(target.size - 1, 0, -1):
            result = ir.ite(ir.eq(value, ir.Const(value.sort, member + 1)), ir.Const(target, member), result)
        return result

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
            if isinstance(bound, Local):
                raise SpecError(f"{expr.name} is a local (let): it cannot be assigned; a new let names a new value", expr.span)
            if bound is not None:
                raise SpecError(f"{expr.name} is not assignable", expr.span)
            info = self.vars.get(expr.name)
            if info is None:
                self.out_of_scope(expr)
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
            if info is None:
                self.still_used(expr.name, expr.span)
            if info is None or info.scope != "task":
                raise SpecError(f"{expr.name} is not a per-task variable", expr.span)
            task = self.deref(self.lower(expr.base, bindings, ground, writes), self.task_sort, expr.base, bindings)
            return Place(info.var, task)
        if isinstance(expr, ast.Index):
            base = expr.base
            if isinstance(base, ast.Name) and base.name not in self.vars:
                self.still_used(base.name, base.span)
            if not isinstance(base, ast.Name) or base.name not in self.vars:
                raise SpecError("only a variable can be indexed", expr.span)
            info = self.vars[base.name]
            index_sort = info.var.index
            if index_sort is None:
                raise SpecError(f"{base.name} is not an array", expr.span)
            index = self.deref(self.lower(expr.index, bindings, ground, writes), index_sort, expr.index, bindings)
            self._within(index, index_sort, expr.index.span, base.name)
            return Place(info.var, index)
        raise SpecError("expected a variable, an array element or a task's field here", expr.span)

    def _within(self, index: ir.Expr, sort: Sort, span: ast.Span, name: str) -> None:
        """An array index must stay within the array's index sort on every state: the
        engines and the reference semantics would give an index beyond it different
        meanings, so it is refused here (an enum index always stays within)."""
        if not isinstance(sort, IntSort):
            return
        known = ir.Intervals(sort_of=lambda var: self.vars[var].var.sort).walk(index)
        if known is None or not (sort.lo <= known[0] and known[1] <= sort.hi):
            shown = "an unknown range" if known is None else f"{known[0]}..{known[1]}"
            raise SpecError(f"this index of {name} may take values in {shown}, outside its index "
                            f"sort {sort.name}: index it with a variable or constant of that sort", span)

    def still_used(self, name: str, span: ast.Span) -> None:
        """A use of a declaration the variant removes: the error names the use."""
        remove = self.removed.get(name)
        if remove is not None:
            raise SpecError(f"{name} is still used here, but the variant removes it (remove {remove.kind} "
                            f"{name} at {remove.span})", span)

    def out_of_scope(self, expr: ast.Name) -> None:
        """A name that is a ``let`` local elsewhere: used before its let, or outside its block."""
        self.still_used(expr.name, expr.span)
        if expr.name in self.declared_locals:
            function, span = self.declared_locals[expr.name]
            raise SpecError(f"{expr.name} is a local of {function} (let at {span.file}:{span.line}:{span.column}), "
                            "not in scope here: a local is read after its let, in its block", expr.span)

    def may_run(self, task: int, cpu: int) -> bool:
        """Task ``task`` may ever run on ``cpu``: a pinned task on its CPU only, the others
        anywhere with ``migration``, else on their first CPU."""
        if task in self.home:
            return self.home[task] == cpu
        return bool(self.params["migration"].value) or task % self.cpu_sort.size == cpu

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

