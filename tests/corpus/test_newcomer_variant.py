"""A variant written from the README alone, as a patch over v5.6, compared with its base.

tests/specs/v5.6-nolock.kp replaces one function: kvm_put_guest_fpu() takes only
preempt_disable() instead of fpregs_lock(), so a softirq's kernel_fpu_begin() can run
between fpregs_activate() and the clearing of TIF_NEED_FPU_LOAD.  explorer finds QEMU
resuming in user mode with the softirq's scratch registers.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from explorer.cli import app
from explorer.lang import load_spec

ROOT = Path(__file__).parents[2]
VARIANT = "tests/specs/v5.6-nolock.kp"


def test_variant_is_a_patch_of_one_function():
    spec = load_spec(str(ROOT / VARIANT))
    assert spec.replaced == ("fn kvm_put_guest_fpu",)
    assert spec.added == ()


def test_compare_shows_the_flip(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, ["compare", "specs/kvm_fpu/v5.6.kp", VARIANT, "--engine", "explicit",
                                      "--no-time", "--property", "integrity", "--property", "wanpeng", "-j", "1"])
    assert result.exit_code == 12, result.output
    lines = result.output.splitlines()
    integrity = next(line for line in lines if "integrity" in line)
    assert "✓ proved" in integrity and "✗ depth 37" in integrity
    wanpeng = next(line for line in lines if "wanpeng" in line)
    assert wanpeng.count("✗ depth 13") == 2


def test_the_counterexample_is_the_softirq_window(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, ["check", VARIANT, "--engine", "explicit", "--property", "integrity",
                                      "--no-vacuity", "-j", "1"])
    assert result.exit_code == 12
    assert "crypto > kernel_fpu_begin" in result.output
    assert "✗ assertion fails: regs == qemu" in result.output
