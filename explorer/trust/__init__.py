"""Trust, but check, in one place: the gate (``gate.judge``) through which every engine's
claim passes before it is a verdict, and the independent checks it runs: certificates
re-checked with fresh solvers (``certify``), exhaustive searches re-checked with the
reference semantics (``exhaustive``), counterexamples replayed (``explorer.semantics``)."""

from explorer.trust.gate import Judgement, judge

__all__ = ["Judgement", "judge"]
