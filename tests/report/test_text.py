"""Terminal text: verdict phrases, the verdict table and golden call-chain traces."""

from support.report_fixtures import (
    ALL_V415,
    HOLDS,
    PROVED_EXPLICIT,
    PROVED_KIND,
    PROVED_PDR,
    REACHED,
    UNKNOWN,
    UNREACHABLE,
    UNREACHED,
    WANPENG,
    long_chain_verdict,
)

from dataclasses import replace

from explorer.report.table import verdict_table
from explorer.report.phrases import verdict_text
from explorer.report.text import check_text, trace_text, truncate_chain
from explorer.verdict import Certificate, Proved, Unknown

WANPENG_GOLDEN = """\
wanpeng: VIOLATED at depth 5 (specs/kvm_fpu/v4.15.kp, preemption only)
 #1 cpu0 vcpu   kvm_arch_vcpu_ioctl_run > kvm_load_guest_fpu        preempt_disable()   preempt_count: 0 → 1
 #2 cpu0 vcpu   kvm_arch_vcpu_ioctl_run > kvm_load_guest_fpu        save user_fpu       user_fpu: garbage → qemu
 #3 cpu0 vcpu   kvm_arch_vcpu_ioctl_run > kvm_load_guest_fpu        restore guest_fpu   cpu0.regs: qemu → guest
 #4 cpu0 vcpu   kvm_arch_vcpu_ioctl_run > kvm_load_guest_fpu        preempt_enable()    preempt_count: 1 → 0
 #5 cpu0 sched  context_switch > __switch_to > switch_fpu_prepare   vcpu.fpu = regs     ✗ regs == guest
"""

WANPENG_LOCATED_GOLDEN = """\
wanpeng: VIOLATED at depth 5 (specs/kvm_fpu/v4.15.kp)
 #1 cpu0 vcpu   kvm_arch_vcpu_ioctl_run > kvm_load_guest_fpu        preempt_disable()   preempt_count: 0 → 1
                at specs/kvm_fpu/v4.15.kp:12:5  // arch/x86/kvm/x86.c
 #2 cpu0 vcpu   kvm_arch_vcpu_ioctl_run > kvm_load_guest_fpu        save user_fpu       user_fpu: garbage → qemu
                at specs/kvm_fpu/v4.15.kp:13:5  // copy_fpregs_to_fpstate(&vcpu->arch.user_fpu)
 #3 cpu0 vcpu   kvm_arch_vcpu_ioctl_run > kvm_load_guest_fpu        restore guest_fpu   cpu0.regs: qemu → guest
                at specs/kvm_fpu/v4.15.kp:14:5  // __copy_kernel_to_fpregs(&vcpu->arch.guest_fpu.state)
 #4 cpu0 vcpu   kvm_arch_vcpu_ioctl_run > kvm_load_guest_fpu        preempt_enable()    preempt_count: 1 → 0
                at specs/kvm_fpu/v4.15.kp:15:5
 #5 cpu0 sched  context_switch > __switch_to > switch_fpu_prepare   vcpu.fpu = regs     ✗ regs == guest
                at specs/kvm_fpu/v4.15.kp:40:5  // copy_fpregs_to_fpstate(&prev->thread.fpu)
"""

WITNESS_GOLDEN = """\
preempted_with_guest: REACHED at depth 4 (specs/kvm_fpu/v4.15.kp, cpus=2)
 #1 cpu1 vcpu     kvm_arch_vcpu_ioctl_run > kvm_load_guest_fpu     preempt_disable()      preempt_count: 0 → 1
 #2 cpu1 vcpu     kvm_arch_vcpu_ioctl_run > kvm_load_guest_fpu     restore guest_fpu      cpu1.regs: other → guest
 #3 cpu1 softirq  … > crc32c_pcl_intel_update > kernel_fpu_begin   in_kernel_fpu = true   in_kernel_fpu: false → true
 #4 cpu1 softirq  … > crc32c_pcl_intel_update > kernel_fpu_begin   save task fpu          vcpu.fpu: qemu → guest   ★ preempted_with_guest
"""


def test_trace_golden():
    assert trace_text(WANPENG, "preemption only") == WANPENG_GOLDEN


def test_trace_golden_with_locations():
    assert trace_text(WANPENG, show_location=True) == WANPENG_LOCATED_GOLDEN


def test_reach_witness_golden():
    assert trace_text(REACHED, "cpus=2") == WITNESS_GOLDEN


def test_no_trace_for_other_outcomes():
    for v in (HOLDS, PROVED_PDR, UNKNOWN, UNREACHED, UNREACHABLE):
        assert trace_text(v) == ""


def test_colour_only_when_asked():
    assert "\x1b[" not in trace_text(WANPENG, show_location=True)
    coloured = trace_text(WANPENG, show_location=True, color=True)
    assert "\x1b[2m" in coloured and "\x1b[31m✗ regs == guest" in coloured


def test_verdict_texts():
    assert verdict_text(WANPENG) == "VIOLATED at depth 5"
    assert verdict_text(HOLDS) == "holds up to bound 20"
    assert verdict_text(PROVED_PDR) == "proved (pdr, invariant checked)"
    assert verdict_text(PROVED_KIND) == "proved (k-induction, k=4, checked)"
    assert verdict_text(PROVED_EXPLICIT) == "proved (explicit, 1234 states, checked)"
    assert verdict_text(UNKNOWN) == "unknown (timeout after 5 s; holds up to 12)"
    assert verdict_text(REACHED) == "reached at depth 4"
    assert verdict_text(UNREACHED) == "unreached up to bound 20"
    assert verdict_text(UNREACHABLE) == "unreachable (proved)"


def test_verdict_text_edge_cases():
    unchecked = replace(PROVED_PDR, outcome=Proved("pdr", Certificate("invariant", "x", checked=False)))
    assert verdict_text(unchecked) == "proved (pdr, invariant unchecked)"
    assert verdict_text(replace(UNKNOWN, outcome=Unknown("solver said unknown"))) == "unknown (solver said unknown)"
    assert verdict_text(replace(PROVED_EXPLICIT, stats={})) == "proved (explicit, exhaustive, checked)"


def test_truncate_chain_keeps_innermost():
    chain = ("a" * 10, "b" * 10, "c" * 10, "inner")
    assert truncate_chain(chain, None) == " > ".join(chain)
    assert truncate_chain(chain, 100) == " > ".join(chain)
    assert truncate_chain(chain, 28) == "… > cccccccccc > inner"
    assert truncate_chain(chain, 5) == "… > inner"
    assert truncate_chain(("x" * 50,), 10) == "x" * 50


def test_long_chain_is_truncated_from_the_left():
    text = trace_text(long_chain_verdict(), chain_width=60)
    line = text.splitlines()[1]
    assert "… > " in line and "kernel_fpu_begin" in line
    assert "kvm_arch_vcpu_ioctl_run" not in line
    full = trace_text(long_chain_verdict(), chain_width=None)
    assert "kvm_arch_vcpu_ioctl_run > vcpu_run" in full


def test_verdict_table_rows():
    table = verdict_table(ALL_V415)
    lines = table.splitlines()
    assert lines[0].split() == ["variant", "property", "verdict", "depth", "engine", "time", "(s)"]
    assert len(lines) == 2 + len(ALL_V415)
    row = next(l for l in lines if "wanpeng" in l)
    assert row.split()[:6] == ["v4.15", "wanpeng", "VIOLATED", "at", "depth", "5"]
    assert row.split()[-2:] == ["bmc", "0.42"]
    assert "unknown (timeout after 5 s; holds up to 12)" in table
    assert "proved (explicit, 1234 states, checked)" in table


def test_verdict_table_other_formats():
    assert verdict_table([WANPENG], tablefmt="github").startswith("| variant")


def test_check_text_has_table_traces_and_warnings():
    out = check_text(ALL_V415, "preemption only")
    assert out.index("variant") < out.index("wanpeng: VIOLATED at depth 5 (specs/kvm_fpu/v4.15.kp, preemption only)")
    assert "preempted_with_guest: REACHED at depth 4" in out
    assert "warning: qemu_state_safe: action vcpu_9 is never enabled [v4.15]" in out


def test_check_text_shows_only_violated_traces_by_choice():
    violated = check_text(ALL_V415, "preemption only", traces="violated")
    assert "wanpeng: VIOLATED" in violated and "REACHED" not in violated
    none = check_text(ALL_V415, "preemption only", traces="none")
    assert "VIOLATED at depth 5 (" not in none
    quiet = check_text(ALL_V415, "preemption only", quiet=True)
    assert quiet == verdict_table(ALL_V415) + "\n"


def test_check_text_fits_the_width():
    for width in (80, 100, 120):
        out = check_text(ALL_V415, "preemption only", width=width, show_location=True)
        assert max(len(line) for line in out.splitlines()) <= width, width


def test_a_warning_about_a_spec_line_is_said_once_with_its_variants():
    from explorer.report.warnings import grouped, warnings_text
    notes = [(v, "step never reached: specs/x/../kvm_fpu/v4.14.kp:102:5 (schedule())")
             for v in ("v4.14", "v4.15", "v5.2")]
    notes.append(("v4.14", "step never reached: specs/kvm_fpu/fpu_eager.kp:9:1 (f())"))
    text = warnings_text(grouped([(v, None, n) for v, n in notes]))
    assert text.splitlines() == [
        "specs/kvm_fpu/fpu_eager.kp:9:1: warning: step never reached: f() [v4.14]",
        "specs/kvm_fpu/v4.14.kp:102:5: warning: step never reached: schedule() [v4.14, v4.15, v5.2]",
    ]
