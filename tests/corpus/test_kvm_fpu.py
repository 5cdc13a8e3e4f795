"""The expected verdicts of ../shared/KERNEL.md on the bundled specs, asserted.

Exhaustive search proves what holds (with its reference re-check) and finds shortest
counterexamples; BMC and k-induction must agree with it on the seed's violations.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from explorer.engines import Options, bmc, explicit, kinduction
from explorer.lang import load_spec
from explorer.verdict import Proved, Violated
from support.gate import checked

SPECS = Path(__file__).parents[2] / "specs" / "kvm_fpu"
PREEMPTION_ONLY = {"softirq_fpu": "false", "own_kernel_fpu": "false", "vcpu_sleep": "false", "other_sleep": "false"}

# KERNEL.md: "violated" or "holds" per variant and property
EXPECTED = {
    "v4.14": {"wanpeng": "violated", "integrity": "violated", "no_loss": "violated"},
    "v4.15": {"wanpeng": "violated", "integrity": "holds", "no_loss": "holds"},
    "v5.2": {"wanpeng": "violated", "integrity": "violated", "no_loss": "violated"},
    "v5.6": {"wanpeng": "violated", "integrity": "holds", "no_loss": "holds"},
    "v5.16": {"wanpeng": "holds", "integrity": "holds", "no_loss": "holds"},
    "v6.15": {"wanpeng": "holds", "integrity": "holds", "no_loss": "holds"},
}


def _verdict(variant: str, prop: str, params: dict | None = None):
    model = load_spec(str(SPECS / f"{variant}.kp"), params).model
    return checked(explicit.check, model, model.property(prop), Options()).outcome


@pytest.mark.parametrize("variant,prop", [(v, p) for v, props in EXPECTED.items() for p in props])
def test_kernel_md_verdicts(variant, prop):
    outcome = _verdict(variant, prop)
    if EXPECTED[variant][prop] == "holds":
        assert isinstance(outcome, Proved) and outcome.certificate.checked
    else:
        assert isinstance(outcome, Violated)


@pytest.mark.parametrize("prop", ["wanpeng", "integrity", "no_loss"])
def test_preemption_alone_v414_holds(prop):
    outcome = _verdict("v4.14", prop, PREEMPTION_ONLY)
    assert isinstance(outcome, Proved) and outcome.certificate.checked


def test_preemption_alone_v415_is_wanpengs_trace():
    outcome = _verdict("v4.15", "wanpeng", PREEMPTION_ONLY)
    chains = [" > ".join(step.chain) for step in outcome.trace.steps]
    statements = [step.statement for step in outcome.trace.steps]
    # vcpu_load(): get_cpu(), the notifier registered, put_cpu(); then kvm_load_guest_fpu()
    assert statements[:3] == ["preempt_disable()", "current.preempt_notifiers = true", "preempt_enable()"]
    assert statements[3:7] == ["preempt_disable()", "copy_fpregs_to_fpstate(user_fpu)",
                               "copy_kernel_to_fpregs(guest_fpu)", "preempt_enable()"]
    assert all(chain.endswith("kvm_load_guest_fpu") for chain in chains[3:7])
    last = outcome.trace.steps[-1]
    assert last.context == "sched" and last.chain[-1] == "switch_fpu_prepare" and last.violation
    for prop in ("integrity", "no_loss"):
        assert isinstance(_verdict("v4.15", prop, PREEMPTION_ONLY), Proved)


def test_prepatch_witness_shows_the_extra_save_restore_pairs():
    outcome = _verdict("v4.14", "preempted_with_guest", PREEMPTION_ONLY)
    sched = [(step.chain, step.statement) for step in outcome.trace.steps if step.context == "sched"]
    assert sched[0][0][-3:] == ("kvm_sched_out", "kvm_arch_vcpu_put", "kvm_put_guest_fpu")
    saves = [s for chain, s in sched if s.startswith("copy_fpregs_to_fpstate")]
    restores = [s for chain, s in sched if s.startswith("copy_kernel_to_fpregs")]
    # the guest saved, QEMU restored, then QEMU saved again by switch_fpu_prepare
    assert saves == ["copy_fpregs_to_fpstate(guest_fpu)", "copy_fpregs_to_fpstate(prev.fpu)"]
    assert restores[0] == "copy_kernel_to_fpregs(current.fpu)"


@pytest.mark.parametrize("prop,depth", [("wanpeng", 15), ("no_loss", 15)])
def test_v414_every_engine_finds_the_same_shortest_depth(prop, depth):
    model = load_spec(str(SPECS / "v4.14.kp")).model
    prop_ir = model.property(prop)
    options = Options(bound=depth + 2, timeout_s=120)
    assert checked(explicit.check, model, prop_ir, options).outcome.depth == depth
    assert checked(bmc.check, model, prop_ir, options).outcome.depth == depth
    assert checked(kinduction.check, model, prop_ir, options).outcome.depth == depth
