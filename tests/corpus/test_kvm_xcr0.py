"""specs/kvm_xcr0: the guest's XCR0 before and after 1811d979c716 ("x86/kvm: move
kvm_load/put_guest_xcr0 into atomic context", v5.1).

Before, a machine check in guest mode (vmx_complete_atomic_exit() > kvm_machine_check() >
do_machine_check() > memory_failure() > lock_page()) sleeps with the guest's XCR0 loaded,
and the next task's XRSTOR in switch_fpu_finish() runs under it (#GP).  After, XCR0 is the
host's again before the #MC is handled."""

from __future__ import annotations

from pathlib import Path

import pytest

from explorer.engines import Options, explicit
from explorer.lang import load_spec
from explorer.verdict import Proved, Violated
from support.gate import checked

SPECS = Path(__file__).parents[2] / "specs" / "kvm_xcr0"


def _verdict(variant: str, prop: str, params: dict | None = None):
    model = load_spec(str(SPECS / f"{variant}.kp"), params).model
    return checked(explicit.check, model, model.property(prop), Options()).outcome


def test_v5_0_restores_host_xstate_under_the_guests_xcr0():
    outcome = _verdict("v5.0", "host_xcr0")
    assert isinstance(outcome, Violated) and outcome.depth == 16
    steps = outcome.trace.steps
    loaded = next(i for i, s in enumerate(steps) if s.statement == "xsetbv(guest_xcr0)")
    mce = next(i for i, s in enumerate(steps) if "do_machine_check" in s.chain)
    assert loaded < mce and all("kvm_put_guest_xcr0" not in s.chain for s in steps)
    last = steps[-1]
    assert last.context == "sched" and last.chain[-1] == "switch_fpu_finish" and last.violation
    assert last.statement == "copy_kernel_to_fpregs(next.fpu)"


def test_v5_0_without_machine_checks_holds():
    outcome = _verdict("v5.0", "host_xcr0", {"machine_check": "false"})
    assert isinstance(outcome, Proved) and outcome.certificate.checked


@pytest.mark.parametrize("prop", ["host_xcr0", "guest_xcr0", "integrity", "no_loss"])
def test_v5_1_proves_it(prop):
    outcome = _verdict("v5.1", prop)
    assert isinstance(outcome, Proved) and outcome.certificate.checked
