"""Symmetries of a model: permutations of tasks and CPUs that map the model onto itself.

A permutation renames the members of some enum sorts (``other0`` ↔ ``other1`` in ``Task``
and ``Task?``; ``cpu0`` ↔ ``cpu1``), moves the elements of the arrays indexed by them
(``fpu[other0]`` ↔ ``fpu[other1]``) and the per-task variables (``other0.pc`` ↔
``other1.pc``, whose sorts it maps onto each other).  It acts on a state by moving every
element's value to its image element, renamed by its sort's map.

It is an *automorphism* of a model and a set of properties when the model's guarded
commands, mapped through it, are the same set of guarded commands, and every property's
bad predicate is mapped onto itself: then a state and its image have images as
successors and are bad together, so a search may store one state per orbit.  Whether a
candidate is an automorphism is decided here on the IR itself (``automorphism``), by
comparing a normal form of each command and of its image (``And``/``Or`` arguments and
``Eq`` operands as sets, updates of distinct elements as a set): syntactic, so it can
refuse a true symmetry but never accept a false one.  Candidates are transpositions of
two members of ``Task`` or ``Cpu`` (``transpositions``); they generate the group a
search uses (``group``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterable

from explorer.ir import expr as ir
from explorer.ir.model import Action, Model, Property
from explorer.ir.sorts import EnumSort, Sort, bounds
from explorer.ir.walk import Walker

SYMMETRIC_SORTS = ("Task", "Cpu")
"""The sorts whose members may be interchangeable: tasks and CPUs."""

MAX_GROUP = 1024
"""The largest group a search enumerates (its cost per state grows with the group)."""


@dataclass(frozen=True)
class Permutation:
    """A renaming of sort members with the element moves it implies.

    ``slots[e]`` is where element ``e``'s value goes; ``sorts`` maps a sort to its image
    sort and the new value of each value (by position); sorts not listed are unchanged.
    """

    name: str
    slots: tuple[int, ...]
    sorts: tuple[tuple[Sort, Sort, tuple[int, ...]], ...]

    def sort_map(self) -> dict[Sort, tuple[Sort, tuple[int, ...]]]:
        return {source: (target, values) for source, target, values in self.sorts}

    def value_maps(self, model: Model) -> list[tuple[int, ...] | None]:
        """Per element: the new value of each value (offset from the sort's least), or
        None where its values are unchanged."""
        maps = self.sort_map()
        out: list[tuple[int, ...] | None] = []
        for element in model.elements:
            entry = maps.get(element.sort)
            out.append(None if entry is None or entry[1] == tuple(range(len(entry[1]))) else entry[1])
        return out

    def apply(self, model: Model, state: tuple[int, ...]) -> tuple[int, ...]:
        """The image of a state given as element values."""
        out = list(state)
        for e, (target, values) in enumerate(zip(self.slots, self.value_maps(model))):
            value = state[e]
            if values is not None:
                lo = bounds(model.elements[e].sort)[0]
                value = values[value - lo] + lo
            out[target] = value
        return tuple(out)

    def is_identity(self) -> bool:
        return self.slots == tuple(range(len(self.slots))) and all(
            source == target and values == tuple(range(len(values))) for source, target, values in self.sorts)


def compose(outer: Permutation, inner: Permutation) -> Permutation:
    """``outer`` after ``inner``."""
    slots = tuple(outer.slots[s] for s in inner.slots)
    outer_map, inner_map = outer.sort_map(), inner.sort_map()
    sorts = []
    for source in {*inner_map, *outer_map}:
        middle, first = inner_map.get(source, (source, None))
        target, second = outer_map.get(middle, (middle, None))
        size = len(first if first is not None else second if second is not None else ())
        first = first if first is not None else tuple(range(size))
        values = first if second is None else tuple(second[v] for v in first)
        sorts.append((source, target, values))
    sorts.sort(key=lambda entry: repr(entry[0]))
    return Permutation(f"{outer.name}·{inner.name}", slots, tuple(sorts))


def group(generators: Iterable[Permutation], limit: int = MAX_GROUP) -> list[Permutation] | None:
    """Every element of the group the generators generate, the identity first; None if
    it has more than ``limit`` elements."""
    generators = list(generators)
    if not generators:
        return []
    size = len(generators[0].slots)
    identity = Permutation("id", tuple(range(size)), ())
    seen = {_key(identity): identity}
    frontier = [identity]
    while frontier:
        fresh = []
        for element in frontier:
            for generator in generators:
                product = compose(generator, element)
                key = _key(product)
                if key not in seen:
                    seen[key] = product
                    fresh.append(product)
                    if len(seen) > limit:
                        return None
        frontier = fresh
    return list(seen.values())


def _key(p: Permutation) -> tuple:
    return p.slots, tuple(sorted((repr(s), repr(t), v) for s, t, v in p.sorts
                                 if not (s == t and v == tuple(range(len(v))))))


# ------------------------------------------------------------------ candidates


def transpositions(model: Model) -> list[Permutation]:
    """One candidate per pair of members of ``Task`` and of ``Cpu``: rename the two in
    every enum sort that has both, move the arrays indexed by them and the per-task
    variables ``a.x`` ↔ ``b.x``.  Candidates need not be automorphisms."""
    sorts = _sorts(model)
    out = []
    for base in (s for s in sorts if isinstance(s, EnumSort) and s.name in SYMMETRIC_SORTS):
        members = base.members
        for i in range(len(members)):
            for j in range(i + 1, len(members)):
                candidate = _transposition(model, sorts, members[i], members[j])
                if candidate is not None:
                    out.append(candidate)
    return out


def _sorts(model: Model) -> list[Sort]:
    seen: dict[Sort, None] = {}
    for variable in model.variables:
        seen.setdefault(variable.sort, None)
        if variable.index is not None:
            seen.setdefault(variable.index, None)
    return list(seen)


def _transposition(model: Model, sorts: list[Sort], a: str, b: str) -> Permutation | None:
    sort_maps: list[tuple[Sort, Sort, tuple[int, ...]]] = []
    for sort in sorts:
        if isinstance(sort, EnumSort) and a in sort.members and b in sort.members:
            values = list(range(sort.size))
            ia, ib = sort.value_of(a), sort.value_of(b)
            values[ia], values[ib] = ib, ia
            sort_maps.append((sort, sort, tuple(values)))
    renamed = {s: (t, v) for s, t, v in sort_maps}
    slots = list(range(len(model.elements)))
    names = {v.name: v for v in model.variables}
    for variable in model.variables:
        if variable.index is not None and variable.index in renamed:
            values = renamed[variable.index][1]
            for position, index in enumerate(variable.index.values()):
                slots[model.slot(variable.name, index)] = model.slot(variable.name, variable.index.values()[values[position]])
        for own, other in ((a, b), (b, a)):
            prefix = f"{own}."
            if variable.name.startswith(prefix) and variable.index is None:
                partner = names.get(f"{other}.{variable.name[len(prefix):]}")
                if partner is None or partner.index is not None or partner.sort.size != variable.sort.size:
                    return None
                slots[model.slot(variable.name, None)] = model.slot(partner.name, None)
                if partner.sort != variable.sort:
                    entry = (variable.sort, partner.sort, tuple(range(variable.sort.size)))
                    if variable.sort in renamed and entry not in sort_maps:
                        return None
                    if entry not in sort_maps:
                        sort_maps.append(entry)
                        renamed[variable.sort] = entry[1:]
    if sorted(slots) != list(range(len(slots))) or len(sort_maps) == 0:
        return None
    return Permutation(f"{a}<->{b}", tuple(slots), tuple(sort_maps))


# ------------------------------------------------------------------ the check


class NotSymmetric(Exception):
    """An expression that this permutation cannot be applied to syntactically."""


class _Image(Walker[tuple]):
    """A normal form of an expression's image under a permutation (the identity: of the
    expression itself), as a hashable key."""

    memoize = True

    def __init__(self, model: Model, perm: Permutation):
        self.model = model
        self.perm = perm
        self.maps = perm.sort_map()

    def _value_sort(self, sort: Sort) -> tuple[Sort, tuple[int, ...] | None]:
        target, values = self.maps.get(sort, (sort, None))
        return target, values

    def walk_Const(self, node: ir.Const):
        target, values = self._value_sort(node.sort)
        if values is None:
            return ("c", target, node.value)
        lo = bounds(node.sort)[0]
        return ("c", target, values[node.value - lo] + lo)

    def walk_Read(self, node: ir.Read):
        if node.index is None or isinstance(node.index, ir.Const):
            index = None if node.index is None else node.index.value
            return ("r", self.perm.slots[self.model.slot(node.var, index)])
        self._dynamic_ok(node.var)
        return ("d", node.var, (yield node.index))

    def _dynamic_ok(self, var: str) -> None:
        """A read or write at a computed index maps to the same array at the index's image:
        only if the permutation moves the array's elements exactly that way."""
        variable = self.model.var(var)
        index_sort = variable.index
        target, values = self._value_sort(index_sort)
        if target != index_sort:
            raise NotSymmetric(f"{var}: its index sort is mapped to another sort")
        for position, index in enumerate(index_sort.values()):
            image = index_sort.values()[values[position]] if values is not None else index
            if self.perm.slots[self.model.slot(var, index)] != self.model.slot(var, image):
                raise NotSymmetric(f"{var}: elements not moved along with their index")

    def walk_Not(self, node: ir.Not):
        return ("not", (yield node.arg))

    def _set(self, tag: str, args):
        keys = []
        for arg in args:
            keys.append((yield arg))
        return tag, frozenset(keys)

    def walk_And(self, node: ir.And):
        return (yield from self._set("and", node.args))

    def walk_Or(self, node: ir.Or):
        return (yield from self._set("or", node.args))

    def walk_Eq(self, node: ir.Eq):
        return (yield from self._set("eq", (node.left, node.right)))

    def _ordered(self, tag: str, node, operands):
        for operand in operands:
            sort = _sort_of(operand)
            if sort is not None and self._value_sort(sort)[1] is not None:
                raise NotSymmetric(f"{tag} over renamed members of {sort.name}")
        out = [tag]
        for operand in operands:
            out.append((yield operand))
        return tuple(out)

    def walk_Lt(self, node: ir.Lt):
        return (yield from self._ordered("lt", node, (node.left, node.right)))

    def walk_Le(self, node: ir.Le):
        return (yield from self._ordered("le", node, (node.left, node.right)))

    def walk_Add(self, node: ir.Add):
        return (yield from self._ordered("add", node, (node.left, node.right)))

    def walk_Sub(self, node: ir.Sub):
        return (yield from self._ordered("sub", node, (node.left, node.right)))

    def walk_Ite(self, node: ir.Ite):
        return ("ite", (yield node.cond), (yield node.then), (yield node.else_))


def _sort_of(node: ir.Expr) -> Sort | None:
    while isinstance(node, ir.Ite):
        node = node.then
    return getattr(node, "sort", None)


def _action_key(image: _Image, action: Action) -> tuple:
    updates = []
    for update in action.updates:
        if update.index is None or isinstance(update.index, ir.Const):
            index = None if update.index is None else update.index.value
            target: tuple = ("r", image.perm.slots[image.model.slot(update.var, index)])
        else:
            image._dynamic_ok(update.var)
            target = ("d", update.var, image.walk(update.index))
        updates.append((target, image.walk(update.value)))
    static = [t for t, _ in updates if t[0] == "r"]
    distinct = len(static) == len(updates) and len(set(static)) == len(static)
    return image.walk(action.guard), (frozenset(updates) if distinct else tuple(updates))


def automorphism(model: Model, properties: Iterable[Property], perm: Permutation) -> str | None:
    """None if ``perm`` maps the model's guarded commands onto the same set and each
    property's bad predicates onto themselves; else why not."""
    problem = _well_formed(model, perm)
    if problem:
        return problem
    identity = Permutation("id", tuple(range(len(model.elements))), ())
    same, image = _Image(model, identity), _Image(model, perm)
    try:
        originals = Counter(_action_key(same, a) for a in model.actions)
        images = Counter(_action_key(image, a) for a in model.actions)
        if originals != images:
            return f"{perm.name} does not map the actions onto themselves"
        for prop in properties:
            for predicate in (prop.bad, prop.state_bad):
                if same.walk(predicate) != image.walk(predicate):
                    return f"{perm.name} does not map property {prop.name} onto itself"
    except NotSymmetric as why:
        return f"{perm.name}: {why}"
    return None


def _well_formed(model: Model, perm: Permutation) -> str | None:
    """The permutation is a bijection of elements whose sorts it maps consistently."""
    n = len(model.elements)
    if len(perm.slots) != n or sorted(perm.slots) != list(range(n)):
        return f"{perm.name}: not a bijection of the elements"
    maps = perm.sort_map()
    if len(maps) != len(perm.sorts):
        return f"{perm.name}: a sort mapped twice"
    for source, target, values in perm.sorts:
        if source.size != target.size or sorted(values) != list(range(source.size)):
            return f"{perm.name}: {source.name} not mapped one to one onto {target.name}"
    for e, element in enumerate(model.elements):
        image = model.elements[perm.slots[e]].sort
        if maps.get(element.sort, (element.sort,))[0] != image:
            return f"{perm.name}: {element.name} moved to an element of another sort"
    return None


def action_map(model: Model, perm: Permutation) -> list[int]:
    """For each action, an action that is its image (``perm`` an automorphism)."""
    identity = Permutation("id", tuple(range(len(model.elements))), ())
    same, image = _Image(model, identity), _Image(model, perm)
    where: dict[tuple, list[int]] = {}
    for i, action in enumerate(model.actions):
        where.setdefault(_action_key(same, action), []).append(i)
    return [where[_action_key(image, action)][0] for action in model.actions]


def image_key(model: Model, perm: Permutation | None, expr: ir.Expr) -> tuple | None:
    """The normal form of ``expr``'s image under ``perm`` (None: of ``expr``), or None if
    the permutation cannot be applied to it."""
    perm = perm or Permutation("id", tuple(range(len(model.elements))), ())
    try:
        return _Image(model, perm).walk(expr)
    except NotSymmetric:
        return None
