"""Small hand-made IR models for the tests of the SMT layers (encode, engines, certify).

``tests/strategies.py`` holds the shared examples; these add what the SMT tests need on
top: a counter with a known shortest counterexample beside a noisy second process, a
model whose state violation competes with a step-site violation, a safe model whose
proof needs a non-trivial invariant, and one with an element outside its property's cone
of influence and a constant its proof needs, and two latches ABC's ``scorr`` merges.
"""

from __future__ import annotations

from explorer.ir import (
    BOOL,
    FALSE,
    TRUE,
    Add,
    Const,
    EnumSort,
    IntSort,
    Model,
    Property,
    Read,
    StateVar,
    StepSite,
    Update,
    and_,
    eq,
    lt,
    not_,
    or_,
)
from support.strategies import action, c, invariant, read

COUNT = IntSort(0, 9)


def counter_noise() -> Model:
    """x counts up to 9; a free flag toggles in between. ``x_is_7`` first at depth 7."""
    x = read("x", COUNT)
    flag = read("flag", BOOL)
    return Model(
        "counter_noise",
        (StateVar("x", COUNT, None, ((0,),)), StateVar("flag", BOOL, None, ((0,),))),
        (
            action("inc", lt(x, c(COUNT, 9)), Update("x", None, Add(x, c(COUNT, 1), COUNT))),
            action("toggle", TRUE, Update("flag", None, not_(flag))),
            action("reset", flag, Update("x", None, c(COUNT, 0))),
        ),
        (invariant("x_is_7", eq(x, c(COUNT, 7))),
         invariant("x_is_7_and_flag", and_(eq(x, c(COUNT, 7)), flag))),
    )


LOC = EnumSort("loc", ("L0", "L1", "L2"))


def site_vs_state() -> Model:
    """From L0, ``go`` reaches L1 (bad state) and ``step`` is a forbidden step at L0 when
    armed.  Arming takes one step: the state violation (depth 1) must win over the step
    site (trace depth 2, from frame 1)."""
    pc = read("pc", LOC)
    armed = read("armed", BOOL)
    site = StepSite("step", and_(eq(pc, c(LOC, "L0")), armed), "step while armed")
    return Model(
        "site_vs_state",
        (StateVar("pc", LOC, None, ((0,),)), StateVar("armed", BOOL, None, ((0,),))),
        (
            action("arm", not_(armed), Update("armed", None, TRUE)),
            action("go", eq(pc, c(LOC, "L0")), Update("pc", None, c(LOC, "L1"))),
            action("step", eq(pc, c(LOC, "L0")), Update("pc", None, c(LOC, "L2"))),
        ),
        (invariant("never_L1", eq(pc, c(LOC, "L1")), (site,)),),
    )


TOKEN = EnumSort("token", ("p0", "p1", "p2"))
STATE = EnumSort("st", ("idle", "busy"))


def token_ring() -> Model:
    """Three processes pass a token; only the holder may be busy. Safe, and its proof needs
    the invariant "a busy process holds the token" (the bad predicate alone is not
    inductive)."""
    procs = EnumSort("proc", TOKEN.members)
    tok = read("tok", TOKEN)
    actions = []
    for i, p in enumerate(TOKEN.members):
        idx = Const(procs, i)
        st = read("st", STATE, idx)
        mine = eq(tok, c(TOKEN, p))
        nxt = c(TOKEN, TOKEN.members[(i + 1) % 3])
        actions += [
            action(f"{p}_enter", and_(mine, eq(st, c(STATE, "idle"))),
                   Update("st", idx, c(STATE, "busy")), ctx=p),
            action(f"{p}_leave", eq(st, c(STATE, "busy")),
                   Update("st", idx, c(STATE, "idle")), ctx=p),
            action(f"{p}_pass", and_(mine, eq(st, c(STATE, "idle"))),
                   Update("tok", None, nxt), ctx=p),
        ]
    busy = [eq(read("st", STATE, Const(procs, i)), c(STATE, "busy")) for i in range(3)]
    bad = or_(*[and_(busy[i], busy[j]) for i in range(3) for j in range(i + 1, 3)])
    return Model(
        "token_ring",
        (StateVar("st", STATE, procs, ((0,), (0,), (0,)), style="index"),
         StateVar("tok", TOKEN, None, ((0,),))),
        tuple(actions),
        (invariant("one_busy", bad),),
    )


def bystander() -> Model:
    """``flag`` decides the property, ``noise`` is outside its cone, ``armed`` a constant
    the proof needs (the step that would set ``flag`` requires it)."""
    flag = StateVar("flag", BOOL, None, ((0,),))
    noise = StateVar("noise", IntSort(0, 3), None, ((0,),))
    armed = StateVar("armed", BOOL, None, ((0,),))
    breaks = action("breaks", Read("armed", None, BOOL), Update("flag", None, TRUE))
    churn = action("churn", TRUE, Update("noise", None, Const(noise.sort, 3)))
    bad = invariant("flag_stays_clear", Read("flag", None, BOOL))
    return Model("bystander", (flag, noise, armed), (breaks, churn), (bad,))


def twins() -> Model:
    """``a`` and ``b`` are set and cleared together; the property is that they agree
    (``a`` without ``b`` is bad): ABC's ``scorr`` merges them, which is the whole proof."""
    a = StateVar("a", BOOL, None, ((0,),))
    b = StateVar("b", BOOL, None, ((0,),))
    both = (("set", TRUE), ("clear", FALSE))
    actions = tuple(action(name, TRUE, Update("a", None, v), Update("b", None, v)) for name, v in both)
    bad = invariant("together", and_(Read("a", None, BOOL), not_(Read("b", None, BOOL))))
    return Model("twins", (a, b), actions, (bad,))


def prop(model: Model, name: str | None = None) -> Property:
    return model.properties[0] if name is None else model.property(name)


__all__ = ["counter_noise", "site_vs_state", "token_ring", "prop", "FALSE", "Read"]
