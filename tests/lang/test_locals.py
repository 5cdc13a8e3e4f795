"""``let`` locals: C's locals, captured at their step, read later in the same call, per task
(or per CPU in a handler or a context switch), cleared when their scope ends."""

from __future__ import annotations

import pytest

from explorer import semantics
from explorer.engines import Options, bmc, explicit
from explorer.lang import SpecError, load_spec
from explorer.lang import ast
from explorer.lang.parser import parse
from explorer.verdict import Proved, Violated
from support.gate import checked

SPEC = """
enum Data { garbage, qemu, guest }
percpu var regs: Data = qemu
var saved: Data = garbage
fn kvm_swap() {
    let old = regs                       // the value at this step
    regs = guest
    saved = old                          // not regs: the local captured before
}
thread t { loop { kvm_swap(); regs = qemu } }
property saved_qemu "the value saved is the one captured": always saved != guest
"""


def _load(tmp_path, text, params=None):
    path = tmp_path / "s.kp"
    path.write_text(text)
    return load_spec(str(path), params or {}).model


def _reachable(model):
    seen = set(semantics.initial_states(model))
    todo = list(seen)
    while todo:
        for _, nxt in semantics.successors(model, todo.pop()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_parser_reads_let_with_and_without_a_sort():
    (fn,) = parse("fn f() { let n: 0..3 = 1\n let d = regs }\n", "f.kp")
    first, second = fn.body
    assert isinstance(first, ast.Let) and first.name == "n" and isinstance(first.sort, ast.RangeSort)
    assert isinstance(second, ast.Let) and second.sort is None and second.value.name == "regs"


def test_lowering_gives_a_per_task_variable_written_by_the_let_step(tmp_path):
    model = _load(tmp_path, SPEC)
    var = next(v for v in model.variables if v.name == "kvm_swap.old")
    assert var.index.name == "Task" and var.sort.name == "Data" and var.style == "field"
    (let,) = [a for a in model.actions if a.origin.statement == "let old = regs"]
    assert [u.var for u in let.updates if u.var == "kvm_swap.old"] == ["kvm_swap.old"]
    # the last step of the call leaves the local's scope: it clears it (sort's first value)
    (last,) = [a for a in model.actions if a.origin.statement == "saved = old"]
    (clear,) = [u for u in last.updates if u.var == "kvm_swap.old"]
    assert clear.value.value == 0


def test_the_local_holds_the_value_of_its_step(tmp_path):
    model = _load(tmp_path, SPEC)
    assert isinstance(checked(explicit.check, model, model.property("saved_qemu"), Options(bound=20)).outcome, Proved)
    direct = _load(tmp_path, SPEC.replace("saved = old ", "saved = regs"))
    outcome = checked(bmc.check, direct, direct.property("saved_qemu"), Options(bound=6)).outcome
    assert isinstance(outcome, Violated)


def test_a_dead_local_is_cleared_so_states_do_not_differ_by_it(tmp_path):
    model = _load(tmp_path, SPEC)
    states = [semantics.state_dict(model, s) for s in _reachable(model)]
    # the local holds data only between its let and the call's last step
    for values in states:
        assert (values["t.kvm_swap.old"] != "garbage") == (values["t.pc"] in ("kvm_swap:7", "kvm_swap:8")), values
    assert len(states) == 7


def test_a_local_is_cleared_after_its_last_read_within_the_call(tmp_path):
    text = SPEC.replace("    saved = old                          // not regs: the local captured before\n",
                        "    saved = old\n    skip                                 // old is dead here\n")
    model = _load(tmp_path, text)
    states = [semantics.state_dict(model, s) for s in _reachable(model)]
    assert any(v["t.pc"] == "kvm_swap:8" for v in states)
    for values in states:  # live only from its let to its last read
        assert (values["t.kvm_swap.old"] != "garbage") == (values["t.pc"] in ("kvm_swap:7", "kvm_swap:8")), values


def test_a_local_stays_with_its_task_across_a_preemption(tmp_path):
    text = SPEC + "thread u { loop { regs = guest; regs = qemu } }\nfn context_switch(prev: Task, next: Task) { skip }\n"
    model = _load(tmp_path, text)
    assert isinstance(checked(explicit.check, model, model.property("saved_qemu"), Options(bound=40)).outcome, Violated)
    # u's regs = guest can run between t's let and its read: the local keeps t's capture
    local = next(v for v in model.variables if v.name == "kvm_swap.old")
    assert local.index.members[:2] == ("t", "u")


def test_a_handler_local_is_per_cpu(tmp_path):
    text = SPEC.replace("thread t", """softirq crypto "uses the FPU" when true {
    let before = regs
    regs = before
}
thread t""")
    model = _load(tmp_path, text)
    var = next(v for v in model.variables if v.name == "irq.crypto.before")
    assert var.index.name == "Cpu" and var.element_names() == ["irq.crypto.before[cpu0]"]


@pytest.mark.parametrize("text, message", [
    (SPEC.replace("    let old = regs                       // the value at this step\n", "")
     .replace("    saved = old ", "    saved = old\n    let old = regs "),
     "7:13: error: old is a local of kvm_swap (let at"),
    (SPEC.replace("thread t { loop { kvm_swap(); regs = qemu } }", "thread t { loop { kvm_swap(); other() } }") + "fn other() { saved = old }\n",
     "12:22: error: old is a local of kvm_swap (let at"),
    (SPEC.replace("let old = regs ", "let regs = regs"), "6:5: error: let regs shadows the variable regs"),
    (SPEC.replace("    saved = old ", "    old = qemu  "), "8:5: error: old is a local (let): it cannot be assigned"),
    (SPEC.replace("    regs = guest\n", "    let old = guest\n"), "7:5: error: let old: kvm_swap already has a local old"),
    (SPEC.replace("thread t { loop { kvm_swap(); regs = qemu } }", "thread t { loop { atomic { kvm_swap() } } }"),
     "6:5: error: let old inside atomic { } (here or in a function it calls)"),
])
def test_bad_scopes(tmp_path, text, message):
    with pytest.raises(SpecError) as err:
        _load(tmp_path, text)
    assert message in str(err.value) and "s.kp:" in str(err.value) and "^" in str(err.value)
