"""The trust gate checks every claim itself: lying engines get ``unknown`` ("this is a
bug"), never a verdict, and a new engine cannot go around the gate."""

from __future__ import annotations

import numpy as np
import pytest

from explorer import ir
from explorer.app.jobs import Job, run_job
from explorer.engines import explicit, registry
from explorer.engines.base import (
    Counterexample, EngineResult, ExhaustiveCertificate, Found, InvariantCertificate,
    KInductionCertificate, Options, Safe,
)
from explorer.semantics import initial_states, successors
from explorer.semantics.program import WordLayout
from explorer.trust import judge
from explorer.verdict import HoldsUpTo, Proved, Unknown, Violated
from support.strategies import examples


def _mutex():
    ex = [e for e in examples() if e.model.name == "mutex"][0]
    return ex.model, ex.model.properties[0]


def _counter():
    ex = [e for e in examples() if e.model.name == "counter"][0]
    return ex.model, ex.model.property("x_le_3")


def _refused(model, prop, claim) -> str:
    outcome = judge(model, prop, EngineResult(claim)).outcome
    assert isinstance(outcome, Unknown), outcome
    return outcome.reason


def _reachable(model):
    """The reachable states, packed as the explicit engine packs them (one row each)."""
    seen = set(initial_states(model))
    todo = list(seen)
    while todo:
        for _, nxt in successors(model, todo.pop()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    layout = WordLayout(model)
    return np.array([layout.pack(s) for s in sorted(seen)], dtype=np.uint64)


def test_a_run_that_does_not_replay_is_refused():
    model, prop = _mutex()
    init = next(initial_states(model))
    reason = _refused(model, prop, Found(Counterexample(init, (model.actions[0].name,))))
    assert "did not replay" in reason and "this is a bug" in reason
    reason = _refused(model, prop, Found(Counterexample(init, ("no such action",))))
    assert "this is a bug" in reason


def test_a_real_counterexample_passes():
    model, prop = _counter()
    claim = explicit.check(model, prop, Options())
    assert isinstance(claim.outcome, Found)
    outcome = judge(model, prop, claim).outcome
    assert isinstance(outcome, Violated) and outcome.depth == 4
    assert outcome.trace.actions == claim.outcome.counterexample.actions


def test_a_wrong_invariant_is_refused():
    model, prop = _mutex()
    for wrong in (ir.TRUE, ir.FALSE):
        reason = _refused(model, prop, Safe("liar", InvariantCertificate(wrong)))
        assert "failed its re-check" in reason and "this is a bug" in reason
    reason = _refused(model, prop, Safe("liar", InvariantCertificate(None, smt2="(assert true)")))
    assert "this is a bug" in reason
    reason = _refused(model, prop, Safe("liar", InvariantCertificate(None)))
    assert "without an invariant" in reason


def test_a_wrong_k_is_refused():
    model, prop = _mutex()
    reason = _refused(model, prop, Safe("liar", KInductionCertificate(2)))
    assert "step case" in reason and "this is a bug" in reason
    assert isinstance(judge(model, prop, EngineResult(Safe("kind", KInductionCertificate(3)))).outcome, Proved)


def test_a_wrong_set_of_reachable_states_is_refused():
    model, prop = _mutex()
    states = _reachable(model)
    assert isinstance(judge(model, prop, EngineResult(Safe("explicit", ExhaustiveCertificate(states, 4)))).outcome, Proved)
    reason = _refused(model, prop, Safe("liar", ExhaustiveCertificate(states[1:], 4)))
    assert "re-check failed" in reason and "this is a bug" in reason
    model, prop = _counter()
    reason = _refused(model, prop, Safe("liar", ExhaustiveCertificate(_reachable(model), 4)))
    assert "is bad" in reason


def test_what_is_no_claim_is_refused():
    model, prop = _mutex()
    assert "no claim" in _refused(model, prop, Proved("liar", None))
    assert "no known kind" in _refused(model, prop, Safe("liar", object()))
    unreadable = InvariantCertificate(ir.Read("nosuch", None, ir.BOOL))
    assert "could not be checked" in _refused(model, prop, Safe("liar", unreadable))


def test_plain_facts_pass_as_they_are():
    model, prop = _mutex()
    assert judge(model, prop, EngineResult(HoldsUpTo(5))).outcome == HoldsUpTo(5)
    assert judge(model, prop, EngineResult(Unknown("timeout"))).outcome == Unknown("timeout")


@pytest.fixture
def liar(monkeypatch):
    """A new engine that says 'proved' whatever the model: registered like any other."""
    def check(model, prop, options: Options) -> EngineResult:
        return EngineResult(Safe("liar", InvariantCertificate(ir.TRUE)))

    monkeypatch.setitem(registry.ENGINES, "liar", check)
    return "liar"


def test_a_new_engine_cannot_go_around_the_gate(liar, tmp_path):
    spec = tmp_path / "spec.kp"
    spec.write_text("var x: 0..3 = 0\nthread t { loop { x = 3 } }\nproperty small: always x <= 2\n")
    verdict = run_job(Job(str(spec), (), "small", liar, 5, None))
    assert verdict.name == "unknown" and "this is a bug" in verdict.outcome.reason
