"""The explicit engine: exact counts, shortest counterexamples, statistics, timeouts."""

from __future__ import annotations

from collections import deque

import pytest
from hypothesis import HealthCheck, given, settings


from support.strategies import (
    counter,
    examples,
    models,
    mutex,
    step_site,
)

from explorer import semantics as S
from explorer.engines import Options
from explorer.engines import explicit
from explorer.ir import (
    BOOL,
    FALSE,
    Action,
    Const,
    IntSort,
    Model,
    Origin,
    Property,
    Read,
    StateVar,
    StepSite,
    Update,
    and_,
    eq,
)
from explorer.verdict import Proved, Unknown, Violated
from support.gate import checked
from explorer.engines.base import Safe
from explorer.engines.explicit import bfs
from explorer.trust import closure, gate


def reference_shortest(model, prop):
    """(reachable states, shortest counterexample depth or None) by reference BFS."""
    depth = {}
    queue = deque()
    for s in S.initial_states(model):
        if s not in depth:
            depth[s] = 0
            queue.append(s)
    best = None
    while queue:
        s = queue.popleft()
        if S.is_bad(model, prop, s):
            d = depth[s] + (0 if S.evaluate(model, prop.state_bad, s) else 1)
            best = d if best is None else min(best, d)
        for _, t in S.successors(model, s):
            if t not in depth:
                depth[t] = depth[s] + 1
                queue.append(t)
    return len(depth), best


@pytest.mark.parametrize("ex", examples(), ids=lambda e: e.model.name)
def test_examples(ex):
    result = explicit.explore(ex.model)
    assert result.complete
    assert result.states == ex.states
    assert result.diameter == ex.diameter
    assert sum(result.states_per_depth) == ex.states
    assert result.deadlocks == ex.deadlocks
    assert result.actions_never_enabled == ex.never_enabled
    for prop in ex.model.properties:
        out = checked(explicit.check, ex.model, prop, Options())
        expected = ex.depths[prop.name]
        if expected is None:
            assert isinstance(out.outcome, Proved), out.outcome
            cert = out.outcome.certificate
            assert cert.kind == "exhaustive" and cert.checked
            assert cert.text == f"{ex.states} reachable states, diameter {ex.diameter}"
            assert out.stats["recheck"] == "passed" and out.stats["recheck_s"] is not None
            assert out.stats["complete"]
        else:
            assert isinstance(out.outcome, Violated), out.outcome
            assert out.outcome.depth == expected


def test_counter_trace_and_stats():
    ex = counter()
    out = checked(explicit.check, ex.model, ex.model.property("x_le_3"), Options(bound=1))
    trace = out.outcome.trace  # bound is no limit for the explicit engine
    assert trace.actions == ("inc",) * 4
    assert trace.steps[-1].violation == "x_le_3 holds"
    result = explicit.explore(ex.model)
    assert result.states_per_depth == (1, 1, 1, 1, 1, 1)
    assert result.deadlock_examples == ({"x": 5},)
    assert result.transitions == 5
    vac = {p.name: p for p in result.properties}
    assert vac["x_le_3"].bad_reachable and not vac["x_ge_0"].bad_reachable


def test_step_site_counterexample_and_vacuity():
    ex = step_site()
    out = checked(explicit.check, ex.model, ex.model.property("no_guest_save"), Options())
    trace = out.outcome.trace
    assert trace.depth == 2 and trace.actions == ("load_guest", "save")
    assert trace.steps[-1].violation == "save while regs == guest"
    result = explicit.explore(ex.model)
    vac = {p.name: p for p in result.properties}
    assert vac["no_guest_save"].sites_never_enabled == ()
    assert vac["no_guest_save"].bad_reachable


def test_site_never_enabled_is_reported():
    ex = mutex()
    result = explicit.explore(ex.model)
    assert [p.bad_reachable for p in result.properties] == [False]
    s = IntSort(0, 2)
    x = Read("x", None, s)
    act = Action("inc", eq(x, Const(s, 0)), (Update("x", None, Const(s, 1)),),
                 Origin("t", None, (), "inc"))
    when = and_(eq(x, Const(s, 0)), eq(x, Const(s, 2)))
    prop = Property("p", "invariant", "", when, FALSE, (StepSite("inc", when, "never"),))
    model = Model("m", (StateVar("x", s, None, ((0,),)),), (act,), (prop,))
    result = explicit.explore(model)
    assert result.properties[0].sites_never_enabled == ("inc: never",)
    out = checked(explicit.check, model, prop, Options())
    assert isinstance(out.outcome, Proved)
    # a check evaluates only its own property; vacuity is explore's (the vacuity job's)
    assert out.stats["properties"] == ()


def _big_model(n: int = 18) -> Model:
    """n independent booleans that can be set: 2**n states."""
    variables = tuple(StateVar(f"b{i}", BOOL, None, ((0,),)) for i in range(n))
    actions = tuple(
        Action(f"set{i}", eq(Read(f"b{i}", None, BOOL), Const(BOOL, 0)),
               (Update(f"b{i}", None, Const(BOOL, 1)),), Origin("t", None, (), f"set{i}"))
        for i in range(n)
    )
    bad = and_(*[eq(Read(f"b{i}", None, BOOL), Const(BOOL, 1)) for i in range(n)])
    prop = Property("not_all", "invariant", "", bad, bad)
    return Model("bits", variables, actions, (prop,))


def test_timeout_and_progress():
    model = _big_model(18)
    seen = []
    out = checked(explicit.check, model, model.properties[0],
                         Options(timeout_s=0.3, progress=seen.append))
    assert isinstance(out.outcome, Unknown)
    assert out.outcome.reason.startswith("timeout after")
    assert 0 < out.outcome.bound < 18
    assert not out.stats["complete"] and out.stats["stopped"] == "timeout"
    assert seen == [] or set(seen[0]) == {"states", "states_per_s", "depth"}


def test_progress_is_called(monkeypatch):
    monkeypatch.setattr(bfs, "PROGRESS_EVERY_S", 0.0)
    monkeypatch.setattr(bfs, "BUDGET", 100)
    model = _big_model(12)
    seen = []
    result = explicit.explore(model, Options(progress=seen.append))
    assert result.states == 2 ** 12
    assert seen and all(set(r) == {"states", "states_per_s", "depth"} for r in seen)
    assert seen[-1]["states"] <= result.states


def test_result_is_plain_data():
    import json

    ex = counter()
    out = checked(explicit.check, ex.model, ex.model.property("x_ge_0"), Options())
    json.dumps(out.stats)
    json.dumps(explicit.explore(ex.model).to_dict())


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models())
def test_agrees_with_reference_bfs(model):
    result = explicit.explore(model)
    for prop in model.properties:
        states, depth = reference_shortest(model, prop)
        assert result.states == states
        out = checked(explicit.check, model, prop, Options())
        if depth is None:
            assert isinstance(out.outcome, Proved) and out.outcome.certificate.checked
        else:
            assert isinstance(out.outcome, Violated)
            assert out.outcome.depth == depth


def test_recheck_catches_a_wrong_fast_path(monkeypatch):
    ex = mutex()
    original = bfs.compile_model

    def broken(model, predicates=()):
        program = original(model, predicates)
        program.bucket_actions[program.bucket_actions == 0] = 1  # p0_want: never tried
        return program

    monkeypatch.setattr(bfs, "compile_model", broken)
    out = checked(explicit.check, ex.model, ex.model.property("mutual_exclusion"), Options())
    assert isinstance(out.outcome, Unknown)
    assert "re-check failed" in out.outcome.reason


def test_recheck_timeout_leaves_proof_unchecked(monkeypatch):
    ex = mutex()

    def slow(*args):
        raise closure.RecheckTimeout

    monkeypatch.setattr(gate, "recheck_closure", slow)
    out = checked(explicit.check, ex.model, ex.model.property("mutual_exclusion"), Options(timeout_s=60))
    # an exhaustive search whose re-check did not finish is not reported as proved
    assert isinstance(out.outcome, Unknown) and "could not be re-checked" in out.outcome.reason
    assert isinstance(out.claim, Safe)
    assert out.stats["recheck"] == "timeout"


def test_evaluation_error_is_unknown():
    from explorer.ir import Add

    s = IntSort(0, 2)
    x = Read("x", None, s)
    act = Action("inc", Const(BOOL, 1), (Update("x", None, Add(x, Const(s, 1), s)),),
                 Origin("t", None, (), "inc"))
    bad = eq(x, Const(s, 3))
    prop = Property("p", "invariant", "", bad, bad)
    model = Model("overflow", (StateVar("x", s, None, ((0,),)),), (act,), (prop,))
    out = checked(explicit.check, model, prop, Options())
    assert isinstance(out.outcome, Unknown)
    assert out.outcome.reason.startswith("evaluation error")
    assert not explicit.explore(model).complete
