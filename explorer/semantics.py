"""The concrete semantics of the IR: evaluating expressions on states, successors, replay.

A concrete state is a tuple of ints, one per element of ``model.elements`` in that order.
This module knows nothing of z3 nor of the spec language.  It holds two implementations
of the same semantics:

* the *reference* functions (``evaluate``, ``enabled``, ``apply``, ``successors``,
  ``is_bad``): a plain tree-walking evaluator, written to be obviously right; replay and
  every independent re-check use them;
* ``Compiled``: a fast path for the explicit engine (states packed into one Python int,
  guards and updates turned into closures with bit-mask tests).  It must agree exactly
  with the reference functions; ``tests/test_semantics.py`` checks that on random models.

Evaluation rules (both implementations):

* ``And`` / ``Or`` / ``Ite`` evaluate left to right and short-circuit;
* ``Add`` / ``Sub`` are plain integer arithmetic (the result may leave the sort; lowering
  guards against that);
* reading an array at an index outside its index sort raises ``EvaluationError``, and so
  does an update that would store a value outside its element's sort or write an array
  at an index outside its index sort (a lowering bug, never a silent wrap).

``Compiled`` agrees with the reference on every state where the reference raises no
error; where the reference raises, ``Compiled`` raises ``EvaluationError`` too when the
error comes from an update, but may return ``False`` for a guard whose cheap
``var == const`` conjuncts fail before the erroneous conjunct is reached.
"""

from __future__ import annotations

import itertools
from typing import Callable, Iterator, Sequence

from explorer.model import (
    Action,
    Add,
    And,
    BoolSort,
    Const,
    EnumSort,
    Eq,
    Expr,
    IntSort,
    Ite,
    Le,
    Lt,
    Model,
    Not,
    Or,
    Property,
    Read,
    Sort,
    Sub,
    in_range,
)
from explorer.verdict import Trace, TraceElement, TraceStep, Value

State = tuple[int, ...]


class EvaluationError(Exception):
    """An expression or update cannot be evaluated (an index or a value out of its sort)."""


class ReplayError(Exception):
    """A trace that is not a run of the model ending in a bad state."""


# --------------------------------------------------------------------------- reference


def initial_states(model: Model) -> Iterator[State]:
    """Every initial state: the product of the per-element initial choices."""
    return (tuple(values) for values in itertools.product(*model.initial_choices()))


def _index_sort(model: Model, var: str) -> Sort:
    index = model.var(var).index
    if index is None:
        raise EvaluationError(f"{var} is a scalar, read with an index")
    return index


def _slot(model: Model, var: str, index_value: int | None) -> int:
    """The position of an element; an index outside the array's index sort (or an index
    on a scalar, or none on an array) is not in the model's slot table."""
    try:
        return model.slot(var, index_value)
    except KeyError:
        if index_value is None:
            raise EvaluationError(f"{var} is an array, read without an index") from None
        raise EvaluationError(f"index {index_value} out of range for {var}") from None


def evaluate(model: Model, expr: Expr, state: State) -> int:
    """The value of ``expr`` in ``state`` (booleans as 0 / 1)."""
    if isinstance(expr, Read):
        index = None if expr.index is None else evaluate(model, expr.index, state)
        return state[_slot(model, expr.var, index)]
    if isinstance(expr, Eq):
        return int(evaluate(model, expr.left, state) == evaluate(model, expr.right, state))
    if isinstance(expr, And):
        for arg in expr.args:
            if not evaluate(model, arg, state):
                return 0
        return 1
    if isinstance(expr, Const):
        return expr.value
    if isinstance(expr, Not):
        return 0 if evaluate(model, expr.arg, state) else 1
    if isinstance(expr, And):
        for arg in expr.args:
            if not evaluate(model, arg, state):
                return 0
        return 1
    if isinstance(expr, Or):
        for arg in expr.args:
            if evaluate(model, arg, state):
                return 1
        return 0
    if isinstance(expr, Eq):
        return int(evaluate(model, expr.left, state) == evaluate(model, expr.right, state))
    if isinstance(expr, Lt):
        return int(evaluate(model, expr.left, state) < evaluate(model, expr.right, state))
    if isinstance(expr, Le):
        return int(evaluate(model, expr.left, state) <= evaluate(model, expr.right, state))
    if isinstance(expr, Add):
        return evaluate(model, expr.left, state) + evaluate(model, expr.right, state)
    if isinstance(expr, Sub):
        return evaluate(model, expr.left, state) - evaluate(model, expr.right, state)
    if isinstance(expr, Ite):
        if evaluate(model, expr.cond, state):
            return evaluate(model, expr.then, state)
        return evaluate(model, expr.else_, state)
    raise TypeError(f"not an IR expression: {expr!r}")


def enabled(model: Model, action: Action, state: State) -> bool:
    """Whether ``action``'s guard holds in ``state``."""
    return bool(evaluate(model, action.guard, state))


def apply(model: Model, action: Action, state: State) -> State:
    """The state after ``action`` (its guard is not checked).

    Every index and value is evaluated in the pre-state; the updates are then applied in
    order, so a later update of the same element wins.
    """
    elements = model.elements
    writes = []
    for update in action.updates:
        index = None if update.index is None else evaluate(model, update.index, state)
        slot = _slot(model, update.var, index)
        value = evaluate(model, update.value, state)
        if not in_range(elements[slot].sort, value):
            raise EvaluationError(
                f"{action.name}: value {value} out of range for {elements[slot].name}"
            )
        writes.append((slot, value))
    new = list(state)
    for slot, value in writes:
        new[slot] = value
    return tuple(new)


def successors(model: Model, state: State) -> list[tuple[int, State]]:
    """``(action position in model.actions, next state)`` for every enabled action."""
    return [
        (i, apply(model, action, state))
        for i, action in enumerate(model.actions)
        if enabled(model, action, state)
    ]


def is_bad(model: Model, prop: Property, state: State) -> bool:
    """Whether ``prop``'s bad predicate holds in ``state``."""
    return bool(evaluate(model, prop.bad, state))


# --------------------------------------------------------------------------- display


def display(sort: Sort, value: int) -> Value:
    """A value as a trace shows it: bool, int, or an enum member's name."""
    if isinstance(sort, BoolSort):
        return bool(value)
    if isinstance(sort, EnumSort):
        return sort.members[value] if 0 <= value < sort.size else str(value)
    return int(value)


def _show(sort: Sort, value: int) -> str:
    if isinstance(sort, EnumSort) and not 0 <= value < sort.size:
        return str(value)
    return sort.show(value)


def trace_elements(model: Model) -> tuple[TraceElement, ...]:
    """The trace's description of ``model.elements``."""
    out = []
    for element in model.elements:
        key = None
        if element.index is not None:
            key = _index_sort(model, element.var).show(element.index)
        out.append(TraceElement(element.name, element.var, key, element.hidden))
    return tuple(out)


def display_state(model: Model, state: State) -> tuple[Value, ...]:
    return tuple(display(e.sort, v) for e, v in zip(model.elements, state))


def state_dict(model: Model, state: State) -> dict[str, Value]:
    """A state as element name -> displayed value (for statistics and messages)."""
    return {e.name: display(e.sort, v) for e, v in zip(model.elements, state)}


# --------------------------------------------------------------------------- replay


def _step(model: Model, index: int, action: Action, old: State, new: State | None,
          violation: str | None) -> TraceStep:
    origin = action.origin
    changes: list[tuple[str, str, str]] = []
    if new is not None:
        for element, a, b in zip(model.elements, old, new):
            if a != b and not element.hidden:
                changes.append((element.name, _show(element.sort, a), _show(element.sort, b)))
    return TraceStep(
        index=index,
        action=action.name,
        cpu=origin.cpu,
        context=origin.context,
        chain=tuple(origin.chain),
        statement=origin.statement,
        location="" if origin.span is None else str(origin.span),
        citation=origin.citation,
        changes=tuple(changes),
        violation=violation,
    )


def replay(model: Model, prop: Property, init: State, actions: Sequence[str]) -> Trace:
    """Re-execute a run and build its trace, or raise ``ReplayError``.

    ``init`` must be an initial state and each named action enabled where it is taken;
    the state reached must be bad for ``prop``.  ``actions`` are the steps actually taken
    (not a final violating step site).  If the final state is bad only through a step site
    (``prop.state_bad`` false there), the trace ends with one more step for the first site
    of ``prop.sites`` whose ``when`` holds: that step is not applied, it carries the
    site's message as its violation, and its action is the last of ``Trace.actions``.
    Otherwise the last step (if any) carries ``prop.text or prop.name`` as its violation.
    Steps are numbered from 1.
    """
    init = tuple(int(v) for v in init)
    choices = model.initial_choices()
    if len(init) != len(choices):
        raise ReplayError(
            f"initial state has {len(init)} values, the model has {len(choices)} elements"
        )
    for element, value, allowed in zip(model.elements, init, choices):
        if value not in allowed:
            raise ReplayError(
                f"not an initial state: {element.name} = {_show(element.sort, value)}"
            )
    states: list[State] = [init]
    steps: list[TraceStep] = []
    names = list(actions)
    state = init
    try:
        for number, name in enumerate(names, start=1):
            try:
                action = model.action(name)
            except KeyError:
                raise ReplayError(f"step {number}: no action named {name!r}") from None
            if not enabled(model, action, state):
                raise ReplayError(f"step {number}: action {name!r} is not enabled")
            new = apply(model, action, state)
            steps.append(_step(model, number, action, state, new, None))
            states.append(new)
            state = new
        if not is_bad(model, prop, state):
            raise ReplayError(f"the final state is not bad for property {prop.name!r}")
        if evaluate(model, prop.state_bad, state):
            if steps:
                steps[-1] = _replace_violation(steps[-1], prop.text or prop.name)
        else:
            for site in prop.sites:
                if evaluate(model, site.when, state):
                    try:
                        action = model.action(site.action)
                    except KeyError:
                        raise ReplayError(f"step site names no action: {site.action!r}") from None
                    # ``site.when`` carries the step's own enabling condition; it is not
                    # ``enabled(action)``: a range violation (property ``bounds``) is a
                    # step whose range check blocks it.
                    steps.append(_step(model, len(steps) + 1, action, state, None,
                                       site.message))
                    names.append(site.action)
                    break
            else:
                raise ReplayError(
                    f"property {prop.name!r}: bad holds but neither its state part nor "
                    "any step site does"
                )
    except EvaluationError as error:
        raise ReplayError(f"evaluation failed: {error}") from error
    return Trace(
        elements=trace_elements(model),
        steps=tuple(steps),
        states=tuple(display_state(model, s) for s in states),
        raw_states=tuple(states),
        actions=tuple(names),
    )


def _replace_violation(step: TraceStep, violation: str) -> TraceStep:
    from dataclasses import replace

    return replace(step, violation=violation)


# --------------------------------------------------------------------------- fast path


PackedState = int
_Fn = Callable[[int], int]


def _raiser(message: str) -> _Fn:
    def fail(s: int) -> int:
        raise EvaluationError(message)

    return fail


def _interval(model: Model, expr: Expr) -> tuple[int, int] | None:
    """Conservative bounds of ``expr``'s value on states whose elements are in their sorts
    (a read is bounded by its variable's declared sort, not by the sort the read claims)."""
    if isinstance(expr, Const):
        return expr.value, expr.value
    if isinstance(expr, Read):
        try:
            sort = model.var(expr.var).sort
        except KeyError:
            return None
        if isinstance(sort, IntSort):
            return sort.lo, sort.hi
        return 0, sort.size - 1
    if isinstance(expr, (Not, And, Or, Eq, Lt, Le)):
        return 0, 1
    if isinstance(expr, (Add, Sub)):
        left, right = _interval(model, expr.left), _interval(model, expr.right)
        if left is None or right is None:
            return None
        if isinstance(expr, Add):
            return left[0] + right[0], left[1] + right[1]
        return left[0] - right[1], left[1] - right[0]
    if isinstance(expr, Ite):
        then, else_ = _interval(model, expr.then), _interval(model, expr.else_)
        if then is None or else_ is None:
            return None
        return min(then[0], else_[0]), max(then[1], else_[1])
    return None


class Compiled:
    """The semantics of one model on packed states, for the explicit engine.

    A packed state is one Python int: element ``i`` occupies ``width[i]`` bits at
    ``offset[i]`` and holds ``value - lo[i]`` (``lo`` is an IntSort's lower bound, else 0).
    Expressions become closures over the packed int; the ``var == const`` conjuncts of a
    guard (and bare boolean reads) become a single ``s & M == V`` test; the constant
    updates of an action a single ``(s & KEEP) | SET``, and copies between elements of the
    same sort a shift-and-mask.  Actions are found through a decision tree over their
    ``var == const`` conjuncts (``current``, then a program counter, say), so that per
    state only the actions whose literals hold are tried.  No source code is generated.

    Agrees with the reference functions (``successors`` up to the order of its list, see
    the module docstring for states where the reference raises).  Raises
    ``EvaluationError`` at construction if an initial value lies outside its sort.
    """

    def __init__(self, model: Model):
        self.model = model
        elements = model.elements
        self.lo: list[int] = []
        self.width: list[int] = []
        self.offset: list[int] = []
        self.hi: list[int] = []
        offset = 0
        for element in elements:
            sort = element.sort
            lo = sort.lo if isinstance(sort, IntSort) else 0
            width = max(1, (sort.size - 1).bit_length())
            self.lo.append(lo)
            self.hi.append(lo + sort.size - 1)
            self.width.append(width)
            self.offset.append(offset)
            offset += width
        self.bits = offset
        self.fmask = [(1 << w) - 1 for w in self.width]
        for element, allowed in zip(elements, model.initial_choices()):
            for value in allowed:
                if not in_range(element.sort, value):
                    raise EvaluationError(f"initial value {value} out of range for {element.name}")
        self._steps = [self._action(i, a) for i, a in enumerate(model.actions)]
        self._root = self._index()
        self.successors = self._make_successors()

    # ----------------------------------------------------------------- packing

    def pack(self, state: State) -> PackedState:
        s = 0
        for value, lo, off in zip(state, self.lo, self.offset):
            s |= (value - lo) << off
        return s

    def unpack(self, s: PackedState) -> State:
        return tuple(
            ((s >> off) & m) + lo for off, m, lo in zip(self.offset, self.fmask, self.lo)
        )

    def initial(self) -> list[PackedState]:
        return [self.pack(state) for state in initial_states(self.model)]

    # ----------------------------------------------------------------- expressions

    def _static_slot(self, read: Read) -> int | None | str:
        """The element a read names if its index is static; an error text if it is a
        constant out of range; None if the index is dynamic."""
        if read.index is None:
            try:
                return self.model.slot(read.var, None)
            except KeyError:
                return f"no element {read.var}"
        if isinstance(read.index, Const):
            try:
                return _slot(self.model, read.var, read.index.value)
            except EvaluationError as error:
                return str(error)
        return None

    def _literal(self, expr: Expr) -> tuple[int, int] | None | bool:
        """``(element, value)`` if ``expr`` is ``element == value``; False if it can never
        hold (value out of the element's sort); None if it is not such a literal."""
        negate = False
        if isinstance(expr, Not) and isinstance(expr.arg, Read):
            expr, negate = expr.arg, True
        if isinstance(expr, Read):
            if not isinstance(expr.sort, BoolSort):
                return None
            slot = self._static_slot(expr)
            if not isinstance(slot, int) or not isinstance(self.model.elements[slot].sort, BoolSort):
                return None
            return slot, 0 if negate else 1
        if negate or not isinstance(expr, Eq):
            return None
        left, right = expr.left, expr.right
        if isinstance(left, Const):
            left, right = right, left
        if not (isinstance(left, Read) and isinstance(right, Const)):
            return None
        slot = self._static_slot(left)
        if not isinstance(slot, int):
            return None
        if not self.lo[slot] <= right.value <= self.hi[slot]:
            return False
        return slot, right.value

    def _lit_bits(self, slot: int, value: int) -> tuple[int, int]:
        return self.fmask[slot] << self.offset[slot], (value - self.lo[slot]) << self.offset[slot]

    def expr(self, expr: Expr) -> _Fn:
        """A closure computing ``evaluate(model, expr, unpack(s))`` from a packed state."""
        if isinstance(expr, Const):
            value = expr.value
            return lambda s: value
        if isinstance(expr, Read):
            return self._read(expr)
        if isinstance(expr, And):
            return self._conj(expr.args)
        if isinstance(expr, Or):
            return self._disj(expr.args)
        if isinstance(expr, Not):
            lit = self._literal(expr)
            if lit is not None and lit is not False:
                mask, bits = self._lit_bits(*lit)
                return lambda s: s & mask == bits
            f = self.expr(expr.arg)
            return lambda s: not f(s)
        if isinstance(expr, Eq):
            lit = self._literal(expr)
            if lit is False:
                return lambda s: False
            if lit is not None:
                mask, bits = self._lit_bits(*lit)
                return lambda s: s & mask == bits
            return self._compare(expr, "eq")
        if isinstance(expr, Lt):
            return self._compare(expr, "lt")
        if isinstance(expr, Le):
            return self._compare(expr, "le")
        if isinstance(expr, Add):
            f, g = self.expr(expr.left), self.expr(expr.right)
            if isinstance(expr.right, Const):
                k = expr.right.value
                return lambda s: f(s) + k
            return lambda s: f(s) + g(s)
        if isinstance(expr, Sub):
            f, g = self.expr(expr.left), self.expr(expr.right)
            if isinstance(expr.right, Const):
                k = expr.right.value
                return lambda s: f(s) - k
            return lambda s: f(s) - g(s)
        if isinstance(expr, Ite):
            c, t, e = self.expr(expr.cond), self.expr(expr.then), self.expr(expr.else_)
            return lambda s: t(s) if c(s) else e(s)
        raise TypeError(f"not an IR expression: {expr!r}")

    def _disj(self, args: Sequence[Expr]) -> _Fn:
        lits = [self._literal(a) for a in args]
        slots = {lit[0] for lit in lits if isinstance(lit, tuple)}
        if len(slots) == 1 and all(lit is False or isinstance(lit, tuple) for lit in lits):
            # ``pc == L1 || pc == L2 || ...``: one membership test
            (slot,) = slots
            off, m, lo = self.offset[slot], self.fmask[slot], self.lo[slot]
            members = frozenset(lit[1] - lo for lit in lits if isinstance(lit, tuple))
            return lambda s: ((s >> off) & m) in members
        fns = tuple(self.expr(a) for a in args)
        if len(fns) == 2:
            f, g = fns
            return lambda s: 1 if f(s) or g(s) else 0

        def disj(s: int) -> int:
            for f in fns:
                if f(s):
                    return 1
            return 0

        return disj

    def _read(self, read: Read) -> _Fn:
        slot = self._static_slot(read)
        if isinstance(slot, str):
            return _raiser(slot)
        if slot is not None:
            off, m, lo = self.offset[slot], self.fmask[slot], self.lo[slot]
            if lo == 0:
                if off == 0:
                    return lambda s: s & m
                return lambda s: (s >> off) & m
            return lambda s: ((s >> off) & m) + lo
        # dynamic index
        index_sort = _index_sort(self.model, read.var)
        ilo = index_sort.lo if isinstance(index_sort, IntSort) else 0
        n = index_sort.size
        slots = [self.model.slot(read.var, v) for v in index_sort.values()]
        offs = tuple(self.offset[i] for i in slots)
        m, lo = self.fmask[slots[0]], self.lo[slots[0]]
        index = self.expr(read.index)
        name = read.var

        def dyn(s: int) -> int:
            i = index(s) - ilo
            if not 0 <= i < n:
                raise EvaluationError(f"index {i + ilo} out of range for {name}")
            return ((s >> offs[i]) & m) + lo

        return dyn

    def _compare(self, expr: Eq | Lt | Le, op: str) -> _Fn:
        f, g = self.expr(expr.left), self.expr(expr.right)
        if isinstance(expr.right, Const):
            k = expr.right.value
            if op == "eq":
                return lambda s: f(s) == k
            if op == "lt":
                return lambda s: f(s) < k
            return lambda s: f(s) <= k
        if isinstance(expr.left, Const):
            k = expr.left.value
            if op == "eq":
                return lambda s: k == g(s)
            if op == "lt":
                return lambda s: k < g(s)
            return lambda s: k <= g(s)
        if op == "eq":
            return lambda s: f(s) == g(s)
        if op == "lt":
            return lambda s: f(s) < g(s)
        return lambda s: f(s) <= g(s)

    def _split(self, args: Sequence[Expr]) -> tuple[dict[int, int] | None, list[Expr]]:
        """The literals of a conjunction (element -> value; None if two contradict or one
        can never hold) and its other conjuncts, in order."""
        lits: dict[int, int] | None = {}
        rest: list[Expr] = []
        for arg in args:
            lit = self._literal(arg)
            if lit is None:
                rest.append(arg)
            elif lit is False or lits is None or lits.get(lit[0], lit[1]) != lit[1]:
                lits = None
            else:
                lits[lit[0]] = lit[1]
        return lits, rest

    def _mask_of(self, lits: dict[int, int]) -> tuple[int, int]:
        mask = bits = 0
        for slot, value in lits.items():
            m, b = self._lit_bits(slot, value)
            mask |= m
            bits |= b
        return mask, bits

    def _conj(self, args: Sequence[Expr], lits: dict[int, int] | None = None,
              rest: list[Expr] | None = None) -> _Fn:
        if lits is None and rest is None:
            lits, rest = self._split(args)
            if lits is None:
                return lambda s: False
        assert lits is not None and rest is not None
        mask, bits = self._mask_of(lits)
        fns = [self.expr(a) for a in rest]
        if not fns:
            if not mask:
                return lambda s: True
            return lambda s: s & mask == bits
        if len(fns) == 1:
            (f,) = fns
            if not mask:
                return lambda s: bool(f(s))
            return lambda s: s & mask == bits and bool(f(s))
        if len(fns) == 2:
            f, g = fns
            if not mask:
                return lambda s: bool(f(s) and g(s))
            return lambda s: s & mask == bits and bool(f(s) and g(s))
        def conj(s: int) -> bool:
            if s & mask != bits:
                return False
            for f in fns:
                if not f(s):
                    return False
            return True

        return conj

    def predicate(self, expr: Expr) -> Callable[[int], bool]:
        """A closure telling whether ``expr`` holds in a packed state."""
        if isinstance(expr, And):
            return self._conj(expr.args)
        f = self.expr(expr)
        return lambda s: bool(f(s))

    def bad(self, prop: Property) -> Callable[[int], bool]:
        """``is_bad(model, prop, unpack(s))`` on packed states."""
        return self.predicate(prop.bad)

    # ----------------------------------------------------------------- actions

    def _action(self, number: int, action: Action):
        """(literals of the guard, other guard conjuncts, update closure s -> s')."""
        guard = action.guard
        args = guard.args if isinstance(guard, And) else (guard,)
        lits, rest = self._split(args)
        return lits, rest, self._updates(action)

    def _updates(self, action: Action) -> _Fn:
        model = self.model
        static: list[tuple[int, Expr]] = []
        dynamic = False
        for update in action.updates:
            if update.index is None or isinstance(update.index, Const):
                index = None if update.index is None else update.index.value
                try:
                    slot = _slot(model, update.var, index)
                except EvaluationError as error:
                    return _raiser(f"{action.name}: {error}")
                static.append((slot, update.value))
            else:
                dynamic = True
        slots = [slot for slot, _ in static]
        if not dynamic and len(set(slots)) == len(slots):
            return self._static_updates(action, static)
        return self._general_updates(action)

    def _checked_value(self, action: Action, slot: int, value: Expr) -> _Fn:
        """A closure giving the raw field bits (unshifted) of ``value`` stored in ``slot``."""
        lo, hi = self.lo[slot], self.hi[slot]
        f = self.expr(value)
        bounds = _interval(self.model, value)
        name = f"{action.name}: {self.model.elements[slot].name}"
        if bounds is not None and lo <= bounds[0] and bounds[1] <= hi:
            if lo == 0:
                return f
            return lambda s: f(s) - lo

        def checked(s: int) -> int:
            v = f(s)
            if not lo <= v <= hi:
                raise EvaluationError(f"{name}: value {v} out of range")
            return v - lo

        return checked

    def _static_updates(self, action: Action, static: list[tuple[int, Expr]]) -> _Fn:
        keep = (1 << self.bits) - 1
        const = 0
        copies: list[tuple[int, int, int]] = []  # (src offset, mask, dst offset)
        others: list[tuple[_Fn, int]] = []  # (raw value fn, dst offset)
        for slot, value in static:
            off = self.offset[slot]
            keep &= ~(self.fmask[slot] << off)
            if isinstance(value, Const):
                if not self.lo[slot] <= value.value <= self.hi[slot]:
                    return _raiser(f"{action.name}: value {value.value} out of range for "
                                   f"{self.model.elements[slot].name}")
                const |= (value.value - self.lo[slot]) << off
                continue
            if isinstance(value, Read):
                src = self._static_slot(value)
                if (isinstance(src, int) and self.lo[src] == self.lo[slot]
                        and self.hi[src] <= self.hi[slot]):
                    copies.append((self.offset[src], self.fmask[src], off))
                    continue
            others.append((self._checked_value(action, slot, value), off))
        if not copies and not others:
            return lambda s: (s & keep) | const
        if len(copies) == 1 and not others:
            ((so, m, do),) = copies
            if so == 0:
                return lambda s: (s & keep) | const | ((s & m) << do)
            return lambda s: (s & keep) | const | (((s >> so) & m) << do)
        if len(copies) == 2 and not others:
            (s1, m1, d1), (s2, m2, d2) = copies
            return lambda s: ((s & keep) | const | (((s >> s1) & m1) << d1)
                              | (((s >> s2) & m2) << d2))
        if len(copies) == 1 and len(others) == 1:
            ((so, m, do),) = copies
            ((f, fo),) = others
            return lambda s: (s & keep) | const | (((s >> so) & m) << do) | (f(s) << fo)
        if not copies and len(others) == 1:
            ((f, do),) = others
            return lambda s: (s & keep) | const | (f(s) << do)
        copies_t, others_t = tuple(copies), tuple(others)

        def upd(s: int) -> int:
            r = (s & keep) | const
            for so, m, do in copies_t:
                r |= ((s >> so) & m) << do
            for f, do in others_t:
                r |= f(s) << do
            return r

        return upd

    def _general_updates(self, action: Action) -> _Fn:
        """Sequential updates (dynamic indices, or one element written twice)."""
        writers: list[Callable[[int], tuple[int, int]]] = []
        for update in action.updates:
            index_sort = None if update.index is None else _index_sort(self.model, update.var)
            if update.index is None or isinstance(update.index, Const):
                index = None if update.index is None else update.index.value
                try:
                    slot = _slot(self.model, update.var, index)
                except EvaluationError as error:
                    return _raiser(f"{action.name}: {error}")
                writers.append(self._static_writer(action, slot, update.value))
            else:
                assert index_sort is not None
                writers.append(self._dynamic_writer(action, update.var, index_sort,
                                                    update.index, update.value))
        writers_t = tuple(writers)

        def upd(s: int) -> int:
            writes = [w(s) for w in writers_t]
            r = s
            for clear, bits in writes:
                r = (r & clear) | bits
            return r

        return upd

    def _static_writer(self, action: Action, slot: int, value: Expr):
        f = self._checked_value(action, slot, value)
        off = self.offset[slot]
        clear = ~(self.fmask[slot] << off)
        return lambda s: (clear, f(s) << off)

    def _dynamic_writer(self, action: Action, var: str, index_sort: Sort, index: Expr,
                        value: Expr):
        slots = [self.model.slot(var, v) for v in index_sort.values()]
        ilo = index_sort.lo if isinstance(index_sort, IntSort) else 0
        n = len(slots)
        f = self._checked_value(action, slots[0], value)  # all entries share one sort
        offs = tuple(self.offset[i] for i in slots)
        clears = tuple(~(self.fmask[i] << self.offset[i]) for i in slots)
        idx = self.expr(index)
        name = f"{action.name}: {var}"

        def write(s: int) -> tuple[int, int]:
            i = idx(s) - ilo
            if not 0 <= i < n:
                raise EvaluationError(f"{name}: index {i + ilo} out of range")
            return clears[i], f(s) << offs[i]

        return write

    # ----------------------------------------------------------------- dispatch

    def _index(self):
        """A decision tree over ``var == const`` literals that finds the candidate actions.

        Each inner node looks at one element and goes to the subtree of the actions whose
        literal on that element matches the state's value, then to the subtree of the
        actions with no literal on it.  The element of a node is the one that rules out
        the most actions on an average state (``uses * (1 - 1/size)``).  Leaves hold the
        actions with their remaining literals (one mask test) and other conjuncts.
        """
        items = []
        for number, (lits, rest, upd) in enumerate(self._steps):
            if lits is None:
                continue  # the guard can never hold
            items.append((number, dict(lits), rest, upd))
        return self._tree(items)

    def _tree(self, items: list) -> Callable[[int, list], None] | None:
        if not items:
            return None
        score: dict[int, float] = {}
        for _, lits, _, _ in items:
            for slot in lits:
                size = self.hi[slot] - self.lo[slot] + 1
                score[slot] = score.get(slot, 0.0) + 1.0 - 1.0 / size
        if len(items) == 1 or not score:
            return self._leaf(items)
        key = max(score, key=lambda slot: (score[slot], -slot))
        buckets: dict[int, list] = {}
        rest_items = []
        for number, lits, rest, upd in items:
            if key in lits:
                value = lits[key] - self.lo[key]
                others = {slot: v for slot, v in lits.items() if slot != key}
                buckets.setdefault(value, []).append((number, others, rest, upd))
            else:
                rest_items.append((number, lits, rest, upd))
        table = [None] * (1 << self.width[key])
        for value, bucket in buckets.items():
            table[value] = self._tree(bucket)
        table_t = tuple(table)
        other = self._tree(rest_items)
        off, m = self.offset[key], self.fmask[key]
        if other is None:
            def node(s: int, out: list) -> None:
                sub = table_t[(s >> off) & m]
                if sub is not None:
                    sub(s, out)
        else:
            def node(s: int, out: list) -> None:
                sub = table_t[(s >> off) & m]
                if sub is not None:
                    sub(s, out)
                other(s, out)
        return node

    def _leaf(self, items: list) -> Callable[[int, list], None]:
        steps = tuple(
            (number, self._step(*self._mask_of(lits), rest, upd))
            for number, lits, rest, upd in items
        )
        if len(steps) == 1:
            ((number, step),) = steps

            def one(s: int, out: list) -> None:
                t = step(s)
                if t is not None:
                    out.append((number, t))

            return one

        def leaf(s: int, out: list) -> None:
            for number, step in steps:
                t = step(s)
                if t is not None:
                    out.append((number, t))

        return leaf

    def _step(self, mask: int, bits: int, rest: list[Expr], upd: _Fn):
        """A closure s -> next packed state, or None if the guard fails."""
        fns = [self.expr(a) for a in rest]
        if not fns:
            if not mask:
                return upd
            return lambda s: upd(s) if s & mask == bits else None
        if len(fns) == 1:
            (f,) = fns
            if not mask:
                return lambda s: upd(s) if f(s) else None
            return lambda s: upd(s) if s & mask == bits and f(s) else None
        if len(fns) == 2:
            f, g = fns
            if not mask:
                return lambda s: upd(s) if f(s) and g(s) else None
            return lambda s: upd(s) if s & mask == bits and f(s) and g(s) else None

        def step(s: int) -> int | None:
            if s & mask != bits:
                return None
            for f in fns:
                if not f(s):
                    return None
            return upd(s)

        return step

    def _make_successors(self):
        root = self._root

        if root is None:
            return lambda s: []

        def successors(s: int) -> list[tuple[int, int]]:
            """``(action position, next packed state)`` for every enabled action."""
            out: list[tuple[int, int]] = []
            root(s, out)
            return out

        return successors
