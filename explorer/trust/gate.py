"""The trust gate: the one place where an engine's claim becomes a verdict.

Every engine returns a claim with structured evidence (``explorer.engines.base``); only
``judge`` turns it into a verdict outcome, and only after checking it itself:

* a counterexample is replayed on the reference semantics (``explorer.semantics.replay``),
  which also builds the trace people read; a run that does not replay is not printed;
* an inductive invariant is re-checked with fresh z3 solvers over exact integers, in the
  readable form it is printed in (so the text a reviewer reads is what was proved), and
  as the engine's own SMT-LIB formula when there is one;
* a k-induction certificate is re-checked in another encoding than the engine's;
* an exhaustive search's states are re-checked by a third, vectorised implementation of
  the semantics (initial states in, closed under successors, no bad state); a search with
  partial-order reduction, each reduced state's stubborn set too (``trust.ample``).

Nothing an engine says about itself is read: a new engine goes through the same checks
whatever it does.  A check that fails or cannot finish gives ``Unknown``, never
``Proved``.  The gate knows nothing of printing; ``readable`` carries the checked
invariant for the report layer to print.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from explorer import semantics
from explorer.engines.base import (
    EngineResult, ExhaustiveCertificate, Found, InvariantCertificate, KInductionCertificate, Safe,
)
from explorer.ir import Model, Property
from explorer.ir.readable import Readable, clause_conjuncts, conjunction, conjuncts
from explorer.semantics.readable import simplify
from explorer.trust.certify import (
    check_invariant_expr, check_invariant_smt2, check_k_inductive, expr_smt2,
)
from explorer.trust.closure import RecheckTimeout, recheck_closure
from explorer.verdict import Certificate, HoldsUpTo, Outcome, Proved, Unknown, Violated


@dataclass(frozen=True)
class Judgement:
    """A checked outcome; for an invariant proof, the conjuncts that were checked."""

    outcome: Outcome
    readable: tuple[Readable, ...] | None = None
    stats: dict[str, Any] = field(default_factory=dict)


BUG = "(this is a bug)"
"""Said of every claim the gate refuses: an engine claimed what is not so."""


def judge(model: Model, prop: Property, result: EngineResult,
          timeout_s: float | None = None) -> Judgement:
    """The verdict outcome ``result`` supports, after checking it (see the module doc).
    Never raises: a check that cannot even run gives ``Unknown`` too."""
    try:
        return _judge(model, prop, result.outcome, timeout_s)
    except Exception as error:  # noqa: BLE001 - a claim the checks cannot read is refused
        first = (str(error).strip().splitlines() or [""])[0][:200]
        return Judgement(Unknown(f"internal error: the claim could not be checked: "
                                 f"{type(error).__name__}: {first} {BUG}"))


INTERRUPTED = ("interrupted from keyboard", "interrupted by user")
"""What z3 answers when Ctrl-C reaches it during a solver call."""


def _judge(model: Model, prop: Property, claim, timeout_s: float | None) -> Judgement:
    if isinstance(claim, Unknown) and any(words in claim.reason for words in INTERRUPTED):
        raise KeyboardInterrupt  # an interrupt ends the run; it is never a verdict
    if isinstance(claim, Found):
        return Judgement(_replayed(model, prop, claim))
    if isinstance(claim, Safe):
        return _proof(model, prop, claim, timeout_s)
    if isinstance(claim, (HoldsUpTo, Unknown)):
        return Judgement(claim)
    return Judgement(Unknown(f"internal error: an engine claimed {type(claim).__name__}, "
                             f"which is no claim {BUG}"))


def _replayed(model: Model, prop: Property, claim: Found) -> Outcome:
    run = claim.counterexample
    try:
        return Violated(semantics.replay(model, prop, run.init, run.actions))
    except semantics.ReplayError as error:
        return Unknown(f"internal error: a counterexample did not replay: {error} {BUG}")


def _proof(model: Model, prop: Property, claim: Safe, timeout_s: float | None) -> Judgement:
    certificate = claim.certificate
    if isinstance(certificate, ExhaustiveCertificate):
        return _exhaustive(model, prop, claim.method, certificate, timeout_s)
    if isinstance(certificate, KInductionCertificate):
        ok, message = check_k_inductive(model, prop, certificate.k, timeout_s)
        if not ok:
            return Judgement(_refused(claim.method, message))
        text = f"{prop.name} is {certificate.k}-inductive with simple paths"
        return Judgement(Proved(claim.method, Certificate("k-induction", text, certificate.k, True)))
    if isinstance(certificate, InvariantCertificate):
        return _invariant(model, prop, claim.method, certificate, timeout_s)
    return Judgement(Unknown(f"internal error: a proof by {claim.method} with a certificate "
                             f"of no known kind ({type(certificate).__name__}) {BUG}"))


def _exhaustive(model: Model, prop: Property, method: str, certificate: ExhaustiveCertificate,
                timeout_s: float | None) -> Judgement:
    start = time.monotonic()
    deadline = None if timeout_s is None else start + timeout_s
    timed_out = False
    try:
        problem = recheck_closure(model, prop, np.asarray(certificate.states), deadline,
                                  certificate.symmetries, certificate.ample, certificate.ample_sets)
    except ValueError as error:  # states that are not states of the model
        problem = str(error)
    except RecheckTimeout:
        problem, timed_out = None, True
    stats = {"recheck_s": time.monotonic() - start,
             "recheck": "timeout" if timed_out else problem or "passed"}
    if timed_out:
        return Judgement(Unknown(f"a proof by {method} was found but its certificate could "
                                 "not be re-checked"), stats=stats)
    if problem is not None:
        return Judgement(Unknown(f"internal error: the reference re-check failed: {problem} {BUG}"),
                         stats=stats)
    text = f"{len(certificate.states)} reachable states, diameter {certificate.diameter}"
    if certificate.symmetries:
        names = ", ".join(g.name for g in certificate.symmetries)
        text = f"{len(certificate.states)} reachable states up to symmetry ({names}), diameter {certificate.diameter}"
    if certificate.ample is not None:  # not every reachable state: the ones the reduced graph needs
        text = text.replace("reachable states", "states of a search with partial-order reduction", 1)
        text += f" ({int((np.asarray(certificate.ample) >= 0).sum())} expanded with stubborn sets, re-checked)"
    return Judgement(Proved(method, Certificate("exhaustive", text, checked=True)), stats=stats)


def _invariant(model: Model, prop: Property, method: str, certificate: InvariantCertificate,
               timeout_s: float | None) -> Judgement:
    start = time.monotonic()
    readable: tuple[Readable, ...] | None = None
    if certificate.clauses is not None:
        readable = clause_conjuncts(model, certificate.clauses)
    elif certificate.invariant is not None:
        readable = tuple(conjuncts(simplify(certificate.invariant, model)))
    if readable is None and not certificate.smt2:
        return Judgement(Unknown(f"internal error: a proof by {method} without an invariant {BUG}"))

    def remaining() -> float | None:
        return None if timeout_s is None else max(0.001, timeout_s - (time.monotonic() - start))

    ok, message = True, ""
    smt2 = certificate.smt2
    if certificate.smt2:  # the engine's own formula, as it travels
        ok, message = check_invariant_smt2(model, prop, certificate.smt2, remaining())
    if ok and readable is not None:
        printed = conjunction(readable)
        ok, message = check_invariant_expr(model, prop, printed, remaining())
        if not ok:
            message = f"the invariant as printed: {message}"
        smt2 = expr_smt2(model, printed)
    stats = {"recheck_s": time.monotonic() - start}
    if not ok:
        return Judgement(_refused(method, message), stats=stats)
    proved = Proved(method, Certificate("invariant", "", checked=True, smt2=smt2))
    return Judgement(proved, readable, stats)


def _refused(method: str, message: str) -> Unknown:
    """A certificate the re-check did not confirm: a bug, unless the solver gave up."""
    if "solver unknown" in message:
        return Unknown(f"a proof by {method} was found but its certificate could not be "
                       f"re-checked: {message}")
    return Unknown(f"internal error: the certificate of a proof by {method} failed its "
                   f"re-check: {message} {BUG}")
