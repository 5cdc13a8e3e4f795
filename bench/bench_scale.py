"""How far the exhaustive engine reaches: the bundled variants at larger instances.

Not a test: run it to record figures (a table in Markdown on stdout).

    python bench/bench_scale.py                    # every instance, 60 s each
    python bench/bench_scale.py --seconds 20 --variants v4.15 v5.6

Per variant and instance ``-P cpus=C -P other_tasks=N``: ``explore`` without reduction
(the exact count) and with symmetry reduction (stored states, states represented), the
time, states per second, the bytes per stored state and the peak memory of the process
(each measurement in a fresh process, so peak memory is its own).  Then each variant's
``integrity`` checked with symmetry at a few instances, search and the gate's re-check
timed apart; ``integrity`` checked with each reduction (none, symmetry, por, all: the
states stored, the states expanded with a stubborn set, search and re-check time, the
verdict after the gate) at every instance of ``POR_VARIANTS``; and the main job (``explorer check --bound 20`` over the bundled variants)
timed as a user runs it.  When the SPIN engine is installed (``explorer.engines.spin``
and the ``spin`` binary), the same instances go through SPIN's compile-and-verify on the
Promela export, as the baseline the ratios are taken against; where ABC is installed
(``berkeley-abc``), its ``pdr`` runs on the AIGER export of the same instance for
``integrity`` (its answer and time; a proof's invariant is not re-checked here).
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = ("v4.14", "v4.15", "v5.2", "v5.6", "v5.16", "v6.15")
INSTANCES = ((1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (2, 3), (3, 2), (3, 3))
CHECKED = ((1, 3), (2, 1), (3, 3))
"""Instances whose ``integrity`` check is timed with the gate's re-check."""
POR_VARIANTS = ("v4.15", "v5.6")
"""Variants whose ``integrity`` is checked with each reduction at every instance."""
REDUCTIONS = ("none", "symmetry", "por", "all")
TABLES = ("explore", "checked", "por", "main")


def _explore(variant: str, cpus: int, others: int, reduction: str, seconds: float, out) -> None:
    from explorer.engines import Options
    from explorer.engines.explicit import explore
    from explorer.lang import load_spec
    try:
        model = load_spec(str(ROOT / f"specs/kvm_fpu/{variant}.kp"),
                          {"cpus": str(cpus), "other_tasks": str(others)}).model
    except Exception as error:  # noqa: BLE001 - an instance the spec cannot express
        out.put({"error": str(error).splitlines()[0]})
        return
    result = explore(model, Options(timeout_s=seconds, reduction=reduction))
    out.put({"states": result.states, "represented": result.represented, "time_s": result.time_s,
             "complete": result.complete, "states_per_s": result.states_per_s,
             "bytes_per_state": result.bytes_per_state,
             "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})


def _check(variant: str, cpus: int, others: int, prop: str, seconds: float, out,
           reduction: str = "symmetry") -> None:
    from explorer.engines import Options
    from explorer.engines.explicit import check
    from explorer.lang import load_spec
    from explorer.trust.gate import judge
    model = load_spec(str(ROOT / f"specs/kvm_fpu/{variant}.kp"),
                      {"cpus": str(cpus), "other_tasks": str(others)}).model
    p = model.property(prop)
    start = time.monotonic()
    result = check(model, p, Options(timeout_s=seconds, reduction=reduction))
    searched = time.monotonic() - start
    outcome = judge(model, p, result, timeout_s=seconds).outcome
    out.put({"verdict": type(outcome).__name__, "states": result.stats.get("states"),
             "stubborn": result.stats.get("por_reduced", 0), "complete": not result.stats.get("stopped"),
             "search_s": searched, "total_s": time.monotonic() - start})


def _isolated(target, *args, **kwargs) -> dict:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(*args, queue), kwargs=kwargs)
    process.start()
    process.join()
    return queue.get() if not queue.empty() else {"error": f"exit code {process.exitcode}"}


def _spin(variant: str, cpus: int, others: int, seconds: float) -> dict | None:
    from explorer.engines import peers, spin
    if peers.missing("spin"):
        return None
    from explorer.lang import load_spec
    model = load_spec(str(ROOT / f"specs/kvm_fpu/{variant}.kp"),
                      {"cpus": str(cpus), "other_tasks": str(others)}).model
    start = time.monotonic()
    try:
        result = spin.run_pan(model, None, noreduce=True, bfs=False, timeout_s=seconds)
    except (peers.PeerFailed, peers.PeerTimeout) as error:
        return {"states": f"no answer ({str(error)[:40]})", "time_s": time.monotonic() - start}
    states = "-" if result.model_states is None else f"{result.model_states:,}"
    return {"states": states, "time_s": time.monotonic() - start,
            "compile_s": result.seconds_compile, "search_s": result.seconds_search}


def _abc(variant: str, cpus: int, others: int, seconds: float) -> dict | None:
    from explorer.engines import abc, peers
    if peers.missing("abc"):
        return None
    from explorer.lang import load_spec
    model = load_spec(str(ROOT / f"specs/kvm_fpu/{variant}.kp"),
                      {"cpus": str(cpus), "other_tasks": str(others)}).model
    start = time.monotonic()
    try:
        result = abc.run_abc(model, model.property("integrity"), "pdr", timeout_s=seconds)
    except (peers.PeerFailed, peers.PeerTimeout) as error:
        return {"answer": f"no answer ({str(error)[:40]})", "time_s": time.monotonic() - start}
    return {"answer": result.answer, "time_s": time.monotonic() - start}


def _spin_time(spin: dict) -> str:
    if "compile_s" not in spin:
        return f"{spin.get('time_s', float('nan')):.2f}"
    return f"{spin['time_s']:.2f} ({spin['compile_s']:.2f} + {spin['search_s']:.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--variants", nargs="*", default=list(VARIANTS))
    parser.add_argument("--tables", nargs="*", default=list(TABLES), choices=TABLES,
                        help="which tables to make (default: all)")
    args = parser.parse_args()
    if "explore" in args.tables:
        _explore_table(args)
    if "checked" in args.tables:
        _checked_table(args)
    if "por" in args.tables:
        _por_table(args)
    if "main" in args.tables:
        start = time.monotonic()
        subprocess.run([sys.executable, "-m", "explorer", "check", "--bound", "20"], cwd=ROOT,
                       capture_output=True, check=False)
        print(f"main job (explorer check --bound 20): {time.monotonic() - start:.1f} s wall")


def _explore_table(args) -> None:
    print("| variant | C,N | full states | full s | full states/s | B/state | peak MiB "
          "| reduced states | represented | reduced s | SPIN states | SPIN s (gcc + pan) | ABC pdr integrity | ABC s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for variant in args.variants:
        for cpus, others in INSTANCES:
            full = _isolated(_explore, variant, cpus, others, "none", args.seconds)
            if "error" in full:
                print(f"| {variant} | {cpus},{others} | {full['error'][:60]} |")
                continue
            reduced = _isolated(_explore, variant, cpus, others, "symmetry", args.seconds)
            spin = _spin(variant, cpus, others, args.seconds) or {}
            ic3 = _abc(variant, cpus, others, args.seconds) or {}
            mark = "" if full["complete"] else " (stopped)"
            print(f"| {variant} | {cpus},{others} | {full['states']:,}{mark} | {full['time_s']:.2f} "
                  f"| {full['states_per_s']:,.0f} | {full['bytes_per_state']:.0f} | {full['peak_mib']:.0f} "
                  f"| {reduced['states']:,}{'' if reduced['complete'] else ' (stopped)'} "
                  f"| {reduced['represented']:,} | {reduced['time_s']:.2f} "
                  f"| {spin.get('states', '-')} | {_spin_time(spin)} "
                  f"| {ic3.get('answer', '-')} | {ic3.get('time_s', float('nan')):.2f} |")
            sys.stdout.flush()
    print()


def _checked_table(args) -> None:
    print("| variant | C,N | integrity (symmetry) | states | search s | re-check s | re-check / search |")
    print("|---|---|---|---|---|---|---|")
    for variant in args.variants:
        for cpus, others in CHECKED:
            got = _isolated(_check, variant, cpus, others, "integrity", args.seconds)
            if "error" in got:
                print(f"| {variant} | {cpus},{others} | {got['error']} | | | | |")
                continue
            recheck = got["total_s"] - got["search_s"]
            ratio = f"{recheck / max(got['search_s'], 1e-9):.1f}" if got["verdict"] == "Proved" else "-"
            print(f"| {variant} | {cpus},{others} | {got['verdict']} | {got['states']} | {got['search_s']:.2f} "
                  f"| {recheck:.2f} | {ratio} |")
            sys.stdout.flush()
    print()


def _por_table(args) -> None:
    """``integrity`` per reduction; an instance is left once a reduction does not finish
    its search in time, and the larger instances of that variant with it."""
    print("| variant | C,N | reduction | integrity | states stored | stubborn-set states | search s | re-check s |")
    print("|---|---|---|---|---|---|---|---|")
    for variant in [v for v in args.variants if v in POR_VARIANTS]:
        going = set(REDUCTIONS)
        for cpus, others in INSTANCES:
            for reduction in REDUCTIONS:
                if reduction not in going:
                    continue
                got = _isolated(_check, variant, cpus, others, "integrity", args.seconds, reduction=reduction)
                if "error" in got:
                    print(f"| {variant} | {cpus},{others} | {reduction} | {got['error'][:60]} | | | | |")
                    going.discard(reduction)
                    continue
                if not got["complete"]:
                    going.discard(reduction)
                mark = "" if got["complete"] else " (stopped)"
                print(f"| {variant} | {cpus},{others} | {reduction} | {got['verdict']} | {got['states']:,}{mark} "
                      f"| {got['stubborn']:,} | {got['search_s']:.2f} | {got['total_s'] - got['search_s']:.2f} |")
                sys.stdout.flush()
    print()


if __name__ == "__main__":
    main()
