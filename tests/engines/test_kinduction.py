"""The k-induction engine: proofs with simple paths, counterexamples, certificates."""

from __future__ import annotations



from support.smt_models import counter_noise, token_ring
from support.strategies import examples

from explorer.trust.certify import check_k_inductive
from explorer.engines import Options, kinduction
from explorer.verdict import HoldsUpTo, Proved, Violated
from support.gate import checked


def test_agrees_with_known_facts():
    for ex in examples():
        for prop in ex.model.properties:
            result = checked(kinduction.check, ex.model, prop, Options(bound=10))
            expected = ex.depths[prop.name]
            if expected is None:
                assert isinstance(result.outcome, Proved), (ex.model.name, prop.name)
            else:
                assert isinstance(result.outcome, Violated)
                assert result.outcome.depth == expected


def test_mutex_needs_k_three():
    ex = [e for e in examples() if e.model.name == "mutex"][0]
    prop = ex.model.properties[0]
    result = checked(kinduction.check, ex.model, prop, Options(bound=10))
    cert = result.outcome.certificate
    assert result.outcome.method == "k-induction"
    assert cert.kind == "k-induction" and cert.k == 3 and cert.checked
    assert cert.text == "mutual_exclusion is 3-inductive with simple paths"
    assert result.stats["k"] == 3
    assert check_k_inductive(ex.model, prop, cert.k)[0]
    # a bound below k: only the bounded answer
    assert checked(kinduction.check, ex.model, prop, Options(bound=2)).outcome == HoldsUpTo(2)


def test_token_ring_proved_and_counter_violated():
    model = token_ring()
    assert isinstance(checked(kinduction.check, model, model.properties[0], Options(bound=10)).outcome, Proved)
    model = counter_noise()
    result = checked(kinduction.check, model, model.property("x_is_7"), Options(bound=10))
    assert result.outcome.depth == 7
