"""explorer.certify: certificates re-checked with fresh solvers; wrong ones rejected."""

from __future__ import annotations


import z3


from support.smt_models import token_ring
from support.strategies import PC, c, examples, read

from explorer import ir
from explorer.smt.smt2 import invariant_smt2, parse_invariant
from explorer.trust.certify import check_invariant_expr, check_invariant_smt2, check_k_inductive
from explorer.smt import Encoding


def mutex():
    ex = [e for e in examples() if e.model.name == "mutex"][0]
    return ex.model, ex.model.properties[0]


def crit(i):
    return ir.eq(read("pc", PC, ir.Const(ir.EnumSort("proc", ("p0", "p1")), i)), c(PC, "crit"))


LOCK = read("lock", ir.BOOL)
GOOD = ir.and_(ir.not_(ir.and_(crit(0), crit(1))), ir.implies(crit(0), LOCK),
               ir.implies(crit(1), LOCK))


def test_good_invariant_accepted_as_ir_and_as_smt2():
    model, prop = mutex()
    ok, message = check_invariant_expr(model, prop, GOOD)
    assert ok, message
    enc = Encoding(model, "int")
    smt2 = invariant_smt2(enc, enc.expr(GOOD, 0))
    assert check_invariant_smt2(model, prop, smt2)[0]


def test_wrong_invariants_rejected():
    model, prop = mutex()
    cases = {
        "Init => Inv": LOCK,  # false initially
        "Inv => not Bad": ir.TRUE,  # does not exclude the bad states
        "Inv and T => Inv'": ir.not_(ir.and_(crit(0), crit(1))),  # not inductive
    }
    for what, inv in cases.items():
        ok, message = check_invariant_expr(model, prop, inv)
        assert not ok and what in message, (what, message)


def test_malformed_or_foreign_smt2_rejected():
    model, prop = mutex()
    assert not check_invariant_smt2(model, prop, "(assert")[0]
    foreign = "(declare-const nosuch Int)\n(assert (>= nosuch 0))\n"
    ok, message = check_invariant_smt2(model, prop, foreign)
    assert not ok and "nosuch" in message


def test_parse_invariant_maps_names_to_frames():
    model, _ = mutex()
    enc = Encoding(model, "int")
    smt2 = invariant_smt2(enc, enc.expr(GOOD, 0))
    inv3 = parse_invariant(enc, smt2, 3)
    solver = z3.Solver()
    solver.add(inv3 != enc.expr(GOOD, 3))
    assert solver.check() == z3.unsat


def test_k_induction_certificates():
    model, prop = mutex()
    assert check_k_inductive(model, prop, 3)[0]
    ok, message = check_k_inductive(model, prop, 2)
    assert not ok and "step case" in message
    broken = [e for e in examples() if e.model.name == "mutex_broken"][0].model
    ok, message = check_k_inductive(broken, broken.properties[0], 9)
    assert not ok and "base case" in message
    ring = token_ring()
    assert check_k_inductive(ring, ring.properties[0], 3)[0]
