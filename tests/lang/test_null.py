"""Pointers that may be NULL: ``E?`` for any enum, and the built-in property ``null_deref``
(a step that dereferences ``none``), which every engine checks and the gate replays."""

from __future__ import annotations

import pytest

from explorer import semantics
from explorer.engines import Options, bmc, explicit, kinduction, pdr
from explorer.lang import SpecError, load_spec
from explorer.verdict import Proved, Violated
from support.gate import checked

SPEC = """
enum Fpstate { task_fpstate, guest_fpstate }
var regs: [Fpstate] bool = false                 // fpstate->regs
var __task_fpstate: Fpstate? = none              // fpu->__task_fpstate
param check: bool = false
thread t {
    loop {
        either {
            __task_fpstate = guest_fpstate       // fpu->__task_fpstate = cur_fps
        } or {
            if !check || __task_fpstate != none {
                regs[__task_fpstate] = true      // os_xsave(fpu->__task_fpstate)
            } else {
                skip
            }
        } or {
            __task_fpstate = none                // fpu->__task_fpstate = NULL
        }
    }
}
"""


def _load(tmp_path, text, params=None):
    path = tmp_path / "s.kp"
    path.write_text(text)
    return load_spec(str(path), params or {}).model


def test_lowering_gives_the_pointer_none_and_a_null_deref_site(tmp_path):
    model = _load(tmp_path, SPEC)
    var = next(v for v in model.variables if v.name == "__task_fpstate")
    assert var.sort.members == ("none", "task_fpstate", "guest_fpstate") and var.init == ((0,),)
    prop = model.property("null_deref")
    (site,) = prop.sites
    assert site.message == "__task_fpstate is none: a NULL pointer dereference"
    assert model.action(site.action).origin.statement == "regs[__task_fpstate] = true"
    # guarded by the C short circuit: no dereference finds it none
    guarded = _load(tmp_path, SPEC, {"check": "true"})
    assert isinstance(checked(explicit.check, guarded, guarded.property("null_deref"), Options(bound=6)).outcome, Proved)


def test_guard_of_the_step_excludes_the_dereference_of_none(tmp_path):
    model = _load(tmp_path, SPEC)
    site = model.property("null_deref").sites[0]
    state = next(semantics.initial_states(model))
    assert semantics.evaluate(model, site.when, state)               # reached with none: bad
    assert not semantics.enabled(model, model.action(site.action), state)  # and never taken


@pytest.mark.parametrize("engine", [explicit.check, bmc.check, kinduction.check, pdr.check])
def test_every_engine_finds_the_dereference_and_the_gate_replays_it(tmp_path, engine):
    model = _load(tmp_path, SPEC)
    decided = checked(engine, model, model.property("null_deref"), Options(bound=4, timeout_s=60))
    assert isinstance(decided.outcome, Violated)
    last = decided.outcome.trace.steps[-1]
    assert last.statement == "regs[__task_fpstate] = true"
    assert last.violation == "__task_fpstate is none: a NULL pointer dereference"
    assert len(decided.outcome.trace.steps) == 1


def test_a_dereference_inside_a_condition_is_checked_under_the_decisions_before_it(tmp_path):
    text = SPEC.replace("if !check || __task_fpstate != none {", "if check && regs[__task_fpstate] {")
    model = _load(tmp_path, text, {"check": "true"})
    decided = checked(explicit.check, model, model.property("null_deref"), Options(bound=4))
    assert isinstance(decided.outcome, Violated)
    # the condition is evaluated with the step that follows it (here the else branch's)
    last = decided.outcome.trace.steps[-1]
    assert (last.statement, last.violation) == ("skip", "__task_fpstate is none: a NULL pointer dereference")
    # `check && …` never evaluates the dereference when check is false
    assert "null_deref" not in [p.name for p in _load(tmp_path, text).properties]


def test_a_task_pointer_dereferenced_through_a_field(tmp_path):
    text = """
task var fpu: bool = false
var owner: Task? = none
thread t { loop { either { owner = t } or { owner.fpu = true } or { owner = none } } }
property owner_clean "the owner's buffer is clean": always owner == none || !owner.fpu
"""
    model = _load(tmp_path, text)
    decided = checked(explicit.check, model, model.property("null_deref"), Options(bound=4))
    assert decided.outcome.trace.steps[-1].violation == "owner is none: a NULL pointer dereference"
    # the property dereferences owner only where it is not none: it is just violated
    decided = checked(explicit.check, model, model.property("owner_clean"), Options(bound=4))
    assert isinstance(decided.outcome, Violated) and len(decided.outcome.trace.steps) == 2


def test_a_property_that_dereferences_none_is_violated(tmp_path):
    text = SPEC + 'property clean "the parked buffer is clean": always !regs[__task_fpstate]\n'
    model = _load(tmp_path, text, {"check": "true"})
    decided = checked(explicit.check, model, model.property("clean"), Options(bound=4))
    assert isinstance(decided.outcome, Violated) and len(decided.outcome.trace.steps) == 0


def test_proved_where_no_step_finds_none(tmp_path):
    text = SPEC.replace("__task_fpstate = none                //", "skip //")
    text = text.replace("var __task_fpstate: Fpstate? = none", "var __task_fpstate: Fpstate? = task_fpstate")
    model = _load(tmp_path, text)
    assert isinstance(checked(explicit.check, model, model.property("null_deref"), Options(bound=6)).outcome, Proved)


@pytest.mark.parametrize("text, message", [
    ("enum Data { a, b } versions 2\nvar p: Data? = none\nthread t { loop { skip } }\n",
     "2:8: error: Data? is not a sort: only an enum without versions, Task or Cpu may be none"),
    ("var p: Colour? = none\nthread t { loop { skip } }\n",
     "1:8: error: Colour? is not a sort"),
    ("enum F { a, b }\nvar p: F? = none\nvar v: [F] bool = false\nvar w: bool = v[p]\nthread t { loop { skip } }\n",
     "4:17: error: p is a F?, which may be none here: only code (a step) and properties may dereference it"),
])
def test_bad_pointers(tmp_path, text, message):
    with pytest.raises(SpecError) as err:
        _load(tmp_path, text)
    assert message in str(err.value) and "s.kp:" in str(err.value) and "^" in str(err.value)
