"""Every SMT engine against an explicit breadth-first search, on random models.

Disagreement is a bug: the shortest counterexample depth from BFS over the concrete
semantics must be what bmc and k-induction report (and what pdr's bmc fallback reports),
and a property BFS finds unreachable must be proved by k-induction and pdr, with
certificates that re-check.
"""

from __future__ import annotations


from hypothesis import HealthCheck, given, settings


from support.strategies import models

from explorer import semantics
from explorer.engines import Options, bmc, kinduction, pdr
from explorer.verdict import HoldsUpTo, Proved, Violated
from support.gate import checked


def shortest(model, prop):
    """Shortest Trace.depth of a violation by BFS, or None; and the number of states."""
    frontier = list(semantics.initial_states(model))
    seen = set(frontier)
    depth = 0
    while frontier:
        best = None
        for state in frontier:
            if semantics.is_bad(model, prop, state):
                site_only = not semantics.evaluate(model, prop.state_bad, state)
                best = depth + 1 if site_only else depth
                if not site_only:
                    return depth, len(seen)
        if best is not None:
            # a step-site violation from this layer; a state violation one layer deeper
            # has the same trace depth
            return best, len(seen)
        nxt = []
        for state in frontier:
            for _, new in semantics.successors(model, state):
                if new not in seen:
                    seen.add(new)
                    nxt.append(new)
        frontier = nxt
        depth += 1
    return None, len(seen)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(models())
def test_engines_agree_with_bfs(model):
    for prop in model.properties:
        expected, states = shortest(model, prop)
        bound = states + 1
        got_bmc = checked(bmc.check, model, prop, Options(bound=bound)).outcome
        # simple paths of the step case range over all in-range states, not the reachable
        space = 1
        for element in model.elements:
            space *= element.sort.size
        kbound = min(space + 1, 40)
        got_kind = checked(kinduction.check, model, prop, Options(bound=kbound)).outcome
        got_pdr = checked(pdr.check, model, prop, Options(bound=bound)).outcome
        if expected is None:
            assert got_bmc == HoldsUpTo(bound)
            if kbound > space:
                assert isinstance(got_kind, Proved), got_kind
            else:
                assert isinstance(got_kind, (Proved, HoldsUpTo)), got_kind
            if isinstance(got_kind, Proved):
                assert got_kind.certificate.checked
            assert isinstance(got_pdr, Proved) and got_pdr.certificate.checked
        else:
            for got in (got_bmc, got_kind, got_pdr):
                assert isinstance(got, Violated), got
                assert got.depth == expected
