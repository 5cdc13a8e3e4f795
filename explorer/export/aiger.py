"""The grounded IR as a bit-level transition system in AIGER, with the bad predicate as
its one output (for ABC's ``pdr`` and ``bmc3``).

Encoding, chosen so that every latch resets to 0 (what ABC's ``pdr`` assumes):

* an element of sort ``lo..hi`` is ``width = bits(hi - lo)`` latches holding
  ``(value - lo) xor (initial - lo)``, ``initial`` its first initial value, so the
  all-zero reset state is the model's first initial state (a one-valued sort needs no
  latch at all);
* if some element may start with several values, a latch ``_started`` (reset 0) says that
  the first step was taken; before it, those elements are read from inputs (an input
  pattern that is not one of the allowed initial values reads as the first one), so the
  initial frames are exactly the model's initial states and no extra state is added;
* a step reads the selector inputs ``_sel``: action number ``sel`` fires if its guard
  holds; a selector that names no enabled action leaves the state as it is (stuttering
  changes no reachable set and no invariant).  The selector has a value that names no
  action at all (``bits(n)`` inputs for ``n`` actions), so every state can stutter: the
  first step can then store any initial state in the latches, which is what lets an
  invariant over the latches be read back as one over the model's states;
* the output is ``bad`` or an evaluation error: an array index or a stored value outside
  its sort in a guard or an enabled action, as the reference evaluator would raise
  (``explorer.export.bitblast``), so a proof also proves the model free of them;
* with ``cone=True`` only the property's cone of influence is stored
  (``explorer.export.cone``): latches for its elements, selector values for the actions
  that write them, and only their evaluation errors (range errors elsewhere are the
  ``bounds`` property's business, and the trust gate's re-check ignores them too);
* an element's next value is the disjunction over the actions that write it of "this
  action fires and writes v", or its old value when none does (the selector makes the
  actions exclusive), each a balanced tree: the AIG is about as deep as one action's
  logic, not as the number of actions.

``AigerExport`` keeps the map from latches and inputs back to elements and actions, which
``explorer.engines.abc`` needs to read counterexamples and invariants back.
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.export.aig import FALSE, TRUE, Aig
from explorer.export.bitblast import Blaster, Word, Words, constant, extend, in_sort, signed_width
from explorer.export.cone import Cone, writes_in
from explorer.export.cone import cone as cone_of
from explorer.ir.intervals import Intervals
from explorer.ir.model import Model, Property
from explorer.ir.readable import Clause
from explorer.ir.sorts import bounds


@dataclass(frozen=True)
class Encoding:
    """How one element is stored: ``width`` latches of ``(value - lo) xor default``."""

    lo: int
    hi: int
    width: int
    default: int
    """``initial - lo`` for the first initial value."""
    choices: tuple[int, ...]
    """The initial values (raw, ``value - lo``)."""


@dataclass(frozen=True)
class AigerExport:
    """A model as AIGER bytes, with the maps back to the model."""

    data: bytes
    latches: tuple[tuple[int, int], ...]
    """Per latch in file order: (element slot, bit); slot -1 is ``_started``."""
    encodings: tuple[Encoding, ...]
    """Per element."""
    select: tuple[int, ...]
    """Input positions of the action selector, least significant bit first."""
    choice: tuple[tuple[int, tuple[int, ...]], ...]
    """Per element chosen by inputs before the first step: (slot, its input positions)."""
    actions: tuple[str, ...]
    """The names of the actions the selector chooses from, in selector order."""
    gates: int
    inputs: tuple[str, ...] = ()
    """The inputs' symbol names, in file order (what ABC names them in its files)."""
    latch_names: tuple[str, ...] = ()
    """The latches' symbol names, in file order."""
    numbers: tuple[int, ...] | None = None
    """The model's number of each selectable action (None: all, in the model's order)."""
    stutter: int = 0
    """A number that names no action of the model (the model's action count)."""

    constants: tuple[tuple[int, int], ...] = ()
    """(slot, value) of the elements folded as constants (``explorer.export.cone``)."""

    def constant_clauses(self) -> tuple[Clause, ...]:
        """"Element = its value" for every folded constant: what an invariant of the
        export needs beside its own clauses to be one of the model."""
        return tuple(Clause((), ((slot, frozenset({value})),)) for slot, value in self.constants)

    def element_value(self, slot: int, bits: dict[int, int]) -> int:
        """The value of element ``slot`` from its stored bits (bit -> 0/1)."""
        code = self.encodings[slot]
        raw = sum(bits.get(k, 0) << k for k in range(code.width)) ^ code.default
        return code.lo + raw

    def initial_state(self, inputs0: list[int]) -> tuple[int, ...]:
        """The initial state the first frame's inputs choose."""
        state = [code.lo + code.default for code in self.encodings]
        for slot, positions in self.choice:
            code = self.encodings[slot]
            raw = sum(inputs0[p] << k for k, p in enumerate(positions))
            if raw in code.choices:
                state[slot] = code.lo + raw
        return tuple(state)

    def selected(self, inputs: list[int]) -> int:
        """The model's number of the action a frame's inputs select (``stutter`` or more:
        no action)."""
        value = sum(inputs[p] << k for k, p in enumerate(self.select))
        if self.numbers is None:
            return value
        return self.numbers[value] if value < len(self.numbers) else self.stutter


def _encodings(model: Model) -> tuple[Encoding, ...]:
    out = []
    for element, choices in zip(model.elements, model.initial_choices()):
        lo, hi = bounds(element.sort)
        out.append(Encoding(lo, hi, (hi - lo).bit_length(), choices[0] - lo,
                            tuple(c - lo for c in choices)))
    return tuple(out)


class _Builder:
    def __init__(self, model: Model, kept: Cone | None):
        self.model = model
        self.aig = Aig()
        self.words = Words(self.aig)
        self.codes = _encodings(model)
        self.kept = kept
        self.latch_map: list[tuple[int, int]] = []
        stored: list[list[int]] = []
        for slot, (element, code) in enumerate(zip(model.elements, self.codes)):
            bits = []
            if kept is not None and slot not in kept.slots:
                # never read: stored bits 0, the first initial value
                stored.append([FALSE] * code.width)
                continue
            for k in range(code.width):
                bits.append(self.aig.latch(f"{element.name}[{k}]"))
                self.latch_map.append((slot, k))
            stored.append(bits)
        self.stored = stored
        chosen = [s for s, c in enumerate(self.codes) if len(c.choices) > 1
                  and (kept is None or s in kept.slots)]
        self.started = None
        if chosen:
            self.started = self.aig.latch("_started")
            self.latch_map.append((-1, 0))
        self.choice = []
        self.raw: list[list[int]] = []
        for slot, code in enumerate(self.codes):
            raw = [bit ^ ((code.default >> k) & 1) for k, bit in enumerate(stored[slot])]
            if slot in chosen:
                inputs = [self.aig.input(f"_init:{model.elements[slot].name}[{k}]")
                          for k in range(code.width)]
                positions = tuple(len(self.aig.inputs) - code.width + k for k in range(code.width))
                self.choice.append((slot, positions))
                word = inputs + [FALSE]
                allowed = self.aig.any(self.words.equals_constant(word, c) for c in code.choices)
                picked = self.words.mux(allowed, word, constant(code.default, code.width + 1))
                raw = [self.aig.mux(self.started, r, p) for r, p in zip(raw, picked)]
            self.raw.append(raw)
        self.values = [self._signed(slot) for slot in range(len(self.codes))]
        self.blaster = Blaster(model, self.words, lambda slot: self.values[slot])

    def _signed(self, slot: int) -> Word:
        code = self.codes[slot]
        word = self.raw[slot] + [FALSE]
        if code.lo == 0:
            return word
        return self.words.add(word, constant(code.lo, signed_width(code.lo, code.lo)),
                              signed_width(code.lo, code.hi))

    def stored_next(self, slot: int, value: Word) -> list[int]:
        code = self.codes[slot]
        raw = value if code.lo == 0 else self.words.sub(
            value, constant(code.lo, signed_width(code.lo, code.lo)), len(value) + 1)
        raw = extend(raw, code.width)
        return [bit ^ ((code.default >> k) & 1) for k, bit in enumerate(raw)]

    def build(self, prop: Property | None) -> tuple[int, int]:
        """Next states of every latch; the bad output and the evaluation-error literal."""
        model, aig, blast = self.model, self.aig, self.blaster.walk
        numbers = range(len(model.actions)) if self.kept is None else self.kept.actions
        n = len(numbers)
        width = max(1, n.bit_length())  # value n names no action: every state can stutter
        select = [aig.input(f"_sel[{k}]") for k in range(width)]
        self.select = tuple(len(aig.inputs) - width + k for k in range(width))
        chosen = aig.decode(select, n)
        intervals = Intervals(model)
        writes: dict[int, list[tuple[int, Word]]] = {}
        errors = []
        for position, number in enumerate(numbers):
            action = model.actions[number]
            guard, guard_err = blast(action.guard)
            enabled = self.blaster.truth(guard)
            fire = aig.and_(chosen[position], enabled)
            new: dict[int, Word] = {}
            update_errs = []
            updates = action.updates if self.kept is None else \
                writes_in(model, action, self.kept.slots)
            for update in updates:
                value, err = blast(update.value)
                variable = model.var(update.var)
                lo, hi = bounds(variable.sort)
                span = intervals.walk(update.value)
                if span is None or span[0] < lo or span[1] > hi:
                    err = aig.or_(err, in_sort(self.words, value, lo, hi) ^ 1)
                if update.index is None:
                    new[model.slot(update.var, None)] = value
                else:
                    index, index_err = blast(update.index)
                    hits = []
                    for k in variable.index.values():
                        slot = model.slot(update.var, k)
                        hit = self.words.equals_constant(index, k)
                        hits.append(hit)
                        new[slot] = self.words.mux(hit, value, new.get(slot, self.values[slot]))
                    err = aig.or_(err, aig.or_(index_err, aig.any(hits) ^ 1))
                update_errs.append(err)
            errors.append(aig.or_(guard_err, aig.and_(enabled, aig.any(update_errs))))
            for slot, value in new.items():
                writes.setdefault(slot, []).append((fire, value))
        for slot, bits in enumerate(self.stored):
            if self.kept is not None and slot not in self.kept.slots:
                continue
            value = self._next(self.values[slot], writes.get(slot, []))
            for latch, literal in zip(bits, self.stored_next(slot, value)):
                aig.set_next(latch, literal)
        if self.started is not None:
            aig.set_next(self.started, TRUE)
        error = aig.any(errors)
        bad = FALSE
        if prop is not None:
            value, bad_err = blast(prop.bad)
            bad = aig.or_(self.blaster.truth(value), bad_err)
        return aig.or_(bad, error), error

    def _next(self, old: Word, writes: list[tuple[int, Word]]) -> Word:
        """``old``, or the value written by the action that fires (at most one does)."""
        if not writes:
            return old
        width = max(len(old), *(len(value) for _, value in writes))
        kept = self.aig.any(fire for fire, _ in writes) ^ 1
        terms = [(kept, extend(old, width))] + [(fire, extend(value, width)) for fire, value in writes]
        return [self.aig.any(self.aig.and_(fire, value[k]) for fire, value in terms)
                for k in range(width)]


def to_aiger(model: Model, prop: Property | None, cone: bool = False) -> AigerExport:
    """``model`` as binary AIGER whose output 0 is ``prop``'s bad predicate or an
    evaluation error (only the evaluation errors when ``prop`` is None); with ``cone``,
    of ``prop``'s cone of influence only."""
    kept = None if not cone or prop is None else cone_of(model, prop.bad)
    builder = _Builder(model, kept)
    bad, _ = builder.build(prop)
    name = "bad" if prop is None else f"bad:{prop.name}"
    builder.aig.output(bad, name)
    comments = [f"{model.name}: exported by explorer from the grounded IR",
                "parameters: " + ", ".join(f"{k}={v}" for k, v in model.params),
                f"latches: (value - lo) xor (initial - lo) per element; inputs _sel select an action"]
    numbers = tuple(range(len(model.actions))) if kept is None else kept.actions
    if kept is not None:
        comments.append(f"cone of influence of {prop.name}: {len(kept.slots)} of "
                        f"{len(model.elements)} elements, {len(numbers)} of {len(model.actions)} actions")
    for position, number in enumerate(numbers):
        action = model.actions[number]
        span = action.origin.span
        where = "" if span is None else f" {span.file}:{span.line}"
        comments.append(f"action {position}: {action.name}{where}")
    return AigerExport(
        data=builder.aig.binary(comments),
        latches=tuple(builder.latch_map),
        encodings=builder.codes,
        select=builder.select,
        choice=tuple(builder.choice),
        actions=tuple(model.actions[number].name for number in numbers),
        gates=len(builder.aig.gates),
        inputs=tuple(name for _, name in builder.aig.inputs),
        latch_names=tuple(name for _, name in builder.aig.latches),
        numbers=None if kept is None else kept.actions,
        constants=() if kept is None else kept.constants,
        stutter=len(model.actions),
    )
