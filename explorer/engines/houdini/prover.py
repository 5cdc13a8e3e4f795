"""Houdini in one z3 solver: the largest inductive subset of the candidates, and cores.

Bit-vectors and z3's incremental SAT back end over frames 0 and 1, with assumption
literals per candidate; counterexamples to induction are amplified on the concrete
semantics (see ``Prover``).
"""

from __future__ import annotations

import time
from typing import Sequence

import z3

from explorer import semantics
from explorer.engines.explicit.machine import Machine
from explorer.engines.houdini.candidates import Candidate
from explorer.ir import BoolSort, Model, Property
from explorer.smt.encoding import Encoding


class SolverTimeout(Exception):
    pass


class SolverUnknown(Exception):
    """The solver answered unknown (not a timeout)."""


class Prover:
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
                 deadline: float | None, fast: Machine | None = None,
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
            layout = fast.program.layout
            return [layout.unpack(t) for _, t in fast.successors(layout.pack(state))]
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
                raise SolverTimeout
            self.solver.set("timeout", max(1, int(remaining * 1000)))
        t0 = time.perf_counter()
        result = self.solver.check(*assumptions)
        self.solver_s += time.perf_counter() - t0
        self.calls += 1
        if result == z3.unknown:
            why = self.solver.reason_unknown()
            if "timeout" in why or "canceled" in why or (
                    self.deadline is not None and time.perf_counter() >= self.deadline):
                raise SolverTimeout
            raise SolverUnknown(why)
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
                raise SolverUnknown("Houdini: a counterexample to induction falsifies no candidate")
        return alive, rounds

    def safe(self, alive: set[int]) -> bool:
        """Whether the conjunction of ``alive`` (with Range) excludes every bad state."""
        return self.check(self._assume(alive) + [self.bad_lit]) == z3.unsat

    def _core(self, alive: set[int], goal: list[z3.BoolRef]) -> set[int]:
        """A subset of ``alive`` with which ``goal`` is still unsat (an unsat core).

        z3's ``core.minimize`` for the SAT back end is not used: it has returned sets
        that are not cores and left the solver answering wrongly afterwards."""
        if self.check(self._assume(alive) + goal) != z3.unsat:
            raise SolverUnknown("a core of a satisfiable query")
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
