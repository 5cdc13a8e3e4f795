"""Small IR models for tests of every engine.

* ``examples()``: hand-made models with known facts (reachable-state count, shortest
  counterexample depth per property, deadlocks), for unit tests and cross-engine tests;
* ``models()``: a hypothesis strategy that draws small random IR models, valid and
  deterministic by construction (every value stays in its sort, every array index in its
  index sort), each with one or two properties.

Import with ``from strategies import examples, models`` after putting this folder on
``sys.path`` (the test files of this folder do that themselves).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

from explorer.model import (
    BOOL,
    FALSE,
    TRUE,
    Action,
    Add,
    BoolSort,
    Const,
    EnumSort,
    Eq,
    Expr,
    IntSort,
    Ite,
    Le,
    Lt,
    Model,
    Not,
    Origin,
    Property,
    Read,
    Sort,
    Span,
    StateVar,
    StepSite,
    Sub,
    Update,
    and_,
    eq,
    ite,
    lt,
    not_,
    or_,
)

# --------------------------------------------------------------------------- helpers


def origin(statement: str, context: str = "t", cpu: str | None = "cpu0",
           chain: tuple[str, ...] = ("f",), line: int = 1) -> Origin:
    return Origin(context=context, cpu=cpu, chain=chain, statement=statement,
                  span=Span("test.kp", line, 1), citation="")


def read(var: str, sort: Sort, index: Expr | None = None) -> Read:
    return Read(var, index, sort)


def c(sort: Sort, value: int | str) -> Const:
    if isinstance(value, str):
        assert isinstance(sort, EnumSort)
        value = sort.value_of(value)
    return Const(sort, int(value))


def action(name: str, guard: Expr, *updates: Update, ctx: str = "t") -> Action:
    return Action(name, guard, tuple(updates), origin(name, context=ctx))


def invariant(name: str, bad: Expr, sites: tuple[StepSite, ...] = ()) -> Property:
    full = or_(bad, *[s.when for s in sites])
    return Property(name=name, kind="invariant", doc="", bad=full, state_bad=bad,
                    sites=sites, text=f"{name} holds")


@dataclass
class Example:
    """A hand-made model and what is known about it."""

    model: Model
    states: int
    """Number of reachable states."""
    depths: dict[str, int | None]
    """Per property: depth of a shortest counterexample (Trace.depth), None if it holds."""
    diameter: int
    deadlocks: int = 0
    never_enabled: tuple[str, ...] = ()
    notes: str = ""
    extra: dict = field(default_factory=dict)


# --------------------------------------------------------------------------- examples


def counter() -> Example:
    """x counts 0..5; deadlock at 5."""
    s = IntSort(0, 5)
    x = read("x", s)
    model = Model(
        "counter",
        (StateVar("x", s, None, ((0,),)),),
        (
            action("inc", lt(x, c(s, 5)), Update("x", None, Add(x, c(s, 1), s))),
            action("never", Lt(x, c(s, 0)), Update("x", None, c(s, 0))),
        ),
        (invariant("x_le_3", eq(x, c(s, 4))), invariant("x_ge_0", lt(x, c(s, 0)))),
    )
    return Example(model, states=6, depths={"x_le_3": 4, "x_ge_0": None}, diameter=5,
                   deadlocks=1, never_enabled=("never",))


PC = EnumSort("pc", ("idle", "want", "crit"))


def mutex(broken: bool = False) -> Example:
    """Two processes with a lock; the broken variant ignores the lock."""
    lock = read("lock", BOOL)
    variables = [
        StateVar("pc", PC, EnumSort("proc", ("p0", "p1")), ((0,), (0,)), style="index",
                 hidden=True),
        StateVar("lock", BOOL, None, ((0,),)),
    ]
    actions = []
    for i, p in enumerate(("p0", "p1")):
        idx = Const(variables[0].index, i)
        pc = read("pc", PC, idx)
        actions += [
            action(f"{p}_want", eq(pc, c(PC, "idle")), Update("pc", idx, c(PC, "want")), ctx=p),
            action(f"{p}_acquire",
                   eq(pc, c(PC, "want")) if broken else and_(eq(pc, c(PC, "want")), not_(lock)),
                   Update("pc", idx, c(PC, "crit")), Update("lock", None, TRUE), ctx=p),
            action(f"{p}_release", eq(pc, c(PC, "crit")),
                   Update("pc", idx, c(PC, "idle")), Update("lock", None, FALSE), ctx=p),
        ]
    proc = variables[0].index
    bad = and_(eq(read("pc", PC, Const(proc, 0)), c(PC, "crit")),
               eq(read("pc", PC, Const(proc, 1)), c(PC, "crit")))
    model = Model("mutex_broken" if broken else "mutex", tuple(variables), tuple(actions),
                  (invariant("mutual_exclusion", bad),))
    if broken:
        return Example(model, states=13, depths={"mutual_exclusion": 4}, diameter=6)
    return Example(model, states=8, depths={"mutual_exclusion": None}, diameter=3)


IDX = EnumSort("buf_id", ("a", "b", "c"))
DATA = EnumSort("data", ("garbage", "qemu", "guest"))


def array_pointer() -> Example:
    """A pointer p cycling over buffers; write stores qemu into buf[p]."""
    p = read("p", IDX)
    nxt = ite(eq(p, c(IDX, "a")), c(IDX, "b"), ite(eq(p, c(IDX, "b")), c(IDX, "c"), c(IDX, "a")))
    model = Model(
        "array_pointer",
        (
            StateVar("buf", DATA, IDX, ((0,), (0,), (0,)), style="index"),
            StateVar("p", IDX, None, ((0,),)),
        ),
        (
            action("write", eq(read("buf", DATA, p), c(DATA, "garbage")),
                   Update("buf", p, c(DATA, "qemu"))),
            action("next", TRUE, Update("p", None, nxt)),
        ),
        (
            invariant("not_all_qemu", and_(*[eq(read("buf", DATA, c(IDX, k)), c(DATA, "qemu"))
                                            for k in IDX.members])),
            invariant("no_guest", or_(*[eq(read("buf", DATA, c(IDX, k)), c(DATA, "guest"))
                                       for k in IDX.members])),
        ),
    )
    return Example(model, states=24, depths={"not_all_qemu": 5, "no_guest": None},
                   diameter=7)


REGS = EnumSort("regs", ("qemu", "guest"))
LOC = EnumSort("loc", ("L0", "L1", "L2"))


def step_site() -> Example:
    """load guest registers, then save them: the save is a forbidden event."""
    pc = read("pc", LOC)
    regs = read("regs", REGS)
    save_guard = eq(pc, c(LOC, "L1"))
    model = Model(
        "step_site",
        (
            StateVar("pc", LOC, None, ((0,),), hidden=True),
            StateVar("regs", REGS, None, ((0,),)),
            StateVar("task_fpu", REGS, None, ((0,),)),
        ),
        (
            action("load_guest", eq(pc, c(LOC, "L0")), Update("pc", None, c(LOC, "L1")),
                   Update("regs", None, c(REGS, "guest"))),
            action("save", save_guard, Update("pc", None, c(LOC, "L2")),
                   Update("task_fpu", None, regs)),
        ),
        (
            invariant("no_guest_save", FALSE,
                      (StepSite("save", and_(save_guard, eq(regs, c(REGS, "guest"))),
                                "save while regs == guest"),)),
            invariant("task_fpu_qemu", eq(read("task_fpu", REGS), c(REGS, "guest"))),
        ),
    )
    return Example(model, states=3, depths={"no_guest_save": 2, "task_fpu_qemu": 2},
                   diameter=2, deadlocks=1)


def nondet_init() -> Example:
    """x starts at 2 or 3 and counts down; y is a free boolean that never changes."""
    s = IntSort(0, 3)
    x = read("x", s)
    y = read("y", BOOL)
    model = Model(
        "nondet_init",
        (StateVar("x", s, None, ((2, 3),)), StateVar("y", BOOL, None, ((0, 1),))),
        (action("dec", lt(c(s, 0), x), Update("x", None, Sub(x, c(s, 1), s))),),
        (
            invariant("x_pos", eq(x, c(s, 0))),
            invariant("y_false", y),
            invariant("x_le_3", lt(c(s, 3), x)),
        ),
    )
    return Example(model, states=8, depths={"x_pos": 2, "y_false": 0, "x_le_3": None},
                   diameter=2, deadlocks=2)


def examples() -> list[Example]:
    return [counter(), mutex(), mutex(broken=True), array_pointer(), step_site(),
            nondet_init()]
