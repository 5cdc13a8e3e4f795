"""The cone of influence of a property: the elements its bad predicate can depend on, and
the actions that can change them.

An element is in the cone if the bad predicate reads it, or if an action that may write
an element of the cone reads it (in its guard, in the value or the index of that write).
A read or write at a dynamic index counts as one of every element of its array.  The
elements outside the cone cannot influence the bad predicate in any run: a run of the
model restricted to the cone (the other elements left at their first initial value, the
actions that write no element of the cone dropped, the others writing only the cone)
reaches a bad state exactly when a run of the model does, in as many steps.  The AIGER
export (``explorer.export.aiger``) stores only the cone, so ABC searches a smaller
system; an invariant over it is one over the model too (the cone's next values read
only the cone), which the trust gate re-checks as always.

An element of the cone that no action writes and that has one initial value is a
constant: the export folds it (no latch), and an invariant found on the folded system
holds on the model only together with "the element has its initial value", which is
inductive on its own; ``Cone.constants`` lists them so that the engine adds them to the
invariant it claims.
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.ir import expr as ir
from explorer.ir.model import Action, Model


@dataclass(frozen=True)
class Cone:
    """The slots of the cone's elements and the numbers of the actions that write them."""

    slots: frozenset[int]
    """The elements stored (the cone's, less its constants)."""
    actions: tuple[int, ...]
    constants: tuple[tuple[int, int], ...] = ()
    """(slot, value) of the cone's elements that never change."""


def _read_slots(model: Model, expr: ir.Expr, out: set[int]) -> None:
    """Add the slots ``expr`` may read (every element of an array read at a dynamic index)."""
    stack, seen = [expr], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, ir.Read):
            out.update(_targets(model, node.var, node.index))
        stack.extend(node.children())


def _targets(model: Model, var: str, index: ir.Expr | None) -> list[int]:
    """The slots a read or a write of ``var[index]`` may touch."""
    variable = model.var(var)
    if index is None:
        return [model.slot(var, None)]
    if isinstance(index, ir.Const):
        return [model.slot(var, index.value)] if index.value in variable.index.values() else []
    return [model.slot(var, value) for value in variable.index.values()]


def cone(model: Model, bad: ir.Expr) -> Cone:
    """The cone of influence of ``bad`` (a fixed point over the actions' writes)."""
    slots: set[int] = set()
    _read_slots(model, bad, slots)
    writes = [[(_targets(model, u.var, u.index), u) for u in action.updates]
              for action in model.actions]
    taken: set[int] = set()
    changed = True
    while changed:
        changed = False
        for number, action in enumerate(model.actions):
            before = len(slots)
            relevant = [u for targets, u in writes[number] if slots.intersection(targets)]
            if not relevant:
                continue
            if number not in taken:
                taken.add(number)
                _read_slots(model, action.guard, slots)
            for update in relevant:
                _read_slots(model, update.value, slots)
                if update.index is not None:
                    _read_slots(model, update.index, slots)
            changed |= len(slots) != before
    # an action is kept when it writes the final cone (its guard is then read too)
    kept = tuple(n for n, action in enumerate(model.actions)
                 if any(slots.intersection(t) for t, _ in writes[n]))
    written = {slot for n in kept for targets, _ in writes[n] for slot in targets}
    choices = model.initial_choices()
    constants = tuple((slot, choices[slot][0]) for slot in sorted(slots)
                      if slot not in written and len(choices[slot]) == 1)
    stored = frozenset(slots - {slot for slot, _ in constants})
    return Cone(stored, kept, constants)


def writes_in(model: Model, action: Action, slots: frozenset[int]):
    """The updates of ``action`` that may write an element of ``slots``."""
    return [u for u in action.updates if slots.intersection(_targets(model, u.var, u.index))]
