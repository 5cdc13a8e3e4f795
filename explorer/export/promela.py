"""The grounded IR as Promela, so that SPIN explores exactly explorer's state space.

The translation is one process, ``active proctype model``, whose body is an endless
``do`` with one option per action::

    :: d_step { (guard) -> printf("@@a 17\\n"); x = 3; pc = 5 }   /* spec.kp:42 vcpu ... */

A ``d_step`` is one indivisible transition that SPIN stores no intermediate state of, and
the loop's head is the process's only control state, so SPIN's stored states are the
model's valuations: with ``spin -o2`` (no dead variable elimination, which would drop
a variable that is written and never read) and ``-DNOREDUCE`` its count is explorer's exhaustive count, plus
one (``PromelaExport.start_states``) when some initial values are chosen by code before
the loop (a nondeterministic initial value, or an array whose entries start different).

Semantics kept:

* updates are parallel (every right-hand side and index read in the pre-state): when an
  update reads what an earlier one of the same action writes, all values go through
  local temporaries first, set back to 0 in the same step (SPIN's ``hidden`` would keep
  them out of the state vector, but ``-DBFS`` refuses hidden variables);
* ``&&``, ``||`` and ``(c -> a : b)`` short-circuit as the reference evaluator does, and
  SPIN checks array bounds, so an index out of its sort is a SPIN error too;
* a value that may leave its element's sort (by interval analysis) is range-checked by an
  ``assert`` before it is stored.

Properties are monitor options: ``(state_bad) -> assert(false)`` fires in a bad state;
a bad state that is bad only through a step site first sets ``_site`` and fails one step
later, so that a breadth-first search (``-DBFS``) reaches every violation at its trace
depth plus one and the first error it reports is a shortest counterexample.  Each option
prints a marker (``@@a N``, ``@@i SLOT V``, ``@@bad NAME``) that only a guided simulation
(``spin -t``) shows; ``explorer.engines.spin`` reads the trail back through them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from explorer.ir import expr as ir
from explorer.ir.intervals import Intervals
from explorer.ir.model import Action, Model, Property
from explorer.ir.sorts import BoolSort, bounds
from explorer.ir.walk import Walker

KEYWORDS = frozenset("""active assert atomic bit bool break byte chan d_step D_proctype do else
empty enabled eval false fi full goto hidden if init inline int len local mtype nempty never
nfull od of pc_value printf printm priority proctype provided run short skip timeout true
typedef unless unsigned xr xs model""".split())


@dataclass(frozen=True)
class PromelaExport:
    """A model as Promela text, with what is needed to read SPIN's answers back."""

    text: str
    actions: tuple[str, ...]
    """Action names by the number their option prints (``@@a N``)."""
    properties: tuple[str, ...]
    """The properties monitored, in option order."""
    start_states: int
    """States SPIN stores that are not model states: its start state, when the initial
    values are set by code (0 or 1)."""
    default_init: tuple[int, ...]
    """The initial state when no ``@@i`` marker says otherwise (first choice per element)."""


def identifier(name: str, taken: set[str]) -> str:
    """A Promela identifier for ``name``, distinct from those in ``taken`` (then added)."""
    # every name gets a prefix: pan.c is C with names of its own (``pc`` is one, and
    # a global of that name silently miscounts states)
    base = "v_" + re.sub(r"[^A-Za-z0-9_]", "_", name)
    chosen, n = base, 2
    while chosen in taken:
        chosen, n = f"{base}_{n}", n + 1
    taken.add(chosen)
    return chosen


def c_type(lo: int, hi: int, boolean: bool) -> str:
    if boolean:
        return "bool"
    if 0 <= lo and hi <= 255:
        return "byte"
    if -32768 <= lo and hi <= 32767:
        return "short"
    return "int"


class _Text(Walker[str]):
    """IR expressions as fully parenthesised Promela expressions."""

    memoize = True

    def __init__(self, model: Model, names: dict[str, str]):
        self.model = model
        self.names = names

    def walk_Const(self, node: ir.Const) -> str:
        return str(node.value)

    def walk_Read(self, node: ir.Read):
        name = self.names[node.var]
        if node.index is None:
            return name
        lo = bounds(self.model.var(node.var).index)[0]
        index = yield node.index
        return f"{name}[{index}]" if lo == 0 else f"{name}[({index}) - ({lo})]"

    def walk_Not(self, node: ir.Not):
        return f"!({(yield node.arg)})"

    def walk_And(self, node: ir.And):
        parts = []
        for arg in node.args:
            parts.append((yield arg))
        return "(" + " && ".join(parts) + ")"

    def walk_Or(self, node: ir.Or):
        parts = []
        for arg in node.args:
            parts.append((yield arg))
        return "(" + " || ".join(parts) + ")"

    def _binary(op: str):
        def walk(self, node):
            return f"({(yield node.left)} {op} {(yield node.right)})"
        return walk

    walk_Eq, walk_Lt, walk_Le = _binary("=="), _binary("<"), _binary("<=")
    walk_Add, walk_Sub = _binary("+"), _binary("-")

    def walk_Ite(self, node: ir.Ite):
        cond, then, else_ = (yield node.cond), (yield node.then), (yield node.else_)
        return f"({cond} -> {then} : {else_})"


def _comment(text: str) -> str:
    return "/* " + text.replace("*/", "* /").replace("\n", " ") + " */"


def _parallel_conflict(action: Action) -> bool:
    """Whether sequential assignment would differ from parallel: an update reads (in its
    value or index) a variable that an earlier update of the same action writes."""
    written: set[str] = set()
    for update in action.updates:
        read = {r.var for r in ir.reads(update.value)}
        if update.index is not None:
            read |= {r.var for r in ir.reads(update.index)}
        if read & written:
            return True
        written.add(update.var)
    return False


class _Writer:
    def __init__(self, model: Model, props: Sequence[Property]):
        self.model = model
        self.props = tuple(props)
        taken: set[str] = set()
        self.names = {v.name: identifier(v.name, taken) for v in model.variables}
        self.text = _Text(model, self.names)
        self.intervals = Intervals(model)
        self.temps = 0

    def expr(self, node: ir.Expr) -> str:
        return self.text.walk(node)

    def declarations(self) -> tuple[list[str], list[str]]:
        """Global declarations, and the statements that set initial values by code."""
        lines, init = [], []
        for variable in self.model.variables:
            lo, hi = bounds(variable.sort)
            kind = c_type(lo, hi, isinstance(variable.sort, BoolSort))
            name = self.names[variable.name]
            first = [choice[0] for choice in variable.init]
            doc = f"{variable.name}: {variable.sort.name}"
            if hasattr(variable.sort, "members"):
                doc += " {" + ", ".join(f"{i}={m}" for i, m in enumerate(variable.sort.members)) + "}"
            uniform = len(set(first)) == 1 and all(len(c) == 1 for c in variable.init)
            if variable.index is None:
                decl = f"{kind} {name}" + (f" = {first[0]}" if uniform else "")
            else:
                size = variable.index.size
                decl = f"{kind} {name}[{size}]" + (f" = {first[0]}" if uniform else "")
            lines.append(f"{decl};  {_comment(doc)}")
            if uniform:
                continue
            for position, choice in enumerate(variable.init):
                target = name if variable.index is None else f"{name}[{position}]"
                slot = self.model.slot(variable.name, None if variable.index is None
                                       else list(variable.index.values())[position])
                init.append((target, slot, choice))
        return lines, init

    def action(self, number: int, action: Action) -> list[str]:
        origin = action.origin
        where = "" if origin.span is None else f"{origin.span.file}:{origin.span.line}"
        about = " ".join(p for p in (where, origin.context, origin.cpu or "",
                                     " > ".join(origin.chain), origin.statement) if p)
        body = [f'printf("@@a {number}\\n")']
        self.used = 0
        temps = _parallel_conflict(action)
        stores = []
        for update in action.updates:
            variable = self.model.var(update.var)
            target = self.names[update.var]
            if update.index is not None:
                lo = bounds(variable.index)[0]
                index = self.expr(update.index)
                index = index if lo == 0 else f"({index}) - ({lo})"
                if temps:
                    index = self._temp(body, index)
                target = f"{target}[{index}]"
            value = self.expr(update.value)
            lo, hi = bounds(variable.sort)
            span = self.intervals.walk(update.value)
            checked = span is None or span[0] < lo or span[1] > hi
            if temps or checked:
                value = self._temp(body, value)
            if checked:
                body.append(f"assert({lo} <= {value} && {value} <= {hi})")
            stores.append(f"{target} = {value}")
        body.extend(stores)
        body.extend(f"_t{i} = 0" for i in range(self.used))  # every state has them 0
        return [f"    {_comment(action.name + ': ' + about)}",
                f"    :: d_step {{ ({self.expr(action.guard)}) -> " + "; ".join(body) + " }"]

    def _temp(self, body: list[str], value: str) -> str:
        """A hidden temporary (reused by the next action) holding ``value``."""
        name = f"_t{self.used}"
        self.used += 1
        self.temps = max(self.temps, self.used)
        body.append(f"{name} = {value}")
        return name

    def monitors(self) -> list[str]:
        lines = []
        for prop in self.props:
            state_bad = self.expr(prop.state_bad)
            sites = ir.or_(*(site.when for site in prop.sites))
            lines.append(f"    {_comment('property ' + prop.name + (': ' + prop.text if prop.text else ''))}")
            if prop.state_bad != ir.FALSE:
                lines.append(f'    :: d_step {{ ({state_bad}) -> printf("@@bad {prop.name}\\n"); assert(false) }}')
            if sites != ir.FALSE:
                guard = self.expr(ir.and_(sites, ir.not_(prop.state_bad)))
                lines.append(f"    :: d_step {{ (_site == 0 && {guard}) -> _site = 1 }}")
        if any(ir.or_(*(s.when for s in p.sites)) != ir.FALSE for p in self.props):
            lines.append('    :: d_step { (_site == 1) -> printf("@@bad site\\n"); assert(false) }')
        return lines


def _initial_choice(init: list[tuple[str, int, tuple[int, ...]]]) -> list[str]:
    """One ``if`` with a ``d_step`` per initial state (SPIN stores a state at every
    choice inside an ``atomic``, so the choices are one choice of the whole product)."""
    import itertools

    combos = list(itertools.islice(itertools.product(*(c for _, _, c in init)), MAX_INITIAL + 1))
    if len(combos) > MAX_INITIAL:
        raise ValueError(f"more than {MAX_INITIAL} initial states: too many for one Promela choice")
    lines = ["    if"]
    for values in combos:
        body = [f"{target} = {v}" for (target, _, _), v in zip(init, values)]
        body += [f'printf("@@i {slot} {v}\\n")' for (_, slot, choice), v in zip(init, values)
                 if len(choice) > 1]
        lines.append("    :: d_step { " + "; ".join(body) + " }")
    lines.append("    fi;")
    return lines


MAX_INITIAL = 4096


def to_promela(model: Model, props: Sequence[Property] | None = None) -> PromelaExport:
    """``model`` as Promela, with monitors for ``props`` (all the model's properties when
    None; none for a plain state-space count: pass ``()``)."""
    props = model.properties if props is None else tuple(props)
    writer = _Writer(model, props)
    declarations, init = writer.declarations()
    options = []
    for number, action in enumerate(model.actions):
        options.extend(writer.action(number, action))
    monitors = writer.monitors()
    lines = [f"/* {model.name}: exported by explorer from the grounded IR"]
    if model.params:
        lines.append("   parameters: " + ", ".join(f"{k}={v}" for k, v in model.params))
    lines += ["   run as: spin -o2 -a (no dead variable elimination); gcc -DNOREDUCE -DSAFETY pan.c; ./pan -E",
              "   one d_step per action; SPIN with -DNOREDUCE stores the model's states",
              f"   {'plus one start state (initial values set by code)' if init else 'exactly'} */", ""]
    lines += declarations
    if any("_site" in m for m in monitors):
        lines.append("byte _site = 0;  /* a step-site violation seen, fails one step later */")
    lines += ["", "active proctype model() {"]
    if writer.temps:
        lines.append("    int " + ", ".join(f"_t{i}" for i in range(writer.temps)) + ";"
                     "  /* temporaries of parallel updates, 0 between steps */")
    if init:
        lines += _initial_choice(init)
    lines.append("end:")
    lines.append("    do")
    lines += options
    lines += monitors
    if not options and not monitors:
        lines.append("    :: false -> skip")
    lines += ["    od", "}", ""]
    return PromelaExport(
        text="\n".join(lines),
        actions=tuple(a.name for a in model.actions),
        properties=tuple(p.name for p in props),
        start_states=1 if init else 0,
        default_init=tuple(choice[0] for choice in model.initial_choices()),
    )
