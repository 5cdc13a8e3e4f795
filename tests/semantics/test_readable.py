"""explorer.semantics.readable: invariants made readable, one conjunct per line."""

from __future__ import annotations

from support.smt_models import token_ring
from support.strategies import PC, examples, read

from explorer import ir
from explorer.ir.readable import conjuncts
from explorer.lang.printer import show_lines
from explorer.semantics.readable import simplify

MUTEX = [e for e in examples() if e.model.name == "mutex"][0].model
PROC = ir.EnumSort("proc", ("p0", "p1"))
PC0 = read("pc", PC, ir.Const(PROC, 0))
PC1 = read("pc", PC, ir.Const(PROC, 1))
LOCK = read("lock", ir.BOOL)


def show_invariant(expr, model) -> str:
    return show_lines(conjuncts(simplify(expr, model)), model)


def test_enum_comparisons_become_member_sets():
    # Spacer's Int comparisons over enums
    assert show_invariant(ir.Le(PC0, ir.Const(ir.IntSort(1, 1), 1)), MUTEX) == "pc[p0] != crit"
    assert show_invariant(ir.Not(ir.Le(PC0, ir.Const(ir.IntSort(1, 1), 1))), MUTEX) == \
        "pc[p0] == crit"
    five = ir.EnumSort("five", ("a", "b", "c", "d", "e"))
    model = ir.Model("m", (ir.StateVar("x", five, None, ((0,),)),), (), ())
    x = ir.Read("x", None, five)
    assert show_invariant(ir.Le(x, ir.Const(five, 2)), model) == "x in {a, b, c}"
    assert show_invariant(ir.or_(ir.eq(x, ir.Const(five, 4)), ir.eq(x, ir.Const(five, 0))),
                          model) == "x in {a, e}"
    assert show_invariant(ir.and_(ir.not_(ir.eq(x, ir.Const(five, 4))), ir.Le(x, ir.Const(five, 3)),
                                  ir.Lt(ir.Const(five, 0), x)), model) == "x in {b, c, d}"
    assert show_invariant(ir.Le(x, ir.Const(five, 4)), model) == "true"


def test_invariant_one_conjunct_per_line_and_merging():
    inv = ir.and_(ir.or_(ir.not_(ir.Le(ir.Const(PC, 2), PC0)), LOCK),
                  ir.or_(ir.Lt(PC1, ir.Const(PC, 2)), ir.not_(ir.Lt(PC0, ir.Const(PC, 2)))),
                  ir.eq(LOCK, ir.TRUE))
    assert show_invariant(inv, MUTEX) == "pc[p0] != crit || lock\npc[p1] != crit || pc[p0] == crit\nlock"


def test_two_element_numeric_comparisons_become_clauses():
    model = token_ring()
    st0 = model.elements[0]
    tok = model.elements[3]
    st = ir.Read(st0.var, ir.Const(model.var("st").index, 0), st0.sort)
    t = ir.Read("tok", None, tok.sort)
    text = show_invariant(ir.Lt(st, t), model)
    assert text == "st[p0] == busy || tok != p0\nst[p0] == idle || tok == p2"
    assert "<" not in text
    assert isinstance(simplify(ir.Lt(st, t), model), ir.And)


def test_int_ranges_stay_comparisons():
    s = ir.IntSort(0, 3)
    model = ir.Model("m", (ir.StateVar("n", s, None, ((0,),)),), (), ())
    n = ir.Read("n", None, s)
    assert show_invariant(ir.Le(n, ir.Const(s, 2)), model) == "n <= 2"
    assert show_invariant(ir.Le(ir.Const(s, 1), n), model) == "1 <= n"
    assert show_invariant(ir.or_(ir.eq(n, ir.Const(s, 0)), ir.eq(n, ir.Const(s, 3))), model) == \
        "n in {0, 3}"
