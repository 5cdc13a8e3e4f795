"""Regression: explicit search must return the shortest counterexample when a forbidden step
and a bad state are found at the same level (the cross-engine test caught it preferring
the first found, one step longer than BMC's)."""

from __future__ import annotations

from explorer import ir
from explorer.engines import Options, bmc, explicit
from explorer.ir import BOOL, EnumSort
from support.gate import checked

LOC = EnumSort("loc", ("start", "left", "right"))


def _model() -> ir.Model:
    pc = ir.Read("pc", None, LOC)
    flag = ir.Read("flag", None, BOOL)
    origin = ir.Origin("t", "cpu0", (), "step")
    go_left = ir.Action("left", ir.eq(pc, ir.Const(LOC, 0)), (ir.Update("pc", None, ir.Const(LOC, 1)),), origin)
    go_right = ir.Action("right", ir.eq(pc, ir.Const(LOC, 0)),
                         (ir.Update("pc", None, ir.Const(LOC, 2)), ir.Update("flag", None, ir.TRUE)), origin)
    check = ir.Action("check", ir.eq(pc, ir.Const(LOC, 1)), (), origin)
    site = ir.StepSite("check", ir.eq(pc, ir.Const(LOC, 1)), "forbidden step")
    prop = ir.Property("p", "invariant", "", ir.or_(flag, site.when), flag, (site,))
    variables = (ir.StateVar("pc", LOC, None, ((0,),)), ir.StateVar("flag", BOOL, None, ((0,),)))
    return ir.Model("m", variables, (go_left, go_right, check), (prop,))


def test_state_bad_beats_a_forbidden_step_at_the_same_level():
    model = _model()
    prop = model.properties[0]
    found = checked(explicit.check, model, prop, Options()).outcome
    assert found.depth == 1  # "right" makes flag true: bad after one step
    assert checked(bmc.check, model, prop, Options(bound=5)).outcome.depth == 1
