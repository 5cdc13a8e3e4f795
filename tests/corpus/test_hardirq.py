"""A hardirq that uses the FPU, over the bundled v5.16 and v6.15 (tests/specs/*-hardirq.kp).

irq_fpu_usable() before 59f5ede3bc0f ("x86/fpu: Prevent FPU state corruption", v5.18) lets a
hardirq use the FPU inside a fpregs_lock() region: in v5.16 it lands inside
fpu_swap_kvm_fpstate() and the guest enters on the hardirq's registers.  At v6.15 the
hardirq is refused there (softirq_count() != 0), and inside a softirq it interrupts."""

from __future__ import annotations

from pathlib import Path

from explorer.engines import Options, explicit
from explorer.lang import load_spec
from explorer.verdict import Proved, Violated
from support.gate import checked

SPECS = Path(__file__).parents[1] / "specs"


def _verdict(variant: str, prop: str):
    model = load_spec(str(SPECS / f"{variant}-hardirq.kp")).model
    return checked(explicit.check, model, model.property(prop), Options()).outcome


def test_v5_16_hardirq_clobbers_the_swap_under_fpregs_lock():
    outcome = _verdict("v5.16", "integrity")
    assert isinstance(outcome, Violated) and outcome.depth == 28
    steps = outcome.trace.steps
    hard = [i for i, step in enumerate(steps) if step.context == "hard_crypto"]
    assert hard and steps[hard[0] - 1].chain[-1] == "fpregs_mark_activate"   # inside the swap
    assert steps[hard[-1] + 1].chain[-1] == "fpregs_mark_activate"           # which then goes on
    assert steps[-1].chain[-1] == "vcpu_enter_guest" and steps[-1].violation


def test_v6_15_refuses_the_hardirq_there():
    for prop in ("integrity", "no_loss", "wanpeng"):
        outcome = _verdict("v6.15", prop)
        assert isinstance(outcome, Proved) and outcome.certificate.checked
