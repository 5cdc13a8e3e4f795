"""``current = next`` in context_switch: the stack switch of ``__switch_to``
(``this_cpu_write(current_task, next_p)``), after which ``current`` is the task switched to,
as the sched-in notifiers run by ``finish_task_switch()`` see it."""

from __future__ import annotations

import pytest

from explorer import semantics
from explorer.engines import Options, explicit
from explorer.lang import SpecError, load_spec
from explorer.lang.parser import parse
from explorer.verdict import Proved, Violated
from support.gate import checked

SPEC = """
var loaded_for: Task? = none
var saved_for: Task? = none
fn kvm_sched_out() { saved_for = current }          // prepare_task_switch(): current == prev
fn kvm_sched_in() {                                 // finish_task_switch(): current == next
    loaded_for = current
    assert sched_in_sees_next: current != saved_for
}
fn __switch_to(prev: Task, next: Task) {
    current = next                                  // __switch_to(): this_cpu_write(current_task, next_p)
}
fn context_switch(prev: Task, next: Task) {
    kvm_sched_out()
    __switch_to(prev, next)
    kvm_sched_in()
}
thread a { loop { schedule() } }
property sched_in_sees_next "the sched-in notifier runs with current == the task switched to"
"""


def _write(tmp_path, text):
    path = tmp_path / "s.kp"
    path.write_text(text)
    return str(path)


def test_parser_reads_the_switch_as_an_assignment():
    (fn,) = parse("fn __switch_to(prev: Task, next: Task) { current = next }\n", "f.kp")
    (stmt,) = fn.body
    assert stmt.target.name == "current" and stmt.value.name == "next"


def test_sched_in_notifier_reads_next(tmp_path):
    model = load_spec(_write(tmp_path, SPEC)).model
    switch = [a for a in model.actions if a.origin.statement == "__switch_to(prev, next)"]
    assert switch and all(a.origin.context == "sched" for a in switch)
    sched_in = [a for a in model.actions if a.origin.statement == "loaded_for = current"]
    sched_out = [a for a in model.actions if a.origin.statement == "kvm_sched_out()"]
    # the notifier after the switch is grounded on next, the one before on prev
    assert {a.origin.task for a in sched_in} == {"a", "idle0"}
    state = next(semantics.initial_states(model))
    seen = {state}
    todo = [state]
    while todo:
        for _, nxt in semantics.successors(model, todo.pop()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    pairs = {(semantics.state_dict(model, s)["saved_for"], semantics.state_dict(model, s)["loaded_for"])
             for s in seen}
    assert ("a", "idle0") in pairs and ("idle0", "a") in pairs  # out sees prev, in sees next
    assert sched_out
    prop = model.property("sched_in_sees_next")
    assert isinstance(checked(explicit.check, model, prop, Options(bound=20)).outcome, Proved)


def test_without_the_switch_current_is_prev_until_the_end(tmp_path):
    model = load_spec(_write(tmp_path, SPEC.replace("current = next", "skip"))).model
    prop = model.property("sched_in_sees_next")
    assert isinstance(checked(explicit.check, model, prop, Options(bound=20)).outcome, Violated)
    sched_in = [a for a in model.actions if a.origin.statement == "loaded_for = current"]
    assert {a.origin.task for a in sched_in} == {"a", "idle0"}
    for action in sched_in:  # grounded on prev: what the notifier reads is the task leaving
        (update,) = [u for u in action.updates if u.var == "loaded_for"]
        prev = action.origin.task
        assert update.value.sort.members[update.value.value] == prev


@pytest.mark.parametrize("text, message", [
    (SPEC.replace("thread a { loop { schedule() } }", "thread a { loop { current = a } }"),
     "error: current changes only in context_switch"),
    (SPEC.replace("    current = next                                  //", "    current = prev //"),
     "error: current can only become the task switched to (current = next)"),
    (SPEC.replace("    current = next                                  //", "    atomic { current = next } //"),
     "error: write `current = next` as a step of its own (not inside atomic)"),
    (SPEC.replace("    kvm_sched_out()\n", "    if saved_for == none { current = next }\n    kvm_sched_out()\n"),
     "error: current = next must be on every path through context_switch or on none"),
])
def test_bad_switches(tmp_path, text, message):
    with pytest.raises(SpecError) as err:
        load_spec(_write(tmp_path, text))
    assert message in str(err.value) and "s.kp:" in str(err.value)
