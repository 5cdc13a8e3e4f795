"""Literals over the runtime's elements as properties write them (``app.runtime_text``),
each read back by the spec language with the same meaning (``app.spec_text``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from explorer import ir
from explorer.app.spec_text import spec_lines
from explorer.ir.readable import Implies, atom
from explorer.lang import load_spec

ROOT = Path(__file__).parents[2]
V415 = str(ROOT / "specs" / "kvm_fpu" / "v4.15.kp")
PARAMS = {"cpus": "2"}


@pytest.fixture(scope="module")
def model():
    return load_spec(V415, PARAMS).model


def _literal(model, element: str, *values: str):
    slot = next(i for i, e in enumerate(model.elements) if e.name == element)
    sort = model.elements[slot].sort
    return atom(model, slot, frozenset(sort.value_of(v) for v in values))


def _line(model, conjunct) -> str | None:
    return spec_lines(V415, PARAMS, model, [conjunct])[0]


def test_the_task_current_on_another_cpu(model):
    assert _line(model, _literal(model, "current[cpu1]", "vcpu")) == "cpu_curr(cpu1) == vcpu"
    assert _line(model, _literal(model, "current[cpu0]", "vcpu", "other0")) == "cpu_curr(cpu0) in {vcpu, other0}"


def test_the_cpu_mode(model):
    modes = model.elements[next(i for i, e in enumerate(model.elements) if e.name == "cpu_mode[cpu1]")].sort
    assert set(modes.members) == {"task", "sched", "softirq"}
    assert _line(model, _literal(model, "cpu_mode[cpu1]", "task")) == "in_task(cpu1) && !in_context_switch(cpu1)"
    assert _line(model, _literal(model, "cpu_mode[cpu1]", "task", "sched")) == "in_task(cpu1)"
    assert _line(model, _literal(model, "cpu_mode[cpu1]", "softirq")) == "!in_task(cpu1)"
    assert _line(model, _literal(model, "cpu_mode[cpu0]", "task", "softirq")) == "!in_context_switch(cpu0)"


def test_a_switch_and_a_handler_in_an_implication(model):
    premise = (_literal(model, "sched_next[cpu1]", "vcpu"), _literal(model, "cpu_mode[cpu1]", "sched"))
    body = (_literal(model, "sched_prev[cpu1]", "other0", "idle1"),)
    assert _line(model, Implies(premise, body)) == \
        "next(cpu1) == vcpu && in_context_switch(cpu1) ==> prev(cpu1) in {other0, idle1}"
    idle = _literal(model, "irq_pc[cpu0]", "idle")
    assert _line(model, idle) == "!(cpu0 at crypto)"


def test_a_program_counter_as_places_and_functions(model):
    sort = model.elements[model.slot("vcpu.pc", None)].sort
    inside = [v for v in sort.values() if sort.members[v].startswith("kvm_load_guest_fpu:")]
    literal = atom(model, model.slot("vcpu.pc", None), frozenset(inside))
    assert _line(model, literal) == "vcpu at kvm_load_guest_fpu"
    one = [v for v in inside if sort.members[v] == "kvm_load_guest_fpu:21"]
    assert _line(model, atom(model, model.slot("vcpu.pc", None), frozenset(one))) == 'vcpu at "v4.15.kp:21"'


def test_a_set_that_splits_a_line_has_no_place(tmp_path):
    """A function inlined at two calls has two values at each of its lines: one of them
    is no set of places, so the literal stays in the program-counter form."""
    spec = tmp_path / "twice.kp"
    spec.write_text("var x: 0..3 = 0\nfn bump() {\n    x = x + 1\n    x = x - 1\n}\n"
                    "thread t {\n    loop {\n        bump()\n        bump()\n    }\n}\n")
    model = load_spec(str(spec)).model
    slot = model.slot("t.pc", None)
    sort = model.elements[slot].sort
    first = [v for v in sort.values() if sort.members[v] == "bump:4"]
    assert len(first) == 1 and "bump:4#2" in sort.members
    assert spec_lines(str(spec), {}, model, [atom(model, slot, frozenset(first))]) == [None]
    both = [v for v in sort.values() if sort.members[v].startswith("bump:4")]
    assert spec_lines(str(spec), {}, model, [atom(model, slot, frozenset(both))]) == ['t at "twice.kp:4"']


def test_a_clause_of_pdr_with_runtime_and_spec_literals(model):
    """Spacer's clauses are disjunctions: each literal in its property form."""
    clause = ir.Or((_literal(model, "cpu_mode[cpu0]", "sched"), ir.Not(_literal(model, "current[cpu1]", "vcpu")),
                    _literal(model, "user_fpu", "qemu")))
    assert _line(model, clause) == "in_context_switch(cpu0) || cpu_curr(cpu1) != vcpu || user_fpu == qemu"
    assert _line(model, ir.Not(clause)) == \
        "!(in_context_switch(cpu0) || cpu_curr(cpu1) != vcpu || user_fpu == qemu)"
