"""The compiled machine (explorer.engines.explicit.kernel, through ``Machine``) agrees with
the reference semantics: the same successors in the same order, the same predicates,
errors where the reference raises."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings

from explorer import semantics as S
from explorer.engines.explicit.machine import Machine
from explorer.ir import BOOL, Action, Add, Const, IntSort, Model, Origin, StateVar, Update
from explorer.semantics.program import compile_model
from support.strategies import examples, models, read


def reference_bfs(model: Model) -> set:
    seen = set(S.initial_states(model))
    todo = list(seen)
    while todo:
        for _, nxt in S.successors(model, todo.pop()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _all_states(model: Model, limit: int = 600) -> list:
    """Every in-sort state if there are few, else the reachable ones."""
    sizes = 1
    for e in model.elements:
        sizes *= e.sort.size
    if sizes <= limit:
        return list(itertools.product(*[list(e.sort.values()) for e in model.elements]))
    return list(reference_bfs(model))


def assert_agree(model: Model) -> None:
    sites = [s for p in model.properties for s in p.sites]
    program = compile_model(model, [p.bad for p in model.properties] + [s.when for s in sites])
    machine = Machine(program)
    layout = program.layout
    for state in _all_states(model):
        packed = layout.pack(state)
        assert layout.unpack(packed) == state
        try:
            expected = S.successors(model, state)
        except S.EvaluationError:
            with pytest.raises(S.EvaluationError):
                machine.successors(packed)
            continue
        got = [(i, layout.unpack(t)) for i, t in machine.successors(packed)]
        assert got == expected, state  # the same successors, in the same (action) order
        for k, prop in enumerate(model.properties):
            try:
                assert machine.holds(k, packed) == S.is_bad(model, prop, state)
            except S.EvaluationError:
                pass  # the machine says "does not hold" where the reference raises
        for k, site in enumerate(sites, start=len(model.properties)):
            try:
                assert machine.holds(k, packed) == bool(S.evaluate(model, site.when, state))
            except S.EvaluationError:
                pass


@pytest.mark.parametrize("ex", examples(), ids=lambda e: e.model.name)
def test_machine_agrees_on_examples(ex):
    assert_agree(ex.model)


@settings(max_examples=150)
@given(models())
def test_machine_agrees_on_random_models(model):
    assert_agree(model)


def test_machine_packs_negative_ints():
    s = IntSort(-3, 2)
    model = Model("neg", (StateVar("x", s, None, ((-3, 2),)), StateVar("b", BOOL, None, ((1,),))),
                  (), ())
    layout = compile_model(model).layout
    assert sorted(layout.unpack(layout.pack(p)) for p in S.initial_states(model)) == [(-3, 1), (2, 1)]


def test_machine_raises_where_reference_raises():
    s = IntSort(0, 2)
    x = read("x", s)
    act = Action("inc", Const(BOOL, 1), (Update("x", None, Add(x, Const(s, 1), s)),),
                 Origin("t", None, (), "inc"))
    model = Model("overflow", (StateVar("x", s, None, ((0,),)),), (act,), ())
    machine = Machine(compile_model(model))
    layout = machine.program.layout
    assert [layout.unpack(t) for _, t in machine.successors(layout.pack((1,)))] == [(2,)]
    with pytest.raises(S.EvaluationError):
        S.successors(model, (2,))
    with pytest.raises(S.EvaluationError):
        machine.successors(layout.pack((2,)))


def test_machine_rejects_initial_values_out_of_sort():
    model = Model("bad_init", (StateVar("x", IntSort(0, 2), None, ((3,),)),), (), ())
    with pytest.raises(S.EvaluationError):
        compile_model(model)


def test_machine_agrees_on_bench_model():
    from bench_explicit import build_model

    model = build_model(2)
    assert len(reference_bfs(model)) == 4520
    assert_agree(model)
