"""Proofs of the bundled kernel specs: the houdini engine against pdr and k-induction.

Not a test: run it to see, per (spec, property), the verdict and time of each prover and
the size of the houdini invariant (lines as printed, candidates it is made of), all in
the same run.  pdr and k-induction get a short timeout (they are the baseline that does
not close); houdini gets a long one.

    PYTHONPATH=. python bench/bench_prove.py                      # v4.15 v5.6 v5.16
    PYTHONPATH=. python bench/bench_prove.py --baseline-timeout 30 --specs v5.16
    PYTHONPATH=. python bench/bench_prove.py --show                # print the invariants
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from explorer.app.jobs import decide
from explorer.engines import Options
from explorer.lang import load_spec
from explorer.verdict import Proved, Unknown, Violated

SPECS = Path(__file__).parent.parent / "specs" / "kvm_fpu"
PROPERTIES = ("integrity", "no_loss", "wanpeng")


def verdict(outcome) -> str:
    if isinstance(outcome, Proved):
        return "proved" if outcome.certificate.checked else "proved (unchecked)"
    if isinstance(outcome, Violated):
        return f"violated@{outcome.depth}"
    if isinstance(outcome, Unknown):
        return "timeout" if "timeout" in outcome.reason else "unknown"
    return type(outcome).__name__


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--specs", nargs="*", default=["v4.15", "v5.6", "v5.16"])
    parser.add_argument("--properties", nargs="*", default=list(PROPERTIES))
    parser.add_argument("--baseline-timeout", type=float, default=10.0)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--kind-bound", type=int, default=60)
    parser.add_argument("--show", action="store_true", help="print the houdini invariants")
    args = parser.parse_args()

    header = (f"{'spec':7} {'property':10} | {'houdini':>14} {'s':>6} {'lines':>5} {'cands':>5}"
              f" {'level':>17} | {'pdr':>9} {'s':>6} | {'kind':>9} {'s':>6} {'k':>3}")
    print(header)
    print("-" * len(header))
    shown = []
    for name in args.specs:
        model = load_spec(str(SPECS / f"{name}.kp")).model
        for prop_name in args.properties:
            prop = model.property(prop_name)
            t0 = time.perf_counter()
            h = decide(model, prop, "houdini", Options(timeout_s=args.timeout))
            th = time.perf_counter() - t0
            t0 = time.perf_counter()
            p = decide(model, prop, "pdr", Options(timeout_s=args.baseline_timeout))
            tp = time.perf_counter() - t0
            t0 = time.perf_counter()
            k = decide(model, prop, "kind", Options(bound=args.kind_bound,
                                                    timeout_s=args.baseline_timeout))
            tk = time.perf_counter() - t0
            lines = h.stats.get("invariant_lines", "")
            cands = h.stats.get("invariant_candidates", "")
            level = h.stats.get("level", "")
            print(f"{name:7} {prop_name:10} | {verdict(h.outcome):>14} {th:6.2f} {lines!s:>5}"
                  f" {cands!s:>5} {level:>17} | {verdict(p.outcome):>9} {tp:6.2f} |"
                  f" {verdict(k.outcome):>9} {tk:6.2f} {k.stats.get('k', '')!s:>3}", flush=True)
            if args.show and isinstance(h.outcome, Proved):
                shown.append((name, prop_name, h.outcome.certificate.text))
    for name, prop_name, text in shown:
        print(f"\n== {name} {prop_name}\n{text}")


if __name__ == "__main__":
    main()
