"""The engines: each takes (Model, Property, Options) and returns an EngineResult.

Engines share the z3 encoding (``explorer.encode``) and the concrete semantics
(``explorer.semantics``); they never print.  A counterexample is built only through
``semantics.replay``, which re-executes it on the concrete semantics and refuses a trace
that does not run, so no engine can hand back a trace that is not a real run.  A proof
carries a certificate that ``explorer.certify`` re-checks with a fresh solver before the
verdict says "proved".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from explorer.verdict import Outcome


@dataclass(frozen=True)
class Options:
    """What the user asked of an engine run."""

    bound: int = 20
    timeout_s: float | None = None
    seed: int = 0
    progress: Callable[[dict[str, Any]], None] | None = None
    """Called now and then by long runs with figures (states, rate, depth); never prints."""


@dataclass(frozen=True)
class EngineResult:
    outcome: Outcome
    stats: dict[str, Any] = field(default_factory=dict)
