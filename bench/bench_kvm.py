"""Benchmarks on the bundled kernel specs, measured in one run (machines here are noisy,
so compare the ratios within a run, not the seconds across runs).

1. Explicit-engine throughput (distinct states per second) on the seed variants and on
   a 2-CPU instance, with the reference-semantics search of the same state space as the
   baseline (the ratio is the speed-up of the compiled fast path).
2. BMC time per depth on v4.15 ``integrity`` (the issue's target: depth 100 in 2 s), until
   a time cap.
3. Time to prove v4.15 ``integrity`` with each proving engine.

    python bench/bench_kvm.py [--bmc-cap 60] [--prove-cap 60] [--big-cap 60]
"""

from __future__ import annotations

import argparse
import time

from explorer import semantics
from explorer.app.jobs import decide
from explorer.engines import Options, bmc, explicit
from explorer.lang import load_spec

SPECS = "specs/kvm_fpu/{}.kp"


def reference_rate(model, seconds: float) -> float:
    """Distinct states per second of a plain BFS on the reference semantics."""
    start = time.perf_counter()
    seen = set(semantics.initial_states(model))
    frontier = list(seen)
    while frontier and time.perf_counter() - start < seconds:
        nxt = []
        for state in frontier:
            for _, succ in semantics.successors(model, state):
                if succ not in seen:
                    seen.add(succ)
                    nxt.append(succ)
        frontier = nxt
    return len(seen) / (time.perf_counter() - start)


def throughput(label: str, model, cap: float) -> None:
    result = explicit.explore(model, Options(timeout_s=cap))
    baseline = reference_rate(model, min(cap, 20.0))
    done = "complete" if result.complete else f"stopped after {cap:.0f} s"
    print(f"{label:28} {result.states:>10,} states ({done})  {result.states_per_s:>10,.0f} states/s"
          f"  reference {baseline:>8,.0f}/s  ratio {result.states_per_s / baseline:5.1f}x")


def bmc_per_depth(cap: float) -> None:
    model = load_spec(SPECS.format("v4.15")).model
    prop = model.property("integrity")
    start = time.perf_counter()
    marks = {}

    def progress(figures):
        marks[figures["depth"]] = time.perf_counter() - start

    result = bmc.check(model, prop, Options(bound=100, timeout_s=cap, progress=progress))
    reached = max(marks) if marks else 0
    print(f"BMC v4.15 integrity: {type(result.outcome).__name__}, depth {reached} in {marks.get(reached, 0):.2f} s")
    for depth in (10, 20, 30, 40, 50, 60, 80, 100):
        if depth in marks:
            print(f"  depth {depth:3}: {marks[depth]:7.2f} s cumulative")


def prove(cap: float) -> None:
    model = load_spec(SPECS.format("v4.15")).model
    prop = model.property("integrity")
    for name in ("explicit", "kind", "pdr"):
        start = time.perf_counter()
        outcome = decide(model, prop, name, Options(bound=200, timeout_s=cap)).outcome
        verdict = type(outcome).__name__
        if hasattr(outcome, "reason"):
            verdict += f" ({outcome.reason})"
        print(f"prove v4.15 integrity with {name:10}: {verdict:40} {time.perf_counter() - start:7.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bmc-cap", type=float, default=60.0)
    parser.add_argument("--prove-cap", type=float, default=60.0)
    parser.add_argument("--big-cap", type=float, default=60.0)
    args = parser.parse_args()
    for variant in ("v4.14", "v4.15", "v5.2", "v5.6", "v5.16", "v6.15"):
        throughput(variant, load_spec(SPECS.format(variant)).model, args.big_cap)
    big = {"cpus": "2", "other_tasks": "2"}
    throughput("v5.6 cpus=2 other_tasks=2", load_spec(SPECS.format("v5.6"), big).model, args.big_cap)
    bmc_per_depth(args.bmc_cap)
    prove(args.prove_cap)


if __name__ == "__main__":
    main()
