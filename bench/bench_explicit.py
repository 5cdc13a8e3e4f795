"""Throughput of the explicit engine on a synthetic model shaped like kernel threads.

Not a test: run it to see distinct states per second of ``explicit.explore`` (the
compiled numba kernel over a ``semantics.compile_model`` program) against a breadth-first
search with the reference semantics (``semantics.successors`` on tuples) on the same model,
both for the same time budget.

    PYTHONPATH=. python bench/bench_explicit.py --procs 8 --seconds 10

The model: one CPU, ``procs`` tasks; each task has a program counter over ten locations
(L0..L9) and two buffers (``fpu[p]``, ``user[p]``) plus a flag; the CPU has the registers
``regs`` (whose data they hold), ``current`` and ``in_kernel_fpu``.  A task's steps are
enabled only while it is current (guards ``pc[p] == L && current == p && ...``) and copy
registers to and from its buffers; a context switch (saving the registers into the
outgoing task's buffer and restoring the incoming one's) may happen whenever the current
task is outside its kernel-FPU section.
"""

from __future__ import annotations

import argparse
import time
from collections import deque

from explorer import semantics
from explorer.semantics.program import compile_model
from explorer.engines import Options
from explorer.engines import explicit
from explorer.ir import (
    BOOL,
    FALSE,
    TRUE,
    Action,
    Const,
    EnumSort,
    Model,
    Origin,
    Property,
    Read,
    StateVar,
    Update,
    and_,
    eq,
    not_,
    or_,
)

DATA = EnumSort("data", ("garbage", "qemu", "guest", "other", "scratch"))
LOCS = EnumSort("loc", tuple(f"L{i}" for i in range(10)))


def build_model(procs: int = 8) -> Model:
    tasks = EnumSort("task", tuple(f"t{i}" for i in range(procs)))

    def task(p: int) -> Const:
        return Const(tasks, p)

    def d(name: str) -> Const:
        return Const(DATA, DATA.value_of(name))

    def loc(i: int) -> Const:
        return Const(LOCS, i)

    def pc(p: int) -> Read:
        return Read("pc", task(p), LOCS)

    def fpu(p: int) -> Read:
        return Read("fpu", task(p), DATA)

    def user(p: int) -> Read:
        return Read("user", task(p), DATA)

    regs = Read("regs", None, DATA)
    current = Read("current", None, tasks)
    in_kernel = Read("in_kernel_fpu", None, BOOL)
    n = tasks.size
    variables = (
        StateVar("pc", LOCS, tasks, tuple((0,) for _ in range(n)), style="index", hidden=True),
        StateVar("fpu", DATA, tasks, tuple((0,) for _ in range(n)), style="field"),
        StateVar("user", DATA, tasks, tuple((0,) for _ in range(n)), style="field"),
        StateVar("flag", BOOL, tasks, tuple((0,) for _ in range(n)), style="field"),
        StateVar("regs", DATA, None, ((0,),)),
        StateVar("current", tasks, None, ((0,),), hidden=True),
        StateVar("in_kernel_fpu", BOOL, None, ((0,),)),
    )
    actions = []

    def step(p: int, at: int, name: str, extra, *updates: Update, to: int | None = None):
        goto = (at + 1) % 10 if to is None else to
        guard = and_(eq(pc(p), loc(at)), eq(current, task(p)), extra)
        ups = updates + (Update("pc", task(p), loc(goto)),)
        actions.append(Action(f"t{p}_{name}", guard, ups,
                              Origin(f"t{p}", "cpu0", ("run", name), name)))

    own = ["qemu", "guest", "other"]
    for p in range(n):
        mine = d(own[p % 3])
        step(p, 0, "restore", TRUE, Update("regs", None, fpu(p)))
        step(p, 1, "compute", TRUE, Update("regs", None, mine))
        step(p, 1, "skip", TRUE, to=3)
        step(p, 2, "save_user", TRUE, Update("user", task(p), regs))
        step(p, 3, "load_guest", TRUE, Update("regs", None, d("guest")))
        step(p, 4, "kernel_fpu_begin", not_(in_kernel), Update("in_kernel_fpu", None, TRUE),
             Update("fpu", task(p), regs))
        step(p, 5, "use_scratch", TRUE, Update("regs", None, d("scratch")))
        step(p, 6, "kernel_fpu_end", TRUE, Update("regs", None, fpu(p)),
             Update("in_kernel_fpu", None, FALSE))
        step(p, 7, "restore_user", TRUE, Update("regs", None, user(p)))
        step(p, 8, "flip", eq(Read("flag", task(p), BOOL), Const(BOOL, 0)),
             Update("flag", task(p), TRUE))
        step(p, 8, "flop", eq(Read("flag", task(p), BOOL), Const(BOOL, 1)),
             Update("flag", task(p), FALSE))
        step(p, 9, "loop", TRUE, to=0)
    for p in range(n):
        preemptible = or_(*[eq(pc(p), loc(i)) for i in (0, 1, 2, 3, 7, 8, 9)])
        for q in range(n):
            if q == p:
                continue
            actions.append(Action(
                f"switch_t{p}_t{q}",
                and_(eq(current, task(p)), preemptible),
                (Update("fpu", task(p), regs), Update("regs", None, fpu(q)),
                 Update("current", None, task(q))),
                Origin("sched", "cpu0", ("context_switch", "switch_fpu_prepare"), "switch"),
            ))
    bad = and_(eq(in_kernel, Const(BOOL, 1)), eq(regs, d("garbage")), eq(current, task(n - 1)))
    prop = Property("never", "invariant", "", bad, bad, text="no garbage in kernel FPU")
    return Model(f"threads{procs}", variables, tuple(actions), (prop,))


def reference_bfs(model: Model, seconds: float) -> tuple[int, int, float]:
    """Distinct states found and states expanded by a reference-semantics BFS within
    ``seconds``, and the time taken."""
    start = time.monotonic()
    deadline = start + seconds
    seen = set()
    queue: deque = deque()
    for s in semantics.initial_states(model):
        seen.add(s)
        queue.append(s)
    count = 0
    while queue:
        s = queue.popleft()
        if count % 256 == 0 and time.monotonic() >= deadline:
            break
        count += 1
        for _, t in semantics.successors(model, s):
            if t not in seen:
                seen.add(t)
                queue.append(t)
    return len(seen), count, time.monotonic() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procs", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--no-reference", action="store_true")
    args = parser.parse_args()
    model = build_model(args.procs)
    print(f"model {model.name}: {len(model.elements)} elements, {len(model.actions)} actions")
    t0 = time.monotonic()
    compile_model(model, ())
    print(f"compile: {time.monotonic() - t0:.3f} s")
    result = explicit.explore(model, Options(timeout_s=args.seconds))
    fast_rate = result.states / result.time_s
    fast_exp = result.expanded / result.time_s
    print(f"explicit (compiled): {result.states} states ({result.expanded} expanded), "
          f"{result.transitions} transitions in {result.time_s:.2f} s "
          f"({'complete' if result.complete else result.stopped}, depth {result.diameter}): "
          f"{fast_rate:,.0f} distinct states/s, {fast_exp:,.0f} expanded/s")
    if args.no_reference:
        return
    states, expanded, elapsed = reference_bfs(model, args.seconds)
    ref_rate = states / elapsed
    ref_exp = expanded / elapsed
    print(f"reference BFS:       {states} states ({expanded} expanded) in {elapsed:.2f} s: "
          f"{ref_rate:,.0f} distinct states/s, {ref_exp:,.0f} expanded/s")
    print(f"ratio: {fast_rate / ref_rate:.1f}x distinct states/s, "
          f"{fast_exp / ref_exp:.1f}x expanded states/s")
    print("(with a timeout, distinct states/s flatters the slower search: each expanded "
          "state adds a frontier of new ones; expanded/s compares the work done)")


if __name__ == "__main__":
    main()
