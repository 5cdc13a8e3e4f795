"""Invariant inference from the reachable states: candidates from templates, then Houdini.

As in Daikon + Houdini (and mypyvy's invariant inference), the reachable states found by
the explicit engine's search suggest candidate invariants, and Houdini keeps the largest
subset of them whose conjunction is inductive:

1. *Reachable states*: the explicit engine's compiled breadth-first search.
   A reachable bad state ends the run with the explicit engine's verdict (``Violated``,
   a shortest counterexample replayed on the reference semantics); a search that does
   not finish in ``options.timeout_s`` gives ``Unknown``.
2. *Candidates*: ``A ==> x in S`` where ``A`` is a conjunction of ``element == value``
   literals (the antecedent, possibly empty) and ``S`` is the set of values ``x`` takes in
   the reachable states where ``A`` holds (a candidate whose ``S`` is the whole sort is
   skipped).  Every candidate holds in every reachable state, by construction.  The
   templates come in levels, each a superset of the one before, tried in order until one
   gives a proof:

   * ``control``: no antecedent, or one control element (the hidden elements: program
     counters ``<task>.pc``, ``cpu_mode[cpuN]``, ``sched_pc[cpuN]``, ``irq_pc[cpuN]``...;
     every element when the model has no hidden one) equal to a value;
   * ``control pairs``: two elements of the control, now with ``current[..]``, equal to
     values, for the value pairs that occur together in a reachable state;
   * ``control x element``: one element of the control and one element of any kind
     (``vcpu.pc == x && vcpu.need_fpu_load ==> ...``), and one element of any kind.

   A candidate is left out when one with an antecedent one literal shorter allows the
   same values (it would be implied).  Measured: v4.15 needs ``control pairs``, v5.6
   and v5.16 ``control x element``.

3. *Houdini* (``prover``): with ``explorer.smt.Encoding`` (bit-vectors, z3's SAT back end, frames
   0 and 1) and assumption literals per candidate, ask for Inv(s) and Range(s) and
   T(s, s') with some candidate false in s'; drop every candidate false in s' and ask
   again, until unsat.  The conjunction left is inductive (and holds initially).  Each
   counterexample to induction is amplified on the concrete semantics (its pre-state's
   successors, and theirs while they satisfy the conjunction, drop candidates too),
   which cuts the rounds about tenfold.  Then: Inv => not Bad?  If not, the next level.
4. *Minimising*: the candidates needed are closed under unsat cores (those that Inv
   => not Bad needs, then those that the inductiveness of each needed one needs), which
   gives an inductive subset that still excludes Bad; the closure is computed again in
   a solver over that subset only (smaller cores); then a greedy pass over at most
   ``GREEDY_TRIALS`` candidates (a count, so that the invariant is the same on every run)
   drops a conjunct if the rest is still inductive and still excludes Bad.  Implications with the same consequent whose antecedents differ in one
   value are merged, then those with the same antecedent, and the invariant is printed
   in spec syntax, one conjunct per line::

       vcpu.pc in {vcpu_run:114, vcpu_enter_guest:44} && irq_pc[cpu0] == idle ==> vcpu.preempt_count == 0

5. The claim is ``Safe("houdini")`` with the clauses (``clauses``) as its certificate;
   the trust gate re-checks exactly those clauses with fresh solvers (Init => Inv,
   Inv and Range and T => Inv', Inv => not Bad) before the verdict says "proved".
"""

from __future__ import annotations

import time
from typing import Any

from explorer.engines.base import (
    Counterexample, EngineResult, Found, InvariantCertificate, Options, Safe,
)
from explorer.engines.explicit.bfs import Bfs
from explorer.engines.explicit.machine import Machine
from explorer.engines.houdini.candidates import LEVELS, MAX_CANDIDATES, candidates
from explorer.engines.houdini.clauses import clauses
from explorer.engines.houdini.minimise import minimise
from explorer.engines.houdini.prover import Prover, SolverTimeout, SolverUnknown
from explorer.ir import Model, Property
from explorer.ir.readable import clause_conjuncts, conjunction
from explorer.verdict import Unknown


def reachable(model: Model, prop: Property, options: Options,
              ) -> tuple[EngineResult | None, list[tuple[int, ...]], dict[str, Any], Machine]:
    """The reachable states by the explicit engine's search (and its machine, for the
    prover's concrete steps), or the claim that ends the run (a counterexample, a timeout,
    an evaluation error)."""
    run = Bfs(model, prop, options).run()
    info = {"states": run.count, "search_s": run.time_s,
            "diameter": max(len(run.per_depth()) - 1, 0)}
    if run.found is not None:
        init, path = run.path(run.found)
        found = Counterexample(init, tuple(model.actions[a].name for a in path))
        return EngineResult(Found(found), info), [], info, run.machine
    if run.stopped:
        reason = (f"timeout after {options.timeout_s} s while searching the reachable states"
                  if run.stopped == "timeout" else run.stopped)
        return EngineResult(Unknown(reason, bound=run.explored_depth), info), [], info, run.machine
    return None, [run.unpacked(i) for i in range(run.count)], info, run.machine


def check(model: Model, prop: Property, options: Options = Options()) -> EngineResult:
    start = time.perf_counter()
    deadline = None if options.timeout_s is None else start + options.timeout_s
    stats: dict[str, Any] = {"engine": "houdini"}

    def done(outcome) -> EngineResult:
        stats["time_s"] = time.perf_counter() - start
        return EngineResult(outcome, stats)

    ended, states, info, machine = reachable(model, prop, options)
    stats["reachable"] = info
    if ended is not None:
        if isinstance(ended.outcome, Found):
            stats["counterexample_by"] = "explicit"
        return done(ended.outcome)

    tried: list[dict[str, Any]] = []
    stats["levels"] = tried
    for level in LEVELS:
        t0 = time.perf_counter()
        cands = candidates(model, states, level)
        entry: dict[str, Any] = {"level": level, "candidates": len(cands)}
        tried.append(entry)
        if len(cands) > MAX_CANDIDATES:
            entry["skipped"] = f"more than {MAX_CANDIDATES} candidates"
            continue
        try:
            prover = Prover(model, prop, cands, deadline, machine)
            inv, rounds = prover.houdini(set(range(len(cands))))
            entry.update(kept=len(inv), rounds=rounds, concrete_states=prover.concrete)
            if not prover.safe(inv):
                entry.update(safe=False, time_s=time.perf_counter() - t0,
                             solver_calls=prover.calls)
                continue
            final, info = minimise(model, prop, prover, inv, deadline)
            entry.update(safe=True, **info, solver_calls=prover.calls, solver_s=prover.solver_s,
                         time_s=time.perf_counter() - t0)
        except SolverTimeout:
            entry["time_s"] = time.perf_counter() - t0
            return done(Unknown(f"timeout after {options.timeout_s} s"))
        except SolverUnknown as error:
            entry.update(unknown=str(error), time_s=time.perf_counter() - t0)
            return done(Unknown(f"solver unknown: {error}"))
        found = clauses(model, final)
        stats.update(level=entry["level"], candidates=entry["candidates"], kept=entry["kept"],
                     rounds=entry["rounds"], invariant_lines=max(1, len(clause_conjuncts(model, found))),
                     invariant_candidates=len(final))
        invariant = conjunction(clause_conjuncts(model, found))
        return done(Safe("houdini", InvariantCertificate(invariant, clauses=found)))
    return done(Unknown("no inductive invariant from the candidate templates"))
