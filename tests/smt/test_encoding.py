"""explorer.smt: IR -> z3 agrees with the concrete semantics; decoding; z3 -> IR."""

from __future__ import annotations


import pytest
import z3


from support.smt_models import counter_noise, token_ring
from support.strategies import examples

from explorer import ir
from explorer import semantics
from explorer.smt import EncodeError, Encoding

MODES = [("int", "onehot"), ("int", "binary"), ("bv", "onehot"), ("bv", "binary")]


def reachable(model, limit=200):
    seen = list(semantics.initial_states(model))
    frontier = list(seen)
    while frontier and len(seen) < limit:
        state = frontier.pop()
        for _, nxt in semantics.successors(model, state):
            if nxt not in seen:
                seen.append(nxt)
                frontier.append(nxt)
    return seen


def pin(enc, state, k):
    return [c == enc.value(e.sort, v) for c, e, v in zip(enc.state(k), enc.elements, state)]


@pytest.mark.parametrize("sorts,selector", MODES)
def test_expressions_agree_with_semantics(sorts, selector):
    for ex in examples():
        model = ex.model
        enc = Encoding(model, sorts, selector=selector)
        exprs = [p.bad for p in model.properties] + [a.guard for a in model.actions]
        for state in reachable(model):
            solver = z3.Solver()
            solver.add(*pin(enc, state, 0))
            assert solver.check() == z3.sat
            zm = solver.model()
            for expr in exprs:
                got = zm.eval(enc.expr(expr, 0), model_completion=True)
                assert z3.is_true(got) == bool(semantics.evaluate(model, expr, state))


@pytest.mark.parametrize("sorts,selector", MODES)
def test_transition_is_the_successor_relation(sorts, selector):
    for ex in examples():
        model = ex.model
        enc = Encoding(model, sorts, selector=selector)
        for state in reachable(model):
            solver = z3.Solver()
            solver.add(*pin(enc, state, 0), enc.trans(0))
            found = set()
            while solver.check() == z3.sat:
                zm = solver.model()
                nxt = enc.decode_state(zm, 1)
                found.add((enc.decode_action(zm, 0), nxt))
                solver.add(z3.Not(z3.And(pin(enc, nxt, 1) + [enc.took(enc.decode_action(zm, 0), 0)])))
            expected = {(model.actions[i].name, s) for i, s in semantics.successors(model, state)}
            assert found == expected, (model.name, state)


def test_trans_is_shifted_per_frame_and_decodes_a_path():
    model = counter_noise()
    enc = Encoding(model, "bv")
    solver = z3.Solver()
    solver.add(enc.init(0), *[enc.trans(k) for k in range(7)], enc.bad(model.properties[0], 7))
    assert solver.check() == z3.sat
    init, actions = enc.decode_path(solver.model(), 7)
    trace = semantics.replay(model, model.properties[0], init, actions)
    for k, state in enumerate(trace.raw_states):
        assert enc.decode_state(solver.model(), k) == state
    assert str(enc.const(model.slot("x", None), 3)) == "x@3"


def test_dynamic_index_read_and_write():
    ex = [e for e in examples() if e.model.name == "array_pointer"][0]
    enc = Encoding(ex.model, "int")
    buf = ex.model.var("buf")
    p = ir.Read("p", None, buf.index)
    solver = z3.Solver()
    solver.add(enc.ranges(0), enc.expr(ir.eq(ir.Read("buf", p, buf.sort), ir.Const(buf.sort, 2)), 0))
    solver.add(enc.expr(ir.eq(p, ir.Const(buf.index, 1)), 0))
    assert solver.check() == z3.sat
    assert enc.decode_state(solver.model(), 0)[ex.model.slot("buf", 1)] == 2


def test_out_of_range_step_is_not_a_step():
    s = ir.IntSort(0, 3)
    x = ir.Read("x", None, s)
    model = ir.Model("overflow", (ir.StateVar("x", s, None, ((3,),)),),
                     (ir.Action("inc", ir.TRUE, (ir.Update("x", None, ir.Add(x, ir.Const(s, 1), s)),),
                                ir.Origin("t", None, (), "inc")),), ())
    for sorts in ("int", "bv"):
        enc = Encoding(model, sorts)
        solver = z3.Solver()
        solver.add(enc.init(0), enc.trans(0))
        assert solver.check() == z3.unsat


def test_z3_back_to_ir_round_trip():
    model = token_ring()
    enc = Encoding(model, "int")
    st0, st1, st2, tok = enc.state(0)
    formulas = [
        z3.And(z3.Or(st0 == 0, tok == 0), z3.Not(tok >= 2)),
        st0 + -1 * tok <= 0,
        z3.Implies(tok > 1, st1 < st2),
        z3.Distinct(st0, st1, tok),
        2 * st0 - tok >= -1,
        z3.If(st0 == 1, tok == 1, tok == 2),
    ]
    for formula in formulas:
        back = enc.expr(enc.to_ir(formula), 0)
        solver = z3.Solver()
        solver.add(enc.ranges(0), back != formula)
        assert solver.check() == z3.unsat, formula
    with pytest.raises(EncodeError):
        enc.to_ir(st0 * tok >= 1)
