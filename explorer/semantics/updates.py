"""An action's updates compiled to one closure ``s -> s'`` over packed states.

All values and indices are computed in the pre-state, then written (a later update of
the same element wins), as the reference ``apply`` does.  Constant writes fold into one
``(s & KEEP) | SET``, copies between elements of the same sort into shift-and-masks; a
value that may leave its element's sort (by the interval analysis) is range-checked and
raises ``EvaluationError``, as the reference does.
"""

from __future__ import annotations

from typing import Callable

from explorer.ir import Action, Const, Expr, IntSort, Read, Sort, interval
from explorer.semantics.closures import ExprClosures, Fn, raiser
from explorer.semantics.reference import EvaluationError, index_sort, slot as slot_of


class UpdateClosures:
    def __init__(self, exprs: ExprClosures):
        self.exprs = exprs
        self.model = exprs.model
        self.layout = exprs.layout

    def action(self, action: Action) -> Fn:
        """The closure of ``action``'s updates."""
        slots: list[int | None] = []  # per update, its element (None: a dynamic index)
        for update in action.updates:
            if update.index is None or isinstance(update.index, Const):
                index = None if update.index is None else update.index.value
                try:
                    slots.append(slot_of(self.model, update.var, index))
                except EvaluationError as error:
                    return raiser(f"{action.name}: {error}")
            else:
                slots.append(None)
        if None not in slots and len(set(slots)) == len(slots):
            return self._static(action, [(slot, u.value) for slot, u in zip(slots, action.updates)])
        return self._general(action, slots)

    def _checked_value(self, action: Action, slot: int, value: Expr) -> Fn:
        """A closure giving the raw field bits (unshifted) of ``value`` stored in ``slot``."""
        lo, hi = self.layout.lo[slot], self.layout.hi[slot]
        f = self.exprs.walk(value)
        known = interval(self.model, value)
        name = f"{action.name}: {self.model.elements[slot].name}"
        if known is not None and lo <= known[0] and known[1] <= hi:
            if lo == 0:
                return f
            return lambda s: f(s) - lo

        def checked(s: int) -> int:
            v = f(s)
            if not lo <= v <= hi:
                raise EvaluationError(f"{name}: value {v} out of range")
            return v - lo

        return checked

    def _static(self, action: Action, static: list[tuple[int, Expr]]) -> Fn:
        layout = self.layout
        keep = (1 << layout.bits) - 1
        const = 0
        copies: list[tuple[int, int, int]] = []  # (src offset, mask, dst offset)
        others: list[tuple[Fn, int]] = []  # (raw value fn, dst offset)
        for slot, value in static:
            off = layout.offset[slot]
            keep &= ~(layout.fmask[slot] << off)
            if isinstance(value, Const):
                if not layout.lo[slot] <= value.value <= layout.hi[slot]:
                    return raiser(f"{action.name}: value {value.value} out of range for "
                                  f"{self.model.elements[slot].name}")
                const |= (value.value - layout.lo[slot]) << off
                continue
            if isinstance(value, Read):
                src = self.exprs.static_slot(value)
                if (isinstance(src, int) and layout.lo[src] == layout.lo[slot]
                        and layout.hi[src] <= layout.hi[slot]):
                    copies.append((layout.offset[src], layout.fmask[src], off))
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

    def _general(self, action: Action, slots: list[int | None]) -> Fn:
        """Sequential updates (dynamic indices, or one element written twice)."""
        writers: list[Callable[[int], tuple[int, int]]] = []
        for update, slot in zip(action.updates, slots):
            if slot is not None:
                writers.append(self._static_writer(action, slot, update.value))
            else:
                writers.append(self._dynamic_writer(action, update.var,
                                                    index_sort(self.model, update.var),
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
        off = self.layout.offset[slot]
        clear = ~(self.layout.fmask[slot] << off)
        return lambda s: (clear, f(s) << off)

    def _dynamic_writer(self, action: Action, var: str, sort: Sort, index: Expr, value: Expr):
        layout = self.layout
        slots = [self.model.slot(var, v) for v in sort.values()]
        ilo = sort.lo if isinstance(sort, IntSort) else 0
        n = len(slots)
        f = self._checked_value(action, slots[0], value)  # all entries share one sort
        offs = tuple(layout.offset[i] for i in slots)
        clears = tuple(~(layout.fmask[i] << layout.offset[i]) for i in slots)
        idx = self.exprs.walk(index)
        name = f"{action.name}: {var}"

        def write(s: int) -> tuple[int, int]:
            i = idx(s) - ilo
            if not 0 <= i < n:
                raise EvaluationError(f"{name}: index {i + ilo} out of range")
            return clears[i], f(s) << offs[i]

        return write
