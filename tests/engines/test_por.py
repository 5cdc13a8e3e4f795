"""Partial-order reduction: sound (the verdicts and shortest depths of the full search on
generated specs and models), effective on a bundled instance, and re-checked by the trust
gate, which refuses a forged stubborn set: one that leaves out a dependent action, and one
whose reduced graph has a cycle of states none of which is expanded fully."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer import semantics
from explorer.app.jobs import decide
from explorer.engines import Options, houdini
from explorer.engines.base import ExhaustiveCertificate, EngineResult, Safe
from explorer.engines.explicit import check
from explorer.engines.explicit.por import footprint, dependent
from explorer.lang import load_spec
from explorer.semantics.program import WordLayout
from explorer.trust.gate import judge
from explorer.report.phrases import proof_text
from explorer.verdict import Proved, Unknown, Verdict, Violated

sys.path.insert(0, str(Path(__file__).parents[1] / "support"))
from strategies import models  # noqa: E402

REDUCTIONS = ("none", "por", "all")


def _load(tmp_path, text: str):
    path = tmp_path / "por.kp"
    path.write_text(text)
    return load_spec(str(path)).model


@st.composite
def two_cpu_specs(draw) -> str:
    """Tasks pinned to two CPUs (or one) that mostly work on their own data (task
    variables, their CPU's register) and now and then on shared counters, with assertions
    and invariants over either, an optional softirq and a preemption rule."""
    cpus = draw(st.sampled_from([2, 2, 1]))
    own = ["current.x = !current.x", "current.k = 1 - current.k", "save(current.buf)",
           "restore(current.buf)", "if current.x { current.k = 0 } else { skip }",
           "assert mine: regs == current.data", "either { skip } or { current.x = true }"]
    shared = ["n = 1 - n", "if n == 1 { flag = true } else { skip }", "flag = false",
              "preempt_disable()\n        preempt_enable()", "assume n == 0\n        skip"]
    lines = [
        f"param cpus: 1..4 = {cpus}",
        "enum Data { garbage, a, b, c }",
        "percpu var regs: Data = current.data",
        "task var data: Data = garbage",
        "task var buf: Data = garbage",
        "task var x: bool = false",
        "task var k: 0..1 = 0",
        "var n: 0..1 = 0",
        "var flag: bool = false",
        "fn save(dst: &Data) { dst = regs }",
        "fn restore(src: Data) { regs = src }",
        "fn context_switch(prev: Task, next: Task) { "
        + draw(st.sampled_from(["save(prev.buf)", "skip"])) + " }",
    ]
    for task, data in (("t1", "a"), ("t2", "b")):
        body = [draw(st.sampled_from(own + shared if draw(st.integers(0, 3)) == 0 else own))
                for _ in range(draw(st.integers(2, 5)))]
        lines += [f"thread {task} with data = {data}, buf = {data} {{", "    loop {",
                  *(f"        {s}" for s in body), "    }", "}"]
    lines.append("preempt when " + draw(st.sampled_from(["false", "true", "this_cpu == cpu0", "flag"])))
    if draw(st.booleans()):
        lines.append("softirq noise when " + draw(st.sampled_from(["true", "flag", "n == 1"]))
                     + " { " + draw(st.sampled_from(["regs = c", "save(current.buf)", "n = 0"])) + " }")
    lines.append('property mine "tasks find their own data"')
    lines.append("property kept: always " + draw(st.sampled_from(
        ["!(flag && n == 1)", "(exists t: Task :: t.x && t.k == 1) ==> flag", "n == 0 || !flag"])))
    lines.append("property no_save_of_c: never save(d) when regs == c")
    lines.append("reach both: " + draw(st.sampled_from(["t1.x && t2.x", "flag && t1.k == 1"])))
    return "\n".join(lines) + "\n"


def _outcome(model, prop, reduction: str):
    """The gate's verdict as (kind, depth) and what the search said it reduced by."""
    result = check(model, prop, Options(reduction=reduction))
    judged = judge(model, prop, result).outcome
    assert not isinstance(judged, Unknown), (reduction, judged)
    kind = "violated" if isinstance(judged, Violated) else "proved"
    assert kind == "violated" or isinstance(judged, Proved) and judged.certificate.checked
    return (kind, judged.depth if isinstance(judged, Violated) else None), result.stats["reduction"]


def _agree(model) -> None:
    for prop in model.properties:
        full, _ = _outcome(model, prop, "none")
        for reduction in ("por", "all"):
            got, used = _outcome(model, prop, reduction)
            assert got == full, (prop.name, reduction)
            assert used in ("por", "all"), used  # partial-order reduction was on


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(two_cpu_specs())
def test_reduced_search_gives_the_full_searchs_verdicts_and_depths(tmp_path_factory, text):
    _agree(_load(tmp_path_factory.mktemp("por"), text))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models())
def test_reduced_search_agrees_on_generated_ir_models(model):
    _agree(model)


def _bundled():
    return load_spec("specs/kvm_fpu/v5.6.kp", {"cpus": "2", "other_tasks": "0"}).model


def test_steps_of_different_cpus_are_reduced_on_a_bundled_instance():
    model = _bundled()
    prop = model.property("integrity")
    full = check(model, prop, Options(reduction="none"))
    reduced = check(model, prop, Options(reduction="por"))
    assert reduced.stats["reduction"] == "por" and reduced.stats["por_reduced"] > 0
    assert reduced.stats["states"] < full.stats["states"]
    judged = judge(model, prop, reduced).outcome
    assert isinstance(judged, Proved) and "partial-order reduction" in judged.certificate.text
    # houdini draws its candidates from every reachable state: it never reduces by partial orders
    _, states, _, _ = houdini.reachable(model, prop, Options(reduction="por"))
    assert len(states) == full.stats["states"]


def test_a_violation_found_with_por_has_the_shortest_depth():
    model = _bundled()
    prop = model.property("preempted_with_guest")
    result = check(model, prop, Options(reduction="all"))
    assert result.stats["shortest"] == "re-searched without partial-order reduction"
    assert judge(model, prop, result).outcome.depth == 20


def _forged(model, prop, certificate: ExhaustiveCertificate, ample, sets):
    forged = dataclasses.replace(certificate, ample=np.asarray(ample), ample_sets=tuple(sets))
    return judge(model, prop, EngineResult(Safe("explicit", forged))).outcome


TWO = """
var done: bool = false
task var x: bool = false
thread left { loop { current.x = !current.x } }
thread right { loop { current.x = !current.x } }
preempt when false
param cpus: 1..2 = 2
property calm: always !done
"""


def test_the_gate_refuses_a_stubborn_set_without_a_dependent_action(tmp_path):
    """Each thread has a step per CPU it could run on; the one on the other CPU is
    disabled but dependent (same task variable), so it belongs in the set."""
    model = _load(tmp_path, TWO)
    prop = model.property("calm")
    certificate = check(model, prop, Options(reduction="por")).outcome.certificate
    assert isinstance(judge(model, prop, EngineResult(Safe("explicit", certificate))).outcome, Proved)
    prints = [footprint(model, a) for a in model.actions]
    ample, sets = np.array(certificate.ample), list(certificate.ample_sets)
    state = int(np.flatnonzero(ample >= 0)[0])
    members = sets[ample[state]]
    pair = [(a, b) for a in members for b in members if a != b and dependent(prints[a], prints[b])]
    assert pair, [model.actions[a].name for a in members]
    sets.append(tuple(a for a in members if a != pair[0][1]))
    ample[state] = len(sets) - 1
    outcome = _forged(model, prop, certificate, ample, sets)
    assert isinstance(outcome, Unknown) and "dependent on an action outside" in outcome.reason, outcome


TWO_STEPS = TWO.replace("thread right { loop { current.x = !current.x } }",
                        "thread right { loop { current.x = !current.x  current.x = !current.x } }")


def test_the_gate_refuses_a_disabled_member_that_others_can_enable(tmp_path):
    """A disabled member is harmless only while the set holds what could enable it: the
    right thread's second step, put into a set of the left thread's steps, can be
    enabled by the right thread's first step, which the set leaves out."""
    model = _load(tmp_path, TWO_STEPS)
    prop = model.property("calm")
    certificate = check(model, prop, Options(reduction="por")).outcome.certificate
    ample, sets = np.array(certificate.ample), list(certificate.ample_sets)
    state = int(np.flatnonzero(ample >= 0)[0])
    (init,) = semantics.initial_states(model)
    assert np.array_equal(certificate.states[state], WordLayout(model).pack(init))  # right at its first step
    steps = [i for i, a in enumerate(model.actions) if a.origin.task == "right" and a.origin.cpu == "cpu1"]
    second = max(steps, key=lambda i: model.actions[i].origin.span.column)  # later on its line
    assert second not in sets[ample[state]]
    sets.append(tuple(sets[ample[state]]) + (second,))
    ample[state] = len(sets) - 1
    outcome = _forged(model, prop, certificate, ample, sets)
    assert isinstance(outcome, Unknown) and "no false conjunct whose writers" in outcome.reason, outcome


LOOP = """
var done: bool = false
task var x: bool = false
thread spinner { loop { current.x = !current.x } }
thread finisher { done = true  loop { skip } }
preempt when false
param cpus: 1..2 = 2
property finished: always !done
"""


def test_the_gate_refuses_a_cycle_of_reduced_states(tmp_path):
    """The spinner's steps are invisible and independent of the finisher's, so a
    stubborn set of the spinner alone passes D0-D2 in each of its two states; but
    following it around the spinner's cycle for ever ignores the finisher, whose step is
    the violation: only the cycle proviso tells."""
    model = _load(tmp_path, LOOP)
    prop = model.property("finished")
    assert isinstance(judge(model, prop, check(model, prop, Options(reduction="por"))).outcome, Violated)
    spinner = tuple(i for i, a in enumerate(model.actions) if a.origin.task == "spinner")
    flip = [e.name for e in model.elements].index("spinner.x")
    (init,) = semantics.initial_states(model)
    layout = WordLayout(model)
    states = np.array([layout.pack(init[:flip] + (value,) + init[flip + 1:]) for value in (0, 1)])
    certificate = ExhaustiveCertificate(states=states, diameter=1)
    outcome = _forged(model, prop, certificate, [0, 0], [spinner])
    assert isinstance(outcome, Unknown) and "cycle" in outcome.reason, outcome
    # the same two states with one of them expanded fully: the finisher's step is missing
    outcome = _forged(model, prop, certificate, [0, -1], [spinner])
    assert isinstance(outcome, Unknown) and "was not found" in outcome.reason, outcome


def test_a_proof_by_a_reduced_search_says_how_it_was_reduced():
    model = _bundled()
    prop = model.property("integrity")
    for reduction, words in (("por", "(partial-order-reduced)"), ("all", "(symmetry- and partial-order-reduced)")):
        decided = decide(model, prop, "explicit", Options(reduction=reduction))
        verdict = Verdict(spec="v5.6.kp", variant="v5.6", property="integrity", kind=prop.kind,
                          outcome=decided.outcome, engine="explicit", bound=20, time_s=0.0, stats=decided.stats)
        assert words in proof_text(verdict), proof_text(verdict)
        assert "represented" not in proof_text(verdict)  # the states left out are not counted
