"""Idle tasks: every CPU has one (the prelude's ``percpu thread idle``) once tasks can be
switched, so a spec may have more CPUs than tasks, and a switch to or from idle is a real
context switch that runs the spec's own ``context_switch``."""

from __future__ import annotations

from pathlib import Path

import pytest

from explorer import semantics
from explorer.verdict import Proved, Violated
from explorer.engines import Options, explicit
from explorer.lang import SpecError, load_spec
from explorer.lang.parser import parse
from support.gate import checked

ROOT = Path(__file__).parents[2]

SPEC = """
enum Data { garbage, mine }
percpu var regs: Data = current.data
task var data: Data = garbage
task var saved: Data = garbage
var switches_to_idle: 0..3 = 0
fn context_switch(prev: Task, next: Task) {
    if !prev.kthread {
        prev.saved = regs                      // switch_fpu_prepare(): a kernel thread saves nothing
    }
    if next.kthread && switches_to_idle < 3 {
        switches_to_idle = switches_to_idle + 1
    }
}
thread t with data = mine {
    loop {
        schedule()
        assert mine_back: regs == mine         // the idle task did not touch the registers
    }
}
property mine_back "t finds its registers after a sleep"
"""


def _write(tmp_path, text, name="s.kp"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_parser_reads_a_percpu_thread():
    decls = parse('percpu thread idle "doc" with kthread = true { loop { schedule() } }\n', "f.kp")
    (thread,) = decls
    assert thread.percpu and thread.name == "idle" and thread.count is None
    assert [name for name, _, _ in thread.inits] == ["kthread"]
    (plain,) = parse("thread t { skip }\n", "f.kp")
    assert not plain.percpu


def test_every_cpu_has_an_idle_task_pinned_to_it(tmp_path):
    model = load_spec(_write(tmp_path, SPEC), {"cpus": "3"}).model
    tasks = model.var("current").sort.members
    assert tasks == ("t", "idle0", "idle1", "idle2")
    # cpu0 starts with t, the CPUs without a task of their own with their idle task
    state = semantics.state_dict(model, next(semantics.initial_states(model)))
    assert [state[f"current[cpu{c}]"] for c in range(3)] == ["t", "idle1", "idle2"]
    # idle tasks are kernel threads running with preemption off
    assert state["idle1.kthread"] is True and state["t.kthread"] is False
    assert state["idle0.preempt_count"] == 1
    # an idle task runs on its own CPU only
    for action in model.actions:
        if action.origin.task and action.origin.task.startswith("idle") and action.origin.context != "sched":
            assert action.origin.cpu == "cpu" + action.origin.task[4:]


def test_a_sleep_switches_to_idle_and_back(tmp_path):
    model = load_spec(_write(tmp_path, SPEC)).model
    prop = next(p for p in model.properties if p.name == "mine_back")
    assert isinstance(checked(explicit.check, model, prop, Options(bound=30)).outcome, Proved)
    reach = {semantics.state_dict(model, s)["switches_to_idle"] for s in _reachable(model)}
    assert reach == {0, 1, 2, 3}  # schedule() now really switches, to idle0, every time
    assert not any("nothing else to run" in a.origin.statement for a in model.actions)


def test_more_cpus_than_tasks_in_the_bundled_specs():
    spec = load_spec(str(ROOT / "specs/kvm_fpu/v4.15.kp"), {"cpus": "3", "other_tasks": "1"})
    assert spec.model.var("current").sort.members == ("vcpu", "other0", "idle0", "idle1", "idle2")


def test_two_cpus_switch_tasks_in_the_bundled_specs():
    """Before idle tasks, ``-P cpus=2`` with one other task could never switch a task."""
    model = load_spec(str(ROOT / "specs/kvm_fpu/v4.15.kp"), {"cpus": "2"}).model
    prop = next(p for p in model.properties if p.name == "preempted_with_guest")
    result = checked(explicit.check, model, prop, Options(bound=20))
    assert isinstance(result.outcome, Violated)  # reached: the vCPU thread switched out
    assert any(step.statement == "current = next" for step in result.outcome.trace.steps)  # __switch_to


def _reachable(model):
    seen = set(semantics.initial_states(model))
    todo = list(seen)
    while todo:
        for _, nxt in semantics.successors(model, todo.pop()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


@pytest.mark.parametrize("text, message", [
    ("task thread t { skip }\nfn context_switch(prev: Task, next: Task) { skip }\n",
     "1:1: error: a thread is `thread` or `percpu thread` (one task per CPU)"),
    ("percpu thread p count 2 { skip }\nthread t { skip }\nfn context_switch(prev: Task, next: Task) { skip }\n",
     "1:23: error: a percpu thread has one task per CPU: it takes no count"),
])
def test_bad_threads(tmp_path, text, message):
    with pytest.raises(SpecError) as err:
        load_spec(_write(tmp_path, text))
    assert message in str(err.value)


def test_no_idle_task_without_context_switch(tmp_path):
    path = _write(tmp_path, "thread t { loop { skip } }\n")
    with pytest.raises(SpecError, match="no fn context_switch, so no CPU has an idle task"):
        load_spec(path, {"cpus": "2"})
