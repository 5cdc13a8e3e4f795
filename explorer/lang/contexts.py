"""The kernel's context tests, as ``include/linux/preempt.h`` defines them.

The kernel keeps the context in the preemption count: ``SOFTIRQ_OFFSET`` while a softirq
is being served, ``SOFTIRQ_DISABLE_OFFSET`` (twice as much) per ``local_bh_disable()``,
``HARDIRQ_OFFSET`` in a hardirq.  The tests read that count, so they mean more than
"which handler runs": ``in_softirq()`` and ``in_interrupt()`` are also true in task
context with bottom halves disabled, and a hardirq that interrupted a softirq is
``in_serving_softirq()`` too.  A spec that copies ``irq_fpu_usable()`` from any kernel
version gets the kernel's answer only if these say exactly what the header says.

Lowering grounds every action on the handlers running on its CPU (``Ground.irq``, the
interrupted one first), so the handler part is a constant; the bottom-half part is the
prelude's per-task ``softirq_disabled`` count (the kernel's count follows the task
across a context switch, as the prelude says).
"""

from __future__ import annotations

from typing import Callable

from explorer import ir
from explorer.ir import IntSort
from explorer.lang import ast
from explorer.lang.errors import SpecError
from explorer.lang.values import Ground, Writes

CONTEXT_BUILTINS = ("in_task", "in_hardirq", "in_serving_softirq", "in_softirq", "in_interrupt",
                    "in_nmi", "softirq_count", "irqs_disabled")
"""Built-ins without arguments that read the CPU's context."""

CPU_MODES = {"in_task": ("task", "sched"), "in_serving_softirq": ("softirq",),
             "in_hardirq": ("hardirq",), "in_context_switch": ("sched",)}
"""In a property, with a CPU argument: the CPU modes (``lower.runtime``) each test
allows.  A context switch runs in task context, and a hardirq nested in a softirq
leaves the CPU in softirq mode, as preempt.h's count does (``lower.places``)."""

RUNTIME_FUNCTIONS = ("cpu_curr", "prev", "next")
"""In a property, with a CPU argument: the task current there and its switch's tasks."""


def context_builtin(lower_task_field: Callable[[str, ast.Span, Ground, Writes | None], ir.Expr],
                    name: str, span: ast.Span, ground: Ground, writes: Writes | None) -> ir.Expr:
    """The value of the context built-in ``name`` in an action grounded on ``ground``.

    ``lower_task_field(field, span, ground, writes)`` reads ``current.field`` as the step
    sees it (after the step's earlier writes, in an ``atomic`` block)."""
    if ground.context not in ("thread", "sched", "irq"):
        raise SpecError(f"{name}() is only defined in code (a thread, a handler, context_switch)", span)
    hardirq = "hardirq" in ground.irq
    serving = "softirq" in ground.irq
    if name == "in_nmi":
        return ir.FALSE  # the model has no NMIs
    if name == "in_hardirq":
        return ir.const_bool(hardirq)
    if name == "in_serving_softirq":
        return ir.const_bool(serving)
    if name == "in_task":
        return ir.const_bool(not hardirq and not serving)
    if name == "irqs_disabled":
        # a hardirq handler runs with interrupts off (the CPU masks them on entry)
        return ir.TRUE if hardirq else lower_task_field("irqs_disabled", span, ground, writes)
    disabled = lower_task_field("softirq_disabled", span, ground, writes)
    if name == "softirq_count":
        return _softirq_count(disabled, serving)
    in_softirq = ir.or_(ir.const_bool(serving), ir.not_(ir.eq(disabled, ir.Const(disabled.sort, 0))))
    if name == "in_softirq":
        return in_softirq
    if name == "in_interrupt":
        return ir.or_(ir.const_bool(hardirq), in_softirq)
    raise SpecError(f"unknown context built-in {name}", span)


def _softirq_count(disabled: ir.Expr, serving: bool) -> ir.Expr:
    """``softirq_count() >> SOFTIRQ_SHIFT``: 1 while serving a softirq, 2 per
    ``local_bh_disable()`` (``SOFTIRQ_DISABLE_OFFSET = 2 * SOFTIRQ_OFFSET``)."""
    assert isinstance(disabled.sort, IntSort)
    lo, hi = disabled.sort.lo, disabled.sort.hi
    doubled = ir.add(disabled, disabled, IntSort(2 * lo, 2 * hi))
    if not serving:
        return doubled
    return ir.add(doubled, ir.Const(IntSort(1, 1), 1), IntSort(2 * lo + 1, 2 * hi + 1))
