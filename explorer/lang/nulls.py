"""Dereferences of pointers that may be NULL (``E?``), collected per step.

A value of ``E?`` used where an ``E`` is needed (a task's field, an array index, a
parameter or variable of sort ``E``) is a dereference.  The step that makes it with the
pointer ``none`` violates the built-in property ``null_deref`` (as the kernel oopses),
which lowering records as a step site, exactly like a range check is for ``bounds``: the
step is never taken, and reaching it with a ``none`` pointer is the violation.

C's short-circuit rules hold: in ``p != none && p.x`` the right side is evaluated only
where the left holds, so a dereference counts only under the conditions that guard it
(the ``&&``/``||``/``==>``/``?:`` operands before it, and the ``if``s the step is under).
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from explorer import ir


class NullChecks:
    """The dereferences one step (or one property) makes: where each pointer is none."""

    def __init__(self) -> None:
        self.checks: list[tuple[ir.Expr, str]] = []
        self._guards: list[ir.Expr] = []

    @contextmanager
    def guarded(self, cond: ir.Expr) -> Iterator[None]:
        """Dereferences made inside count only where ``cond`` holds."""
        self._guards.append(cond)
        try:
            yield
        finally:
            self._guards.pop()

    def add(self, is_none: ir.Expr, pointer: str) -> None:
        when = ir.and_(*self._guards, is_none)
        if when != ir.FALSE and (when, pointer) not in self.checks:
            self.checks.append((when, pointer))

    def any(self) -> ir.Expr:
        """Some dereference of this step finds its pointer none."""
        return ir.or_(*(when for when, _ in self.checks))


def message(pointer: str) -> str:
    """What a trace says at the step that dereferences ``none``."""
    return f"{pointer} is none: a NULL pointer dereference"
