"""The concrete semantics of the IR, in three separate parts.

* ``reference``: a plain evaluator (``evaluate``, ``enabled``, ``apply``, ``successors``,
  ``is_bad``), written to be obviously right; replay and the independent re-checks use it;
* ``replay``: a run re-executed on the reference semantics, and its trace;
* ``compiled`` (with ``layout``, ``closures``, ``updates``): the fast path for exhaustive
  search, on packed states; it must agree with the reference.

It knows nothing of z3 nor of the spec language.
"""

from explorer.semantics.compiled import Compiled
from explorer.semantics.layout import Layout, PackedState
from explorer.semantics.reference import (
    EvaluationError, State, apply, enabled, evaluate, initial_states, is_bad, successors,
)
from explorer.semantics.replay import (
    ReplayError, display, display_state, replay, state_dict, trace_elements,
)

__all__ = [
    "Compiled", "Layout", "PackedState", "EvaluationError", "State", "apply", "enabled",
    "evaluate", "initial_states", "is_bad", "successors", "ReplayError", "display",
    "display_state", "replay", "state_dict", "trace_elements",
]
