"""BMC timing on a synthetic model shaped like a kernel FPU spec (a script, not a test).

    /tmp/venv/bin/python bench/bench_bmc.py [--depth 100] [--variants int,int-nolemma,bv]

The model: 2 CPUs, 3 tasks (vcpu, qemu helper, kworker) and a softirq per CPU, each a
program counter over 16-40 locations; per-CPU ``regs``, ``owner_ctx``, ``in_kernel_fpu``,
``preempt_count`` (0..3), ``current``; per-task ``fpu`` buffers, ``last_cpu``,
``need_load``; ``user_fpu``, ``guest_fpu``; about 40 elements and 150-200 actions of the
form ``pc == L && cond -> pc := L', updates``, with dynamic indexing through the CPU a
task runs on.  Its property holds (data only moves between buffers when its guard rules
out guest data leaking into QEMU's buffer), so BMC runs every depth up to the bound: the
worst case of a real run.

Prints the time per depth (every 10th) and the total for each variant, and each variant's
total as a ratio to the first one.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from explorer.engines import Options  # noqa: E402
from explorer.engines import bmc  # noqa: E402
from explorer.ir import (  # noqa: E402
    BOOL,
    FALSE,
    TRUE,
    Action,
    Add,
    Const,
    EnumSort,
    IntSort,
    Model,
    Origin,
    Property,
    Read,
    StateVar,
    Sub,
    Update,
    and_,
    eq,
    lt,
    not_,
)
from explorer.verdict import HoldsUpTo  # noqa: E402

DATA = EnumSort("Data", ("garbage", "qemu", "guest", "other", "scratch"))
CPU = EnumSort("Cpu", ("cpu0", "cpu1"))
TASK = EnumSort("Task", ("vcpu", "helper", "kworker"))
OWNER = EnumSort("Owner", ("none", "vcpu", "helper", "kworker"))
COUNT = IntSort(0, 3)
VMODE = EnumSort("VcpuMode", ("outside", "in_run", "in_guest", "exiting"))


def synthetic(seed: int = 1, locations: tuple[int, ...] = (40, 30, 24), softirq: int = 16) -> Model:
    rnd = random.Random(seed)
    variables = [
        StateVar("regs", DATA, CPU, ((1,), (3,)), style="index"),
        StateVar("owner_ctx", OWNER, CPU, ((1,), (2,)), style="index"),
        StateVar("in_kernel_fpu", BOOL, CPU, ((0,), (0,)), style="index"),
        StateVar("preempt_count", COUNT, CPU, ((0,), (0,)), style="index"),
        StateVar("current", TASK, CPU, ((0,), (1,)), style="index", hidden=True),
        StateVar("fpu", DATA, TASK, ((1,), (3,), (0,)), style="field"),
        StateVar("last_cpu", CPU, TASK, ((0,), (1,), (0,)), style="field"),
        StateVar("need_load", BOOL, TASK, ((0,), (0,), (1,)), style="field"),
        StateVar("on_cpu", CPU, TASK, ((0,), (1,), (0,)), style="field", hidden=True),
        StateVar("user_fpu", DATA, None, ((0,),)),
        StateVar("guest_fpu", DATA, None, ((2,),)),
        StateVar("irqs_off", BOOL, CPU, ((0,), (0,)), style="index"),
        StateVar("initialized", BOOL, TASK, ((1,), (1,), (0,)), style="field"),
        StateVar("softirq_pending", BOOL, CPU, ((0,), (0,)), style="index"),
        StateVar("bh_count", COUNT, CPU, ((0,), (0,)), style="index"),
        StateVar("vcpu_mode", VMODE, None, ((0,),)),
    ]
    pcs = []
    for t, n in zip(TASK.members, locations):
        sort = EnumSort(f"pc_{t}", tuple(f"{t}_L{i}" for i in range(n)))
        pcs.append(StateVar(f"pc_{t}", sort, None, ((0,),), hidden=True))
    for c in CPU.members:
        sort = EnumSort(f"pc_softirq_{c}", tuple(f"sirq_{c}_L{i}" for i in range(softirq)))
        pcs.append(StateVar(f"pc_softirq_{c}", sort, None, ((0,),), hidden=True))
    variables += pcs
    by_name = {v.name: v for v in variables}

    def rd(var: str, index=None):
        v = by_name[var]
        if isinstance(index, str):
            index = Const(v.index, v.index.value_of(index))
        elif isinstance(index, int):
            index = Const(v.index, index)
        return Read(var, index, v.sort)

    def k(sort, member):
        return Const(sort, sort.value_of(member) if isinstance(member, str) else member)

    actions: list[Action] = []

    def thread_actions(pcvar: StateVar, cpu_expr, ctx: str, task: str | None) -> None:
        pc = rd(pcvar.name)
        n = pcvar.sort.size
        regs = Read("regs", cpu_expr, DATA)
        count = Read("preempt_count", cpu_expr, COUNT)
        for loc in range(n):
            nxt = (loc + 1) % n
            base = [eq(pc, Const(pcvar.sort, loc))]
            if task is not None:
                base.append(eq(Read("current", cpu_expr, TASK), k(TASK, task)))
            kind = rnd.choice(["save", "restore", "pdis", "pen", "flag", "owner", "user",
                               "guest", "scratch", "branch", "nop", "bh", "mode", "init"])
            ups = [Update(pcvar.name, None, Const(pcvar.sort, nxt))]
            guard = list(base)
            me = k(TASK, task) if task is not None else Read("current", cpu_expr, TASK)
            if kind == "save":
                ups.append(Update("fpu", me, regs))
                guard.append(not_(eq(regs, k(DATA, "guest"))) if task != "vcpu" else TRUE)
            elif kind == "restore":
                ups.append(Update("regs", cpu_expr, Read("fpu", me, DATA)))
                ups.append(Update("owner_ctx", cpu_expr, Add(me, Const(COUNT, 1), OWNER)))
            elif kind == "pdis":
                guard.append(lt(count, Const(COUNT, 3)))
                ups.append(Update("preempt_count", cpu_expr, Add(count, Const(COUNT, 1), COUNT)))
            elif kind == "pen":
                guard.append(lt(Const(COUNT, 0), count))
                ups.append(Update("preempt_count", cpu_expr, Sub(count, Const(COUNT, 1), COUNT)))
            elif kind == "flag":
                ups.append(Update("need_load", me, not_(Read("need_load", me, BOOL))))
                ups.append(Update("in_kernel_fpu", cpu_expr, rnd.choice([TRUE, FALSE])))
            elif kind == "owner":
                ups.append(Update("owner_ctx", cpu_expr, k(OWNER, "none")))
                ups.append(Update("last_cpu", me, cpu_expr))
            elif kind == "user":
                guard.append(not_(eq(regs, k(DATA, "guest"))))
                ups.append(Update("user_fpu", None, regs))
            elif kind == "guest":
                ups.append(Update("guest_fpu", None, regs))
            elif kind == "scratch":
                guard.append(not_(Read("in_kernel_fpu", cpu_expr, BOOL)))
                ups.append(Update("regs", cpu_expr, k(DATA, "scratch")))
            elif kind == "bh":
                bh = Read("bh_count", cpu_expr, COUNT)
                if rnd.random() < 0.5:
                    guard.append(lt(bh, Const(COUNT, 3)))
                    ups.append(Update("bh_count", cpu_expr, Add(bh, Const(COUNT, 1), COUNT)))
                else:
                    guard.append(lt(Const(COUNT, 0), bh))
                    ups.append(Update("bh_count", cpu_expr, Sub(bh, Const(COUNT, 1), COUNT)))
                    ups.append(Update("softirq_pending", cpu_expr, FALSE))
            elif kind == "mode":
                mode = rd("vcpu_mode")
                guard.append(not_(eq(mode, k(VMODE, "exiting"))))
                ups.append(Update("vcpu_mode", None, k(VMODE, rnd.randrange(VMODE.size))))
            elif kind == "init":
                guard.append(not_(Read("initialized", me, BOOL)))
                ups.append(Update("initialized", me, TRUE))
                ups.append(Update("softirq_pending", cpu_expr, TRUE))
            elif kind == "branch":
                target = rnd.randrange(n)
                cond = eq(Read("need_load", me, BOOL), TRUE)
                actions.append(Action(f"{pcvar.name}_{loc}_else", and_(*base, not_(cond)),
                                      (Update(pcvar.name, None, Const(pcvar.sort, target)),),
                                      Origin(ctx, None, (ctx,), f"branch {loc}")))
                guard.append(cond)
            actions.append(Action(f"{pcvar.name}_{loc}", and_(*guard), tuple(ups),
                                  Origin(ctx, None, (ctx,), f"{kind} {loc}")))

    for t, pcvar in zip(TASK.members, pcs[:3]):
        thread_actions(pcvar, Read("on_cpu", k(TASK, t), CPU), t, t)
    for c, pcvar in zip(CPU.members, pcs[3:]):
        thread_actions(pcvar, k(CPU, c), f"softirq_{c}", None)
    # the scheduler: a context switch per CPU to each task not running elsewhere
    for c in CPU.members:
        ci = k(CPU, c)
        for t in TASK.members:
            ti = k(TASK, t)
            cur = Read("current", ci, TASK)
            guard = and_(
                eq(Read("preempt_count", ci, COUNT), Const(COUNT, 0)),
                not_(Read("irqs_off", ci, BOOL)),
                not_(eq(cur, ti)),
                *[not_(eq(Read("current", k(CPU, o), TASK), ti)) for o in CPU.members if o != c],
            )
            actions.append(Action(
                f"switch_{c}_{t}", guard,
                (
                    Update("fpu", cur, Read("regs", ci, DATA)),
                    Update("last_cpu", cur, ci),
                    Update("current", ci, ti),
                    Update("on_cpu", ti, ci),
                    Update("regs", ci, Read("fpu", ti, DATA)),
                    Update("owner_ctx", ci, Add(ti, Const(COUNT, 1), OWNER)),
                ),
                Origin("sched", c, ("context_switch",), f"switch to {t}"),
            ))
        actions.append(Action(f"irq_toggle_{c}", TRUE,
                              (Update("irqs_off", ci, not_(Read("irqs_off", ci, BOOL))),),
                              Origin("irq", c, ("local_irq",), "toggle")))
    # guest data only ever reaches the vcpu's buffers and registers, never user_fpu
    bad = eq(rd("user_fpu"), k(DATA, "guest"))
    prop = Property("no_guest_in_user_fpu", "invariant", "", bad, bad)
    return Model("synthetic_kernel", tuple(variables), tuple(actions), (prop,))


VARIANTS = {
    # name: (sorts, selector, lemmas)
    "bv": ("bv", "onehot", True),  # what bmc uses
    "bv-nolemma": ("bv", "onehot", False),
    "bv-binary": ("bv", "binary", True),
    "int": ("int", "onehot", True),
    "int-binary": ("int", "binary", True),
}


def run(model: Model, depth: int, variant: str, cap: float) -> tuple[float, list[float], str]:
    sorts, selector, lemmas = VARIANTS[variant]
    t0 = time.perf_counter()
    result = bmc.check(model, model.properties[0], Options(bound=depth, timeout_s=cap),
                       sorts=sorts, selector=selector, lemmas=lemmas)
    total = time.perf_counter() - t0
    return total, result.stats["frame_times"], type(result.outcome).__name__


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depth", type=int, default=100)
    parser.add_argument("--variants", default="bv,bv-nolemma,bv-binary,int",
                        help=f"comma-separated, of {', '.join(VARIANTS)}; the first is the "
                        "reference of the ratios")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic model")
    parser.add_argument("--cap", type=float, default=60.0,
                        help="seconds per variant; a capped variant reports its depth")
    args = parser.parse_args()
    model = synthetic(args.seed)
    print(f"model: {len(model.elements)} elements, {len(model.actions)} actions, "
          f"bound {args.depth}")
    totals = {}
    for variant in args.variants.split(","):
        total, frames, outcome = run(model, args.depth, variant, args.cap)
        reached = len(frames) - 1
        totals[variant] = (total, reached)
        marks = "  ".join(f"d{d}={frames[d] * 1000:.0f}ms" for d in range(0, len(frames), 10))
        status = "" if outcome == HoldsUpTo.__name__ else f" (capped at {args.cap:.0f} s)"
        print(f"{variant:11s} depth {reached:3d}{status}: total {total:7.2f} s   {marks}",
              flush=True)
        assert outcome in (HoldsUpTo.__name__, "Unknown"), outcome
    first, (ref, ref_depth) = next(iter(totals.items()))
    for variant, (total, reached) in totals.items():
        note = "" if reached == ref_depth else f"  (reached depth {reached} only)"
        print(f"{variant:11s} {total / ref:7.2f}x the time of {first}{note}")


if __name__ == "__main__":
    main()
