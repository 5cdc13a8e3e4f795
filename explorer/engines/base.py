"""What every engine takes and gives back: ``Options`` in, an ``EngineResult`` out.

An engine is a function ``check(model, prop, options) -> EngineResult``.  It never builds
a verdict: its outcome is a *claim* with structured evidence, and the trust gate
(``explorer.trust.gate``) turns it into a verdict only after checking it:

* ``Found(Counterexample)``: a run from an initial state to a bad state (or to an enabled
  forbidden step), as an initial state and the names of the actions taken; the gate
  replays it on the reference semantics, which also builds the trace people read;
* ``Safe(method, certificate)``: the property holds in every reachable state, with an
  ``InvariantCertificate`` (an inductive invariant as IR), a ``KInductionCertificate``
  (k) or an ``ExhaustiveCertificate`` (the reachable states); the gate re-checks it in an
  encoding of its own;
* ``HoldsUpTo(bound)`` and ``Unknown(reason)``: plain facts, taken as they are.

Engines never print and never import the spec printer: what a person reads is made from
this evidence by the report layer.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol, Union

from explorer.ir import Expr, Model, Property
from explorer.ir.readable import Clause
from explorer.ir.symmetry import Permutation
from explorer.verdict import HoldsUpTo, Unknown


@dataclass(frozen=True)
class Options:
    """What the user asked of an engine run."""

    bound: int = 20
    timeout_s: float | None = None
    seed: int = 0
    progress: Callable[[dict[str, Any]], None] | None = None
    """Called now and then by long runs with figures (states, rate, depth); never prints."""
    memory_bytes: int | None = None
    """What an exhaustive search may allocate for its states (None: no limit); past it the
    search stops with ``unknown (memory …)`` instead of the machine killing the process."""
    reduction: str = "symmetry"
    """How an exhaustive search reduces the states it stores: ``symmetry`` (one state per
    orbit of interchangeable tasks and CPUs), ``por`` (partial-order reduction: a state
    expands a stubborn set of its actions), ``all`` (both) or ``none``."""


@dataclass(frozen=True)
class Counterexample:
    """A run the engine claims ends in a bad state: ``init`` is an initial state (one int
    per element), ``actions`` the actions taken (not a final forbidden step, which the
    replay finds among the property's step sites)."""

    init: tuple[int, ...]
    actions: tuple[str, ...]


@dataclass(frozen=True)
class InvariantCertificate:
    """An inductive invariant that excludes every bad state.

    ``invariant`` is the IR expression over the model's elements (None when the engine's
    formula has no IR form); ``clauses``, when the engine has them, the same invariant as
    clauses (``invariant`` is their conjunction); ``smt2`` the engine's own formula as
    SMT-LIB text (``explorer.smt.smt2``), checked as well when present."""

    invariant: Expr | None
    clauses: tuple[Clause, ...] | None = None
    smt2: str = ""


@dataclass(frozen=True)
class KInductionCertificate:
    """The property is ``k``-inductive with simple paths."""

    k: int


@dataclass(frozen=True)
class ExhaustiveCertificate:
    """The reachable states, found exhaustively: one row of 64-bit words per state, packed
    as ``explorer.semantics.program.WordLayout`` packs them, with the search's diameter."""

    states: Any
    """A ``numpy`` array of shape (states, words)."""
    diameter: int
    symmetries: tuple[Permutation, ...] = ()
    """Generators of a group of automorphisms of the model and the property up to which
    the states were stored: each stored state stands for its orbit (none: no reduction)."""
    ample: Any = None
    """With partial-order reduction: per state, the index in ``ample_sets`` of the
    stubborn set whose enabled actions alone it was expanded with (-1: expanded fully);
    None when every state was expanded fully."""
    ample_sets: tuple[tuple[int, ...], ...] = ()
    """The stubborn sets, as the indices of their actions (enabled or not) in the model."""


Certificate = Union[InvariantCertificate, KInductionCertificate, ExhaustiveCertificate]


@dataclass(frozen=True)
class Found:
    counterexample: Counterexample


@dataclass(frozen=True)
class Safe:
    method: str
    certificate: Certificate


Claim = Union[Found, Safe, HoldsUpTo, Unknown]


@dataclass(frozen=True)
class EngineResult:
    outcome: Claim
    stats: dict[str, Any] = field(default_factory=dict)


class Engine(Protocol):
    def __call__(self, model: Model, prop: Property, options: Options) -> EngineResult: ...


class Deadline:
    """The end of an engine's time budget (``None``: no budget)."""

    def __init__(self, timeout_s: float | None):
        self.start = time.perf_counter()
        self.end = None if timeout_s is None else self.start + timeout_s

    def remaining_s(self) -> float | None:
        if self.end is None:
            return None
        return max(0.001, self.end - time.perf_counter())

    def remaining_ms(self) -> int | None:
        if self.end is None:
            return None
        return max(1, int((self.end - time.perf_counter()) * 1000))

    def expired(self) -> bool:
        return self.end is not None and time.perf_counter() >= self.end

    def elapsed(self) -> float:
        return time.perf_counter() - self.start
