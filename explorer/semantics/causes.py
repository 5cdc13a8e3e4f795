"""What a trace says about the cause of its violation, computed on the reference semantics.

Three facts, each read off the states replay has executed (nothing is guessed):

* **owners**: where each owner's data is (which registers and buffers hold it), at the
  start and after every step that moves some owner's data.  The *data sort* is the enum
  that registers and buffers hold: among the enum sorts of visible elements that some
  action writes, leaving out those that name tasks or CPUs (array index sorts and their
  ``?`` options), the one most elements have (``Data`` in the bundled specs).  Its
  *places* are those elements; its first member is nobody's data (``garbage``: the
  language's convention for a place no owner has written), every other member is an
  owner.  An owner that some place held before a step and none holds after it has lost
  its data at that step.
* **cause** of the violating step: the owners whose data that step lost, or, for a step
  that a range check blocks (``bounds``), the variable and the value the step would give it;
* **also violated**: the first step at which each *other* invariant of the model fails
  along the run (one of its step sites fires there, or its state part becomes false), so
  that a trace does not run silently through another failed assertion.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from explorer.ir import Action, EnumSort, Model, Property, in_range
from explorer.ir.sorts import bounds
from explorer.semantics.reference import EvaluationError, State, evaluate, slot
from explorer.verdict import Owners, Trace, TraceNote, TraceStep


@dataclass(frozen=True)
class DataPlaces:
    """The data sort, its owners (member values) and its places (element positions)."""

    sort: EnumSort
    owners: tuple[int, ...]
    places: tuple[int, ...]

    def where(self, model: Model, state: State) -> dict[int, tuple[str, ...]]:
        """Owner value -> names of the places holding it in ``state`` (in element order)."""
        out: dict[int, list[str]] = {owner: [] for owner in self.owners}
        for position in self.places:
            value = state[position]
            if value in out:
                out[value].append(model.elements[position].name)
        return {owner: tuple(names) for owner, names in out.items()}


def data_places(model: Model) -> DataPlaces | None:
    """The data sort and its places (see the module doc), or None if the model has none."""
    written = {u.var for a in model.actions for u in a.updates}
    index_members = [set(v.index.members) for v in model.variables
                     if isinstance(v.index, EnumSort)]
    counts: dict[EnumSort, list[int]] = {}
    for position, element in enumerate(model.elements):
        sort = element.sort
        if element.hidden or element.var not in written or not isinstance(sort, EnumSort):
            continue
        if any(members <= set(sort.members) for members in index_members):
            continue  # a task, a CPU, or an option of one: a pointer, not data
        counts.setdefault(sort, []).append(position)
    if not counts:
        return None
    sort, places = max(counts.items(), key=lambda item: (len(item[1]), item[0].name))
    if sort.size < 2:
        return None
    return DataPlaces(sort, tuple(range(1, sort.size)), tuple(places))


def _owners(data: DataPlaces, model: Model, before: State | None, after: State) -> Owners:
    """The owners whose places differ between ``before`` and ``after`` (all of them
    without ``before``), with their places in ``after``."""
    now = data.where(model, after)
    then = data.where(model, before) if before is not None else None
    return tuple((data.sort.members[o], now[o]) for o in data.owners
                 if then is None or then[o] != now[o])


def _lost(data: DataPlaces, model: Model, before: State, after: State) -> list[str]:
    then, now = data.where(model, before), data.where(model, after)
    return [f"{data.sort.members[o]}'s data is lost: its last copy ({', '.join(then[o])}) "
            "is overwritten here" for o in data.owners if then[o] and not now[o]]


def out_of_range(model: Model, action: Action, state: State) -> str | None:
    """``vcpu.preempt_count would become 4, outside 0..3`` for the first update of
    ``action`` whose value in ``state`` leaves its element's sort; None if there is none."""
    for update in action.updates:
        try:
            index = None if update.index is None else evaluate(model, update.index, state)
            element = model.elements[slot(model, update.var, index)]
            value = evaluate(model, update.value, state)
        except EvaluationError:
            continue
        if not in_range(element.sort, value):
            lo, hi = bounds(element.sort)
            return f"{element.name} would become {value}, outside {lo}..{hi}"
    return None


def _holds(model: Model, expr, state: State) -> bool:
    """``expr`` in ``state``; an expression that cannot be evaluated there does not hold
    (the engines' bad predicates are the property's own, not these notes)."""
    try:
        return bool(evaluate(model, expr, state))
    except EvaluationError:
        return False


def _also_violated(model: Model, prop: Property, states: tuple[State, ...],
                   actions: tuple[str, ...]) -> dict[int, list[TraceNote]]:
    """Step number -> the other invariants that first fail at that step."""
    out: dict[int, list[TraceNote]] = {}
    for other in model.properties:
        if other.name == prop.name or other.kind != "invariant":
            continue
        for number, name in enumerate(actions, start=1):
            before = states[number - 1]
            after = states[number] if number < len(states) else None
            fired = next((site.message for site in other.sites
                          if site.action == name and _holds(model, site.when, before)), None)
            if fired is None and after is not None and not _holds(model, other.state_bad, before) \
                    and _holds(model, other.state_bad, after):
                fired = other.text or other.name
            if fired is not None:
                out.setdefault(number, []).append(
                    TraceNote("also_violated", f"{other.name} fails here too: {fired}", other.name))
                break
    return out


def annotate(model: Model, prop: Property, trace: Trace) -> Trace:
    """``trace`` (replayed, with its raw states) with owners, the cause of its violating
    step and the other invariants that fail along it."""
    states = trace.raw_states
    data = data_places(model)
    also = _also_violated(model, prop, states, trace.actions)
    steps: list[TraceStep] = []
    for step in trace.steps:
        number = step.index
        before = states[number - 1]
        after = states[number] if number < len(states) else None
        notes: list[TraceNote] = []
        if step.violation is not None:
            if after is None:
                said = out_of_range(model, model.action(step.action), before)
                if said:
                    notes.append(TraceNote("cause", said))
            elif data is not None:
                notes += [TraceNote("cause", text) for text in _lost(data, model, before, after)]
        notes += also.get(number, [])
        owners = _owners(data, model, before, after) if data is not None and after is not None else ()
        steps.append(replace(step, owners=owners, notes=tuple(notes)))
    start = _owners(data, model, None, states[0]) if data is not None and states else ()
    return replace(trace, steps=tuple(steps), owners=start)
