"""Invariant inference from the reachable states: candidates from templates, then Houdini.

As in Daikon + Houdini (and mypyvy's invariant inference), the reachable states found by
the explicit engine's search suggest candidate invariants, and Houdini keeps the largest
subset of them whose conjunction is inductive:

1. *Reachable states*: the explicit engine's breadth-first search (``semantics.Compiled``).
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

3. *Houdini*: with ``explorer.encode.Encoding`` (bit-vectors, z3's SAT back end, frames
   0 and 1) and assumption literals per candidate, ask for Inv(s) and Range(s) and
   T(s, s') with some candidate false in s'; drop every candidate false in s' and ask
   again, until unsat.  The conjunction left is inductive (and holds initially).  Each
   counterexample to induction is amplified on the concrete semantics (its pre-state's
   successors, and theirs while they satisfy the conjunction, drop candidates too),
   which cuts the rounds about tenfold.  Then: Inv => not Bad?  If not, the next level.
4. *Minimising*: the candidates needed are closed under unsat cores (those that Inv
   => not Bad needs, then those that the inductiveness of each needed one needs), which
   gives an inductive subset that still excludes Bad; the closure is computed again in
   a solver over that subset only (smaller cores); then a greedy pass, within
   ``MINIMISE_S`` seconds, drops a conjunct if the rest is still inductive and still
   excludes Bad.  Implications with the same consequent whose antecedents differ in one
   value are merged, then those with the same antecedent, and the invariant is printed
   in spec syntax, one conjunct per line::

       vcpu.pc in {vcpu_run:114, vcpu_enter_guest:44} && irq_pc[cpu0] == idle ==> vcpu.preempt_count == 0

5. The invariant is re-checked by ``explorer.certify.check_certificate`` with fresh
   solvers (Init => Inv, Inv and Range and T => Inv', Inv => not Bad), both as the
   SMT-LIB text the certificate carries and as the IR expression that is printed, before
   the verdict is ``Proved(method="houdini")``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import z3

from explorer import model as ir
from explorer import pretty, semantics
from explorer.certify import check_certificate, invariant_smt2
from explorer.encode import Encoding
from explorer.engines import EngineResult, Options
from explorer.engines import explicit
from explorer.model import BoolSort, Expr, Model, Property
from explorer.verdict import Certificate, Proved, Unknown, Violated

LEVELS = ("control", "control pairs", "control x element")
"""The template levels, tried in this order (each includes the ones before)."""

MINIMISE_S = 2.0
"""Time for the greedy pass of the minimisation (the closures under cores always run)."""

_CLOSURES = 1
"""Closures computed again in a solver over the previous closure (cores there are often
smaller): 386 -> 325 candidates on v4.15 integrity, 247 -> 158 on v5.16 wanpeng."""

_GREEDY_ROUNDS = 0
"""Counterexamples to induction a greedy trial may drop candidates for (0: a candidate
is dropped only if the rest is inductive as it is; measured best for the time)."""

MAX_CANDIDATES = 200_000
"""A level with more candidates than this is skipped (it would not be readable anyway)."""


@dataclass(frozen=True)
class Candidate:
    """``ante ==> element in allowed``; ``ante`` is ((element, value), ...), maybe empty."""

    ante: tuple[tuple[int, int], ...]
    element: int
    allowed: frozenset[int]

    def holds(self, state: Sequence[int]) -> bool:
        for slot, value in self.ante:
            if state[slot] != value:
                return True
        return state[self.element] in self.allowed


class _Timeout(Exception):
    pass


class _Unknown(Exception):
    """The solver answered unknown (not a timeout)."""


# --------------------------------------------------------------------------- candidates


def control_elements(model: Model) -> list[int]:
    """The hidden elements (program counters, scheduler state); all if none is hidden."""
    hidden = [i for i, e in enumerate(model.elements) if e.hidden]
    return hidden or list(range(len(model.elements)))


def pair_elements(model: Model) -> list[int]:
    """The elements of pair antecedents: the control, plus ``current[..]``."""
    control = control_elements(model)
    extra = [i for i, e in enumerate(model.elements) if e.var == "current" and i not in control]
    return sorted(control + extra)


def _full(model: Model, slot: int, values: Iterable[int]) -> bool:
    return len(set(values)) >= model.elements[slot].sort.size


def _projections(states: Sequence[tuple[int, ...]], keys: Sequence[int]
                 ) -> dict[tuple[int, ...], list[set[int]]]:
    """Per value combination of the elements ``keys``: the values each element takes."""
    groups: dict[tuple[int, ...], list[tuple[int, ...]]] = {}
    for s in states:
        groups.setdefault(tuple(s[k] for k in keys), []).append(s)
    return {key: [set(column) for column in zip(*rows)] for key, rows in groups.items()}


def candidates(model: Model, states: Sequence[tuple[int, ...]], level: str,
               prune: bool = True) -> list[Candidate]:
    """The candidates of template ``level`` (and of the levels before it).

    With ``prune``, a candidate is left out when a candidate with a shorter antecedent
    (one literal fewer) allows the same values: it would be implied by that one.
    """
    n = len(model.elements)
    out: list[Candidate] = []
    if not states:
        return out
    columns_of: dict[tuple[tuple[int, int], ...], list[set[int]]] = {}

    def add(ante: tuple[tuple[int, int], ...], columns: list[set[int]]) -> None:
        columns_of[ante] = columns
        ante_slots = {slot for slot, _ in ante}
        parents = [columns_of.get(ante[:j] + ante[j + 1:]) for j in range(len(ante))]
        for x in range(n):
            if x in ante_slots or _full(model, x, columns[x]):
                continue
            if prune and any(p is not None and p[x] == columns[x] for p in parents):
                continue
            out.append(Candidate(ante, x, frozenset(columns[x])))

    add((), [set(column) for column in zip(*states)])
    index = LEVELS.index(level)
    keys = pair_elements(model)
    singles = [control_elements(model), keys, list(range(n))][index]
    for c in singles:
        for (v,), columns in sorted(_projections(states, (c,)).items()):
            add(((c, v),), columns)
    if index >= 1:
        others = list(range(n)) if index >= 2 else keys
        pairs = sorted({(min(a, b), max(a, b)) for a in keys for b in others if a != b})
        for c1, c2 in pairs:
            for (v1, v2), columns in sorted(_projections(states, (c1, c2)).items()):
                add(((c1, v1), (c2, v2)), columns)
    return out


# --------------------------------------------------------------------------- z3


class _Prover:
    """One z3 solver over frames 0 and 1 with assumption literals per candidate: ``a_i``
    (candidate i holds in frame 0) and ``v_i`` (candidate i is false in frame 1).

    Counterexamples to induction are amplified on the concrete semantics: every
    successor of a state that satisfies the current conjunction is a legitimate
    post-state, so a few hundred of them are explored (through states that satisfy the
    conjunction as it shrinks) and every candidate false in one of them is dropped too.
    That only drops candidates that are not in the largest inductive subset, which is
    unique, so the result is the one Houdini computes, in fewer solver calls.
    """

    def __init__(self, model: Model, prop: Property, cands: Sequence[Candidate],
                 deadline: float | None, fast: semantics.Compiled | None = None,
                 amplify: int = 256):
        self.model = model
        # bit-vectors and z3's incremental SAT back end, as bmc and k-induction
        self.enc = enc = Encoding(model, "bv")
        self.ctx = enc.ctx
        self.cands = cands
        self.deadline = deadline
        self.fast = fast
        self.amplify = amplify if fast is not None else 0
        self.solver = z3.SolverFor("QF_FD", ctx=self.ctx)
        # T behind a literal: Inv => not Bad is asked without it (a bad state with no
        # successor is still a bad state)
        self.step = z3.Bool("step!", self.ctx)
        self.solver.add(enc.ranges(0), z3.Implies(self.step, enc.trans(0)))
        self._add_candidates()
        self.index = {lit.get_id(): i for i, lit in enumerate(self.lits)}
        self.not_false = [z3.Not(v) for v in self.false_lits]
        self.some_false = z3.Bool("some_false!", self.ctx)
        self.solver.add(z3.Implies(self.some_false, z3.Or(self.false_lits))
                        if self.false_lits else z3.Not(self.some_false))
        self.bad_lit = z3.Bool("bad!0", self.ctx)
        self.solver.add(z3.Implies(self.bad_lit, enc.bad(prop, 0)))
        # candidates by antecedent, for evaluating them on concrete states
        self.by_ante: dict[tuple[tuple[int, int], ...], list[int]] = {}
        for i, cand in enumerate(cands):
            self.by_ante.setdefault(cand.ante, []).append(i)
        self.ante_slots = sorted({tuple(slot for slot, _ in ante) for ante in self.by_ante},
                                 key=lambda k: (len(k), k))
        self.calls = 0
        self.solver_s = 0.0
        self.concrete = 0

    def _add_candidates(self) -> None:
        """``a_i => cand_i(s)`` and ``v_i => not cand_i(s')``, as one SMT-LIB text (the
        Python API is too slow for tens of thousands of small formulas)."""
        enc, model = self.enc, self.model
        names: dict[str, z3.ExprRef] = {}
        text: dict[tuple[int, int, int], str] = {}

        def eq(slot: int, value: int, k: int) -> str:
            key = (slot, value, k)
            hit = text.get(key)
            if hit is None:
                const = enc.const(slot, k)
                names[const.decl().name()] = const
                sort = model.elements[slot].sort
                if isinstance(sort, BoolSort):
                    hit = const.sexpr() if value else f"(not {const.sexpr()})"
                else:
                    hit = f"(= {const.sexpr()} {enc.value(sort, value).sexpr()})"
                text[key] = hit
            return hit

        def formula(cand: Candidate, k: int) -> str:
            sort = model.elements[cand.element].sort
            allowed = sorted(cand.allowed)
            missing = [v for v in sort.values() if v not in cand.allowed]
            if len(missing) < len(allowed):
                parts = [f"(not {eq(cand.element, v, k)})" for v in missing]
                body = parts[0] if len(parts) == 1 else f"(and {' '.join(parts)})"
            else:
                parts = [eq(cand.element, v, k) for v in allowed]
                body = parts[0] if len(parts) == 1 else f"(or {' '.join(parts)})"
            if not cand.ante:
                return body
            premise = [eq(s, v, k) for s, v in cand.ante]
            premise_text = premise[0] if len(premise) == 1 else f"(and {' '.join(premise)})"
            return f"(=> {premise_text} {body})"

        lines = []
        for i, cand in enumerate(self.cands):
            lines.append(f"(declare-const a!{i} Bool)(declare-const v!{i} Bool)")
            lines.append(f"(assert (=> a!{i} {formula(cand, 0)}))")
            lines.append(f"(assert (=> v!{i} (not {formula(cand, 1)})))")
        if lines:
            self.solver.add(z3.parse_smt2_string("\n".join(lines), decls=names, ctx=self.ctx))
        self.lits = [z3.Bool(f"a!{i}", self.ctx) for i in range(len(self.cands))]
        self.false_lits = [z3.Bool(f"v!{i}", self.ctx) for i in range(len(self.cands))]

    # ---------------------------------------------------------------- evaluation

    def falsified(self, state: Sequence[int], alive: set[int]) -> list[int]:
        """The candidates of ``alive`` that are false in ``state``."""
        out = []
        cands = self.cands
        for slots in self.ante_slots:
            for i in self.by_ante.get(tuple((k, state[k]) for k in slots), ()):
                if i in alive and state[cands[i].element] not in cands[i].allowed:
                    out.append(i)
        return out

    def _successors(self, state: tuple[int, ...]) -> list[tuple[int, ...]]:
        fast = self.fast
        assert fast is not None
        try:
            return [fast.unpack(t) for _, t in fast.successors(fast.pack(state))]
        except semantics.EvaluationError:
            return []

    def _amplify(self, pre: tuple[int, ...], post: tuple[int, ...], alive: set[int]) -> None:
        """Drop from ``alive`` what is false in ``post`` and in the concrete successors of
        ``pre`` and of states found so that satisfy the shrinking conjunction."""
        alive.difference_update(self.falsified(post, alive))
        if not self.amplify:
            return
        seen = {pre, post}
        frontier = [pre, post]
        expanded = 0
        while frontier and expanded < self.amplify:
            state = frontier.pop(0)
            expanded += 1
            for nxt in self._successors(state):
                if nxt in seen:
                    continue
                seen.add(nxt)
                alive.difference_update(self.falsified(nxt, alive))
                frontier.append(nxt)
        self.concrete += expanded

    # ---------------------------------------------------------------- solving

    def check(self, assumptions: list[z3.BoolRef]) -> z3.CheckSatResult:
        if self.deadline is not None:
            remaining = self.deadline - time.perf_counter()
            if remaining <= 0:
                raise _Timeout
            self.solver.set("timeout", max(1, int(remaining * 1000)))
        t0 = time.perf_counter()
        result = self.solver.check(*assumptions)
        self.solver_s += time.perf_counter() - t0
        self.calls += 1
        if result == z3.unknown:
            why = self.solver.reason_unknown()
            if "timeout" in why or "canceled" in why or (
                    self.deadline is not None and time.perf_counter() >= self.deadline):
                raise _Timeout
            raise _Unknown(why)
        return result

    def _assume(self, alive: set[int]) -> list[z3.BoolRef]:
        return [self.lits[i] for i in sorted(alive)]

    def core(self) -> set[int]:
        return {self.index[lit.get_id()] for lit in self.solver.unsat_core()
                if lit.get_id() in self.index}

    def houdini(self, alive: set[int], max_rounds: int | None = None
                ) -> tuple[set[int] | None, int]:
        """The largest subset of ``alive`` that is inductive, and the number of rounds
        (None if it needs more than ``max_rounds`` counterexamples to induction)."""
        alive = set(alive)
        rounds = 0
        while alive:
            blocked = [self.not_false[i] for i in range(len(self.cands)) if i not in alive]
            if self.check(self._assume(alive) + blocked + [self.some_false, self.step]) == z3.unsat:
                break
            if max_rounds is not None and rounds >= max_rounds:
                return None, rounds
            rounds += 1
            zmodel = self.solver.model()
            pre = self.enc.decode_state(zmodel, 0)
            post = self.enc.decode_state(zmodel, 1)
            before = len(alive)
            self._amplify(pre, post, alive)
            if len(alive) == before:  # cannot happen: some candidate is false in s'
                raise _Unknown("Houdini: a counterexample to induction falsifies no candidate")
        return alive, rounds

    def safe(self, alive: set[int]) -> bool:
        """Whether the conjunction of ``alive`` (with Range) excludes every bad state."""
        return self.check(self._assume(alive) + [self.bad_lit]) == z3.unsat

    def _core(self, alive: set[int], goal: list[z3.BoolRef]) -> set[int]:
        """A subset of ``alive`` with which ``goal`` is still unsat (an unsat core).

        z3's ``core.minimize`` for the SAT back end is not used: it has returned sets
        that are not cores and left the solver answering wrongly afterwards."""
        if self.check(self._assume(alive) + goal) != z3.unsat:
            raise _Unknown("a core of a satisfiable query")
        return self.core()

    def closure(self, inv: set[int]) -> set[int]:
        """A subset of the inductive, safe ``inv`` that is still inductive and safe: the
        closure of the safety core (what Inv => not Bad needs) under supports (for a
        candidate c, what ``inv(s) and T(s, s') and not c(s')`` needs to be unsat)."""
        keep = self._core(inv, [self.bad_lit])
        work = sorted(keep, reverse=True)
        while work:
            target = work.pop()
            goal = [self.false_lits[target], self.step]
            # what is kept already often suffices: then nothing new is needed
            if self.check(self._assume(keep) + goal) == z3.unsat:
                continue
            for i in sorted(self._core(inv, goal)):
                if i not in keep:
                    keep.add(i)
                    work.append(i)
        return keep


# --------------------------------------------------------------------------- printing


def _show_atoms(model: Model, atoms: list) -> str:
    return " && ".join(pretty.show(a, model) for a in atoms)


def _merge(cands: Iterable[Candidate]) -> list[tuple[tuple[tuple[int, int], ...],
                                                  tuple[int, frozenset[int]] | None,
                                                  int, frozenset[int]]]:
    """Implications with the same consequent whose antecedents differ in the value of
    one element only, merged: ``(fixed literals, (element, its values) or None,
    consequent element, its values)``.  Largest groups first (a greedy cover)."""
    groups: dict[tuple, set[Candidate]] = {}
    for cand in cands:
        if not cand.ante:
            groups.setdefault(((), None, cand.element, cand.allowed), set()).add(cand)
            continue
        for j, (slot, _) in enumerate(cand.ante):
            fixed = cand.ante[:j] + cand.ante[j + 1:]
            groups.setdefault((fixed, slot, cand.element, cand.allowed), set()).add(cand)
    out = []
    done: set[Candidate] = set()
    for key in sorted(groups, key=lambda k: (-len(groups[k]), repr(k))):
        members = groups[key] - done
        if not members:
            continue
        done |= members
        fixed, slot, element, allowed = key
        if slot is None:
            out.append(((), None, element, allowed))
            continue
        values = frozenset(v for c in members for s, v in c.ante if s == slot)
        out.append((fixed, (slot, values), element, allowed))
    return out


def render(model: Model, cands: Iterable[Candidate]) -> tuple[Expr, str, int]:
    """The invariant as an IR expression, its text (one conjunct per line) and the
    number of conjuncts.  Implications that differ in one antecedent value are merged
    (``pc in {a, b} ==> x == v``), then those with the same antecedent
    (``pc == a ==> x == v && y in {u, w}``); every line is a conjunct of the expression."""
    by_premise: dict[tuple, dict[int, frozenset[int]]] = {}
    for fixed, varying, element, allowed in _merge(cands):
        premise = [(s, frozenset({v})) for s, v in fixed]
        if varying is not None:
            premise.append(varying)
        premise = [(s, vals) for s, vals in premise
                   if len(vals) < model.elements[s].sort.size]  # "c in everything"
        key = tuple(sorted(premise, key=lambda p: (p[0], sorted(p[1]))))
        body = by_premise.setdefault(key, {})
        body[element] = body.get(element, allowed) & allowed

    def premise_key(key: tuple) -> tuple:
        return (len(key), [(s, sorted(vals)) for s, vals in key])

    conjuncts: list[Expr] = []
    lines: list[str] = []
    for key in sorted(by_premise, key=premise_key):
        body = [pretty.atom(model, x, by_premise[key][x]) for x in sorted(by_premise[key])]
        if not key:
            for a in body:
                conjuncts.append(pretty.to_ir(a))
                lines.append(_show_atoms(model, [a]))
            continue
        premise = [pretty.atom(model, s, vals) for s, vals in key]
        conjuncts.append(ir.implies(ir.and_(*(pretty.to_ir(p) for p in premise)),
                                    ir.and_(*(pretty.to_ir(a) for a in body))))
        lines.append(f"{_show_atoms(model, premise)} ==> {_show_atoms(model, body)}")
    expr = ir.and_(*conjuncts) if conjuncts else ir.TRUE
    if not lines:
        lines = ["true"]
    return expr, "\n".join(lines), len(lines)


# --------------------------------------------------------------------------- engine


def reachable(model: Model, prop: Property, options: Options,
              fast: semantics.Compiled | None = None,
              ) -> tuple[EngineResult | None, list[tuple[int, ...]], dict[str, Any]]:
    """The reachable states by the explicit engine's search, or the verdict that ends the
    run (a counterexample, a timeout, an evaluation error)."""
    fast = fast or semantics.Compiled(model)
    run = explicit._search(model, fast, prop, options)
    info = {"states": len(run.parent), "search_s": run.time_s,
            "diameter": max(len(run.per_depth) - 1, 0)}
    if run.found is not None:
        init, path = explicit._path(run, run.found)
        trace = semantics.replay(model, prop, fast.unpack(init),
                                 [model.actions[a].name for a in path])
        return EngineResult(Violated(trace), info), [], info
    if run.stopped:
        reason = (f"timeout after {options.timeout_s} s while searching the reachable states"
                  if run.stopped == "timeout" else run.stopped)
        return EngineResult(Unknown(reason, bound=run.explored_depth), info), [], info
    unpack = fast.unpack
    return None, [unpack(s) for s in run.parent], info

def _minimise(model: Model, prop: Property, prover: _Prover, inv: set[int],
              deadline: float | None, budget_s: float) -> tuple[list[Candidate], dict[str, Any]]:
    """A small inductive invariant that excludes Bad, made of candidates of ``inv``.

    First the closure under unsat cores (what Inv => not Bad needs, then what the
    inductiveness of each needed candidate needs); then, in a solver of its own over
    those candidates only, a greedy pass within ``budget_s`` seconds: a candidate is
    dropped if the others, after a few rounds of Houdini at most, are still an
    invariant that excludes Bad.  The most specific candidates (longest antecedents)
    are tried first, so that general facts stay.
    """
    t0 = time.perf_counter()
    closure = prover.closure(inv)
    sizes = [len(closure)]
    sub = [prover.cands[i] for i in sorted(closure)]
    small = _Prover(model, prop, sub, deadline, prover.fast)
    keep = set(range(len(sub)))
    for _ in range(_CLOSURES):  # cores in a smaller solver are often smaller
        again = small.closure(keep)
        sizes.append(len(again))
        if len(again) >= len(keep):
            break
        keep = again
    info: dict[str, Any] = {"closures": sizes, "closure_s": time.perf_counter() - t0}
    stop = time.perf_counter() + budget_s
    if deadline is not None:
        stop = min(stop, deadline)
    order = sorted(keep, key=lambda i: (-len(sub[i].ante), len(sub[i].allowed), i))
    tried = 0
    for i in order:
        if time.perf_counter() >= stop:
            info["greedy"] = f"stopped after {tried} of {len(order)} (budget {budget_s} s)"
            break
        if i not in keep:
            continue
        tried += 1
        rest = keep - {i}
        if not small.safe(rest):
            continue
        smaller, _ = small.houdini(rest, max_rounds=_GREEDY_ROUNDS)
        if smaller is not None and small.safe(smaller):
            keep = smaller
    info.update(minimised=len(keep), minimise_s=time.perf_counter() - t0,
                minimise_calls=prover.calls + small.calls)
    return [sub[i] for i in sorted(keep)], info



def check(model: Model, prop: Property, options: Options = Options()) -> EngineResult:
    start = time.perf_counter()
    deadline = None if options.timeout_s is None else start + options.timeout_s
    stats: dict[str, Any] = {"engine": "houdini"}

    def done(outcome) -> EngineResult:
        stats["time_s"] = time.perf_counter() - start
        return EngineResult(outcome, stats)

    try:
        fast = semantics.Compiled(model)
    except semantics.EvaluationError as error:
        return done(Unknown(f"evaluation error: {error}"))
    ended, states, info = reachable(model, prop, options, fast)
    stats["reachable"] = info
    if ended is not None:
        if isinstance(ended.outcome, Violated):
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
            prover = _Prover(model, prop, cands, deadline, fast)
            inv, rounds = prover.houdini(set(range(len(cands))))
            entry.update(kept=len(inv), rounds=rounds, concrete_states=prover.concrete)
            if not prover.safe(inv):
                entry.update(safe=False, time_s=time.perf_counter() - t0,
                             solver_calls=prover.calls)
                continue
            final, info = _minimise(model, prop, prover, inv, deadline, MINIMISE_S)
            entry.update(safe=True, **info, solver_calls=prover.calls, solver_s=prover.solver_s,
                         time_s=time.perf_counter() - t0)
        except _Timeout:
            entry["time_s"] = time.perf_counter() - t0
            return done(Unknown(f"timeout after {options.timeout_s} s"))
        except _Unknown as error:
            entry.update(unknown=str(error), time_s=time.perf_counter() - t0)
            return done(Unknown(f"solver unknown: {error}"))
        return done(_certified(model, prop, final, stats, entry, options, start))
    return done(Unknown("no inductive invariant from the candidate templates"))


def _certified(model: Model, prop: Property, final: list[Candidate], stats: dict[str, Any],
               entry: dict[str, Any], options: Options, start: float):
    expr, text, lines = render(model, final)
    stats.update(level=entry["level"], candidates=entry["candidates"], kept=entry["kept"],
                 rounds=entry["rounds"], invariant_lines=lines,
                 invariant_candidates=len(final))
    enc = Encoding(model, "int")
    smt2 = invariant_smt2(enc, enc.expr(expr, 0))
    cert = Certificate(kind="invariant", text=text, smt2=smt2)
    remaining = None
    if options.timeout_s is not None:
        remaining = max(0.001, options.timeout_s - (time.perf_counter() - start))
    t0 = time.perf_counter()
    ok, message = check_certificate(model, prop, cert, timeout_s=remaining)  # as it travels
    if ok:
        ok, message = check_certificate(model, prop, cert, invariant_expr=expr,
                                        timeout_s=remaining)
        if not ok:
            message = f"the invariant as printed: {message}"
    stats["recheck_s"] = time.perf_counter() - t0
    if not ok:
        return Unknown(f"certificate failed re-check: {message}")
    return Proved("houdini", Certificate(kind="invariant", text=text, smt2=smt2, checked=True))
