"""ABC's targets: ``pdr`` proofs at the large instances, ``bmc3`` against z3's BMC deep.

Not a test: run it to record figures (Markdown tables on stdout).

    python bench/bench_abc.py                       # everything, 900 s per check
    python bench/bench_abc.py --seconds 300 --skip-pdr
    python bench/bench_abc.py --instances 1,1 --skip-bmc --engines abc

1. ``--engine abc`` and ``abc-scorr`` (``--engines``) on v5.6 and v5.16 ``integrity``
   and ``no_loss`` at ``-P cpus=C -P other_tasks=N`` (default: 1,1 and 3,3): the AIGER
   export's size (the whole model, the property's cone that the engines export, and what
   ABC searched after ``dc2``, or ``scorr -l``), ABC's time, the
   invariant's clauses, the trust gate's re-check of the translated invariant, and the
   verdict (what ``explorer check SPEC -p PROP -P cpus=C -P other_tasks=N --engine abc``
   prints).
2. BMC to depth 100 on v4.15 ``integrity`` (default parameters): ``abc-bmc`` (bmc3)
   against explorer's own z3 ``bmc``, each through the gate.

Each check runs in a fresh process, one after the other.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PDR_TARGETS = (("v5.6", "integrity"), ("v5.6", "no_loss"), ("v5.16", "integrity"), ("v5.16", "no_loss"))


def _check(variant: str, params: dict, prop: str, engine: str, bound: int, seconds: float, out) -> None:
    from explorer.engines import Options
    from explorer.engines.registry import engine as named
    from explorer.export import to_aiger
    from explorer.lang import load_spec
    from explorer.trust.gate import judge
    model = load_spec(str(ROOT / f"specs/kvm_fpu/{variant}.kp"), params).model
    p = model.property(prop)
    full, exported = to_aiger(model, p), to_aiger(model, p, cone=True)
    start = time.monotonic()
    result = named(engine)(model, p, Options(timeout_s=seconds, bound=bound))
    searched = time.monotonic() - start
    outcome = judge(model, p, result, timeout_s=seconds).outcome
    out.put({"verdict": type(outcome).__name__, "reason": getattr(outcome, "reason", ""),
             "clauses": result.stats.get("abc_clauses"), "engine_s": searched,
             "total_s": time.monotonic() - start, "bound": getattr(outcome, "bound", None),
             "latches": f"{len(full.latches)} / {len(exported.latches)}",
             "gates": f"{full.gates} / {exported.gates} / {(result.stats.get('abc_size') or (0, '?'))[1]}"})


def _isolated(*args) -> dict:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_check, args=(*args, queue))
    process.start()
    process.join()
    return queue.get() if not queue.empty() else {"verdict": f"exit code {process.exitcode}"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=900.0)
    parser.add_argument("--skip-pdr", action="store_true")
    parser.add_argument("--skip-bmc", action="store_true")
    parser.add_argument("--instances", nargs="*", default=["1,1", "3,3"], help="C,N pairs")
    parser.add_argument("--engines", nargs="*", default=["abc", "abc-scorr"],
                        help="the pdr engines to run (abc: dc2 first; abc-scorr: latch correspondence too)")
    parser.add_argument("--targets", nargs="*", default=[f"{v}:{p}" for v, p in PDR_TARGETS],
                        help="VARIANT:PROPERTY pairs for pdr")
    args = parser.parse_args()
    if not args.skip_pdr:
        print("| engine | variant | property | C,N | latches (all / cone) | ANDs (all / cone / ABC's) "
              "| verdict | clauses | ABC s | with re-check s |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for instance in args.instances:
            cpus, others = instance.split(",")
            targets = [target.split(":") for target in args.targets]
            for (variant, prop), name in ((t, n) for t in targets for n in args.engines):
                params = {"cpus": cpus, "other_tasks": others}
                got = _isolated(variant, params, prop, name, 20, args.seconds)
                verdict = got["verdict"] + (f" ({got['reason'][:80]})" if got.get("reason") else "")
                print(f"| {name} | {variant} | {prop} | {instance} | {got.get('latches')} | {got.get('gates')} "
                      f"| {verdict} | {got.get('clauses')} | {got.get('engine_s', float('nan')):.1f} "
                      f"| {got.get('total_s', float('nan')):.1f} |")
                sys.stdout.flush()
        print()
    if not args.skip_bmc:
        print("| v4.15 integrity, depth 100 | verdict | ANDs | engine s | with gate s |")
        print("|---|---|---|---|---|")
        for engine in ("abc-bmc", "bmc"):
            got = _isolated("v4.15", {}, "integrity", engine, 100, args.seconds)
            verdict = got["verdict"] + (f" ({got['reason'][:80]})" if got.get("reason") else "")
            if got.get("bound") is not None:
                verdict += f", depth {got['bound']}"
            print(f"| {engine} | {verdict} | {got.get('gates')} | {got.get('engine_s', float('nan')):.2f} "
                  f"| {got.get('total_s', float('nan')):.2f} |")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
