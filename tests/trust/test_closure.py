"""The gate's closure re-check, on generated models: it accepts the reachable states of a
model whose property holds, and refuses that set with any one state taken out (every
reachable state is initial or the successor of another reachable state, so a set without
it is not closed).  This is what makes the dispatch of actions by guard literal safe: an
action skipped on a row where it is enabled would let a missing successor through."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings, strategies as st

from explorer.trust.closure import recheck_closure
from support.strategies import models
from test_gate import _reachable


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models(), st.data())
def test_closure_accepts_the_reachable_set_and_refuses_it_with_a_state_missing(model, data):
    states = _reachable(model)
    prop = model.properties[0]
    verdict = recheck_closure(model, prop, states, None)
    if verdict is not None and "is bad" in verdict:
        return  # the property fails: there is no closure to accept
    assert verdict is None, verdict
    dropped = data.draw(st.integers(0, len(states) - 1))
    rest = np.delete(states, dropped, axis=0)
    if not len(rest):
        return
    verdict = recheck_closure(model, prop, rest, None)
    assert verdict is not None and ("was not found" in verdict), verdict
