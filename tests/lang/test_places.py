"""The runtime's state in a property (``lang.lower.places``): a task or a CPU at a spec
line or inside a function, the CPU's context, its current task and its switch's tasks."""

from __future__ import annotations

from pathlib import Path

import pytest

from explorer import ir
from explorer.engines import Options, explicit
from explorer.lang import SpecError, load_spec
from explorer.lang.parser import parse
from explorer.verdict import Proved, Violated
from support.gate import checked

MINI = Path(__file__).parents[1] / "specs" / "mini.kp"


def _with(tmp_path, properties: str, base: Path = MINI):
    path = tmp_path / "s.kp"
    path.write_text(f'extends "{base}"\n{properties}\n')
    return load_spec(str(path)).model


def _verdict(model, name):
    return checked(explicit.check, model, model.property(name), Options(bound=40)).outcome


def _reads(model, name) -> set[str]:
    return {read.var for read in ir.reads(model.property(name).state_bad)}


def test_a_place_parses_as_a_string_or_a_set_of_them():
    (decl,) = parse('property p "": always vcpu at {"mini.kp:19", "mini.kp:20"} || bash at "a/b.kp:3"\n', "f.kp")
    left, right = decl.body.left, decl.body.right
    assert left.places == ("mini.kp:19", "mini.kp:20") and left.region == ""
    assert right.places == ("a/b.kp:3",)


def test_places_mean_the_steps_at_those_lines(tmp_path):
    model = _with(tmp_path, "\n".join([
        # line 19 is kvm_load_guest_fpu's save of QEMU's registers, 20 its restore of the guest's
        'property saving "": always vcpu at "mini.kp:19" ==> regs[cpu0] == qemu && running(vcpu)',
        'property in_load "": always vcpu at {"mini.kp:19", "mini.kp:20", "mini.kp:21"} ==> vcpu at kvm_load_guest_fpu',
        'property restored "": always vcpu at "specs/mini.kp:20" ==> regs[cpu0] == guest',
    ]))
    assert isinstance(_verdict(model, "saving"), Proved)
    assert isinstance(_verdict(model, "in_load"), Proved)
    assert isinstance(_verdict(model, "restored"), Violated)  # the guest is loaded after line 20's step
    assert _reads(model, "saving") >= {"vcpu.pc"}


def test_a_cpu_stands_in_its_context_switch(tmp_path):
    model = _with(tmp_path, "\n".join([
        'property switching "": always in_context_switch(cpu0) == (cpu0 at context_switch)',
        'property finishing "": always (cpu0 at switch_fpu_finish) == (cpu0 at "mini.kp:15")',
        'property tasks "": always in_context_switch(cpu0) ==> prev(cpu0) != next(cpu0) && cpu_curr(cpu0) == prev(cpu0)',
        'property task_context "": always in_task(cpu0) && !in_serving_softirq(cpu0) && !in_hardirq(cpu0)',
    ]))
    for name in ("switching", "finishing", "task_context"):
        assert isinstance(_verdict(model, name), Proved), name
    # current becomes next at the end of mini's switch, so during it current is prev
    assert isinstance(_verdict(model, "tasks"), Proved)
    # each form reads the runtime element it names, and no other
    assert _reads(model, "switching") == {"cpu_mode", "sched_pc"}
    assert _reads(model, "tasks") == {"cpu_mode", "sched_prev", "sched_next", "current"}


@pytest.mark.parametrize("prop, message", [
    ('always vcpu at "mini.kp:99"', 's.kp:2:23: error: no step of the spec is at "mini.kp:99"'),
    ('always vcpu at "mini.kp"', 's.kp:2:23: error: "mini.kp" is not a place: write "file:line"'),
    ("always cpu0 at kvm_load_guest_fpu",
     "s.kp:2:23: error: no context_switch, handler, function or label kvm_load_guest_fpu runs between"),
    ("always next(vcpu) == vcpu", "s.kp:2:28: error: expected a value of Cpu, found one of Task"),
])
def test_bad_places(tmp_path, prop, message):
    with pytest.raises(SpecError) as err:
        _with(tmp_path, f'property p "": {prop}')
    assert message in str(err.value)


def test_the_property_forms_are_not_code(tmp_path):
    path = tmp_path / "s.kp"
    path.write_text("var x: bool = false\nthread t { loop { x = in_context_switch(cpu0) } }\n")
    with pytest.raises(SpecError) as err:
        load_spec(str(path))
    assert "s.kp:2:23: error: in_context_switch(cpu) is a property's view of a CPU" in str(err.value)


def test_prev_needs_a_context_switch(tmp_path):
    path = tmp_path / "s.kp"
    path.write_text('var x: bool = false\nthread t { loop { x = !x } }\nproperty p "": always prev(cpu0) == t\n')
    with pytest.raises(SpecError) as err:
        load_spec(str(path))
    assert "prev(cpu) needs a context_switch in the spec" in str(err.value)
