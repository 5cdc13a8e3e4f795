"""The bundled corpus holds up under patches: vcpu_load() runs kvm_arch_vcpu_load() with
preemption off (get_cpu()/put_cpu()), and v5.16's fpu_swap_kvm_fpstate() parks the task's
fpstate in fpu->__task_fpstate and marks the guest's in_use, as the kernel has them."""

from __future__ import annotations

from pathlib import Path

from explorer.engines import Options, explicit
from explorer.lang import load_spec
from explorer.verdict import Proved, Violated
from support.gate import checked

SPECS = Path(__file__).parents[2] / "specs" / "kvm_fpu"
QUIET = {"softirq_fpu": "false", "own_kernel_fpu": "false", "other_sleep": "false"}


def _variant(tmp_path, base: str, text: str, params=QUIET):
    path = tmp_path / "patch.kp"
    path.write_text(f'extends "{SPECS / base}"\n' + text)
    return load_spec(str(path), params).model


def _check(model, prop):
    return checked(explicit.check, model, model.property(prop), Options()).outcome


def test_kvm_arch_vcpu_load_runs_with_preemption_off(tmp_path):
    model = _variant(tmp_path, "v4.15.kp", """
fn kvm_arch_vcpu_load() {
    // a patch that loads per-CPU state here, from vcpu_load() (kvm_sched_in() runs in the
    // context switch, where the model's preempt_count is the task's own)
    assert load_atomic: current.preempt_count > 0 || !(current at vcpu_load)
}
property load_atomic "kvm_arch_vcpu_load() runs with preemption off"
""")
    assert isinstance(_check(model, "load_atomic"), Proved)


def test_v516_parks_the_task_fpstate_while_the_guest_fpstate_is_in_use(tmp_path):
    model = _variant(tmp_path, "v5.16.kp", """
property parked "while the vCPU thread's fpstate is the guest's, its own is parked in __task_fpstate": always vcpu.fpstate == guest_fpstate ==> vcpu.__task_fpstate == task_fpstate
property in_use "the guest fpstate is in use only while the vCPU thread's fpstate points to it": always in_use[guest_fpstate] ==> vcpu.fpstate == guest_fpstate
property unparked "outside KVM_RUN nothing is parked": always !(vcpu at kvm_arch_vcpu_ioctl_run) ==> vcpu.__task_fpstate == none
""")
    for prop in ("parked", "in_use", "unparked", "null_deref"):
        assert isinstance(_check(model, prop), Proved), prop


def test_v516_a_put_without_a_load_dereferences_the_null_task_fpstate(tmp_path):
    model = _variant(tmp_path, "v5.16.kp", """
fn kvm_arch_vcpu_ioctl_run() {
    vcpu_run()                                  // the load left out by a patch
    kvm_put_guest_fpu()
}
""")
    outcome = _check(model, "null_deref")
    assert isinstance(outcome, Violated)
    last = outcome.trace.steps[-1]
    assert last.statement == "current.fpstate = current.__task_fpstate"
    assert last.violation == "current.__task_fpstate is none: a NULL pointer dereference"
    assert last.chain[-2:] == ("kvm_put_guest_fpu", "fpu_swap_kvm_fpstate")


def test_v516_deletes_user_fpu():
    spec = load_spec(str(SPECS / "v5.16.kp"))
    assert "user_fpu" not in [v.name for v in spec.model.variables]
    assert spec.removed == ("var user_fpu", "fn kvm_save_current_fpu")
