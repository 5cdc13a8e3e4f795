"""Hand-built verdicts for the report layer's tests (no engine, no z3, no spec language)."""

from __future__ import annotations

from explorer.verdict import (
    Certificate,
    HoldsUpTo,
    Proved,
    Trace,
    TraceElement,
    TraceStep,
    Unknown,
    Verdict,
    Violated,
)

SPEC = "specs/kvm_fpu/v4.15.kp"
BASE_SPEC = "specs/kvm_fpu/v4.14.kp"

ELEMENTS = (
    TraceElement("cpu0.regs", "regs", "cpu0", False),
    TraceElement("cpu1.regs", "regs", "cpu1", False),
    TraceElement("preempt_count", "preempt_count", None, False),
    TraceElement("user_fpu", "user_fpu", None, False),
    TraceElement("vcpu.fpu", "fpu", "vcpu", False),
    TraceElement("other.fpu", "fpu", "other", False),
    TraceElement("in_kernel_fpu", "in_kernel_fpu", None, False),
    TraceElement("pc_vcpu", "pc_vcpu", None, True),
)

_CHAIN_RUN = ("kvm_arch_vcpu_ioctl_run", "kvm_load_guest_fpu")
_CHAIN_SWITCH = ("context_switch", "__switch_to", "switch_fpu_prepare")


def _step(index, action, cpu, context, chain, statement, line, citation, changes, violation=None):
    return TraceStep(
        index=index,
        action=action,
        cpu=cpu,
        context=context,
        chain=chain,
        statement=statement,
        location=f"{SPEC}:{line}:5",
        citation=citation,
        changes=changes,
        violation=violation,
    )


WANPENG_STEPS = (
    _step(1, "vcpu_1", "cpu0", "vcpu", _CHAIN_RUN, "preempt_disable()", 12, "arch/x86/kvm/x86.c",
          (("preempt_count", "0", "1"),)),
    _step(2, "vcpu_2", "cpu0", "vcpu", _CHAIN_RUN, "save user_fpu", 13,
          "copy_fpregs_to_fpstate(&vcpu->arch.user_fpu)", (("user_fpu", "garbage", "qemu"),)),
    _step(3, "vcpu_3", "cpu0", "vcpu", _CHAIN_RUN, "restore guest_fpu", 14,
          "__copy_kernel_to_fpregs(&vcpu->arch.guest_fpu.state)", (("cpu0.regs", "qemu", "guest"),)),
    _step(4, "vcpu_4", "cpu0", "vcpu", _CHAIN_RUN, "preempt_enable()", 15, "",
          (("preempt_count", "1", "0"),)),
    _step(5, "sched_1", "cpu0", "sched", _CHAIN_SWITCH, "vcpu.fpu = regs", 40,
          "copy_fpregs_to_fpstate(&prev->thread.fpu)", (), violation="regs == guest"),
)

_S0 = ("qemu", "other", 0, "garbage", "qemu", "other", False, 0)
_S1 = ("qemu", "other", 1, "garbage", "qemu", "other", False, 1)
_S2 = ("qemu", "other", 1, "qemu", "qemu", "other", False, 2)
_S3 = ("guest", "other", 1, "qemu", "qemu", "other", False, 3)
_S4 = ("guest", "other", 0, "qemu", "qemu", "other", False, 4)

WANPENG_TRACE = Trace(
    elements=ELEMENTS,
    steps=WANPENG_STEPS,
    states=(_S0, _S1, _S2, _S3, _S4),  # the violating step 5 is not applied
    raw_states=(
        (1, 2, 0, 0, 1, 2, 0, 0),
        (1, 2, 1, 0, 1, 2, 0, 1),
        (1, 2, 1, 1, 1, 2, 0, 2),
        (3, 2, 1, 1, 1, 2, 0, 3),
        (3, 2, 0, 1, 1, 2, 0, 4),
    ),
    actions=tuple(s.action for s in WANPENG_STEPS),
)

WANPENG = Verdict(
    spec=SPEC,
    variant="v4.15",
    property="wanpeng",
    kind="invariant",
    outcome=Violated(WANPENG_TRACE),
    engine="bmc",
    bound=20,
    time_s=0.4213,
    doc="Guest registers are never saved into the vCPU task's buffer.",
)

# A reach goal's witness: a softirq interrupts the vCPU thread on another CPU, so the
# trace hops between lanes; every step is applied (states has steps + 1 entries).
_CHAIN_SOFTIRQ = ("irq_exit", "__do_softirq", "crc32c_pcl_intel_update", "kernel_fpu_begin")

WITNESS_STEPS = (
    _step(1, "vcpu_1", "cpu1", "vcpu", _CHAIN_RUN, "preempt_disable()", 12, "",
          (("preempt_count", "0", "1"),)),
    _step(2, "vcpu_3", "cpu1", "vcpu", _CHAIN_RUN, "restore guest_fpu", 14, "",
          (("cpu1.regs", "other", "guest"),)),
    _step(3, "softirq_1", "cpu1", "softirq", _CHAIN_SOFTIRQ, "in_kernel_fpu = true", 70,
          "arch/x86/kernel/fpu/core.c", (("in_kernel_fpu", "false", "true"),)),
    _step(4, "softirq_2", "cpu1", "softirq", _CHAIN_SOFTIRQ, "save task fpu", 71, "",
          (("vcpu.fpu", "qemu", "guest"),), violation="preempted_with_guest"),
)

_W0 = ("qemu", "other", 0, "garbage", "qemu", "other", False, 0)
_W1 = ("qemu", "other", 1, "garbage", "qemu", "other", False, 1)
_W2 = ("qemu", "guest", 1, "garbage", "qemu", "other", False, 3)
_W3 = ("qemu", "guest", 1, "garbage", "qemu", "other", True, 3)
_W4 = ("qemu", "guest", 1, "garbage", "guest", "other", True, 3)

WITNESS_TRACE = Trace(
    elements=ELEMENTS,
    steps=WITNESS_STEPS,
    states=(_W0, _W1, _W2, _W3, _W4),
    raw_states=((0,) * 8,) * 5,
    actions=tuple(s.action for s in WITNESS_STEPS),
)

REACHED = Verdict(
    spec=SPEC,
    variant="v4.15",
    property="preempted_with_guest",
    kind="reach",
    outcome=Violated(WITNESS_TRACE),
    engine="bmc",
    bound=20,
    time_s=0.2,
)

PROVED_PDR = Verdict(
    spec=SPEC,
    variant="v4.15",
    property="qemu_state_safe",
    kind="invariant",
    outcome=Proved(
        "pdr",
        Certificate(
            kind="invariant",
            text="user_fpu == qemu || preempt_count == 0\n&& (cpu0.regs != guest || in_kernel_fpu == false)",
            checked=True,
        ),
    ),
    engine="pdr",
    bound=20,
    time_s=1.5,
    warnings=("action vcpu_9 is never enabled",),
)

PROVED_KIND = Verdict(
    spec=SPEC,
    variant="v4.15",
    property="no_double_begin",
    kind="invariant",
    outcome=Proved("k-induction", Certificate(kind="k-induction", text="!(in_kernel_fpu && in_kernel_fpu')",
                                              k=4, checked=True)),
    engine="kinduction",
    bound=20,
    time_s=0.75,
)

PROVED_EXPLICIT = Verdict(
    spec=SPEC,
    variant="v4.15",
    property="guest_fpu_safe",
    kind="invariant",
    outcome=Proved("explicit", Certificate(kind="exhaustive", text="1234 reachable states, diameter 9",
                                           checked=True)),
    engine="explicit",
    bound=20,
    time_s=2.25,
    stats={"states": 1234},
)

HOLDS = Verdict(
    spec=SPEC,
    variant="v4.15",
    property="scratch_never_leaks",
    kind="invariant",
    outcome=HoldsUpTo(20),
    engine="bmc",
    bound=20,
    time_s=3.0,
)

UNKNOWN = Verdict(
    spec=SPEC,
    variant="v4.15",
    property="owner_ctx_valid",
    kind="invariant",
    outcome=Unknown("timeout after 5 s", bound=12),
    engine="pdr",
    bound=20,
    time_s=5.0,
)

UNREACHED = Verdict(
    spec=SPEC, variant="v4.15", property="softirq_in_guest", kind="reach",
    outcome=HoldsUpTo(20), engine="bmc", bound=20, time_s=0.9,
)

UNREACHABLE = Verdict(
    spec=SPEC, variant="v4.15", property="double_restore", kind="reach",
    outcome=Proved("pdr", Certificate(kind="invariant", text="!(a && b)", checked=True)),
    engine="pdr", bound=20, time_s=0.3,
)

# The base variant (v4.14): wanpeng holds there, so the verdict flips in v4.15.
BASE_WANPENG = Verdict(
    spec=BASE_SPEC, variant="v4.14", property="wanpeng", kind="invariant",
    outcome=Proved("pdr", Certificate(kind="invariant", text="regs != guest || preempt_count > 0", checked=True)),
    engine="pdr", bound=20, time_s=0.8,
)
BASE_HOLDS = Verdict(
    spec=BASE_SPEC, variant="v4.14", property="scratch_never_leaks", kind="invariant",
    outcome=HoldsUpTo(20), engine="bmc", bound=20, time_s=2.0,
)

ALL_V415 = (WANPENG, REACHED, PROVED_PDR, PROVED_KIND, PROVED_EXPLICIT, HOLDS, UNKNOWN, UNREACHED, UNREACHABLE)


def long_chain_verdict() -> Verdict:
    """A counterexample whose call chain is too long to print in full."""
    chain = (
        "kvm_arch_vcpu_ioctl_run", "vcpu_run", "vcpu_enter_guest", "kvm_x86_ops_handle_exit",
        "handle_ept_violation", "kvm_mmu_page_fault", "get_user_pages", "try_to_free_pages",
        "shrink_node", "zswap_frontswap_store", "crypto_comp_compress", "crc32c_pcl_intel_update",
        "kernel_fpu_begin",
    )
    step = TraceStep(1, "a", "cpu0", "vcpu", chain, "in_kernel_fpu = true", f"{SPEC}:99:5", "",
                     (), violation="in_kernel_fpu == false")
    trace = Trace(ELEMENTS, (step,), (_S0,), ((0,) * 8,), ("a",))
    return Verdict(SPEC, "v5.2", "irq_fpu_ok", "invariant", Violated(trace), "bmc", 20, 0.1)


def report_input():
    """A ReportInput for v4.15 against its base v4.14."""
    from explorer.report.inputs import ModelSummary, ReportInput, Reproducibility, StateVariable

    return ReportInput(
        variant="v4.15",
        spec=SPEC,
        verdicts=(WANPENG, REACHED, PROVED_PDR, PROVED_KIND, PROVED_EXPLICIT, HOLDS, UNKNOWN),
        model=ModelSummary(
            state_variables=(
                StateVariable("regs", "Cpu -> Data", "per-CPU"),
                StateVariable("preempt_count", "0..3", "per-CPU"),
                StateVariable("user_fpu", "Data", "per-vCPU"),
                StateVariable("fpu", "Task -> Data", "per-task"),
                StateVariable("in_kernel_fpu", "bool", "per-CPU"),
                StateVariable("pc_vcpu", "0..12", "thread", hidden=True),
            ),
            actions=42,
            parameters=(("cpus", "2"), ("vcpus", "1")),
            interleavings=("preemption", "softirq"),
            elements=8,
        ),
        base="v4.14",
        base_spec=BASE_SPEC,
        replaces=("kvm_load_guest_fpu", "kvm_put_guest_fpu", "kvm_sched_out"),
        adds=("kvm_arch_vcpu_ioctl_run",),
        base_verdicts=(BASE_WANPENG, BASE_HOLDS),
        reproducibility=Reproducibility(
            explorer_version="0.1.0",
            z3_version="4.13.0",
            python_version="3.11.2",
            spec_hashes=((SPEC, "ab" * 32), (BASE_SPEC, "cd" * 32)),
            command_line="explorer report specs/kvm_fpu/v4.15.kp --bound 20 --param cpus=2",
            seed=0,
            platform="linux x86_64",
        ),
        description="x86,kvm: move qemu/guest FPU switching out to vcpu_run (f775b13eedee)",
        settings="preemption only, cpus=2",
    )
