"""Lowering: a small spec to its expected actions, origins, properties and initial state."""

from __future__ import annotations

from pathlib import Path

import pytest

from explorer import semantics
from explorer.engines import Options, explicit
from explorer.lang import load_spec
from support.gate import checked

MINI = str(Path(__file__).parent.parent / "specs" / "mini.kp")


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_two_steps_and_a_branch(tmp_path):
    path = _write(tmp_path, "s.kp", """
enum Data { a, b, c }
var x: Data = a
var y: bool = false
fn set_b() { x = b }            // kernel: set_b()
thread t {
    if y { x = c } else { set_b() }
    y = true
}
""")
    model = load_spec(path).model
    names = [(a.origin.statement, a.origin.chain) for a in model.actions]
    # control flow is free: the branch is decided together with the step it leads to
    assert ("x = c", ()) in names
    assert ("set_b()", ()) in names  # a one-statement function is shown as its call
    assert ("y = true", ()) in names
    assert len(model.actions) == 3
    step = next(a for a in model.actions if a.origin.statement == "set_b()")
    assert step.origin.citation == "kernel: set_b()"  # no comment at the call: the step's own
    assert step.origin.context == "t" and step.origin.cpu == "cpu0"
    # one task, no preemption possible: no scheduler state
    assert [v.name for v in model.variables if not v.hidden] == [
        "preempt_count", "irqs_disabled", "softirq_disabled", "kthread", "x", "y", "current"]


def test_citation_is_the_comment_of_the_call(tmp_path):
    path = _write(tmp_path, "s.kp", """
var x: bool = false
fn set() { x = true }
thread t { set()   // arch/x86/kvm/x86.c: kvm_load_guest_fpu()
}
""")
    action = load_spec(path).model.actions[0]
    assert action.origin.citation == "arch/x86/kvm/x86.c: kvm_load_guest_fpu()"
    assert action.origin.span.line == 4


def test_atomic_block_is_one_step_with_sequential_meaning(tmp_path):
    path = _write(tmp_path, "s.kp", """
var x: 0..3 = 0
var y: 0..3 = 0
thread t { atomic { x = 1; y = x + 1 } }
""")
    model = load_spec(path).model
    assert len(model.actions) == 1
    state = next(semantics.initial_states(model))
    (index, after), = semantics.successors(model, state)
    shown = semantics.state_dict(model, after)
    assert shown["x"] == 1 and shown["y"] == 2


def test_call_by_name_and_reference_parameters(tmp_path):
    path = _write(tmp_path, "s.kp", """
enum Data { garbage, q, g }
percpu var regs: Data = q
var user_fpu: Data = garbage
fn save(dst: &Data) { dst = regs }
thread t { save(user_fpu) }
property p: never save(d) when d is user_fpu && regs == q
""")
    model = load_spec(path).model
    action = model.actions[0]
    assert action.origin.statement == "save(user_fpu)"
    prop = model.property("p")
    assert [s.action for s in prop.sites] == [action.name]
    result = checked(explicit.check, model, prop, Options())
    assert result.outcome.trace.depth == 1


def test_preemption_runs_context_switch(tmp_path):
    spec = load_spec(MINI)
    model = spec.model
    sched = [a for a in model.actions if a.origin.context == "sched"]
    assert sched, "preemption actions exist"
    assert {a.origin.chain[0] for a in sched} == {"context_switch"}
    # a thread's steps are grounded on its CPU: current and per-CPU variables are constants
    assert all(a.origin.cpu == "cpu0" for a in model.actions)


def test_mini_spec_shortest_depths():
    """The mini spec: the wanpeng event after kvm_load_guest_fpu + preemption (depth 6)."""
    model = load_spec(MINI).model
    depths = {}
    for prop in model.properties:
        outcome = checked(explicit.check, model, prop, Options()).outcome
        depths[prop.name] = getattr(outcome, "depth", None)
    assert depths == {"integrity": None, "wanpeng": 6, "no_loss": None, "preempted": 3, "bounds": None}


def test_extends_replaces_functions(tmp_path):
    base = _write(tmp_path, "base.kp", """
var x: 0..3 = 0
fn step() { x = 1 }
thread t { loop { step() } }
property small: always x <= 1
""")
    variant = _write(tmp_path, "variant.kp", """
extends "base.kp"
fn step() { atomic { x = 2  extra() } }   // the patch
fn extra() { skip }
""")
    spec = load_spec(variant)
    assert spec.base == base
    assert spec.replaced == ("fn step",)
    assert spec.added == ("fn extra",)
    assert load_spec(variant).model.actions[0].origin.statement == "step()"
    outcome = checked(explicit.check, spec.model, spec.model.property("small"), Options()).outcome
    assert outcome.depth == 1


def test_params_fold_away_interleaving_sources(tmp_path):
    path = _write(tmp_path, "s.kp", """
param noisy: bool = true
var x: bool = false
thread t { loop { if noisy { x = true } else { skip } } }
""")
    on = load_spec(path).model
    off = load_spec(path, {"noisy": "false"}).model
    assert [a.origin.statement for a in on.actions] == ["x = true"]
    assert [a.origin.statement for a in off.actions] == ["skip"]
    assert ("noisy", "false") in off.params


def test_softirq_fires_only_where_allowed(tmp_path):
    path = _write(tmp_path, "s.kp", """
enum Data { garbage, mine, scratch }
percpu var regs: Data = mine
thread t {
    loop {
        local_bh_disable()
        assert own: regs == mine
        local_bh_enable()
    }
}
softirq crypto when true { regs = scratch }
property own
""")
    model = load_spec(path).model
    outcome = checked(explicit.check, model, model.property("own"), Options()).outcome
    # softirqs are off between local_bh_disable() and local_bh_enable(): the assertion holds there...
    assert outcome.__class__.__name__ == "Violated"
    # ...so the violation needs the softirq before local_bh_disable (depth 3: irq, disable, assert)
    assert [s.context for s in outcome.trace.steps] == ["crypto", "t", "t"]


def test_task_at_function(tmp_path):
    path = _write(tmp_path, "s.kp", """
var x: 0..2 = 0
fn inner() { x = 1; x = 2 }
thread t { inner() }
reach in_inner: t at inner && x == 1
""")
    model = load_spec(path).model
    outcome = checked(explicit.check, model, model.property("in_inner"), Options()).outcome
    assert outcome.depth == 1


@pytest.mark.parametrize("cpus", ["1", "2"])
def test_cpus_parameter_grounds_actions(tmp_path, cpus):
    path = _write(tmp_path, "s.kp", """
percpu var hits: 0..1 = 0
fn context_switch(prev: Task, next: Task) { skip }
thread a { loop { hits = 1 } }
thread b { loop { hits = 0 } }
""")
    model = load_spec(path, {"cpus": cpus}).model
    assert {a.origin.cpu for a in model.actions} == {f"cpu{c}" for c in range(int(cpus))}


def test_event_right_after_a_step_enters_the_call(tmp_path):
    """A call that follows a step directly is entered by its first step (found by review:
    the location after the step used to sit inside the call already)."""
    path = _write(tmp_path, "s.kp", """
var f: bool = false
var y: bool = false
fn save(dst: &bool) { dst = true }
fn g1() { f = true; save(y) }
thread t { loop { g1() } }
property ev: never save(dst) when dst is y
""")
    model = load_spec(path).model
    outcome = checked(explicit.check, model, model.property("ev"), Options()).outcome
    assert outcome.depth == 2


def test_loop_back_inside_a_call_does_not_enter_it_again(tmp_path):
    path = _write(tmp_path, "s.kp", """
var n: 0..3 = 0
fn spin() { loop { n = n + 1 < 3 ? n + 1 : 0 } }
thread t { spin() }
reach again: at spin() when n > 0
""")
    model = load_spec(path).model
    outcome = checked(explicit.check, model, model.property("again"), Options()).outcome
    assert outcome.__class__.__name__ == "Proved"


STALE = """
enum Data { garbage, qemu, guest }{versions}
percpu var regs: Data = qemu
task var fpu: Data = garbage
task var mine: Data = qemu                 // the newest copy of the task's data
thread vcpu {
    fpu[vcpu] = regs                                              // save a copy
    atomic { current.mine = bump(current.mine); regs = current.mine }   // a new version
    regs = fpu[vcpu]                                              // restore the older copy
    assert integrity: regs == current.mine
}
property integrity "consumers find the newest copy of their own data"
property owners: always owner(regs) == qemu && version(vcpu.mine) <= 1
"""


def test_versioned_tags_catch_a_stale_restore(tmp_path):
    """With versions, the stale restore of the right owner's data is a violation."""
    versioned = load_spec(_write(tmp_path, "v.kp", STALE.replace("{versions}", " versions 2"))).model
    outcome = checked(explicit.check, versioned, versioned.property("integrity"), Options()).outcome
    assert outcome.depth == 4
    assert outcome.trace.steps[2].changes == (("regs[cpu0]", "qemu@1", "qemu@0"),)
    assert checked(explicit.check, versioned, versioned.property("owners"), Options()).outcome.__class__.__name__ == "Proved"


def test_versioned_literals_and_errors(tmp_path):
    from explorer.lang import SpecError

    spec = load_spec(_write(tmp_path, "v.kp", "enum D { a, b } versions 3\nvar x: D = b@2\nthread t { x = bump(x) }\n"))
    state = next(semantics.initial_states(spec.model))
    assert semantics.state_dict(spec.model, state)["x"] == "b@2"
    (_, after), = semantics.successors(spec.model, state)
    assert semantics.state_dict(spec.model, after)["x"] == "b@0"  # versions wrap
    with pytest.raises(SpecError, match="D has versions 0..2"):
        load_spec(_write(tmp_path, "w.kp", "enum D { a, b } versions 3\nvar x: D = b@3\nthread t { skip }\n"))
    with pytest.raises(SpecError, match=r"bump\(\) takes a value of a versioned enum"):
        load_spec(_write(tmp_path, "u.kp", "enum D { a, b }\nvar x: D = a\nthread t { x = bump(x) }\n"))
