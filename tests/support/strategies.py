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

from explorer.ir import (
    BOOL,
    FALSE,
    TRUE,
    Action,
    Add,
    And,
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
    Or,
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


# --------------------------------------------------------------------------- random models


VALUE_SORTS: tuple[Sort, ...] = (
    BOOL,
    EnumSort("e2", ("a", "b")),
    EnumSort("e3", ("x", "y", "z")),
    IntSort(0, 2),
    IntSort(-1, 1),
    IntSort(0, 3),
    IntSort(0, 4),
    EnumSort("loc", ("l0", "l1", "l2", "l3")),
)
INDEX_SORTS: tuple[Sort, ...] = (
    EnumSort("k2", ("k0", "k1")),
    EnumSort("k3", ("ka", "kb", "kc")),
    IntSort(0, 2),
    IntSort(1, 2),
)


PC_SORT = EnumSort("pcloc", ("p0", "p1", "p2", "p3", "p4"))


class _Ctx:
    """The variables drawn so far, for typed expression generation."""

    def __init__(self, scalars: list[StateVar], array: StateVar | None):
        self.scalars = scalars
        self.array = array

    def scalars_of(self, sort: Sort) -> list[StateVar]:
        return [v for v in self.scalars if v.sort == sort]

    def sorts(self) -> list[Sort]:
        out = [v.sort for v in self.scalars]
        if self.array is not None:
            out.append(self.array.sort)
        return out


def _const(draw, sort: Sort) -> Const:
    return Const(sort, draw(st.sampled_from(list(sort.values()))))


def _value(draw, ctx: _Ctx, sort: Sort, depth: int) -> Expr:
    """An expression whose value always lies in ``sort``."""
    if isinstance(sort, BoolSort) and depth > 0 and draw(st.booleans()):
        return _bool(draw, ctx, depth)
    options = ["const"]
    if ctx.scalars_of(sort):
        options += ["read", "read"]
    if ctx.array is not None and ctx.array.sort == sort:
        options += ["array"]
    if depth > 0:
        options += ["ite"]
        if isinstance(sort, IntSort):
            options += ["inc", "dec"]
    kind = draw(st.sampled_from(options))
    if kind == "const":
        return _const(draw, sort)
    if kind == "read":
        var = draw(st.sampled_from(ctx.scalars_of(sort)))
        return Read(var.name, None, sort)
    if kind == "array":
        return _array_read(draw, ctx, depth)
    if kind == "ite":
        return Ite(_bool(draw, ctx, depth - 1), _value(draw, ctx, sort, depth - 1),
                   _value(draw, ctx, sort, depth - 1), sort)
    assert isinstance(sort, IntSort)
    e = _value(draw, ctx, sort, depth - 1)
    if kind == "inc":  # saturating increment
        return Ite(Lt(e, Const(sort, sort.hi)), Add(e, Const(sort, 1), sort),
                   Const(sort, sort.hi), sort)
    return Ite(Lt(Const(sort, sort.lo), e), Sub(e, Const(sort, 1), sort),
               Const(sort, sort.lo), sort)


def _index(draw, ctx: _Ctx, depth: int) -> Expr:
    assert ctx.array is not None and ctx.array.index is not None
    if draw(st.integers(0, 3)) == 0:
        return _const(draw, ctx.array.index)
    return _value(draw, ctx, ctx.array.index, max(depth - 1, 0))


def _array_read(draw, ctx: _Ctx, depth: int) -> Read:
    assert ctx.array is not None
    return Read(ctx.array.name, _index(draw, ctx, depth), ctx.array.sort)


def _literal(draw, ctx: _Ctx) -> Expr:
    """``var == const`` on a scalar (or a constant array entry): the pc-like conjunct."""
    if ctx.array is not None and draw(st.integers(0, 4)) == 0:
        target: Expr = Read(ctx.array.name, _const(draw, ctx.array.index), ctx.array.sort)
    else:
        var = draw(st.sampled_from(ctx.scalars))
        target = Read(var.name, None, var.sort)
    value = _const(draw, target.sort)
    if isinstance(target.sort, BoolSort) and draw(st.booleans()):
        return target if value.value else Not(target)
    return Eq(value, target) if draw(st.integers(0, 3)) == 0 else Eq(target, value)


def _bool(draw, ctx: _Ctx, depth: int) -> Expr:
    options = ["lit", "lit", "eq", "true"]
    if any(isinstance(s, IntSort) for s in ctx.sorts()):
        options += ["cmp"]
    if depth > 0:
        options += ["not", "and", "or"]
    kind = draw(st.sampled_from(options))
    if kind == "lit":
        return _literal(draw, ctx)
    if kind == "true":
        return Const(BOOL, int(draw(st.integers(0, 3)) > 0))
    if kind == "eq":
        sort = draw(st.sampled_from(ctx.sorts()))
        return Eq(_value(draw, ctx, sort, max(depth - 1, 0)),
                  _value(draw, ctx, sort, max(depth - 1, 0)))
    if kind == "cmp":
        sort = draw(st.sampled_from([s for s in ctx.sorts() if isinstance(s, IntSort)]))
        op = draw(st.sampled_from([Lt, Le]))
        return op(_value(draw, ctx, sort, max(depth - 1, 0)),
                  _value(draw, ctx, sort, max(depth - 1, 0)))
    if kind == "not":
        return Not(_bool(draw, ctx, depth - 1))
    n = draw(st.integers(2, 3))
    args = tuple(_bool(draw, ctx, depth - 1) for _ in range(n))
    return And(args) if kind == "and" else Or(args)


def _update_value(draw, ctx: _Ctx, sort: Sort, depth: int) -> Expr:
    """A right-hand side that tends to move the state: counters step, others get constants."""
    roll = draw(st.integers(0, 3))
    if isinstance(sort, IntSort) and roll <= 1:
        e = Read(draw(st.sampled_from(ctx.scalars_of(sort))).name, None, sort) \
            if ctx.scalars_of(sort) else _value(draw, ctx, sort, 0)
        if roll == 0:
            return Ite(Lt(e, Const(sort, sort.hi)), Add(e, Const(sort, 1), sort),
                       Const(sort, sort.hi), sort)
        return Ite(Lt(Const(sort, sort.lo), e), Sub(e, Const(sort, 1), sort),
                   Const(sort, sort.lo), sort)
    if roll <= 1:
        return _const(draw, sort)
    return _value(draw, ctx, sort, depth)


def _bad(draw, ctx: _Ctx, depth: int) -> Expr:
    """A state part of a bad predicate: mostly a conjunction of literals (a specific state)."""
    roll = draw(st.integers(0, 4))
    if roll == 0:
        return FALSE
    if roll == 1:
        return _bool(draw, ctx, depth)
    lits = tuple(_literal(draw, ctx) for _ in range(draw(st.integers(1, 3))))
    return lits[0] if len(lits) == 1 else And(lits)


def _init(draw, sort: Sort) -> tuple[int, ...]:
    values = list(sort.values())
    first = draw(st.sampled_from(values))
    if draw(st.integers(0, 3)) == 0:
        second = draw(st.sampled_from(values))
        return tuple(sorted({first, second}))
    return (first,)


@st.composite
def models(draw, max_actions: int = 8, depth: int = 2) -> Model:
    """A small random model, valid by construction: 1-4 scalar variables of bool / small
    enum / small int sorts, maybe one array read and written through a dynamic index,
    maybe one or two threads with program counters, 1-``max_actions`` guarded actions,
    1-2 invariant properties, some with a step site."""
    scalars: list[StateVar] = []
    array: StateVar | None = None
    if draw(st.booleans()):
        index = draw(st.sampled_from(INDEX_SORTS))
        sort = draw(st.sampled_from(VALUE_SORTS))
        array = StateVar("arr", sort, index, tuple(_init(draw, sort) for _ in index.values()),
                         style=draw(st.sampled_from(["index", "field"])))
        scalars.append(StateVar("ptr", index, None, (_init(draw, index),)))
    for i in range(draw(st.integers(1 if array is None else 0, 3))):
        sort = draw(st.sampled_from(VALUE_SORTS))
        scalars.append(StateVar(f"v{i}", sort, None, (_init(draw, sort),),
                                hidden=draw(st.integers(0, 4)) == 0))
    pc_mode = draw(st.booleans())
    # one or two threads, each with a program counter that its actions test and move, as
    # lowered code does; the counters are kept out of the random literals and updates
    pcs = [StateVar(f"pc{i}", PC_SORT, None, ((0,),), hidden=True)
           for i in range(draw(st.integers(1, 2)) if pc_mode else 0)]
    ctx = _Ctx(scalars, array)
    actions = []
    for a in range(draw(st.integers(2 if pc_mode else 1, max_actions))):
        extra = [0, 0, 0, 1, 2] if pc_mode else [0, 1, 1, 2]
        conjuncts = [_literal(draw, ctx) for _ in range(draw(st.sampled_from(extra)))]
        if draw(st.integers(0, 2)) == 0 or not (conjuncts or pc_mode):
            conjuncts.append(_bool(draw, ctx, depth - 1))
        updates = []
        if pc_mode:
            # the j-th action of a thread sits at a location <= j: mostly a chain
            pc = pcs[a % len(pcs)].name
            here = (a // len(pcs)) % PC_SORT.size
            if draw(st.integers(0, 2)) == 0:
                here = draw(st.integers(0, min(a // len(pcs), PC_SORT.size - 1)))
            there = (here + 1) % PC_SORT.size
            if draw(st.integers(0, 2)) == 0:
                there = draw(st.integers(0, PC_SORT.size - 1))
            conjuncts.insert(draw(st.integers(0, len(conjuncts))),
                             Eq(Read(pc, None, PC_SORT), Const(PC_SORT, here)))
            updates.append(Update(pc, None, Const(PC_SORT, there)))
        guard = conjuncts[0] if len(conjuncts) == 1 else And(tuple(conjuncts))
        for _ in range(draw(st.integers(0 if pc_mode else 1, 3))):
            targets = ["scalar"] + (["array"] if array is not None else [])
            if draw(st.sampled_from(targets)) == "array":
                assert array is not None
                updates.append(Update(array.name, _index(draw, ctx, depth),
                                      _update_value(draw, ctx, array.sort, depth)))
            else:
                var = draw(st.sampled_from(scalars))
                updates.append(Update(var.name, None,
                                      _update_value(draw, ctx, var.sort, depth)))
        actions.append(Action(f"a{a}", guard, tuple(updates),
                              origin(f"a{a}", context=f"t{a % 2}", line=a + 1)))
    properties = []
    for p in range(draw(st.integers(1, 2))):
        state_bad = _bad(draw, ctx, depth)
        if pcs and draw(st.integers(0, 2)):  # late in a thread: deeper counterexamples
            at = Eq(Read(draw(st.sampled_from(pcs)).name, None, PC_SORT),
                    Const(PC_SORT, draw(st.integers(2, PC_SORT.size - 1))))
            state_bad = at if state_bad == FALSE else And((at, state_bad))
        sites: tuple[StepSite, ...] = ()
        if draw(st.integers(0, 2)) == 0 or state_bad == FALSE:
            act = draw(st.sampled_from(actions))
            when = And((act.guard, _literal(draw, ctx)))
            sites = (StepSite(act.name, when, f"{act.name} while bad"),)
        bad = Or((state_bad,) + tuple(s.when for s in sites)) if sites else state_bad
        properties.append(Property(f"p{p}", "invariant", "", bad, state_bad, sites,
                                   text=f"p{p} holds"))
    variables = tuple(scalars) + tuple(pcs) + ((array,) if array is not None else ())
    return Model("random", variables, tuple(actions), tuple(properties))
