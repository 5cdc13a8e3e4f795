"""Symmetry reduction: sound (same verdicts and shortest depths as the full search, traces
that replay), found where tasks or CPUs are interchangeable and refused where they are
not, and re-checked by the trust gate, which refuses a false symmetry."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.engines import Options
from explorer.engines.base import Found, Safe
from explorer.engines.explicit import check, explore
from explorer.engines.explicit.symmetry import generators
from explorer.ir.symmetry import Permutation, automorphism, transpositions
from explorer.lang import load_spec
from explorer.trust.gate import judge
from explorer.verdict import Proved, Unknown, Violated

FULL, REDUCED = Options(reduction="none"), Options(reduction="symmetry")


def _load(tmp_path, text: str):
    path = tmp_path / "sym.kp"
    path.write_text(text)
    return load_spec(str(path)).model


@st.composite
def symmetric_specs(draw) -> str:
    """Two interchangeable tasks (one thread with ``count 2``) beside a distinct one, on
    one or two CPUs, with random steps, an optional softirq and a preemption rule."""
    cpus = draw(st.sampled_from([1, 2]))
    statements = [
        "save(current.buf)", "restore(current.buf)", "regs = current.data", "flag = !flag",
        "if n < 2 { n = n + 1 } else { n = 0 }", "preempt_disable()\n        preempt_enable()",
        "either { skip } or { flag = true }", "assert mine: regs == current.data",
        "if regs == current.data { skip } else { restore(current.buf) }", "assume n < 2\n        skip",
    ]
    lines = [
        f"param cpus: 1..4 = {cpus}",
        "enum Data { garbage, a, b, c }",
        "percpu var regs: Data = current.data",
        "task var data: Data = garbage",
        "task var buf: Data = garbage",
        "var n: 0..2 = 0",
        "var flag: bool = false",
        "fn save(dst: &Data) { dst = regs }",
        "fn restore(src: Data) { regs = src }",
        "fn context_switch(prev: Task, next: Task) {",
        "    " + draw(st.sampled_from(["save(prev.buf)", "skip"])),
        "    " + draw(st.sampled_from(["restore(next.buf)", "skip"])),
        "}",
    ]
    for head in ('thread main with data = a, buf = a {', 'thread worker count 2 with data = b, buf = b {'):
        body = [draw(st.sampled_from(statements)) for _ in range(draw(st.integers(1, 3)))]
        lines += [head, "    loop {", *(f"        {s}" for s in body), "    }", "}"]
    if draw(st.booleans()):
        lines.append("softirq noise when " + draw(st.sampled_from(["true", "flag", "n == 1"]))
                     + " { " + draw(st.sampled_from(["regs = c", "save(current.buf)", "n = 0"])) + " }")
    lines.append('property mine "tasks find their own data"')
    lines.append("property kept: always " + draw(st.sampled_from(
        ["n <= 1", "!(flag && n == 2)", "(exists t: Task :: t.buf == c) ==> flag"])))
    lines.append("property no_save_of_c: never save(d) when regs == c")
    return "\n".join(lines) + "\n"


def _depth_or_states(model, prop, options):
    result = check(model, prop, options)
    judged = judge(model, prop, result).outcome
    assert not isinstance(judged, Unknown), judged
    if isinstance(judged, Violated):
        return "violated", judged.depth
    assert isinstance(judged, Proved)
    return "proved", None


@settings(max_examples=25, deadline=None)
@given(symmetric_specs())
def test_reduced_search_gives_the_full_searchs_verdicts_and_depths(tmp_path_factory, text):
    model = _load(tmp_path_factory.mktemp("sym"), text)
    for prop in model.properties:
        assert _depth_or_states(model, prop, REDUCED) == _depth_or_states(model, prop, FULL), (prop.name, text)


@settings(max_examples=10, deadline=None)
@given(symmetric_specs())
def test_reduced_exploration_reports_what_the_full_one_does(tmp_path_factory, text):
    model = _load(tmp_path_factory.mktemp("sym"), text)
    full, reduced = explore(model, FULL), explore(model, REDUCED)
    assert reduced.states <= full.states <= reduced.represented
    assert reduced.actions_never_enabled == full.actions_never_enabled
    assert [(p.name, p.bad_reachable, p.sites_never_enabled) for p in reduced.properties] == \
        [(p.name, p.bad_reachable, p.sites_never_enabled) for p in full.properties]


BUNDLED = "specs/kvm_fpu/{}.kp"


def test_interchangeable_other_tasks_on_one_cpu_represent_the_exact_count():
    model = load_spec(BUNDLED.format("v4.15"), {"other_tasks": "3"}).model
    full, reduced = explore(model, FULL), explore(model, REDUCED)
    assert reduced.symmetries == ("other0<->other1", "other0<->other2", "other1<->other2")
    assert reduced.group_size == 6
    assert reduced.states < full.states
    assert reduced.represented == full.states  # the initial state is symmetric: exact
    assert reduced.diameter == full.diameter


@pytest.mark.parametrize("variant, prop", [("v4.14", "wanpeng"), ("v5.2", "no_loss")])
def test_a_counterexample_found_up_to_symmetry_is_a_run_of_the_model(variant, prop):
    model = load_spec(BUNDLED.format(variant), {"cpus": "2", "other_tasks": "2"}).model
    p = model.property(prop)
    result = check(model, p, REDUCED)
    assert result.stats["reduction"] == "symmetry" and result.stats["group_size"] == 4
    assert isinstance(result.outcome, Found)
    judged = judge(model, p, result).outcome  # replayed by the gate
    full = judge(model, p, check(model, p, FULL)).outcome
    assert isinstance(judged, Violated) and isinstance(full, Violated)
    assert judged.depth == full.depth


def test_cpu_dependent_rules_break_cpu_symmetry(tmp_path):
    base = ("param cpus: 1..4 = 2\nenum Data { garbage, a, b }\npercpu var regs: Data = current.data\n"
            "task var data: Data = garbage\nfn context_switch(prev: Task, next: Task) { skip }\nthread x with data = a { loop { regs = current.data } }\n"
            "thread y count 2 with data = b { loop { regs = current.data } }\n")
    symmetric = _load(tmp_path, base + "property p: always regs[cpu0] != garbage || regs[cpu1] != garbage\n")
    # a CPU swap goes with the swap of the CPUs' idle tasks
    assert {g.name for g in generators(symmetric, list(symmetric.properties))} == {"y0<->y1", "cpu0<->cpu1+idle0<->idle1"}
    ruled = _load(tmp_path, base + "preempt when preemption && this_cpu == cpu0\nproperty p: always true\n")
    assert {g.name for g in generators(ruled, list(ruled.properties))} == {"y0<->y1"}
    lopsided = _load(tmp_path, base + "property p: always regs[cpu0] != garbage\n")
    names = {g.name for g in transpositions(lopsided)}
    assert "cpu0<->cpu1" in names and "x<->y0" in names  # candidates, refused:
    assert {g.name for g in generators(lopsided, list(lopsided.properties))} == {"y0<->y1"}


def test_the_gate_refuses_a_symmetry_that_is_not_one():
    model = load_spec(BUNDLED.format("v4.15"), {"other_tasks": "2"}).model
    prop = model.property("integrity")
    result = check(model, prop, REDUCED)
    assert isinstance(judge(model, prop, result).outcome, Proved)
    good = next(p for p in transpositions(model) if p.name == "other0<->other1")
    # the tasks' elements moved, but the task names they hold (current, owner) not renamed
    false = Permutation("false", good.slots, tuple(entry for entry in good.sorts if entry[0] != entry[1]))
    assert automorphism(model, [prop], false) is not None
    certificate = dataclasses.replace(result.outcome.certificate, symmetries=(false,))
    lying = dataclasses.replace(result, outcome=Safe("explicit", certificate))
    judged = judge(model, prop, lying).outcome
    assert isinstance(judged, Unknown) and "this is a bug" in judged.reason


def test_the_gate_refuses_reduced_states_claimed_without_their_symmetry():
    model = load_spec(BUNDLED.format("v4.15"), {"other_tasks": "2"}).model
    prop = model.property("integrity")
    result = check(model, prop, REDUCED)
    certificate = dataclasses.replace(result.outcome.certificate, symmetries=())
    judged = judge(model, prop, dataclasses.replace(result, outcome=Safe("explicit", certificate))).outcome
    assert isinstance(judged, Unknown) and "was not found" in judged.reason


def test_a_permutation_that_is_no_bijection_is_refused():
    model = load_spec(BUNDLED.format("v4.15"), {"other_tasks": "2"}).model
    good = next(p for p in transpositions(model) if p.name == "other0<->other1")
    broken = Permutation("broken", (0,) * len(good.slots), good.sorts)
    assert "bijection" in automorphism(model, list(model.properties), broken)
