"""Interrupt contexts as include/linux/preempt.h has them, and how handlers nest.

``in_softirq()`` is ``softirq_count() != 0``: also true in task context with bottom halves
off; a hardirq may interrupt a task or a running softirq handler (and is then
``in_serving_softirq()`` too); a softirq never runs inside a hardirq or another softirq."""

from __future__ import annotations

import pytest

from explorer import ir
from explorer.engines import Options, explicit
from explorer.lang import SpecError, load_spec
from explorer.lang.parser import parse
from explorer.verdict import Proved, Violated
from support.gate import checked

SPEC = """
var task_bh: bool = false                   // what task context sees with bottom halves off
var soft: 0..7 = 0                          // softirq_count() in the softirq
var soft_bh: 0..7 = 0                       // ... after its own local_bh_disable()
var hard_over_task: 0..7 = 0                // softirq_count() in a hardirq over the task
var hard_over_soft: bool = false            // in_serving_softirq() in a hardirq over the softirq
var hard_irqs_off: bool = false
var in_hard: bool = false
var in_soft: bool = false
thread t {
    loop {
        local_bh_disable()
        task_bh = in_task() && in_softirq() && in_interrupt() && !in_serving_softirq() && !in_hardirq()
        local_bh_enable()
    }
}
softirq s "a softirq" when true {
    assert no_nesting: !in_soft && !in_hard
    in_soft = true
    soft = softirq_count()
    local_bh_disable()
    soft_bh = softirq_count()
    local_bh_enable()
    in_soft = false
}
hardirq h "a hardirq" when true {
    assert no_nesting: !in_hard
    in_hard = true
    hard_over_task = in_serving_softirq() ? hard_over_task : softirq_count()
    hard_over_soft = hard_over_soft || (in_serving_softirq() && in_softirq() && in_interrupt() && !in_task())
    hard_irqs_off = irqs_disabled() && in_hardirq()
    in_hard = false
}
property no_nesting "a softirq never runs inside a softirq or a hardirq, a hardirq never inside a hardirq"
reach bh_task "in_softirq() with bottom halves off in task context": task_bh
reach hard_in_soft "a hardirq interrupted the softirq handler": hard_over_soft
reach soft_one "softirq_count() is 1 (SOFTIRQ_OFFSET) while a softirq is served": soft == 1
reach soft_three "... and 3 after local_bh_disable() in it (+ SOFTIRQ_DISABLE_OFFSET)": soft_bh == 3
reach hard_bh "a hardirq over a task with bottom halves off sees softirq_count() == 2": hard_over_task == 2
reach irqs_off "irqs_disabled() in a hardirq": hard_irqs_off
"""


def _load(tmp_path, text=SPEC):
    path = tmp_path / "s.kp"
    path.write_text(text)
    return load_spec(str(path)).model


def _verdict(model, name):
    return checked(explicit.check, model, model.property(name), Options(bound=40)).outcome


def test_a_hardirq_over_a_softirq_is_lowered_with_its_own_program_counter(tmp_path):
    # the built-ins need no syntax of their own: they parse as calls of no arguments
    (decl,) = parse("def usable(): bool = !in_hardirq() || softirq_count() == 0\n", "f.kp")
    assert decl.body.left.arg.name == "in_hardirq" and decl.body.left.arg.args == ()
    model = _load(tmp_path)
    assert "nested_irq_pc" in {v.name for v in model.variables}
    hard = [a for a in model.actions if a.origin.context == "h"]
    # each step of h twice: over the task (cpu_mode hardirq) and over the softirq (nested)
    reads = [{r.var for r in ir.reads(a.guard)} for a in hard]
    assert any("nested_irq_pc" in r for r in reads) and any("nested_irq_pc" not in r for r in reads)
    # without a hardirq handler nothing nests and no state is added
    alone = _load(tmp_path, SPEC[:SPEC.index("hardirq h")] + SPEC[SPEC.index("property no_nesting"):]
                  .replace(" && !in_hard", "").replace("reach hard_in_soft", "reach hard_in_soft_gone"))
    assert "nested_irq_pc" not in {v.name for v in alone.variables}


@pytest.mark.parametrize("name", ["bh_task", "hard_in_soft", "soft_one", "soft_three", "hard_bh", "irqs_off"])
def test_contexts_read_as_the_kernel_says(tmp_path, name):
    assert isinstance(_verdict(_load(tmp_path), name), Violated)  # the goal is reached


def test_no_softirq_inside_a_handler_and_no_hardirq_inside_a_hardirq(tmp_path):
    assert isinstance(_verdict(_load(tmp_path), "no_nesting"), Proved)


IRQS_OFF = """
var irqs_off: bool = false
thread t { loop { skip } }
softirq s "a softirq with interrupts off in the middle" when true {
    local_irq_disable()
    irqs_off = true
    irqs_off = false
    local_irq_enable()
}
hardirq h "a hardirq" when true {
    assert inside: !irqs_off
}
property inside "no hardirq while the softirq has interrupts off"
"""


def test_a_hardirq_cannot_interrupt_a_softirq_with_interrupts_off(tmp_path):
    assert isinstance(_verdict(_load(tmp_path, IRQS_OFF), "inside"), Proved)
    # with interrupts on all through the softirq, the hardirq does interrupt it
    as_hard = IRQS_OFF.replace("    local_irq_disable()\n", "").replace("    local_irq_enable()\n", "")
    assert isinstance(_verdict(_load(tmp_path, as_hard), "inside"), Violated)


# irq_fpu_usable() as v5.18+ has it (59f5ede3bc0f): in a hardirq, only if it did not
# interrupt a bottom-half-disabled region (fpregs_lock()) or a softirq
USABLE = """
var locked: bool = false
var used_inside: bool = false
var in_kernel_fpu: bool = false
def irq_fpu_usable(): bool =
    in_nmi() ? false :                      // if (WARN_ON_ONCE(in_nmi())) return false;
    in_kernel_fpu ? false :                 // if (this_cpu_read(in_kernel_fpu)) return false;
    !in_hardirq() ? true :                  // if (!in_hardirq()) return true;
    softirq_count() == 0                    // return !softirq_count();
thread t {
    loop {
        local_bh_disable()                  // fpregs_lock()
        locked = true
        locked = false
        local_bh_enable()                   // fpregs_unlock()
    }
}
softirq s "a softirq" when true { skip }
hardirq h "a hardirq using the FPU" when irq_fpu_usable() {
    used_inside = used_inside || locked || in_serving_softirq()
}
property never_inside "no hardirq uses the FPU inside fpregs_lock() or a softirq": always !used_inside
"""


def test_irq_fpu_usable_of_v5_18_refuses_a_hardirq_inside_fpregs_lock(tmp_path):
    assert isinstance(_verdict(_load(tmp_path, USABLE), "never_inside"), Proved)
    # the condition before 59f5ede3bc0f (v4.14 ... v5.17) lets the hardirq in
    start, end = USABLE.index("def irq_fpu_usable"), USABLE.index("thread t")
    old = USABLE[:start] + ("def irq_fpu_usable(): bool = !in_interrupt() || interrupted_user_mode() "
                            "|| !in_kernel_fpu\n") + USABLE[end:]
    assert isinstance(_verdict(_load(tmp_path, old), "never_inside"), Violated)


@pytest.mark.parametrize("text, message", [
    ("var x: bool = false\nthread t { loop { x = in_hardirq(1) } }\n",
     "s.kp:2:23: error: in_hardirq(cpu) is a property's view of a CPU; in code write in_hardirq()"),
    ("var x: bool = false\nthread t { loop { x = in_hardirq(1, 2) } }\n",
     "s.kp:2:23: error: in_hardirq takes 0 argument(s), given 2"),
    ("var x: bool = false\nthread t { loop { x = !x } }\nproperty p \"\": always !in_softirq()\n",
     "s.kp:3:24: error: in_softirq() is only defined in code (a thread, a handler, context_switch)"),
])
def test_bad_uses(tmp_path, text, message):
    with pytest.raises(SpecError) as err:
        _load(tmp_path, text)
    assert message in str(err.value)
