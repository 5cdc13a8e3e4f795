"""Re-checking an exhaustive search: the states it found are exactly closed and good.

The set of states an explicit search found is an inductive invariant of the strongest
kind: it contains every initial state, it is closed under the transition relation, and
it holds no bad state.  All three are re-checked here with the *reference* semantics
(``explorer.semantics.reference``), independently of the compiled fast path the search
used; the states are unpacked with a layout built afresh from the model.
"""

from __future__ import annotations

import time
from typing import Collection

from explorer import semantics
from explorer.ir import Model, Property
from explorer.semantics.layout import Layout

CHECK_EVERY = 256
"""States re-checked between two looks at the clock."""


class RecheckTimeout(Exception):
    """The re-check did not finish before its deadline."""


def recheck_states(model: Model, prop: Property, packed: Collection[int],
                   deadline: float | None) -> str | None:
    """None if ``packed`` is closed and good for ``prop``, else what is wrong.

    Raises ``RecheckTimeout`` past ``deadline`` (a ``time.monotonic()`` value) and
    ``EvaluationError`` if the reference semantics cannot evaluate a state.
    """
    unpack = Layout(model).unpack
    states = {unpack(s) for s in packed}
    if len(states) != len(packed):
        return "two packed states unpack to the same state"
    for init in semantics.initial_states(model):
        if init not in states:
            return f"initial state {init} was not found"
    for count, state in enumerate(states):
        if deadline is not None and count % CHECK_EVERY == 0 and time.monotonic() > deadline:
            raise RecheckTimeout
        if semantics.is_bad(model, prop, state):
            return f"state {state} is bad"
        for number, nxt in semantics.successors(model, state):
            if nxt not in states:
                return f"successor of {state} by {model.actions[number].name} was not found"
    return None
