"""The concrete semantics: the reference evaluator and replay."""

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



