"""explorer.lang.printer: IR in spec syntax, with the grammar's precedence."""

from __future__ import annotations


from support.strategies import DATA, IDX, PC, c, examples, read

from explorer import ir
from explorer.lang.printer import show

MUTEX = [e for e in examples() if e.model.name == "mutex"][0].model
ARRAY = [e for e in examples() if e.model.name == "array_pointer"][0].model
PROC = ir.EnumSort("proc", ("p0", "p1"))
PC0 = read("pc", PC, ir.Const(PROC, 0))
PC1 = read("pc", PC, ir.Const(PROC, 1))
LOCK = read("lock", ir.BOOL)


def test_plain_printing():
    assert show(ir.eq(PC0, c(PC, "crit")), MUTEX) == "pc[p0] == crit"
    assert show(ir.Not(ir.Eq(PC0, c(PC, "idle"))), MUTEX) == "pc[p0] != idle"
    assert show(ir.and_(ir.or_(LOCK, ir.eq(PC0, PC1)), ir.not_(LOCK)), MUTEX) == \
        "(lock || pc[p0] == pc[p1]) && !lock"
    assert show(ir.or_(ir.and_(LOCK, ir.TRUE), ir.FALSE), MUTEX) == "lock"
    assert show(ir.Or((ir.And((LOCK, LOCK)), ir.FALSE)), MUTEX) == "lock && lock || false"
    s = ir.IntSort(0, 3)
    x = ir.Read("pc", ir.Const(PROC, 0), s)
    assert show(ir.Le(ir.Sub(x, ir.Sub(x, ir.Const(s, 1), s), s), ir.Add(x, ir.Const(s, 2), s)),
                MUTEX) == "pc[p0] - (pc[p0] - 1) <= pc[p0] + 2"
    assert show(ir.Ite(LOCK, PC0, ir.Ite(LOCK, PC1, c(PC, "idle"), PC), PC), MUTEX) == \
        "lock ? pc[p0] : lock ? pc[p1] : idle"
    assert show(ir.Not(ir.Lt(PC0, PC1)), MUTEX) == "pc[p1] <= pc[p0]"


def test_dynamic_index_and_field_style():
    p = read("p", IDX)
    assert show(ir.eq(read("buf", DATA, p), c(DATA, "qemu")), ARRAY) == "buf[p] == qemu"
    field = ir.StateVar("fpu", DATA, ir.EnumSort("task", ("vcpu", "other")), ((0,), (0,)),
                        style="field")
    model = ir.Model("f", (field,), (), ())
    assert show(ir.Read("fpu", ir.Const(field.index, 0), DATA), model) == "vcpu.fpu"
