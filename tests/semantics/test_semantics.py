"""The concrete semantics: reference evaluator, replay, and the Compiled fast path."""

from __future__ import annotations

from collections import deque

import pytest


from support.strategies import (
    DATA,
    IDX,
    array_pointer,
    counter,
    examples,
    mutex,
    nondet_init,
    read,
    step_site,
)

from explorer import semantics as S
from explorer.ir import (
    BOOL,
    Action,
    Add,
    And,
    Const,
    IntSort,
    Ite,
    Model,
    Not,
    Or,
    Origin,
    StateVar,
    Update,
)


def reference_bfs(model: Model) -> dict:
    seen = {s: 0 for s in S.initial_states(model)}
    queue = deque(seen)
    while queue:
        state = queue.popleft()
        for _, nxt in S.successors(model, state):
            if nxt not in seen:
                seen[nxt] = seen[state] + 1
                queue.append(nxt)
    return seen


# --------------------------------------------------------------------------- reference


def test_initial_states_product():
    ex = nondet_init()
    assert sorted(S.initial_states(ex.model)) == [(2, 0), (2, 1), (3, 0), (3, 1)]


def test_evaluate_operators():
    s = IntSort(0, 5)
    model = Model("m", (StateVar("x", s, None, ((3,),)),), (), ())
    x = read("x", s)
    st = (3,)
    assert S.evaluate(model, Add(x, Const(s, 4), s), st) == 7  # plain ints
    assert S.evaluate(model, Not(Const(BOOL, 0)), st) == 1
    assert S.evaluate(model, And((Const(BOOL, 1), Const(BOOL, 0))), st) == 0
    assert S.evaluate(model, Or((Const(BOOL, 0), Const(BOOL, 1))), st) == 1
    assert S.evaluate(model, Ite(Const(BOOL, 0), x, Const(s, 1), s), st) == 1


def test_dynamic_index_and_out_of_range():
    ex = array_pointer()
    model = ex.model
    state = (0, 1, 0, 1)  # buf = [garbage, qemu, garbage], p = b
    assert S.evaluate(model, read("buf", DATA, read("p", IDX)), state) == 1
    with pytest.raises(S.EvaluationError):
        S.evaluate(model, read("buf", DATA, Const(IDX, 3)), state)


def test_apply_pre_state_and_later_wins():
    s = IntSort(0, 3)
    x, y = read("x", s), read("y", s)
    act = Action("swap", Const(BOOL, 1),
                 (Update("x", None, y), Update("y", None, x), Update("x", None, Const(s, 3))),
                 Origin("t", None, (), "swap"))
    model = Model("m", (StateVar("x", s, None, ((1,),)), StateVar("y", s, None, ((2,),))),
                  (act,), ())
    assert S.apply(model, act, (1, 2)) == (3, 1)


def test_apply_value_out_of_sort_is_error():
    ex = counter()
    with pytest.raises(S.EvaluationError):
        S.apply(ex.model, ex.model.action("inc"), (5,))


@pytest.mark.parametrize("ex", examples(), ids=lambda e: e.model.name)
def test_examples_reachable_counts(ex):
    seen = reference_bfs(ex.model)
    assert len(seen) == ex.states
    assert max(seen.values()) == ex.diameter


# --------------------------------------------------------------------------- replay


def test_replay_state_bad():
    ex = counter()
    prop = ex.model.property("x_le_3")
    trace = S.replay(ex.model, prop, (0,), ["inc"] * 4)
    assert trace.depth == 4
    assert trace.raw_states == ((0,), (1,), (2,), (3,), (4,))
    assert trace.states[-1] == (4,)
    assert trace.actions == ("inc",) * 4
    assert [s.index for s in trace.steps] == [1, 2, 3, 4]
    assert trace.steps[0].changes == (("x", "0", "1"),)
    assert trace.steps[-1].violation == "x_le_3 holds"
    assert all(s.violation is None for s in trace.steps[:-1])
    assert trace.steps[0].location == "test.kp:1:1"


def test_replay_step_site():
    ex = step_site()
    prop = ex.model.property("no_guest_save")
    trace = S.replay(ex.model, prop, (0, 0, 0), ["load_guest"])
    assert trace.depth == 2
    assert trace.actions == ("load_guest", "save")
    assert len(trace.states) == 2 and len(trace.raw_states) == 2
    assert trace.states[1] == ("L1", "guest", "qemu")
    last = trace.steps[-1]
    assert last.action == "save" and last.changes == ()
    assert last.violation == "save while regs == guest"
    # pc is hidden: not among the changes
    assert trace.steps[0].changes == (("regs", "qemu", "guest"),)
    assert [e.hidden for e in trace.elements] == [True, False, False]


def test_replay_elements_and_display():
    ex = mutex()
    prop = ex.model.property("mutual_exclusion")
    elements = S.trace_elements(ex.model)
    assert [(e.name, e.var, e.key) for e in elements] == [
        ("pc[p0]", "pc", "p0"), ("pc[p1]", "pc", "p1"), ("lock", "lock", None)]
    broken = mutex(broken=True).model
    trace = S.replay(broken, broken.property("mutual_exclusion"), (0, 0, 0),
                     ["p0_want", "p1_want", "p0_acquire", "p1_acquire"])
    assert trace.states[-1] == ("crit", "crit", True)
    assert trace.steps[2].changes == (("lock", "false", "true"),)
    with pytest.raises(S.ReplayError):  # the correct mutex does not allow it
        S.replay(ex.model, prop, (0, 0, 0), ["p0_want", "p1_want", "p0_acquire", "p1_acquire"])


def test_replay_initial_bad():
    ex = nondet_init()
    trace = S.replay(ex.model, ex.model.property("y_false"), (3, 1), [])
    assert trace.depth == 0 and trace.raw_states == ((3, 1),) and trace.states == ((3, True),)


def test_replay_rejects_wrong_traces():
    ex = counter()
    prop = ex.model.property("x_le_3")
    with pytest.raises(S.ReplayError, match="not an initial state"):
        S.replay(ex.model, prop, (1,), ["inc"] * 3)
    with pytest.raises(S.ReplayError, match="not enabled"):
        S.replay(ex.model, prop, (0,), ["inc", "never", "inc", "inc"])
    with pytest.raises(S.ReplayError, match="not bad"):
        S.replay(ex.model, prop, (0,), ["inc"] * 3)
    with pytest.raises(S.ReplayError, match="no action"):
        S.replay(ex.model, prop, (0,), ["inc", "jump"])
    with pytest.raises(S.ReplayError):
        S.replay(ex.model, prop, (0, 0), ["inc"] * 4)
    site = step_site()
    with pytest.raises(S.ReplayError, match="not bad"):
        # the site action must not be given: the run stops before it
        S.replay(site.model, site.model.property("no_guest_save"), (0, 0, 0),
                 ["load_guest", "save"])


# --------------------------------------------------------------------------- fast path

import itertools

from hypothesis import HealthCheck, given, settings

from support.strategies import models


def _all_states(model: Model, limit: int = 600) -> list:
    """Every in-sort state if there are few, else the reachable ones."""
    sizes = 1
    for e in model.elements:
        sizes *= e.sort.size
    if sizes <= limit:
        return list(itertools.product(*[list(e.sort.values()) for e in model.elements]))
    return list(reference_bfs(model))


def assert_agree(model: Model) -> None:
    fast = S.Compiled(model)
    assert sorted(fast.initial()) == sorted(fast.pack(s) for s in S.initial_states(model))
    bads = [(p, fast.bad(p)) for p in model.properties]
    sites = [(s, fast.predicate(s.when)) for p in model.properties for s in p.sites]
    for state in _all_states(model):
        packed = fast.pack(state)
        assert fast.unpack(packed) == state
        try:
            expected = sorted(S.successors(model, state))
        except S.EvaluationError:
            with pytest.raises(S.EvaluationError):
                fast.successors(packed)
            continue
        got = sorted((i, fast.unpack(t)) for i, t in fast.successors(packed))
        assert got == expected, state
        for prop, bad in bads:
            assert bad(packed) == S.is_bad(model, prop, state)
        for site, when in sites:
            assert when(packed) == bool(S.evaluate(model, site.when, state))


@pytest.mark.parametrize("ex", examples(), ids=lambda e: e.model.name)
def test_compiled_agrees_on_examples(ex):
    assert_agree(ex.model)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models())
def test_compiled_agrees_on_random_models(model):
    assert_agree(model)


def test_compiled_packs_negative_ints():
    s = IntSort(-3, 2)
    model = Model("neg", (StateVar("x", s, None, ((-3, 2),)), StateVar("b", BOOL, None, ((1,),))),
                  (), ())
    fast = S.Compiled(model)
    assert sorted(fast.unpack(p) for p in fast.initial()) == [(-3, 1), (2, 1)]


def test_compiled_raises_where_reference_raises():
    s = IntSort(0, 2)
    x = read("x", s)
    act = Action("inc", Const(BOOL, 1), (Update("x", None, Add(x, Const(s, 1), s)),),
                 Origin("t", None, (), "inc"))
    model = Model("overflow", (StateVar("x", s, None, ((0,),)),), (act,), ())
    fast = S.Compiled(model)
    assert [fast.unpack(t) for _, t in fast.successors(fast.pack((1,)))] == [(2,)]
    with pytest.raises(S.EvaluationError):
        S.successors(model, (2,))
    with pytest.raises(S.EvaluationError):
        fast.successors(fast.pack((2,)))


def test_compiled_rejects_initial_values_out_of_sort():
    model = Model("bad_init", (StateVar("x", IntSort(0, 2), None, ((3,),)),), (), ())
    with pytest.raises(S.EvaluationError):
        S.Compiled(model)


def test_compiled_agrees_on_bench_model():
    from bench_explicit import build_model

    model = build_model(2)
    assert len(reference_bfs(model)) == 4520
    assert_agree(model)
