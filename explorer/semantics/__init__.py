"""The concrete semantics of the IR.

* ``reference``: a plain evaluator (``evaluate``, ``enabled``, ``apply``, ``successors``,
  ``is_bad``), written to be obviously right; replay and the independent re-checks use it;
* ``replay``: a run re-executed on the reference semantics, and its trace;
* ``program``: the model compiled to tables and bytecode for the compiled search
  (``explorer.engines.explicit.kernel`` runs it), which must agree with the reference;
* ``readable``: invariants rewritten element by element for reading.

It knows nothing of z3 nor of the spec language.
"""

from explorer.semantics.reference import (
    EvaluationError, State, apply, enabled, evaluate, initial_states, is_bad, successors,
)
from explorer.semantics.replay import (
    ReplayError, display, display_state, replay, state_dict, trace_elements,
)

__all__ = [
    "EvaluationError", "State", "apply", "enabled", "evaluate", "initial_states", "is_bad",
    "successors", "ReplayError", "display", "display_state", "replay", "state_dict",
    "trace_elements",
]
