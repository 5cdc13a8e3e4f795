"""Mutation testing of the bundled kernel corpus: engines against exhaustive search.

Each mutant is a variant of a bundled spec that replaces one kernel function by a copy
with one change, the kind a bad patch makes:

* ``drop``: a statement removed;
* ``duplicate``: a statement done twice;
* ``swap``: two neighbouring statements exchanged;
* ``negate``: an ``if`` condition negated;
* ``weaken``: a lock weakened (``fpregs_lock()`` to ``preempt_disable()``, a
  ``preempt_disable()``, ``local_irq_disable()`` or ``local_bh_disable()`` removed).

For every mutant that is a valid spec, every property is decided by the explicit engine
(the reference: exhaustive, re-checked) and by every other engine; an engine that decides
must agree with it on the verdict and on the shortest counterexample's depth (bmc: a
violation within its bound, or "holds up to the bound" where the reference proves it or
its counterexample is deeper).  An ``unknown`` is not a disagreement.  The script prints
one line per disagreement and a summary, and exits 1 if there is any disagreement.

    python scripts/mutants.py                       # every mutant, every engine
    python scripts/mutants.py --limit 120 --engines bmc,kind,houdini --jobs 2
    python scripts/mutants.py --limit 40 --engines spin,abc,abc-bmc  # the peers

``--engines`` takes any of ``explorer check --engine``'s names; the peers (spin, abc,
abc-bmc) need their programs, and the script says which Debian package is missing
(exit 2) rather than count their ``unknown`` answers as agreement.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from explorer.app import ENGINE_NAMES
from explorer.app.jobs import Job
from explorer.app.pool import default_workers, run_tasks
from explorer.app.run import failed_verdict
from explorer.engines import peers
from explorer.lang import SpecError, load_spec
from explorer.verdict import HoldsUpTo, Proved, Unknown, Verdict, Violated

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "specs" / "kvm_fpu"
VARIANTS = ("v4.14", "v4.15", "v5.2", "v5.6", "v5.16", "v6.15")
PROPERTIES = ("integrity", "no_loss", "wanpeng")
WEAKER = {
    "fpregs_lock()": "preempt_disable()",
    "fpregs_unlock()": "preempt_enable()",
    "preempt_disable()": "skip",
    "local_irq_disable()": "skip",
    "local_bh_disable()": "skip",
}
BOUNDED = ("bmc", "abc-bmc")
"""Engines whose answer without a counterexample is "holds up to the bound"."""
SIMPLE = re.compile(r"^\s+([A-Za-z_][\w.\[\]]*\s*=\s*[^=].*|[A-Za-z_]\w*\(.*\)|skip)\s*(//.*)?$")


@dataclass(frozen=True)
class Mutant:
    name: str
    variant: str
    function: str
    text: str
    """The mutated function, as spec text."""


def _functions(path: Path) -> dict[str, list[str]]:
    """The kernel functions a file declares, as their lines (``fn`` line to closing ``}``)."""
    out: dict[str, list[str]] = {}
    lines = path.read_text().splitlines()
    i = 0
    while i < len(lines):
        match = re.match(r"^fn (\w+)\(", lines[i])
        if match and not lines[i].rstrip().endswith("}"):
            j = i + 1
            while j < len(lines) and lines[j] != "}":
                j += 1
            out[match.group(1)] = lines[i:j + 1]
            i = j
        i += 1
    return out


def _variations(body: list[str]):
    """(kind, description, new lines) for each single change to a function's lines."""
    inner = list(range(1, len(body) - 1))
    simple = [i for i in inner if SIMPLE.match(body[i]) and not body[i].strip().startswith(("if ", "}"))]
    for i in simple:
        yield "drop", f"line {i} dropped", body[:i] + body[i + 1:]
        yield "duplicate", f"line {i} twice", body[:i + 1] + [body[i]] + body[i + 1:]
    for a, b in zip(simple, simple[1:]):
        if b == a + 1 and _indent(body[a]) == _indent(body[b]):
            yield "swap", f"lines {a} and {b} swapped", body[:a] + [body[b], body[a]] + body[b + 1:]
    for i in inner:
        match = re.match(r"^(\s+(?:\} else )?if )(.*) \{(.*)$", body[i])
        if match:
            yield "negate", f"line {i} negated", body[:i] + [f"{match.group(1)}!({match.group(2)}) {{{match.group(3)}"] + body[i + 1:]
    for i in inner:
        for strong, weak in WEAKER.items():
            if strong in body[i].split("//")[0]:
                line = body[i].split("//")[0].replace(strong, weak)
                yield "weaken", f"line {i}: {strong} -> {weak}", body[:i] + [line] + body[i + 1:]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def mutants() -> list[Mutant]:
    out = []
    for variant in VARIANTS:
        own = SPECS / f"{variant}.kp"
        sources = [own] + [SPECS / name for name in ("fpu_eager.kp", "fpu_deferred.kp")
                           if f'include "{name}"' in own.read_text() or variant == "v4.14" and name == "fpu_eager.kp"]
        for source in sources:
            for function, body in _functions(source).items():
                for kind, what, lines in _variations(body):
                    name = f"{variant}:{function}:{kind}:{what}"
                    out.append(Mutant(name, variant, function, "\n".join(lines) + "\n"))
    return out


def verdict_word(outcome) -> str:
    if isinstance(outcome, Violated):
        return f"violated@{outcome.depth}"
    if isinstance(outcome, Proved):
        return "proved"
    if isinstance(outcome, HoldsUpTo):
        return f"holds<={outcome.bound}"
    return "unknown"


def agrees(engine: str, got, reference, bound: int) -> bool:
    if isinstance(got, Unknown):
        return True
    if isinstance(reference, Violated):
        if isinstance(got, Violated):
            return got.depth == reference.depth
        return engine in BOUNDED and isinstance(got, HoldsUpTo) and reference.depth > bound
    if isinstance(reference, Proved):
        return isinstance(got, Proved) or (engine in (*BOUNDED, "kind") and isinstance(got, HoldsUpTo))
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="bmc,kind,pdr,houdini,auto")
    parser.add_argument("--limit", type=int, default=0, help="the first N mutants only (0: all)")
    parser.add_argument("--every", type=int, default=1, help="every N-th mutant (spreads --limit)")
    parser.add_argument("--bound", type=int, default=40)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--jobs", type=int, default=default_workers())
    args = parser.parse_args()
    engines = [e for e in args.engines.split(",") if e]
    for engine in engines:
        if engine not in ENGINE_NAMES:
            parser.error(f"unknown engine {engine!r}; the engines are: {', '.join(ENGINE_NAMES)}")
        why = peers.missing(engine)
        if why:
            parser.error(f"engine {engine}: {why}")
    chosen = mutants()[::args.every]
    if args.limit:
        chosen = chosen[:args.limit]
    start = time.monotonic()
    counts: Counter = Counter()
    disagreements: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        specs = {}
        for number, mutant in enumerate(chosen):
            path = Path(folder) / f"m{number}.kp"
            path.write_text(f'extends "{SPECS / (mutant.variant + ".kp")}"\n{mutant.text}')
            try:
                specs[str(path)] = (mutant, load_spec(str(path)))
            except SpecError:
                counts["invalid"] += 1
        jobs = [Job(path, (), prop, engine, args.bound, args.timeout)
                for path in specs for prop in PROPERTIES for engine in ["explicit", *engines]]
        verdicts: list[Verdict] = run_tasks(
            jobs, args.jobs, lambda job, err: failed_verdict(specs[job.spec][1], job, err))
        results = {(j.spec, j.property, j.engine): v for j, v in zip(jobs, verdicts)}
        for path, (mutant, _) in specs.items():
            counts["mutants"] += 1
            for prop in PROPERTIES:
                reference = results[(path, prop, "explicit")].outcome
                counts[f"reference {verdict_word(reference).split('@')[0]}"] += 1
                for engine in engines:
                    got = results[(path, prop, engine)].outcome
                    counts["decided" if not isinstance(got, Unknown) else "unknown"] += 1
                    if not agrees(engine, got, reference, args.bound):
                        disagreements.append(f"{mutant.name} {prop}: explicit {verdict_word(reference)}, "
                                             f"{engine} {verdict_word(got)}")
    for line in disagreements:
        print("DISAGREE", line)
    print(f"{counts['mutants']} mutants ({counts['invalid']} more were not valid specs), "
          f"{len(PROPERTIES)} properties each; reference: {counts['reference violated']} violated, "
          f"{counts['reference proved']} proved, {counts['reference unknown']} unknown; "
          f"{counts['decided']} engine verdicts decided, {counts['unknown']} unknown; "
          f"{len(disagreements)} disagreements; {time.monotonic() - start:.0f} s")
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
