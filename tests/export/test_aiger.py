"""The AIGER export and its bit-blaster: the written file, decoded and simulated here, steps
exactly as the reference semantics does; every expression's word evaluates to the
reference value, and its error literal is set exactly where the reference evaluator
raises; ABC reads the file with the export's inputs, output and latches; what ABC writes
back reads as the model's states."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer import semantics
from explorer.export.aig import Aig
from explorer.export.aiger import AigerExport, to_aiger
from explorer.export.aiger_read import AigerReadError, read_cex, read_equivalences, read_invariant
from explorer.export.bitblast import Blaster, Words, signed_width
from explorer.ir import expr as ir
from explorer.ir.model import Action, Model, StateVar, Update
from explorer.ir.readable import Clause
from explorer.ir.sorts import BOOL, BoolSort, EnumSort, IntSort, bounds
from support.smt_models import bystander
from support.strategies import models, origin

ABC = shutil.which("berkeley-abc") or shutil.which("abc")
GENERATED = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))


# --------------------------------------------------------------------------- AIGER, decoded


def decode(data: bytes):
    """A binary AIGER file as (inputs, latches' next literals, outputs, gates)."""
    header, _, rest = data.partition(b"\n")
    kind, m, i, l, o, a = header.split()
    assert kind == b"aig"
    i, l, o, a = int(i), int(l), int(o), int(a)
    lines = rest.split(b"\n", l + o)
    nexts = [int(x) for x in lines[:l]]
    outputs = [int(x) for x in lines[l:l + o]]
    body = lines[l + o]
    gates, position = [], 0
    for k in range(a):
        deltas = []
        for _ in range(2):
            value, shift = 0, 0
            while True:
                byte = body[position]
                position += 1
                value |= (byte & 0x7F) << shift
                shift += 7
                if not byte & 0x80:
                    break
            deltas.append(value)
        lhs = 2 * (i + l + 1 + k)
        r0 = lhs - deltas[0]
        gates.append((lhs, r0, r0 - deltas[1]))
    return i, nexts, outputs, gates


def simulate(decoded, inputs: list[int], latches: list[int]) -> tuple[list[int], list[int]]:
    """One step: the latches' next values and the outputs."""
    i, nexts, outputs, gates = decoded
    value = {0: 0}
    for k, bit in enumerate(inputs + latches, start=1):
        value[k] = bit

    def lit(literal: int) -> int:
        return value[literal >> 1] ^ (literal & 1)

    for lhs, r0, r1 in gates:
        value[lhs >> 1] = lit(r0) & lit(r1)
    return [lit(n) for n in nexts], [lit(o) for o in outputs]


def stored(export: AigerExport, state) -> list[int]:
    """The latch values that hold ``state`` after the first step."""
    bits = []
    for slot, bit in export.latches:
        if slot < 0:
            bits.append(1)
            continue
        code = export.encodings[slot]
        bits.append((((state[slot] - code.lo) ^ code.default) >> bit) & 1)
    return bits


def read_back(export: AigerExport, latches: list[int]) -> tuple[int, ...]:
    per_slot: dict[int, dict[int, int]] = {}
    for (slot, bit), value in zip(export.latches, latches):
        if slot >= 0:
            per_slot.setdefault(slot, {})[bit] = value
    return tuple(export.element_value(slot, per_slot.get(slot, {}))
                 for slot in range(len(export.encodings)))


def selector(export: AigerExport, number: int) -> list[int]:
    inputs = [0] * len(export.inputs)
    for k, position in enumerate(export.select):
        inputs[position] = (number >> k) & 1
    return inputs


def reachable(model: Model, limit: int = 60) -> list[tuple[int, ...]]:
    seen = list(semantics.initial_states(model))
    frontier = list(seen)
    while frontier and len(seen) < limit:
        frontier = [new for state in frontier for _, new in semantics.successors(model, state)
                    if new not in seen]
        for state in frontier:
            if state not in seen:
                seen.append(state)
    return seen[:limit]


@GENERATED
@given(models())
def test_the_exported_step_is_the_reference_step(model):
    prop = model.properties[0]
    export = to_aiger(model, prop)
    decoded = decode(export.data)
    assert len(decoded[1]) == len(export.latches) and decoded[0] == len(export.inputs)
    for state in reachable(model):
        latches = stored(export, state)
        for number in range(len(model.actions) + 1):  # the last: no action, a stutter
            nxt, (out,) = simulate(decoded, selector(export, number), latches)
            action = model.actions[number] if number < len(model.actions) else None
            want = state
            if action is not None and semantics.enabled(model, action, state):
                want = semantics.apply(model, action, state)
            assert read_back(export, nxt) == want, (state, action)
            assert out == int(semantics.is_bad(model, prop, state))


@GENERATED
@given(models())
def test_the_first_frame_chooses_every_initial_state_and_only_those(model):
    export = to_aiger(model, None)
    decoded = decode(export.data)
    stutter = len(model.actions)  # the selector value that names no action
    chosen = set()
    positions = [p for _, ps in export.choice for p in ps]
    for pattern in range(2 ** min(len(positions), 8)):
        inputs = selector(export, stutter)
        for k, p in enumerate(positions[:8]):
            inputs[p] = (pattern >> k) & 1
        nxt, _ = simulate(decoded, inputs, [0] * len(export.latches))
        chosen.add(read_back(export, nxt))
        assert read_back(export, nxt) == export.initial_state(inputs)
    if len(positions) <= 8:
        assert chosen == set(semantics.initial_states(model))


# ----------------------------------------------------------------------- the bit-blaster


def _symbolic(model: Model):
    """A blaster whose elements are inputs, one signed word per element."""
    aig = Aig()
    words = []
    for element in model.elements:
        lo, hi = bounds(element.sort)
        words.append([aig.input(f"{element.name}[{k}]") for k in range(signed_width(lo, hi))])
    return aig, words, Blaster(model, Words(aig), lambda slot: words[slot])


def _evaluate_aig(aig: Aig, words, state, literals: list[int]) -> list[int]:
    value = {0: 0}
    for word, v in zip(words, state):
        for k, literal in enumerate(word):
            value[literal >> 1] = (v >> k) & 1  # two's complement bits
    for lhs, a, b in aig.gates:
        value[lhs >> 1] = (value[a >> 1] ^ (a & 1)) & (value[b >> 1] ^ (b & 1))
    return [value[literal >> 1] ^ (literal & 1) for literal in literals]


def _signed(bits: list[int]) -> int:
    raw = sum(b << k for k, b in enumerate(bits))
    return raw - (1 << len(bits)) if bits and bits[-1] else raw


def _expressions(model: Model):
    for action in model.actions:
        yield action.guard
        for update in action.updates:
            yield update.value
            if update.index is not None:
                yield update.index
    for prop in model.properties:
        yield prop.bad


def _blasted_equals_reference(model: Model, states, expressions=None) -> None:
    aig, words, blaster = _symbolic(model)
    for expression in expressions or list(_expressions(model)):
        word, error = blaster.walk(expression)
        for state in states:
            *bits, err = _evaluate_aig(aig, words, state, list(word) + [error])
            try:
                want = semantics.evaluate(model, expression, state)
            except semantics.EvaluationError:
                assert err == 1, (expression, state)
                continue
            assert err == 0, (expression, state)
            got = int(any(bits)) if isinstance(expression.sort, BoolSort) else _signed(bits)
            assert got == want, (expression, state)


@GENERATED
@given(models(), st.randoms(use_true_random=False))
def test_blasted_expressions_evaluate_to_the_reference_value(model, rng):
    states = [tuple(rng.choice(list(e.sort.values())) for e in model.elements) for _ in range(12)]
    _blasted_equals_reference(model, states)


def test_an_index_outside_its_sort_is_an_error_only_where_it_is_evaluated():
    index = IntSort(0, 2)
    value = EnumSort("d", ("a", "b", "c"))
    arr = StateVar("arr", value, index, ((0,), (1,), (2,)))
    ptr = StateVar("ptr", IntSort(0, 3), None, ((0,),))
    flag = StateVar("flag", BOOL, None, ((0,),))
    read = ir.Read("arr", ir.Read("ptr", None, ptr.sort), value)
    guarded = ir.And((ir.Read("flag", None, BOOL), ir.Eq(read, ir.Const(value, 1))))
    shifted = ir.Read("arr", ir.Sub(ir.Read("ptr", None, ptr.sort), ir.Const(ptr.sort, 1), IntSort(-1, 2)), value)
    action = Action("a", guarded, (Update("ptr", None, ir.Const(ptr.sort, 3)),), origin("a"))
    model = Model("m", (arr, ptr, flag), (action,), ())
    states = [(a, b, c, p, f) for a in range(3) for b in range(3) for c in range(3)
              for p in range(4) for f in range(2)]
    _blasted_equals_reference(model, states, [read, guarded, shifted, ir.Not(guarded)])


# ------------------------------------------------------------------- ABC reads it back


@pytest.mark.skipif(ABC is None, reason="ABC not installed (Debian package berkeley-abc)")
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
@given(models())
def test_abc_reads_the_export_with_its_inputs_output_and_latches(tmp_path_factory, model):
    export = to_aiger(model, model.properties[0])
    path = tmp_path_factory.mktemp("aiger") / "m.aig"
    path.write_bytes(export.data)
    ran = subprocess.run([ABC, "-c", f"read_aiger {path}; print_stats"], capture_output=True,
                         text=True, timeout=60)
    stats = ran.stdout.replace(" ", "")
    assert f"i/o={len(export.inputs)}/1" in stats, ran.stdout
    assert f"lat={len(export.latches)}" in stats, ran.stdout


# -------------------------------------------------------------- ABC's files, read back


def _small():
    flag = StateVar("flag", BOOL, None, ((0,),))
    n = StateVar("n", IntSort(1, 3), None, ((1, 2),))
    step = Action("step", ir.TRUE, (Update("flag", None, ir.TRUE),), origin("step"))
    return Model("small", (flag, n), (step,), ())


def test_an_invariant_cube_reads_as_a_clause_over_elements():
    model = _small()
    export = to_aiger(model, None)
    names = " ".join(export.latch_names)
    # n is stored as (n - 1) xor 0 in two latches; block "n[1] = 1" (n = 3) and, where
    # _started, "flag = 1 and n[0] = 1" (flag and n = 2)
    rows = ["".join({"n[1]": "1"}.get(name, "-") for name in export.latch_names),
            "".join({"flag[0]": "1", "n[0]": "1", "_started": "1"}.get(name, "-")
                    for name in export.latch_names),
            "".join({"_started": "0"}.get(name, "-") for name in export.latch_names)]
    text = f".i {len(export.latch_names)}\n.o 1\n.ilb {names}\n.ob inv\n" + "".join(f"{r} 1\n" for r in rows) + ".e\n"
    clauses = read_invariant(text, export, model)
    assert len(clauses) == 2  # the cube on "_started = 0" says nothing once started
    flag_slot, n_slot = model.slot("flag", None), model.slot("n", None)
    assert clauses[0].premise == () and clauses[0].body == ((n_slot, frozenset({1, 2})),)
    assert clauses[1].premise == ((flag_slot, frozenset({1})),)  # flag ==> n in {1, 3}
    assert clauses[1].body == ((n_slot, frozenset({1, 3})),)


def test_a_counterexample_reads_as_an_initial_state_and_selections():
    model = _small()
    export = to_aiger(model, None)
    (slot, positions), = export.choice
    lines = [f"{name}@0=0" for name in export.latch_names]
    lines += [f"{export.inputs[p]}@0={1 if k == 0 else 0}" for k, p in enumerate(positions)]
    lines += [f"{export.inputs[p]}@{f}={int(f == 1)}" for f in (0, 1, 2) for p in export.select]
    init, selections = read_cex("\n".join(lines) + "\n", export)
    assert init[slot] == 2
    assert selections == (0, 2 ** len(export.select) - 1)
    with pytest.raises(AigerReadError):
        read_cex("nonsense\n", export)
    with pytest.raises(AigerReadError):
        read_cex("nosuchinput@0=1\n", export)


# ------------------------------------------------------------- the cone of influence


def cone_selector(export: AigerExport, number: int) -> list[int]:
    """The inputs that select the model's action ``number`` in a cone export."""
    return selector(export, export.numbers.index(number))


@GENERATED
@given(models())
def test_the_cone_export_steps_as_the_reference_on_the_cone(model):
    prop = model.properties[0]
    export = to_aiger(model, prop, cone=True)
    decoded = decode(export.data)
    kept = {slot for slot, _ in export.latches if slot >= 0}
    folded = dict(export.constants)
    for state in reachable(model):
        latches = stored(export, state)
        for number in range(len(model.actions)):
            action = model.actions[number]
            want = state
            if semantics.enabled(model, action, state):
                want = semantics.apply(model, action, state)
            if number not in export.numbers:  # writes nothing the property depends on
                assert all(want[slot] == state[slot] for slot in kept | set(folded))
                continue
            nxt, (out,) = simulate(decoded, cone_selector(export, number), latches)
            got = read_back(export, nxt)
            assert all(got[slot] == want[slot] for slot in kept), (state, action)
            assert out == int(semantics.is_bad(model, prop, state))
        assert all(state[slot] == value for slot, value in folded.items())
        stutter = selector(export, len(export.numbers))
        assert export.selected(stutter) == len(model.actions)


def test_the_cone_export_stores_the_cone_and_folds_its_constants():
    model = bystander()
    prop = model.properties[0]
    export = to_aiger(model, prop, cone=True)
    assert export.latch_names == ("flag[0]",) and export.actions == ("breaks",)
    assert export.constants == ((model.slot("armed", None), 0),)
    (clause,) = export.constant_clauses()
    assert clause.premise == () and clause.body == ((model.slot("armed", None), frozenset({0})),)
    assert len(to_aiger(model, prop).latches) == 4  # without the cone: every element


def test_scorr_equivalences_read_as_clauses_over_elements():
    model = _small()
    export = to_aiger(model, None)
    flag_slot, n_slot = model.slot("flag", None), model.slot("n", None)
    text = ("Here are the flop equivalences:\n"
            "Original flop n[1] is proved equivalent to constant.\n"
            "Original flop flag[0] is proved equivalent to flop n[0].\n")
    constant, forth, back = read_equivalences(text, export, model)
    # n is stored as n - 1: n[1] = 0 is n in {1, 2}; flag = 1 iff n[0] = 1, i.e. n = 2
    assert constant == Clause((), ((n_slot, frozenset({1, 2})),))
    assert forth == Clause(((flag_slot, frozenset({1})),), ((n_slot, frozenset({2})),))
    assert back == Clause(((flag_slot, frozenset({0})),), ((n_slot, frozenset({1, 3})),))
    with pytest.raises(AigerReadError):
        read_equivalences("Original flop nosuch[0] is proved equivalent to constant.\n", export, model)
